// A whole real OpenShift must-gather (../shared/real-data/must-gather-metal.tar.xz, from
// openshift/must-gather-clean test/files @ cb2f7e580bde628058a2f14b9ea1033ba3804c5b), read as the
// archive and unpacked into a directory: at least 99 % of its log lines are recognised or
// attached to a record as continuations, files that are not logs are listed as such, and a
// healthy cluster gives no finding at warning or above.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEVERITY_RANK, type InputReport, type Report } from '../../src/core/finding.js';
import { analyzePaths } from '../../src/engine/run.js';

const repo = resolve(import.meta.dirname, '../..');
const data = resolve(process.env.CTRLSCOPE_REAL_DATA ?? join(repo, '../shared/real-data'));
const archive = join(data, 'must-gather-metal.tar.xz');
const present = existsSync(archive);

if (!present && process.env.CTRLSCOPE_REQUIRE_REAL_DATA === '1') {
  throw new Error(`real data not found at ${archive}; set CTRLSCOPE_REAL_DATA to its folder`);
}

/** Log lines, and those recognised or continuations, over every log input. */
function coverage(r: Report): { lines: number; read: number; files: number } {
  let lines = 0;
  let read = 0;
  let files = 0;
  for (const i of r.inputs.filter((x) => x.kind === 'log')) {
    files++;
    lines += i.lines;
    read += (i.recognised ?? 0) + (i.continuations ?? 0);
  }
  return { lines, read, files };
}

const rel = (i: InputReport) => i.source.replace(/^.*?sha256-[0-9a-f]+\//, '');

function checkReport(r: Report): void {
  expect(r.problems ?? []).toEqual([]);
  expect(r.inputs.find((i) => i.kind === 'bundle')?.format).toBe('must-gather');
  expect(r.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning)).toEqual([]);
  const c = coverage(r);
  expect(c.lines).toBeGreaterThan(100_000);
  expect(c.read / c.lines).toBeGreaterThanOrEqual(0.99);
  for (const i of r.inputs.filter((x) => x.kind === 'log')) {
    // Every line is counted once: recognised, a continuation, or unparsed.
    expect((i.recognised ?? 0) + (i.continuations ?? 0) + i.unparsed, rel(i)).toBe(i.lines);
    // A log with lines has a format; one without any is `empty`, never `unknown`.
    expect(i.format, rel(i)).not.toBe('unknown');
  }
  // journald exports of the masters' services: the syslog header as wrapper, klog inside.
  const kubelet = r.inputs.find((i) => rel(i) === 'host_service_logs/masters/kubelet_service.log')!;
  expect(kubelet).toMatchObject({ kind: 'log', format: 'klog', wrapper: 'syslog', unparsed: 0 });
  expect(kubelet.span?.from.startsWith('2021-09-14T14:0')).toBe(true);
  expect(kubelet.span?.to.startsWith('2021-09-14T14:4')).toBe(true);
  // Files that are not logs are listed for what they are, not read as log lines.
  const other = new Map(r.inputs.filter((i) => i.kind === 'other').map((i) => [rel(i), i]));
  expect(other.get('event-filter.html')).toMatchObject({ format: 'html', lines: 0 });
  const haproxy = [...other].filter(([k]) => k.endsWith('/haproxy.config'));
  expect(haproxy.length).toBe(2);
  for (const [, i] of haproxy) expect(i).toMatchObject({ format: 'config', lines: 0 });
}

describe.skipIf(!present)('must-gather-metal: every line read', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  let fromArchive: Report | undefined;

  it('as the .tar.xz archive', { timeout: 600_000 }, async () => {
    const { report, unreadable } = await analyzePaths([archive]);
    expect(unreadable).toEqual([]);
    checkReport(report);
    fromArchive = report;
  });

  it('unpacked into a directory: the same lines, recognised the same way', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-metal-'));
    dirs.push(dir);
    execFileSync('tar', ['-xJf', archive, '-C', dir]);
    const { report, unreadable } = await analyzePaths([join(dir, 'must-gather-metal')]);
    expect(unreadable).toEqual([]);
    checkReport(report);
    if (fromArchive) expect(coverage(report)).toEqual(coverage(fromArchive));
    // The same findings as the archive: what a rule concludes must not depend on the order its
    // inputs come in (the archive's member order, the folder's name order).
    if (fromArchive) expect(report.findings.map((f) => f.id).sort()).toEqual(fromArchive.findings.map((f) => f.id).sort());
    // The folder it was unpacked in (`ctrlscope scan .` there): the bundle inside is read as a
    // bundle, with the same coverage and the same findings. Read as a plain folder it had lost its
    // capture time, and duplicate-cr's template check gave 6 false warnings.
    const parent = await analyzePaths([dir]);
    expect(parent.unreadable).toEqual([]);
    checkReport(parent.report);
    expect(coverage(parent.report)).toEqual(coverage(report));
    expect(parent.report.findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));
  });
});
