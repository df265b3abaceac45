// `ctrlscope watch --once` and plain mode never pass off "could not see" as "healthy": against
// the fault-injecting fake apiserver (and servers that are not one), each way a cluster can fail
// to be read ends in exit 2 naming the server, or in a report that says which source was not read
// and which rules it leaves unjudged. In-process through the commander program.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../test/fake-apiserver/server.mjs';
import { buildProgram, type Io } from '../cli.js';
import { UserError } from '../core/errors.js';

let server: FakeApiServer;
let dir: string;
let kubeconfig: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-honesty-test-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfigYaml('demo'));
});

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process on memory streams (not a TTY, CI set: no dashboard). */
async function ctrlscope(args: string[], during?: () => void): Promise<{ stdout: string; stderr: string; code: number; error?: unknown }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        add(chunk.toString('utf8'));
        cb();
      },
    });
  const io: Io = { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), stdin: new PassThrough(), env: { CI: 'true', NO_COLOR: '1' }, exitCode: 0 };
  let error: unknown;
  const run = buildProgram(io).parseAsync(args, { from: 'user' });
  during?.();
  try {
    await run;
  } catch (err) {
    error = err;
  }
  return { stdout, stderr, code: io.exitCode, error };
}

/** A kubeconfig naming `server` (any URL), with the fake's credentials. */
async function kubeconfigFor(url: string): Promise<string> {
  const p = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
  await writeFile(p, server.kubeconfigYaml('demo').replace(server.url, url));
  return p;
}

