import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { assignIds, canonicalOrigin, findingId, legacyFindingId, workloadOf } from './finding-id.js';

function finding(over: Partial<Finding>): Finding {
  return {
    id: '',
    rule: 'stale-pending',
    severity: 'warning',
    title: 't',
    subject: { kind: 'Counter', namespace: null, name: 'Pending streams still tracked', controller: null },
    summary: 's',
    metrics: {},
    evidence: [],
    remediation: { summary: '', steps: [], references: [] },
    ...over,
  };
}

describe('finding ids', () => {
  it('do not depend on the controller, which only lines inside the window name', () => {
    const subject = { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: 'e07dd3114dda' };
    expect(findingId({ rule: 'duplicate-cr', subject: { ...subject, controller: 'gateway.server' } })).toBe(findingId({ rule: 'duplicate-cr', subject: { ...subject, controller: null } }));
  });

  it('name the origin of a log-derived subject by its file name or workload, so a folder, an archive and a rollout keep it', () => {
    expect(canonicalOrigin('samples/demo/stream-proxy.log')).toBe('stream-proxy.log');
    expect(canonicalOrigin('/tmp/demo.tar.gz:demo/stream-proxy.log')).toBe('stream-proxy.log');
    expect(canonicalOrigin('media/acexy-7d9c6b5f4-x2kq9/proxy')).toBe('media/acexy/proxy');
    expect(canonicalOrigin('media/acexy-0/proxy')).toBe('media/acexy-0/proxy');
    expect(workloadOf('kube-proxy-x2kq9')).toBe('kube-proxy');
    expect(workloadOf('etcd-master-0')).toBe('etcd-master-0');
    const a = findingId({ rule: 'stale-pending', subject: { kind: 'Counter', namespace: null, name: 'n', origin: 'samples/demo/stream-proxy.log' } });
    const b = findingId({ rule: 'stale-pending', subject: { kind: 'Counter', namespace: null, name: 'n', origin: '/tmp/demo.tar.gz:demo/stream-proxy.log' } });
    const c = findingId({ rule: 'stale-pending', subject: { kind: 'Counter', namespace: null, name: 'n', origin: 'degradation.log' } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('are unique within a report: subjects that differ only in what the canonical form drops get their full origin hashed', () => {
    const fs = assignIds([
      finding({ subject: { kind: 'Counter', namespace: null, name: 'n', origin: 'a/gateway.log' }, evidence: [{ source: 'a/gateway.log:3', text: '' }] }),
      finding({ subject: { kind: 'Counter', namespace: null, name: 'n', origin: 'b/gateway.log' }, evidence: [{ source: 'b/gateway.log:3', text: '' }] }),
      finding({ subject: { kind: 'Counter', namespace: null, name: 'other', origin: 'a/gateway.log' } }),
    ]);
    expect(new Set(fs.map((f) => f.id)).size).toBe(3);
    expect(fs[2]!.id).toBe(findingId(fs[2]!));
    // The same two again, in the other order: each keeps its id.
    const again = assignIds([finding({ subject: fs[1]!.subject, evidence: fs[1]!.evidence }), finding({ subject: fs[0]!.subject, evidence: fs[0]!.evidence })]);
    expect(again.map((f) => f.id)).toEqual([fs[1]!.id, fs[0]!.id]);
  });

  it('keep the 0.1 formula available for baselines written by 0.1 (rule, kind, namespace, name, controller)', () => {
    // samples/demo's queue-leak finding had this id in ctrlscope 0.1.0.
    expect(legacyFindingId({ rule: 'queue-leak', subject: { kind: 'APIService', namespace: null, name: 'v0alpha1.provisioning.grafana.app', controller: 'AvailableConditionController' } })).toBe('queue-leak-c40dff74593b');
  });
});
