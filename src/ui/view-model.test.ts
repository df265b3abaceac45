import { CATALOG } from '../analyzers/catalog.js';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import type { AccessReport, LiveSnapshot } from '../engine/live.js';
import { blindLine, buildModel, detailModel, INITIAL_UI, sparkline, wrapText } from './view-model.js';

function finding(over: Partial<Finding> & Pick<Finding, 'rule' | 'severity'>): Finding {
  return {
    id: `${over.rule}-${over.subject?.name ?? 'x'}`,
    title: 't',
    subject: { kind: 'APIService', namespace: null, name: 'x' },
    summary: 's',
    metrics: {},
    evidence: [],
    remediation: { summary: 'fix it', steps: ['step one'], references: ['https://example.com'] },
    ...over,
  };
}

function snap(findings: Finding[], over: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    at: 0,
    findings,
    series: { 'queue-leak': [1, 2, 4, 8], 'duplicate-cr': [], 'stale-pending': [3, 3, 9], 'reconcile-burst': [0, 0] },
    rate: [10, 250],
    sampleMs: 1000,
    ingested: 1234,
    inputs: [],
    health: [{ name: 'kube-apiserver.log', state: 'following' }],
    rules: ['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst'],
    problems: [],
    paused: false,
    ended: false,
    dataTime: Date.UTC(2026, 10, 22, 10, 2, 0),
    ...over,
  };
}

const ql = finding({
  rule: 'queue-leak',
  severity: 'critical',
  subject: { kind: 'APIService', namespace: null, name: 'v0alpha1.provisioning.grafana.app', controller: 'AvailableConditionController' },
  summary: '401 retried: failures per 30 s window 1 → 2 → 4 → 8',
  metrics: { failuresPerWindow: [1, 2, 4, 8], windows: 4, rate: 0.5 },
  evidence: [{ source: 'kube-apiserver.log:12', time: '2026-11-22T10:00:03Z', text: 'E1122 … 401' }],
  firstSeen: '2026-11-22T10:00:03Z',
  lastSeen: '2026-11-22T10:02:00Z',
});
const sp = finding({ rule: 'stale-pending', severity: 'warning', subject: { kind: 'Counter', namespace: null, name: 'Pending streams still tracked' }, summary: 'count 3 → 9' });
const sp2 = finding({ rule: 'stale-pending', severity: 'info', subject: { kind: 'Counter', namespace: null, name: 'inflight requests' }, summary: 'count 1 → 2' });

describe('sparkline', () => {
  it('scales to the largest value and pads to the width', () => {
    expect(sparkline([1, 2, 4, 8], 4)).toBe('▂▃▅█');
    expect(sparkline([0, 0], 4)).toBe('  ▁▁');
    expect(sparkline([5, 1, 2, 3, 4, 8], 3)).toBe('▄▅█');
  });
});

