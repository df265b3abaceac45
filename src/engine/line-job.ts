// The line stage behind one interface. The engine hands it jobs — a byte chunk of complete lines,
// a range of a plain file, a resource dump — and applies the results in input order; whether the
// stage runs them here (InlineStage) or on worker threads (LinePool) is the scan planner's choice
// (see planner.ts), and a run reports the same either way. A job is decoded, classified and
// counted; wanted lines come back as text with their line numbers within the job (the engine
// parses them: cheaper than cloning parsed events across threads), counted lines per message.
import type { EventCondition } from '../core/event.js';
import { parseDump, type ParsedDump, type ParsedObject } from '../parsers/resources.js';
import { readLineRange, resourceText, type RangeScratch } from './file-range.js';
import { newTally, processChunk, type LineTally, type LineWant, type MessageCount } from './line-stage.js';

/** A chunk to process: bytes, or a range of a plain file that the stage reads itself. */
export interface LineJob {
  id: number;
  bytes?: Uint8Array;
  file?: { path: string; start: number; end: number };
  /**
   * A resource dump to parse (see ResourcesItem) instead of lines: its text, its file to read, or
   * (without either) its UTF-8 bytes in `bytes`; `whole`: the kinds to send back whole, others
   * cut to their identity (see slimObjects); `when`: the Events worth reading whole (see parseDump).
   */
  resources?: { text?: string; path?: string; now?: number; whole?: string[]; when?: EventCondition[] };
  want: LineWant;
  source: string;
  referenceYear: number;
  origin?: string;
}

/** What a job gives back: counts and wanted lines, or a request to handle the chunk in order (CRI partial lines). */
export interface LineResult {
  id: number;
  sequential?: boolean;
  tally?: LineTally;
  /** The wanted lines, as text, and their line numbers within the chunk (the engine parses them). */
  lines?: string[];
  lineNos?: number[];
  /** Who wants each line (see LineContext.emit). */
  masks?: number[];
  counted?: MessageCount[];
  /** Objects of tables amid the lines (line numbers within the chunk), when there were any. */
  objects?: ParsedObject[];
  error?: string;
  /** The file range could not be read (an I/O problem with the input, not a bug). */
  readError?: string;
  /** A job's bytes, given back with `sequential` or `error` (they may have been moved to a worker). */
  bytes?: Uint8Array;
  /** A resource dump, parsed (see parseDump). */
  dump?: ParsedDump;
}

/**
 * Where a job's wanted lines go. One sink, and one `emitLine` function, per thread: V8 threw
 * away the optimized line loop, which inlines the sink, and compiled it again whenever a job
 * brought a new closure ("wrong call target") or new arrays ("wrong map", "not a Smi").
 */
export interface LineSink {
  lines: string[];
  lineNos: number[];
  masks: number[];
  emitLine: (raw: string, line: number, mask: number) => void;
  /** Objects of tables amid the lines. */
  objects: ParsedObject[];
  emitObject: (o: ParsedObject) => void;
}

/** A sink whose arrays the caller empties (or replaces) between jobs. */
export function newSink(): LineSink {
  const sink: LineSink = {
    lines: [],
    lineNos: [],
    masks: [],
    emitLine: (raw, line, mask) => {
      sink.lines.push(raw);
      sink.lineNos.push(line);
      sink.masks.push(mask);
    },
    objects: [],
    emitObject: (o) => {
      sink.objects.push(o);
    },
  };
  return sink;
}

/** The range buffer of this thread's jobs (runJob is done with a range's bytes when it returns). */
const scratch: RangeScratch = {};

/** The `emit` of jobs whose wanted lines go to a sink (one function, shared with the worker's warm-up). */
export function emitNothing(): void {}

/**
 * Runs one job. Wanted lines are left in `sink` (emptied first) and the result points at its
 * arrays: a worker posts them (a copy), the inline stage hands them over and starts new ones.
 * Never throws: failures are results.
 */
export function runJob(job: LineJob, sink: LineSink): LineResult {
  try {
    if (job.resources) {
      let text: string;
      try {
        text = resourceText({ ...job.resources, bytes: job.bytes });
      } catch (err) {
        return { id: job.id, readError: err instanceof Error ? err.message : String(err) };
      }
      return { id: job.id, dump: parseDump(text, job.source, job.resources.now, job.resources.whole, job.resources.when) };
    }
    const tally = newTally();
    sink.lines.length = 0;
    sink.lineNos.length = 0;
    sink.objects.length = 0;
    sink.masks.length = 0;
    // Counted lines' first events travel without their input's name (a long bundle path on
    // every event); the engine puts it back, so a job only needs the year.
    const opts = { source: '', referenceYear: job.referenceYear };
    let bytes: Uint8Array;
    try {
      bytes = job.file ? readLineRange(job.file.path, job.file.start, job.file.end, scratch) : job.bytes!;
    } catch (err) {
      return { id: job.id, readError: err instanceof Error ? err.message : String(err) };
    }
    const out = processChunk(bytes, 1, { opts, want: job.want, tally, emit: emitNothing, emitLine: sink.emitLine, emitObject: sink.emitObject });
    if (out.stoppedAt !== undefined) return { id: job.id, sequential: true, bytes: job.bytes };
    const r: LineResult = { id: job.id, tally, lines: sink.lines, lineNos: sink.lineNos, masks: sink.masks, counted: out.counted };
    if (sink.objects.length) r.objects = sink.objects.slice();
    return r;
  } catch (err) {
    return { id: job.id, error: err instanceof Error ? err.message : String(err), bytes: job.bytes };
  }
}

/** The line stage as the engine sees it: jobs in, results out (applied by the engine in input order). */
export interface LineStage {
  /** Worker threads behind the stage; 0 when jobs run on the engine's own thread. */
  readonly workers: number;
  /**
   * Runs a job, now or on a worker. A job's bytes may be moved to the worker (the caller's view
   * left empty); a result that cannot be used gives them back (LineResult.bytes).
   */
  submit(job: Omit<LineJob, 'id'>): Promise<LineResult>;
  /** Releases the stage's threads, if any. */
  close(): Promise<void>;
}

/** The line stage on the engine's own thread: each job runs as it is submitted. */
export class InlineStage implements LineStage {
  readonly workers = 0;
  private readonly sink = newSink();
  private nextId = 1;

  submit(job: Omit<LineJob, 'id'>): Promise<LineResult> {
    const r = runJob({ ...job, id: this.nextId++ }, this.sink);
    // The result holds the sink's arrays: the next job gets new ones.
    if (r.lines) {
      this.sink.lines = [];
      this.sink.lineNos = [];
      this.sink.masks = [];
    }
    return Promise.resolve(r);
  }

  async close(): Promise<void> {}
}
