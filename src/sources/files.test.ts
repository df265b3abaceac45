import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileSource, MAX_LINE_CHARS, readChunks, readLines } from './files.js';
import { newInput } from './types.js';

async function split(chunks: (string | Buffer)[]) {
  const input = newInput('t.log', 'log');
  const lines: string[] = [];
  const firsts: number[] = [];
  async function* gen() {
    for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c;
  }
  for await (const item of readLines(gen(), input)) {
    firsts.push(item.firstLine);
    lines.push(...item.lines);
  }
  return { lines, firsts, input };
}

describe('readLines', () => {
  it('joins lines split across chunks and strips CR', async () => {
    const { lines } = await split(['a\r\nb', 'c\nd', 'e\n', 'f']);
    expect(lines).toEqual(['a', 'bc', 'de', 'f']);
  });

  it('does not split a multi-byte character cut between chunks', async () => {
    const bytes = Buffer.from('count=3 → 9\n');
    const cut = bytes.indexOf(0x86); // inside the 3-byte arrow
    const { lines } = await split([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(lines).toEqual(['count=3 → 9']);
  });

  it('keeps empty lines so line numbers stay true', async () => {
    const { lines } = await split(['x\n\ny\n']);
    expect(lines).toEqual(['x', '', 'y']);
  });

  it('cuts an over-long line at the cap, counts it, and goes on', async () => {
    const huge = 'x'.repeat(MAX_LINE_CHARS + 5000);
    const chunks: string[] = ['before\n'];
    for (let i = 0; i < huge.length; i += 65536) chunks.push(huge.slice(i, i + 65536));
    chunks.push('\nafter\n');
    const { lines, input } = await split(chunks);
    expect(lines.length).toBe(3);
    expect(lines[0]).toBe('before');
    expect(lines[1]!.length).toBe(MAX_LINE_CHARS);
    expect(lines[2]).toBe('after');
    expect(input.report.truncatedLines).toBe(1);
  });

  it('cuts an over-long line that arrives in one chunk', async () => {
    const { lines, input } = await split([`${'y'.repeat(MAX_LINE_CHARS + 1)}\nz`]);
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_CHARS, 1]);
    expect(input.report.truncatedLines).toBe(1);
  });

  it('numbers batches from 1', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n');
    const { lines, firsts } = await split([text]);
    expect(lines.length).toBe(5000);
    expect(firsts[0]).toBe(1);
    expect(lines[firsts[1]! - 1]).toBe(`line ${firsts[1]}`);
  });
});

describe('fileSource', () => {
  it('reads gzip by magic bytes, whatever the name', async () => {
    const { fileSource } = await import('./files.js');
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-files-'));
    const p = join(dir, 'controller.log');
    writeFileSync(p, gzipSync('I1122 10:00:00.000000       1 main.go:1] hello\n'));
    let text = '';
    for await (const item of fileSource(p)) if (item.type === 'bytes') text += Buffer.from(item.bytes).toString('utf8');
    expect(text).toBe('I1122 10:00:00.000000       1 main.go:1] hello\n');
  });
});

describe('readChunks', () => {
  async function chunks(parts: string[]) {
    const input = newInput('t.log', 'log');
    async function* gen() {
      for (const c of parts) yield Buffer.from(c);
    }
    const out: string[] = [];
    for await (const item of readChunks(gen(), input)) out.push(Buffer.from(item.bytes).toString('utf8'));
    return { out, input };
  }

  it('hands over whole lines only, and the unterminated last line at the end', async () => {
    const { out } = await chunks(['a\nb', 'c\nd']);
    expect(out.join('')).toBe('a\nbc\nd');
    for (const c of out.slice(0, -1)) expect(c.endsWith('\n')).toBe(true);
  });

  it('cuts a line longer than the cap, counts it, and keeps the lines after it', async () => {
    const parts = ['first\n'];
    for (let i = 0; i < 40; i++) parts.push('z'.repeat(65536));
    parts.push('\nlast\n');
    const { out, input } = await chunks(parts);
    const lines = out.join('').split('\n');
    expect(lines[0]).toBe('first');
    expect(lines[1]!.length).toBe(MAX_LINE_CHARS);
    expect(lines[2]).toBe('last');
    expect(input.report.truncatedLines).toBe(1);
  });
});

describe('fileSource on a truncated gzip file', () => {
  it('hands over the lines read before the cut and reports the problem', async () => {
    const { fileSource } = await import('./files.js');
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-trunc-'));
    const p = join(dir, 'controller.log.gz');
    const text = Array.from({ length: 2000 }, (_, i) => `I1122 10:00:00.000000       1 main.go:1] line ${i}`).join('\n') + '\n';
    const gz = gzipSync(text);
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
    let got = '';
    let problems: string[] = [];
    for await (const item of fileSource(p)) {
      if (item.type === 'bytes') got += Buffer.from(item.bytes).toString('utf8');
      if (item.type !== 'clock') problems = item.input.report.problems;
    }
    const lines = got.split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[0]).toBe('I1122 10:00:00.000000       1 main.go:1] line 0');
    expect(text.startsWith(got)).toBe(true);
    expect(problems).toEqual([expect.stringMatching(/^gzip stream ended early or is corrupt: .*lines before the problem were analysed$/)]);
  });
});

describe('fileSource: CR-only line ends', () => {
  const lines = ['I1120 09:00:00.000000       1 x.go:1] first', 'I1120 09:00:01.000000       1 x.go:2] second', 'I1120 09:00:02.000000       1 x.go:3] third'];

  it.each([
    ['plain', (t: string) => Buffer.from(t)],
    ['gzipped', (t: string) => gzipSync(t)],
  ])('splits a %s log whose lines end in CR alone, also when whole files go to the workers', async (_name, encode) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-cr-'));
    const path = join(dir, 'console.log');
    writeFileSync(path, encode(`${lines.join('\r')}\r`));
    for (const fileItems of [false, true]) {
      const got: string[] = [];
      for await (const item of fileSource(path, { fileItems })) {
        expect(item.type).not.toBe('file'); // the workers split on LF only: CR-only files are streamed
        if (item.type === 'bytes') got.push(...Buffer.from(item.bytes).toString('utf8').split('\n'));
      }
      expect(got.filter((l) => l !== '')).toEqual(lines);
    }
  });

  it('leaves CRLF files as they are (the readers strip the CR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-cr-'));
    const path = join(dir, 'crlf.log');
    writeFileSync(path, `${lines.join('\r\n')}\r\n`);
    const items = [];
    for await (const item of fileSource(path, { fileItems: true })) items.push(item);
    expect(items.map((i) => i.type)).toEqual(['events', 'file']);
  });
});

