import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECRET_EXAMPLES as EXAMPLES } from '../../test/helpers/secrets.js';
import { DETECTORS, redact, redactDeep } from './redact.js';

describe('redact: one detector per row', () => {
  it.each(EXAMPLES.map((e) => [e.detector, e.input, e.want, e.secret] as const))('%s: %s', (_d, input, want, secret) => {
    const got = redact(input);
    expect(got).toBe(want);
    if (secret) expect(got).not.toContain(secret);
    // Applying it twice changes nothing (reports are redacted by the engine and again by the reporter).
    expect(redact(got)).toBe(got);
  });

  it('has an example for every detector of the table', () => {
    const exercised = new Set(EXAMPLES.map((e) => e.detector));
    expect(DETECTORS.map((d) => d.id).filter((id) => !exercised.has(id))).toEqual([]);
  });

  it('is listed row by row in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const d of DETECTORS) expect(readme, d.id).toContain(`| \`${d.id}\` | ${d.masks} |`);
  });

  it('leaves ordinary controller lines alone', () => {
    const lines = [
      'E1122 10:00:00.123456       1 available_controller.go:524] v1beta1.metrics.example.io failed with: 401',
      'WARN Pending streams still tracked count=3',
      '{"level":"error","msg":"Reconciler error","controller":"remediationrequest","key":"default/rr-1","error":"conflict"}',
      'I1206 10:00:00.000000 1 controller.go:100] "Reconciling" key="kube-system/coredns" author=bob',
      '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=',
      // cert-manager's Event in https://github.com/cert-manager/cert-manager/issues/6673 (test/real-world/queue-leak/cert-manager-issuer-token-forbidden)
      '  Warning  ErrInitIssuer  2m41s (x44 over 3h12m)  cert-manager-issuers  Error initializing issuer: while requesting a Vault token using the Kubernetes auth: while requesting a token for the service account istio-system/ca-renewer: serviceaccounts "ca-renewer" is forbidden',
    ];
    for (const line of lines) expect(redact(line)).toBe(line);
  });

  it('still masks a credential after a bare `auth` key', () => {
    expect(redact('auth=dXNlcjpwYXNz')).toBe('auth=***');
    expect(redact('auth: hunter2')).toBe('auth: ***');
    expect(redact('auth: "s3cret"')).toBe('auth: ***');
  });

  it('completes on a 1 MiB line built to make the key patterns backtrack', () => {
    const line = `${'a.'.repeat(1 << 19)}=x`;
    expect(redact(line)).toBe(line);
  });
});

describe('redactDeep', () => {
  it('masks every string of a nested value and leaves keys, numbers and booleans', () => {
    const value = { 'password-count': 2, ok: true, items: [{ text: 'password=hunter2' }, 'token: abc'], nested: { url: 'https://u:p4ss@h/' } };
    expect(redactDeep(value)).toEqual({ 'password-count': 2, ok: true, items: [{ text: 'password=***' }, 'token: ***'], nested: { url: 'https://u:***@h/' } });
  });
});
