import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import type { Severity } from '../core/finding.js';
import { RULE_IDS } from '../analyzers/index.js';
import { DUPLICATE, PENDING_INFO, QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { applyGate, exitCodeOf, globMatch, loadBaseline, parseBaseline, verdictLine } from './gate.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const ALL = [QUEUE_LEAK, DUPLICATE, PENDING_INFO]; // critical, warning, info

describe('fail-on threshold', () => {
  const cases: { failOn: Severity; failing: string[]; exit: 0 | 1 }[] = [
    { failOn: 'critical', failing: [QUEUE_LEAK.id], exit: 1 },
    { failOn: 'warning', failing: [QUEUE_LEAK.id, DUPLICATE.id], exit: 1 },
    { failOn: 'info', failing: [QUEUE_LEAK.id, DUPLICATE.id, PENDING_INFO.id], exit: 1 },
  ];
  it.each(cases)('--fail-on $failOn fails on $failing.length findings', ({ failOn, failing, exit }) => {
    const out = applyGate(reportOf(ALL), { failOn, rules: RULE_IDS, now: NOW });
    expect(out.gate.failing).toEqual(failing);
    expect(out.gate.passed).toBe(false);
    expect(exitCodeOf(out)).toBe(exit);
    expect(out.findings).toEqual(ALL);
  });

  it('passes when nothing reaches the threshold', () => {
    const out = applyGate(reportOf([PENDING_INFO]), { failOn: 'warning', rules: RULE_IDS, now: NOW });
    expect(out.gate).toMatchObject({ passed: true, failing: [], failOn: 'warning' });
    expect(exitCodeOf(out)).toBe(0);
  });

  it('passes on a report without findings', () => {
    const out = applyGate(reportOf([]), { failOn: 'info', rules: RULE_IDS, now: NOW });
    expect(exitCodeOf(out)).toBe(0);
    expect(out.summary).toEqual({ critical: 0, warning: 0, info: 0 });
  });

  it('lets a rule set its own threshold in the config', () => {
    const config = parseConfig('rules:\n  duplicate-cr:\n    failOn: critical\n  stale-pending:\n    failOn: info\n', 'c.yaml');
    const out = applyGate(reportOf(ALL), { failOn: 'warning', rules: RULE_IDS, config, now: NOW });
    expect(out.gate.thresholds).toEqual({ 'queue-leak': 'warning', 'duplicate-cr': 'critical', 'stale-pending': 'info', 'reconcile-burst': 'warning' });
    expect(out.gate.failing).toEqual([QUEUE_LEAK.id, PENDING_INFO.id]);
  });
});

describe('suppressions', () => {
  const config = parseConfig(
    [
      'suppressions:',
      '  - rule: queue-leak',
      '    subject: { kind: APIService, name: "v0alpha1.*" }',
      '    reason: upstream bug',
      '    expires: 2026-12-31',
      '  - rule: duplicate-cr',
      '    subject: { name: fp-7c1e, namespace: other-ns }',
      '    reason: wrong namespace, must not match',
      '',
    ].join('\n'),
    'ctrlscope.yaml',
  );

  it('removes a matching finding, recounts the summary and records why', () => {
    const out = applyGate(reportOf(ALL), { failOn: 'warning', rules: RULE_IDS, config, now: NOW });
    expect(out.findings.map((f) => f.id)).toEqual([DUPLICATE.id, PENDING_INFO.id]);
    expect(out.summary).toEqual({ critical: 0, warning: 1, info: 1 });
    expect(out.gate.suppressed).toEqual([
      {
        id: QUEUE_LEAK.id,
        rule: 'queue-leak',
        severity: 'critical',
        title: QUEUE_LEAK.title,
        subject: QUEUE_LEAK.subject,
        reason: 'upstream bug',
        expires: '2026-12-31',
        where: 'ctrlscope.yaml:2',
      },
    ]);
    expect(out.gate.failing).toEqual([DUPLICATE.id]);
    expect(out.problems).toBeUndefined();
  });

  it('still suppresses on the expiry date itself', () => {
    const out = applyGate(reportOf([QUEUE_LEAK]), { failOn: 'warning', rules: RULE_IDS, config, now: Date.parse('2026-12-31T23:59:59Z') });
    expect(out.gate.suppressed).toHaveLength(1);
    expect(exitCodeOf(out)).toBe(0);
  });

  it('stops suppressing once expired, and reports the expired suppression', () => {
    const out = applyGate(reportOf([QUEUE_LEAK], { problems: ['analyzer x failed'] }), {
      failOn: 'warning',
      rules: RULE_IDS,
      config,
      now: Date.parse('2027-01-01T00:00:00Z'),
    });
    expect(out.gate.suppressed).toEqual([]);
    expect(out.gate.failing).toEqual([QUEUE_LEAK.id]);
    expect(exitCodeOf(out)).toBe(1);
    expect(out.problems).toEqual([
      'analyzer x failed',
      'suppression at ctrlscope.yaml:2 (rule queue-leak, subject APIService v0alpha1.*: upstream bug) expired on 2026-12-31: it no longer suppresses anything; fix the finding or renew the suppression with a later date',
    ]);
  });

  it('matches rule "*", namespace and controller globs', () => {
    const c = parseConfig('suppressions:\n  - rule: "*"\n    subject: { name: "*", namespace: "kubernaut-*", controller: gate? }\n    reason: r\n', 'c.yaml');
    const out = applyGate(reportOf(ALL), { failOn: 'info', rules: RULE_IDS, config: c, now: NOW });
    expect(out.gate.suppressed.map((s) => s.id)).toEqual([]); // controller "gateway" is not "gate?"
    const c2 = parseConfig('suppressions:\n  - rule: "*"\n    subject: { name: "*", namespace: "kubernaut-*", controller: gate* }\n    reason: r\n', 'c.yaml');
    const out2 = applyGate(reportOf(ALL), { failOn: 'info', rules: RULE_IDS, config: c2, now: NOW });
    expect(out2.gate.suppressed.map((s) => s.id)).toEqual([DUPLICATE.id]);
  });
});

describe('baseline', () => {
  const baseline = parseBaseline(JSON.stringify(reportOf([QUEUE_LEAK])), 'old.json');

  it('fails only on findings that are new by id', () => {
    const out = applyGate(reportOf(ALL), { failOn: 'warning', rules: RULE_IDS, baseline, now: NOW });
    expect(out.gate.baselined).toEqual([QUEUE_LEAK.id]);
    expect(out.gate.failing).toEqual([DUPLICATE.id]);
    expect(out.gate.baseline).toBe('old.json');
    expect(out.findings).toHaveLength(3);
    expect(exitCodeOf(out)).toBe(1);
  });

  it('passes when every finding at the threshold is old', () => {
    const out = applyGate(reportOf([QUEUE_LEAK, PENDING_INFO]), { failOn: 'warning', rules: RULE_IDS, baseline, now: NOW });
    expect(out.gate.failing).toEqual([]);
    expect(exitCodeOf(out)).toBe(0);
  });

  it('rejects files that are not a report, naming the file', () => {
    expect(() => parseBaseline('{', 'b.json')).toThrow(/^baseline b\.json is not JSON: /);
    expect(() => parseBaseline('{"x":1}', 'b.json')).toThrow('baseline b.json is not a ctrlscope JSON report: it has no findings list');
    expect(() => parseBaseline('{"schemaVersion":2,"findings":[]}', 'b.json')).toThrow('baseline b.json has schemaVersion 2; this ctrlscope reads schemaVersion 1');
    expect(() => parseBaseline('{"schemaVersion":1,"findings":[{"rule":"queue-leak"}]}', 'b.json')).toThrow('baseline b.json: findings[0] has no id');
  });

  it('reads a file, and names one that is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlscope-gate-'));
    try {
      const file = join(dir, 'b.json');
      await writeFile(file, JSON.stringify(reportOf([DUPLICATE])));
      expect([...(await loadBaseline(file)).ids]).toEqual([DUPLICATE.id]);
      await expect(loadBaseline(join(dir, 'none.json'))).rejects.toMatchObject({ name: 'UserError', message: `cannot read baseline ${join(dir, 'none.json')}: no such file` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('globMatch', () => {
  it.each([
    ['v0alpha1.*', 'v0alpha1.provisioning.grafana.app', true],
    ['v0alpha1.*', 'v0alpha10provisioning', false],
    ['a?c', 'abc', true],
    ['a?c', 'abbc', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['(x)+[y]', '(x)+[y]', true],
  ] as const)('%s vs %s → %s', (pattern, value, want) => {
    expect(globMatch(pattern, value)).toBe(want);
  });
});

describe('verdictLine', () => {
  it('says passed or failed, with baseline and suppression counts', () => {
    const config = parseConfig('suppressions:\n  - rule: stale-pending\n    subject: { name: "*" }\n    reason: r\n', 'c.yaml');
    const baseline = parseBaseline(JSON.stringify(reportOf([QUEUE_LEAK])), 'old.json');
    expect(verdictLine(applyGate(reportOf(ALL), { failOn: 'warning', rules: RULE_IDS, config, baseline, now: NOW }))).toBe(
      'ctrlscope check: failed — 1 of 2 findings at or above --fail-on warning (1 already in the baseline, 1 suppressed)',
    );
    expect(verdictLine(applyGate(reportOf([PENDING_INFO]), { failOn: 'warning', rules: RULE_IDS, now: NOW }))).toBe(
      'ctrlscope check: passed — 1 finding, none failing at --fail-on warning',
    );
  });
});
