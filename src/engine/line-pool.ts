// The line stage on worker threads (see LineStage): jobs go to the least busy worker; each job's
// promise resolves with that worker's result. The engine keeps results in input order.
import { Worker } from 'node:worker_threads';
import type { LineJob, LineResult, LineStage } from './line-job.js';

/** Where the compiled worker lives (tests run from TypeScript sources, the CLI from dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/engine/line-worker.js', here) : new URL('./line-worker.js', here);
}

/** A pool of line-stage workers. */
export class LinePool implements LineStage {
  readonly size: number;
  readonly workers: number;
  private readonly threads: { w: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: LineResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(size: number) {
    this.size = size;
    this.workers = size;
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      // An idle pool never keeps the process alive (a command that fails after starting one
      // still exits); workers hold it only while jobs are out.
      w.unref();
      const slot = { w, busy: 0 };
      w.on('message', (r: LineResult) => {
        slot.busy--;
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        if (this.waiting.size === 0) this.hold(false);
        p?.resolve(r);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
        this.hold(false);
      });
      this.threads.push(slot);
    }
  }

  /** Lets the workers keep the process alive (jobs are out) or not (idle). */
  private hold(on: boolean): void {
    for (const s of this.threads) {
      if (on) s.w.ref();
      else s.w.unref();
    }
  }

  /**
   * Sends a job to the least busy worker. A job's bytes are moved to the worker, not cloned: when
   * they own their whole ArrayBuffer the caller's view is left empty, else they are copied first
   * (the worker gives them back when it cannot process them, see LineResult.bytes).
   */
  submit(job: Omit<LineJob, 'id'>): Promise<LineResult> {
    const id = this.nextId++;
    let slot = this.threads[0]!;
    for (const s of this.threads) if (s.busy < slot.busy) slot = s;
    slot.busy++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.hold(true);
      this.waiting.set(id, { resolve, reject });
      let b = job.bytes;
      // A view into a larger buffer is cloned with its whole buffer: a small archive member (a
      // slice of an inflated chunk) cost a whole chunk of copying and of the worker's memory.
      // Copy just its bytes, and move the copy.
      if (b !== undefined && !(b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer)) b = new Uint8Array(b);
      slot.w.postMessage({ ...job, bytes: b, id } satisfies LineJob, b ? [b.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((s) => s.w.terminate()));
  }
}
