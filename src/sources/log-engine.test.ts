// The Loki side of the log-engine source, against a local server that answers as Loki's documented
// HTTP API does (test/fake-loki: Loki cannot be built here). The VictoriaLogs side runs against
// the real server in the fleet tier (test/fleet).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLoki, type FakeLoki } from '../../test/fake-loki/server.mjs';
import { UserError } from '../core/errors.js';
import type { LinesItem } from './types.js';
import { lineOf, logEngineSource, parseStream, rfc3339Nano, vlogsLine, type LogEngineOptions } from './log-engine.js';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'ctrlscope.js');
let loki: FakeLoki | undefined;
afterEach(async () => {
  await loki?.close();
  loki = undefined;
});

const T0 = 1_763_000_000_000_000_000n; // 2025-11-13T02:13:20Z in ns

async function collect(o: LogEngineOptions, signal = new AbortController().signal): Promise<LinesItem[]> {
  const out: LinesItem[] = [];
  for await (const item of logEngineSource(o, signal)) out.push(item);
  return out;
}

describe('log lines from an engine entry', () => {
  it('puts the entry time in front of a line without its own, in the kubectl --timestamps shape', () => {
    expect(rfc3339Nano(1_763_000_000_123_456_789n)).toBe('2025-11-13T02:13:20.123456789Z');
    expect(lineOf({ ns: 1_763_000_000_123_456_789n, line: 'I1113 02:13:20.123456       1 controller.go:42] synced' })).toBe(
      '2025-11-13T02:13:20.123456789Z I1113 02:13:20.123456       1 controller.go:42] synced',
    );
    const own = '2025-11-02T18:02:57.786196777Z 2025/11/02 18:02:57 WARN Pending streams still tracked count=3';
    expect(lineOf({ ns: 1n, line: own })).toBe(own);
  });

  it("rebuilds a JSON line VictoriaLogs split into fields, without the stream's labels", () => {
    const labels = parseStream('{input="gw",pod="gateway-0"}');
    expect(labels).toEqual({ input: 'gw', pod: 'gateway-0' });
    const row = {
      _msg: 'missing _msg field; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field',
      _stream: '{input="gw",pod="gateway-0"}', _stream_id: '0000', _time: '2026-11-20T10:00:00Z',
      input: 'gw', pod: 'gateway-0', level: 'info', msg: 'Created RemediationRequest CRD', fingerprint: 'abc',
    };
    expect(JSON.parse(vlogsLine(row, labels))).toEqual({ level: 'info', msg: 'Created RemediationRequest CRD', fingerprint: 'abc' });
    expect(vlogsLine({ _msg: 'plain text', _stream: '{input="gw"}', _time: 'x', input: 'gw' }, { input: 'gw' })).toBe('plain text');
  });
});

