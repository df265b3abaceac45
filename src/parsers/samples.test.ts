// Every parser's real samples must be recognised as that parser's format, by both detectLine and
// parseLine, and the two must agree on format, wrapper and level.
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';
import * as klog from './klog.js';
import * as logfmt from './logfmt.js';
import * as slogJson from './slog-json.js';
import * as slogText from './slog-text.js';
import * as wrappers from './wrappers.js';
import * as zapConsole from './zap-console.js';
import * as zapJson from './zap-json.js';

const opts = { source: 'samples', referenceYear: 2026 };

const byFormat: [string, string[]][] = [
  ['klog', klog.samples],
  ['zap-json', zapJson.samples],
  ['zap-console', zapConsole.samples],
  ['slog-text', slogText.samples],
  ['slog-json', slogJson.samples],
  ['logfmt', logfmt.samples],
];

describe('parser samples', () => {
  for (const [format, samples] of byFormat) {
    it(`${format}: has samples`, () => expect(samples.length).toBeGreaterThan(0));
    for (const line of samples) {
      it(`${format}: ${line.slice(0, 70)}`, () => {
        const d = detectLine(line);
        const ev = parseLine(line, 1, opts);
        expect(d.format).toBe(format);
        expect(ev.format).toBe(format);
        expect({ format: ev.format, wrapper: ev.wrapper, level: ev.level }).toEqual({ ...d });
        expect(ev.level).not.toBe('unknown');
        expect(ev.time).toBeTypeOf('number');
        expect(ev.message.length).toBeGreaterThan(0);
      });
    }
  }
  for (const line of wrappers.samples) {
    it(`wrapper: ${line.slice(0, 70)}`, () => {
      const d = detectLine(line);
      const ev = parseLine(line, 1, opts);
      expect(d.wrapper).not.toBe('none');
      expect({ format: ev.format, wrapper: ev.wrapper, level: ev.level }).toEqual({ ...d });
      expect(ev.time).toBeTypeOf('number');
    });
  }
});
