// Runs the built CLI (`npm run build` first; `npm test` does) on small log fixtures, as CI would.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const FIX = join(ROOT, 'test/fixtures/check');
const HEALTHY = join(FIX, 'apiservice-heals.log');
const LEAKING = join(FIX, 'apiservice-401-doubling.log');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ctrlscope(args: string[], cwd = FIX): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', CI: 'true' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-check-e2e-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Each run starts a Node process; on a loaded 2-core machine that can take seconds.
describe('ctrlscope check', { timeout: 30_000 }, () => {
  it('exits 0 on a healthy log', async () => {
    const r = await ctrlscope(['check', HEALTHY]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no findings');
    // The healthy log is a kube-apiserver log: the other rules had nothing to read, and the verdict says so.
    expect(r.stderr).toBe('ctrlscope check: passed — 0 findings, none failing at --fail-on warning; 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');
  });

  it('exits 1 on a log with a finding, and says which one fails', async () => {
    const r = await ctrlscope(['check', LEAKING, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { rule: string; severity: string; subject: { name: string } }) => [f.rule, f.severity, f.subject.name])).toEqual([
      ['queue-leak', 'critical', 'v1beta1.metrics.example.io'],
    ]);
    expect(report.gate).toMatchObject({ passed: false, failOn: 'warning', failing: [report.findings[0].id], suppressed: [] });
    expect(r.stderr).toBe('ctrlscope check: failed — 1 of 1 finding at or above --fail-on warning; 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');
  });

  it('exits 2 for a missing path, naming it, without a stack trace', async () => {
    const r = await ctrlscope(['check', 'no-such-bundle.tar.gz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read 'no-such-bundle.tar.gz'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when one of several paths is missing, even though the rest passed', async () => {
    const r = await ctrlscope(['check', HEALTHY, 'gone.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ctrlscope: error: cannot read 'gone.log'");
    expect(r.stderr).toContain('ctrlscope check: passed — 0 findings, none failing at --fail-on warning; 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this); but 1 input could not be read, so the check exits 2');
  });

  it('passes with a suppression and fails again once it has expired, saying so', async () => {
    const cfg = join(dir, 'ctrlscope.yaml');
    const entry = (expires: string) =>
      `suppressions:\n  - rule: queue-leak\n    subject: { kind: APIService, name: "v1beta1.*" }\n    reason: metrics adapter being replaced\n    expires: ${expires}\n`;
    await writeFile(cfg, entry('2999-12-31'));
    const ok = await ctrlscope(['check', LEAKING, '--config', cfg]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('ctrlscope check: passed — 0 findings, none failing at --fail-on warning (1 suppressed); 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');

    await writeFile(cfg, entry('2020-01-31'));
    const expired = await ctrlscope(['check', LEAKING, '--config', cfg]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain(
      `ctrlscope: warning: suppression at ${cfg}:2 (rule queue-leak, subject APIService v1beta1.*: metrics adapter being replaced) expired on 2020-01-31`,
    );
  });

  it('passes rule options to the analyzer and applies a rule threshold', async () => {
    const cfg = join(dir, 'threshold.yaml');
    const limits = 'rules:\n  queue-leak:\n    growthSteps: 10\n    authWindowsWarn: 10\n    authWindowsCrit: 10\n';
    // With these limits the 6-window doubling of 401s is no longer critical, only a warning …
    await writeFile(cfg, limits);
    const warned = await ctrlscope(['check', LEAKING, '--config', cfg, '-o', 'json']);
    expect(warned.code).toBe(1);
    expect(JSON.parse(warned.stdout).findings.map((f: { severity: string }) => f.severity)).toEqual(['warning']);
    // … and a rule whose own threshold is critical lets that warning pass.
    await writeFile(cfg, `${limits}    failOn: critical\n`);
    const passed = await ctrlscope(['check', LEAKING, '--config', cfg, '-o', 'json']);
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout).gate.thresholds['queue-leak']).toBe('critical');
  });

  it('skips a rule the config disables', async () => {
    const cfg = join(dir, 'off.yaml');
    await writeFile(cfg, 'rules:\n  queue-leak:\n    enabled: false\n');
    const r = await ctrlscope(['check', LEAKING, '--config', cfg, '-o', 'junit']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('queue-leak');
    // duplicate-cr had nothing to read in this log: skipped, not passed.
    expect(r.stdout).toContain('<testcase name="duplicate-cr saw no input" classname="ctrlscope.duplicate-cr" time="0">');
    expect(r.stdout).toContain('<skipped message="duplicate-cr saw none of its inputs (no-data): nothing it reads was in the input: 0 keyed objects, 0 creation records"/>');
  });

  it('rejects a bad config with the file, line and key, exit 2', async () => {
    const cfg = join(dir, 'bad.yaml');
    await writeFile(cfg, 'rules:\n  reconcile-burst:\n    windowSeconds: 0\n');
    const r = await ctrlscope(['check', HEALTHY, '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ctrlscope: error: invalid config file:\n${cfg}:3: rules.reconcile-burst.windowSeconds: expected a positive number\n  try: see docs/config.md for every key and an example\n`,
    );
  });

  it('fails only on new findings with a baseline written by an earlier run', async () => {
    const baseline = join(dir, 'baseline.json');
    const first = await ctrlscope(['check', LEAKING, '--write-baseline', baseline]);
    expect(first.code).toBe(1);
    const again = await ctrlscope(['check', LEAKING, '--baseline', baseline]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('ctrlscope check: passed — 1 finding, none failing at --fail-on warning (1 already in the baseline); 3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)\n');
  });

  it('writes schema-valid SARIF, JUnit and Markdown files from one run with --write', async () => {
    const sarif = join(dir, 'out.sarif');
    const junit = join(dir, 'out.xml');
    const md = join(dir, 'out.md');
    const r = await ctrlscope(['check', LEAKING, '--write', `sarif:${sarif}`, '--write', `junit:${junit}`, '--write', `markdown:${md}`, '-o', 'json']);
    expect(r.code).toBe(1);
    const log = JSON.parse(await readFile(sarif, 'utf8'));
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as FormatsPlugin;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'queue-leak', level: 'error' });
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/apiservice-401-doubling\.log$/);
    expect(await readFile(junit, 'utf8')).toContain('<testsuite name="queue-leak" tests="1" failures="1"');
    expect(await readFile(md, 'utf8')).toMatch(/^## ctrlscope check failed: 1 of 1 finding failing at `--fail-on warning` — 3 rules saw no input\n/);
  });

  it('rejects a --write without a known format', async () => {
    const r = await ctrlscope(['check', HEALTHY, '--write', 'html:x.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ctrlscope: error: --write 'html:x.html' is not FORMAT:FILE");
  });
});
