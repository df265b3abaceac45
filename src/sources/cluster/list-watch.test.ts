// The list-watch loop against the fault-injecting fake apiserver, through the real
// @kubernetes/client-node auth stack (KubeConfig.loadFromOptions → applyToHTTPSOptions).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../../test/fake-apiserver/server.mjs';
import { collect, waitFor } from '../../../test/fake-apiserver/harness.js';
import { loadKube, type KubeClient } from './kube.js';
import { backoff, listWatch, type WatchEvent, type WatchStatus } from './list-watch.js';

const RR = '/apis/kubernaut.ai/v1alpha1/namespaces/demo/remediationrequests';
const FAST = { backoffBaseMs: 5, backoffCapMs: 20, forbiddenRetryMs: 30, inactivityMs: 60_000 };

let server: FakeApiServer;
let client: KubeClient;
let ac: AbortController;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  client = await loadKube({ options: server.kubeconfig('demo') });
  ac = new AbortController();
});

afterEach(async () => {
  ac.abort();
  await server.close();
});

function rr(name: string, fingerprint = name) {
  return { metadata: { name, namespace: 'demo' }, spec: { signalFingerprint: fingerprint } };
}

const names = (evs: WatchEvent[], type: WatchEvent['type']) =>
  evs.filter((e) => e.type === type).map((e) => ('object' in e ? e.object.metadata?.name : undefined));
const watches = () => server.requests.filter((r) => r.query.watch === 'true');

function start(path = RR, extra: { statuses?: WatchStatus[]; tuning?: object } = {}) {
  return collect(
    listWatch({
      client,
      path,
      signal: ac.signal,
      tuning: { pageSize: 2, ...FAST, ...extra.tuning },
      onStatus: (s) => extra.statuses?.push(s),
      random: () => 0.5,
    }),
  );
}

