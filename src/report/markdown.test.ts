import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { applyGate, parseBaseline } from '../engine/gate.js';
import { DUPLICATE, PENDING_INFO, QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { cell, code, fenced, inline, renderMarkdown } from './markdown.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('renderMarkdown', () => {
  it('renders an empty report as a verdict and a zero table', () => {
    expect(renderMarkdown(reportOf([]))).toBe(
      [
        '## ctrlscope: no findings',
        '',
        '| Severity | Findings |',
        '| --- | ---: |',
        '| CRITICAL | 0 |',
        '| WARNING | 0 |',
        '| INFO | 0 |',
        '',
        '1 input, 5210 lines read · ctrlscope 0.1.0 · 2026-11-22T10:00:00Z',
        '',
      ].join('\n'),
    );
  });

  const gated = applyGate(reportOf([QUEUE_LEAK, DUPLICATE, PENDING_INFO], { problems: ['analyzer reconcile-burst failed on flush: boom'] }), {
    failOn: 'warning',
    rules: ['queue-leak', 'duplicate-cr', 'stale-pending'],
    baseline: parseBaseline(JSON.stringify(reportOf([QUEUE_LEAK])), 'old.json'),
    config: parseConfig('suppressions:\n  - rule: stale-pending\n    subject: { name: "pending*" }\n    reason: known | <ok>\n    expires: 2027-01-01\n', 'c.yaml'),
    now: NOW,
  });
  const md = renderMarkdown(gated);

  it('opens with the verdict, the counts and what was compared', () => {
    expect(md.startsWith(
      [
        '## ctrlscope check failed: 1 of 2 findings failing at `--fail-on warning`',
        '',
        '| Severity | Findings |',
        '| --- | ---: |',
        '| CRITICAL | 1 |',
        '| WARNING | 1 |',
        '| INFO | 0 |',
        '',
        '1 already in the baseline `old.json` · 1 suppressed · 1 input, 5210 lines read · ctrlscope 0.1.0 · 2026-11-22T10:00:00Z',
        '',
      ].join('\n'),
    )).toBe(true);
  });

  it('gives each finding a section with numbers, fenced evidence and the fix', () => {
    expect(md).toContain(
      [
        '### CRITICAL · queue-leak · APIService v0alpha1.provisioning.grafana.app (controller AvailableConditionController)',
        '',
        '**Workqueue re-adds a key faster than its rate limiter allows** — already in the baseline',
        '',
        'failures per 30 s window grew 1 → 2 → 4 → 8 for key v0alpha1.provisioning.grafana.app; 401 retried across 4 windows',
        '',
        '| Metric | Value |',
        '| --- | --- |',
        '| windows | 4 |',
        '| failuresPerWindow | 1, 2, 4, 8 |',
        '| windowSeconds | 30 |',
        '',
        'Seen 2026-11-20T08:00:31Z → 2026-11-20T08:02:05Z',
        '',
        'Evidence (2):',
        '',
        '```text',
        `must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log:1042  ${QUEUE_LEAK.evidence[0]!.text}`,
        `must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log:1187  ${QUEUE_LEAK.evidence[1]!.text}`,
        '```',
        '',
        `**Fix:** ${inline(QUEUE_LEAK.remediation.summary)}`,
        '',
        `1. ${inline(QUEUE_LEAK.remediation.steps[0]!)}`,
      ].join('\n'),
    );
    expect(md).toContain(`References: <${QUEUE_LEAK.remediation.references[0]}> · <`);
    expect(md).toContain('<sub>id `queue-leak-3f1a2b4c5d6e` · more: `ctrlscope explain queue-leak`</sub>');
    expect(md).toContain('### WARNING · duplicate-cr · RemediationRequest kubernaut-system/fp-7c1e (controller gateway)\n\n**Several live custom resources share one dedup key** — **fails the check**\n');
  });

  it('lists suppressed findings with escaped pipes, and problems', () => {
    expect(md).toContain(
      [
        '### Suppressed',
        '',
        '| Rule | Subject | Reason | Expires | Where |',
        '| --- | --- | --- | --- | --- |',
        '| stale-pending | Counter ops/pending \\| streams | known \\| \\<ok\\> | 2027-01-01 | c.yaml:2 |',
        '',
        '### Problems',
        '',
        '- analyzer reconcile-burst failed on flush: boom',
        '',
      ].join('\n'),
    );
    expect(md.endsWith('- analyzer reconcile-burst failed on flush: boom\n')).toBe(true);
  });

  it('fences evidence that itself holds backticks with a longer fence', () => {
    const out = renderMarkdown(reportOf([PENDING_INFO]));
    expect(out).toContain('### INFO · stale-pending · Counter ops/pending \\| streams\n');
    expect(out).toContain('````text\nlogs/engine.log:7  level=info msg="still tracked" pending=14 note="use ``` fences"\n````');
  });

  it('caps evidence and says how much more there is', () => {
    const many = { ...QUEUE_LEAK, evidence: Array.from({ length: 13 }, (_, i) => ({ source: `a.log:${i + 1}`, text: `line ${i + 1}` })) };
    const out = renderMarkdown(reportOf([many]), { maxEvidence: 2 });
    expect(out).toContain('Evidence (13):\n\n```text\na.log:1  line 1\na.log:2  line 2\n… 11 more (-o json shows all)\n```');
  });
});

describe('Markdown escaping', () => {
  it.each([
    ['a | b', 'a \\| b'],
    ['<script>x</script>', '\\<script\\>x\\</script\\>'],
    ['5*time.Minute and 10*x', '5\\*time.Minute and 10\\*x'],
    ['two\nlines', 'two lines'],
    ['keep `a | b*c` code', 'keep `a \\| b*c` code'],
    ['a_b [link](x)', 'a\\_b \\[link\\](x)'],
  ])('inline(%j)', (input, want) => {
    expect(inline(input)).toBe(want);
    expect(cell(input)).toBe(want);
  });

  it('code() and fenced() outgrow the backticks inside', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('`x')).toBe('`` `x ``');
    expect(fenced('no ticks')).toEqual(['```text', 'no ticks', '```']);
    expect(fenced('has ```` four')).toEqual(['`````text', 'has ```` four', '`````']);
  });
});
