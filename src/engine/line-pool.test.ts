import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { likelyLarge } from './line-pool.js';

/** A sparse file of `size` bytes (no disk space used). */
function sparse(path: string, size: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

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
    expect(likelyLarge([tree])).toBe(true);
    expect(likelyLarge(['-', join(dir, 'missing')])).toBe(false);
  });
});
