// `ctrlscope serve`: /metrics, /healthz and /readyz over live sources — a followed log file, and a
// cluster (the fake apiserver) holding duplicate RemediationRequests — and its exposition format.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../test/fake-apiserver/server.mjs';
import type { Io } from '../cli.js';
import type { Finding } from '../core/finding.js';
import { exposition, labelValue } from '../serve/exposition.js';
import { parseListen, runServe } from './serve.js';

const io = (): Io & { err: () => string } => {
  let err = '';
  return {
    stdout: new Writable({ write: (_c, _e, cb) => cb() }),
    stderr: new Writable({ write: (c: Buffer, _e, cb) => ((err += c.toString()), cb()) }),
    stdin: new PassThrough(),
    env: {},
    exitCode: 0,
    err: () => err,
  };
};

let stops: AbortController[] = [];
let server: FakeApiServer | undefined;
afterEach(async () => {
  for (const s of stops) s.abort();
  stops = [];
  await server?.close();
  server = undefined;
});

/** Starts serve in-process; resolves with its URL and the promise of its end. */
async function start(args: Parameters<typeof runServe>[0]): Promise<{ url: string; done: Promise<void> }> {
  const ac = new AbortController();
  stops.push(ac);
  let resolveUrl!: (u: string) => void;
  const url = new Promise<string>((r) => (resolveUrl = r));
  const done = runServe(args, io(), ac.signal, resolveUrl);
  return { url: await Promise.race([url, done.then(() => { throw new Error('serve ended early'); })]), done };
}

/** Polls `path` until `ok(body)` (no timing assertion: the test's own timeout bounds it). */
async function until(url: string, ok: (body: string, status: number) => boolean): Promise<string> {
  for (;;) {
    const r = await fetch(url);
    const body = await r.text();
    if (ok(body, r.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('serve --listen', () => {
  it('reads kubectl-style addresses and refuses others with an example', () => {
    expect(parseListen(':9090')).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(parseListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(() => parseListen('9090')).toThrow("--listen '9090' is not HOST:PORT");
  });
});

describe('exposition', () => {
  it('one series per finding, counts per rule and severity, escaped labels', () => {
    const f = {
      id: 'abc123', rule: 'duplicate-cr', severity: 'critical', title: 't',
      subject: { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: 'fp "1"\\x', controller: null },
      summary: '', metrics: {}, evidence: [], remediation: { summary: '', steps: [], references: [] },
    } as unknown as Finding;
    const text = exposition({ findings: [f], rules: ['duplicate-cr'], health: [{ name: 'watch remediationrequests', state: 'connected' }, { name: 'logs deploy/gw', state: 'retrying' }], ingested: 7, inputs: 2, at: 1_700_000_000_000, ready: true });
    expect(labelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(text).toContain('ctrlscope_finding{rule="duplicate-cr",severity="critical",kind="RemediationRequest",namespace="kubernaut-system",name="fp \\"1\\"\\\\x",controller="",id="abc123"} 1\n');
    expect(text).toContain('ctrlscope_findings{rule="duplicate-cr",severity="critical"} 1\nctrlscope_findings{rule="duplicate-cr",severity="warning"} 0\n');
    expect(text).toContain('ctrlscope_source_up{source="watch remediationrequests",state="connected"} 1\nctrlscope_source_up{source="logs deploy/gw",state="retrying"} 0\n');
    expect(text).toContain('ctrlscope_ingested_total 7\n');
    expect(text).toContain('# TYPE ctrlscope_finding gauge\n');
  });
});

describe('serve', () => {
  it('follows a file and exposes its finding; /healthz, /readyz and an unknown path answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlscope-serve-'));
    const log = join(dir, 'proxy.log');
    const lines = [3, 4, 5, 6, 7, 8, 9].map((n, i) => `2026-11-20T08:0${i}:00.000000000Z 2026/11/20 08:0${i}:00 WARN Pending streams still tracked count=${n}`);
    await writeFile(log, lines.join('\n') + '\n');
    const { url } = await start({ listen: '127.0.0.1:0', cluster: false, file: [log] });
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
    await until(`${url}/readyz`, (_b, s) => s === 200);
    const body = await until(`${url}/metrics`, (b) => b.includes('ctrlscope_finding{rule="stale-pending"'));
    expect(body).toMatch(/^ctrlscope_finding\{rule="stale-pending",severity="(warning|critical)",kind="Counter",namespace="",name="Pending streams still tracked",/m);
    expect(body).toContain('ctrlscope_ready 1\n');
    expect(body).toMatch(/^ctrlscope_source_up\{source="[^"]*proxy\.log[^"]*",state="[a-z]+"\} 1$/m);
    const nf = await fetch(`${url}/nope`);
    expect(nf.status).toBe(404);
    expect(await nf.text()).toContain('/metrics');
  });

  it('watches a cluster: duplicate RemediationRequests become a series, the watches are sources that are up', async () => {
    server = new FakeApiServer();
    await server.start();
    const dir = await mkdtemp(join(tmpdir(), 'ctrlscope-serve-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, server.kubeconfigYaml('kubernaut-system'));
    for (const [name, t] of [['rr-a', '2026-11-20T10:00:00Z'], ['rr-b', '2026-11-20T10:00:01Z']] as const) {
      server.create('remediationrequests', { metadata: { name, namespace: 'kubernaut-system', creationTimestamp: t }, spec: { signalFingerprint: 'fp-1' }, status: { overallPhase: 'Processing' } }, 'kubernaut.ai');
    }
    const { url } = await start({ listen: '127.0.0.1:0', kubeconfig, namespace: 'kubernaut-system' });
    const body = await until(`${url}/metrics`, (b) => b.includes('ctrlscope_finding{rule="duplicate-cr"'));
    expect(body).toMatch(/^ctrlscope_finding\{rule="duplicate-cr",severity="critical",kind="RemediationRequest",namespace="kubernaut-system",name="fp-1",/m);
    expect(body).toMatch(/^ctrlscope_source_up\{source="watch remediationrequests[^"]*",state="[a-z]+"\} 1$/m);
    // Read-only: nothing but GET and the access reviews.
    expect(server.requests.filter((r) => r.method !== 'GET' && !r.path.includes('selfsubjectaccessreviews'))).toEqual([]);
  });

  it('says what is wrong with --listen and with nothing to watch', async () => {
    await expect(runServe({ listen: 'nine', cluster: false, file: ['x'] }, io())).rejects.toThrow("--listen 'nine' is not HOST:PORT");
    await expect(runServe({ listen: ':0', cluster: false }, io())).rejects.toThrow('--no-cluster leaves nothing to watch');
  });
});
