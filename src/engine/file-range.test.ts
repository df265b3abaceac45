import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLineRange } from './file-range.js';
import { MAX_LINE_CHARS } from './line-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-range-'));
function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Reads a whole file as consecutive ranges of `step` bytes. */
function byRanges(path: string, size: number, step: number): string[] {
  const parts: string[] = [];
  for (let s = 0; s < size; s += step) parts.push(readLineRange(path, s, Math.min(size, s + step)).toString('utf8'));
  return parts;
}

describe('readLineRange', () => {
  const text = 'alpha\nbe\n\nlonger line three\nx\nlast without newline';
  const path = file('lines.log', text);

  it('gives each line to the range holding its first byte, for every range size', () => {
    for (let step = 1; step <= text.length + 1; step++) {
      const parts = byRanges(path, text.length, step);
      expect(parts.join('')).toBe(text);
      // Every part is whole lines: empty, or ending in a newline, or the file's end.
      for (const p of parts) expect(p === '' || p.endsWith('\n') || text.endsWith(p)).toBe(true);
    }
  });

  it('reads into one reused buffer when given a scratch, with the same lines for every range size', () => {
    for (let step = 1; step <= text.length + 1; step++) {
      const scratch = {};
      const parts: string[] = [];
      for (let s = 0; s < text.length; s += step) parts.push(readLineRange(path, s, Math.min(text.length, s + step), scratch).toString('utf8'));
      expect(parts).toEqual(byRanges(path, text.length, step));
    }
    // A larger range than the scratch holds grows it; a smaller one reads into the same memory.
    const scratch: { buf?: Buffer } = {};
    expect(readLineRange(path, 0, 3, scratch).toString()).toBe('alpha\n');
    const first = scratch.buf!;
    expect(readLineRange(path, 0, text.length, scratch).toString()).toBe(text);
    const grown = scratch.buf!;
    expect(grown.length).toBeGreaterThanOrEqual(first.length);
    const again = readLineRange(path, 6, 7, scratch);
    expect(again.toString()).toBe('be\n');
    expect(again.buffer).toBe(grown.buffer);
  });

  it('reads a range that starts a line from that line, and one that starts mid-line from the next', () => {
    expect(readLineRange(path, 0, 3).toString()).toBe('alpha\n');
    expect(readLineRange(path, 6, 7).toString()).toBe('be\n');
    expect(readLineRange(path, 7, 12).toString()).toBe('\nlonger line three\n');
    expect(readLineRange(path, 2, 5).toString()).toBe('');
  });

  it('keeps a last line that runs past the range up to one byte over the line cap, and skips the rest', () => {
    const long = 'y'.repeat(MAX_LINE_CHARS + 5000);
    const p = file('long.log', `short\n${long}\nnext\n`);
    const first = readLineRange(p, 0, 10);
    expect(first.length).toBe(6 + MAX_LINE_CHARS + 1);
    expect(first.subarray(0, 6).toString()).toBe('short\n');
    // The ranges inside the long line start no line; the one after it starts at `next`.
    expect(readLineRange(p, 100, 200).length).toBe(0);
    const after = 6 + long.length + 1;
    expect(readLineRange(p, after - 3, after + 5).toString()).toBe('next\n');
  });

  it('returns nothing past the end of the file', () => {
    expect(readLineRange(path, text.length, text.length + 10).length).toBe(0);
  });
});
