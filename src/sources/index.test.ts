// openPaths: a folder that holds a bundle (where a must-gather was unpacked) reads that bundle as
// the bundle it is, and the files beside it one by one.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPaths } from './index.js';
import type { InputHandle } from './types.js';

const FIXTURE = resolve('test/fixtures/bundles/duplicate-rr');

/** The inputs of the opened paths, in the order they come. */
async function inputsOf(paths: string[]): Promise<InputHandle[]> {
  const { source } = await openPaths(paths);
  const inputs: InputHandle[] = [];
  for await (const it of source) if (it.type !== 'clock' && !inputs.includes(it.input)) inputs.push(it.input);
  return inputs;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ctrlscope-open-'));
  await cp(FIXTURE, join(tmp, 'must-gather.local.123'), { recursive: true });
  await writeFile(join(tmp, 'notes.log'), 'I1102 10:00:00.000000       1 q.go:1] "nothing here"\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('openPaths on a folder that holds a bundle', () => {
  it('reads the bundle inside as a bundle, with the same inputs as naming it, and the file beside it', async () => {
    const direct = await inputsOf([join(tmp, 'must-gather.local.123')]);
    const parent = await inputsOf([tmp]);
    const kinds = (list: InputHandle[]) => list.map((i) => [i.report.source.replace(tmp, ''), i.report.kind, i.report.format ?? '']);
    expect(direct[0]!.report).toMatchObject({ kind: 'bundle', format: 'must-gather' });
    expect(kinds(parent)).toEqual([...kinds(direct), ['/notes.log', 'log', expect.any(String)]]);
  });
});
