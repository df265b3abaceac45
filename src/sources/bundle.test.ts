// Bundle directories: layout detection, per-member plans, capture time, and reading the
// synthetic duplicate-rr must-gather and (when ../shared/real-data exists) the real one.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSource, detectBundle, detectLayout, parseTimestampFile, planMember, safeMemberPath, type BundleOptions } from './bundle.js';
import type { InputHandle, SourceItem } from './types.js';
import { eventsOf } from '../../test/helpers/source-items.js';

const FIXTURE = resolve('test/fixtures/bundles/duplicate-rr');
const REAL = resolve('../shared/real-data/must-gather-aws');

/** The lines of a lines item, or of a bytes item (complete lines, the last one maybe without a newline). */
function linesOf(it: SourceItem): string[] {
  if (it.type === 'lines') return it.lines;
  if (it.type !== 'bytes') return [];
  const text = Buffer.from(it.bytes).toString('utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

async function collect(dir: string, opts: BundleOptions = {}): Promise<{ items: SourceItem[]; inputs: InputHandle[] }> {
  const layout = await detectBundle(dir);
  if (!layout) throw new Error(`not a bundle: ${dir}`);
  const items: SourceItem[] = [];
  const inputs: InputHandle[] = [];
  for await (const it of bundleSource(dir, layout, opts)) {
    items.push(it);
    if (it.type !== 'clock' && !inputs.includes(it.input)) inputs.push(it.input);
  }
  return { items, inputs };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ctrlscope-bundle-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), body);
  }
}

describe('planMember', () => {
  it.each([
    ['mg/namespaces/ns1/pods/p-1/c/c/logs/current.log', { read: 'log', origin: 'ns1/p-1/c' }],
    ['namespaces/ns1/pods/p-1/c/c/logs/previous.log', { read: 'log', origin: 'ns1/p-1/c' }],
    ['namespaces/ns1/pods/p-1/c/c/logs/rotated/1.log.gz', { read: 'log', origin: 'ns1/p-1/c' }],
    ['sb/cluster-resources/pods/logs/ns1/p-1/manager.log', { read: 'log', origin: 'ns1/p-1/manager' }],
    ['sb/cluster-resources/pods/logs/ns1/p-1/manager-previous.log', { read: 'log', origin: 'ns1/p-1/manager' }],
    ['kube-system/etcd-0/logs.txt', { read: 'log', origin: 'kube-system/etcd-0', containers: true }],
    ['mg/namespaces/ns1/kubernaut.ai/remediationrequests.yaml', { read: 'resources' }],
    ['mg/cluster-scoped-resources/apiregistration.k8s.io/apiservices/v1.apps.openshift.io.yaml', { read: 'resources' }],
    ['sb/cluster-resources/deployments/ns1.json', { read: 'resources' }],
    ['mg/audit_logs/kube-apiserver/node-audit.log.gz', { read: 'sniff', logByName: true }],
    ['mg/monitoring/metrics', { read: 'sniff', logByName: false }],
    ['mg/timestamp', { read: 'skip' }],
    ['mg/version', { read: 'skip' }],
    ['mg/event-filter.html', { read: 'skip' }],
  ])('%s', (rel, want) => {
    expect(planMember(rel)).toEqual(want);
  });
});

describe('safeMemberPath', () => {
  it.each([
    ['./a/b.log', { path: 'a/b.log' }],
    ['a/./x/../b.log', { path: 'a/b.log' }],
    ['a\\b.log', { path: 'a/b.log' }],
    ['../b.log', { refused: 'path escapes the archive root (..)' }],
    ['a/../../b.log', { refused: 'path escapes the archive root (..)' }],
    ['/etc/passwd', { refused: 'absolute path' }],
    ['C:\\Windows\\x', { refused: 'absolute path' }],
    ['a\u0000b', { refused: 'name contains a NUL byte' }],
  ])('%s', (name, want) => {
    expect(safeMemberPath(name)).toEqual(want);
  });
});

