import { describe, expect, it } from 'vitest';
import { itemBytes, newInput, type SourceItem } from '../sources/types.js';
import { readAhead } from './read-ahead.js';

const input = newInput('t.log', 'log');
const chunk = (n: number, fill = 120): SourceItem => ({ type: 'bytes', input, bytes: Buffer.alloc(n, fill) });

/** A source that records how far it has been pulled and can fail after its items. */
function recorded(items: SourceItem[], failAfter?: Error) {
  const log = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<SourceItem> {
    try {
      for (const it of items) {
        log.pulled++;
        yield it;
      }
      if (failAfter) throw failAfter;
    } finally {
      log.closed = true;
    }
  }
  return { source: gen(), log };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('readAhead', () => {
  it('gives every item in order', async () => {
    const items = [chunk(10), { type: 'clock', now: 5 } as SourceItem, chunk(20), chunk(30)];
    const { source } = recorded(items);
    const out: SourceItem[] = [];
    for await (const it of readAhead(source, 1 << 20)) out.push(it);
    expect(out).toEqual(items);
  });

  it('pulls the source while the consumer waits, up to the budget in bytes', async () => {
    const { source, log } = recorded([chunk(100), chunk(100), chunk(100), chunk(100), chunk(100)]);
    const ahead = readAhead(source, 250);
    const first = await ahead.next();
    expect(itemBytes(first.value as SourceItem)).toBe(100);
    await tick();
    // Taken: 1; waiting: 3 (300 bytes, the third one past the budget of 250); not pulled yet: 1.
    expect(log.pulled).toBe(4);
    await ahead.next();
    await tick();
    expect(log.pulled).toBe(5);
    await ahead.return(undefined);
  });

  it('holds at most maxItems items however few bytes they hold (files for the workers, inputs announcing themselves)', async () => {
    const none = Array.from({ length: 10 }, (): SourceItem => ({ type: 'events', input, events: [] }));
    const { source, log } = recorded(none);
    const ahead = readAhead(source, 1 << 20, 3);
    await ahead.next();
    await tick();
    // Taken: 1; waiting: 3; not pulled yet: 6.
    expect(log.pulled).toBe(4);
    await ahead.next();
    await tick();
    expect(log.pulled).toBe(5);
    await ahead.return(undefined);
  });

  it('counts what each kind of item holds', () => {
    const input = newInput('x', 'resources');
    expect(itemBytes({ type: 'resources', input, bytes: new Uint8Array(7) })).toBe(7);
    expect(itemBytes({ type: 'resources', input, text: 'abc' })).toBe(3);
    expect(itemBytes({ type: 'resources', input, path: '/dump.yaml' })).toBe(0);
    expect(itemBytes({ type: 'lines', input, lines: ['ab', 'cde'], firstLine: 1 })).toBe(5);
    expect(itemBytes({ type: 'clock', now: 1 })).toBe(0);
  });

  it('throws the source\'s error after the items read before it', async () => {
    const { source } = recorded([chunk(1), chunk(2)], new Error('truncated'));
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const it of readAhead(source, 1 << 20)) out.push(itemBytes(it));
      })(),
    ).rejects.toThrow('truncated');
    expect(out).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    const { source, log } = recorded([chunk(1), chunk(1), chunk(1), chunk(1)]);
    for await (const _ of readAhead(source, 1)) break;
    expect(log.closed).toBe(true);
  });
});
