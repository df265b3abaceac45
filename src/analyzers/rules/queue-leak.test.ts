import { readdirSync, readFileSync } from 'node:fs';
import { parseAuditLine, sniffAudit } from '../../parsers/audit.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import type { Finding, RuleId } from '../../core/finding.js';
import { SEVERITY_RANK } from '../../core/finding.js';
import { Engine } from '../../engine/engine.js';
import { PromReader } from '../../parsers/prometheus.js';
import { newInput } from '../../sources/types.js';
import { failureOf, parseGoDuration, queueLeak, statusOf } from './queue-leak.js';
import { parseLine } from '../../parsers/index.js';

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
