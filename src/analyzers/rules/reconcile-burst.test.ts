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

describe('reconcile-burst: a hot loop on one object', () => {
  const opts = (source: string) => ({ source, referenceYear: 2026 });
  const feed = (lines: string[], options: Record<string, unknown> = {}, source = 'c.log') => {
    const a = reconcileBurst.create({ options });
    lines.forEach((l, i) => a.onEvent(parseLine(l, i + 1, opts(source))));
    return a.flush();
  };
  const at = (ms: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + ms).toISOString();

  it('notes two Tekton reconciles of one PipelineRun in the same millisecond, at info and low confidence', () => {
    // tektoncd/pipeline#8495 ("PipelineRun is reconciled thousands of times"), the first two lines as published.
    const f = feed([
      '{"severity":"info","timestamp":"2025-01-16T15:57:02.767Z","logger":"tekton-pipelines-controller","caller":"controller/controller.go:550","message":"Reconcile succeeded","commit":"1dd488e","knative.dev/controller":"github.com.tektoncd.pipeline.pkg.reconciler.pipelinerun.Reconciler","knative.dev/kind":"tekton.dev.PipelineRun","knative.dev/traceid":"54dbe0c9-d547-4e94-a7ef-295099ba2777","knative.dev/key":"default/run-6d4k5","duration":0.000073334}',
      '{"severity":"info","timestamp":"2025-01-16T15:57:02.767Z","logger":"tekton-pipelines-controller","caller":"controller/controller.go:550","message":"Reconcile succeeded","commit":"1dd488e","knative.dev/controller":"github.com.tektoncd.pipeline.pkg.reconciler.pipelinerun.Reconciler","knative.dev/kind":"tekton.dev.PipelineRun","knative.dev/traceid":"d444e431-94cc-4133-b103-773e7064c73a","knative.dev/key":"default/run-6d4k5","duration":0.000027292}',
    ]);
    expect(f.map((x) => [x.severity, x.variant, x.confidence, x.subject, x.metrics])).toEqual([
      [
        'info',
        'hot-loop',
        'low',
        { kind: 'PipelineRun', namespace: 'default', name: 'run-6d4k5', controller: 'github.com.tektoncd.pipeline.pkg.reconciler.pipelinerun.Reconciler' },
        { reconciles: 2, periodMs: 0, spanSeconds: 0 },
      ],
    ]);
    expect(f[0]!.remediation!.summary).toContain('status only when it changed');
  });

  it('counts a reconcile once when the controller logs a start and an end line (operator-sdk Helm operator)', () => {
    // operator-framework/operator-sdk#3593 ("Reconciling - Reconciled release loop"), zap JSON without the pod prefix.
    const f = feed([
      '{"level":"info","ts":1595996921.5634089,"logger":"helm.controller","msg":"Reconciled release","namespace":"sandbox","name":"httpbin","apiVersion":"example.com/v1","kind":"Demoservice","release":"httpbin"}',
      '{"level":"debug","ts":1595996921.568408,"logger":"helm.controller","msg":"Reconciling","namespace":"sandbox","name":"httpbin","apiVersion":"example.com/v1","kind":"Demoservice"}',
      '{"level":"info","ts":1595996922.5646455,"logger":"helm.controller","msg":"Reconciled release","namespace":"sandbox","name":"httpbin","apiVersion":"example.com/v1","kind":"Demoservice","release":"httpbin"}',
      '{"level":"debug","ts":1595996922.5697083,"logger":"helm.controller","msg":"Reconciling","namespace":"sandbox","name":"httpbin","apiVersion":"example.com/v1","kind":"Demoservice"}',
      '{"level":"info","ts":1595996923.5598457,"logger":"helm.controller","msg":"Reconciled release","namespace":"sandbox","name":"httpbin","apiVersion":"example.com/v1","kind":"Demoservice","release":"httpbin"}',
    ]);
    expect(f.map((x) => [x.severity, x.subject.name, x.subject.namespace, x.metrics])).toEqual([
      ['info', 'httpbin', 'sandbox', { reconciles: 3, periodMs: 998, spanSeconds: 2, perMinute: 60.1 }],
    ]);
  });

  it("counts Strimzi's reconciliations by their number: a Kafka whose status update starts the next one is noted", () => {
    // strimzi/strimzi-kafka-operator#10576 ("Reconciliation occurs repeatedly"), as published.
    const lines = [
      '2024-09-12 19:26:29 INFO  AbstractOperator:264 - Reconciliation #4622(watch) Kafka(prod/eventing): Kafka eventing will be checked for creation or modification',
      '2024-09-12 19:26:30 INFO  AbstractOperator:510 - Reconciliation #4630(watch) Kafka(prod/eventing): Kafka eventing in namespace prod was MODIFIED',
      '2024-09-12 19:26:30 INFO  CrdOperator:123 - Reconciliation #4622(watch) Kafka(prod/eventing): Status of Kafka eventing in namespace prod has been updated',
      '2024-09-12 19:26:30 INFO  AbstractOperator:264 - Reconciliation #4623(watch) Kafka(prod/eventing): Kafka eventing will be checked for creation or modification',
      '2024-09-12 19:26:30 INFO  AbstractOperator:536 - Reconciliation #4622(watch) Kafka(prod/eventing): reconciled',
    ];
    expect(feed(lines).map((x) => [x.severity, x.variant, x.confidence, x.subject, x.metrics])).toEqual([
      ['info', 'hot-loop', 'low', { kind: 'Kafka', namespace: 'prod', name: 'eventing', controller: 'AbstractOperator' }, { reconciles: 3, periodMs: 500, spanSeconds: 1, perMinute: 120 }],
    ]);
    // A timer reconciliation every two minutes (strimzi#4471) is the operator's period: nothing.
    const timer = [4854, 4855, 4856, 4857].map((n, i) => `2021-02-26 06:${String(43 + 2 * i).padStart(2, '0')}:06 INFO  AbstractOperator:318 - Reconciliation #${n}(timer) Kafka(default/tom-kafka): reconciled`);
    expect(feed(timer)).toEqual([]);
  });

  it("reads cert-manager's work-queue markers, and gaps of a log listed newest first", () => {
    // cert-manager/cert-manager#2601 ("Too much logs", turn 10): a log viewer's rows, newest first.
    const row = (t: string, klog: string, msg: string, key: string) =>
      `2020-05-18T${t}Z | pool-pk55kk4qf-984d | cert-manager-controller | I0518 ${klog}       1 controller.go:144] cert-manager/controller/certificates "msg"="${msg}" "key"="${key}"`;
    const lines = [
      row('08:10:03.097', '08:10:03.095223', 'finished processing work item', 'default/dada-card.com'),
      row('08:10:02.892', '08:10:02.891190', 'finished processing work item', 'default/kali-vcards.com'),
      row('08:10:02.291', '08:10:02.290819', 'finished processing work item', 'default/dada-card.com'),
      row('08:10:02.288', '08:10:02.288080', 'finished processing work item', 'default/dada-card.com'),
    ];
    expect(feed(lines).map((x) => [x.severity, x.variant, x.subject, x.metrics])).toEqual([
      [
        'info',
        'hot-loop',
        { kind: 'Object', namespace: 'default', name: 'dada-card.com', controller: 'cert-manager/controller/certificates' },
        { reconciles: 3, periodMs: 404, spanSeconds: 0.8, perMinute: 148.7 },
      ],
    ]);
  });

  it('is a warning when it goes on for a minute, critical for minutes; a status write per reconcile raises the confidence', () => {
    const line = (ms: number, i: number, msg = 'Reconciling') =>
      `${at(ms)}\tINFO\tcontrollers.Widget\t${msg}\t{"controller": "widget", "controllerKind": "Widget", "namespace": "demo", "name": "w-1", "reconcileID": "r-${i}"}`;
    const minute = Array.from({ length: 40 }, (_, i) => line(i * 2000, i));
    const m = feed(minute);
    expect(m.map((x) => [x.severity, x.confidence, x.signals, x.metrics])).toEqual([
      ['warning', 'medium', ['same-object', 'short-gaps', 'sustained'], { reconciles: 40, periodMs: 2000, spanSeconds: 78, perMinute: 30 }],
    ]);
    const withStatus = feed(minute.flatMap((l, i) => [l, line(i * 2000 + 5, i, 'Updating status')]));
    expect(withStatus.map((x) => [x.severity, x.confidence, x.signals, x.metrics['statusWrites']])).toEqual([
      ['warning', 'high', ['same-object', 'short-gaps', 'sustained', 'status-write'], 40],
    ]);
    const minutes = feed(Array.from({ length: 400 }, (_, i) => line(i * 1000, i)));
    expect(minutes.map((x) => [x.severity, x.confidence, x.title])).toEqual([['critical', 'high', 'Hot loop: demo/w-1 reconciled 400 times, every 1 s']]);
  });

  it('notes a reconcile that starts again the moment the previous one of the same object finished (Argo CD)', () => {
    // argoproj/argo-cd#8914 ("High CPU Load for ArgoCD Controller"), three lines as published: the
    // app's reconcile ends and the next refresh of the same app starts in the same second.
    const f = feed([
      'time="2022-03-28T18:18:44Z" level=info msg="No status changes. Skipping patch" application=reloader-prod',
      'time="2022-03-28T18:18:44Z" level=info msg="Reconciliation completed" application=reloader-prod dest-name= dest-namespace=kube-system dest-server="https://francecentral-prod-dc26204e.hcp.francecentral.azmk8s.io:443" fields.level=0 time_ms=674',
      'time="2022-03-28T18:18:44Z" level=info msg="Refreshing app status (controller refresh requested), level (0)" application=reloader-prod',
    ]);
    expect(f).toEqual([
      {
        rule: 'reconcile-burst',
        severity: 'info',
        title: 'Hot loop: reloader-prod reconciled again < 1 ms after it finished',
        subject: { kind: 'Object', namespace: null, name: 'reloader-prod', controller: 'c.log' },
        remediation: expect.objectContaining({ summary: expect.stringContaining('status only when it changed') }),
        summary:
          'c.log started reconciling reloader-prod again < 1 ms after a reconcile of it finished: if that goes on, each reconcile is triggering the next (a hot loop). Too few to be sure; a longer log would confirm or clear it.',
        metrics: { reconciles: 2, periodMs: 0, spanSeconds: 0 },
        evidence: [expect.objectContaining({ source: 'c.log:2' }), expect.objectContaining({ source: 'c.log:3' })],
        firstSeen: '2022-03-28T18:18:44Z',
        lastSeen: '2022-03-28T18:18:44Z',
        confidence: 'low',
        signals: ['same-object', 'short-gaps', 'restart-after-finish'],
        variant: 'hot-loop',
      },
    ]);
  });

  it('reads operator-sdk 0.x records: "[Start]/[End] Reconciling" with Request.Namespace and Request.Name (sky-big/pulsar-operator#14)', () => {
    const f = feed([
      '{"level":"info","ts":1592892018.312422,"logger":"controller_pulsarcluster","msg":"[Start] Reconciling PulsarCluster","Request.Namespace":"myco-test","Request.Name":"datastream"}',
      '{"level":"info","ts":1592892018.312858,"logger":"controller_pulsarcluster","msg":"Setting spec default settings for pulsar-cluster","Request.Namespace":"myco-test","Request.Name":"datastream"}',
      '{"level":"info","ts":1592892018.5309837,"logger":"controller_pulsarcluster","msg":"[End] Reconciling PulsarCluster","Request.Namespace":"myco-test","Request.Name":"datastream"}',
      '{"level":"info","ts":1592892018.5320263,"logger":"controller_pulsarcluster","msg":"[Start] Reconciling PulsarCluster","Request.Namespace":"myco-test","Request.Name":"datastream"}',
    ]);
    expect(f.map((x) => [x.severity, x.confidence, x.title, x.subject, x.signals, x.metrics])).toEqual([
      [
        'info',
        'low',
        'Hot loop: myco-test/datastream reconciled 2 times, every 220 ms',
        { kind: 'Object', namespace: 'myco-test', name: 'datastream', controller: 'controller_pulsarcluster' },
        ['same-object', 'short-gaps', 'restart-after-finish'],
        { reconciles: 2, periodMs: 220, spanSeconds: 0.2, perMinute: 272.7 },
      ],
    ]);
    expect(f[0]!.summary).toContain('one starting 2 ms after the previous one finished');
  });

  it('the config extends the finish words and the name fields', () => {
    const lines = [
      'time=2026-11-20T10:00:00.000Z level=info msg="Done reconciling widget" obj=w1',
      'time=2026-11-20T10:00:00.010Z level=info msg="Reconciling widget" obj=w1',
    ];
    expect(feed(lines)).toEqual([]);
    expect(feed(lines, { vocabulary: { ends: ['Done reconciling'], nameFields: ['obj'] } }).map((x) => [x.severity, x.title])).toEqual([
      ['info', 'Hot loop: w1 reconciled again 10 ms after it finished'],
    ]);
  });

  it('does not count a start long after a finish, nor a retry after a failed reconcile, as a restart', () => {
    const argo = (ms: number, msg: string) => `time="${at(ms).replace('.000Z', 'Z')}" level=info msg="${msg}" application=argocd/guestbook`;
    // A requeue three minutes later is the usual resync.
    expect(feed([argo(0, 'Reconciliation completed'), argo(180_000, 'Refreshing app status (controller refresh requested), level (0)')])).toEqual([]);
    // "Reconcile failed" is not a finish: the quick retry after it is the rate limiter's backoff (queue-leak's business).
    const knative = (ms: number, msg: string, i: number) =>
      `{"severity":"ERROR","timestamp":"${at(ms)}","logger":"controller","message":"${msg}","knative.dev/traceid":"t-${i}","knative.dev/key":"ns/svc"}`;
    expect(feed([knative(0, 'Reconcile failed', 0), `{"severity":"INFO","timestamp":"${at(5)}","logger":"controller","message":"Reconciling","knative.dev/key":"ns/svc"}`])).toEqual([]);
    // The same pair with a finish instead of the failure is a restart.
    expect(
      feed([knative(0, 'Reconcile succeeded', 0), `{"severity":"INFO","timestamp":"${at(5)}","logger":"controller","message":"Reconciling","knative.dev/key":"ns/svc"}`]).map((x) => [x.severity, x.title]),
    ).toEqual([['info', 'Hot loop: ns/svc reconciled again 5 ms after it finished']]);
  });

  it('leaves alone a periodic resync and objects reconciled a few times each', () => {
    const resync = Array.from({ length: 30 }, (_, i) => `${at(i * 30_000)}\tINFO\tReconciling\t{"controller": "w", "namespace": "d", "name": "w-${i % 3}", "reconcileID": "r-${i}"}`);
    expect(feed(resync)).toEqual([]);
    const created = ['Reconciling', 'Reconciling', 'Reconciling'].map((m, i) => `${at(i * 40_000)}\tINFO\t${m}\t{"controller": "w", "namespace": "d", "name": "w-1", "reconcileID": "r-${i}"}`);
    expect(feed(created)).toEqual([]);
  });

  it('reads the reconcile markers of other ecosystems', () => {
    const hot = (lines: string[]) => feed(lines).map((x) => [x.variant, x.subject.name, x.metrics['reconciles']]);
    // kube-rs: a `reconciling object` span with object.ref, as the Rust tracing reader gives it
    // (`2026-11-20T10:00:00.000Z  INFO reconciling object{object.ref=Doc.v1.kube.rs/samuel.default …}: controller: reconciled`).
    const a = reconcileBurst.create({ options: {} });
    [0, 400, 800].forEach((ms, i) =>
      a.onEvent({
        kind: 'log', time: Date.parse(at(ms)), level: 'info', logger: 'controller', message: 'reconciled', format: 'unknown', wrapper: 'none', source: 'rs.log', line: i + 1,
        fields: { 'object.ref': 'Doc.v1.kube.rs/samuel.default', 'object.reason': 'object updated', name: 'samuel', namespace: 'default' },
        raw: `${at(ms)}  INFO reconciling object{object.ref=Doc.v1.kube.rs/samuel.default object.reason=object updated}: controller: reconciled`,
      }),
    );
    expect(a.flush().map((x) => [x.variant, x.subject.name, x.metrics['reconciles']])).toEqual([['hot-loop', 'samuel', 3]]);
    // Knative: "Reconcile succeeded" with knative.dev/key and a traceid per reconcile.
    expect(
      hot([0, 30, 60].map((ms, i) => `{"severity":"INFO","timestamp":"${at(ms)}","logger":"controller","message":"Reconcile succeeded","knative.dev/traceid":"t-${i}","knative.dev/key":"ns/svc"}`)),
    ).toEqual([['hot-loop', 'svc', 3]]);
    // A home-grown marker added in the config.
    const own = [0, 500, 1000].map((ms) => `${at(ms)}\tINFO\tsweeper\tSweeping shard\t{"namespace": "d", "name": "s-1"}`);
    expect(feed(own)).toEqual([]);
    expect(feed(own, { vocabulary: { markers: ['sweeping shard'] } }).map((x) => [x.variant, x.subject.name])).toEqual([['hot-loop', 's-1']]);
  });
});