describe('buildModel', () => {
  it('gives each of the four rules a panel with status, series and offenders', () => {
    const m = buildModel(snap([ql, sp, sp2]), INITIAL_UI, { mode: 'demo', context: 'kind-dev', namespaces: [] }, { sparkWidth: 4 });
    expect(m.header).toMatchObject({
      title: 'ctrlscope demo',
      context: 'kind-dev',
      namespaces: 'all namespaces',
      rate: '250 lines/s',
      ingested: 1234,
      dataTime: '2026-11-22T10:02:00Z',
      counts: { critical: 1, warning: 1, info: 1 },
      sources: [{ name: 'kube-apiserver.log', label: 'following', colour: 'green' }],
    });
    expect(m.panels.map((p) => [p.rule, p.status, p.statusLabel, p.colour, p.spark])).toEqual([
      ['queue-leak', 'critical', 'CRITICAL ×1', 'red', '▂▃▅█'],
      ['duplicate-cr', 'ok', 'OK', 'green', '    '],
      ['stale-pending', 'warning', 'WARNING ×2', 'yellow', ' ▃▃█'],
      ['reconcile-burst', 'ok', 'OK', 'green', '  ▁▁'],
    ]);
    expect(m.panels[0]!.offenders).toEqual([
      { id: ql.id, name: 'v0alpha1.provisioning.grafana.app', severity: 'critical', colour: 'red', text: ql.summary, selected: true },
    ]);
    expect(m.panels[2]!.offenders.map((o) => [o.name, o.selected])).toEqual([
      ['Pending streams still tracked', false],
      ['inflight requests', false],
    ]);
  });

  it('drops colours when colour is off and marks a failed analyzer', () => {
    const m = buildModel(snap([ql], { problems: ['analyzer duplicate-cr failed on flush: boom'] }), INITIAL_UI, { mode: 'watch' }, { colour: false });
    expect(m.panels[0]!.colour).toBeUndefined();
    expect(m.panels[0]!.offenders[0]!.colour).toBeUndefined();
    expect(m.panels[1]).toMatchObject({ status: 'failed', statusLabel: 'FAILED' });
    expect(m.header.problems).toEqual(['analyzer duplicate-cr failed on flush: boom']);
  });

  it('names each missing permission with the panel it blinds; a quiet panel without its input is BLIND, a firing one keeps its severity', () => {
    const access: AccessReport = {
      blind: [
        { panel: 'duplicate-cr', verbs: ['list', 'watch'], resource: 'remediationrequests.kubernaut.ai', namespace: 'demo', rules: ['duplicate-cr'] },
        { panel: 'logs', verbs: ['get'], resource: 'pods/log', namespace: 'demo', rules: ['stale-pending'] },
        { panel: 'leases', verbs: ['list', 'watch'], resource: 'leases.coordination.k8s.io', namespace: 'demo', rules: [] },
      ],
    };
    const m = buildModel(snap([sp], { access }), INITIAL_UI, { mode: 'watch', context: 'kind-dev', namespaces: ['demo'] });
    expect(m.header.blind).toBe(
      'blind: duplicate-cr (list, watch remediationrequests.kubernaut.ai), logs (get pods/log), leases (list, watch leases.coordination.k8s.io)',
    );
    expect(m.header.problems).toEqual([]);
    expect(m.panels.map((p) => [p.rule, p.status, p.statusLabel, p.colour])).toEqual([
      ['queue-leak', 'ok', 'OK', 'green'],
      ['duplicate-cr', 'blind', 'BLIND', 'magenta'],
      ['stale-pending', 'warning', 'WARNING ×1', 'yellow'],
      ['reconcile-burst', 'ok', 'OK', 'green'],
    ]);
  });

  it('shows no blind line before the preflight answers or when nothing is missing; a preflight that failed is a header problem', () => {
    expect(buildModel(snap([]), INITIAL_UI, { mode: 'watch' }).header.blind).toBeUndefined();
    expect(blindLine([])).toBeUndefined();
    const failed = 'could not check permissions (SelfSubjectAccessReview failed: 403 Forbidden: no); going on without knowing';
    const m = buildModel(snap([], { access: { blind: [], problem: failed } }), INITIAL_UI, { mode: 'watch' });
    expect(m.header.blind).toBeUndefined();
    expect(m.header.problems).toEqual([failed]);
    expect(m.panels.map((p) => p.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('filters offenders and counts what the filter hides', () => {
    const m = buildModel(snap([sp, sp2]), { ...INITIAL_UI, filter: 'INFLIGHT' }, { mode: 'watch' });
    expect(m.panels[2]!.offenders.map((o) => o.name)).toEqual(['inflight requests']);
    expect(m.panels[2]!.filtered).toBe(1);
    expect(m.panels[2]!.status).toBe('warning');
  });

  it('keeps the selected row visible and says how many more there are', () => {
    const many = Array.from({ length: 6 }, (_, i) =>
      finding({ rule: 'queue-leak', severity: 'warning', subject: { kind: 'Queue', namespace: null, name: `key-${i}` } }),
    );
    const m = buildModel(snap(many), { ...INITIAL_UI, row: 4 }, { mode: 'watch' }, { rows: 3 });
    expect(m.panels[0]!.offenders.map((o) => [o.name, o.selected])).toEqual([
      ['key-2', false],
      ['key-3', false],
      ['key-4', true],
    ]);
    expect(m.panels[0]!.more).toBe(3);
  });

  it('opens the detail of the finding by id, and falls back to the panels when it is gone', () => {
    const m = buildModel(snap([ql]), { ...INITIAL_UI, view: 'detail', detailId: ql.id }, { mode: 'demo' });
    expect(m.view).toBe('detail');
    expect(m.detail).toEqual({
      id: ql.id,
      rule: 'queue-leak',
      title: 't',
      severity: 'critical',
      colour: 'red',
      subject: 'APIService v0alpha1.provisioning.grafana.app (controller AvailableConditionController)',
      summary: ql.summary,
      metrics: ['failuresPerWindow: 1 → 2 → 4 → 8', 'windows: 4', 'rate: 0.5'],
      evidence: [{ source: 'kube-apiserver.log:12', time: '2026-11-22T10:00:03Z', text: 'E1122 … 401' }],
      remediation: ql.remediation,
      seen: '2026-11-22T10:00:03Z … 2026-11-22T10:02:00Z',
    });
    const gone = buildModel(snap([]), { ...INITIAL_UI, view: 'detail', detailId: ql.id }, { mode: 'demo' });
    expect(gone.view).toBe('dashboard');
  });

  it('explains the selected panel rule from the catalog', () => {
    const m = buildModel(snap([]), { ...INITIAL_UI, panel: 3, view: 'explain' }, { mode: 'demo' });
    expect(m.explain?.rule).toBe('reconcile-burst');
    expect(m.explain?.title).toBe(CATALOG['reconcile-burst']!.title);
  });

  it('detailModel names a namespaced subject ns/name', () => {
    const f = finding({ rule: 'duplicate-cr', severity: 'critical', subject: { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: 'fp-1' } });
    expect(detailModel(f).subject).toBe('RemediationRequest kubernaut-system/fp-1');
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries, indents continuation lines and cuts over-long words', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('• alpha beta gamma', 12, '  ')).toEqual(['• alpha beta', '  gamma']);
    expect(wrapText('abcdefghijkl', 8)).toEqual(['abcdefgh', 'ijkl']);
  });
});
