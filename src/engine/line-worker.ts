// Worker thread of the parallel line stage: decodes a chunk of complete lines, classifies and
// counts them, and parses the wanted ones. Events go back to the engine, which applies them in
// input order; line numbers are relative to the chunk (the engine adds the offset).
import { parentPort } from 'node:worker_threads';
import type { LogEvent } from '../core/event.js';
import { CriJoiner } from '../parsers/index.js';
import { hasCriPartial, newTally, processLines, splitText, type LineTally, type LineWant } from './line-stage.js';

/** A chunk to process. */
export interface LineJob {
  id: number;
  bytes: Uint8Array;
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
  error?: string;
}

const decoder = new TextDecoder('utf-8');
parentPort?.on('message', (job: LineJob) => {
  try {
    const text = decoder.decode(job.bytes);
    if (hasCriPartial(text)) {
      parentPort!.postMessage({ id: job.id, sequential: true } satisfies LineResult);
      return;
    }
    const tally = newTally();
    const lines = splitText(text, tally);
    const events: LogEvent[] = [];
    processLines(lines, 1, { source: job.source, referenceYear: job.referenceYear, origin: job.origin }, job.want, tally, () => new CriJoiner(), (e) => events.push(e));
    parentPort!.postMessage({ id: job.id, tally, events } satisfies LineResult);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) } satisfies LineResult);
  }
});
