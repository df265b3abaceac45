import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultWorkers, likelyLarge, plannedWorkers } from './planner.js';

/** A sparse file of `size` bytes (no disk space used). */
function sparse(path: string, size: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

describe('defaultWorkers', () => {
  it('starts two workers at most, and leaves a core to the engine thread when it unpacks an archive', () => {
    expect(defaultWorkers(['app.log'], 2)).toBe(2);
    expect(defaultWorkers(['must-gather/'], 8)).toBe(2);
    expect(defaultWorkers(['must-gather.tar.gz'], 2)).toBe(1);
    expect(defaultWorkers(['app.log', 'bundle.ZIP'], 2)).toBe(1);
    expect(defaultWorkers(['must-gather.tgz'], 4)).toBe(2);
    // One core: still one worker, as before (the engine's thread and it share the core).
    expect(defaultWorkers(['must-gather.tar.xz'], 1)).toBe(1);
    expect(defaultWorkers(['app.log.gz'], 1)).toBe(1);
  });

  it('starts one worker for a folder of many small files', () => {
    expect(defaultWorkers(['must-gather/'], 8, true)).toBe(1);
    expect(defaultWorkers(['must-gather/'], 1, true)).toBe(1);
  });
});

describe('plannedWorkers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-plan-'));

  it('gives a large folder of files under 1 MiB one worker, and one of large files two', () => {
    const small = join(dir, 'small');
    for (let i = 0; i < 80; i++) {
      mkdirSync(join(small, `ns-${i}`), { recursive: true });
      sparse(join(small, `ns-${i}`, 'current.log'), 900 << 10);
    }
    const trees = new Map();
    expect(plannedWorkers([small], trees, 8)).toEqual({ workers: 1, smallFiles: true });
    expect(trees.get(small)).toHaveLength(80);
    const large = join(dir, 'large');
    mkdirSync(large);
    for (let i = 0; i < 4; i++) sparse(join(large, `${i}.log`), 20 << 20);
    expect(plannedWorkers([large], undefined, 8)).toEqual({ workers: 2, smallFiles: false });
    // Small files beside a larger share of large ones: the workers read the large ones in parallel.
    expect(plannedWorkers([small, large], undefined, 8)).toEqual({ workers: 2, smallFiles: false });
    expect(plannedWorkers([join(small, 'ns-0')], undefined, 8)).toEqual({ workers: 0, smallFiles: true });
  });
});

describe('likelyLarge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-pool-'));

  it('is true for a file of 64 MiB or more and false for a small one', () => {
    expect(likelyLarge([sparse(join(dir, 'big.log'), 64 << 20)])).toBe(true);
    expect(likelyLarge([sparse(join(dir, 'small.log'), 1 << 20)])).toBe(false);
  });

  it('sums a directory tree, and ignores stdin and missing paths', () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'a/b'), { recursive: true });
    for (let i = 0; i < 4; i++) sparse(join(tree, 'a/b', `${i}.log`), 20 << 20);
    writeFileSync(join(tree, 'timestamp'), 'x');
    const trees = new Map();
    expect(likelyLarge([tree], trees)).toBe(true);
    expect(likelyLarge(['-', join(dir, 'missing')])).toBe(false);
    // The listing is kept for the scan, which then does not walk the folder again.
    expect(trees.get(tree).map(({ path, rel, size }: { path: string; rel: string; size: number }) => ({ path, rel, size }))).toEqual([
      ...[0, 1, 2, 3].map((i) => ({ path: join(tree, 'a/b', `${i}.log`), rel: `a/b/${i}.log`, size: 20 << 20 })),
      { path: join(tree, 'timestamp'), rel: 'timestamp', size: 1 },
    ]);
  });
});

/**
 * Runs `body` as an ES module in a Node process of its own, with the compiled LinePool imported,
 * and returns what it prints (the pool's workers run the compiled line-worker.js).
 */
function withPool(body: string): string {
  const pool = fileURLToPath(new URL('../../dist/src/engine/line-pool.js', import.meta.url));
  const file = join(mkdtempSync(join(tmpdir(), 'ctrlscope-pool-')), 'pool.mjs');
  writeFileSync(file, `const { LinePool } = await import(${JSON.stringify(pool)});\n${body}`);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
}

describe('LinePool', () => {
  it('does not keep a process alive while idle, and still answers jobs', () => {
    // Jobs answered, then the pool is left open: the process must end by itself.
    const out = withPool(`
      const p = new LinePool(2);
      const want = { all: false, minRank: 4, groups: [{ keywords: ['Pending'] }] };
      const r = await p.submit({ bytes: Buffer.from('x\\nI0118 14:11:54.123456       1 f.go:1] "Pending work" n=3\\n'), want, source: '', referenceYear: 2026 });
      console.log(JSON.stringify([r.tally.lines, r.lines, r.lineNos]));`);
    // The wanted line comes back as text with its line number in the chunk; the engine parses it.
    expect(JSON.parse(out)).toEqual([2, ['I0118 14:11:54.123456       1 f.go:1] "Pending work" n=3'], [2]]);
  });

  it('moves a chunk that owns its buffer to the worker, and gets it back when the chunk must be redone in order', () => {
    const out = withPool(`
      const p = new LinePool(1);
      const want = { all: false, minRank: 4, groups: [{ keywords: ['Pending'] }] };
      const text = '2025-11-02T11:00:00.000000001Z stdout P 2025/11/02 11:00:00 WARN Pending streams still \\n';
      const bytes = Buffer.alloc(Buffer.byteLength(text)); // unpooled: the view owns its buffer
      bytes.write(text);
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const r = await p.submit({ bytes, want, source: '', referenceYear: 2026 });
      console.log(JSON.stringify([owned, bytes.byteLength, r.sequential, Buffer.from(r.bytes).toString() === text]));
      await p.close();`);
    // Moved: the caller's view is empty. A CRI partial line needs the input's joiner, so the
    // worker answers `sequential` and hands the bytes back whole.
    expect(JSON.parse(out)).toEqual([true, 0, true, true]);
  });

  it('answers a job whose bytes are a view into a larger buffer, leaving that buffer in place (copied, not moved)', () => {
    const out = withPool(`
      const p = new LinePool(1);
      const want = { all: false, minRank: 4, groups: [{ keywords: ['Pending'] }] };
      const big = Buffer.alloc(256 << 10, 0x78); // a 256 KiB inflated chunk of which a member is a slice
      const line = 'I0118 14:11:54.123456       1 f.go:1] "Pending work" n=3\\n';
      big.write(line, 1000);
      const view = big.subarray(1000, 1000 + line.length);
      const r = await p.submit({ bytes: view, want, source: '', referenceYear: 2026 });
      console.log(JSON.stringify([view.byteLength, big.byteLength, r.tally.lines, r.lines]));
      await p.close();`);
    // The rest of the chunk may still be in use (other members): moving its buffer would empty it.
    expect(JSON.parse(out)).toEqual([57, 256 << 10, 1, ['I0118 14:11:54.123456       1 f.go:1] "Pending work" n=3']]);
  });
});
