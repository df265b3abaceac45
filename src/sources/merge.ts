// Fan-in of independent sources into one: items from each keep their own order; the merged
// source ends when all of them have ended.
import type { Source, SourceItem } from './types.js';

/** Interleaves several sources as their items arrive. */
export async function* mergeSources(sources: readonly Source[]): AsyncGenerator<SourceItem> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<SourceItem> }>>();
  const pull = (i: number) => pending.set(i, its[i]!.next().then((r) => ({ i, r })));
  its.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pull(i);
      yield r.value;
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}
