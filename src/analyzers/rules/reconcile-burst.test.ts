import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { SEVERITY_RANK } from '../../core/finding.js';
import { Engine } from '../../engine/engine.js';
import { parseLine } from '../../parsers/index.js';
import { PromReader } from '../../parsers/prometheus.js';
import { newInput } from '../../sources/types.js';
import { reconcileBurst, triggerOf } from './reconcile-burst.js';

const TESTDATA = fileURLToPath(new URL('../testdata/reconcile-burst/', import.meta.url));

/** Scans one case directory: logs as raw lines through the engine (interest filter included), .prom via PromReader. */
function runCase(dir: string, extra: Event[] = []): Finding[] {
  const engine = new Engine({ analyzers: [reconcileBurst] });
  for (const f of readdirSync(dir).sort()) {
    if (f === 'expected.json') continue;
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (f.endsWith('.prom')) {
      const r = new PromReader(f);
      const events: Event[] = [];
      lines.forEach((l, i) => {
        const ev = r.line(l, i + 1);
        if (ev) events.push(ev);
      });
      engine.ingest({ type: 'events', input: newInput(f, 'metrics'), events });
    } else {
      engine.ingest({ type: 'lines', input: newInput(f, 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
    }
  }
  if (extra.length) engine.ingest({ type: 'events', input: newInput('objects.yaml', 'resources'), events: extra });
  return engine.findings();
}

interface Expected {
  findings: { rule: string; severity: string; subject: { name: string }; metrics: Record<string, unknown> }[];
}

const cases = readdirSync(TESTDATA).sort();

describe('reconcile-burst golden cases', () => {
  it('has at least four positive and four negative cases', () => {
    expect(cases.filter((c) => c.startsWith('neg-')).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => !c.startsWith('neg-')).length).toBeGreaterThanOrEqual(4);
  });
  it.each(cases)('%s', (c) => {
    const dir = join(TESTDATA, c);
    const want = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const got = runCase(dir);
    for (const w of want.findings) {
      const f = got.find((x) => x.rule === 'reconcile-burst' && x.subject.name === w.subject.name);
      expect(f, `finding for ${w.subject.name}`).toBeDefined();
      expect(f!.severity).toBe(w.severity);
      for (const [k, v] of Object.entries(w.metrics)) expect(f!.metrics[k], `metrics.${k}`).toEqual(v);
    }
    const extra = got.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning && !want.findings.some((w) => w.subject.name === f.subject.name));
    expect(extra.map((f) => f.summary)).toEqual([]);
  });
});

describe('reconcile-burst findings in detail', () => {
  it('reports N, reconciles, objects per reconcile, operations, window, subject and evidence', () => {
    const [f, ...rest] = runCase(join(TESTDATA, 'zap-console-configmap-fanout'));
    expect(rest).toEqual([]);
    expect(f!.subject).toEqual({ kind: 'VariantAutoscaling', namespace: 'llm-d', name: 'variantautoscaling', controller: 'variantautoscaling' });
    expect(f!.metrics).toEqual({ objects: 20, reconciles: 20, objectsPerReconcile: 20, operations: 400, windowSeconds: 0.8 });
    expect(f!.evidence.map((e) => e.source)).toEqual(['wva.log:1', 'wva.log:2', 'wva.log:401']);
    expect(f!.evidence[0]!.text).toContain('count=20');
    expect(f!.firstSeen).toBe('2026-11-20T12:00:00Z');
    expect(f!.lastSeen).toBe('2026-11-20T12:00:00.774Z');
    expect(f!.remediation.steps.join(' ')).toContain('sentinel');
  });

  // A user's clone has no ../shared/real-data; the conformance suite makes it mandatory.
  it.runIf(existsSync('../shared/real-data/wva'))('finds nothing in the real wva controller log', () => {
    const lines = readFileSync(join('../shared/real-data/wva', 'controller-baseline.log'), 'utf8').split('\n');
    const engine = new Engine({ analyzers: [reconcileBurst] });
    engine.ingest({ type: 'lines', input: newInput('controller-baseline.log', 'log'), lines, firstLine: 1 });
    expect(engine.findings()).toEqual([]);
  });

  it('compares a metric burst with the object count when objects are known: 3000 ≥ 60²/2 is critical', () => {
    const objects: Event[] = Array.from({ length: 60 }, (_, i) => ({
      kind: 'object',
      change: 'snapshot',
      object: { apiVersion: 'llmd.ai/v1alpha1', kind: 'VariantAutoscaling', metadata: { name: `va-${i}`, namespace: 'llm-d' } },
      source: 'objects.yaml',
    }));
    const f = runCase(join(TESTDATA, 'prom-reconcile-total-burst'), objects);
    expect(f.map((x) => [x.severity, x.subject.name, x.metrics])).toEqual([
      ['critical', 'variantautoscaling', { reconciles: 3000, baselinePerInterval: 10, intervals: 5, objects: 60, windowSeconds: 30 }],
    ]);
  });

  it('flags a reconcile storm without a trigger: many reconciles of few objects in one window', () => {
    const a = reconcileBurst.create({ options: {} });
    const t0 = Date.parse('2026-11-20T10:00:00Z');
    for (let i = 0; i < 150; i++) {
      a.onEvent(parseLine(`${new Date(t0 + i * 100).toISOString()}\tINFO\tReconciling\t{"controller": "tenant", "controllerKind": "Tenant", "namespace": "t", "name": "t-${i % 3}", "reconcileID": "id-${i}"}`, i + 1, { source: 's.log', referenceYear: 2026 }));
    }
    expect(a.flush().map((x) => [x.severity, x.subject, x.metrics])).toEqual([
      ['warning', { kind: 'Tenant', namespace: 't', name: 'tenant', controller: 'tenant' }, { objects: 3, reconciles: 150, windowSeconds: 60 }],
    ]);
  });
});

describe('reconcile-burst trigger recognition', () => {
  const opts = { source: 't.log', referenceYear: 2026 };
  it.each([
    ['2026-11-20T12:00:00Z\tINFO\tcontrollers.VariantAutoscaling\tc.go:1\tTriggering reconciliation for all VariantAutoscaling resources due to ConfigMap change: count=60\t{"configMap": "capacity-scaling-config"}', 60, 'VariantAutoscaling'],
    ['{"level":"info","ts":"2026-11-20T12:00:00Z","msg":"Secret tenant-defaults updated, requeueing all Tenants","count":8}', 8, 'Tenants'],
    ['I1120 12:00:00.000000       1 c.go:1] "ConfigMap changed, enqueueing all Widgets" configMap="widget-config" count=25', 25, 'Widgets'],
    ['I1120 12:00:00.000000       1 c.go:1] Requeueing all objects after config reload', undefined, undefined],
  ])('%s', (line, n, kind) => {
    const t = triggerOf(parseLine(line, 1, opts));
    expect(t).toBeDefined();
    expect(t!.n).toBe(n);
    expect(t!.kind).toBe(kind);
  });
  it.each([
    '2026-08-07T20:20:34Z\tINFO\tcontroller/configmap_reconciler.go:181\tUpdated global saturation config from ConfigMap\t{"entries": 1}',
    '2026-08-07T20:20:34Z\tDEBUG\tcontroller/configmap_reconciler.go:100\tIgnoring unrecognized ConfigMap\t{"name": "x"}',
    'I1120 12:00:00.000000       1 c.go:1] "Reconciling VariantAutoscaling" name="va-1" namespace="llm-d"',
    'I1120 12:00:00.000000       1 c.go:1] Triggered scale-up for va-1',
  ])('no trigger in %s', (line) => {
    expect(triggerOf(parseLine(line, 1, opts))).toBeUndefined();
  });
});
