import { describe, expect, it } from 'vitest';
import { parseIso, parseKlogTime, parseSlash, utcMs } from './util.js';

describe('time helpers', () => {
  it('utcMs matches Date.UTC across eras, leap days and month ends', () => {
    for (const [y, mo, d] of [[1970, 1, 1], [2000, 2, 29], [2024, 12, 31], [2026, 3, 1], [1600, 3, 1], [2100, 2, 28], [1969, 12, 31]]) {
      expect(utcMs(y!, mo!, d!, 13, 14, 15, 16)).toBe(Date.UTC(y!, mo! - 1, d!, 13, 14, 15, 16));
    }
  });
  it('parseIso handles fractions, offsets and garbage', () => {
    expect(parseIso('2016-10-06T00:17:09.669794202Z', 0)).toBe(Date.UTC(2016, 9, 6, 0, 17, 9, 669));
    expect(parseIso('2022-11-08T15:28:26.5-05:00', 0)).toBe(Date.UTC(2022, 10, 8, 20, 28, 26, 500));
    expect(parseIso('2022-11-08 15:28:26,12+0130', 0)).toBe(Date.UTC(2022, 10, 8, 13, 58, 26, 120));
    expect(parseIso('2022-11-08T15:28:26', 0)).toBe(Date.UTC(2022, 10, 8, 15, 28, 26));
    expect(parseIso('2022-1x-08T15:28:26Z', 0)).toBeNaN();
    expect(parseIso('short', 0)).toBeNaN();
    expect(parseSlash('2025/11/02 10:32:57.123456', 0)).toBe(Date.UTC(2025, 10, 2, 10, 32, 57, 123));
    expect(parseKlogTime('0118 14:11:54.123456', 0, 2024)).toBe(Date.UTC(2024, 0, 18, 14, 11, 54, 123));
  });
});
