import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disabledRules, expiryOf, loadConfig, parseConfig, ruleOptionsOf } from './config.js';
import { UserError } from './errors.js';

function errorOf(text: string, name = 'ctrlscope.yaml'): UserError {
  try {
    parseConfig(text, name);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig: a valid file', () => {
  const text = [
    'version: 1',
    'failOn: critical',
    'rules:',
    '  queue-leak:',
    '    growthSteps: 4',
    '    failOn: warning',
    '  duplicate-cr:',
    '    dedupKeys:',
    '      - group: example.com',
    '        kind: Incident',
    '        jsonPath: spec.fingerprint',
    '        clusterWide: true',
    '  reconcile-burst:',
    '    enabled: false',
    'suppressions:',
    '  - rule: queue-leak',
    '    subject:',
    '      kind: APIService',
    '      name: "v0alpha1.*"',
    '    reason: upstream bug, fixed in 12.1',
    '    expires: 2026-12-31',
    '  - rule: "*"',
    '    subject: { name: noisy, namespace: team-* }',
    '    reason: test namespace',
    '',
  ].join('\n');
  const cfg = parseConfig(text, 'ctrlscope.yaml');

  it('keeps thresholds, gate settings and analyzer options apart', () => {
    expect(cfg.failOn).toBe('critical');
    expect(cfg.rules['queue-leak']).toEqual({ enabled: true, failOn: 'warning', options: { growthSteps: 4 } });
    expect(cfg.rules['reconcile-burst']).toEqual({ enabled: false, failOn: undefined, options: {} });
    expect(disabledRules(cfg)).toEqual(['reconcile-burst']);
    expect(ruleOptionsOf(cfg)).toEqual({
      'queue-leak': { growthSteps: 4 },
      'duplicate-cr': { dedupKeys: [{ group: 'example.com', kind: 'Incident', jsonPath: 'spec.fingerprint', clusterWide: true }] },
    });
  });

  it('reads suppressions with where they are and when they expire', () => {
    expect(cfg.suppressions).toEqual([
      {
        rule: 'queue-leak',
        subject: { kind: 'APIService', name: 'v0alpha1.*' },
        reason: 'upstream bug, fixed in 12.1',
        expires: '2026-12-31',
        expiresAt: Date.parse('2027-01-01T00:00:00Z'),
        where: 'ctrlscope.yaml:16',
      },
      { rule: '*', subject: { name: 'noisy', namespace: 'team-*' }, reason: 'test namespace', where: 'ctrlscope.yaml:22' },
    ]);
  });

  it('takes an empty file as no settings', () => {
    expect(parseConfig('', 'empty.yaml')).toEqual({ source: 'empty.yaml', failOn: undefined, rules: {}, suppressions: [] });
    expect(parseConfig('# only a comment\n', 'c.yaml').suppressions).toEqual([]);
  });
});

