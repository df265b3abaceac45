import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../core/event.js';
import { agentKey, AuditStatsCollector } from './audit-stats.js';

const T0 = Date.parse('2026-10-02T18:00:00Z');

function ev(i: number, verb: string, name: string, extra: Partial<AuditEvent> & { stage?: string } = {}): AuditEvent {
  return { kind: 'audit', time: T0 + i * 1000, verb, user: 'system:serviceaccount:kubernaut-system:gateway', userAgent: 'gateway/v0.0.0 (linux/amd64) kubernetes/$Format', resource: 'remediationrequests', apiGroup: 'kubernaut.ai', namespace: 'kubernaut-system', name, source: 'audit.log', line: i + 1, raw: '{}', ...extra };
}

describe('AuditStatsCollector', () => {
  it('finds the one object read and written far above its peers, with rates, agents and verbs', () => {
    const c = new AuditStatsCollector();
    let i = 0;
    // Five quiet peers: 2 gets each.
    for (const n of ['rr-a', 'rr-b', 'rr-c', 'rr-d', 'rr-e']) for (let k = 0; k < 2; k++) c.add(ev(i++, 'get', n));
    // The hot loop: 60 get + 60 update of rr-hot over two minutes, each also seen at RequestReceived.
    for (let k = 0; k < 60; k++) {
      c.add(ev(i, 'get', 'rr-hot', { stage: 'RequestReceived' }));
      c.add(ev(i++, 'get', 'rr-hot', { stage: 'ResponseComplete' }));
      c.add(ev(i++, 'update', 'rr-hot', { stage: 'ResponseComplete', userAgent: 'remediationorchestrator/v1 (linux/amd64)' }));
    }
    const s = c.stats();
    expect(s.requests).toBe(130);
    expect(s.start).toBe(T0);
    expect(s.end).toBe(T0 + 129_000);
    expect(s.byVerb).toEqual([
      { key: 'get', count: 70, perMinute: 32.56 },
      { key: 'update', count: 60, perMinute: 27.91 },
    ]);
    expect(s.byUserAgent.map((r) => [r.key, r.count])).toEqual([
      ['gateway/v0.0.0', 70],
      ['remediationorchestrator/v1', 60],
    ]);
    expect(s.byResource).toEqual([{ key: 'kubernaut.ai/remediationrequests', count: 130, perMinute: 60.47 }]);
    expect(s.byObject[0]).toEqual({ key: 'kubernaut.ai/remediationrequests kubernaut-system/rr-hot', count: 120, perMinute: 55.81 });
    expect(s.hotObjects).toHaveLength(1);
    const h = s.hotObjects[0]!;
    expect(h).toMatchObject({
      resource: 'kubernaut.ai/remediationrequests',
      namespace: 'kubernaut-system',
      name: 'rr-hot',
      count: 120,
      reads: 60,
      writes: 60,
      peerMedian: 2,
      peerScope: 'resource',
      factor: 60,
      firstSeen: T0 + 10_000,
      lastSeen: T0 + 129_000,
    });
    expect(h.userAgents.map((r) => [r.key, r.count])).toEqual([
      ['gateway/v0.0.0', 60],
      ['remediationorchestrator/v1', 60],
    ]);
    expect(h.samples).toHaveLength(5);
  });

  it('finds nothing hot when every object is busy alike', () => {
    const c = new AuditStatsCollector();
    let i = 0;
    for (let k = 0; k < 50; k++) for (const n of ['a', 'b', 'c', 'd', 'e']) c.add(ev(i++, 'get', n));
    expect(c.stats().hotObjects).toEqual([]);
  });

  it('counts RequestReceived events only when the log has no final stages', () => {
    const c = new AuditStatsCollector();
    c.add(ev(0, 'get', 'x', { stage: 'RequestReceived' }));
    c.add(ev(1, 'get', 'x', { stage: 'RequestReceived' }));
    expect(c.stats().requests).toBe(2);
  });

  it('keys user agents by their product token', () => {
    expect(agentKey('kube-controller-manager/v1.21.1 (linux/amd64) kubernetes/5e58841/system:serviceaccount:kube-system:x')).toBe('kube-controller-manager/v1.21.1');
    expect(agentKey(undefined)).toBe('unknown');
  });
});
