// Every registered format's real samples must be recognised as that format, by both detectLine and
// parseLine, and the two must agree on format, wrapper and level; every wrapper's samples must be
// read as wrapped. The list comes from the registry, so a new format module is checked here
// without touching this file.
import { describe, expect, it } from 'vitest';
import { detectLine, formatRole, parseLine } from './index.js';
import { LINE_FORMATS, LINE_WRAPPERS } from './registry.js';

const opts = { source: 'samples', referenceYear: 2026 };

describe('parser samples', () => {
  for (const f of LINE_FORMATS) {
    const name = f.names.join('/');
    it(`${name}: has real samples`, () => expect(f.samples.length).toBeGreaterThan(0));
    for (const line of f.samples) {
      it(`${name}: ${line.slice(0, 70)}`, () => {
        const d = detectLine(line);
        const ev = parseLine(line, 1, opts);
        expect(f.names).toContain(d.format);
        expect(ev.format).toBe(d.format);
        expect({ format: ev.format, wrapper: ev.wrapper, level: ev.level }).toEqual({ format: d.format, wrapper: d.wrapper, level: d.level });
        if (f.role !== 'continuation') {
          expect(formatRole(d.format)).toBe('record');
          expect(ev.message.length).toBeGreaterThan(0);
        } else {
          expect(formatRole(d.format)).toBe('continuation');
        }
      });
    }
  }
  for (const w of LINE_WRAPPERS) {
    it(`${w.name}: has real samples`, () => expect(w.samples.length).toBeGreaterThan(0));
    for (const line of w.samples) {
      it(`wrapper ${w.name}: ${line.slice(0, 70)}`, () => {
        const d = detectLine(line);
        const ev = parseLine(line, 1, opts);
        expect(d.wrapper).toBe(w.name);
        expect({ format: ev.format, wrapper: ev.wrapper, level: ev.level }).toEqual({ format: d.format, wrapper: d.wrapper, level: d.level });
        expect(ev.time).toBeTypeOf('number');
      });
    }
  }
});
