// A small pool of worker threads for the line stage. Jobs go to the least busy worker; each job's
// promise resolves with that worker's result. The engine keeps results in input order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LineJob, LineResult } from './line-worker.js';

/** Where the compiled worker lives (tests run from TypeScript sources, the CLI from dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/engine/line-worker.js', here) : new URL('./line-worker.js', here);
}

/** Worker threads worth starting on this machine for a large input. */
export function defaultWorkers(): number {
  return Math.max(0, Math.min(2, availableParallelism()));
}

/** A pool of line-stage workers. */
export class LinePool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: LineResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const slot = { w, busy: 0 };
      w.on('message', (r: LineResult) => {
        slot.busy--;
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      this.workers.push(slot);
    }
  }

  /** Sends a job to the least busy worker. */
  submit(job: Omit<LineJob, 'id'>): Promise<LineResult> {
    const id = this.nextId++;
    let slot = this.workers[0]!;
    for (const s of this.workers) if (s.busy < slot.busy) slot = s;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.w.postMessage({ ...job, id } satisfies LineJob);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}
