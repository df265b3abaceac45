// Inputs that used to be read as nothing: a must-gather attached to a ticket as a nested archive,
// and a log whose lines end in CR alone. Runs the built CLI (`npm run build` first).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { tar, zip } from '../helpers/archives.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const LEAKING = readFileSync(join(ROOT, 'test/fixtures/check/apiservice-401-doubling.log'), 'utf8');
// Under 100 characters: the test tar writer fills the ustar name field only.
const POD_LOG = 'mg/namespaces/openshift-kube-apiserver/pods/kube-apiserver-0/kas/kas/logs/current.log';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ctrlscope(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', CI: 'true' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

interface JsonReport {
  inputs: { source: string; kind: string; format: string; lines: number; problems: string[] }[];
  findings: { rule: string; severity: string; subject: { name: string } }[];
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-nested-'));
});

describe('inputs that were read as nothing', () => {
  it('a ticket .zip holding must-gather.tar.gz is read as the must-gather it holds', async () => {
    const mg = gzipSync(tar([{ name: 'mg/timestamp', body: '2025-11-20 09:10:00.000000000 +0000 UTC m=+1.0\n' }, { name: POD_LOG, body: LEAKING }]));
    const ticket = join(dir, 'ticket-12345.zip');
    await writeFile(ticket, zip([{ name: 'notes.txt', body: 'customer attached a must-gather\n' }, { name: 'must-gather.tar.gz', body: mg, deflate: false }]));
    const r = await ctrlscope(['check', ticket, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.inputs[0]).toMatchObject({ source: ticket, kind: 'bundle', format: 'must-gather', problems: [] });
    expect(report.inputs.map((i) => i.source)).toContain(`${ticket}:must-gather.tar.gz:${POD_LOG}`);
    expect(report.findings.map((f) => [f.rule, f.severity, f.subject.name])).toEqual([['queue-leak', 'critical', 'v1beta1.metrics.example.io']]);
  });

  it('a log whose lines end in CR alone is split into its lines', async () => {
    const log = join(dir, 'console.log');
    const lines = LEAKING.split('\n').filter((l) => l !== '');
    await writeFile(log, `${lines.join('\r')}\r`);
    const r = await ctrlscope(['check', log, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.inputs).toMatchObject([{ source: log, format: 'klog', lines: lines.length, problems: [] }]);
    expect(report.findings.map((f) => [f.rule, f.severity, f.subject.name])).toEqual([['queue-leak', 'critical', 'v1beta1.metrics.example.io']]);
  });
});
