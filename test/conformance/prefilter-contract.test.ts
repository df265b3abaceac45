// The prefilter's contract over material nobody on this project wrote: every file of
// ../shared/real-data, and a log from ../shared/tools/gen-log.mjs, give exactly the same findings
// with the engine's keyword prefilter on and off (see src/engine/prefilter.test.ts for the golden
// cases and the capitalisation repro).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothWays, headlines } from '../helpers/prefilter-contract.js';

const repo = resolve(import.meta.dirname, '../..');
const data = resolve(process.env.CTRLSCOPE_REAL_DATA ?? join(repo, '../shared/real-data'));
const gen = resolve(process.env.CTRLSCOPE_GEN_LOG ?? join(repo, '../shared/tools/gen-log.mjs'));
const present = existsSync(data);

if (!present && process.env.CTRLSCOPE_REQUIRE_REAL_DATA === '1') {
  throw new Error(`real data not found at ${data}; set CTRLSCOPE_REAL_DATA to its path`);
}

/** Every file under the real-data folder (README excepted), and each bundle folder as a whole. */
function inputs(): string[] {
  if (!present) return [];
  const out: string[] = [];
  for (const e of readdirSync(data).sort()) {
    const p = join(data, e);
    if (statSync(p).isFile()) {
      if (e !== 'README.md') out.push(e);
    } else if (existsSync(join(p, 'timestamp'))) out.push(e);
    else for (const f of readdirSync(p).sort()) out.push(join(e, f));
  }
  return out;
}

describe.skipIf(!present)('prefilter contract: real data', () => {
  it.each(inputs())('%s: the same findings with the prefilter on and off', async (rel) => {
    const { on, off } = await bothWays([join(data, rel)]);
    expect(headlines(on)).toEqual(headlines(off));
    expect(on).toEqual(off);
  }, 180_000);
});

describe.skipIf(!existsSync(gen))('prefilter contract: generated log', () => {
  it('a 4 MB log of mixed formats with planted incidents: the same findings with the prefilter on and off', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ctrlscope-gen-')), 'gen.log');
    execFileSync(process.execPath, [gen, file, '4', '7']);
    const { on, off } = await bothWays([file]);
    expect(on.length).toBeGreaterThan(0);
    expect(headlines(on)).toEqual(headlines(off));
    expect(on).toEqual(off);
  }, 120_000);
});
