// Reads a source ahead of its consumer, up to a budget of bytes, so that a source which only makes
// progress while it is pulled (a .tar.gz: the inflater in the thread pool pauses as soon as one
// chunk waits unread, and the tar parser behind it) keeps going while the engine waits for a
// worker's result or applies one.
import { itemBytes, type Source, type SourceItem } from '../sources/types.js';

/**
 * Items that may wait besides the byte budget. Most items of a bundle directory hold no bytes (a
 * file for the workers to read, an input announcing itself): counted by bytes alone, the whole
 * bundle's items, with their inputs and paths, were pulled ahead and held, and memory grew with
 * the number of files.
 */
const MAX_WAITING_ITEMS = 256;

/**
 * The items of `source`, in order, pulled as fast as the source gives them while fewer than
 * `budget` bytes and `maxItems` items wait (at least one item always may). An error from the
 * source is thrown to the consumer after the items read before it; when the consumer stops early
 * the source is closed.
 */
export async function* readAhead(source: Source, budget: number, maxItems = MAX_WAITING_ITEMS): AsyncGenerator<SourceItem> {
  const it = source[Symbol.asyncIterator]();
  const waiting: SourceItem[] = [];
  /** itemBytes of each waiting item, counted once when it is pulled. */
  const sizes: number[] = [];
  let held = 0;
  let done = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  const pump = (async () => {
    try {
      while (!stopped) {
        if (held >= budget || waiting.length >= maxItems) {
          await new Promise<void>((r) => (wakePump = r));
          continue;
        }
        const next = await it.next();
        if (next.done) break;
        const size = itemBytes(next.value);
        waiting.push(next.value);
        sizes.push(size);
        held += size;
        if (wakeConsumer) {
          wakeConsumer();
          wakeConsumer = undefined;
        }
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      wakeConsumer?.();
    }
  })();
  try {
    for (;;) {
      if (waiting.length) {
        const item = waiting.shift()!;
        held -= sizes.shift()!;
        if (held < budget && waiting.length < maxItems && wakePump) {
          wakePump();
          wakePump = undefined;
        }
        yield item;
        continue;
      }
      if (done) break;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
    if (failure) throw failure.error;
  } finally {
    stopped = true;
    wakePump?.();
    await pump;
    await it.return?.(undefined);
  }
}
