// Every expectation of ../shared/real-data/README.md, checked against the real files: logs and a
// must-gather that real systems produced and nobody on this project wrote.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEVERITY_RANK, type Report } from '../../src/core/finding.js';
import { analyzePaths } from '../../src/engine/run.js';
import { identities } from '../../src/parsers/resource-identity.js';
import { parseResources, slimObjects } from '../../src/parsers/resources.js';
import { ANALYZERS } from '../../src/analyzers/index.js';

const repo = resolve(import.meta.dirname, '../..');
const data = resolve(process.env.CTRLSCOPE_REAL_DATA ?? join(repo, '../shared/real-data'));
const present = existsSync(data);
const cli = join(repo, 'dist/cli/ctrlscope.js');

if (!present && process.env.CTRLSCOPE_REQUIRE_REAL_DATA === '1') {
  throw new Error(`real data not found at ${data}; set CTRLSCOPE_REAL_DATA to its path`);
}

async function scan(...rel: string[]): Promise<Report> {
  const { report, unreadable } = await analyzePaths(rel.map((r) => join(data, r)));
  expect(unreadable).toEqual([]);
  expect(report.problems ?? []).toEqual([]);
  return report;
}
const atLeastWarning = (r: Report, rule: string) => r.findings.filter((f) => f.rule === rule && SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);

describe.skipIf(!present)('real data conformance', () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  });

  it('acexy/degradation.log: stale-pending, the tracked count 3 → 9, with lines 251 and 270 as evidence', async () => {
    const r = await scan('acexy/degradation.log');
    expect(r.inputs[0]!.format).toBe('slog-text');
    const f = r.findings.filter((x) => x.rule === 'stale-pending');
    expect(f.length).toBe(1);
    expect(SEVERITY_RANK[f[0]!.severity]).toBeGreaterThanOrEqual(SEVERITY_RANK.warning);
    expect(f[0]!.subject.name).toMatch(/Pending streams still tracked/);
    expect(f[0]!.metrics).toMatchObject({ first: 3, last: 9 });
    const sources = f[0]!.evidence.map((e) => e.source);
    expect(sources).toContain(`${join(data, 'acexy/degradation.log')}:251`);
    expect(sources).toContain(`${join(data, 'acexy/degradation.log')}:270`);
  });

  it('acexy/log_sample.txt: healthy, junk lines counted as unparsed', async () => {
    const r = await scan('acexy/log_sample.txt');
    expect(r.findings.filter((f) => f.rule === 'stale-pending')).toEqual([]);
    expect(r.inputs[0]!.format).toBe('slog-text');
    expect(r.inputs[0]!.wrapper).toBe('compose');
    expect(r.inputs[0]!.unparsed).toBeGreaterThanOrEqual(2);
  });

  it('kubernaut/gateway-ingestion.log: one RemediationRequest per fingerprint, no duplicate-cr', async () => {
    const r = await scan('kubernaut/gateway-ingestion.log');
    expect(r.inputs[0]!.format).toBe('zap-json');
    expect(r.findings.filter((f) => f.rule === 'duplicate-cr')).toEqual([]);
  });

  it('kubernaut/rr-dedup-working.yaml: dedup working as designed, no duplicate-cr', async () => {
    const r = await scan('kubernaut/rr-dedup-working.yaml');
    expect(r.inputs[0]!.kind).toBe('resources');
    expect(r.findings.filter((f) => f.rule === 'duplicate-cr')).toEqual([]);
  });

  it('kubernaut/rr-dedup-working-events.txt: parsed or skipped with a clear note, never fatal', async () => {
    const r = await scan('kubernaut/rr-dedup-working-events.txt');
    const input = r.inputs[0]!;
    expect(input.format).not.toBe('unknown');
    expect(r.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning)).toEqual([]);
  });

  it('kubernaut/rr-recreated-after-terminal.txt: legitimate re-creation, nothing at warning or above', async () => {
    const r = await scan('kubernaut/rr-recreated-after-terminal.txt');
    expect(r.inputs[0]!.kind).toBe('resources');
    expect(atLeastWarning(r, 'duplicate-cr')).toEqual([]);
  });

  it('wva/controller-baseline.log: one VariantAutoscaling on a 60 s cycle, no reconcile-burst', async () => {
    const r = await scan('wva/controller-baseline.log');
    expect(r.inputs[0]!.format).toBe('zap-console');
    expect(r.findings.filter((f) => f.rule === 'reconcile-burst')).toEqual([]);
  });

  it('every real log gets a detected format', async () => {
    const r = await scan('acexy', 'kubernaut', 'wva', 'must-gather-aws');
    for (const i of r.inputs.filter((x) => x.kind === 'log')) expect(`${i.source}: ${i.format}`).not.toMatch(/: unknown$/);
  });

  it('must-gather-aws: recognised as a must-gather, nothing at warning or above', async () => {
    const r = await scan('must-gather-aws');
    const bundle = r.inputs.find((i) => i.kind === 'bundle');
    expect(bundle?.format).toBe('must-gather');
    expect(r.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning)).toEqual([]);
    // The nine APIServices are read as objects; the kube-apiserver log is attributed to its pod.
    expect(r.inputs.some((i) => i.kind === 'resources' && /apiservices/.test(i.source))).toBe(true);
    expect(r.inputs.some((i) => i.kind === 'log' && /kube-apiserver/.test(i.source))).toBe(true);
  });

  it('must-gather-aws passes `check` (exit 0) as a directory and as a .tar.gz', () => {
    const dir = join(data, 'must-gather-aws');
    const asDir = spawnSync('node', [cli, 'check', dir], { encoding: 'utf8' });
    expect(asDir.stderr).toMatch(/^ctrlscope check: passed/);
    expect(asDir.status).toBe(0);
    const tmp = mkdtempSync(join(tmpdir(), 'ctrlscope-mg-'));
    const tgz = join(tmp, 'must-gather.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', data, 'must-gather-aws']);
    const asTar = spawnSync('node', [cli, 'check', tgz], { encoding: 'utf8' });
    expect(asTar.status).toBe(0);
    expect(readdirSync(tmp)).toEqual(['must-gather.tar.gz']);
  });

  it('every real YAML dump: the identity reader gives what js-yaml gives, and reads the must-gather\'s Lists itself', () => {
    const files = readdirSync(data, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(join(data, f), 'utf8');
      const got = identities(text, new Set());
      if (f.startsWith('must-gather-aws/')) expect(got, f).toBeDefined();
      if (got === undefined) continue;
      const { objects, problems, kind } = slimObjects(parseResources(text, 'x'), new Set());
      expect(got, f).toEqual({ objects, problems, kind });
    }
  });

  it('must-gather-aws\'s Events are too rare for the rules that read Events: its EventList is read without js-yaml', () => {
    // Its most repeated Warning is the kubelet's ProbeError, 14 times in 129 s; its most repeated Normal, twice.
    const when = ANALYZERS.flatMap((d) => d.create({ options: {} }).objectWhen?.() ?? []);
    const files = readdirSync(join(data, 'must-gather-aws'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('events.yaml'));
    expect(files.length).toBe(1);
    const text = readFileSync(join(data, 'must-gather-aws', files[0]!), 'utf8');
    expect(identities(text, new Set(), when)).toEqual(identities(text, new Set()));
    expect(identities(text, new Set(), when)?.objects.length).toBe(218);
  });
});