describe('parseTimestampFile', () => {
  it('takes the latest Go time of a must-gather timestamp file, with its zone', () => {
    const text = '2021-08-03 12:11:56.91501602 +0200 CEST m=+1.651641915\n2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668\n';
    expect(parseTimestampFile(text)).toBe(Date.parse('2021-08-03T10:14:13.632Z'));
    expect(parseTimestampFile('2021-08-03 10:12:00.016988581 +0000 UTC m=+0.380233555')).toBe(Date.parse('2021-08-03T10:12:00.016Z'));
    expect(parseTimestampFile('2026-10-02T18:10:04Z\n')).toBe(Date.parse('2026-10-02T18:10:04Z'));
    expect(parseTimestampFile('not a time')).toBeUndefined();
  });
});

describe('detectLayout / detectBundle', () => {
  it('tells the three layouts apart and ignores plain folders', async () => {
    expect(detectLayout(['quay-io-x/namespaces/ns1/pods/p/c/c/logs/current.log', 'timestamp'])).toEqual({ name: 'must-gather' });
    expect(detectLayout(['support-bundle-2024-01-31T10_20_30/cluster-resources/pods/logs/ns/p/c.log'])).toEqual({
      name: 'support-bundle',
      nameTime: Date.UTC(2024, 0, 31, 10, 20, 30),
    });
    expect(detectLayout(['nodes.json', 'kube-system/pods.json', 'kube-system/etcd-0/logs.txt'])).toEqual({ name: 'cluster-info-dump' });
    expect(detectLayout(['app.log', 'deploy.yaml'])).toBeUndefined();
    expect(await detectBundle(FIXTURE)).toEqual({ name: 'must-gather' });
    await put(join(tmp, 'plain'), { 'a.log': 'x\n', 'sub/b.log': 'y\n' });
    expect(await detectBundle(join(tmp, 'plain'))).toBeUndefined();
  });
});

