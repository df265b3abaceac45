// Log engines as sources: read controller logs out of VictoriaLogs (LogsQL) or Grafana Loki
// (LogQL) instead of files, so that a platform team that already ships its logs there gets the
// same findings without copying files around. History is read in time order, page by page
// within the server's limits; `follow` then polls for what arrives after.
//
// Each stream becomes one input (its labels name it; namespace/pod/container become the lines'
// origin, as `kubectl logs --prefix` does). A line that does not start with its own RFC 3339 time
// gets the entry's time as a `--timestamps` prefix, so the parsers see the time the engine holds.
import { describeError, UserError } from '../core/errors.js';
import { sleep } from '../core/clock.js';
import { userAgent } from '../core/version.js';
import type { SourceHealth } from '../core/live-status.js';
import { newInput, type InputHandle, type LinesItem } from './types.js';

/** The engines ctrlscope reads. */
export const LOG_ENGINES = ['vlogs', 'loki'] as const;
export type LogEngine = (typeof LOG_ENGINES)[number];

/** Where and how to read a log engine. */
export interface LogEngineOptions {
  url: string;
  query: string;
  engine?: LogEngine;
  /** Epoch ms; default: an hour before `until`. */
  since?: number;
  /** Epoch ms; default: now. */
  until?: number;
  /** Bearer token (Authorization: Bearer …). */
  token?: string;
  /** Basic auth `user:password`. */
  basicAuth?: string;
  /** Tenant: Loki's X-Scope-OrgID; VictoriaLogs' AccountID (and ProjectID after a colon). */
  tenant?: string;
  /** Entries per page (Loki's default max_entries_limit_per_query is 5000). */
  pageSize?: number;
  /** VictoriaLogs: length of one history page in ms. */
  windowMs?: number;
  /** Keep polling for new entries after the history. */
  follow?: boolean;
  pollMs?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Called with the number of entries read, for progress. */
  onEntries?: (n: number) => void;
  /** Called once the history up to `until` has been read (before following). */
  onCaughtUp?: () => void;
}

/** One log entry: its stream's labels, its time in ns, and the line. */
interface Entry {
  stream: string;
  labels: Record<string, string>;
  ns: bigint;
  line: string;
}

const RFC3339_AT_START = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;

/** Formats ns since the epoch as RFC 3339 with nanoseconds (the kubectl --timestamps shape). */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** The line as the parsers get it: with the entry's time in front unless it starts with its own. */
export function lineOf(e: { ns: bigint; line: string }): string {
  return RFC3339_AT_START.test(e.line) ? e.line : `${rfc3339Nano(e.ns)} ${e.line}`;
}

