import { describe, expect, it } from 'vitest';
import { mergeSources } from './merge.js';
import { newInput, type SourceItem } from './types.js';

const input = newInput('x', 'log');
async function* slow(name: string, n: number, ms: number): AsyncGenerator<SourceItem> {
  for (let i = 1; i <= n; i++) {
    await new Promise((r) => setTimeout(r, ms));
    yield { type: 'lines', input, lines: [`${name}${i}`], firstLine: i };
  }
}

describe('mergeSources', () => {
  it('interleaves items as they come, keeps each source in order, and ends when all have ended', async () => {
    const got: string[] = [];
    for await (const item of mergeSources([slow('a', 3, 5), slow('b', 2, 12)])) if (item.type === 'lines') got.push(item.lines[0]!);
    expect(got.filter((x) => x.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(got.filter((x) => x.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(got.indexOf('a1')).toBeLessThan(got.indexOf('b1'));
  });
});
