// The exported rules checked by the real Prometheus tools: `promtool check rules` on every metric
// export, and `promtool test rules` with a firing and a quiet series for every alert. promtool
// comes from Debian's prometheus package (.ci/run installs it); without it these tests are skipped
// locally and fail in CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EMPTY_CONFIG, parseConfig } from '../core/config.js';
import { exportRules, ksmConfig, metricGroups, RULE_FORMATS, thresholdsOf } from './rules.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool && process.env['CI']) throw new Error('promtool is required in CI (Debian package prometheus)');
const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs promtool; returns its exit code and output. */
function tool(...args: string[]): { code: number; out: string } {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Cumulative counter values, one a minute, from per-minute increments. */
const cumulative = (incs: number[]): string => {
  let v = 0;
  return incs.map((d) => (v += d)).join(' ');
};
const repeat = (n: number, x: number): number[] => Array.from({ length: n }, () => x);

interface AlertCase {
  alert: string;
  series: { series: string; values: string }[];
  at: string;
  /** Labels of the firing alert (besides alertname, rule, severity); undefined: must stay quiet. */
  fires?: Record<string, string>;
}

// Every alert of the default export: one firing and one quiet case each.
const CASES: AlertCase[] = [
  {
    alert: 'CtrlscopeQueueLeakRetriesOutpaceAdds',
    series: [
      { series: 'workqueue_retries_total{job="ctl",name="apiservice"}', values: '0+10x60' },
      { series: 'workqueue_adds_total{job="ctl",name="apiservice"}', values: '0+12x60' },
    ],
    at: '40m',
    fires: { job: 'ctl', name: 'apiservice' },
  },
  {
    alert: 'CtrlscopeQueueLeakRetriesOutpaceAdds',
    series: [
      { series: 'workqueue_retries_total{job="ctl",name="apiservice"}', values: '0+1x60' },
      { series: 'workqueue_adds_total{job="ctl",name="apiservice"}', values: '0+100x60' },
    ],
    at: '40m',
  },
  {
    // Per-minute retries double every 5 minutes: 1, 2, 4, 8, 16.
    alert: 'CtrlscopeQueueLeakRetriesGrowing',
    series: [{ series: 'workqueue_retries_total{job="ctl",name="apiservice"}', values: cumulative([...repeat(5, 1), ...repeat(5, 2), ...repeat(5, 4), ...repeat(5, 8), ...repeat(6, 16)]) }],
    at: '25m',
    fires: { job: 'ctl', name: 'apiservice' },
  },
  {
    alert: 'CtrlscopeQueueLeakRetriesGrowing',
    series: [{ series: 'workqueue_retries_total{job="ctl",name="apiservice"}', values: cumulative(repeat(26, 5)) }],
    at: '25m',
  },
  {
    alert: 'CtrlscopeQueueLeakDepthRising',
    series: [{ series: 'workqueue_depth{job="ctl",name="widgets"}', values: '0+1x60' }],
    at: '40m',
    fires: { job: 'ctl', name: 'widgets' },
  },
  {
    alert: 'CtrlscopeQueueLeakDepthRising',
    series: [{ series: 'workqueue_depth{job="ctl",name="widgets"}', values: '50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50 0 50' }],
    at: '40m',
  },
  {
    alert: 'CtrlscopeQueueLeakDepthRisingHigh',
    series: [{ series: 'workqueue_depth{job="ctl",name="widgets"}', values: '0+2x70' }],
    at: '65m',
    fires: { job: 'ctl', name: 'widgets' },
  },
  {
    alert: 'CtrlscopeQueueLeakDepthRisingHigh',
    series: [{ series: 'workqueue_depth{job="ctl",name="widgets"}', values: '0+1x70' }],
    at: '65m',
  },
  {
    alert: 'CtrlscopeQueueLeakUnhealableRetries',
    series: [
      { series: 'rest_client_requests_total{job="agg",instance="a:443",code="401",method="GET"}', values: '0+5x40' },
      { series: 'workqueue_retries_total{job="agg",instance="a:443",name="AvailableConditionController"}', values: '0+5x40' },
    ],
    at: '30m',
    fires: { job: 'agg', instance: 'a:443' },
  },
  {
    alert: 'CtrlscopeQueueLeakUnhealableRetries',
    series: [
      { series: 'rest_client_requests_total{job="agg",instance="a:443",code="200",method="GET"}', values: '0+5x40' },
      { series: 'workqueue_retries_total{job="agg",instance="a:443",name="AvailableConditionController"}', values: '0+5x40' },
    ],
    at: '30m',
  },
  {
    alert: 'CtrlscopeQueueLeakUnhealableRetriesLong',
    series: [
      { series: 'rest_client_requests_total{job="agg",instance="a:443",code="403",method="GET"}', values: '0+5x40' },
      { series: 'workqueue_retries_total{job="agg",instance="a:443",name="AvailableConditionController"}', values: '0+5x40' },
    ],
    at: '35m',
    fires: { job: 'agg', instance: 'a:443' },
  },
  {
    // 401s for 20 minutes only: the warning fires, the long (critical) one not yet.
    alert: 'CtrlscopeQueueLeakUnhealableRetriesLong',
    series: [
      { series: 'rest_client_requests_total{job="agg",instance="a:443",code="401",method="GET"}', values: '0+5x40' },
      { series: 'workqueue_retries_total{job="agg",instance="a:443",name="AvailableConditionController"}', values: '0+5x40' },
    ],
    at: '20m',
  },
  {
    alert: 'CtrlscopeQueueLeakStuckWorker',
    series: [{ series: 'workqueue_unfinished_work_seconds{job="ctl",name="widgets"}', values: '0+60x30' }],
    at: '15m',
    fires: { job: 'ctl', name: 'widgets' },
  },
  {
    alert: 'CtrlscopeQueueLeakStuckWorker',
    series: [{ series: 'workqueue_unfinished_work_seconds{job="ctl",name="widgets"}', values: '0x30' }],
    at: '15m',
  },
  {
    alert: 'CtrlscopeQueueLeakStuckWorkerLong',
    series: [{ series: 'workqueue_unfinished_work_seconds{job="ctl",name="widgets"}', values: '0+60x30' }],
    at: '25m',
    fires: { job: 'ctl', name: 'widgets' },
  },
  {
    alert: 'CtrlscopeQueueLeakStuckWorkerLong',
    series: [{ series: 'workqueue_unfinished_work_seconds{job="ctl",name="widgets"}', values: '0+5x30' }],
    at: '25m',
  },
  {
    alert: 'CtrlscopeDuplicateCR',
    series: [
      { series: 'ctrlscope_dedup_info{customresource_group="kubernaut.ai",customresource_kind="RemediationRequest",customresource_version="v1alpha1",namespace="kubernaut-system",name="rr-a",dedup_key="fp-1",overall_phase="Pending"}', values: '1x20' },
      { series: 'ctrlscope_dedup_info{customresource_group="kubernaut.ai",customresource_kind="RemediationRequest",customresource_version="v1alpha1",namespace="kubernaut-system",name="rr-b",dedup_key="fp-1",overall_phase="Processing"}', values: '1x20' },
    ],
    at: '10m',
    fires: { customresource_group: 'kubernaut.ai', customresource_kind: 'RemediationRequest', dedup_key: 'fp-1' },
  },
  {
    // Re-created after the first reached a terminal phase: not a duplicate.
    alert: 'CtrlscopeDuplicateCR',
    series: [
      { series: 'ctrlscope_dedup_info{customresource_group="kubernaut.ai",customresource_kind="RemediationRequest",customresource_version="v1alpha1",namespace="kubernaut-system",name="rr-a",dedup_key="fp-1",overall_phase="Completed"}', values: '1x20' },
      { series: 'ctrlscope_dedup_info{customresource_group="kubernaut.ai",customresource_kind="RemediationRequest",customresource_version="v1alpha1",namespace="kubernaut-system",name="rr-b",dedup_key="fp-1",overall_phase="Processing"}', values: '1x20' },
    ],
    at: '10m',
  },
  {
    // A pending gauge that climbs from 3 to 9 and never comes back.
    alert: 'CtrlscopeStalePending',
    series: [{ series: 'proxy_streams_pending{job="proxy"}', values: '3+0.1x120' }],
    at: '100m',
    fires: { job: 'proxy' },
  },
  {
    // Returns to 0 every 10 minutes: work is released.
    alert: 'CtrlscopeStalePending',
    series: [{ series: 'proxy_streams_pending{job="proxy"}', values: Array.from({ length: 121 }, (_, i) => (i % 10) * (1 + Math.floor(i / 30))).join(' ') }],
    at: '100m',
  },
  {
    // A counter of handled requests grows legitimately: its name is not an in-flight gauge.
    alert: 'CtrlscopeStalePending',
    series: [{ series: 'proxy_requests_pending_total{job="proxy"}', values: '0+5x120' }],
    at: '100m',
  },
  {
    // Two reconciles a minute for six hours, then 200 a minute.
    alert: 'CtrlscopeReconcileStorm',
    series: [{ series: 'controller_runtime_reconcile_total{job="va",controller="variantautoscaling",result="success"}', values: cumulative([...repeat(360, 2), ...repeat(11, 200)]) }],
    at: '370m',
    fires: { job: 'va', controller: 'variantautoscaling' },
  },
  {
    alert: 'CtrlscopeReconcileStorm',
    series: [{ series: 'controller_runtime_reconcile_total{job="va",controller="variantautoscaling",result="success"}', values: cumulative(repeat(371, 30)) }],
    at: '370m',
  },
];

/**
 * The exported expressions and labels without annotations: promtool compares an alert's
 * annotations too, and theirs hold rendered $value text; the annotations are checked above.
 */
function writeLabelOnlyRules(name: string): void {
  const groups = metricGroups({ config: EMPTY_CONFIG }).map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...r }) => r) }));
  writeFileSync(join(dir, name), JSON.stringify({ groups }));
}

