// The whole live cluster source against the fake apiserver: object events per resource, pod logs
// (followed, reconnected without repeats, new pods picked up), a 403 on one resource while the
// others flow, metrics scrapes, Prometheus history, and health reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricEvent, ObjectEvent } from '../../core/event.js';
import type { EventsItem, LinesItem, SourceItem } from '../types.js';
import { FakeApiServer } from '../../../test/fake-apiserver/server.mjs';
import { collect, waitFor } from '../../../test/fake-apiserver/harness.js';
import { clusterOptionsFrom, clusterSource, type ClusterHealth } from './index.js';
import { USER_AGENT } from '../../core/user-agent.js';

let server: FakeApiServer;
let ac: AbortController;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  ac = new AbortController();
});

afterEach(async () => {
  ac.abort();
  await server.close();
});

const FAST = { backoffBaseMs: 5, backoffCapMs: 20, forbiddenRetryMs: 30, inactivityMs: 60_000 };

function options(flags: Parameters<typeof clusterOptionsFrom>[0] = {}) {
  return { ...clusterOptionsFrom({ namespace: 'demo', ...flags }), kubeconfigOptions: server.kubeconfig('demo'), tuning: FAST };
}

const objects = (items: SourceItem[]) =>
  items.flatMap((i) => (i.type === 'events' ? i.events.filter((e): e is ObjectEvent => e.kind === 'object') : []));
const lines = (items: SourceItem[], origin?: string) =>
  items.flatMap((i) => (i.type === 'lines' && (!origin || i.input.origin === origin) ? i.lines : []));

