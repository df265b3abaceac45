import { describe, expect, it } from 'vitest';
import { compareText } from './order.js';

describe('compareText', () => {
  it('orders by code unit, whatever the locale: capitals before lower case, digits before letters', () => {
    expect(['rr-b', 'RR-a', 'rr-a', 'rr-10', 'rr-9', 'é'].sort(compareText)).toEqual(['RR-a', 'rr-10', 'rr-9', 'rr-a', 'rr-b', 'é']);
  });
  it('says 0 only for equal strings', () => {
    expect(compareText('queue-leak', 'queue-leak')).toBe(0);
    expect(compareText('a', 'b')).toBe(-1);
    expect(compareText('b', 'a')).toBe(1);
  });
});
