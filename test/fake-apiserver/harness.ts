// Test helpers around the fake apiserver: run an async iterable in the background, collect what
// it yields, and wait (without timing assertions) until a condition holds.

/** Collects what an async iterable yields, in the background. */
export interface Collector<T> {
  items: T[];
  /** Resolves once `pred(items)` holds; re-checked after each new item or `poke()`. */
  until(pred: (items: T[]) => boolean): Promise<void>;
  /** Re-checks waiters (for conditions on state outside `items`). */
  poke(): void;
  done: Promise<void>;
}

/** Starts draining `iter` into a collector. */
export function collect<T>(iter: AsyncIterable<T>): Collector<T> {
  const items: T[] = [];
  const waiters: { pred: (items: T[]) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pred(items)) {
        waiters[i]!.resolve();
        waiters.splice(i, 1);
      }
    }
  };
  const done = (async () => {
    for await (const it of iter) {
      items.push(it);
      check();
    }
  })();
  return {
    items,
    poke: check,
    done,
    until(pred) {
      if (pred(items)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

/** Resolves once `pred()` holds, polling every 5 ms (for state outside any iterable). */
export async function waitFor(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}
