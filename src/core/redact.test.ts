import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOi.abc.def', 'Authorization: ***'],
    ['curl -H "authorization: Basic dXNlcjpwYXNz"', 'curl -H "authorization: ***"'],
    ['{"user":"a","password":"hunter2","n":1}', '{"user":"a","password":"***","n":1}'],
    ['{"client_secret": "s3cr\\"et"}', '{"client_secret": "***"}'],
    ['login user=bob password=hunter2 ok', 'login user=bob password=*** ok'],
    ['token="abc def" next=1', 'token=*** next=1'],
    ['sent bearer abc.def-ghi', 'sent bearer ***'],
    ['key: "-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----"', 'key: "-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----"'],
  ])('%s', (input, want) => {
    expect(redact(input)).toBe(want);
  });

  it('leaves ordinary controller lines alone', () => {
    const line = 'E1122 10:00:00.123456       1 available_controller.go:524] v1beta1.metrics.example.io failed with: 401';
    expect(redact(line)).toBe(line);
    expect(redact('WARN Pending streams still tracked count=3')).toBe('WARN Pending streams still tracked count=3');
  });
});