describe('clusterSource', () => {
  it('yields snapshot then change events per resource; a 403 on leases leaves the others flowing and is reported', async () => {
    server.forbidden.add('leases');
    server.create('remediationrequests', { metadata: { name: 'rr-1', namespace: 'demo' }, spec: { signalFingerprint: 'abc' } });
    server.create('configmaps', { metadata: { name: 'cfg', namespace: 'demo' }, data: { big: 'x'.repeat(1000) } });
    server.create('configmaps', { metadata: { name: 'elsewhere', namespace: 'other' } });
    server.create('apiservices', { metadata: { name: 'v1.example.io' }, status: { conditions: [{ type: 'Available', status: 'True' }] } });
    const healths: ClusterHealth[] = [];
    const src = clusterSource(options(), ac.signal, { onHealth: (h) => healths.push(h) });
    const c = collect(src);
    await src.ready;
    await c.until((items) => objects(items).length === 3);
    expect(objects(c.items).map((e) => [e.change, e.object.kind, e.object.metadata?.name])).toEqual(
      expect.arrayContaining([
        ['snapshot', 'RemediationRequest', 'rr-1'],
        ['snapshot', 'ConfigMap', 'cfg'],
        ['snapshot', 'APIService', 'v1.example.io'],
      ]),
    );
    const cm = objects(c.items).find((e) => e.object.kind === 'ConfigMap')!;
    expect(cm.object).not.toHaveProperty('data'); // payloads are not kept
    expect(cm.source).toBe('fake:configmaps');
    expect(healths.find((h) => h.name === 'watch leases.coordination.k8s.io' && h.state === 'forbidden')?.detail).toMatch(/^403 Forbidden/);

    server.create('remediationrequests', { metadata: { name: 'rr-2', namespace: 'demo' }, spec: { signalFingerprint: 'abc' } });
    server.update('apiservices', undefined, 'v1.example.io', { status: { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] } });
    await c.until((items) => objects(items).length === 5);
    expect(objects(c.items).slice(3).map((e) => [e.change, e.object.metadata?.name])).toEqual(
      expect.arrayContaining([
        ['added', 'rr-2'],
        ['modified', 'v1.example.io'],
      ]),
    );
    const byName = Object.fromEntries(src.health().map((h) => [h.name, [h.state, h.events]]));
    expect(byName).toMatchObject({
      'watch remediationrequests.kubernaut.ai': ['connected', 2],
      'watch leases.coordination.k8s.io': ['forbidden', 0],
      'watch configmaps': ['connected', 1],
    });
  });

  it('follows pod logs of a deployment with timestamps, reconnects after a drop without repeating lines, and picks up new pods', async () => {
    server.create('deployments', { metadata: { name: 'gateway', namespace: 'demo' }, spec: { selector: { matchLabels: { app: 'gateway' } } } });
    const pod = (name: string) => ({ metadata: { name, namespace: 'demo', labels: { app: 'gateway' } }, spec: { containers: [{ name: 'manager' }] }, status: { phase: 'Running' } });
    server.create('pods', pod('gw-1'));
    server.create('pods', { metadata: { name: 'unrelated', namespace: 'demo', labels: { app: 'other' } }, spec: { containers: [{ name: 'c' }] } });
    const now = Date.now();
    const ts = (ms: number) => new Date(now - 60_000 + ms).toISOString().replace('Z', '000000Z').replace(/\.(\d{3})000000Z/, '.$1123456Z');
    server.setLog('demo', 'gw-1', 'manager', [
      { time: ts(0), text: '{"level":"info","msg":"Created RemediationRequest CRD","name":"rr-1"}' },
      { time: ts(0), text: '{"level":"info","msg":"same nanosecond, second line"}' },
      { time: ts(1), text: '{"level":"info","msg":"third"}' },
    ]);
    server.setLog('demo', 'unrelated', 'c', [{ time: ts(0), text: 'must not be read' }]);
    server.injectLogFault('demo', 'gw-1', 'manager', { kind: 'drop', afterLines: 3 });
    const src = clusterSource(options({ logs: ['deploy/gateway'], resources: [] }), ac.signal);
    const c = collect(src);
    await c.until((items) => lines(items).length === 3);
    // The drop happens on the next line; the reconnect reads from the last second again.
    server.appendLog('demo', 'gw-1', 'manager', { time: ts(2), text: '{"level":"info","msg":"fourth"}' });
    await c.until((items) => lines(items).length === 4);
    const reconnects = server.requests.filter((r) => r.path === '/api/v1/namespaces/demo/pods/gw-1/log');
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    expect(reconnects[0]!.query).toMatchObject({ container: 'manager', follow: 'true', timestamps: 'true', sinceSeconds: '900' });
    expect(reconnects[1]!.query.sinceTime).toBe(ts(1).slice(0, 19) + 'Z');

    server.create('pods', pod('gw-2'));
    server.setLog('demo', 'gw-2', 'manager', [{ time: ts(3), text: '{"level":"info","msg":"from the new pod"}' }]);
    await c.until((items) => lines(items, 'demo/gw-2/manager').length === 1);
    expect(lines(c.items, 'demo/gw-1/manager')).toEqual([
      `${ts(0)} {"level":"info","msg":"Created RemediationRequest CRD","name":"rr-1"}`,
      `${ts(0)} {"level":"info","msg":"same nanosecond, second line"}`,
      `${ts(1)} {"level":"info","msg":"third"}`,
      `${ts(2)} {"level":"info","msg":"fourth"}`,
    ]);
    const first = c.items.find((i): i is LinesItem => i.type === 'lines')!;
    expect(first.input.report).toMatchObject({ source: 'demo/gw-1/manager', kind: 'log' });
    expect(first.firstLine).toBe(1);
    expect(lines(c.items).some((l) => l.includes('must not be read'))).toBe(false);
  });

  it('scrapes --metrics-url and reads --prometheus history into metric events', async () => {
    server.metricsText = ['# TYPE workqueue_depth gauge', 'workqueue_depth{name="rr"} 7', 'workqueue_retries_total{name="rr"} 42'].join('\n');
    const t0 = Math.floor(Date.now() / 1000) - 120;
    server.promSeries = [{ metric: { __name__: 'workqueue_depth', name: 'apiservice' }, values: [[t0, '1'], [t0 + 60, '5']] }];
    const src = clusterSource(
      options({ metricsUrl: [`${server.url}/metrics`], prometheus: server.url, promQuery: ['workqueue_depth'], resources: [], scrapeInterval: '1s' }),
      ac.signal,
    );
    const metric = (items: SourceItem[]) => items.flatMap((i) => (i.type === 'events' ? i.events.filter((e): e is MetricEvent => e.kind === 'metric') : []));
    const c = collect(src);
    await c.until((items) => metric(items).length >= 4);
    const scraped = metric(c.items).filter((m) => m.source.endsWith('/metrics'));
    expect(scraped.slice(0, 2).map((m) => [m.name, m.labels, m.value])).toEqual([
      ['workqueue_depth', { name: 'rr' }, 7],
      ['workqueue_retries_total', { name: 'rr' }, 42],
    ]);
    const hist = metric(c.items).filter((m) => m.source.startsWith('prometheus'));
    expect(hist.map((m) => [m.name, m.labels, m.value, m.time])).toEqual([
      ['workqueue_depth', { name: 'apiservice' }, 1, t0 * 1000],
      ['workqueue_depth', { name: 'apiservice' }, 5, (t0 + 60) * 1000],
    ]);
    const range = server.requests.find((r) => r.path === '/api/v1/query_range')!;
    expect(Number(range.query.end) - Number(range.query.start)).toBe(900);
    const ev = c.items.find((i): i is EventsItem => i.type === 'events' && i.input.report.kind === 'prometheus')!;
    expect(ev.input.report.format).toBe('prometheus-api');
    // Scrapes and Prometheus queries say who asks, as the API requests do.
    const agents = server.requests.filter((r) => r.path === '/metrics' || r.path.startsWith('/api/v1/query')).map((r) => r.userAgent);
    expect(agents.length).toBeGreaterThanOrEqual(2);
    expect(new Set(agents)).toEqual(new Set([USER_AGENT]));
    expect(USER_AGENT).toMatch(/^ctrlscope\/\d+\.\d+\.\d+ \([a-z0-9]+\/[a-z0-9]+\)$/);
  });

  it('keeps of each object only what the analyzers read: kinds they study whole (less managedFields), others as their identity', async () => {
    const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }];
    const lastApplied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"kubernaut.ai/v1alpha1"}', team: 'sre' };
    server.create('remediationrequests', { metadata: { name: 'rr-1', namespace: 'demo', managedFields, annotations: lastApplied, labels: { a: 'b' } }, spec: { signalFingerprint: 'abc' } });
    server.create('events', { metadata: { name: 'ev-1', namespace: 'demo', managedFields }, reason: 'BackOff', message: 'x'.repeat(2000), involvedObject: { kind: 'Pod', name: 'p' } });
    const src = clusterSource(options(), ac.signal, { objectKinds: ['remediationrequest'] });
    const c = collect(src);
    await src.ready;
    await c.until((items) => objects(items).length === 2);
    const [rr, ev] = ['RemediationRequest', 'Event'].map((k) => objects(c.items).find((e) => e.object.kind === k)!.object);
    expect(rr).toEqual({
      apiVersion: 'kubernaut.ai/v1alpha1',
      kind: 'RemediationRequest',
      metadata: { name: 'rr-1', namespace: 'demo', annotations: { team: 'sre' }, labels: { a: 'b' }, uid: rr!.metadata!.uid, creationTimestamp: rr!.metadata!.creationTimestamp, resourceVersion: rr!.metadata!.resourceVersion },
      spec: { signalFingerprint: 'abc' },
    });
    expect(ev).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev-1', namespace: 'demo', uid: ev!.metadata!.uid, creationTimestamp: ev!.metadata!.creationTimestamp, resourceVersion: ev!.metadata!.resourceVersion },
    });
  });

  it('a watch event cut at the 16 MiB cap stays listed in the input\'s problems after the watch recovers', async () => {
    server.create('remediationrequests', { metadata: { name: 'rr-1', namespace: 'demo' } });
    server.injectWatchFault('remediationrequests', { kind: 'huge', bytes: 20 << 20 });
    const healths: ClusterHealth[] = [];
    const src = clusterSource(options(), ac.signal, { onHealth: (h) => healths.push(h) });
    const c = collect(src);
    const rrHealth = () => healths.filter((h) => h.name === 'watch remediationrequests.kubernaut.ai').map((h) => h.state);
    await waitFor(() => rrHealth().includes('retrying') && rrHealth().at(-1) === 'connected');
    server.create('remediationrequests', { metadata: { name: 'rr-2', namespace: 'demo' } });
    await c.until((items) => objects(items).some((e) => e.object.metadata?.name === 'rr-2'));
    const item = c.items.find((i): i is EventsItem => i.type === 'events' && i.input.report.source === 'fake:remediationrequests.kubernaut.ai')!;
    expect(item.input.report.problems).toEqual([
      'a watch event on /apis/kubernaut.ai/v1alpha1/namespaces/demo/remediationrequests exceeded 16 MiB without a line end; the watch was cut and restarts with a fresh list',
    ]);
  });

  it('only reads: every request is a GET', async () => {
    server.create('remediationrequests', { metadata: { name: 'rr-1', namespace: 'demo' } });
    const src = clusterSource(options(), ac.signal);
    const c = collect(src);
    await src.ready;
    await c.until((items) => objects(items).length === 1);
    expect(new Set(server.requests.map((r) => r.method))).toEqual(new Set(['GET']));
  });
});
