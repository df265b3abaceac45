import { describe, expect, it } from 'vitest';
import { parseJsonPath, valueAt } from './json-path.js';

describe('parseJsonPath', () => {
  it('parses the JSONPath forms users write', () => {
    expect(parseJsonPath('spec.signalFingerprint')).toEqual(['spec', 'signalFingerprint']);
    expect(parseJsonPath('{.metadata.labels.app}')).toEqual(['metadata', 'labels', 'app']);
    expect(parseJsonPath("$.metadata.annotations['kubernaut.ai/fp']")).toEqual(['metadata', 'annotations', 'kubernaut.ai/fp']);
    expect(parseJsonPath('spec.items[0].key')).toEqual(['spec', 'items', 0, 'key']);
  });

  it('names what it cannot read', () => {
    expect(() => parseJsonPath('spec.items[*]')).toThrow('unsupported "[*]" in "spec.items[*]" (use [n] or [\'name\'])');
    expect(() => parseJsonPath('spec[0')).toThrow('unclosed "[" in "spec[0"');
    expect(() => parseJsonPath('$')).toThrow('empty path "$"');
  });
});

describe('valueAt', () => {
  it('follows names and indexes, and is undefined where the path leaves the object', () => {
    const obj = { spec: { items: [{ key: 'a' }], n: 0 }, metadata: { annotations: { 'kubernaut.ai/fp': 'f' } } };
    expect(valueAt(obj, parseJsonPath('spec.items[0].key'))).toBe('a');
    expect(valueAt(obj, parseJsonPath("metadata.annotations['kubernaut.ai/fp']"))).toBe('f');
    expect(valueAt(obj, parseJsonPath('spec.n'))).toBe(0);
    expect(valueAt(obj, parseJsonPath('spec.n.deeper'))).toBeUndefined();
    expect(valueAt(obj, parseJsonPath('status.phase'))).toBeUndefined();
  });
});