describe('bundleSource', () => {
  it('reads the duplicate-rr must-gather: capture time first, RRs as objects, the gateway log attributed', async () => {
    const { items, inputs } = await collect(FIXTURE);
    const now = Date.parse('2026-10-02T18:10:04.998Z');
    expect(items[0]).toEqual({ type: 'clock', now });
    expect(inputs[0]!.report).toEqual({ source: FIXTURE, kind: 'bundle', format: 'must-gather', lines: 0, recognised: 0, continuations: 0, unparsed: 0, problems: [] });
    // The dump comes as text with the capture time; the engine parses it (on a worker when it can).
    const rr = items.find((i) => i.type === 'resources');
    if (rr?.type !== 'resources') throw new Error('no resources');
    expect(rr.now).toBe(now);
    expect(rr.input.report.source).toMatch(/namespaces\/kubernaut-system\/kubernaut\.ai\/remediationrequests\.yaml$/);
    expect(eventsOf(rr)).toHaveLength(3);
    for (const e of eventsOf(rr)) {
      expect(e).toMatchObject({ kind: 'object', change: 'snapshot', time: now, object: { kind: 'RemediationRequest', spec: { signalFingerprint: '9f2c4d1be7a04e6b8c3f5a7d2e1b0c9a8f7e6d5c4b3a29180f1e2d3c4b5a6978' }, status: { overallPhase: 'Processing' } } });
    }
    const log = inputs.find((h) => h.report.kind === 'log')!;
    expect(log.origin).toBe('kubernaut-system/gateway-6c8f9d7b5-q4xkz/gateway');
    expect(log.referenceYear).toBe(2026);
    const lines = items.flatMap((i) => (i.type !== 'clock' && i.input === log ? linesOf(i) : []));
    expect(lines).toHaveLength(10);
    expect(lines.filter((l) => l.includes('Created RemediationRequest CRD'))).toHaveLength(3);
    // timestamp is the capture time; README.md and version are listed as files that are not logs.
    expect(inputs.map((h) => h.report.kind).sort()).toEqual(['bundle', 'log', 'other', 'other', 'resources']);
    expect(inputs.filter((h) => h.report.kind === 'other').map((h) => [h.report.source.replace(/^.*\//, ''), h.report.format]).sort()).toEqual([
      ['README.md', 'text'], ['version', 'text'],
    ]);
  });

  it('on a large scan, hands logs and resource dumps to the workers by path; the same objects come of them', async () => {
    const { items } = await collect(FIXTURE, { fileItems: true });
    const rr = items.find((i) => i.type === 'resources');
    if (rr?.type !== 'resources') throw new Error('no resources');
    expect(rr.text).toBeUndefined();
    expect(rr.path).toBe(rr.input.report.source);
    expect(rr.path).toMatch(/namespaces\/kubernaut-system\/kubernaut\.ai\/remediationrequests\.yaml$/);
    expect(rr.now).toBe(Date.parse('2026-10-02T18:10:04.998Z'));
    const small = (await collect(FIXTURE)).items.find((i) => i.type === 'resources')!;
    expect(eventsOf(rr)).toEqual(eventsOf(small));
    expect(items.filter((i) => i.type === 'file').map((i) => i.type === 'file' && i.input.origin)).toEqual(['kubernaut-system/gateway-6c8f9d7b5-q4xkz/gateway']);
  });

  it('splits a cluster-info dump pod log into one input per container', async () => {
    const dir = join(tmp, 'dump');
    await put(dir, {
      'nodes.json': '{"kind":"NodeList","apiVersion":"v1","items":[]}',
      'kube-system/pods.json': '{"kind":"PodList","apiVersion":"v1","items":[]}',
      'kube-system/ctl-0/logs.txt': [
        '==== START logs for container manager of pod kube-system/ctl-0 ====',
        'I1122 10:00:00.000000       1 controller.go:1] one',
        '==== END logs for container manager of pod kube-system/ctl-0 ====',
        '==== START logs for container proxy of pod kube-system/ctl-0 ====',
        'I1122 10:00:01.000000       1 proxy.go:1] two',
        '==== END logs for container proxy of pod kube-system/ctl-0 ====',
      ].join('\n'),
    });
    expect(await detectBundle(dir)).toEqual({ name: 'cluster-info-dump' });
    const { items } = await collect(dir);
    const got = items.flatMap((i) => (i.type === 'lines' ? [[i.input.origin, i.firstLine, i.lines]] : []));
    expect(got).toEqual([
      ['kube-system/ctl-0/manager', 2, ['I1122 10:00:00.000000       1 controller.go:1] one']],
      ['kube-system/ctl-0/proxy', 5, ['I1122 10:00:01.000000       1 proxy.go:1] two']],
    ]);
  });

  it.runIf(existsSync(REAL))('reads the real must-gather-aws: capture time, 3 pod logs, APIService objects', async () => {
    const { items, inputs } = await collect(REAL);
    expect(items[0]).toEqual({ type: 'clock', now: Date.parse('2021-08-03T10:14:13.632Z') });
    expect(inputs[0]!.report).toMatchObject({ kind: 'bundle', format: 'must-gather', problems: [] });
    const origins = inputs.filter((h) => h.report.kind === 'log').map((h) => h.origin).sort();
    expect(origins).toEqual([
      'openshift-ingress-operator/ingress-operator-7b85cd998b-f4lj9/ingress-operator',
      'openshift-kube-apiserver/kube-apiserver-ip-10-0-189-142.ec2.internal/kube-apiserver',
      'openshift-machine-api/cluster-baremetal-operator-69b68965d9-mv6ql/cluster-baremetal-operator',
    ]);
    const objects = items.flatMap(eventsOf).filter((e) => e.kind === 'object');
    const kinds = new Map<string, number>();
    for (const o of objects) if (o.kind === 'object') kinds.set(o.object.kind ?? '?', (kinds.get(o.object.kind ?? '?') ?? 0) + 1);
    expect(kinds.get('APIService')).toBe(9);
    expect(kinds.get('Event')).toBeGreaterThan(0);
  });
});
