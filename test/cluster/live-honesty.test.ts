// The cluster tier, live honesty: against the real kube-apiserver, ctrlscope's requests carry its
// User-Agent in the audit log, and the dashboard (run in a pseudo-terminal through script(1), as a
// user sees it) never shows a panel OK when a source it depends on cannot be reached — neither a
// dead metrics endpoint beside the real API server, nor an API server that cannot be reached at
// all, which `watch --once` and the plain mode turn into exit 2 naming the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import * as h from './harness.mjs';

const ROOT: string = h.ROOT;
const STATE: string = h.STATE;
const CLI = path.join(ROOT, 'dist', 'cli', 'ctrlscope.js');
const clusterUp = process.env.CTRLSCOPE_CLUSTER_UP === '1' || fs.existsSync(path.join(STATE, 'ports.json'));
const hasCli = fs.existsSync(CLI);
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;

const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const EXPECTED_UA = `ctrlscope/${VERSION} (${process.platform === 'win32' ? 'windows' : process.platform}/${GOARCH[process.arch] ?? process.arch})`;

/** A port nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The read-only kubeconfig with its server moved to `url`. */
function kubeconfigAt(url: string): string {
  const text = fs.readFileSync(h.RO_KUBECONFIG, 'utf8').replace(/server: *"?https:\/\/127\.0\.0\.1:\d+"?/, `server: ${url}`);
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ctrlscope-honesty-')), 'kubeconfig');
  fs.writeFileSync(p, text, { mode: 0o600 });
  return p;
}

/**
 * Runs the dashboard in a pseudo-terminal (script -q -e -c …) for `ms`, then presses q; returns
 * the screen text (escape sequences removed) and the last frame's panels as `rule → status`.
 */
async function dashboard(args: string[], ms: number): Promise<{ code: number | null; screen: string; panels: Record<string, string> }> {
  const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const cmd = `stty cols 140 rows 45; exec ${[process.execPath, CLI, 'watch', ...args].map(q).join(' ')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: ROOT, env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const quit = setTimeout(() => child.stdin.write('q'), ms);
  const killer = setTimeout(() => child.kill('SIGTERM'), ms + 20_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(quit);
  clearTimeout(killer);
  const screen = out.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\x1b[()][0-9A-B]/g, '');
  const panels: Record<string, string> = {};
  for (const m of screen.matchAll(/[│║] (queue-leak|duplicate-cr|stale-pending|reconcile-burst) +([A-Z][A-Z ×0-9]*?) [│║]/g)) panels[m[1]!] = m[2]!.trim();
  return { code, screen, panels };
}

describe.skipIf(!clusterUp || !hasCli)('live honesty against the real kube-apiserver', () => {
  it(`every request of watch --once carries the User-Agent ${EXPECTED_UA} in the audit log`, async () => {
    const before = fs.existsSync(h.AUDIT_LOG) ? fs.statSync(h.AUDIT_LOG).size : 0;
    const r = spawnSync(process.execPath, [CLI, 'watch', '--once', '--kubeconfig', h.RO_KUBECONFIG, '-A', '--settle', '1s', '-o', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { coverage: { sources: { source: string; status: string }[] } };
    // Every watch of a reachable, permitted API server is connected.
    expect(rep.coverage.sources.filter((s) => s.status !== 'connected')).toEqual([]);
    type AuditEvent = { verb: string; requestURI: string; userAgent?: string; user?: { username?: string } };
    let mine: AuditEvent[] = [];
    // The audit backend writes as requests complete: the run's lists, watches and reviews are there within seconds.
    for (let i = 0; i < 50 && !mine.some((e) => e.verb === 'watch'); i++) {
      if (i) await new Promise((res) => setTimeout(res, 200));
      const fd = fs.openSync(h.AUDIT_LOG, 'r');
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(size - before);
      fs.readSync(fd, buf, 0, buf.length, before);
      fs.closeSync(fd);
      mine = buf
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEvent)
        .filter((e) => e.user?.username === h.RO_USER);
    }
    const verbs = new Set(mine.map((e) => e.verb));
    expect(verbs).toContain('list');
    expect(verbs).toContain('watch');
    expect(verbs).toContain('create'); // the SelfSubjectAccessReviews of the permission check
    expect([...new Set(mine.map((e) => e.userAgent))]).toEqual([EXPECTED_UA]);
  });

  it.skipIf(!hasScript)('the dashboard shows the panels fed by a dead metrics endpoint DISCONNECTED, never OK', async () => {
    const port = await deadPort();
    const d = await dashboard(['--kubeconfig', h.RO_KUBECONFIG, '-A', '--metrics-url', `http://127.0.0.1:${port}/metrics`], 8_000);
    expect(d.code, d.screen.slice(-2000)).toBe(0);
    // The reason under the panel names the endpoint (the header line is cut at the terminal's width).
    expect(d.screen).toContain(`metrics http://127.0.0.1:${port}/metrics disconnected (scrape fai`);
    expect(d.panels['queue-leak']).toBe('DISCONNECTED');
    expect(d.panels['reconcile-burst']).toBe('DISCONNECTED');
    // stale-pending follows amount gauges in a scrape too (pending, in-flight, queue lengths):
    // the same dead endpoint feeds it, and it says so instead of OK.
    expect(d.panels['stale-pending']).toBe('DISCONNECTED');
  });

  it.skipIf(!hasScript)('with an API server that cannot be reached, no dashboard panel is OK; --once and plain exit 2 naming it', async () => {
    const port = await deadPort();
    const kc = kubeconfigAt(`https://127.0.0.1:${port}`);
    const d = await dashboard(['--kubeconfig', kc, '-A'], 6_000);
    expect(d.code, d.screen.slice(-2000)).toBe(0);
    expect(Object.keys(d.panels).sort()).toEqual(['duplicate-cr', 'queue-leak', 'reconcile-burst', 'stale-pending']);
    expect(Object.values(d.panels)).not.toContain('OK');
    expect(d.panels['duplicate-cr']).toBe('DISCONNECTED');
    for (const mode of ['--once', '--plain']) {
      const r = spawnSync(process.execPath, [CLI, 'watch', mode, '--kubeconfig', kc, '-A'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 60_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`cannot reach the API server https://127.0.0.1:${port}`);
      expect(r.stdout).toBe('');
    }
  });
});