describe('rules export', () => {
  it('every format is a YAML document with the rule and severity labels, the remediation and a runbook', () => {
    for (const f of RULE_FORMATS) {
      const doc = parse(exportRules(f, { config: EMPTY_CONFIG })) as Record<string, unknown>;
      expect(doc, f).toBeTruthy();
    }
    for (const g of metricGroups({ config: EMPTY_CONFIG })) {
      for (const r of g.rules) {
        if (!r.alert) continue;
        expect(r.labels?.['rule'], r.alert).toMatch(/^(queue-leak|duplicate-cr|stale-pending|reconcile-burst)$/);
        expect(r.labels?.['severity'], r.alert).toMatch(/^(critical|warning|info)$/);
        expect(r.annotations?.['runbook_url'], r.alert).toMatch(/docs\/rules\.md#/);
        expect(r.annotations?.['remediation']?.length, r.alert).toBeGreaterThan(20);
      }
    }
    const op = parse(exportRules('prometheus-operator', { config: EMPTY_CONFIG })) as { kind: string; spec: { groups: unknown[] } };
    expect(op.kind).toBe('PrometheusRule');
    expect(op.spec.groups.length).toBe(4);
  });

  it('takes its thresholds and dedup keys from the config file check reads', () => {
    const config = parseConfig(
      [
        'rules:',
        '  queue-leak: { growthSteps: 2, growthMinLast: 20, authWindowsWarn: 4 }',
        '  stale-pending: { enabled: false }',
        '  duplicate-cr:',
        '    dedupKeys:',
        '      - { kind: Widget, group: example.com, jsonPath: "spec.dedup.key", logField: widgetKey }',
      ].join('\n'),
      'ctrlscope.yaml',
    );
    expect(thresholdsOf(config)).toMatchObject({ growthSteps: 2, growthMinLast: 20, authWindowsWarn: 4 });
    const text = exportRules('prometheus', { config });
    expect(text).toContain('from ctrlscope.yaml');
    expect(text).toContain('>= 20');
    expect(text).toContain('customresource_kind="Widget"');
    expect(text).not.toContain('CtrlscopeStalePending');
    expect(text).toContain('for: 20m'); // 4 windows of 5 minutes
    const ksm = ksmConfig({ config }) as { spec: { resources: { groupVersionKind: unknown; metrics: { each: { info: { labelsFromPath: Record<string, string[]> } } }[] }[] } };
    expect(ksm.spec.resources[0]!.groupVersionKind).toEqual({ group: 'example.com', version: '*', kind: 'Widget' });
    expect(ksm.spec.resources[0]!.metrics[0]!.each.info.labelsFromPath['dedup_key']).toEqual(['spec', 'dedup', 'key']);
    expect(exportRules('loki', { config })).toContain('widgetKey');
  });

  it.skipIf(!promtool)('promtool check rules accepts the prometheus export and the operator object\'s groups', () => {
    for (const f of ['prometheus', 'prometheus-operator'] as const) {
      const doc = parse(exportRules(f, { config: EMPTY_CONFIG })) as { groups?: unknown; spec?: { groups: unknown } };
      const file = join(dir, `${f}.yaml`);
      writeFileSync(file, JSON.stringify({ groups: doc.groups ?? doc.spec!.groups }));
      const r = tool('check', 'rules', file);
      expect(r.out).toContain('SUCCESS');
      expect(r.code, r.out).toBe(0);
    }
  });

  it.skipIf(!promtool)('promtool test rules: every alert fires on its leaking series and stays quiet on the healthy one', () => {
    writeLabelOnlyRules('rules.yaml');
    const alerts = new Set(metricGroups({ config: EMPTY_CONFIG }).flatMap((g) => g.rules.map((r) => r.alert).filter(Boolean)));
    // Every alert has a firing and a quiet case.
    for (const a of alerts) {
      expect(CASES.filter((c) => c.alert === a && c.fires).length, `${a} firing case`).toBeGreaterThan(0);
      expect(CASES.filter((c) => c.alert === a && !c.fires).length, `${a} quiet case`).toBeGreaterThan(0);
    }
    const groups = metricGroups({ config: EMPTY_CONFIG });
    const ruleOf = (alert: string) => groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!;
    const tests = CASES.map((c) => ({
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        {
          eval_time: c.at,
          alertname: c.alert,
          exp_alerts: c.fires ? [{ exp_labels: { ...c.fires, rule: ruleOf(c.alert).labels!['rule']!, severity: ruleOf(c.alert).labels!['severity']! } }] : [],
        },
      ],
    }));
    writeFileSync(join(dir, 'tests.yaml'), JSON.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
    const r = tool('test', 'rules', 'tests.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });

  it.skipIf(!promtool)('promtool test rules fails when an expected alert does not fire (the harness is not vacuous)', () => {
    writeLabelOnlyRules('rules.yaml');
    const quiet = CASES.find((c) => c.alert === 'CtrlscopeQueueLeakDepthRising' && !c.fires)!;
    const tests = [{ interval: '1m', input_series: quiet.series, alert_rule_test: [{ eval_time: quiet.at, alertname: quiet.alert, exp_alerts: [{ exp_labels: { job: 'ctl', name: 'widgets', rule: 'queue-leak', severity: 'warning' } }] }] }];
    writeFileSync(join(dir, 'bad.yaml'), JSON.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
    const r = tool('test', 'rules', 'bad.yaml');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('CtrlscopeQueueLeakDepthRising');
  });

  it('the CLI writes each format and names the choices on a bad one', () => {
    const cli = join(process.cwd(), 'dist/cli/ctrlscope.js');
    const out = execFileSync('node', [cli, 'rules', 'export', '-o', 'prometheus-operator'], { encoding: 'utf8' });
    expect(out).toContain('kind: PrometheusRule');
    const bad = spawnSync('node', [cli, 'rules', 'export', '-o', 'graphite'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('prometheus, prometheus-operator, kube-state-metrics, loki, vlogs');
  });
});
