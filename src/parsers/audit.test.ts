import { describe, expect, it } from 'vitest';
import { parseAuditLine, samples, sniffAudit } from './audit.js';

describe('parseAuditLine', () => {
  it('reads an audit.k8s.io/v1 Event into an AuditEvent with stage and audit ID', () => {
    const ev = parseAuditLine(samples[0]!, 7, 'audit.log');
    expect(ev).toEqual({
      kind: 'audit',
      time: Date.parse('2026-10-02T18:07:01.120Z'),
      verb: 'get',
      user: 'system:serviceaccount:kubernaut-system:gateway',
      userAgent: 'gateway/v0.0.0 (linux/amd64) kubernetes/$Format',
      resource: 'remediationrequests',
      namespace: 'kubernaut-system',
      name: 'rr-2bf3a5781f9d-1',
      apiGroup: 'kubernaut.ai',
      apiVersion: 'v1alpha1',
      code: 200,
      stage: 'ResponseComplete',
      auditID: '7e0cbccf-8d8a-4f5f-b0b4-2a3b1a4f1c11',
      source: 'audit.log',
      line: 7,
      raw: samples[0],
    });
  });

  it('accepts v1beta1 with `timestamp`, a subresource and a short shipper prefix', () => {
    const raw =
      '2021-08-03T09:21:51Z {"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","stage":"ResponseComplete","verb":"patch","user":{"username":"system:node:ip-10-0-1-2"},"objectRef":{"resource":"pods","subresource":"status","namespace":"ns1","name":"p-0","apiVersion":"v1"},"responseStatus":{"code":409},"timestamp":"2021-08-03T09:21:51.5Z"}';
    const ev = parseAuditLine(raw, 1, 'a');
    expect(ev).toMatchObject({ verb: 'patch', user: 'system:node:ip-10-0-1-2', resource: 'pods', subresource: 'status', namespace: 'ns1', name: 'p-0', code: 409, time: Date.parse('2021-08-03T09:21:51.5Z') });
    expect(ev?.userAgent).toBeUndefined();
    expect(ev?.apiGroup).toBeUndefined();
  });

  it.each([
    ['a log line', 'I0803 09:20:54.346409       1 request.go:655] Throttling request took 1.03s'],
    ['JSON that is not audit', '{"level":"info","msg":"audit.k8s.io/v1 mentioned"}'],
    ['another kind', '{"kind":"Policy","apiVersion":"audit.k8s.io/v1","rules":[]}'],
    ['no verb', '{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete"}'],
    ['broken JSON', '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get",'],
  ])('returns undefined for %s', (_what, raw) => {
    expect(parseAuditLine(raw, 1, 'x')).toBeUndefined();
  });
});

describe('sniffAudit', () => {
  it('recognises audit logs by their first non-empty line', () => {
    expect(sniffAudit(`\n${samples[1]}\n${samples[0]}`)).toBe(true);
    expect(sniffAudit('{"kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "x", "verb": "get"}')).toBe(true);
  });
  it('does not claim logs, manifests or an audit Policy', () => {
    expect(sniffAudit('{"level":"info","ts":"2026-10-02T22:07:06.314Z","msg":"Created RemediationRequest CRD"}')).toBe(false);
    expect(sniffAudit('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n')).toBe(false);
    expect(sniffAudit('')).toBe(false);
  });
});
