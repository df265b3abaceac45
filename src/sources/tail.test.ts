import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceHealth } from '../core/live-status.js';
import { tailFile } from './tail.js';
import type { SourceItem } from './types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ctrlscope-tail-'));
  dirs.push(d);
  return d;
}

/** Collects lines (with their numbers) from a tail until `want` lines arrived, running `steps` in between. */
async function follow(path: string, steps: Array<() => void>, want: number, opts: { fromStart?: boolean } = {}) {
  const ac = new AbortController();
  const health: SourceHealth[] = [];
  const got: Array<[number, string]> = [];
  const it = tailFile(path, { signal: ac.signal, pollMs: 10, onHealth: (h) => health.push(h), ...opts });
  let step = 0;
  const kick = setInterval(() => {
    if (step < steps.length) steps[step++]!();
  }, 30);
  try {
    for await (const item of it as AsyncIterable<SourceItem>) {
      if (item.type !== 'lines') continue;
      item.lines.forEach((l, i) => got.push([item.firstLine + i, l]));
      if (got.length >= want) break;
    }
  } finally {
    clearInterval(kick);
    ac.abort();
  }
  return { got, health };
}

describe('tailFile', () => {
  it('reads existing lines, then appended ones, holding a partial line until its newline', async () => {
    const p = join(tmp(), 'c.log');
    writeFileSync(p, 'one\ntwo\n');
    const { got, health } = await follow(p, [() => appendFileSync(p, 'thr'), () => appendFileSync(p, 'ee\r\nfour\n')], 4);
    expect(got).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ]);
    expect(health[0]).toEqual({ name: p, state: 'following', detail: undefined });
  });

  it('starts at the end with fromStart: false', async () => {
    const p = join(tmp(), 'c.log');
    writeFileSync(p, 'old\n');
    const { got } = await follow(p, [() => appendFileSync(p, 'new\n')], 1, { fromStart: false });
    expect(got).toEqual([[1, 'new']]);
  });

  it('follows a rotation: drains the renamed file, then reads the new one from line 1', async () => {
    const d = tmp();
    const p = join(d, 'c.log');
    writeFileSync(p, 'a1\n');
    const { got, health } = await follow(
      p,
      [
        () => {
          appendFileSync(p, 'a2\n');
          renameSync(p, join(d, 'c.log.1'));
          writeFileSync(p, 'b1\n');
        },
        () => appendFileSync(p, 'b2\n'),
      ],
      4,
    );
    expect(got).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [1, 'b1'],
      [2, 'b2'],
    ]);
    expect(health.some((h) => h.state === 'following' && h.detail === 'rotated')).toBe(true);
  });

  it('starts over after truncation', async () => {
    const p = join(tmp(), 'c.log');
    writeFileSync(p, 'long line one\nlong line two\n');
    const { got, health } = await follow(p, [() => truncateSync(p, 0), () => appendFileSync(p, 'x\n')], 3);
    expect(got).toEqual([
      [1, 'long line one'],
      [2, 'long line two'],
      [1, 'x'],
    ]);
    expect(health.some((h) => h.detail === 'truncated')).toBe(true);
  });

  it('waits for a file that does not exist yet', async () => {
    const p = join(tmp(), 'later.log');
    const { got, health } = await follow(p, [() => writeFileSync(p, 'hello\n')], 1);
    expect(got).toEqual([[1, 'hello']]);
    expect(health[0]).toEqual({ name: p, state: 'missing', detail: 'no such file; waiting for it to appear' });
  });
});