/** A stream's labels as `{a="x",b="y"}`, sorted: one input per stream. */
export function streamName(labels: Record<string, string>): string {
  return `{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}

/** Parses VictoriaLogs' `_stream` value (`{a="x",b="y"}`) into labels. */
export function parseStream(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z_][\w.-]*)="((?:[^"\\]|\\.)*)"/g)) {
    try {
      out[m[1]!] = JSON.parse(`"${m[2]!}"`) as string;
    } catch {
      out[m[1]!] = m[2]!;
    }
  }
  return out;
}

/** Origin of a stream's lines: namespace/pod/container when its labels have them. */
function originOf(labels: Record<string, string>): string | undefined {
  const ns = labels['namespace'] ?? labels['k8s_namespace_name'] ?? labels['kubernetes_namespace'];
  const pod = labels['pod'] ?? labels['k8s_pod_name'] ?? labels['kubernetes_pod_name'] ?? labels['instance'];
  const c = labels['container'] ?? labels['k8s_container_name'] ?? labels['kubernetes_container_name'];
  if (!pod) return undefined;
  return [ns, pod, c].filter(Boolean).join('/');
}

/** Request headers: auth, tenant and our User-Agent. */
function headers(o: LogEngineOptions, engine: LogEngine): Record<string, string> {
  const h: Record<string, string> = { 'user-agent': userAgent(), accept: 'application/json' };
  if (o.token) h['authorization'] = `Bearer ${o.token}`;
  else if (o.basicAuth) h['authorization'] = `Basic ${Buffer.from(o.basicAuth).toString('base64')}`;
  if (o.tenant) {
    if (engine === 'loki') h['x-scope-orgid'] = o.tenant;
    else {
      const [account, project] = o.tenant.split(':');
      h['accountid'] = account!;
      if (project) h['projectid'] = project;
    }
  }
  return h;
}

/** A failed request as the user's error: the server, its status and its own words. */
function httpError(url: URL, status: number, body: string): UserError {
  const what = body.trim().split('\n')[0]!.slice(0, 300) || `HTTP ${status}`;
  const hint =
    status === 401 || status === 403
      ? 'pass credentials with --logs-token or --logs-user (or CTRLSCOPE_LOGS_TOKEN / CTRLSCOPE_LOGS_USER), and the tenant with --logs-tenant'
      : status === 400
        ? 'check --query: it must be valid for the engine (LogsQL for VictoriaLogs, a LogQL log query for Loki)'
        : 'check that the URL points at the engine and that it is healthy';
  return new UserError(`${url.origin}${url.pathname}: ${status} ${what}`, hint);
}

async function get(url: URL, o: LogEngineOptions, engine: LogEngine, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: headers(o, engine), signal: AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs ?? 60_000)]) });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new UserError(`cannot reach the log engine at ${url.origin}: ${describeError(err)}`, 'check --logs-from (scheme, host and port) and that the engine is running');
  }
  const body = await res.text();
  if (!res.ok) throw httpError(url, res.status, body);
  return body;
}

const base = (u: string) => u.replace(/\/+$/, '');

/** Which engine answers at `url`: Loki has a build-info endpoint, VictoriaLogs a LogsQL one. */
export async function detectEngine(o: LogEngineOptions, signal: AbortSignal): Promise<LogEngine> {
  const probe = async (path: string, engine: LogEngine): Promise<boolean> => {
    try {
      await get(new URL(base(o.url) + path), o, engine, signal);
      return true;
    } catch (err) {
      if (err instanceof UserError && /: 40[13] /.test(err.message)) throw err;
      return false;
    }
  };
  if (await probe('/loki/api/v1/status/buildinfo', 'loki')) return 'loki';
  if (await probe('/select/logsql/query?query=' + encodeURIComponent('_time:1s | limit 1'), 'vlogs')) return 'vlogs';
  throw new UserError(`cannot tell which log engine answers at ${o.url}`, 'pass --logs-engine vlogs or --logs-engine loki');
}

/** One page of Loki's query_range, forward in time. */
async function lokiPage(o: LogEngineOptions, start: bigint, end: bigint, limit: number, signal: AbortSignal): Promise<Entry[]> {
  const url = new URL(base(o.url) + '/loki/api/v1/query_range');
  url.searchParams.set('query', o.query);
  url.searchParams.set('start', start.toString());
  url.searchParams.set('end', end.toString());
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('direction', 'forward');
  const body = JSON.parse(await get(url, o, 'loki', signal)) as {
    status?: string;
    data?: { resultType?: string; result?: { stream?: Record<string, string>; values?: [string, string][] }[] };
  };
  if (body.data?.resultType !== 'streams') {
    throw new UserError(`${url.origin}: --query must be a LogQL log query (it returned ${body.data?.resultType ?? 'nothing'}, not streams)`, 'drop metric functions such as rate() or count_over_time() from --query');
  }
  const out: Entry[] = [];
  for (const s of body.data.result ?? []) {
    const labels = s.stream ?? {};
    const stream = streamName(labels);
    for (const [ts, line] of s.values ?? []) out.push({ stream, labels, ns: BigInt(ts), line });
  }
  // Loki sorts within a stream; across streams the page is merged here.
  out.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  return out;
}

/** One VictoriaLogs window [start, end), all of it (VictoriaLogs streams results without a cap). */
async function vlogsWindow(o: LogEngineOptions, start: bigint, end: bigint, signal: AbortSignal): Promise<Entry[]> {
  const url = new URL(base(o.url) + '/select/logsql/query');
  url.searchParams.set('query', o.query);
  url.searchParams.set('start', rfc3339Nano(start));
  url.searchParams.set('end', rfc3339Nano(end - 1n));
  const text = await get(url, o, 'vlogs', signal);
  const out: Entry[] = [];
  for (const l of text.split('\n')) {
    if (!l) continue;
    const row = JSON.parse(l) as Record<string, string>;
    const t = row['_time'];
    if (!t) continue;
    const ms = Date.parse(t);
    const frac = /\.(\d+)/.exec(t)?.[1] ?? '';
    const ns = BigInt(Math.floor(ms / 1000)) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
    const streamText = row['_stream'] ?? '{}';
    const labels = parseStream(streamText);
    out.push({ stream: streamText, labels, ns, line: vlogsLine(row, labels) });
  }
  out.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  return out;
}

/** VictoriaLogs' placeholder for an entry whose message field it did not find. */
const NO_MSG = 'missing _msg field';

/**
 * The log line of a VictoriaLogs row. A plain line is its `_msg`. A JSON line (zap, slog, logr)
 * was split into fields at ingestion, and `_msg` holds the message or a placeholder: the line is
 * rebuilt as a JSON object of its own fields (not the stream's labels, nor VictoriaLogs' own), so
 * the parsers read the same keys the controller wrote.
 */
export function vlogsLine(row: Record<string, string>, labels: Record<string, string>): string {
  const msg = row['_msg'] ?? '';
  const own: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(row)) {
    if (k.startsWith('_') || k in labels) continue;
    own[k] = v;
    n++;
  }
  if (n === 0) return msg;
  if (msg && !msg.startsWith(NO_MSG) && own['msg'] === undefined && own['message'] === undefined) own['msg'] = msg;
  return JSON.stringify(own);
}

/**
 * The engine's entries for [since, until) in time order as LinesItems, one input per stream,
 * then (with `follow`) what arrives later. Entries of one nanosecond at a page boundary are read
 * once: the next page starts at that nanosecond and skips the lines already read there.
 */
export async function* logEngineSource(o: LogEngineOptions, signal: AbortSignal): AsyncGenerator<LinesItem> {
  const engine = o.engine ?? (await detectEngine(o, signal));
  const until = BigInt(o.until ?? Date.now()) * 1_000_000n;
  const since = BigInt(o.since ?? Number(until / 1_000_000n) - 3_600_000) * 1_000_000n;
  const inputs = new Map<string, { input: InputHandle; next: number }>();
  const emit = function* (entries: Entry[]): Generator<LinesItem> {
    const byStream = new Map<string, Entry[]>();
    for (const e of entries) {
      let l = byStream.get(e.stream);
      if (!l) byStream.set(e.stream, (l = []));
      l.push(e);
    }
    for (const [stream, list] of byStream) {
      let h = inputs.get(stream);
      if (!h) {
        const labels = list[0]!.labels;
        const origin = originOf(labels);
        const input = newInput(`${engine}:${stream}`, 'log', { ...(origin ? { origin } : {}), referenceYear: new Date(Number(list[0]!.ns / 1_000_000n)).getUTCFullYear() });
        inputs.set(stream, (h = { input, next: 1 }));
      }
      const lines = list.map(lineOf);
      yield { type: 'lines', input: h.input, lines, firstLine: h.next };
      h.next += lines.length;
    }
    o.onEntries?.(entries.length);
  };

  const limit = o.pageSize ?? 5000;
  let start = since;
  let seenAtStart = new Set<string>();
  const read = async function* (end: bigint): AsyncGenerator<LinesItem> {
    if (end <= start) return;
    if (engine === 'loki') {
      for (;;) {
        if (signal.aborted) return;
        const page = await lokiPage(o, start, end, limit, signal);
        const fresh = page.filter((e) => e.ns !== start || !seenAtStart.has(`${e.stream}\u0000${e.line}`));
        yield* emit(fresh);
        if (page.length < limit) {
          start = end;
          seenAtStart = new Set();
          return;
        }
        const last = page[page.length - 1]!.ns;
        if (last === start && fresh.length === 0) {
          throw new UserError(`${o.url}: more than ${limit} entries share one nanosecond (${rfc3339Nano(last)})`, 'raise --logs-page-size, or narrow --query');
        }
        const atLast = new Set(page.filter((e) => e.ns === last).map((e) => `${e.stream}\u0000${e.line}`));
        seenAtStart = last === start ? new Set([...seenAtStart, ...atLast]) : atLast;
        start = last;
      }
    } else {
      // Windows adapt to the volume: a window that held more than `pageSize` × 20 entries halves
      // the next one, one with fewer than `pageSize` doubles it (up to six hours), so memory stays
      // bounded on busy streams and quiet ones take few requests.
      const most = BigInt(o.pageSize ?? 5000) * 20n;
      let w = BigInt(o.windowMs ?? 3_600_000) * 1_000_000n;
      while (start < end) {
        if (signal.aborted) return;
        const stop = start + w < end ? start + w : end;
        const got = await vlogsWindow(o, start, stop, signal);
        yield* emit(got);
        start = stop;
        const n = BigInt(got.length);
        if (n > most && w > 1_000_000_000n) w /= 2n;
        else if (n * 20n < most && w < 6n * 3_600_000_000_000n) w *= 2n;
      }
    }
  };
  yield* read(until);
  o.onCaughtUp?.();
  while (o.follow && !signal.aborted) {
    await sleep(o.pollMs ?? 2000, signal).catch(() => undefined);
    if (signal.aborted) return;
    // A little behind now, so entries still being ingested are not skipped.
    yield* read(BigInt(Date.now() - 1000) * 1_000_000n);
  }
}

/**
 * A followed log engine for live mode (`watch`, `serve`): reads the history, then what arrives,
 * reporting its health as a source named `logs URL` (syncing, connected with the entries read,
 * failed with the reason). `ready` settles once the history is in.
 */
export function followLogEngine(o: LogEngineOptions, signal: AbortSignal, onHealth: (h: SourceHealth) => void): { source: AsyncGenerator<LinesItem>; ready: Promise<void> } {
  const name = `logs ${o.url}`;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  let n = 0;
  onHealth({ name, state: 'syncing', target: o.url });
  const inner = logEngineSource(
    {
      ...o,
      follow: true,
      onCaughtUp: () => {
        onHealth({ name, state: 'connected', target: o.url, events: n });
        resolveReady();
      },
      onEntries: (k) => {
        n += k;
        onHealth({ name, state: n ? 'connected' : 'syncing', target: o.url, events: n });
      },
    },
    signal,
  );
  const source = (async function* () {
    try {
      yield* inner;
    } catch (err) {
      onHealth({ name, state: 'failed', target: o.url, detail: describeError(err) });
      resolveReady();
      throw err;
    }
  })();
  return { source, ready };
}