describe('reconcile-burst: the objects one reconcile touches', () => {
  it('are the distinct values of any field that varies inside it, whatever its name', () => {
    const a = reconcileBurst.create({ options: {} });
    const t0 = Date.parse('2026-11-20T10:00:00Z');
    let n = 0;
    const push = (ms: number, msg: string, fields: Record<string, unknown>) =>
      a.onEvent(parseLine(`${new Date(t0 + ms).toISOString()}\tINFO\tcontrollers.Pool\t${msg}\t${JSON.stringify(fields)}`, ++n, { source: 'p.log', referenceYear: 2026 }));
    push(0, 'ConfigMap pool-config changed, requeueing all NodePools', { count: 8 });
    for (let r = 0; r < 8; r++) {
      push(10 + r * 50, 'Reconciling', { controller: 'nodepool', controllerKind: 'NodePool', namespace: 'infra', name: `np-${r}`, reconcileID: `rid-${r}` });
      for (let p = 0; p < 8; p++) push(11 + r * 50 + p, 'Scaling pool', { controller: 'nodepool', reconcileID: `rid-${r}`, pool: `pool-${p}`, shard: 'a', elapsed: `${p}ms` });
    }
    expect(a.flush().map((x) => [x.severity, x.variant, x.metrics['objectsPerReconcile'], x.metrics['operations']])).toEqual([['warning', 'fan-out', 8, 64]]);
  });
});

