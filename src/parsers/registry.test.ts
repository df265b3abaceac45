// A log format is its module in src/parsers/formats/ and its test: nothing else registers it. The
// registry must hold every module of that folder, and every format and wrapper each exports.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleFiles, modules } from './formats/all.js';
import type { FormatModule } from './registry.js';
import { FORMAT_NAMES, LINE_FORMATS, LINE_WRAPPERS, WRAPPER_NAMES } from './registry.js';

const DIR = new URL('./formats/', import.meta.url);

describe('the format registry', () => {
  it('loads every module of src/parsers/formats/ (tests and all.ts aside)', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'all.ts').sort();
    expect(files.length).toBeGreaterThan(10);
    expect(moduleFiles(readdirSync(DIR))).toEqual(files);
    expect(modules).toHaveLength(files.length);
  });

  it('lists every format and wrapper those modules export, with their names in reports', () => {
    for (const m of modules as readonly FormatModule[]) {
      const formats = [m.format, ...(m.formats ?? [])].filter((f) => f !== undefined);
      const wrappers = [m.wrapper, ...(m.wrappers ?? [])].filter((w) => w !== undefined);
      expect(formats.length + wrappers.length).toBeGreaterThan(0);
      for (const f of formats) {
        expect(LINE_FORMATS).toContain(f);
        for (const n of f.names) expect(FORMAT_NAMES).toContain(n);
      }
      for (const w of wrappers) {
        expect(LINE_WRAPPERS).toContain(w);
        expect(WRAPPER_NAMES).toContain(w.name);
      }
    }
  });
});
