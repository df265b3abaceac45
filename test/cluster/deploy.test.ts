// deploy/ctrlscope.yaml against the real kube-apiserver of the cluster tier: every object is
// applied with server-side dry-run (kubectl apply --dry-run=server), so the API server validates
// it in full — schema, defaults, admission — and stores nothing. Only the namespace is created
// for real (a dry-run cannot place objects in a namespace that does not exist) and a minimal
// ServiceMonitor CRD stands in for the Prometheus Operator's.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAll } from 'js-yaml';
// @ts-expect-error plain ESM helper without types
import * as h from './harness.mjs';

const clusterUp = process.env.CTRLSCOPE_CLUSTER_UP === '1' || fs.existsSync(path.join(h.STATE as string, 'ports.json'));
const MANIFEST = path.join(h.ROOT as string, 'deploy', 'ctrlscope.yaml');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

describe.skipIf(!clusterUp)('deploy/ctrlscope.yaml on the real apiserver', () => {
  it('every object passes a server-side dry-run apply, and the ClusterRole only reads', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(h.ADMIN_KUBECONFIG as string);
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const docs = (loadAll(fs.readFileSync(MANIFEST, 'utf8')) as Obj[]).filter(Boolean);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service', 'ServiceMonitor']);

    const role = docs.find((d) => d.kind === 'ClusterRole') as Obj & { rules: { verbs: string[] }[] };
    expect([...new Set(role.rules.flatMap((r) => r.verbs))].sort()).toEqual(['get', 'list', 'watch']);

    const ns = docs.find((d) => d.kind === 'Namespace')!;
    await api.patch(ns, undefined, undefined, 'ctrlscope-deploy-test', true, k8s.PatchStrategy.ServerSideApply);
    await api.patch(
      {
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'servicemonitors.monitoring.coreos.com' },
        spec: {
          group: 'monitoring.coreos.com', scope: 'Namespaced',
          names: { plural: 'servicemonitors', singular: 'servicemonitor', kind: 'ServiceMonitor', listKind: 'ServiceMonitorList' },
          // The parts of the Prometheus Operator's schema that deploy/ uses, with their types.
          versions: [{
            name: 'v1', served: true, storage: true,
            schema: { openAPIV3Schema: { type: 'object', required: ['spec'], properties: { spec: {
              type: 'object', required: ['selector'],
              properties: {
                selector: { type: 'object', properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } } },
                endpoints: { type: 'array', items: { type: 'object', properties: { port: { type: 'string' }, interval: { type: 'string', pattern: '^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' } } } },
              },
            } } } },
          }],
        },
      } as Obj,
      undefined, undefined, 'ctrlscope-deploy-test', true, k8s.PatchStrategy.ServerSideApply,
    );
    // Wait for the CRD to be served (no timing assertion: the test's timeout bounds it).
    for (;;) {
      try {
        await api.list('monitoring.coreos.com/v1', 'ServiceMonitor', 'ctrlscope');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    // Server-side apply learns a new CRD's schema a moment after the CRD is served.
    const dryApply = async (d: Obj): Promise<Obj> => {
      for (let i = 0; ; i++) {
        try {
          return (await api.patch(d, undefined, 'All', 'ctrlscope-deploy-test', true, k8s.PatchStrategy.ServerSideApply)) as Obj;
        } catch (err) {
          if (i > 80 || !String(err).includes('not declared in schema')) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    for (const d of docs) {
      const out = await dryApply(d);
      expect(out.kind, d.kind).toBe(d.kind);
      expect(out.metadata?.name, d.kind).toBe(d.metadata.name);
    }
    // The API server filled in the Deployment's defaults, and stored nothing of it.
    const dep = docs.find((d) => d.kind === 'Deployment')!;
    const dry = (await dryApply(dep)) as Obj & { spec: { strategy?: { type?: string } } };
    expect(dry.spec.strategy?.type).toBe('RollingUpdate');
    await expect(api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ctrlscope', namespace: 'ctrlscope' } })).rejects.toThrow(/404|not found/i);
  });
});
