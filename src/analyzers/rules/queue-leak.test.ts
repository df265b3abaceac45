import { readdirSync, readFileSync } from 'node:fs';
import { parseAuditLine, sniffAudit } from '../../parsers/audit.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import type { Finding, FindingDraft, RuleId } from '../../core/finding.js';
import { SEVERITY_RANK } from '../../core/finding.js';
import { Engine } from '../../engine/engine.js';
import { PromReader } from '../../parsers/prometheus.js';
import { newInput } from '../../sources/types.js';
import { errorClassOf, failureOf, parseGoDuration, queueLeak, statusOf, traceCauses } from './queue-leak.js';
import { parseLine } from '../../parsers/index.js';
import { parseResources, resourceEvents } from '../../parsers/resources.js';
import { ANALYZERS } from '../index.js';

const TESTDATA = fileURLToPath(new URL('../testdata/', import.meta.url));

/** Runs the analyzer over one case directory: logs as raw lines through the engine, .prom through PromReader, audit logs through the audit parser. */
export function runCase(rule: RuleId, dir: string): Finding[] {
  const engine = new Engine({ analyzers: rule === 'queue-leak' ? [queueLeak] : [], rules: [rule] });
  return feed(engine, dir);
}

function feed(engine: Engine, dir: string): Finding[] {
  for (const f of readdirSync(dir).sort()) {
    if (f === 'expected.json' || f.endsWith('.md')) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (f.endsWith('.prom')) {
      const input = newInput(f, 'metrics');
      const r = new PromReader(f);
      const events: Event[] = [];
      lines.forEach((l, i) => {
        const ev = r.line(l, i + 1);
        if (ev) events.push(ev);
      });
      engine.ingest({ type: 'events', input, events });
    } else if (sniffAudit(text)) {
      const events = lines.flatMap((l, i) => parseAuditLine(l, i + 1, f) ?? []);
      engine.ingest({ type: 'events', input: newInput(f, 'audit'), events });
    } else {
      engine.ingest({ type: 'lines', input: newInput(f, 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
    }
  }
  return engine.findings();
}

interface Expected {
  findings: { rule: RuleId; severity: string; subject: { name: string }; metrics: Record<string, unknown> }[];
}

/** Checks findings against expected.json: listed ones exactly (rule, name, severity, listed metrics), no others at warning or above. */
export function checkCase(rule: RuleId, dir: string, findings: Finding[]): void {
  const want = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const mine = findings.filter((f) => f.rule === rule);
  for (const w of want.findings) {
    const got = mine.find((f) => f.subject.name === w.subject.name);
    expect(got, `finding for ${w.subject.name}`).toBeDefined();
    expect(got!.severity).toBe(w.severity);
    for (const [k, v] of Object.entries(w.metrics)) expect(got!.metrics[k], `metrics.${k}`).toEqual(v);
  }
  const extra = mine.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning && !want.findings.some((w) => w.subject.name === f.subject.name));
  expect(extra.map((f) => `${f.severity} ${f.subject.name}: ${f.summary}`)).toEqual([]);
}

const cases = readdirSync(join(TESTDATA, 'queue-leak')).sort();

describe('queue-leak golden cases', () => {
  it('has at least four positive and four negative cases', () => {
    expect(cases.filter((c) => c.startsWith('neg-')).length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => !c.startsWith('neg-')).length).toBeGreaterThanOrEqual(4);
  });
  it.each(cases)('%s', (c) => {
    const dir = join(TESTDATA, 'queue-leak', c);
    checkCase('queue-leak', dir, runCase('queue-leak', dir));
  });
});

const opts = { source: 'test.log', referenceYear: 2026 };

describe('queue-leak findings in detail', () => {
  it('reports the planted APIService incident with subject, evidence and times', () => {
    const f = runCase('queue-leak', join(TESTDATA, 'queue-leak', 'klog-plain-apiservice-401-doubling'));
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x.subject).toEqual({ kind: 'APIService', namespace: null, name: 'v1beta1.metrics.example.io', controller: 'AvailableConditionController' });
    expect(x.metrics).toEqual({ windowSeconds: 30, failures: 63, windows: 6, perWindow: [1, 2, 4, 8, 16, 32], authErrors: 63, statusCode: 401, excessWindows: 3 });
    expect(x.firstSeen).toBe('2026-11-20T09:00:00Z');
    expect(x.lastSeen).toBe('2026-11-20T09:02:59.062Z');
    // first line, the first line of each growth window (the first is the same line), the last line
    expect(x.evidence.map((e) => e.source)).toEqual([3, 4, 6, 10, 18, 34, 65].map((n) => `kube-apiserver.log:${n}`));
    expect(x.evidence[0]!.time).toBe('2026-11-20T09:00:00Z');
    expect(x.evidence[0]!.text).toContain('v1beta1.metrics.example.io failed with:');
    expect(x.remediation.steps.join(' ')).toContain('queue.Forget');
  });

  it('says nothing of the real ingress-operator backoff burst: 13 failures in one window, then it heals', () => {
    const f = runCase('queue-leak', join(TESTDATA, 'queue-leak', 'neg-zap-console-real-backoff-then-heals'));
    expect(f).toEqual([]);
  });

  it('notes a key failing steadily at the rate limiter pace as info', () => {
    const f = runCase('queue-leak', join(TESTDATA, 'queue-leak', 'neg-cri-klog-steady-at-limiter-pace'));
    expect(f.map((x) => x.severity)).toEqual(['info']);
    expect(f[0]!.metrics).toMatchObject({ failures: 20, windows: 10 });
  });

  it('the same steady failures logged by three processes (HA replicas, or one log read thrice): each retries on its own schedule, no backoff excess', () => {
    const dir = join(TESTDATA, 'queue-leak', 'neg-cri-klog-steady-at-limiter-pace');
    const lines = readFileSync(join(dir, 'kube-apiserver.log'), 'utf8').split('\n').filter(Boolean);
    const read = (pods: string[]) => {
      const engine = new Engine({ analyzers: [queueLeak], rules: ['queue-leak'] });
      for (const pod of pods) engine.ingest({ type: 'lines', input: newInput(`${pod}/kube-apiserver.log`, 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
      return engine.findings().map((x) => [x.severity, x.variant, x.metrics['failures'], x.metrics['windows'], x.metrics['excessWindows']]);
    };
    expect(read(['kube-apiserver-master-0'])).toEqual([['info', 'rate-limited-retries', 20, 10, undefined]]);
    // Interleaved as one process, two of every three failures came at once with another: that
    // read as re-adds beyond the rate limiter, a backoff-excess warning.
    expect(read(['kube-apiserver-master-0', 'kube-apiserver-master-1', 'kube-apiserver-master-2'])).toEqual([['info', 'rate-limited-retries', 60, 10, undefined]]);
  });

  it('reads the growth of a controller-runtime key from zap console lines in a CRI wrapper', () => {
    const f = runCase('queue-leak', join(TESTDATA, 'queue-leak', 'zap-console-cri-reconciler-growth'));
    expect(f).toHaveLength(1);
    expect(f[0]!.subject).toEqual({ kind: 'Backup', namespace: 'db', name: 'nightly', controller: 'backup' });
    expect(f[0]!.severity).toBe('critical');
  });

  it('reports a growing workqueue from metric snapshots and leaves a low queue alone', () => {
    const f = runCase('queue-leak', join(TESTDATA, 'queue-leak', 'prom-depth-and-retries-growing'));
    expect(f.map((x) => x.subject.name)).toEqual(['reporter']);
    expect(f[0]!.subject).toEqual({ kind: 'WorkQueue', namespace: null, name: 'reporter', controller: 'reporter' });
    expect(f[0]!.metrics).toMatchObject({ depthMax: 650, addsDelta: 300, retriesDelta: 150, retryRatio: 0.5 });
    expect(f[0]!.evidence[0]!.text).toBe('workqueue_depth{controller="reporter",name="reporter"} 5');
  });

  it('keeps memory bounded: beyond MAX_KEYS the oldest key is dropped and counted', async () => {
    const { MAX_KEYS } = await import('./queue-leak.js');
    const a = queueLeak.create({ options: {} });
    const t0 = Date.parse('2026-11-20T09:00:00Z');
    for (let i = 0; i < MAX_KEYS + 5; i++) {
      a.onEvent(parseLine(`2026-11-20T09:00:00.000Z\tERROR\tReconciler error\t{"controller": "c", "namespace": "n", "name": "k${i}", "error": "boom"}`, i + 1, opts));
    }
    for (let j = 0; j < 12; j++) a.onEvent(parseLine(`${new Date(t0 + j * 40_000).toISOString()}\tERROR\tReconciler error\t{"controller": "c", "namespace": "n", "name": "hot", "error": "boom"}`, 99_999 + j, opts));
    const f = a.flush();
    expect(f.map((x) => [x.subject.name, x.severity, x.metrics['droppedKeys']])).toEqual([['hot', 'info', 6]]);
  });
});

describe('queue-leak line recognition', () => {
  it.each([
    ['E1120 09:00:00.000000       1 available_controller.go:524] v1beta1.metrics.example.io failed with: bad status from https://x:443/apis: 401', 'APIService', 'v1beta1.metrics.example.io', 'AvailableConditionController', 401],
    ['E1120 09:00:00.000000       1 remote_available_controller.go:448] "Unhandled Error" err="v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.96.54.77:443/apis/metrics.k8s.io/v1beta1: Get \\"https://10.96.54.77:443/apis/metrics.k8s.io/v1beta1\\": dial tcp 10.96.54.77:443: connect: connection refused" logger="UnhandledError"', 'APIService', 'v1beta1.metrics.k8s.io', 'RemoteAvailabilityController', undefined],
    ['2021-08-03T09:24:50.302Z\tERROR\toperator.init.controller-runtime.manager.controller.certificate_controller\tcontroller/controller.go:253\tReconciler error\t{"name": "default", "namespace": "openshift-ingress-operator", "error": "failed to lookup wildcard cert: secrets \\"router-certs-default\\" not found"}', 'Object', 'default', 'certificate_controller', undefined],
    ['{"level":"error","ts":"2026-11-20T09:00:00Z","msg":"Reconciler error","controller":"va","controllerKind":"VariantAutoscaling","VariantAutoscaling":{"name":"a","namespace":"b"},"namespace":"b","name":"a","reconcileID":"x","error":"Unauthorized"}', 'VariantAutoscaling', 'a', 'va', 401],
    ["E1120 09:00:00.000000       1 controller.go:183] Error syncing 'default/foo': something went wrong, requeuing", 'Key', 'foo', 'controller.go', undefined],
    ['E1120 09:00:00.000000       1 deployment_controller.go:497] "Error syncing deployment" deployment="apps/web" err="Operation cannot be fulfilled"', 'Deployment', 'web', 'deployment_controller.go', undefined],
  ])('%s', (line, kind, name, controller, status) => {
    const e = parseLine(line, 1, opts);
    const f = failureOf(e);
    expect(f?.subject.kind).toBe(kind);
    expect(f?.subject.name).toBe(name);
    expect(f?.subject.controller).toBe(controller);
    expect(statusOf(f!.text)).toBe(status);
  });

  it.each([
    'I1120 09:00:00.000000       1 available_controller.go:475] Starting AvailableConditionController',
    'E0803 09:54:07.873307      20 apiaccess_count_controller.go:140] invalid resource name ".": [may not be \'.\']',
    '2026-08-07T20:20:34Z\tINFO\tcontroller/configmap_reconciler.go:181\tUpdated global saturation config from ConfigMap\t{"controller": "configmap", "name": "x", "reconcileID": "a"}',
  ])('no failure in %s', (line) => {
    expect(failureOf(parseLine(line, 1, opts))).toBeUndefined();
  });

  it.each([
    ['30s', 30_000],
    ['5m0s', 300_000],
    ['12h0m0s', 43_200_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['soon', undefined],
  ])('parses Go duration %s', (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms);
  });
});

describe('queue-leak: keyed failures in the words of other controllers', () => {
  it.each([
    [
      '{"severity":"ERROR","timestamp":"2023-02-17T12:23:06.314986042Z","logger":"controller","caller":"controller/controller.go:566","message":"Reconcile error","knative.dev/controller":"knative.dev.serving.pkg.reconciler.labeler.Reconciler","knative.dev/kind":"serving.knative.dev.Route","knative.dev/key":"kserve/sklearn-iris","error":"failed to set finalizers"}',
      { kind: 'Route', namespace: 'kserve', name: 'sklearn-iris', controller: 'knative.dev.serving.pkg.reconciler.labeler.Reconciler' },
      'other',
    ],
    [
      "2025/08/03 19:35:13 [ERROR] error syncing 'c-jzl7m': handler cluster-deploy: cannot connect to the cluster's Kubernetes API, requeuing",
      { kind: 'Key', namespace: null, name: 'c-jzl7m', controller: 'cluster-deploy' },
      'other',
    ],
    [
      'E0905 14:47:55.129404       1 controller.go:116] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: service unavailable',
      { kind: 'APIService', namespace: null, name: 'v1beta1.metrics.k8s.io', controller: 'controller.go' },
      'other',
    ],
    [
      'E1214 08:00:00.000000       1 base_controller.go:270] "StaticResourceController" controller failed to sync "key", err: the server could not find the requested resource',
      { kind: 'Key', namespace: null, name: 'key', controller: 'StaticResourceController' },
      'gone',
    ],
    [
      "2021/10/28 10:30:21 [ERROR] error syncing 'default': handler secretsController: Internal error occurred: failed calling webhook \"rancher.cattle.io\": x509: certificate has expired or is not yet valid, requeuing",
      { kind: 'Key', namespace: null, name: 'default', controller: 'secretsController' },
      'tls',
    ],
    [
      // A JSON line cut short: no parser reads it, its key fields are still there.
      '{"severity":"ERROR","timestamp":"2022-02-23T18:07:26.194504679Z","message":"Reconcile error","knative.dev/key":"default/hello-world","error":"Post \\"https://w.svc:443\\": dial tcp: lookup w.svc on 10.96.0.10:53: no such host","stacktrace":"knative.dev/pkg/contr',
      { kind: 'Object', namespace: 'default', name: 'hello-world', controller: null },
      'host',
    ],
  ])('%s', (line, subject, cls) => {
    const f = failureOf(parseLine(line, 1, opts));
    expect(f?.subject).toEqual(subject);
    expect(f?.cls).toBe(cls);
    expect(f?.requeueOnly).toBe(false);
  });

  it('a record that only says the key was requeued is a requeue, not a second failure', () => {
    const f = failureOf(parseLine('I0905 14:47:55.129411       1 controller.go:129] OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.', 1, opts));
    expect(f?.subject.name).toBe('v1beta1.metrics.k8s.io');
    expect(f?.requeueOnly).toBe(true);
  });

  it('list/watch and leader-election failures name no queued key', () => {
    for (const line of [
      'E0114 08:23:03.355594       1 leaderelection.go:331] error retrieving resource lock kube-system/kube-controller-manager: Get https://localhost:8443/api: x509: certificate signed by unknown authority',
      'E1015 11:56:46.971210    2901 reflector.go:178] k8s.io/client-go/informers/factory.go:135: Failed to list *v1.StorageClass: x509: certificate signed by unknown authority',
    ]) {
      expect(failureOf(parseLine(line, 1, opts))).toBeUndefined();
    }
  });

  it.each([
    ['401 Bad credentials', 'auth'],
    ['x509: certificate signed by unknown authority', 'tls'],
    ['dial tcp: lookup db on 10.96.0.10:53: no such host', 'host'],
    ['no matches for kind "DeploymentConfig" in version "apps.openshift.io/v1"', 'gone'],
    ['Operation cannot be fulfilled on widgets.example.io "w": the object has been modified', 'transient'],
    ['context deadline exceeded', 'other'],
  ])('error class of "%s" is %s', (text, cls) => {
    expect(errorClassOf(text)).toBe(cls);
  });
});

describe('queue-leak: thin evidence gives a note, never a warning', () => {
  const run = (lines: string[]) => {
    const a = queueLeak.create({ options: {} });
    lines.forEach((l, i) => a.onEvent(parseLine(l, i + 1, opts)));
    return a.flush() as (FindingDraft & { confidence?: string; variant?: string; signals?: string[] })[];
  };
  const cr = (t: string, err: string) =>
    `${t}\tERROR\tReconciler error\t{"controller": "repository", "controllerKind": "Repository", "namespace": "default", "name": "r1", "error": "${err}"}`;

  it('one failure with an error retrying cannot heal: an info note of low confidence', () => {
    const f = run([cr('2026-11-20T09:00:00.000Z', 'failed to get repo: GET https://api.github.com/repos/r1: 401 Bad credentials []')]);
    expect(f.map((x) => [x.severity, x.subject.name, x.variant, x.confidence, x.signals])).toEqual([['info', 'r1', 'auth-retry', 'low', ['keyed-failures', 'cannot-heal']]]);
    expect(f[0]!.title).toBe('repository fails on Repository default/r1 with an error retrying cannot heal');
  });

  it('four auth failures in one window: still a note (warnings need them in 3 windows)', () => {
    const f = run(['00.000', '00.005', '00.015', '00.035'].map((s) => cr(`2026-11-20T09:00:${s}Z`, 'Unauthorized')));
    expect(f.map((x) => [x.severity, x.variant, x.metrics['failures'], x.metrics['authErrors']])).toEqual([['info', 'auth-retry', 4, 4]]);
  });

  it('a success of the key ends the streak: no note', () => {
    const f = run([
      cr('2026-11-20T09:00:00.000Z', 'x509: certificate has expired or is not yet valid'),
      '{"severity":"info","timestamp":"2026-11-20T09:00:01Z","message":"Reconcile succeeded","knative.dev/controller":"repository","knative.dev/key":"default/r1"}',
    ]);
    expect(f).toEqual([]);
  });

  it('other errors: three failures in one window is a backoff burst (nothing), across two windows a note', () => {
    const burst = run(['00.000', '00.005', '00.015'].map((s) => cr(`2026-11-20T09:00:${s}Z`, 'context deadline exceeded')));
    expect(burst).toEqual([]);
    const spread = run(['09:00:10', '09:00:40', '09:01:10'].map((t) => cr(`2026-11-20T${t}.000Z`, 'context deadline exceeded')));
    expect(spread.map((x) => [x.severity, x.variant, x.confidence, x.metrics['windows']])).toEqual([['info', 'repeated-failure', 'low', 3]]);
    expect(spread[0]!.summary).toBe('default/r1: 3 failures over 3 resync windows of 30 s; the key failed 3 times in a row across 3 resync windows with no success between.');
  });

  it('conflicts heal by design: never a note on their own', () => {
    const f = run(['09:00:10', '09:00:40', '09:01:10'].map((t) => cr(`2026-11-20T${t}.000Z`, 'Operation cannot be fulfilled on repositories \\"r1\\": the object has been modified')));
    expect(f).toEqual([]);
  });

  it('one APIService that two kube-aggregator controllers each fail on a few times: one note for the object', () => {
    const f = run([
      'E1231 04:14:29.511397       1 available_controller.go:419] v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.32.81.244:443/apis/metrics.k8s.io/v1beta1: net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      'E1231 04:14:30.485337       1 controller.go:114] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failed to retrieve openAPI spec, http error: ResponseCode: 503',
      'I1231 04:14:30.485366       1 controller.go:127] OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.',
      'E1231 04:14:34.511927       1 available_controller.go:419] v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.32.81.244:443/apis/metrics.k8s.io/v1beta1: net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
    ]);
    expect(f.map((x) => [x.severity, x.subject, x.metrics])).toEqual([
      [
        'info',
        { kind: 'APIService', namespace: null, name: 'v1beta1.metrics.k8s.io', controller: 'AvailableConditionController, controller.go' },
        { windowSeconds: 30, failures: 3, windows: 2, controllers: 2, requeues: 1 },
      ],
    ]);
    expect(f[0]!.evidence.map((e) => e.source)).toEqual(['test.log:1', 'test.log:2', 'test.log:3', 'test.log:4']);
  });
});

describe('queue-leak: keys in brackets and in logfmt-like pairs of lines no parser reads', () => {
  it.each([
    [
      "[2023-11-02 09:14:20,650] kopf.objects         [ERROR   ] [cmcc-operator/replicaset-cmcc] Handler 'send_to_dojo' failed temporarily: Connection broken",
      { namespace: 'cmcc-operator', name: 'replicaset-cmcc' },
    ],
    [
      '2025-02-21T11:41:10.533585Z  WARN sinker::controller: reconcile failed name="06a8ee86-clusterrolebinding" error=Kube Error: ApiError: the server could not find the requested resource: NotFound',
      { namespace: null, name: '06a8ee86-clusterrolebinding' },
    ],
  ])('%s', (line, where) => {
    const f = failureOf(parseLine(line, 1, opts));
    expect(f && { namespace: f.subject.namespace, name: f.subject.name }).toEqual(where);
  });
});

describe('queue-leak: keys and reasons in the words of Java operators and OpenShift controllers', () => {
  it.each([
    [
      // https://github.com/quarkiverse/quarkus-operator-sdk/issues/465 (comment by juangon, 2023-01-02): JOSDK's ResourceID.
      "2023-01-02 18:00:49,355 ERROR [io.jav.ope.pro.eve.ReconciliationDispatcher] (ReconcilerExecutor-teis-app-controller-287) Error during event processing ExecutionScope{ resource id: ResourceID{name='teis-app-proactivanet', namespace='teis-proactivanet-soriana-demo'}, version: 803492499} failed.: io.javaoperatorsdk.operator.AggregatedOperatorException: Exception(s) during workflow execution. Details:",
      { kind: 'Key', namespace: 'teis-proactivanet-soriana-demo', name: 'teis-app-proactivanet', controller: 'ReconciliationDispatcher' },
      'other',
    ],
    [
      // https://github.com/openshift/installer/issues/925 (description): the first phrase names a kind, the key comes after "will be retried".
      'I1216 16:26:42.671189       1 create_dockercfg_secrets.go:291] error syncing service, it will be retried kube-system/pvc-protection-controller: serviceaccounts "pvc-protection-controller" is forbidden: User "system:serviceaccount:openshift-infra:serviceaccount-pull-secrets-controller" cannot update serviceaccounts in the namespace "kube-system": no RBAC policy matched',
      { kind: 'Key', namespace: 'kube-system', name: 'pvc-protection-controller', controller: 'create_dockercfg_secrets.go' },
      'auth',
    ],
    [
      // The same issue: `<key> failed with : …`, a space before the colon.
      'E1216 16:26:42.730611       1 serviceaccounts_controller.go:180] openshift-core-operators failed with : [serviceaccounts is forbidden: User "system:serviceaccount:openshift-infra:serviceaccount-controller" cannot create serviceaccounts in the namespace "openshift-core-operators": no RBAC policy matched]',
      { kind: 'Key', namespace: null, name: 'openshift-core-operators', controller: 'serviceaccounts_controller.go' },
      'auth',
    ],
    [
      // https://github.com/crossplane-contrib/provider-upjet-aws/issues/611 (description): Crossplane logs its managed
      // reconciler's failures at debug, with an error field; a cluster-scoped request is `/name`.
      '1.6789884239407005e+09\tDEBUG\tprovider-aws\tCannot connect to provider\t{"controller": "managed/cognitoidp.aws.upbound.io/v1beta1, kind=userpool", "request": "/alper-0", "uid": "d054dcd6-d6bf-439d-8ed9-e5398370fa25", "version": "13954", "external-name": "", "error": "cannot get terraform setup: failed to retrieve aws credentials from aws config: failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: bde8d269-2dec-4dd5-b8bf-b46880e1ab85, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"}',
      { kind: 'Object', namespace: null, name: 'alper-0', controller: 'managed/cognitoidp.aws.upbound.io/v1beta1, kind=userpool' },
      'auth',
    ],
    [
      // https://github.com/argoproj/argo-workflows/issues/4534 (comment by YasukeXXX): the object an action failed on, quoted after the verb.
      'time="2020-11-17T01:18:48.443Z" level=warning msg="Failed to get pod \'delightful-tiger\': pods \\"delightful-tiger\\" is forbidden: User \\"system:serviceaccount:default:default\\" cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"default\\""',
      { kind: 'Key', namespace: null, name: 'delightful-tiger', controller: null },
      'auth',
    ],
  ])('%s', (line, subject, cls) => {
    const f = failureOf(parseLine(line, 1, opts));
    expect(f?.subject).toEqual(subject);
    expect(f?.cls).toBe(cls);
  });

  const run = (lines: string[]) => {
    const a = queueLeak.create({ options: {} });
    lines.forEach((l, i) => a.onEvent(parseLine(l, i + 1, opts)));
    return a.flush() as (FindingDraft & { confidence?: string; variant?: string })[];
  };
  // https://github.com/apache/flink-kubernetes-operator/pull/577 (comment by gyfora, 2023-04-27), its first two lines.
  const failure = "[ERROR][flink/basic-example] Error during event processing ExecutionScope{ resource id: ResourceID{name='basic-example', namespace='flink'}, version: 1791281} failed.";
  const exception =
    'io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: PUT at: https://10.96.0.1:443/apis/flink.apache.org/v1beta1/namespaces/flink/flinkdeployments/basic-example. Message: Forbidden!Configured service account doesn\'t have access. Service account may have been revoked. flinkdeployments.flink.apache.org "basic-example" is forbidden: User "system:serviceaccount:default:flink-operator" cannot update resource "flinkdeployments" in API group "flink.apache.org" in the namespace "flink".';

  it("RBAC's own sentence names a resource type, not an object: no key from it", () => {
    // must-gather-metal: the kubelet's event recorder, rejected by the API server.
    const f = failureOf(parseLine('E0914 14:29:30.384025       1 event.go:264] Server rejected event \'&v1.Event{}\': \'events is forbidden: User "system:serviceaccount:x:y" cannot create resource "events" in API group "" in the namespace "default"\' (will not retry!)', 1, opts));
    expect(f).toBeUndefined();
  });

  it('the exception on the line after a failure record is its reason: a Forbidden one makes the note of an error retrying cannot heal', () => {
    const f = run([failure, exception]);
    expect(f.map((x) => [x.severity, x.subject, x.variant, x.metrics])).toEqual([
      ['info', { kind: 'Key', namespace: 'flink', name: 'basic-example', controller: null }, 'auth-retry', { windowSeconds: 30, failures: 1, windows: 0, cannotHealErrors: 1, statusCode: 403 }],
    ]);
    expect(f[0]!.title).toBe('workqueue fails on Key flink/basic-example with an error retrying cannot heal');
  });

  it("the trace attached to a record gives its reason, behind a log viewer's border and grep's `--` too", () => {
    // https://github.com/strimzi/strimzi-kafka-operator/issues/1055 (description), its first three lines and last frame.
    const lines = [
      '2018-11-01 07:27:44 ERROR AbstractAssemblyOperator:244 - Reconciliation #0(watch) Kafka(proj/kafka): createOrUpdate failed',
      '--',
      '  | io.fabric8.kubernetes.client.KubernetesClientException: Got unexpected POST status code 403: Forbidden',
      '  | at java.lang.Thread.run(Thread.java:748) [?:1.8.0_181]',
    ];
    const e = new Engine({ analyzers: [queueLeak], rules: ['queue-leak'] });
    e.ingest({ type: 'lines', input: newInput('co.log', 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
    expect(e.findings().map((x) => [x.severity, x.subject, x.metrics])).toEqual([
      ['info', { kind: 'Kafka', namespace: 'proj', name: 'kafka', controller: 'AbstractAssemblyOperator' }, { windowSeconds: 30, failures: 1, windows: 1, cannotHealErrors: 1, statusCode: 403 }],
    ]);
    expect(traceCauses('Error during event processing … failed.\n\tat a.B.c(B.java:1)\nCaused by: io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: PATCH … Forbidden')).toBe(
      'Caused by: io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: PATCH … Forbidden',
    );
    expect(traceCauses('one line only')).toBe('');
  });

  it('the failure alone, or the exception two lines below it, says nothing of its reason: no note', () => {
    expect(run([failure])).toEqual([]);
    expect(run([failure, '    at io.fabric8.kubernetes.client.KubernetesClientException.copyAsCause(KubernetesClientException.java:238)', exception])).toEqual([]);
  });
});

describe("queue-leak: an informer's resync period is its own input's", () => {
  // test/fixtures/reflector-per-input/README.md: must-gather-metal's kubelet retrying one pod
  // (12 failures, 14:12:51-14:13:12) and the etcd operator's Pod informer (10m0s).
  const dir = fileURLToPath(new URL('../../../test/fixtures/reflector-per-input/', import.meta.url));
  const scan = (order: string[]) => {
    const engine = new Engine({ analyzers: [queueLeak] });
    for (const name of order) {
      const lines = readFileSync(join(dir, name), 'utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      engine.ingest({ type: 'lines', input: newInput(name, 'log', { referenceYear: 2021 }), lines, firstLine: 1 });
    }
    return engine.findings().map((f) => [f.severity, f.subject.name, f.metrics]);
  };

  it('gives the same note on the pod whichever file comes first, in the kubelet\'s own 30 s windows', () => {
    const note = [['info', 'network-metrics-daemon-66dhn', { windowSeconds: 30, failures: 12, windows: 2, perWindow: [5, 7] }]];
    expect(scan(['kubelet_service.log', 'operator.log'])).toEqual(note);
    expect(scan(['operator.log', 'kubelet_service.log'])).toEqual(note);
  });
});

describe('queue-leak: a retry held back by its own backoff is the limiter working', () => {
  it('a crash-looping pod the kubelet syncs every 10 s makes no finding', () => {
    const a = queueLeak.create({ options: {} });
    for (let i = 0; i < 60; i++) {
      const t = new Date(Date.parse('2026-11-20T09:00:00Z') + i * 10_000).toISOString().slice(11, 19);
      a.onEvent(
        parseLine(
          `E1120 ${t}.000000    1988 pod_workers.go:765] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"proxy\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=proxy pod=cmo_mon(b8)\\"" pod="mon/cmo" podUID=b8`,
          i + 1,
          opts,
        ),
      );
    }
    expect(a.flush()).toEqual([]);
  });
});

describe('queue-leak: the failure-requeue cycle logged by the controller itself', () => {
  it('kube-aggregator failing on an APIService inside one window, requeued twice: a note for the object', () => {
    const a = queueLeak.create({ options: {} });
    [
      'E0125 18:30:09.594368       1 controller.go:116] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: service unavailable',
      'I0125 18:30:09.594376       1 controller.go:129] OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.',
      'E0125 18:30:13.599113       1 available_controller.go:508] v1beta1.metrics.k8s.io failed with: failing or missing response from https://10.43.247.145:443/apis/metrics.k8s.io/v1beta1: net/http: request canceled while waiting for connection',
      'E0125 18:30:14.599920       1 controller.go:116] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: service unavailable',
      'I0125 18:30:14.599927       1 controller.go:129] OpenAPI AggregationController: action for item v1beta1.metrics.k8s.io: Rate Limited Requeue.',
    ].forEach((l, i) => a.onEvent(parseLine(l, i + 1, opts)));
    const f = a.flush();
    expect(f.map((x) => [x.severity, x.subject.name, x.metrics])).toEqual([
      ['info', 'v1beta1.metrics.k8s.io', { windowSeconds: 30, failures: 3, windows: 1, controllers: 2, requeues: 2 }],
    ]);
  });
});

describe('a growing workqueue is one finding: queue-leak owns workqueue_depth, stale-pending leaves it', () => {
  /** Four scrapes of one client-go queue, a minute apart: its depth only grows, its adds with it. */
  const scrape = (min: number, depth: number, adds: number) =>
    [
      `# scrape 2026-11-20T08:0${min}:00Z`,
      `workqueue_depth{name="certificates"} ${depth}`,
      `workqueue_adds_total{name="certificates"} ${adds}`,
      `workqueue_queue_duration_seconds_count{name="certificates"} ${adds}`,
      `workqueue_longest_running_processor_seconds{name="certificates"} ${min * 60}`,
    ].join('\n');
  const dump = (depths: number[]) => depths.map((d, i) => scrape(i, d, 100 * (i + 1))).join('\n');

  /** Every rule of the project on the dump, as `scan` runs them. */
  function allRules(text: string): Finding[] {
    const engine = new Engine({ analyzers: ANALYZERS });
    const r = new PromReader('m.prom');
    const events: Event[] = [];
    text.split('\n').forEach((l, i) => {
      const ev = r.line(l, i + 1);
      if (ev) events.push(ev);
    });
    engine.ingest({ type: 'events', input: newInput('m.prom', 'metrics'), events });
    return engine.findings();
  }

  it('depth 42 → 50 → 61 → 77: one queue-leak warning with both signals (exact finding)', () => {
    const fs = allRules(dump([42, 50, 61, 77]));
    expect(fs.map(({ id: _id, ...f }) => f)).toEqual([
      {
        rule: 'queue-leak',
        severity: 'warning',
        title: 'Workqueue certificates is not draining',
        subject: { kind: 'WorkQueue', namespace: null, name: 'certificates', controller: null },
        summary: 'workqueue certificates: depth keeps rising (42 → 77); it rose at 4 snapshots in a row and never fell.',
        metrics: { depthFirst: 42, depthLast: 77, depthMax: 77, snapshots: 4, depthSlopePerMinute: 11.6, windowSeconds: 180 },
        evidence: [
          { source: 'm.prom:2', time: '2026-11-20T08:00:00Z', text: 'workqueue_depth{name="certificates"} 42' },
          { source: 'm.prom:17', time: '2026-11-20T08:03:00Z', text: 'workqueue_depth{name="certificates"} 77' },
        ],
        firstSeen: '2026-11-20T08:00:00Z',
        lastSeen: '2026-11-20T08:03:00Z',
        confidence: 'high',
        signals: ['depth-trend', 'depth-never-falls'],
        variant: 'queue-not-draining',
        remediation: expect.any(Object),
      },
    ]);
  });

  it('a low depth that never falls (2 → 3 → 5 → 8) is still reported, once, by queue-leak', () => {
    const fs = allRules(dump([2, 3, 5, 8]));
    expect(fs.map((f) => [f.rule, f.severity, f.subject.name, f.summary, f.signals])).toEqual([
      ['queue-leak', 'warning', 'certificates', 'workqueue certificates: depth rose at 4 snapshots in a row and never fell (2 → 8).', ['depth-never-falls']],
    ]);
  });

  it('with queue-leak off, stale-pending still reports the depth series', () => {
    const a = ANALYZERS.find((d) => d.rule === 'stale-pending')!.create({ options: {}, rules: ['stale-pending'] });
    const r = new PromReader('m.prom');
    dump([42, 50, 61, 77]).split('\n').forEach((l, i) => {
      const ev = r.line(l, i + 1);
      if (ev) a.onEvent(ev);
    });
    expect(a.flush().map((f) => [f.rule, f.severity, f.subject.name])).toEqual([['stale-pending', 'warning', 'workqueue_depth{name="certificates"}']]);
  });
});

describe('queue-leak: one failure told twice by one process is one failure', () => {
  // Real lines of must-gather-metal (provenance in the fixtures' README.md).
  const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/errors-told-twice/', import.meta.url));
  const read = (file: string) => {
    const engine = new Engine({ analyzers: [queueLeak], rules: ['queue-leak'] });
    const lines = readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter(Boolean);
    engine.ingest({ type: 'lines', input: newInput(file, 'log'), lines, firstLine: 1 });
    return engine.findings();
  };

  it('OLM\'s own error and controller-runtime\'s "Reconciler error" for each return: 10 failures, not 20, and no excess window', () => {
    const f = read('olm-operator.log');
    expect(f.map((x) => [x.severity, x.variant, x.subject.namespace, x.subject.name, x.metrics])).toEqual([
      ['info', 'rate-limited-retries', 'cfe-test-namespace', 'projectrequestlimits.v0.0.1', { windowSeconds: 30, failures: 10, windows: 2 }],
    ]);
  });

  it('"Syncing … failed" then "sync … failed: …" in the same microseconds, twice in five minutes: two failures, not a note', () => {
    expect(read('cluster-monitoring-operator.log')).toEqual([]);
  });
});

describe('queue-leak: a controller\'s Event repeating an error retrying cannot heal', () => {
  const CORPUS = fileURLToPath(new URL('../../../test/real-world/', import.meta.url));
  const scanLines = (file: string, text: string): Finding[] => {
    const engine = new Engine({ analyzers: [queueLeak] });
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    engine.ingest({ type: 'lines', input: newInput(file, 'log', { referenceYear: 2026 }), lines, firstLine: 1 });
    return engine.findings();
  };
  const scanDump = (yaml: string): Finding[] => {
    const engine = new Engine({ analyzers: [queueLeak] });
    const events = resourceEvents(parseResources(yaml, 'events.yaml'), 'events.yaml');
    engine.ingest({ type: 'events', input: newInput('events.yaml', 'resources'), events });
    return engine.findings();
  };
  /** A core/v1 Event as `kubectl get events -o yaml` prints it. */
  const eventYaml = (o: { component: string; reason: string; message: string; count: number; first: string; last: string; kind?: string; name?: string }): string =>
    [
      'apiVersion: v1',
      'kind: EventList',
      'items:',
      '- apiVersion: v1',
      '  kind: Event',
      '  metadata:',
      `    name: ${o.name ?? 'web-6d4cf56db6'}.17f0a1b2c3d4e5f6`,
      '    namespace: shop',
      '  involvedObject:',
      `    kind: ${o.kind ?? 'ReplicaSet'}`,
      `    name: ${o.name ?? 'web-6d4cf56db6'}`,
      '    namespace: shop',
      `  reason: ${o.reason}`,
      `  message: '${o.message}'`,
      '  source:',
      `    component: ${o.component}`,
      `  count: ${o.count}`,
      `  firstTimestamp: "${o.first}"`,
      `  lastTimestamp: "${o.last}"`,
      '  type: Warning',
      '',
    ].join('\n');

  it('cert-manager#6673 (a describe row): ErrInitIssuer 403 ×44 over 3h12m is a warning with the row as evidence', () => {
    const file = join(CORPUS, 'queue-leak/cert-manager-issuer-token-forbidden/describe-issuer.txt');
    const [f, ...rest] = scanLines('describe-issuer.txt', readFileSync(file, 'utf8'));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: 'queue-leak',
      severity: 'warning',
      title: 'cert-manager-issuers keeps retrying an error that cannot heal (ErrInitIssuer ×44 over 3h9m)',
      subject: { kind: 'Event', namespace: null, name: 'ErrInitIssuer', controller: 'cert-manager-issuers' },
      summary: 'Event ErrInitIssuer from cert-manager-issuers repeated 44 times over 3h9m, about every 4m: a 403, which retrying cannot heal, retried all along.',
      metrics: { eventCount: 44, spanSeconds: 11359, meanGapSeconds: 264, statusCode: 403 },
      confidence: 'medium',
      signals: ['event-repeats', 'cannot-heal'],
      variant: 'auth-retry',
    });
    expect(f!.evidence).toHaveLength(1);
    expect(f!.evidence[0]!.source).toBe('describe-issuer.txt:1');
    expect(f!.evidence[0]!.text).toMatch(/^Warning {2}ErrInitIssuer {2}2m41s \(x44 over 3h12m\) {2}cert-manager-issuers {2}Error initializing issuer: /);
    // The row names no object: the first step finds it by the Event's reason (no `kubectl get event ErrInitIssuer`).
    expect(f!.remediation.steps[0]).toBe('Now: Find the object the cert-manager-issuers keeps failing on: kubectl get events -A --field-selector reason=ErrInitIssuer (its OBJECT column), then kubectl describe that object for the full error.');
  });

  it('an Event object from a dump: FailedCreate forbidden ×107 over 9h is a warning of high confidence, with its times', () => {
    const yaml = eventYaml({ component: 'replicaset-controller', reason: 'FailedCreate', message: 'Error creating: pods "web-6d4cf56db6-" is forbidden: unable to validate against any security context constraint: []', count: 107, first: '2020-11-24T01:00:00Z', last: '2020-11-24T10:00:00Z' });
    const [f, ...rest] = scanDump(yaml);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      severity: 'warning',
      title: 'replicaset-controller keeps retrying ReplicaSet shop/web-6d4cf56db6 on an error that cannot heal (FailedCreate ×107 over 9h)',
      subject: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-6d4cf56db6', controller: 'replicaset-controller' },
      metrics: { eventCount: 107, spanSeconds: 32400, meanGapSeconds: 306, statusCode: 403 },
      firstSeen: '2020-11-24T01:00:00Z',
      lastSeen: '2020-11-24T10:00:00Z',
      confidence: 'high',
      evidence: [
        {
          source: 'events.yaml:4',
          time: '2020-11-24T10:00:00Z',
          text: 'Warning FailedCreate count=107 firstTimestamp=2020-11-24T01:00:00Z lastTimestamp=2020-11-24T10:00:00Z source=replicaset-controller involvedObject=ReplicaSet shop/web-6d4cf56db6: Error creating: pods "web-6d4cf56db6-" is forbidden: unable to validate against any security context constraint: []',
        },
      ],
    });
  });

  it('an x509 error ×8 over 25 minutes: an info note (too short a run for a warning)', () => {
    const yaml = eventYaml({ component: 'knative-serving-controller', reason: 'InternalError', message: 'x509: certificate signed by unknown authority', count: 8, first: '2024-01-01T10:00:00Z', last: '2024-01-01T10:25:00Z', kind: 'Revision', name: 'hello-00001' });
    expect(scanDump(yaml).map((f) => [f.severity, f.variant, f.metrics])).toEqual([['info', 'cannot-heal', { eventCount: 8, spanSeconds: 1500, meanGapSeconds: 214 }]]);
  });

  it.each([
    ['a bootstrap burst (must-gather-metal: FailedCreate forbidden ×11 in 5 s)', { component: 'replicaset-controller', reason: 'FailedCreate', message: 'Error creating: pods "cluster-version-operator-6665686f4d-" is forbidden: infrastructure.config.openshift.io "cluster" not found', count: 11, first: '2021-09-14T14:06:33Z', last: '2021-09-14T14:06:38Z' }],
    ['the kubelet (FailedMount forbidden ×300 over 2 days): its pod workers are no controller workqueue', { component: 'kubelet', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "token" : secrets "token" is forbidden: User "system:node:n1" cannot get resource "secrets"', count: 300, first: '2024-01-01T00:00:00Z', last: '2024-01-03T00:00:00Z', kind: 'Pod', name: 'web-1' }],
    ['no steady pace (×25 over 3 days: once in three hours)', { component: 'replicaset-controller', reason: 'FailedCreate', message: 'Error creating: pods "web-" is forbidden: exceeded quota', count: 25, first: '2024-01-01T00:00:00Z', last: '2024-01-04T00:00:00Z' }],
    ['an error that heals (a timeout ×200 over 10 h)', { component: 'replicaset-controller', reason: 'FailedCreate', message: 'Error creating: Timeout: request did not complete within requested timeout', count: 200, first: '2024-01-01T00:00:00Z', last: '2024-01-01T10:00:00Z' }],
  ])('none for %s', (_what, o) => {
    expect(scanDump(eventYaml(o))).toEqual([]);
  });

  it('a Normal Event, and a Warning read through a table without SOURCE whose reason is the kubelet\'s, are none', () => {
    const text = [
      'LAST SEEN             TYPE      REASON        OBJECT             MESSAGE',
      '3m (x300 over 2d)     Warning   FailedMount   pod/web-1          MountVolume.SetUp failed for volume "token" : secrets "token" is forbidden',
      '3m (x300 over 2d)     Normal    Sync          ingress/web        Scheduled for sync: forbidden path /admin',
      '',
    ].join('\n');
    expect(scanLines('events.txt', text)).toEqual([]);
  });
});
