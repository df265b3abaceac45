// Worker thread of the parallel line stage: reads (or is sent) a chunk of complete lines,
// decodes, classifies and counts them, and parses the wanted ones. Events go back to the engine, which applies them in
// input order; line numbers are relative to the chunk (the engine adds the offset).
import { parentPort } from 'node:worker_threads';
import type { LogEvent } from '../core/event.js';
import { readLineRange } from './file-range.js';
import { newTally, processChunk, type LineTally, type LineWant, type MessageCount } from './line-stage.js';

/** A chunk to process: bytes, or a range of a plain file that the worker reads itself. */
export interface LineJob {
  id: number;
  bytes?: Uint8Array;
  file?: { path: string; start: number; end: number };
  want: LineWant;
  source: string;
  referenceYear: number;
  origin?: string;
}

/** What a worker sends back: counts and events, or a request to handle the chunk in order (CRI partial lines). */
export interface LineResult {
  id: number;
  sequential?: boolean;
  tally?: LineTally;
  events?: LogEvent[];
  counted?: MessageCount[];
  error?: string;
  /** The file range could not be read (an I/O problem with the input, not a bug). */
  readError?: string;
}

parentPort?.on('message', (job: LineJob) => {
  try {
    const tally = newTally();
    const events: LogEvent[] = [];
    // Events travel without their input's name (a long bundle path on every event); the engine
    // puts it back, so a worker only needs the year.
    const opts = { source: '', referenceYear: job.referenceYear };
    let bytes: Uint8Array;
    try {
      bytes = job.file ? readLineRange(job.file.path, job.file.start, job.file.end) : job.bytes!;
    } catch (err) {
      parentPort!.postMessage({ id: job.id, readError: err instanceof Error ? err.message : String(err) } satisfies LineResult);
      return;
    }
    const out = processChunk(bytes, 1, { opts, want: job.want, tally, emit: (e) => events.push(e) });
    if (out.stoppedAt !== undefined) parentPort!.postMessage({ id: job.id, sequential: true } satisfies LineResult);
    else parentPort!.postMessage({ id: job.id, tally, events, counted: out.counted } satisfies LineResult);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) } satisfies LineResult);
  }
});
