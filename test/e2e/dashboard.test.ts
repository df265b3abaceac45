// The whole dashboard in a real terminal: tmux runs the built CLI in a detached session of fixed
// size; the test reads the screen with capture-pane and types with send-keys.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const cli = process.env.CTRLSCOPE_CLI ?? join(repo, 'dist/cli/ctrlscope.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sessions: string[] = [];
const dirs: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Starts `command` in a detached 120×40 tmux session; the shell reports the exit code afterwards. */
function start(name: string, command: string): void {
  // CI and NO_COLOR are unset so that the dashboard (not the plain fallback) runs.
  const sh = `env -u CI -u NO_COLOR TERM=xterm-256color ${command}; echo CTRLSCOPE-EXIT=$?; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', sh);
  sessions.push(name);
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);
const flags = (name: string) => tmux('display', '-p', '-t', name, '#{alternate_on} #{cursor_flag}').trim();

/** Waits until the screen satisfies `ok` (polling; generous limit, not a timing assertion). */
async function waitScreen(name: string, ok: (s: string) => boolean, what: string, limitMs = 30_000): Promise<string> {
  const end = Date.now() + limitMs;
  let s = '';
  while (Date.now() < end) {
    s = screen(name);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never showed ${what}; last screen:\n${s}`);
}

const firing = (s: string, rule: string) => new RegExp(`${rule}\\s+CRITICAL`).test(s);

describe.skipIf(!hasTmux)('dashboard in a real terminal (tmux)', () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  });
  afterAll(() => {
    for (const s of sessions) spawnSync('tmux', ['kill-session', '-t', s]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('ctrlscope demo: all four rules fire, keys navigate, q quits and restores the terminal', async () => {
    const name = `ctrlscope-e2e-demo-${process.pid}`;
    start(name, `node ${cli} demo --speed 3`);
    const rules = ['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst'];
    const all = await waitScreen(name, (s) => rules.every((r) => firing(s, r)), 'all four rules firing');
    expect(all).toContain('ctrlscope demo');
    expect(all).toContain('▶ CRIT v0alpha1.provisioning');
    expect(flags(name)).toBe('1 0'); // on the alternate screen, cursor hidden

    // Down past the only queue-leak finding selects duplicate-cr's; enter opens it.
    tmux('send-keys', '-t', name, 'Down');
    await waitScreen(name, (s) => /▶ CRIT e07dd3114dda/.test(s), 'the duplicate-cr finding selected');
    tmux('send-keys', '-t', name, 'Enter');
    const detail = await waitScreen(name, (s) => s.includes('Evidence ('), 'the detail view');
    expect(detail).toContain('RemediationRequest kubernaut-system/e07dd3114dda');
    expect(detail).toContain('Remediation');

    tmux('send-keys', '-t', name, 'e');
    await waitScreen(name, (s) => s.includes('duplicate-cr — Several live custom resources share one dedup key'), 'the explanation');
    tmux('send-keys', '-t', name, 'Escape');
    await waitScreen(name, (s) => s.includes('Evidence ('), 'back to the detail');
    tmux('send-keys', '-t', name, 'Escape');
    await waitScreen(name, (s) => rules.every((r) => firing(s, r)), 'back to the panels');

    tmux('send-keys', '-t', name, 'q');
    await waitScreen(name, (s) => s.includes('CTRLSCOPE-EXIT=0'), 'the process exiting with 0');
    expect(flags(name)).toBe('0 1'); // alternate screen left, cursor visible
  });

  it('ctrlscope demo: Ctrl-C also quits and restores the terminal', async () => {
    const name = `ctrlscope-e2e-ctrlc-${process.pid}`;
    start(name, `node ${cli} demo --speed 3`);
    await waitScreen(name, (s) => s.includes('reconcile-burst'), 'the panels');
    tmux('send-keys', '-t', name, 'C-c');
    await waitScreen(name, (s) => s.includes('CTRLSCOPE-EXIT=0'), 'the process exiting with 0');
    expect(flags(name)).toBe('0 1');
  });

  it('watch --file: a finding from lines appended after start shows up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-e2e-'));
    dirs.push(dir);
    const log = join(dir, 'proxy.log');
    writeFileSync(log, '2026/11/22 10:00:00 INFO Starting proxy addr=:8080\n');
    const name = `ctrlscope-e2e-watch-${process.pid}`;
    start(name, `node ${cli} watch --file ${log}`);
    await waitScreen(name, (s) => s.includes(`${log}: following`), 'the file followed');
    expect(screen(name)).toMatch(/stale-pending\s+OK/);
    const lines = [3, 4, 5, 6, 7].map((n, i) => `2026/11/22 10:0${i}:30 WARN Pending streams still tracked count=${n}\n`);
    appendFileSync(log, lines.join(''));
    const s = await waitScreen(name, (x) => firing(x, 'stale-pending'), 'the stale-pending finding');
    expect(s).toContain('CRIT Pending streams still');
    tmux('send-keys', '-t', name, 'q');
    await waitScreen(name, (x) => x.includes('CTRLSCOPE-EXIT=0'), 'the process exiting with 0');
  });
});