describe('listWatch', () => {
  it('lists in pages of `limit` with `continue`, fills kind on items, then watches from the list resourceVersion with bookmarks', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.create('remediationrequests', rr(n));
    const listRv = String(server.rv);
    const c = start();
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    const lists = server.requests.filter((r) => r.path === RR && !r.query.watch);
    expect(lists.map((r) => [r.query.limit, Boolean(r.query.continue)])).toEqual([
      ['2', false],
      ['2', true],
      ['2', true],
    ]);
    expect(c.items.slice(0, 5).map((e) => [e.type, 'object' in e && e.object.metadata?.name, 'initial' in e && e.initial])).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((n) => ['added', n, true]),
    );
    const first = c.items[0] as Extract<WatchEvent, { type: 'added' | 'modified' }>;
    expect(first.object.kind).toBe('RemediationRequest');
    expect(first.object.apiVersion).toBe('kubernaut.ai/v1alpha1');
    expect(c.items[5]).toEqual({ type: 'synced', resourceVersion: listRv, objects: 5, pages: 3 });

    await waitFor(() => watches().length === 1);
    expect(watches()[0]!.query).toMatchObject({ resourceVersion: listRv, allowWatchBookmarks: 'true' });
    expect(Number(watches()[0]!.query.timeoutSeconds)).toBe(330);

    server.create('remediationrequests', rr('f'));
    server.update('remediationrequests', 'demo', 'a', { status: { overallPhase: 'Processing' } });
    server.delete('remediationrequests', 'demo', 'b');
    await c.until((evs) => evs.length === 9);
    expect(c.items.slice(6).map((e) => [e.type, 'object' in e && e.object.metadata?.name])).toEqual([
      ['added', 'f'],
      ['modified', 'a'],
      ['deleted', 'b'],
    ]);
  });

  it('bookmarks advance the resourceVersion the next watch starts from', async () => {
    server.create('remediationrequests', rr('a'));
    const c = start();
    await waitFor(() => watches().length === 1);
    server.create('configmaps', { metadata: { name: 'unrelated', namespace: 'demo' } });
    server.bookmark();
    const bookmarkRv = String(server.rv);
    await c.until((evs) => evs.some((e) => e.type === 'bookmark'));
    expect(c.items.at(-1)).toEqual({ type: 'bookmark', resourceVersion: bookmarkRv });
    server.dropAll();
    await waitFor(() => watches().length === 2);
    expect(watches()[1]!.query.resourceVersion).toBe(bookmarkRv);
  });

  it('re-lists on 410 Gone mid-watch and reports only what changed while it was not watching', async () => {
    for (const n of ['a', 'b', 'c', 'd']) server.create('remediationrequests', rr(n));
    const c = start();
    await waitFor(() => watches().length === 1);
    server.silently(() => {
      server.update('remediationrequests', 'demo', 'b', { status: { overallPhase: 'Completed' } });
      server.delete('remediationrequests', 'demo', 'c');
      server.create('remediationrequests', rr('e'));
    });
    server.compact();
    server.dropAll();
    await c.until((evs) => evs.filter((e) => e.type === 'synced').length === 2);
    const afterRelist = c.items.slice(c.items.findIndex((e) => e.type === 'synced') + 1);
    expect(afterRelist.map((e) => [e.type, 'object' in e ? e.object.metadata?.name : undefined])).toEqual([
      ['modified', 'b'],
      ['added', 'e'],
      ['deleted', 'c'],
      ['synced', undefined],
    ]);
    const del = afterRelist.find((e) => e.type === 'deleted') as Extract<WatchEvent, { type: 'deleted' }>;
    expect(del.synthetic).toBe(true);
    expect(del.object).toMatchObject({ kind: 'RemediationRequest', metadata: { name: 'c', namespace: 'demo' } });
    // The second watch hit 410 as an ERROR event; the third starts from the new list.
    await waitFor(() => watches().length === 3);
    expect(watches()[2]!.query.resourceVersion).toBe(String(server.rv));
  });

  it('re-lists on an HTTP 410 when opening the watch', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectWatchFault('remediationrequests', { kind: 'http410' });
    const c = start();
    await c.until((evs) => evs.filter((e) => e.type === 'synced').length === 2);
    expect(names(c.items, 'added')).toEqual(['a']);
  });

  it('after a dropped connection watches again from the last resourceVersion: nothing lost, nothing twice', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectWatchFault('remediationrequests', { kind: 'drop', afterEvents: 2 });
    const c = start();
    await waitFor(() => watches().length === 1);
    server.create('remediationrequests', rr('b'));
    server.create('remediationrequests', rr('c')); // delivered, then the connection is cut
    server.silently(() => server.create('remediationrequests', rr('d'))); // while reconnecting
    await waitFor(() => watches().length === 2);
    server.create('remediationrequests', rr('e'));
    await c.until((evs) => names(evs, 'added').length === 5);
    expect(names(c.items, 'added')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(server.requests.filter((r) => r.path === RR && !r.query.watch)).toHaveLength(1);
  });

  it('aborts a hung watch after the inactivity timeout and watches again', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectWatchFault('remediationrequests', { kind: 'hang' });
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses, tuning: { inactivityMs: 150 } });
    await waitFor(() => watches().length === 1);
    server.create('remediationrequests', rr('b')); // the hung watch never sends it
    await c.until((evs) => names(evs, 'added').includes('b'));
    expect(statuses.some((s) => s.state === 'retrying' && /no data for/.test(s.detail ?? ''))).toBe(true);
    expect(watches().length).toBeGreaterThanOrEqual(2);
    expect(names(c.items, 'added')).toEqual(['a', 'b']);
  });

  it('restarts the list when a continue token expires mid-pagination, without double counting', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.create('remediationrequests', rr(n));
    server.injectListFault('remediationrequests', { kind: 'gone', page: 2 });
    const c = start();
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    expect(names(c.items, 'added')).toEqual(['a', 'b', 'c', 'd', 'e']);
    const lists = server.requests.filter((r) => r.path === RR && !r.query.watch);
    expect(lists.map((r) => Boolean(r.query.continue))).toEqual([false, true, false, true, true]);
  });

  it('reports 403 as forbidden for one resource while another flows, and recovers when access is granted', async () => {
    server.forbidden.add('leases');
    server.create('configmaps', { metadata: { name: 'trigger', namespace: 'demo' } });
    server.create('leases', { metadata: { name: 'leader', namespace: 'demo' } });
    const leaseStatus: WatchStatus[] = [];
    const leases = start('/apis/coordination.k8s.io/v1/namespaces/demo/leases', { statuses: leaseStatus });
    const cms = start('/api/v1/namespaces/demo/configmaps');
    await cms.until((evs) => evs.some((e) => e.type === 'synced'));
    await waitFor(() => leaseStatus.some((s) => s.state === 'forbidden'));
    expect(names(cms.items, 'added')).toEqual(['trigger']);
    expect(leases.items).toEqual([]);
    expect(leaseStatus.find((s) => s.state === 'forbidden')!.detail).toMatch(/^403 Forbidden: leases is forbidden/);
    server.forbidden.delete('leases');
    await leases.until((evs) => evs.some((e) => e.type === 'synced'));
    expect(names(leases.items, 'added')).toEqual(['leader']);
    expect(leaseStatus.at(-1)!.state).toBe('connected');
  });

  it('backs off after a server error and recovers', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectListFault('remediationrequests', { kind: 'http500' });
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses });
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'syncing', 'retrying', 'connected']);
    expect(statuses[2]!.detail).toBe('500 InternalError: injected list failure');
  });
});