/** A TCP server: `onData` decides what a client's first bytes get. */
async function tcpServer(onData: (sock: net.Socket) => void): Promise<number> {
  const srv = net.createServer((sock) => sock.once('data', () => onData(sock)));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const socks = new Set<net.Socket>();
  srv.on('connection', (s) => socks.add(s));
  closers.push(async () => {
    for (const s of socks) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  return (srv.address() as net.AddressInfo).port;
}

type Json = {
  problems?: string[];
  coverage?: { sources: { source: string; status: string; reason?: string }[]; rules: { rule: string; status: string; reason?: string }[] };
};

const userError = (r: { error?: unknown }) => {
  expect(r.error).toBeInstanceOf(UserError);
  return (r.error as UserError).message;
};

describe('watch --once / plain: a server that cannot be read at start is exit 2, naming it', () => {
  it('an unreachable server (nothing listens): --once and plain both end at once with its address', async () => {
    const port = await tcpServer(() => undefined);
    closers.splice(0).forEach((c) => void c()); // free the port: connections are now refused
    const kc = await kubeconfigFor(`https://127.0.0.1:${port}`);
    for (const mode of [['--once'], ['--plain']]) {
      const r = await ctrlscope(['watch', ...mode, '--kubeconfig', kc, '-n', 'demo']);
      expect(userError(r)).toBe(`cannot reach the API server https://127.0.0.1:${port} (context fake): ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(r.stdout).toBe('');
    }
  });

  it('a kubeconfig naming an https server with http:// (the server answers as Go does)', async () => {
    const port = await tcpServer((s) => s.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'));
    const kc = await kubeconfigFor(`http://127.0.0.1:${port}`);
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kc, '-n', 'demo']);
    expect(userError(r)).toBe(
      `the API server http://127.0.0.1:${port} (context fake) cannot serve requests: 400 BadRequest: http://127.0.0.1:${port} speaks HTTPS, but the kubeconfig names it with http:// — write https:// in the cluster's server field`,
    );
  });

  it('a kubeconfig naming a TLS server with http:// (the server hangs up on plain text)', async () => {
    const port = await tcpServer((s) => s.destroy());
    const kc = await kubeconfigFor(`http://127.0.0.1:${port}`);
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kc, '-n', 'demo']);
    expect(userError(r)).toBe(`cannot reach the API server http://127.0.0.1:${port} (context fake): ECONNRESET: socket hang up`);
    expect((r.error as UserError).tryMessage).toMatch(/http:\/\/.*https:\/\//);
  });

  it('a server that accepts and never answers: --request-timeout bounds the wait', async () => {
    server.hangAll = true;
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--request-timeout', '1']);
    expect(userError(r)).toBe(`cannot reach the API server ${server.url} (context fake): no answer within 1 s`);
  });

  it('every list keeps answering 500: --once gives up at --timeout, exit 2 naming each source, the server and the error', async () => {
    for (const res of ['remediationrequests', 'apiservices', 'configmaps', 'events', 'leases']) server.injectListFault(res, { kind: 'http500', persistent: true });
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--timeout', '1s']);
    const msg = userError(r);
    expect(msg).toMatch(/^no source could be read within 1s \(--timeout\): watch remediationrequests\.kubernaut\.ai \(http:\/\/127\.0\.0\.1:\d+\): disconnected \(500 InternalError: injected list failure\); watch apiservices/);
    expect(msg.match(/disconnected \(500 InternalError: injected list failure\)/g)).toHaveLength(5);
  });

  it('every list never answers: --once gives up at --timeout, exit 2, each source still syncing', async () => {
    for (const res of ['remediationrequests', 'apiservices', 'configmaps', 'events', 'leases']) server.injectListFault(res, { kind: 'hang', persistent: true });
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--timeout', '1s']);
    expect(userError(r)).toMatch(/^no source could be read within 1s \(--timeout\): watch remediationrequests\.kubernaut\.ai \(http:\/\/127\.0\.0\.1:\d+\): syncing \(first list not finished\);/);
  });
});

describe('watch --once: a source that is not read is in the report, and its rules are not ok', () => {
  it('one resource whose list keeps answering 500: the others are reported, it is DISCONNECTED in problems and coverage', async () => {
    server.injectListFault('remediationrequests', { kind: 'http500', persistent: true });
    server.create('configmaps', { metadata: { name: 'cfg', namespace: 'demo' } });
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--timeout', '1s', '--settle', '0s', '-o', 'json']);
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('ctrlscope: warning: --timeout (1s) passed before every source was read; the report says which were not\n');
    const rep = JSON.parse(r.stdout) as Json;
    expect(rep.problems).toEqual(['source watch remediationrequests.kubernaut.ai: DISCONNECTED — 500 InternalError: injected list failure']);
    expect(rep.coverage!.sources).toContainEqual({ source: 'watch remediationrequests.kubernaut.ai', status: 'disconnected', reason: '500 InternalError: injected list failure' });
    expect(rep.coverage!.sources).toContainEqual({ source: 'watch configmaps', status: 'connected' });
    expect(rep.coverage!.rules.find((x) => x.rule === 'duplicate-cr')).toMatchObject({
      rule: 'duplicate-cr',
      status: 'disconnected',
      reason: 'watch remediationrequests.kubernaut.ai disconnected (500 InternalError: injected list failure)',
      seen: { keyedObjects: 0, creationRecords: 0 },
    });
    expect(rep.coverage!.rules.find((x) => x.rule === 'reconcile-burst')?.status).toBe('ok');
  });

  it('a 403 the permission preflight did not predict is a problem of the report (text and json), and its rule is blind', async () => {
    server.forbiddenUnpredicted.add('apiservices');
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--settle', '0s', '-o', 'json']);
    expect(r.stderr).toBe(''); // the preflight saw nothing missing
    const rep = JSON.parse(r.stdout) as Json;
    expect(rep.problems).toEqual([
      'source watch apiservices.apiregistration.k8s.io: FORBIDDEN — 403 Forbidden: apiservices is forbidden: User "tester" cannot list resource "apiservices" in API group "apiregistration.k8s.io"',
    ]);
    expect(rep.coverage!.rules.find((x) => x.rule === 'queue-leak')?.status).toBe('blind');
    const t = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--settle', '0s']);
    expect(t.stdout).toContain('! source watch apiservices.apiregistration.k8s.io: FORBIDDEN — 403 Forbidden');
  });
});

describe('watch --file: a file that does not exist is said, never read as "no findings"', () => {
  it('--once: exit 2 naming the file', async () => {
    const missing = join(dir, 'nonexistent.log');
    const r = await ctrlscope(['watch', '--file', missing, '--once']);
    expect(userError(r)).toBe(`--file ${missing}: no such file`);
    expect(r.stdout).toBe('');
  });

  it('plain: the file is MISSING in the final report, beside a file that was read', async () => {
    const missing = join(dir, 'nonexistent.log');
    const present = join(dir, 'manager.log');
    await writeFile(present, 'I1120 10:00:00.000000       1 controller.go:1] started\n');
    const r = await ctrlscope(['watch', '--file', missing, present, '--plain', '--interval', '200ms', '-o', 'json'], () => {
      setTimeout(() => process.emit('SIGTERM'), 700);
    });
    const reports = r.stdout.trim().split(/\n(?=\{)/).map((t) => JSON.parse(t) as Json);
    const last = reports.at(-1)!;
    expect(last.problems).toEqual([`source ${missing}: MISSING — no such file; waiting for it to appear`]);
    expect(last.coverage!.sources).toEqual([
      { source: missing, status: 'missing', reason: 'no such file; waiting for it to appear' },
      { source: present, status: 'connected' },
    ]);
    expect(last.coverage!.rules.map((x) => x.status)).toEqual(['disconnected', 'disconnected', 'disconnected', 'disconnected']);
  });
});

describe('plain mode over a cluster', () => {
  it('the final report (on SIGTERM) lists each unhealthy source under problems', async () => {
    server.injectListFault('leases', { kind: 'http500', persistent: true });
    const r = await ctrlscope(['watch', '--plain', '--kubeconfig', kubeconfig, '-n', 'demo', '--interval', '200ms'], () => {
      setTimeout(() => process.emit('SIGTERM'), 1500);
    });
    expect(r.error).toBeUndefined();
    const finals = r.stdout.split(/(?=── ctrlscope)/).filter((b) => b.includes('· final ──'));
    expect(finals).toHaveLength(1);
    expect(finals[0]).toContain('! source watch leases.coordination.k8s.io: DISCONNECTED — 500 InternalError: injected list failure');
  });
});
