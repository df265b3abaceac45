// The verdict and what it rests on, as users meet it through the built CLI (`npm run build`
// first): coverage in every format, rules that saw nothing, time windows on old data, inputs
// that could not be read, and finding ids that baselines can trust.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const DEMO = join(ROOT, 'samples/demo');
const FIX = join(ROOT, 'test/fixtures/check');
const HEALTHY = join(FIX, 'apiservice-heals.log');
const REAL = join(ROOT, '../shared/real-data');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ctrlscope(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

interface Json {
  findings: { id: string; rule: string; severity: string; subject: { name: string; origin?: string; controller?: string | null } }[];
  coverage: {
    lines: number;
    span: { from: string; to: string } | null;
    window: { since: string | null; until: string | null; excluded: number; total: number; anchor?: { time: string; from: string } };
    unread: { source: string; reason: string }[];
    rules: { rule: string; status: string; reason?: string; seen: Record<string, number> }[];
  };
  gate?: { passed: boolean; baselined: string[]; failing: string[] };
}

const json = (r: Run) => JSON.parse(r.stdout) as Json;

let dir: string;
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = mkdtempSync(join(tmpdir(), 'ctrlscope-coverage-e2e-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('coverage', { timeout: 60_000 }, () => {
  it('says what each rule saw, in JSON and in the text verdict', async () => {
    const r = await ctrlscope(['scan', HEALTHY, '-o', 'json']);
    const c = json(r).coverage;
    expect(c.lines).toBe(6);
    expect(c.rules.map((x) => [x.rule, x.status])).toEqual([
      ['queue-leak', 'ok'],
      ['duplicate-cr', 'no-data'],
      ['stale-pending', 'no-data'],
      ['reconcile-burst', 'no-data'],
    ]);
    expect(c.rules[0]!.seen.failureRecords).toBeGreaterThan(0);
    const text = await ctrlscope(['scan', HEALTHY]);
    expect(text.stdout.split('\n').slice(0, 2).join('\n')).toMatch(
      /^ctrlscope [\d.]+: no findings, but 3 rules saw no input: duplicate-cr \(no-data\), stale-pending\n {2}\(no-data\), reconcile-burst \(no-data\) \(0 critical, 0 warning, 0 info\)$/,
    );
    expect(text.stdout).toMatch(/\n {2}read 6 lines in 1 file: 100 % recognised; data 2026-11-20 \d\d:\d\d:\d\d → \d\d:\d\d:\d\d UTC\n/);
  });

  it('check --fail-on-blind fails when a rule saw nothing; without it the verdict line names the blind rules', async () => {
    const plain = await ctrlscope(['check', HEALTHY]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('3 rules saw no input (duplicate-cr, stale-pending, reconcile-burst: no-data; --fail-on-blind fails on this)');
    const strict = await ctrlscope(['check', HEALTHY, '--fail-on-blind']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(
      'ctrlscope check: failed — 0 findings failing at --fail-on warning; 3 rules saw no input, which fails it with --fail-on-blind (duplicate-cr, stale-pending, reconcile-burst: no-data)\n',
    );
    const one = await ctrlscope(['check', HEALTHY, '--fail-on-blind', '--rules', 'queue-leak']);
    expect(one.code).toBe(0);
  });

  it('JUnit reports a rule that saw nothing as skipped, SARIF as a notification', async () => {
    const junit = await ctrlscope(['check', HEALTHY, '-o', 'junit']);
    expect(junit.stdout).toContain('<testcase name="no queue-leak found" classname="ctrlscope.queue-leak" time="0"/>');
    expect(junit.stdout).toContain('<testcase name="stale-pending saw no input" classname="ctrlscope.stale-pending" time="0">');
    expect(junit.stdout).toMatch(/<testsuites name="ctrlscope" tests="\d+" failures="0" errors="0" skipped="3"/);
    const sarif = JSON.parse((await ctrlscope(['check', HEALTHY, '-o', 'sarif'])).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { level: string; message: { text: string }; associatedRule?: { id: string } }[];
    expect(notes.filter((n) => n.associatedRule).map((n) => [n.level, n.associatedRule!.id])).toEqual([
      ['warning', 'duplicate-cr'],
      ['warning', 'stale-pending'],
      ['warning', 'reconcile-burst'],
    ]);
    expect(sarif.runs[0].properties.coverage.lines).toBe(6);
    const md = (await ctrlscope(['check', HEALTHY, '-o', 'markdown'])).stdout;
    expect(md).toContain('| stale-pending | **no-data** | nothing it reads was in the input: 0 counter observations, 0 acquisition release lines |');
  });

  it('an encrypted zip is not a pass: its member is listed as not read, and check exits 2', async () => {
    const zip = 'test/fixtures/check/encrypted.zip';
    const r = await ctrlscope(['check', zip, '-o', 'json']);
    expect(r.code).toBe(2);
    const reason = 'encrypted: cannot be read without the password; unpack it and scan the directory';
    expect(json(r).coverage.unread).toEqual([{ source: `${zip}:kube-apiserver.log`, reason }]);
    expect(r.stderr).toContain(`ctrlscope: error: cannot read '${zip}:kube-apiserver.log': ${reason}`);
    const text = await ctrlscope(['scan', zip]);
    expect(text.stdout).not.toMatch(/^ctrlscope [\d.]+: no findings \(/);
    expect(text.stdout.replace(/\n +/g, ' ')).toContain(`not read: ${zip}:kube-apiserver.log: ${reason}`);
  });
});

describe('time windows on offline data', { timeout: 60_000 }, () => {
  it('count a duration back from the last timestamp of the data, and say so', async () => {
    const r = await ctrlscope(['scan', join(DEMO, 'stream-proxy.log'), '--since', '1m', '-o', 'json']);
    const w = json(r).coverage.window;
    // The file's last line: `2026/11/22 10:02:47 WARN Pending streams still tracked count=9`.
    expect(w.anchor).toEqual({ time: '2026-11-22T10:02:47Z', from: 'last-timestamp' });
    expect(w.since).toBe('2026-11-22T10:01:47Z');
    expect(w.excluded).toBeGreaterThan(0);
    expect(w.excluded).toBeLessThan(w.total);
  });

  it('say what they excluded when nothing is left', async () => {
    const r = await ctrlscope(['scan', join(DEMO, 'stream-proxy.log'), '--since', '2026-12-01T00:00:00Z']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\n +/g, ' ');
    // Timed records are the lines the rules read (what the prefilter keeps): all of them, whatever their number.
    const all = /^ctrlscope [\d.]+: no findings, but the time window excluded all (\d+) timed records; no rule saw any input/.exec(text);
    expect(all).not.toBeNull();
    const n = all![1];
    expect(text).toContain(`--since (from 2026-12-01 00:00:00 UTC) excluded ${n} of ${n} timed records; the data spans 2026-11-22 10:00:00 → 10:02:47 UTC`);
  });

  it.skipIf(!existsSync(join(REAL, 'acexy')))('--since 1h on a weeks-old log reads its last hour (acexy/degradation.log)', async () => {
    const r = await ctrlscope(['scan', join(REAL, 'acexy/degradation.log'), '--since', '1h', '-o', 'json']);
    const rep = json(r);
    // Its last line's Docker timestamp: 2025-11-02T18:08:01.530…Z.
    expect(rep.coverage.window.anchor).toEqual({ time: '2025-11-02T18:08:01.530Z', from: 'last-timestamp' });
    expect(rep.coverage.window.since).toBe('2025-11-02T17:08:01.530Z');
    expect(rep.findings.map((f) => [f.rule, f.subject.name])).toEqual([['stale-pending', 'Pending streams still tracked']]);
  });

  it('--help says a duration counts back from the end of the data', async () => {
    const r = await ctrlscope(['scan', '--help'], { COLUMNS: '200' });
    expect(r.stdout.replace(/\s+/g, ' ')).toContain("counted back from the end of the data — a bundle's capture time, else the last timestamp read");
  });
});

describe('finding ids', { timeout: 90_000 }, () => {
  it('stay the same across --since windows that keep the subject: a baseline still matches', async () => {
    const b = join(dir, 'b.json');
    const first = await ctrlscope(['check', DEMO, '--write-baseline', b]);
    expect(first.code).toBe(1);
    for (const since of ['2h', '2026-11-22T10:01:16Z']) {
      const again = await ctrlscope(['check', DEMO, '--baseline', b, '--since', since, '-o', 'json']);
      const rep = json(again);
      expect(rep.findings.length).toBeGreaterThan(0);
      expect(rep.gate!.failing).toEqual([]);
      expect(rep.gate!.baselined.sort()).toEqual(rep.findings.map((f) => f.id).sort());
      expect(again.code).toBe(0);
    }
  });

  it('are unique in a report and name the file a counter came from', async () => {
    const other = join(dir, 'other-proxy.log');
    copyFileSync(join(DEMO, 'stream-proxy.log'), other);
    const rep = json(await ctrlscope(['scan', join(DEMO, 'stream-proxy.log'), other, '-o', 'json']));
    const pending = rep.findings.filter((f) => f.rule === 'stale-pending');
    expect(pending.map((f) => f.subject.origin)).toEqual([join(DEMO, 'stream-proxy.log'), other]);
    expect(new Set(pending.map((f) => f.id)).size).toBe(2);
    // Adding an unrelated input keeps the ids of the others.
    const alone = json(await ctrlscope(['scan', join(DEMO, 'stream-proxy.log'), '-o', 'json']));
    const withMore = json(await ctrlscope(['scan', join(DEMO, 'stream-proxy.log'), HEALTHY, '-o', 'json']));
    expect(withMore.findings.find((f) => f.rule === 'stale-pending')!.id).toBe(alone.findings[0]!.id);
  });

  it('are the same for the same data as a folder and as an archive', async () => {
    const archive = join(dir, 'demo.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: join(ROOT, 'samples') }, ['demo']);
    const ids = (r: Run) => json(r).findings.map((f) => `${f.rule} ${f.id}`).sort();
    const [a, b] = await Promise.all([ctrlscope(['scan', DEMO, '-o', 'json']), ctrlscope(['scan', archive, '-o', 'json'])]);
    expect(ids(b)).toEqual(ids(a));
    expect(ids(a)).toHaveLength(4);
  });

  it('match a baseline written by ctrlscope 0.1.0 where the subject is unchanged', async () => {
    // test/fixtures/check/baseline-0.1.0.json: `ctrlscope scan samples/demo -o json` of 0.1.0, its findings cut to id, rule, severity, title and subject.
    const r = await ctrlscope(['check', DEMO, '--baseline', join(FIX, 'baseline-0.1.0.json'), '-o', 'json']);
    expect(json(r).gate!.baselined).toHaveLength(4);
    expect(r.code).toBe(0);
  });

  it('of one report are never shared', async () => {
    const rep = json(await ctrlscope(['scan', DEMO, join(DEMO, 'stream-proxy.log'), '-o', 'json']));
    expect(new Set(rep.findings.map((f) => f.id)).size).toBe(rep.findings.length);
  });
});

interface Fix {
  rule: string;
  severity: string;
  remediation: { summary: string; steps: string[] };
}

describe('remediation an on-call can run', { timeout: 60_000 }, () => {
  it('names the real objects: one kubectl delete per extra live duplicate, the oldest kept, what to do now first', async () => {
    const rep = JSON.parse((await ctrlscope(['scan', DEMO, '-o', 'json'])).stdout) as { findings: Fix[] };
    const dup = rep.findings.find((f) => f.rule === 'duplicate-cr')!;
    expect(dup.remediation.steps.slice(0, 3)).toEqual([
      'Now: Keep the oldest live one, rr-e07dd3114dda-8e1f2a3b, and delete the later live duplicates before they are processed again:',
      'kubectl delete remediationrequest.kubernaut.ai rr-e07dd3114dda-c4d5e6f7 -n kubernaut-system',
      'kubectl delete remediationrequest.kubernaut.ai rr-e07dd3114dda-09a8b7c6 -n kubernaut-system',
    ]);
    expect(dup.remediation.steps[3]).toMatch(/^Then, in the code: Do the existence check through the uncached API reader/);
    expect(dup.remediation.steps.join('\n')).not.toContain('<name>');
  });

  it('puts the fix that works now first: the APIService and its credentials before the code change', async () => {
    const rep = JSON.parse((await ctrlscope(['scan', DEMO, '-o', 'json'])).stdout) as { findings: Fix[] };
    const steps = rep.findings.find((f) => f.rule === 'queue-leak')!.remediation.steps;
    expect(steps[0]).toBe(
      'Now: Look at the APIService and what it points to: kubectl get apiservice v0alpha1.provisioning.grafana.app -o yaml (status.conditions says why it is unavailable; spec.service names the backend).',
    );
    expect(steps[1]).toMatch(/^The backend answers 401: it refuses kube-apiserver's front-proxy client certificate/);
    const code = steps.findIndex((x) => x.startsWith('Then, in the code:'));
    expect(code).toBe(3);
    expect(steps.slice(code).some((x) => x.includes('queue.Forget(key)'))).toBe(true);
  });

  it('does not print the race fix for an info note that says "not a race"', async () => {
    const dir = join(ROOT, 'src/analyzers/testdata/duplicate-cr/recreated-after-terminal-table');
    const rep = JSON.parse((await ctrlscope(['scan', dir, '-o', 'json'])).stdout) as { findings: Fix[] };
    expect(rep.findings.map((f) => [f.rule, f.severity])).toEqual([['duplicate-cr', 'info']]);
    const r = rep.findings[0]!.remediation;
    expect(r.summary).toMatch(/^Not a race: each RemediationRequest with this key was created after the earlier one had ended, so nothing needs deleting\./);
    expect(r.steps.join(' ')).not.toMatch(/kubectl delete|GetAPIReader|Lease/);
  });

  it('keeps the 401 when the text report shortens the evidence line', async () => {
    const r = await ctrlscope(['scan', join(DEMO, 'kube-apiserver.log')], { COLUMNS: '100' });
    const evidence = r.stdout.split('\n').filter((l) => /kube-apiserver\.log:\d+ /.test(l));
    expect(evidence.length).toBeGreaterThan(0);
    for (const l of evidence) {
      expect(l.length).toBeLessThanOrEqual(100);
      expect(l).toMatch(/…[^…]*: 401$/);
    }
  });
});

describe('text for people', { timeout: 60_000 }, () => {
  it('--brief prints one block of at most six lines per finding', async () => {
    const r = await ctrlscope(['scan', DEMO, '--brief']);
    const blocks = r.stdout.split('\n\n').slice(1);
    expect(blocks).toHaveLength(4);
    for (const b of blocks) {
      const lines = b.trimEnd().split('\n');
      expect(lines.length).toBeLessThanOrEqual(6);
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
    }
    expect(r.stdout).toContain(': 401');
  });

  it('wraps to COLUMNS when not a terminal, never inside a word', async () => {
    const r = await ctrlscope(['scan', DEMO], { COLUMNS: '72' });
    const words = new Set(r.stdout.split(/\s+/));
    for (const line of r.stdout.split('\n')) {
      if (/^\s+(\S+\.(log|yaml):\d+)\s/.test(line)) continue; // evidence lines are shortened, not wrapped
      if (line.startsWith('! ') || line.startsWith('    ! ')) continue;
      // A word longer than the width gets a line of its own (a 64-hex dedup key here).
      if (line.length > 72) expect(line.trim(), line).not.toContain(' ');
      else expect(line.length).toBeLessThanOrEqual(72);
    }
    expect(words.has('rate')).toBe(true);
    writeFileSync(join(dir, 'out.txt'), r.stdout);
  });
});
