// `collect` against the fake apiserver, then `check`'s service on the archive: the duplicate
// RemediationRequests served by the cluster are found in the bundle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../fake-apiserver/server.mjs';
import { analyzePaths } from '../../src/engine/run.js';
import { collectBundle, goTime } from '../../src/sources/cluster/collect.js';
import { clusterOptionsFrom } from '../../src/sources/cluster/flags.js';

let server: FakeApiServer;
let dir: string;

beforeEach(async () => {
  server = new FakeApiServer({ maxPageSize: 2 });
  await server.start();
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-collect-test-'));
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function members(file: string): Promise<Map<string, string>> {
  const tar = await import('tar');
  const out = new Map<string, string>();
  await tar.list({
    file,
    onReadEntry: (e) => {
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () => out.set(e.path, Buffer.concat(chunks).toString('utf8')));
    },
  });
  return out;
}

describe('collect', () => {
  it('writes goTime like must-gather', () => {
    expect(goTime(new Date('2021-08-03T09:56:48.048Z'))).toBe('2021-08-03 09:56:48.048000000 +0000 UTC');
  });

  it('writes a must-gather-like bundle that check reads back, finding the duplicate RemediationRequests', async () => {
    const fp = 'b3c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2';
    server.create('remediationrequests', {
      metadata: { name: 'rr-b3c1d2e4f5a6-1a2b3c4d', namespace: 'demo', creationTimestamp: '2026-11-20T10:00:00Z' },
      spec: { signalFingerprint: fp },
      status: { overallPhase: 'Processing' },
    });
    server.create('remediationrequests', {
      metadata: { name: 'rr-b3c1d2e4f5a6-5e6f7a8b', namespace: 'demo', creationTimestamp: '2026-11-20T10:00:01Z' },
      spec: { signalFingerprint: fp },
      status: { overallPhase: 'Processing' },
    });
    server.create('remediationrequests', {
      metadata: { name: 'rr-0123456789ab-00000000', namespace: 'demo', creationTimestamp: '2026-11-20T10:00:00Z' },
      spec: { signalFingerprint: '0123456789ab' + '0'.repeat(52) },
      status: { overallPhase: 'Processing' },
    });
    server.create('apiservices', { metadata: { name: 'v1.example.io' }, status: { conditions: [{ type: 'Available', status: 'True' }] } });
    server.create('configmaps', { metadata: { name: 'cfg', namespace: 'demo' }, data: { secretish: 'not copied' } });
    server.create('deployments', { metadata: { name: 'gateway', namespace: 'demo' }, spec: { selector: { matchLabels: { app: 'gateway' } } } });
    server.create('pods', { metadata: { name: 'gw-1', namespace: 'demo', labels: { app: 'gateway' } }, spec: { containers: [{ name: 'manager' }] } });
    server.setLog('demo', 'gw-1', 'manager', [
      { time: '2026-11-20T10:00:00.123456789Z', text: '{"level":"info","ts":"2026-11-20T10:00:00.123Z","msg":"Created RemediationRequest CRD","name":"rr-b3c1d2e4f5a6-1a2b3c4d","namespace":"demo","fingerprint":"' + fp + '"}' },
    ]);
    server.metricsText = 'workqueue_depth{name="remediationrequest"} 3\n';
    server.forbidden.add('leases');
    const out = join(dir, 'out', 'bundle.tar.gz');
    const opts = {
      ...clusterOptionsFrom({ namespace: 'demo', logs: ['deploy/gateway'], metricsUrl: [`${server.url}/metrics`] }),
      kubeconfigOptions: server.kubeconfig('demo'),
      output: out,
      now: () => new Date('2026-11-20T10:05:00.5Z'),
    };
    const sum = await collectBundle(opts, new AbortController().signal);
    expect(sum).toMatchObject({ objects: 5, logs: 1, metrics: 1 });
    expect(sum.problems).toEqual([
      'missing permission, not collected: leases: cannot list, watch leases.coordination.k8s.io in demo',
      'leases.coordination.k8s.io: 403 Forbidden: leases is forbidden: User "tester" cannot list resource "leases" in API group "coordination.k8s.io"',
    ]);

    const m = await members(out);
    const root = 'ctrlscope-collect-20261120T100500Z';
    expect([...m.keys()].filter((k) => !k.endsWith('/')).sort()).toEqual(
      [
        '.ctrlscope-collect.json',
        'cluster-scoped-resources/apiregistration.k8s.io/apiservices/v1.example.io.yaml',
        'metrics/127.0.0.1_' + server.url.split(':')[2] + '_metrics.prom',
        'namespaces/demo/core/configmaps.yaml',
        'namespaces/demo/kubernaut.ai/remediationrequests.yaml',
        'namespaces/demo/pods/gw-1/gw-1.yaml',
        'namespaces/demo/pods/gw-1/manager/manager/logs/current.log',
        'timestamp',
        'version',
      ].map((p) => `${root}/${p}`),
    );
    expect(m.get(`${root}/timestamp`)).toBe('2026-11-20 10:05:00.500000000 +0000 UTC\n2026-11-20 10:05:00.500000000 +0000 UTC\n');
    const rrs = m.get(`${root}/namespaces/demo/kubernaut.ai/remediationrequests.yaml`)!;
    expect(rrs).toMatch(/^apiVersion: v1\nkind: List\n/);
    expect(rrs).toContain('  - apiVersion: kubernaut.ai/v1alpha1\n    kind: RemediationRequest\n');
    expect(m.get(`${root}/namespaces/demo/core/configmaps.yaml`)).not.toContain('not copied');
    expect(m.get(`${root}/namespaces/demo/pods/gw-1/manager/manager/logs/current.log`)).toMatch(/^2026-11-20T10:00:00\.123456789Z \{"level":"info"/);
    // Only reads, plus the preflight's access reviews.
    expect(new Set(server.requests.map((r) => `${r.method} ${r.method === 'POST' ? r.path : ''}`))).toEqual(
      new Set(['GET ', 'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews']),
    );

    const { report, unreadable } = await analyzePaths([out]);
    expect(unreadable).toEqual([]);
    const dups = report.findings.filter((f) => f.rule === 'duplicate-cr');
    expect(dups).toHaveLength(1);
    expect(dups[0]!.subject.name).toBe(fp);
    expect(dups[0]!.severity).toBe('critical');
    const evidence = dups[0]!.evidence.map((e) => `${e.source.replace(out, 'bundle.tar.gz')} ${e.text}`).join('\n');
    expect(evidence).toContain(`bundle.tar.gz:${root}/namespaces/demo/kubernaut.ai/remediationrequests.yaml`);
    expect(evidence).toContain('rr-b3c1d2e4f5a6-5e6f7a8b');
    expect(evidence).toContain('rr-b3c1d2e4f5a6-1a2b3c4d');
  });

  it('fails with a clear error when the cluster cannot be reached', async () => {
    const cfg = server.kubeconfig('demo') as { clusters: { server: string }[] };
    await server.close();
    server = new FakeApiServer();
    await server.start();
    cfg.clusters[0]!.server = 'http://127.0.0.1:1';
    const opts = { ...clusterOptionsFrom({ namespace: 'demo' }), kubeconfigOptions: cfg, output: join(dir, 'x.tar.gz') };
    await expect(collectBundle(opts, new AbortController().signal)).rejects.toThrow(/^cannot reach the cluster of context "fake" \(http:\/\/127\.0\.0\.1:1\): .*ECONNREFUSED/);
  });
});
