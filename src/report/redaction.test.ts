// One report carrying every kind of secret the redaction table knows, in every place a report
// holds text (evidence, subject, summary, input names and problems, run problems, the gate's
// copies of suppressed findings), rendered in every format and as a baseline: no secret survives.
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../analyzers/index.js';
import { parseConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import { applyGate } from '../engine/gate.js';
import { QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { SECRET_EXAMPLES } from '../../test/helpers/secrets.js';
import { FORMATS, renderReport } from './index.js';

const WITH_SECRETS = SECRET_EXAMPLES.filter((e) => e.secret !== '');

/** The same finding with every example as an evidence line, and secrets in its subject and summary. */
const LEAKY: Finding = {
  ...QUEUE_LEAK,
  subject: { ...QUEUE_LEAK.subject, name: `https://bot:${'hunter2'}@git.example.com/repo.git` },
  summary: `retried with ${WITH_SECRETS[0]!.input}`,
  evidence: WITH_SECRETS.map((e, i) => ({ source: `leaky.log:${i + 1}`, time: '2026-11-20T08:00:31Z', text: e.input })),
};

/** A second finding on another subject, suppressed by the config, so the gate's copy of it is rendered too. */
const SUPPRESSED: Finding = { ...QUEUE_LEAK, id: 'queue-leak-000000000001', subject: { ...QUEUE_LEAK.subject, name: 'token=abc123supp' } };

const report = applyGate(
  reportOf([LEAKY, SUPPRESSED], {
    inputs: [{ source: 'https://loki:s3cretPw@logs.example.com/loki', kind: 'log', format: 'klog', lines: 3, unparsed: 0, problems: [`line 2: cannot decode ${WITH_SECRETS[4]!.input}`] }],
    problems: [`source failed: ${WITH_SECRETS[5]!.input}`],
  }),
  {
    failOn: 'warning',
    rules: RULE_IDS,
    config: parseConfig('suppressions:\n  - rule: queue-leak\n    subject: { name: "token=*" }\n    reason: known\n', 'c.yaml'),
    now: Date.parse('2026-11-22T10:00:00Z'),
  },
);

const SECRETS = [...WITH_SECRETS.map((e) => e.secret), 'hunter2', 'abc123supp', 's3cretPw'];

describe('every output format masks every kind of secret', () => {
  it('the report really carries them (rendered with --no-redact)', () => {
    const raw = renderReport('json', report, { redact: false });
    for (const s of SECRETS) expect(JSON.parse(raw) && raw.includes(JSON.stringify(s).slice(1, -1)), s).toBe(true);
  });

  it.each([...FORMATS.map((f) => [f, f] as const), ['baseline (json, as --write-baseline writes it)', 'json'] as const])('%s', (_name, format) => {
    const out = renderReport(format, report, { failOn: 'warning' });
    expect(out.length).toBeGreaterThan(0);
    const leaked = SECRETS.filter((s) => out.includes(s) || out.includes(JSON.stringify(s).slice(1, -1)));
    expect(leaked).toEqual([]);
    expect(out).toContain('***');
  });
});