describe('reconcile-burst: a controller\'s Normal event about one object repeated in a loop', () => {
  const CORPUS = fileURLToPath(new URL('../../../test/real-world/', import.meta.url));
  const scanText = (file: string, text: string): Finding[] => {
    const engine = new Engine({ analyzers: [reconcileBurst] });
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    engine.ingest({ type: 'lines', input: newInput(file, 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
    return engine.findings();
  };

  it('ingress-nginx#10050: "Scheduled for sync" ×25 555 over 41h, every 5.8 s, is a hot-loop warning with the row as evidence', () => {
    const text = readFileSync(join(CORPUS, 'reconcile-burst/ingress-nginx-sync-events-x25555/describe-ingress-events.txt'), 'utf8');
    expect(scanText('describe.txt', text)).toMatchObject([
      {
        rule: 'reconcile-burst',
        severity: 'warning',
        title: 'Hot loop: nginx-ingress-controller wrote Sync 25555 times in 40h59m, every 5.8 s',
        subject: { kind: 'Event', namespace: null, name: 'Sync', controller: 'nginx-ingress-controller' },
        summary:
          'nginx-ingress-controller wrote the Normal event Sync ("Scheduled for sync") 25555 times over 40h59m, on average every 5.8 s: it acts on the object again and again, each change triggering the next (a hot loop; two controllers writing the same object\'s status do this).',
        metrics: { eventCount: 25555, spanSeconds: 147594, meanGapSeconds: 5.8, perMinute: 10.4 },
        evidence: [{ source: 'describe.txt:3', text: 'Normal  Sync  6s (x25555 over 41h)  nginx-ingress-controller  Scheduled for sync' }],
        confidence: 'medium',
        signals: ['event-repeats', 'same-object'],
        variant: 'hot-loop',
      },
    ]);
    // The rows name no object: the first step finds it by the Event's reason.
    expect(scanText('describe.txt', text)[0]!.remediation.steps[0]).toMatch(/^Find the object it keeps acting on: kubectl get events -A --field-selector reason=Sync /);
  });

  it.each([
    ['ingress-nginx#6506: ×7 over 59m, a sync per change', '  Normal  Sync    10m (x7 over 59m)  nginx-ingress-controller  Scheduled for sync'],
    ['an operator flapping its status during install (must-gather-metal\'s highest: ×34 in 104 s)', '  Normal  OperatorStatusChanged  2m (x34 over 4m)  console-operator-status-controller-statussyncer_console  Status for clusteroperator/console changed'],
    ['a CronJob creating a Job every minute for a day (×1440, every 60 s)', '  Normal  SuccessfulCreate  20s (x1440 over 24h)  cronjob-controller  Created job nightly-28401'],
    ['the kubelet pulling an image again and again', '  Normal  Pulled  5s (x500 over 30m)  kubelet  Container image "nginx" already present on machine'],
    ['a Warning (queue-leak\'s, not a reconcile)', '  Warning  FailedSync  5s (x500 over 30m)  some-controller  error syncing'],
  ])('none for %s', (_what, row) => {
    expect(scanText('describe.txt', `${row}\n`)).toEqual([]);
  });
});
