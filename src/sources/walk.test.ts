import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkTree, type TreeFile } from './walk.js';

/** The entries as plain objects (paths are made when asked for). */
const plain = (list: TreeFile[]) => list.map(({ path, rel, size, unreadable }) => (unreadable === undefined ? { path, rel, size } : { path, rel, size, unreadable }));

describe('walkTree', () => {
  it('lists regular files depth-first in code-unit name order, with sizes; links are not followed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-walk-'));
    mkdirSync(join(dir, 'a/deep/er'), { recursive: true });
    mkdirSync(join(dir, 'B'));
    writeFileSync(join(dir, 'a/deep/er/x.log'), 'xyz');
    writeFileSync(join(dir, 'a/z.yaml'), 'kind: Pod\n');
    writeFileSync(join(dir, 'B/one'), '1');
    writeFileSync(join(dir, 'timestamp'), '');
    symlinkSync(join(dir, 'a'), join(dir, 'link-to-a'));
    symlinkSync('/etc/hostname', join(dir, 'a/outside'));
    expect(plain(walkTree(dir))).toEqual([
      { path: join(dir, 'B/one'), rel: 'B/one', size: 1 },
      { path: join(dir, 'a/deep/er/x.log'), rel: 'a/deep/er/x.log', size: 3 },
      { path: join(dir, 'a/z.yaml'), rel: 'a/z.yaml', size: 10 },
      { path: join(dir, 'timestamp'), rel: 'timestamp', size: 0 },
    ]);
  });

  it('lists a FIFO below the folder as unreadable instead of opening it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-walk-'));
    writeFileSync(join(dir, 'a.log'), 'x');
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(plain(walkTree(dir))).toEqual([
      { path: join(dir, 'a.log'), rel: 'a.log', size: 1 },
      { path: join(dir, 'pipe'), rel: 'pipe', size: 0, unreadable: 'a named pipe (FIFO), not a regular file: skipped' },
    ]);
  });

  it('throws for the folder itself when it cannot be listed', () => {
    expect(() => walkTree(join(tmpdir(), 'ctrlscope-walk-missing-folder'))).toThrow(/ENOENT/);
  });
});
