// `ctrlscope rules export`: the four detections as rules for the engines a platform team already
// runs — Prometheus rule groups, a Prometheus Operator PrometheusRule, a kube-state-metrics
// custom-resource-state configuration (the dedup key of duplicate-cr as a label), and rules over
// logs for Loki (LogQL) and VictoriaLogs (LogsQL, vmalert groups of type `vlogs`).
//
// The thresholds are the detectors' own and come from the same config file `check` reads
// (queue-leak growthSteps/growthMinLast/authWindowsWarn/authWindowsCrit, duplicate-cr
// dedupKeys, reconcile-burst windowSeconds). Pure: builds data and YAML text, no I/O.
import { stringify } from 'yaml';
import { CATALOG } from '../analyzers/catalog.js';
import { DEFAULT_DEDUP_KEYS, TERMINAL_PHASES, type DedupKeySpec } from '../analyzers/rules/duplicate-cr.js';
import type { Config } from '../core/config.js';
import type { RuleId, Severity } from '../core/finding.js';

/** Output formats of `rules export`. */
export const RULE_FORMATS = ['prometheus', 'prometheus-operator', 'kube-state-metrics', 'loki', 'vlogs'] as const;
export type RuleFormat = (typeof RULE_FORMATS)[number];

/** Where each rule's runbook (its section of docs/rules.md) lives unless --runbook-base says otherwise. */
export const DEFAULT_RUNBOOK_BASE = 'https://github.com/ctrlscope/ctrlscope/blob/main/docs/rules.md';

/**
 * Metric names treated as in-flight gauges by the stale-pending metric rule: the usual suffixes
 * of gauges that count work held right now. Counters (`_total`, histogram parts) never match.
 */
export const DEFAULT_PENDING_METRICS = '.*_(inflight|in_flight|pending|outstanding|in_use|backlog|waiting|active|queue_length)(_[a-z]+)?';

/** Default LogQL stream selector for the log rules: every stream that has a namespace label. */
export const DEFAULT_LOKI_SELECTOR = '{namespace=~".+"}';

/** What the export reads besides the format. */
export interface ExportOptions {
  config: Config;
  runbookBase?: string;
  /** RE2 regular expression over metric names for the stale-pending gauge rule. */
  pendingMetrics?: string;
  /** LogQL stream selector for the loki rules. */
  lokiSelector?: string;
  /** LogsQL stream filter for the vlogs rules (`{…}`), empty for all streams. */
  vlogsFilter?: string;
}

/** One Prometheus / Loki / vmalert rule. */
export interface PromRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One rule group. */
export interface RuleGroup {
  name: string;
  type?: 'vlogs';
  interval?: string;
  rules: PromRule[];
}

/** Thresholds of every rule, from the config's per-rule options with the detectors' defaults. */
export interface Thresholds {
  resyncSeconds: number;
  growthSteps: number;
  growthMinLast: number;
  authWindowsWarn: number;
  authWindowsCrit: number;
  infoFailures: number;
  reconcileWindowSeconds: number;
  dedupKeys: readonly DedupKeySpec[];
}

const num = (o: Record<string, unknown> | undefined, k: string, d: number): number =>
  typeof o?.[k] === 'number' ? (o[k] as number) : d;

/** The thresholds the config file sets, falling back to the detectors' defaults. */
export function thresholdsOf(config: Config): Thresholds {
  const ql = config.rules['queue-leak']?.options;
  const dc = config.rules['duplicate-cr']?.options;
  const rb = config.rules['reconcile-burst']?.options;
  const keys = Array.isArray(dc?.['dedupKeys']) ? (dc['dedupKeys'] as DedupKeySpec[]) : DEFAULT_DEDUP_KEYS;
  return {
    resyncSeconds: 30,
    growthSteps: num(ql, 'growthSteps', 3),
    growthMinLast: num(ql, 'growthMinLast', 8),
    authWindowsWarn: num(ql, 'authWindowsWarn', 3),
    authWindowsCrit: num(ql, 'authWindowsCrit', 5),
    infoFailures: num(ql, 'infoFailures', 10),
    reconcileWindowSeconds: num(rb, 'windowSeconds', 60),
    dedupKeys: keys,
  };
}

