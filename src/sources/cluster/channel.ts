// Fan-in of many concurrent producers (watches, log followers, scrapers) into one async
// iterable, with backpressure: a producer's push waits while the consumer is behind by more than
// `highWater` units of weight (items by default; the cluster source weighs a batch by its objects).

/** A many-producers, one-consumer queue. */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private queued = 0;

  constructor(
    private readonly highWater = 256,
    private readonly weigh: (item: T) => number = () => 1,
  ) {}

  /** Queues an item; resolves once there is room (at once unless the consumer is behind). */
  push(item: T): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.items.push(item);
    this.queued += this.weigh(item);
    this.wake?.();
    if (this.queued < this.highWater) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Ends the stream after the queued items; later pushes are dropped. */
  close(): void {
    this.closed = true;
    this.wake?.();
    for (const w of this.spaceWaiters.splice(0)) w();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length) {
        const item = this.items.shift()!;
        this.queued -= this.weigh(item);
        if (this.queued < this.highWater) for (const w of this.spaceWaiters.splice(0)) w();
        yield item;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