describe('listWatch under persistent faults: every one ends in a fresh list, none leaves it blind', () => {
  const lists = () => server.requests.filter((r) => r.path === RR && !r.query.watch);

  it('after an API server restore from backup (504 ResourceVersionTooLarge on every watch) re-lists from scratch and follows again', async () => {
    server.create('remediationrequests', rr('a'));
    const backupRv = server.rv;
    server.create('remediationrequests', rr('b'));
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses });
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    await waitFor(() => watches().length === 1);
    // etcd restored from the backup: the resourceVersion goes back, the watch is cut, and a watch
    // from ctrlscope's (now too new) resourceVersion answers 504 for as long as it is asked.
    server.restoreTo(backupRv);
    server.dropAll();
    await waitFor(() => statuses.some((s) => /^504 Timeout: Timeout: Too large resource version/.test(s.detail ?? '')));
    await c.until((evs) => evs.filter((e) => e.type === 'synced').length === 2);
    expect(lists().map((r) => r.query.resourceVersion)).toEqual([undefined, undefined]); // fresh lists, no resourceVersion
    expect(statuses.filter((s) => s.state === 'retrying').map((s) => s.detail)).toContainEqual(expect.stringMatching(/^504 Timeout: Timeout: Too large resource version: \d+, current: \d+; re-listing$/));
    server.create('remediationrequests', rr('c'));
    await c.until((evs) => names(evs, 'added').includes('c'));
    expect(names(c.items, 'added')).toEqual(['a', 'b', 'c']);
  });

  it('re-lists after watches keep answering 500', async () => {
    server.create('remediationrequests', rr('a'));
    const c = start();
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    await waitFor(() => watches().length === 1);
    for (let i = 0; i < 3; i++) server.injectWatchFault('remediationrequests', { kind: 'http500' });
    server.dropAll();
    await c.until((evs) => evs.filter((e) => e.type === 'synced').length === 2);
    expect(lists()).toHaveLength(2);
  });

  it('times out a watch whose response headers never arrive, then watches again', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectWatchFault('remediationrequests', { kind: 'headersHang' });
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses, tuning: { inactivityMs: 150 } });
    await waitFor(() => watches().length === 1);
    server.create('remediationrequests', rr('b'));
    await c.until((evs) => names(evs, 'added').includes('b'));
    expect(statuses.find((s) => s.state === 'retrying')?.detail).toMatch(/^no response from http:\/\/127\.0\.0\.1:\d+ within 0\.1 s|^no response from http:\/\/127\.0\.0\.1:\d+ within 0\.2 s/);
  });

  it('--request-timeout bounds a list that never answers; the list is retried and the source is reported disconnected meanwhile', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectListFault('remediationrequests', { kind: 'hang' });
    client.requestTimeoutMs = 200;
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses });
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'syncing', 'retrying', 'connected']);
    expect(statuses[2]!.detail).toMatch(/^no complete answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2 s \(\/apis\/kubernaut\.ai/);
  });

  it('cuts a watch event that grows past 16 MiB without a line end, reports it, and re-lists', async () => {
    server.create('remediationrequests', rr('a'));
    server.injectWatchFault('remediationrequests', { kind: 'huge', bytes: 24 << 20 });
    const statuses: WatchStatus[] = [];
    const c = start(RR, { statuses });
    await c.until((evs) => evs.filter((e) => e.type === 'synced').length === 2);
    expect(statuses.find((s) => s.state === 'retrying')?.detail).toMatch(/^a watch event on \/apis\/kubernaut\.ai\/v1alpha1\/namespaces\/demo\/remediationrequests exceeded 16 MiB without a line end; the watch was cut and restarts with a fresh list; re-listing$/);
    server.create('remediationrequests', rr('b'));
    await c.until((evs) => names(evs, 'added').includes('b'));
  });

  it('sends the User-Agent ctrlscope/VERSION (OS/ARCH) on lists and watches', async () => {
    server.create('remediationrequests', rr('a'));
    const c = start();
    await c.until((evs) => evs.some((e) => e.type === 'synced'));
    await waitFor(() => watches().length === 1);
    const agents = new Set(server.requests.map((r) => r.userAgent));
    expect([...agents]).toHaveLength(1);
    expect([...agents][0]).toMatch(/^ctrlscope\/\d+\.\d+\.\d+ \((linux|darwin|windows)\/(amd64|arm64)\)$/);
  });
});

describe('backoff', () => {
  it('is full jitter under an exponential ceiling capped at 30 s', () => {
    const t = { backoffBaseMs: 1000, backoffCapMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoff(a, t, () => 0.999999))).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999]);
    expect(backoff(3, t, () => 0)).toBe(0);
  });
});
