import { describe, expect, it } from 'vitest';
import { globMatch } from './glob.js';

describe('globMatch', () => {
  it.each([
    ['v1beta1.metrics.example.io', 'v1beta1.metrics.example.io', true],
    ['*.example.io', 'v1beta1.metrics.example.io', true],
    ['*.example.io', 'example.io', false],
    ['v1beta1.*', 'v1beta1.metrics.example.io', true],
    ['*metrics*', 'v1beta1.metrics.example.io', true],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['?', '', false],
    ['?', 'é', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['**', 'anything/with/slashes', true],
    ['default/*', 'default/rr-1', true],
    ['default/*', 'kube-system/rr-1', false],
    ['*.*.*.*.example.io', 'a.b.c.d.example.io', true],
    ['*.*.*.*.example.io', 'a.b.c.example.io', false],
    ['a.c', 'abc', false], // `.` is literal, not "any character"
    ['[ab]', 'a', false], // no character classes: brackets are literal
    ['[ab]', '[ab]', true],
  ])('%j against %j is %s', (pattern, value, want) => {
    expect(globMatch(pattern, value)).toBe(want);
  });

  it('completes on a long key that almost matches a glob of many stars', () => {
    // As a regular expression this pattern backtracks for over 300 s on such a key; the
    // two-pointer matcher is done after a few passes over it (timings: bench and commit log).
    const key = `${'a.'.repeat(1500)}example.com`;
    expect(key.length).toBeGreaterThan(3000);
    expect(globMatch('*.*.*.*.example.io', key)).toBe(false);
    expect(globMatch('*.*.*.*.example.io', `${key}.example.io`)).toBe(true);
    expect(globMatch('*a*a*a*a*a*a*a*b', 'a'.repeat(3000))).toBe(false);
  });
});
