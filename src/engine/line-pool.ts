// A small pool of worker threads for the line stage. Jobs go to the least busy worker; each job's
// promise resolves with that worker's result. The engine keeps results in input order.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { unpackedSize } from '../sources/size.js';
import { walkTree, type TreeFile } from '../sources/walk.js';
import type { LineJob, LineResult } from './line-worker.js';

/** Where the compiled worker lives (tests run from TypeScript sources, the CLI from dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/engine/line-worker.js', here) : new URL('./line-worker.js', here);
}

/**
 * Inputs of at least this many bytes are parsed on worker threads; compressed ones count by what
 * they unpack to (see unpackedSize). Measured on a 100 MB must-gather packed into a 13 MB
 * .tar.gz: 1.31-1.38 s with two workers against 1.56-1.63 s without, since the workers send
 * wanted lines back as text (before that, cloning parsed events back made them a loss there).
 */
export const PARALLEL_FROM_BYTES = 64 << 20;

/**
 * Whether `paths` hold PARALLEL_FROM_BYTES or more, from a quick synchronous look (sizes and
 * unpacked sizes only). Commands use it to start the worker pool while the rest of the program
 * loads; the scan itself decides on exact sizes. Directories are listed whole, and the lists are
 * left in `trees` for the scan to reuse (a must-gather has thousands of folders; see walkTree).
 */
export function likelyLarge(paths: readonly string[], trees?: Map<string, TreeFile[]>): boolean {
  let total = 0;
  for (const p of paths) {
    if (p === '-') continue;
    try {
      const st = statSync(p);
      if (st.isFile()) total += unpackedSize(p, st.size);
      else if (st.isDirectory()) {
        const files = walkTree(p);
        trees?.set(p, files);
        for (const f of files) total += unpackedSize(f.path, f.size);
      }
    } catch {
      // Unreadable paths are reported by the scan.
    }
    if (total >= PARALLEL_FROM_BYTES) return true;
  }
  return false;
}

/** A pool started early for `paths` when they look large enough to need one (see likelyLarge). */
export function prestartPool(paths: readonly string[], trees?: Map<string, TreeFile[]>): LinePool | undefined {
  const n = defaultWorkers(paths);
  return n > 0 && likelyLarge(paths, trees) ? new LinePool(n) : undefined;
}

/** Archive names: this thread unpacks and splits their members itself (see defaultWorkers). */
const ARCHIVE_NAME_RE = /\.(?:tar|tgz|tar\.gz|tar\.xz|txz|zip)$/i;

/**
 * Worker threads worth starting for a large input of `paths` on a machine of `cores`: two, or
 * fewer on a small machine. On an archive this thread is busy the whole scan (inflating is on
 * the thread pool, but reading tar headers, splitting members into chunks and feeding the
 * workers is here), so it keeps a core for itself. Measured on 2 cores, medians of 9 alternating
 * runs, one worker against two: the bench must-gather as .tar.gz 1.24 against 1.39 s, the
 * real-data copies as .tar.gz 1.75 against 1.99 s; but a plain 200 MB log 1.62 against 1.25 s,
 * its .gz 1.72 against 1.47 s, and a must-gather directory 1.17 against 1.14 s (there the
 * workers read the files and this thread mostly waits).
 */
export function defaultWorkers(paths: readonly string[] = [], cores = availableParallelism()): number {
  const archive = paths.some((p) => ARCHIVE_NAME_RE.test(p));
  return Math.max(0, Math.min(2, archive ? Math.max(1, cores - 1) : cores));
}

/** A pool of line-stage workers. */
export class LinePool {
  readonly size: number;
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: LineResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(size: number) {
    this.size = size;
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
      this.workers.push(slot);
    }
  }

  /** Lets the workers keep the process alive (jobs are out) or not (idle). */
  private hold(on: boolean): void {
    for (const s of this.workers) {
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
    let slot = this.workers[0]!;
    for (const s of this.workers) if (s.busy < slot.busy) slot = s;
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
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}
