// A directory holding a file or folder the user cannot read is analysed, and the unreadable
// path is listed under its input's problems (the contract's "partly unreadable input"). Runs the
// built CLI (`npm run build` first). chmod 000 denies nothing to root, so when the tests run as
// root (as in CI containers) the CLI is started as the unprivileged user `nobody` instead.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const LEAKING = join(ROOT, 'test/fixtures/check/apiservice-401-doubling.log');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ctrlscope(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', CI: 'true', HOME: '/' }, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? -1) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = mkdtempSync(join(tmpdir(), 'ctrlscope-unreadable-'));
  if (asRoot) {
    // `nobody` must reach the directory: open up the private scratch folders above it.
    for (let d = dir; d !== dirname(d) && d.startsWith(tmpdir()); d = dirname(d)) chmodSync(d, 0o755);
    chmodSync(tmpdir(), 0o755);
  }
});

interface JsonInput {
  source: string;
  problems: string[];
}

describe('a directory with parts that cannot be read', () => {
  it('analyses the rest and lists each unreadable path under its problems', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(join(logs, 'locked'), { recursive: true });
    copyFileSync(LEAKING, join(logs, 'apiserver.log'));
    writeFileSync(join(logs, 'secret.log'), 'I1120 09:00:00.000000       1 x.go:1] hidden\n');
    writeFileSync(join(logs, 'locked/inner.log'), 'I1120 09:00:00.000000       1 x.go:1] hidden\n');
    execFileSync('mkfifo', [join(logs, 'pipe.log')]);
    chmodSync(join(logs, 'secret.log'), 0o000);
    chmodSync(join(logs, 'locked'), 0o000);
    const r = await ctrlscope(['check', logs, '-o', 'json']);
    // The log is kube-apiserver's: the verdict names the rules that had nothing to read.
    expect(r.stderr).toBe('ctrlscope check: failed — 1 of 1 finding at or above --fail-on warning; 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { inputs: JsonInput[]; findings: { rule: string; severity: string }[] };
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['queue-leak', 'critical']]);
    expect(report.inputs.map((i) => [i.source, i.problems])).toEqual([
      [join(logs, 'apiserver.log'), []],
      [join(logs, 'locked'), ['cannot read: folder cannot be listed: permission denied']],
      [join(logs, 'pipe.log'), ['cannot read: a named pipe (FIFO), not a regular file: skipped']],
      [join(logs, 'secret.log'), [expect.stringMatching(/^cannot read: EACCES: permission denied/)]],
    ]);
  });

  it('in a bundle: the unreadable member is a problem of the bundle, the rest is analysed', async () => {
    const mg = join(dir, 'must-gather');
    const podLogs = join(mg, 'quay-io-image/namespaces/openshift-kube-apiserver/pods/kube-apiserver-0/kube-apiserver/kube-apiserver/logs');
    mkdirSync(podLogs, { recursive: true });
    copyFileSync(LEAKING, join(podLogs, 'current.log'));
    writeFileSync(join(podLogs, 'previous.log'), 'I1120 09:00:00.000000       1 x.go:1] hidden\n');
    chmodSync(join(podLogs, 'previous.log'), 0o000);
    const r = await ctrlscope(['check', mg, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { inputs: JsonInput[]; findings: { rule: string }[] };
    expect(report.findings.map((f) => f.rule)).toEqual(['queue-leak']);
    const bundle = report.inputs.find((i) => i.source === mg);
    expect(bundle?.problems).toEqual([expect.stringMatching(/^quay-io-image\/namespaces\/openshift-kube-apiserver\/pods\/kube-apiserver-0\/kube-apiserver\/kube-apiserver\/logs\/previous\.log: .*permission denied/)]);
  });
});
