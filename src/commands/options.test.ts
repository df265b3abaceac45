import { describe, expect, it } from 'vitest';
import { parseTime } from './options.js';

describe('parseTime (--since/--until)', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it.each([
    ['15m', now - 15 * 60_000],
    ['2h', now - 2 * 3_600_000],
    ['1d', now - 86_400_000],
    ['500ms', now - 500],
    ['1h30m', now - 90 * 60_000],
    ['2026-11-20T08:00:00Z', Date.parse('2026-11-20T08:00:00Z')],
  ])('%s', (value, want) => {
    expect(parseTime('--since', value, now)).toBe(want);
  });

  it('names the flag and says what to write for anything else', () => {
    expect(() => parseTime('--since', 'yesterday', now)).toThrow("--since 'yesterday' is not a time");
  });
});