describe('Loki source (documented HTTP API)', () => {
  it('pages forward through max_entries_limit_per_query, reads entries that share the boundary nanosecond once, one input per stream', async () => {
    loki = await startFakeLoki({ maxEntries: 1000 });
    const a: [bigint, string][] = [];
    const b: [bigint, string][] = [];
    for (let i = 0; i < 2500; i++) {
      // Bursts of five entries in one nanosecond, so page boundaries fall inside them.
      const ns = T0 + BigInt(Math.floor(i / 5)) * 1_000_000n;
      a.push([ns, `a ${i}`]);
      if (i % 2 === 0) b.push([ns, `b ${i}`]);
    }
    loki.push({ namespace: 'ns', pod: 'ctl-a', container: 'manager' }, a);
    loki.push({ namespace: 'ns', pod: 'ctl-b', container: 'manager' }, b);
    const items = await collect({ url: loki.url, query: '{namespace="ns"}', engine: 'loki', since: Number(T0 / 1_000_000n), until: Number(T0 / 1_000_000n) + 10_000, pageSize: 1000 });
    const byInput = new Map<string, string[]>();
    for (const it of items) byInput.set(it.input.report.source, [...(byInput.get(it.input.report.source) ?? []), ...it.lines]);
    const got = [...byInput.entries()].map(([k, v]) => [k, v.length, v.map((l) => l.split(' ').slice(1).join(' '))] as const);
    expect(got.map(([k, n]) => [k, n])).toEqual([
      ['loki:{container="manager",namespace="ns",pod="ctl-a"}', 2500],
      ['loki:{container="manager",namespace="ns",pod="ctl-b"}', 1250],
    ]);
    expect(got[0]![2]).toEqual(a.map(([, l]) => l));
    expect(items[0]!.input.origin).toBe('ns/ctl-a/manager');
    // Line numbers continue across pages.
    const firstA = items.filter((i) => i.input === items[0]!.input);
    expect(firstA.map((i) => i.firstLine)).toEqual(firstA.map((_, k) => 1 + firstA.slice(0, k).reduce((n, x) => n + x.lines.length, 0)));
    const q = loki.requests.filter((r) => r.path === '/loki/api/v1/query_range');
    expect(q.length).toBeGreaterThanOrEqual(4);
    expect(q.every((r) => r.params['direction'] === 'forward' && r.params['limit'] === '1000')).toBe(true);
  });

  it('sends the tenant, the bearer token and its User-Agent', async () => {
    loki = await startFakeLoki({ authEnabled: true, token: 's3cret' });
    loki.push({ app: 'x' }, [[T0, 'hello']]);
    const items = await collect({ url: loki.url, query: '{app="x"}', tenant: 'team-a', token: 's3cret', since: Number(T0 / 1_000_000n) - 1000, until: Number(T0 / 1_000_000n) + 1000 });
    expect(items.flatMap((i) => i.lines)).toEqual([`${rfc3339Nano(T0)} hello`]);
    const r = loki.requests.find((x) => x.path === '/loki/api/v1/query_range')!;
    expect(r.headers['x-scope-orgid']).toBe('team-a');
    expect(r.headers['authorization']).toBe('Bearer s3cret');
    expect(String(r.headers['user-agent'])).toMatch(/^ctrlscope\/\d+\.\d+\.\d+ \(\w+\/\w+\)$/);
    // Asked which engine it is (no --logs-engine): the build-info endpoint answered.
    expect(loki.requests[0]!.path).toBe('/loki/api/v1/status/buildinfo');
  });

  it("turns Loki's errors into messages that name the server, Loki's words and what to try", async () => {
    loki = await startFakeLoki({ authEnabled: true });
    const base = { url: loki.url, engine: 'loki' as const, since: Number(T0 / 1_000_000n), until: Number(T0 / 1_000_000n) + 1000 };
    const fail = async (o: LogEngineOptions) => {
      try {
        await collect(o);
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return e as UserError;
      }
      throw new Error('expected a failure');
    };
    const noTenant = await fail({ ...base, query: '{app="x"}' });
    expect(noTenant.message).toBe(`${loki.url}/loki/api/v1/query_range: 401 no org id`);
    expect(noTenant.tryMessage).toContain('--logs-tenant');
    const tooMany = await fail({ ...base, query: '{app="x"}', tenant: 't', pageSize: 9000 });
    expect(tooMany.message).toContain('400 max entries limit per query exceeded, limit > max_entries_limit_per_query (9000 > 5000)');
    const bad = await fail({ ...base, query: '{app=', tenant: 't' });
    expect(bad.message).toContain('400 parse error');
    expect(bad.tryMessage).toContain('--query');
    const metric = await fail({ ...base, query: 'rate({app="x"}[5m])', tenant: 't' });
    expect(metric.message).toContain('LogQL log query');
    const long = await fail({ ...base, query: '{app="x"}', tenant: 't', since: base.until - 800 * 3_600_000 });
    expect(long.message).toContain('the query time range exceeds the limit (query length: 800h, limit: 721h)');
  });

  it('follows: reads entries that arrive after the history, until stopped', async () => {
    loki = await startFakeLoki();
    const now = BigInt(Date.now()) * 1_000_000n;
    loki.push({ app: 'x' }, [[now - 5_000_000_000n, 'old']]);
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const it of logEngineSource({ url: loki!.url, query: '{app="x"}', engine: 'loki', since: Date.now() - 60_000, follow: true, pollMs: 50 }, ac.signal)) {
        seen.push(...it.lines.map((l) => l.split(' ').slice(1).join(' ')));
        if (seen.includes('new')) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    loki.push({ app: 'x' }, [[BigInt(Date.now()) * 1_000_000n, 'new']]);
    await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error('follow did not see the new entry')), 10_000))]);
    expect(seen).toEqual(['old', 'new']);
  });

  it('scan --logs-from Loki gives the findings of the file itself', async () => {
    const real = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'real-data');
    const file = join(real, 'acexy', 'degradation.log');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'demo', 'stream-proxy.log'), 'utf8');
    }
    const lines = text.split('\n').filter(Boolean);
    loki = await startFakeLoki();
    let last = 0n;
    loki.push({ job: 'proxy' }, lines.map((l) => {
      const ms = Date.parse(l.split(' ')[0]!);
      if (!Number.isNaN(ms)) last = BigInt(ms) * 1_000_000n;
      return [last, l] as [bigint, string];
    }));
    // A window with nothing in it reads nothing, and the report has no input for it.
    const empty = await run('node', [cli, 'scan', '--logs-from', loki.url, '--query', '{job="proxy"}', '--since', '2020-01-01T00:00:00Z', '--until', '2020-01-20T00:00:00Z', '-o', 'json']);
    expect(JSON.parse(empty.stdout).inputs).toEqual([]);
    const first = new Date(Date.parse(lines[0]!.split(' ')[0]!) - 1000).toISOString();
    const end = new Date(Number(last / 1_000_000n) + 1000).toISOString();
    const a = JSON.parse((await run('node', [cli, 'scan', '--logs-from', loki.url, '--query', '{job="proxy"}', '--since', first, '--until', end, '-o', 'json'])).stdout);
    const tmp = join(mkdtempSync(join(tmpdir(), 'ctrlscope-loki-')), 'proxy.log');
    writeFileSync(tmp, lines.join('\n') + '\n');
    const b = JSON.parse((await run('node', [cli, 'scan', tmp, '-o', 'json'])).stdout);
    const shape = (r: { findings: { rule: string; severity: string; title: string; summary: string }[] }) => r.findings.map((f) => [f.rule, f.severity, f.title, f.summary]);
    expect(shape(a).length).toBeGreaterThan(0);
    expect(shape(a)).toEqual(shape(b));
    expect(a.inputs[0].source).toBe('loki:{job="proxy"}');
    expect(a.inputs[0].lines).toBe(lines.length);
  });

  it('watch --logs-from --once reads the recent history and reports the engine as a source', async () => {
    loki = await startFakeLoki();
    const now = Date.now();
    const values: [bigint, string][] = [3, 4, 5, 6, 7, 8, 9].map((n, i) => {
      const ms = now - (7 - i) * 60_000;
      const d = new Date(ms).toISOString();
      return [BigInt(ms) * 1_000_000n, `${d.slice(0, 10).replace(/-/g, '/')} ${d.slice(11, 19)} WARN Pending streams still tracked count=${n}`];
    });
    loki.push({ namespace: 'proxy', pod: 'proxy-0', container: 'proxy' }, values);
    const r = await run('node', [cli, 'watch', '--logs-from', loki.url, '--query', '{namespace="proxy"}', '--once', '--settle', '0s', '-o', 'json'], { env: { ...process.env, CI: 'true' } });
    const rep = JSON.parse(r.stdout) as { findings: { rule: string; subject: { name: string; controller: string | null } }[]; coverage?: { sources?: { source: string; status: string }[] } };
    expect(rep.findings.map((f) => [f.rule, f.subject.name])).toEqual([['stale-pending', 'Pending streams still tracked']]);
    expect(rep.findings[0]!.subject.controller).toBe('proxy/proxy-0/proxy');
    expect(rep.coverage?.sources).toContainEqual(expect.objectContaining({ source: `logs ${loki.url}`, status: 'connected' }));
  });
});
