import { describe, expect, it } from 'vitest';
import { sleep } from './clock.js';

describe('sleep', () => {
  it('waits, and an abort cuts the wait short', async () => {
    const ac = new AbortController();
    const order: string[] = [];
    const long = sleep(60_000, ac.signal).then(() => order.push('long'));
    await sleep(5).then(() => order.push('short'));
    ac.abort();
    await long;
    expect(order).toEqual(['short', 'long']);
  });

  it('returns at once for an aborted signal or no time', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(sleep(60_000, ac.signal)).resolves.toBeUndefined();
    await expect(sleep(0)).resolves.toBeUndefined();
  });
});
