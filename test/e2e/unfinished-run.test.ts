// A CI gate must never pass because an input made the run end early. These run the built CLI
// (`npm run build` first) on archives that hold a gzipped member expanding past the 1 GiB limit
// for a bundle, next to a log with a critical finding, and on a run whose analysis is made to
// wait for ever: the first must fail the gate with the bomb listed, the second must exit 3.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { tar } from '../helpers/archives.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const LEAKING = join(ROOT, 'test/fixtures/check/apiservice-401-doubling.log');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ctrlscope(args: string[], nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, BIN, ...args], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/**
 * A gzip file that expands to a little over 1 GiB at about 150:1 (under the 1000:1 ratio limit,
 * so only the total limit stops it): one compressed 1 MiB block repeated as 1 100 gzip members,
 * which gunzip reads one after another. The NUL in each line makes it binary, so the reader
 * inflates and discards it without parsing a gigabyte of lines (the path that stalled is the
 * same: the limit is passed while the member is being read).
 */
function gigabyteGz(): Buffer {
  const line = 'I1206 10:00:00.000000       1 controller.go:100] "Reconciling" key="default/example"\u0000\n';
  const block = gzipSync(Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length))), { level: 1 });
  return Buffer.concat(Array.from({ length: 1100 }, () => block));
}

let dir: string;
let tarPath: string;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-unfinished-'));
  const t = tar([
    { name: 'logs/before.log', body: 'I1206 10:00:00.000000       1 controller.go:1] "Starting"\n' },
    { name: 'logs/big.log.gz', body: gigabyteGz() },
  ]);
  tarPath = join(dir, 'that.tar');
  await writeFile(tarPath, t);
  await writeFile(join(dir, 'that.tar.gz'), gzipSync(t, { level: 1 }));
});

interface JsonInput {
  source: string;
  problems: string[];
}

async function expectGateFails(archive: string): Promise<void> {
  const r = await ctrlscope(['check', LEAKING, archive, '-o', 'json']);
  // The log is kube-apiserver's: the verdict names the rules that had nothing to read.
    expect(r.stderr).toBe('ctrlscope check: failed — 1 of 1 finding at or above --fail-on warning; 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { inputs: JsonInput[]; findings: { rule: string; severity: string }[] };
  expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['queue-leak', 'critical']]);
  const bundle = report.inputs.find((i) => i.source === archive);
  expect(bundle?.problems).toEqual([`${archive}:logs/big.log.gz expands past the 1 GiB limit for a bundle; refused the rest as a possible decompression bomb`]);
  // The member before the bomb was read.
  expect(report.inputs.map((i) => i.source)).toContain(`${archive}:logs/before.log`);
}

// Each run inflates a gigabyte; on a loaded 2-core machine that takes a while.
describe('an archive member expanding past the limit fails the gate instead of ending the run', { timeout: 300_000 }, () => {
  it('.tar', async () => {
    await expectGateFails(tarPath);
  });

  it('.tar.gz', async () => {
    await expectGateFails(join(dir, 'that.tar.gz'));
  });

  it('.tar.xz', async (ctx) => {
    try {
      execFileSync('xz', ['--version'], { stdio: 'ignore' });
    } catch {
      ctx.skip('the xz command is not installed here, and nothing in node_modules writes .xz');
    }
    execFileSync('xz', ['-k', '-1', '-T1', tarPath]);
    await expectGateFails(`${tarPath}.xz`);
  });
});

describe('a run whose analysis never finishes', { timeout: 30_000 }, () => {
  it('exits 3 with a message, never 0, when the event loop empties first', async () => {
    // Every stat() of the run returns a promise that never settles: the analysis waits on it
    // with nothing else left to do, as it did on the tar reader stuck on a refused member.
    const hang = join(dir, 'hang.mjs');
    await writeFile(
      hang,
      [
        "import { createRequire, syncBuiltinESMExports } from 'node:module';",
        'const fsp = createRequire(import.meta.url)("node:fs/promises");',
        'fsp.stat = () => new Promise(() => {});',
        'syncBuiltinESMExports();',
      ].join('\n'),
    );
    const r = await ctrlscope(['check', LEAKING], ['--import', hang]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ctrlscope: internal error: the run ended before the analysis finished');
  });
});

/** Runs the CLI with its stdout a pipe whose reading end is closed at once (`… | head -c0`). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that stops reading', { timeout: 60_000 }, () => {
  it('does not turn a failing gate into a pass: `check … -o json | head` exits 1', async () => {
    const r = await withClosedStdout(['check', LEAKING, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ctrlscope check: failed');
    expect(r.stderr).not.toContain('internal error');
  });

  it('a scan with nothing to fail on still exits 0', async () => {
    const r = await withClosedStdout(['scan', LEAKING, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('internal error');
  });
});
