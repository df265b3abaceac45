import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../analyzers/catalog.js';
import { parseConfig } from '../core/config.js';
import { RULE_IDS } from '../analyzers/index.js';
import { applyGate, parseBaseline } from '../engine/gate.js';
import { DUPLICATE, PENDING_INFO, QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { artifactUri, fileLine, renderSarif, SARIF_SCHEMA_URI } from './sarif.js';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as FormatsPlugin;
const schema = JSON.parse(readFileSync(new URL('../../test/fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function valid(text: string): unknown {
  const doc = JSON.parse(text);
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
  return doc;
}

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('renderSarif', () => {
  const reports = {
    'three findings': reportOf([QUEUE_LEAK, DUPLICATE, PENDING_INFO]),
    'no findings': reportOf([]),
    'run and input problems': reportOf([QUEUE_LEAK], {
      problems: ['analyzer queue-leak failed on flush: boom'],
      inputs: [{ source: 'a.log', kind: 'log', format: 'klog', lines: 3, unparsed: 1, problems: ['line 2: undecodable'] }],
    }),
    'gated with baseline and suppression': applyGate(reportOf([QUEUE_LEAK, DUPLICATE, PENDING_INFO]), {
      failOn: 'warning',
      rules: RULE_IDS,
      baseline: parseBaseline(JSON.stringify(reportOf([QUEUE_LEAK])), 'old.json'),
      config: parseConfig('suppressions:\n  - rule: stale-pending\n    subject: { name: "pending*" }\n    reason: known\n', 'c.yaml'),
      now: NOW,
    }),
  };
  it.each(Object.entries(reports))('is valid SARIF 2.1.0: %s', (_, report) => {
    valid(renderSarif(report));
  });

  it('is checked by a schema that rejects a wrong level and a missing message', () => {
    const doc = JSON.parse(renderSarif(reports['three findings']));
    doc.runs[0].results[0].level = 'critical';
    delete doc.runs[0].results[1].message;
    expect(validate(doc)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/results/1']));
  });

  const log = valid(renderSarif(reports['three findings'])) as any;
  const run = log.runs[0];

  it('names the tool and carries one rule per rule id with help from the catalog', () => {
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver).toMatchObject({ name: 'ctrlscope', version: '0.1.0', informationUri: 'https://www.npmjs.com/package/ctrlscope' });
    expect(run.tool.driver.rules.map((r: any) => [r.id, r.name])).toEqual([
      ['queue-leak', 'QueueLeak'],
      ['duplicate-cr', 'DuplicateCr'],
      ['stale-pending', 'StalePending'],
      ['reconcile-burst', 'ReconcileBurst'],
    ]);
    const ql = run.tool.driver.rules[0];
    const text = CATALOG['queue-leak'];
    expect(ql.shortDescription.text).toBe(text.title);
    expect(ql.fullDescription.text).toBe(`A${text.meaning.slice(1)}.`);
    expect(text.meaning.startsWith('a workqueue holds')).toBe(true);
    expect(ql.help.text).toContain(`Fix: ${text.remediation.summary}\n1. ${text.remediation.steps[0]}\n2. `);
    expect(ql.help.markdown).toContain(`**Fix:** ${text.remediation.summary}\n\n1. ${text.remediation.steps[0]}`);
    expect(ql.help.markdown).toContain(`- <${text.remediation.references[0]}>`);
  });

  it('maps severities to levels and locates results at bundle paths and lines', () => {
    expect(run.results.map((r: any) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['queue-leak', 0, 'error'],
      ['duplicate-cr', 1, 'warning'],
      ['stale-pending', 2, 'note'],
    ]);
    const r0 = run.results[0];
    expect(r0.message.text).toBe(
      'Workqueue re-adds a key faster than its rate limiter allows: failures per 30 s window grew 1 → 2 → 4 → 8 for key v0alpha1.provisioning.grafana.app; 401 retried across 4 windows (APIService v0alpha1.provisioning.grafana.app (controller AvailableConditionController))',
    );
    expect(r0.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log' },
      region: { startLine: 1042 },
    });
    expect(r0.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log' }, region: { startLine: 1187 } },
        message: { text: QUEUE_LEAK.evidence[1]!.text },
      },
    ]);
    expect(r0.partialFingerprints).toEqual({ 'ctrlscopeFindingId/v1': 'queue-leak-3f1a2b4c5d6e' });
    expect(r0.baselineState).toBeUndefined();
  });

  it('gives object-reference evidence a logical location and keeps it in properties', () => {
    const r1 = run.results[1];
    expect(r1.locations).toEqual([
      { logicalLocations: [{ name: 'fp-7c1e', fullyQualifiedName: 'RemediationRequest kubernaut-system/fp-7c1e (controller gateway)', kind: 'resource' }] },
    ]);
    expect(r1.properties.evidence).toEqual([
      'kubernaut.ai/RemediationRequest kubernaut-system/rr-fp-7c1e-a: spec.signalFingerprint: fp-7c1e',
      'kubernaut.ai/RemediationRequest kubernaut-system/rr-fp-7c1e-b: spec.signalFingerprint: fp-7c1e',
    ]);
  });

  it('marks baseline state and leaves suppressed findings out', () => {
    const gated = valid(renderSarif(reports['gated with baseline and suppression'])) as any;
    const results = gated.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.baselineState, r.properties.failsCheck])).toEqual([
      ['queue-leak', 'unchanged', false],
      ['duplicate-cr', 'new', true],
    ]);
    expect(gated.runs[0].properties.gate).toEqual({
      passed: false,
      failOn: 'warning',
      failing: 1,
      baseline: 'old.json',
      baselined: 1,
      suppressed: [{ id: PENDING_INFO.id, rule: 'stale-pending', subject: 'pending | streams', reason: 'known', where: 'c.yaml:2' }],
    });
  });

  it('reports run and input problems as notifications', () => {
    const doc = valid(renderSarif(reports['run and input problems'])) as any;
    expect(doc.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        endTimeUtc: '2026-11-22T10:00:00Z',
        toolExecutionNotifications: [
          { level: 'error', message: { text: 'analyzer queue-leak failed on flush: boom' } },
          { level: 'warning', message: { text: 'a.log: line 2: undecodable' } },
        ],
      },
    ]);
  });
});

describe('fileLine and artifactUri', () => {
  it.each([
    ['logs/a.log:12', { path: 'logs/a.log', line: 12 }],
    ['C:\\logs\\a.log:3', { path: 'C:\\logs\\a.log', line: 3 }],
    ['kubernaut.ai/RemediationRequest ns/rr-1', undefined],
    ['logs/a.log', undefined],
    ['logs/a.log:0', undefined],
  ] as const)('fileLine(%s)', (source, want) => {
    expect(fileLine(source)).toEqual(want);
  });
  it.each([
    ['must-gather/ns/pod.log', 'must-gather/ns/pod.log'],
    ['./logs/my app.log', 'logs/my%20app.log'],
    ['/var/log/a#1.log', 'file:///var/log/a%231.log'],
    ['C:\\logs\\a.log', 'file:///C:/logs/a.log'],
  ])('artifactUri(%s) = %s', (path, uri) => {
    expect(artifactUri(path)).toBe(uri);
  });
});