/** Rule ids the config leaves enabled. */
function enabledRules(config: Config): Set<RuleId> {
  const out = new Set<RuleId>(['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst']);
  for (const [id, rc] of Object.entries(config.rules)) if (rc && rc.enabled === false) out.delete(id as RuleId);
  return out;
}

/** Labels and annotations every exported alert carries. */
function meta(rule: RuleId, severity: Severity, summary: string, description: string, opts: ExportOptions): Pick<PromRule, 'labels' | 'annotations'> {
  const text = CATALOG[rule];
  return {
    labels: { rule, severity },
    annotations: {
      summary,
      description,
      remediation: text.remediation.summary,
      runbook_url: `${opts.runbookBase ?? DEFAULT_RUNBOOK_BASE}#${rule}`,
    },
  };
}

const dur = (seconds: number): string => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

/** Label names a dedup key becomes in kube-state-metrics' custom resource state metrics. */
const KSM_METRIC = 'ctrlscope_dedup_info';
const ksmKeyPath = (k: DedupKeySpec): string[] | undefined => {
  if (k.label !== undefined) return ['metadata', 'labels', k.label];
  if (k.jsonPath === undefined) return undefined;
  const p = k.jsonPath.replace(/^\{?\$?\.?/, '').replace(/\}$/, '');
  const parts: string[] = [];
  for (const m of p.matchAll(/([^.[\]']+)|\['([^']+)'\]/g)) parts.push(m[2] ?? m[1]!);
  return parts.length ? parts : undefined;
};

/** The metric rule groups: queue-leak, duplicate-cr, stale-pending, reconcile-burst. */
export function metricGroups(opts: ExportOptions): RuleGroup[] {
  const t = thresholdsOf(opts.config);
  const on = enabledRules(opts.config);
  const groups: RuleGroup[] = [];
  const w = '5m';

  if (on.has('queue-leak')) {
    const inc = (offset: number) => `increase(workqueue_retries_total[${w}]${offset ? ` offset ${offset * 5}m` : ''})`;
    // Growth over growthSteps consecutive 5 m intervals, the last at least 4× the first and at least growthMinLast.
    const steps: string[] = [];
    for (let i = 0; i < t.growthSteps; i++) steps.push(`${inc(i)} > ${inc(i + 1)}`);
    steps.push(`${inc(0)} >= 4 * ${inc(t.growthSteps)}`, `${inc(0)} >= ${t.growthMinLast}`);
    groups.push({
      name: 'ctrlscope-queue-leak',
      rules: [
        {
          record: 'ctrlscope:workqueue_retries_per_add:ratio_rate10m',
          expr: 'rate(workqueue_retries_total[10m]) / (rate(workqueue_adds_total[10m]) > 0)',
        },
        {
          alert: 'CtrlscopeQueueLeakRetriesOutpaceAdds',
          expr: 'ctrlscope:workqueue_retries_per_add:ratio_rate10m >= 0.5 and increase(workqueue_retries_total[10m]) >= 50',
          for: '15m',
          ...meta('queue-leak', 'warning', 'Workqueue {{ $labels.name }} retries at least half of what it adds',
            'Queue {{ $labels.name }} ({{ $labels.job }}) retried {{ $value | humanizePercentage }} of its adds over 10 minutes: keys fail and are re-added faster than they heal. client-go counts AddAfter/AddRateLimited re-adds in workqueue_adds_total too, so a controller that requeues on purpose on a timer can reach this without a leak: compare with its logs (ctrlscope scan).', opts),
        },
        {
          alert: 'CtrlscopeQueueLeakRetriesGrowing',
          expr: steps.join('\n  and '),
          ...meta('queue-leak', 'critical', 'Workqueue {{ $labels.name }} retries grow interval after interval',
            `Retries of queue {{ $labels.name }} ({{ $labels.job }}) grew for ${t.growthSteps} consecutive 5-minute intervals to {{ $value }}, at least 4× where they started: re-adds compound while keys are in backoff.`, opts),
        },
        {
          alert: 'CtrlscopeQueueLeakDepthRising',
          expr: 'deriv(workqueue_depth[15m]) > 0 and workqueue_depth >= 10',
          for: '10m',
          ...meta('queue-leak', 'warning', 'Workqueue {{ $labels.name }} depth keeps rising',
            'Depth of queue {{ $labels.name }} ({{ $labels.job }}) is {{ $value }} and has risen for 10 minutes (deriv over 15 m, never rate() of a gauge).', opts),
        },
        {
          alert: 'CtrlscopeQueueLeakDepthRisingHigh',
          expr: 'deriv(workqueue_depth[15m]) > 0 and workqueue_depth >= 100 and workqueue_depth >= 4 * min_over_time(workqueue_depth[1h])',
          for: '10m',
          ...meta('queue-leak', 'critical', 'Workqueue {{ $labels.name }} depth rose past 100',
            'Depth of queue {{ $labels.name }} ({{ $labels.job }}) is {{ $value }}, at least 4× its minimum of the last hour, and still rising.', opts),
        },
        ...([['warning', t.authWindowsWarn], ['critical', t.authWindowsCrit]] as const).map(([sev, windows]) => ({
          alert: sev === 'warning' ? 'CtrlscopeQueueLeakUnhealableRetries' : 'CtrlscopeQueueLeakUnhealableRetriesLong',
          expr:
            'sum by (namespace, job, instance) (rate(rest_client_requests_total{code=~"401|403"}[5m])) > 0\n' +
            '  and on (namespace, job, instance) sum by (namespace, job, instance) (rate(workqueue_retries_total[5m])) > 0',
          for: dur(windows * 300),
          ...meta('queue-leak', sev, 'A controller retries requests that fail with 401/403',
            `{{ $labels.job }} has had 401/403 answers and workqueue retries together for ${windows * 5} minutes: errors that cannot heal are being retried. Fix the credentials or permissions now; then stop retrying 401/403 in the controller.`, opts),
        })),
        ...([['warning', 60], ['critical', 600]] as const).map(([sev, secs]) => ({
          alert: sev === 'warning' ? 'CtrlscopeQueueLeakStuckWorker' : 'CtrlscopeQueueLeakStuckWorkerLong',
          expr: `workqueue_unfinished_work_seconds > ${secs} and deriv(workqueue_unfinished_work_seconds[10m]) > 0`,
          for: '10m',
          ...meta('queue-leak', sev, 'Workqueue {{ $labels.name }} has work in progress that never finishes',
            `Unfinished work of queue {{ $labels.name }} ({{ $labels.job }}) is {{ $value | humanizeDuration }} and growing: a worker is stuck on a key.`, opts),
        })),
      ],
    });
  }

  if (on.has('duplicate-cr')) {
    const rules: PromRule[] = [];
    const terminal = [...TERMINAL_PHASES].join('|');
    t.dedupKeys.forEach((k, i) => {
      if (!ksmKeyPath(k)) return;
      const kind = k.kind ?? 'custom resource';
      const by = k.clusterWide ? 'customresource_group, customresource_kind, dedup_key' : 'customresource_group, customresource_kind, namespace, dedup_key';
      const sel = [`dedup_key!=""`, `phase!~"(?i)${terminal}"`, `overall_phase!~"(?i)${terminal}"`];
      if (k.kind) sel.push(`customresource_kind="${k.kind}"`);
      if (k.group) sel.push(`customresource_group="${k.group}"`);
      rules.push({
        alert: i === 0 ? 'CtrlscopeDuplicateCR' : `CtrlscopeDuplicateCR${i + 1}`,
        expr: `count by (${by}) (${KSM_METRIC}{${sel.join(', ')}}) > 1`,
        for: '5m',
        ...meta('duplicate-cr', 'critical', `{{ $value }} live ${kind} objects share dedup key {{ $labels.dedup_key }}`,
          `{{ $value }} live (non-terminal) {{ $labels.customresource_kind }} objects${k.clusterWide ? '' : ' in {{ $labels.namespace }}'} carry dedup key {{ $labels.dedup_key }}: a check-then-create race against a stale cache. Needs the kube-state-metrics configuration from \`ctrlscope rules export -o kube-state-metrics\`.`, opts),
      });
    });
    if (rules.length) groups.push({ name: 'ctrlscope-duplicate-cr', rules });
  }

  if (on.has('stale-pending')) {
    const g = `{__name__=~"${opts.pendingMetrics ?? DEFAULT_PENDING_METRICS}", __name__!~".*(_total|_count|_sum|_bucket|_created)"}`;
    groups.push({
      name: 'ctrlscope-stale-pending',
      rules: [
        {
          alert: 'CtrlscopeStalePending',
          // Rising over the hour, never back to the minimum of the half hour before, and up by 3 or more.
          expr:
            `deriv(${g}[1h]) > 0\n` +
            `  and min_over_time(${g}[30m]) > min_over_time(${g}[30m] offset 30m)\n` +
            `  and ${g} - min_over_time(${g}[1h]) >= 3`,
          for: '15m',
          ...meta('stale-pending', 'warning', 'In-flight gauge {{ $labels.__name__ }} only grows',
            'The in-flight amount {{ $labels.__name__ }} ({{ $labels.job }}) rose over the last hour and never came back to where it was: entries acquired on a failure path are not released.', opts),
        },
      ],
    });
  }

  if (on.has('reconcile-burst')) {
    const rec = 'ctrlscope:controller_runtime_reconcile:increase5m';
    groups.push({
      name: 'ctrlscope-reconcile-burst',
      rules: [
        { record: rec, expr: 'sum by (namespace, job, controller) (increase(controller_runtime_reconcile_total[5m]))' },
        {
          alert: 'CtrlscopeReconcileStorm',
          expr: `${rec} >= 100\n  and ${rec} > 10 * clamp_min(avg_over_time(${rec}[6h] offset 10m), 1)`,
          ...meta('reconcile-burst', 'warning', 'Controller {{ $labels.controller }} reconciles far more than usual',
            'Controller {{ $labels.controller }} ({{ $labels.job }}) reconciled {{ $value }} times in 5 minutes, more than 10× its usual rate: one trigger fanned out into a reconcile per object, or a hot loop.', opts),
        },
      ],
    });
  }
  return groups;
}

/** The kube-state-metrics CustomResourceStateMetrics configuration that exposes each dedup key. */
export function ksmConfig(opts: ExportOptions): Record<string, unknown> {
  const t = thresholdsOf(opts.config);
  const resources = t.dedupKeys.flatMap((k) => {
    const path = ksmKeyPath(k);
    if (!path || !k.kind) return [];
    return [{
      groupVersionKind: { group: k.group ?? '*', version: '*', kind: k.kind },
      labelsFromPath: { name: ['metadata', 'name'], namespace: ['metadata', 'namespace'] },
      metrics: [{
        name: 'dedup_info',
        help: `ctrlscope duplicate-cr: the dedup key of each ${k.kind}, with its phase`,
        each: {
          type: 'Info',
          info: { labelsFromPath: { dedup_key: path, phase: ['status', 'phase'], overall_phase: ['status', 'overallPhase'] } },
        },
      }],
      metricNamePrefix: 'ctrlscope',
    }];
  });
  return { kind: 'CustomResourceStateMetrics', spec: { resources } };
}

/** Lines that record a keyed failure, as RE2 (shared by LogQL and LogsQL). */
const FAILURE_RE = '(?i)(failed with|reconciler error|error syncing|reconcile error|sync failed)';

/** Rules over logs: LogQL for Loki. */
export function lokiGroups(opts: ExportOptions): RuleGroup[] {
  const t = thresholdsOf(opts.config);
  const on = enabledRules(opts.config);
  const sel = opts.lokiSelector ?? DEFAULT_LOKI_SELECTOR;
  const W = dur(t.resyncSeconds);
  const rules: PromRule[] = [];
  if (on.has('queue-leak')) {
    const win = (i: number) =>
      `sum by (namespace, key) (count_over_time(${sel} |~ \`${FAILURE_RE}\` | regexp \`(?P<key>[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?)"? failed with\` [${W}]${i ? ` offset ${dur(t.resyncSeconds * i)}` : ''}))`;
    const steps: string[] = [];
    for (let i = 0; i < t.growthSteps; i++) steps.push(`${win(i)} > ${win(i + 1)}`);
    steps.push(`${win(0)} >= ${t.growthMinLast}`);
    rules.push({
      alert: 'CtrlscopeQueueLeakLogGrowth',
      expr: steps.join('\n  and '),
      ...meta('queue-leak', 'critical', 'Failures of key {{ $labels.key }} grow from resync window to resync window',
        `Failures of {{ $labels.key }} grew for ${t.growthSteps} consecutive ${W} resync windows to {{ $value }}: the key is re-added while it is in backoff.`, opts),
    });
  }
  if (on.has('stale-pending')) {
    const u = (range: string, offset = '') =>
      `${sel} |~ \`(?i)(pending|in-?flight|still tracked|outstanding|backlog|in use)\` | regexp \`(?i)(?:count|pending|inflight|in_flight|outstanding|backlog|tracked)"?[=:] ?(?P<n>[0-9]+)\` | unwrap n [${range}]${offset}`;
    rules.push({
      alert: 'CtrlscopeStalePendingLog',
      expr: `min_over_time(${u('10m')}) > max_over_time(${u('10m', ' offset 10m')})`,
      for: '10m',
      ...meta('stale-pending', 'warning', 'A pending count in the logs only grows',
        'A pending/in-flight count logged by {{ $labels.namespace }} stayed above everything it logged in the 10 minutes before: entries are not released.', opts),
    });
  }
  if (on.has('reconcile-burst')) {
    const c = `sum by (namespace) (count_over_time(${sel} |~ \`(?i)reconcil\` [${dur(t.reconcileWindowSeconds)}]))`;
    rules.push({
      alert: 'CtrlscopeReconcileBurstLog',
      expr: `${c} >= 100`,
      ...meta('reconcile-burst', 'warning', 'A burst of reconciles in {{ $labels.namespace }}',
        `{{ $value }} reconcile records within ${dur(t.reconcileWindowSeconds)}: a trigger fanned out into a reconcile per object, or a hot loop.`, opts),
    });
  }
  if (on.has('duplicate-cr')) {
    const fields = [...new Set(t.dedupKeys.map((k) => k.logField).filter((f): f is string => !!f))];
    if (fields.length) {
      rules.push({
        alert: 'CtrlscopeDuplicateCRLog',
        expr:
          `sum by (namespace, dedup_key) (count_over_time(${sel} |~ \`(?i)created\` | regexp \`"?(?:${fields.join('|')})"?[=:] ?"?(?P<dedup_key>[A-Za-z0-9._:-]+)\` [10m])) > 1`,
        ...meta('duplicate-cr', 'warning', 'Dedup key {{ $labels.dedup_key }} was created {{ $value }} times',
          'The creator logged {{ $value }} creations for one dedup key within 10 minutes: check the live objects (ctrlscope check or kubectl get) for duplicates.', opts),
      });
    }
  }
  return rules.length ? [{ name: 'ctrlscope-logs', rules }] : [];
}

/** Rules over logs: LogsQL for VictoriaLogs, as vmalert groups of type vlogs. */
export function vlogsGroups(opts: ExportOptions): RuleGroup[] {
  const t = thresholdsOf(opts.config);
  const on = enabledRules(opts.config);
  const f = opts.vlogsFilter ? `${opts.vlogsFilter} ` : '';
  const rules: PromRule[] = [];
  if (on.has('queue-leak')) {
    // Failures per key in the last resync window; growth needs the windows before, which one
    // LogsQL query yields as buckets: the rule fires on the last window's count.
    rules.push({
      alert: 'CtrlscopeQueueLeakLogFailures',
      expr: `${f}_time:${dur(t.resyncSeconds * (t.growthSteps + 1))} "failed with" | extract_regexp \`(?P<key>[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?)"? failed with\` | stats by (key) count() as failures | filter failures:>=${t.growthMinLast * 2}`,
      ...meta('queue-leak', 'warning', 'Key {{ $labels.key }} keeps failing',
        `{{ $labels.key }} failed {{ $value }} times in ${t.growthSteps + 1} resync windows: more than per-item backoff allows.`, opts),
    });
  }
  if (on.has('stale-pending')) {
    rules.push({
      alert: 'CtrlscopeStalePendingLog',
      expr: `${f}_time:30m (i("still tracked") OR i(pending) OR i(inflight) OR i("in-flight") OR i(outstanding) OR i(backlog)) | extract_regexp \`(?i)(?:count|pending|inflight|in_flight|outstanding|tracked|backlog)"?[=:] ?(?P<n>[0-9]+)\` | stats by (_stream) min(n) as lo, max(n) as hi, count() as points | math hi - lo as rise | filter points:>=2 rise:>=3 | fields _stream, rise`,
      ...meta('stale-pending', 'warning', 'A pending count in the logs only grows',
        'A pending/in-flight count rose by {{ $value }} within 30 minutes without coming back.', opts),
    });
  }
  if (on.has('reconcile-burst')) {
    rules.push({
      alert: 'CtrlscopeReconcileBurstLog',
      expr: `${f}_time:${dur(t.reconcileWindowSeconds)} (~"(?i)reconcil" OR reconcileID:* OR msg:~"(?i)reconcil") | stats by (_stream) count() as reconciles | filter reconciles:>=100`,
      ...meta('reconcile-burst', 'warning', 'A burst of reconciles',
        `{{ $value }} reconcile records within ${dur(t.reconcileWindowSeconds)}.`, opts),
    });
  }
  if (on.has('duplicate-cr')) {
    const fields = [...new Set(t.dedupKeys.map((k) => k.logField).filter((x): x is string => !!x))];
    if (fields.length) {
      rules.push({
        alert: 'CtrlscopeDuplicateCRLog',
        // A JSON line is split into fields at ingestion (its key is then a field of its own); a
        // plain line keeps the key in _msg, extracted here: grouped by both, one is empty.
        expr: `${f}_time:10m (~"(?i)created" OR msg:~"(?i)created" OR message:~"(?i)created") | extract_regexp \`"?(?:${fields.join('|')})"?[=:] ?"?(?P<dedup_key>[A-Za-z0-9._:-]+)\` | filter ${fields.map((x) => `${x}:*`).join(' OR ')} OR dedup_key:* | stats by (${fields.join(', ')}, dedup_key) count() as creations | filter creations:>1`,
        ...meta('duplicate-cr', 'warning', 'One dedup key was created {{ $value }} times in 10 minutes',
          `The creator logged {{ $value }} creations for one dedup key (${fields.map((x) => `${x}={{ $labels.${x} }}`).join(' ')} {{ $labels.dedup_key }}) within 10 minutes: check the live objects for duplicates.`, opts),
      });
    }
  }
  return rules.length ? [{ name: 'ctrlscope-logs', type: 'vlogs', interval: '1m', rules }] : [];
}

/** The rules of one format as a YAML document. */
export function exportRules(format: RuleFormat, opts: ExportOptions): string {
  const header = `# Generated by \`ctrlscope rules export -o ${format}\` from ${opts.config.source === '(none)' ? 'the built-in thresholds' : opts.config.source}.\n`;
  const y = (v: unknown) => header + stringify(v, { lineWidth: 0 });
  switch (format) {
    case 'prometheus':
      return y({ groups: metricGroups(opts) });
    case 'prometheus-operator':
      return y({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'ctrlscope', labels: { 'app.kubernetes.io/name': 'ctrlscope', 'app.kubernetes.io/component': 'rules' } },
        spec: { groups: metricGroups(opts) },
      });
    case 'kube-state-metrics':
      return y(ksmConfig(opts));
    case 'loki':
      return y({ groups: lokiGroups(opts) });
    case 'vlogs':
      return y({ groups: vlogsGroups(opts) });
  }
}