describe('parseConfig: errors name the file, the line and the key', () => {
  const cases: { name: string; text: string; lines: string[] }[] = [
    {
      name: 'a non-positive number',
      text: 'rules:\n  reconcile-burst:\n    windowSeconds: -3\n',
      lines: ['ctrlscope.yaml:3: rules.reconcile-burst.windowSeconds: expected a positive number'],
    },
    {
      name: 'a string where a number belongs',
      text: 'rules:\n  queue-leak:\n    growthSteps: "five"\n',
      lines: ['ctrlscope.yaml:3: rules.queue-leak.growthSteps: expected a positive integer'],
    },
    {
      name: 'an unknown rule option',
      text: 'rules:\n  queue-leak:\n    growthSteps: 3\n    windowSeconds: 30\n',
      lines: [
        'ctrlscope.yaml:4: rules.queue-leak.windowSeconds: unknown key; known: enabled, failOn, growthSteps, growthMinLast, authWindowsWarn, authWindowsCrit, excessWindows, infoFailures, vocabulary',
      ],
    },
    {
      name: 'an unknown rule id',
      text: 'failOn: info\nrules:\n  queue-leek: {}\n',
      lines: ['ctrlscope.yaml:3: rules.queue-leek: unknown rule; known: queue-leak, duplicate-cr, stale-pending, reconcile-burst'],
    },
    {
      name: 'a bad severity',
      text: 'failOn: error\n',
      lines: ['ctrlscope.yaml:1: failOn: expected one of critical, warning, info'],
    },
    {
      name: 'a suppression without reason and with a bad date',
      text: 'suppressions:\n  - rule: queue-leak\n    subject: { name: x }\n    expires: 2026-13-45\n',
      lines: [
        'ctrlscope.yaml:2: suppressions[0].reason: expected a reason (why this finding is accepted)',
        'ctrlscope.yaml:4: suppressions[0].expires: expected a real date such as 2026-12-31',
      ],
    },
    {
      name: 'a suppression of an unknown rule and a subject that is not a mapping',
      text: 'suppressions:\n  - rule: leak\n    subject: x\n    reason: r\n',
      lines: [
        'ctrlscope.yaml:2: suppressions[0].rule: expected a rule id (queue-leak, duplicate-cr, stale-pending, reconcile-burst) or *',
        'ctrlscope.yaml:3: suppressions[0].subject: expected a mapping with at least name',
      ],
    },
    {
      name: 'dedup keys: an unknown key, a key without a source, a bad JSONPath, a negative window',
      text: 'rules:\n  duplicate-cr:\n    dedupKeys:\n      - kind: Incident\n        path: spec.x\n      - kind: Alert\n      - jsonPath: "spec[\'x"\n    raceWindowMs: -1\n',
      lines: [
        'ctrlscope.yaml:4: rules.duplicate-cr.dedupKeys[0]: expected at least one of jsonPath, label, annotation, namePattern, logField',
        'ctrlscope.yaml:5: rules.duplicate-cr.dedupKeys[0].path: unknown key; known: kind, group, jsonPath, label, logField, clusterWide, annotation, owner, namePattern',
        'ctrlscope.yaml:6: rules.duplicate-cr.dedupKeys[1]: expected at least one of jsonPath, label, annotation, namePattern, logField',
        "ctrlscope.yaml:7: rules.duplicate-cr.dedupKeys[2].jsonPath: expected a JSONPath such as spec.signalFingerprint, {.spec.x} or $.metadata.labels['a/b']",
        'ctrlscope.yaml:8: rules.duplicate-cr.raceWindowMs: expected a number of milliseconds, 0 or more',
      ],
    },
    {
      name: 'a top level that is not a mapping',
      text: '- a\n- b\n',
      lines: ['ctrlscope.yaml:1: (top level): expected a mapping (failOn, rules, suppressions)'],
    },
    {
      name: 'an unknown top-level key',
      text: 'failOn: info\nignore: [x]\n',
      lines: ['ctrlscope.yaml:2: ignore: unknown key; known: version, failOn, rules, suppressions'],
    },
  ];
  it.each(cases)('$name', ({ text, lines }) => {
    const err = errorOf(text);
    expect(err.message).toBe(`invalid config file:\n${lines.join('\n')}`);
    expect(err.tryMessage).toBe('see docs/config.md for every key and an example');
  });

  it('reports YAML syntax errors with their line', () => {
    const err = errorOf('rules:\n  queue-leak:\n    growthSteps: [30\nfailOn: info\n');
    expect(err.message).toMatch(/^invalid config file:\nctrlscope\.yaml:[34]: /);
    expect(err.tryMessage).toBe('fix the YAML syntax; see docs/config.md for the format');
  });

  it('rejects a key given twice', () => {
    const err = errorOf('failOn: info\nfailOn: warning\n');
    expect(err.message).toMatch(/^invalid config file:\nctrlscope\.yaml:2: .*unique/i);
  });
});

describe('loadConfig', () => {
  it('reads a file and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctrlscope-config-'));
    try {
      const file = join(dir, 'ctrlscope.yaml');
      await writeFile(file, 'failOn: info\n');
      expect((await loadConfig(file)).failOn).toBe('info');
      const missing = join(dir, 'nope.yaml');
      await expect(loadConfig(missing)).rejects.toMatchObject({
        name: 'UserError',
        message: `cannot read config file ${missing}: no such file`,
        tryMessage: 'check the --config path: it must name a regular YAML file of at most 1 MiB; see docs/config.md for the format',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('expiryOf', () => {
  it('keeps a date-only expiry valid through that day, a timestamp until that instant', () => {
    expect(expiryOf('2026-12-31')).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(expiryOf('2026-12-31T12:00:00Z')).toBe(Date.parse('2026-12-31T12:00:00Z'));
  });
});

describe('examples/ctrlscope.yaml', () => {
  it('is a valid config whose rule options each analyzer accepts', async () => {
    const { ANALYZERS } = await import('../analyzers/index.js');
    const cfg = await loadConfig(new URL('../../examples/ctrlscope.yaml', import.meta.url).pathname);
    expect(cfg.failOn).toBe('warning');
    expect(cfg.rules['reconcile-burst']?.failOn).toBe('critical');
    expect(cfg.suppressions.map((s) => [s.rule, s.subject.name, s.expires])).toEqual([
      ['queue-leak', 'v1beta1.metrics.example.io', '2026-12-31'],
      ['*', '*', undefined],
    ]);
    const options = ruleOptionsOf(cfg);
    expect(Object.keys(options).sort()).toEqual(['duplicate-cr', 'queue-leak', 'reconcile-burst']);
    for (const def of ANALYZERS) {
      expect(() => def.create({ options: options[def.rule] ?? {} }), def.rule).not.toThrow();
    }
  });
});
