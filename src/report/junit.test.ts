import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { applyGate, parseBaseline } from '../engine/gate.js';
import { DUPLICATE, PENDING_INFO, QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { attr, renderJunit, text } from './junit.js';

/** The lines of the testcase whose name starts with `name`, up to its end. */
function testcaseOf(xml: string, name: string): string {
  const start = xml.indexOf(`<testcase name="${name}`);
  expect(start, `no testcase ${name}`).toBeGreaterThanOrEqual(0);
  const selfClosed = xml.indexOf('/>', start);
  const gt = xml.indexOf('>', start);
  if (selfClosed + 1 === gt) return xml.slice(start, gt + 1);
  return xml.slice(start, xml.indexOf('</testcase>', start) + '</testcase>'.length);
}

describe('renderJunit without a gate', () => {
  const xml = renderJunit(reportOf([QUEUE_LEAK, PENDING_INFO]));

  it('has one suite per rule and counts tests and failures', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ctrlscope" tests="4" failures="1" errors="0" skipped="0" time="0">\n')).toBe(true);
    expect(xml.match(/<testsuite name="[^"]+" tests="\d+" failures="\d+"/g)).toEqual([
      '<testsuite name="queue-leak" tests="1" failures="1"',
      '<testsuite name="duplicate-cr" tests="1" failures="0"',
      '<testsuite name="stale-pending" tests="1" failures="0"',
      '<testsuite name="reconcile-burst" tests="1" failures="0"',
    ]);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  it('fails a finding at the default threshold, with details in the failure and evidence in system-out', () => {
    const tc = testcaseOf(xml, 'APIService v0alpha1.provisioning.grafana.app');
    expect(tc).toContain(
      '<testcase name="APIService v0alpha1.provisioning.grafana.app (controller AvailableConditionController)" classname="ctrlscope.queue-leak" time="0">\n' +
        '      <failure message="critical: Workqueue re-adds a key faster than its rate limiter allows" type="critical">critical: failures per 30 s window grew 1 → 2 → 4 → 8 for key v0alpha1.provisioning.grafana.app; 401 retried across 4 windows\nid: queue-leak-3f1a2b4c5d6e\nseen: 2026-11-20T08:00:31Z → 2026-11-20T08:02:05Z\n\nfix: ',
    );
    expect(tc).toContain(`fix: ${text(QUEUE_LEAK.remediation.summary)}\n  1. ${text(QUEUE_LEAK.remediation.steps[0]!)}\n`);
    expect(tc).toContain('more: ctrlscope explain queue-leak</failure>\n');
    expect(tc).toContain(
      '<system-out>must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log:1042 2026-11-20T08:00:31Z  E1120 08:00:31.000000 1 available_controller.go:460] v0alpha1.provisioning.grafana.app failed with: failing or missing response from https://10.96.0.12:443: bad status from https://10.96.0.12:443: 401 | token=***\n' +
        'must-gather/namespaces/kube-system/pods/kube-apiserver/kube-apiserver.log:1187 2026-11-20T08:01:02Z  E1120 08:01:02.000000 1 available_controller.go:460] v0alpha1.provisioning.grafana.app failed with: 401</system-out>',
    );
  });

  it('shows a finding below the threshold as passing, saying why', () => {
    const tc = testcaseOf(xml, 'Counter ops/pending | streams');
    expect(tc).not.toContain('<failure');
    expect(tc).toContain('<system-out>info is below the fail threshold warning: reported, not failing\ninfo: pending rose 3 times');
    expect(tc).toContain('logs/engine.log:7  level=info msg="still tracked" pending=14 note="use ``` fences"</system-out>');
  });

  it('shows a rule without findings as one passing case', () => {
    expect(testcaseOf(xml, 'no duplicate-cr found')).toBe('<testcase name="no duplicate-cr found" classname="ctrlscope.duplicate-cr" time="0"/>');
    expect(testcaseOf(xml, 'no reconcile-burst found')).toBe('<testcase name="no reconcile-burst found" classname="ctrlscope.reconcile-burst" time="0"/>');
  });

  it('follows the failOn option', () => {
    const all = renderJunit(reportOf([QUEUE_LEAK, PENDING_INFO]), { failOn: 'info' });
    expect(all).toContain('<testsuites name="ctrlscope" tests="4" failures="2"');
    const none = renderJunit(reportOf([PENDING_INFO]), { failOn: 'critical' });
    expect(none).toContain('<testsuites name="ctrlscope" tests="4" failures="0"');
  });
});

describe('renderJunit after the gate', () => {
  const gated = applyGate(reportOf([QUEUE_LEAK, DUPLICATE, PENDING_INFO]), {
    failOn: 'warning',
    rules: ['queue-leak', 'duplicate-cr', 'stale-pending'],
    baseline: parseBaseline(JSON.stringify(reportOf([QUEUE_LEAK])), 'old.json'),
    config: parseConfig('suppressions:\n  - rule: stale-pending\n    subject: { name: "pending*" }\n    reason: known <ok>\n    expires: 2027-01-01\n', 'c.yaml'),
    now: Date.parse('2026-11-22T10:00:00Z'),
  });
  const xml = renderJunit(gated);

  it('lists only the rules that ran and counts skipped cases', () => {
    expect(xml).toContain('<testsuites name="ctrlscope" tests="3" failures="1" errors="0" skipped="1" time="0">');
    expect(xml).not.toContain('reconcile-burst');
  });

  it('passes a finding that is in the baseline', () => {
    const tc = testcaseOf(xml, 'APIService');
    expect(tc).not.toContain('<failure');
    expect(tc).toContain('<system-out>already in the baseline old.json: reported, not failing\ncritical: failures per 30 s window');
  });

  it('fails a new finding', () => {
    expect(testcaseOf(xml, 'RemediationRequest')).toContain(
      '<failure message="warning: Several live custom resources share one dedup key" type="warning">warning: 2 live RemediationRequests share fingerprint fp-7c1e, created 40 ms apart\nid: duplicate-cr-0a1b2c3d4e5f\n',
    );
  });

  it('skips a suppressed finding with the reason', () => {
    expect(testcaseOf(xml, 'Counter')).toBe(
      '<testcase name="Counter ops/pending | streams" classname="ctrlscope.stale-pending" time="0">\n' +
        '      <skipped message="suppressed by c.yaml:2: known &lt;ok&gt; (until 2027-01-01)"/>\n' +
        '      <system-out>info: An in-flight/pending counter only grows\nid: stale-pending-9e8d7c6b5a49</system-out>\n' +
        '    </testcase>',
    );
  });
});

describe('XML escaping', () => {
  it.each([
    ['a & b < c > d', 'a &amp; b &lt; c &gt; d', 'a &amp; b &lt; c &gt; d'],
    ['say "hi" \'x\'', 'say "hi" \'x\'', 'say &quot;hi&quot; &apos;x&apos;'],
    ['\u001b[31mred\u001b[0m\u0000', '[31mred[0m', '[31mred[0m'],
    ['two\nlines\tand tab', 'two\nlines\tand tab', 'two&#10;lines&#9;and tab'],
    ['lone \uD800 surrogate, pair 😀', 'lone  surrogate, pair 😀', 'lone  surrogate, pair 😀'],
  ])('%j', (input, asText, asAttr) => {
    expect(text(input)).toBe(asText);
    expect(attr(input)).toBe(asAttr);
  });
});
