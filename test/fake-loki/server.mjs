// A local server that answers as Grafana Loki's documented HTTP API does, for testing ctrlscope's
// Loki client: Loki itself cannot be built here (its license keeps it out of our toolchain), so
// this follows the API reference (https://grafana.com/docs/loki/latest/reference/loki-http-api/):
// - GET /loki/api/v1/query_range: query, start, end (Unix ns, float seconds or RFC 3339; start
//   inclusive, end exclusive), limit (default 100), direction (forward|backward, default
//   backward); answers {"status":"success","data":{"resultType":"streams","result":[{"stream":
//   {labels},"values":[["<ns>","<line>"],…]}],"stats":{}}}; the `limit` newest (backward) or
//   oldest (forward) entries across all streams;
// - limits with Loki's error texts and status 400: max_entries_limit_per_query (default 5000),
//   max_query_length (default 721h); a LogQL parse error; 401 "no org id" without
//   X-Scope-OrgID when multi-tenant (auth_enabled);
// - a metric query (rate, count_over_time, …) answers resultType "matrix";
// - GET /loki/api/v1/status/buildinfo, GET /ready.
// Only the stream selector (=, !=, =~, !~) and the line filters |= != |~ !~ of LogQL are
// evaluated: enough for log queries. Every request is recorded with its headers.
import http from 'node:http';

const DEFAULTS = { maxEntries: 5000, maxQueryLengthNs: 721n * 3600n * 1_000_000_000n, authEnabled: false };

/** Parses Loki's time parameter forms into ns. */
function parseTime(s, fallback) {
  if (s === undefined || s === '') return fallback;
  if (/^\d+$/.test(s)) return s.length > 12 ? BigInt(s) : BigInt(s) * 1_000_000_000n;
  if (/^\d+\.\d+$/.test(s)) return BigInt(Math.round(Number(s) * 1e6)) * 1000n;
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`invalid parameter "start/end": cannot parse "${s}" to a valid timestamp`);
  return BigInt(ms) * 1_000_000n;
}

/** Parses `{a="x", b=~"y"} |= "z" !~ "w"` into matchers and filters; throws Loki-like parse errors. */
export function parseLogQL(q) {
  const s = q.trim();
  const sel = /^\{([^}]*)\}/.exec(s);
  if (!sel) throw new Error(`parse error at line 1, col 1: syntax error: unexpected IDENTIFIER`);
  const matchers = [];
  for (const part of sel[1].split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/.exec(part);
    if (!m) throw new Error(`parse error at line 1, col 2: syntax error: unexpected ${part.includes('=') ? 'STRING' : '}'}`);
    matchers.push({ name: m[1], op: m[2], value: JSON.parse(`"${m[3]}"`) });
  }
  if (!matchers.length) throw new Error('parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will');
  const filters = [];
  let rest = s.slice(sel[0].length).trim();
  while (rest) {
    const f = /^(\|=|!=|\|~|!~)\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)/.exec(rest);
    if (!f) throw new Error(`parse error at line 1, col ${s.length - rest.length + 1}: syntax error: unexpected ${rest.split(/\s/)[0]}`);
    filters.push({ op: f[1], value: f[2] !== undefined ? JSON.parse(`"${f[2]}"`) : f[3] });
    rest = rest.slice(f[0].length).trim();
  }
  return { matchers, filters };
}

const anchored = (re) => new RegExp(`^(?:${re})$`);

function matches(labels, line, { matchers, filters }) {
  for (const m of matchers) {
    const v = labels[m.name] ?? '';
    if (m.op === '=' && v !== m.value) return false;
    if (m.op === '!=' && v === m.value) return false;
    if (m.op === '=~' && !anchored(m.value).test(v)) return false;
    if (m.op === '!~' && anchored(m.value).test(v)) return false;
  }
  for (const f of filters) {
    if (f.op === '|=' && !line.includes(f.value)) return false;
    if (f.op === '!=' && line.includes(f.value)) return false;
    if (f.op === '|~' && !new RegExp(f.value).test(line)) return false;
    if (f.op === '!~' && new RegExp(f.value).test(line)) return false;
  }
  return true;
}

/** Starts the server on 127.0.0.1; `push(labels, [[ns, line], …])` adds entries. */
export async function startFakeLoki(options = {}) {
  const cfg = { ...DEFAULTS, ...options };
  const entries = []; // { labels, key, ns, line }
  const requests = [];
  const send = (res, status, body, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname, params: Object.fromEntries(url.searchParams), headers: req.headers });
    if (url.pathname === '/ready') return send(res, 200, 'ready\n', 'text/plain');
    if (url.pathname === '/loki/api/v1/status/buildinfo') return send(res, 200, { version: '3.5.0', revision: 'fake', branch: 'HEAD', buildUser: '', buildDate: '', goVersion: '' });
    if (url.pathname !== '/loki/api/v1/query_range') return send(res, 404, '404 page not found\n', 'text/plain');
    if (cfg.authEnabled && !req.headers['x-scope-orgid']) return send(res, 401, 'no org id\n', 'text/plain');
    if (cfg.token && req.headers['authorization'] !== `Bearer ${cfg.token}`) return send(res, 401, 'Unauthorized\n', 'text/plain');
    const p = url.searchParams;
    const q = p.get('query') ?? '';
    let start, end;
    try {
      end = parseTime(p.get('end') ?? undefined, BigInt(Date.now()) * 1_000_000n);
      start = parseTime(p.get('start') ?? undefined, end - 3600n * 1_000_000_000n);
    } catch (e) {
      return send(res, 400, `${e.message}\n`, 'text/plain');
    }
    if (end < start) return send(res, 400, 'end timestamp must not be before or equal to start time\n', 'text/plain');
    const limit = Number(p.get('limit') ?? 100);
    if (limit > cfg.maxEntries) return send(res, 400, `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${cfg.maxEntries})\n`, 'text/plain');
    if (end - start > cfg.maxQueryLengthNs) {
      const h = (ns) => `${ns / 3_600_000_000_000n}h`;
      return send(res, 400, `the query time range exceeds the limit (query length: ${h(end - start)}, limit: ${h(cfg.maxQueryLengthNs)})\n`, 'text/plain');
    }
    if (/^\s*(rate|count_over_time|bytes_over_time|sum|avg|max|min|topk|absent_over_time)\s*\(/.test(q)) {
      return send(res, 200, { status: 'success', data: { resultType: 'matrix', result: [], stats: {} } });
    }
    let parsed;
    try {
      parsed = parseLogQL(q);
    } catch (e) {
      return send(res, 400, `${e.message}\n`, 'text/plain');
    }
    const forward = (p.get('direction') ?? 'backward').toLowerCase() === 'forward';
    const hits = entries.filter((e) => e.ns >= start && e.ns < end && matches(e.labels, e.line, parsed));
    hits.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.seq - b.seq) * (forward ? 1 : -1));
    const page = hits.slice(0, limit);
    const streams = new Map();
    for (const e of page) {
      let s = streams.get(e.key);
      if (!s) streams.set(e.key, (s = { stream: e.labels, values: [] }));
      s.values.push([e.ns.toString(), e.line]);
    }
    send(res, 200, { status: 'success', data: { resultType: 'streams', result: [...streams.values()], stats: { summary: { totalEntriesReturned: page.length } } } });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  let seq = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push(labels, values) {
      const key = JSON.stringify(Object.entries(labels).sort());
      for (const [ns, line] of values) entries.push({ labels, key, ns: BigInt(ns), line, seq: seq++ });
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
