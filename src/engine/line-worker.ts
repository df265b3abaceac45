// Worker thread of the parallel line stage: reads (or is sent) a chunk of complete lines,
// decodes, classifies and counts them, finds the wanted ones and aggregates the counted ones.
// Wanted lines go back to the engine as text, which parses them and applies the results in input
// order; line numbers are relative to the chunk (the engine adds the offset). Workers also parse
// the resource dumps of bundles (ResourcesItem), so the YAML library loads and runs here.
import { parentPort } from 'node:worker_threads';
import { identities, WARM_UP_DUMPS } from '../parsers/resource-identity.js';
import { parseDump, type ParsedDump } from '../parsers/resources.js';
import { SAMPLE_LINES } from '../parsers/samples.js';
import { readLineRange, resourceText } from './file-range.js';
import { newTally, processChunk, type LineTally, type LineWant, type MessageCount } from './line-stage.js';

/** A chunk to process: bytes, or a range of a plain file that the worker reads itself. */
export interface LineJob {
  id: number;
  bytes?: Uint8Array;
  file?: { path: string; start: number; end: number };
  /**
   * A resource dump to parse (see ResourcesItem) instead of lines: its text, its file to read, or
   * (without either) its UTF-8 bytes in `bytes`; `whole`: the kinds to send back whole, others
   * cut to their identity (see slimObjects).
   */
  resources?: { text?: string; path?: string; now?: number; whole?: string[] };
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
  /** The wanted lines, as text, and their line numbers within the chunk (the engine parses them). */
  lines?: string[];
  lineNos?: number[];
  counted?: MessageCount[];
  error?: string;
  /** The file range could not be read (an I/O problem with the input, not a bug). */
  readError?: string;
  /** A job's bytes, given back with `sequential` or `error` (they may have been moved here). */
  bytes?: Uint8Array;
  /** A resource dump, parsed (see parseDump). */
  dump?: ParsedDump;
}

/** Posts a result; a chunk's bytes given back travel by move, not copy. */
function reply(r: LineResult): void {
  parentPort!.postMessage(r, r.bytes ? [r.bytes.buffer as ArrayBuffer] : []);
}

/**
 * Where processChunk puts wanted lines, emptied for each job (postMessage copies them). Made once,
 * like the sink functions: V8 threw away the optimized line loop, which inlines the sink, and
 * compiled it again whenever a job brought a new closure ("wrong call target") or new arrays
 * (a fresh `[]` holds small integers until the first string: "wrong map", "not a Smi").
 */
const lines: string[] = [];
const lineNos: number[] = [];
function emitLine(raw: string, line: number): void {
  lines.push(raw);
  lineNos.push(line);
}
function emitNothing(): void {}

/**
 * Real lines the parsers' samples lack, without keywords (see warmUp): plain text starting with
 * a klog level letter (kube-apiserver's "Flag --… has been deprecated"), bare and timestamped.
 */
const WARM_FIRST = [
  'Flag --insecure-port has been deprecated, This flag has no effect now and will be removed in v1.24.',
  '2021-08-03T09:45:19.978209668Z Flag --openshift-config has been deprecated, to be removed',
  'I0803 09:45:19.978218      20 plugins.go:84] "Registered admission plugin"',
];

/**
 * Runs the line stage three times over the parsers' sample lines, bare and behind wrappers, some
 * with a wanted or a counted keyword, before the first job (about 6 ms; the pool starts while the
 * command is still loading). V8 thus has type feedback for every branch of the line loop, which
 * it otherwise met job by job, throwing the optimized loop away at each new branch and compiling
 * it again ("insufficient type feedback"): in a bench-bundle scan processText was compiled 8
 * times without this and twice with it.
 */
function warmUp(): void {
  // WARM_FIRST first and last: its branches then have type feedback in every pass, before V8
  // compiles the loop (which it may do in the middle of the first pass), and the last lines have
  // no keyword, so the whole-text keyword search also runs out of matches.
  const out: string[] = [...WARM_FIRST];
  for (const l of SAMPLE_LINES) {
    out.push(l, `2026-01-02T03:04:05.123456789Z ${l}`, `2026-01-02T03:04:05.123456789Z stdout F ${l}`, `[pod/a/b] ${l}`, `${l} Pending`, `${l} Started`);
  }
  out.push(...WARM_FIRST);
  const text = Buffer.from(`${out.join('\n')}\n`);
  const want: LineWant = { all: false, minRank: 3, keywords: 'Pending|econcil', counts: 'Started|Completed' };
  for (let i = 0; i < 3; i++) {
    processChunk(text, 1, { opts: { source: '', referenceYear: 2026 }, want, tally: newTally(), emit: emitNothing, emitLine });
    lines.length = 0;
    lineNos.length = 0;
  }
  // The same for the reader of resource dumps' identities (see WARM_UP_DUMPS).
  const none = new Set<string>();
  for (let i = 0; i < 3; i++) for (const d of WARM_UP_DUMPS) identities(d, none);
}
if (parentPort) warmUp();

parentPort?.on('message', (job: LineJob) => {
  try {
    if (job.resources) {
      let text: string;
      try {
        text = resourceText({ ...job.resources, bytes: job.bytes });
      } catch (err) {
        parentPort!.postMessage({ id: job.id, readError: err instanceof Error ? err.message : String(err) } satisfies LineResult);
        return;
      }
      reply({ id: job.id, dump: parseDump(text, job.source, job.resources.now, job.resources.whole) });
      return;
    }
    const tally = newTally();
    lines.length = 0;
    lineNos.length = 0;
    // Counted lines' first events travel without their input's name (a long bundle path on
    // every event); the engine puts it back, so a worker only needs the year.
    const opts = { source: '', referenceYear: job.referenceYear };
    let bytes: Uint8Array;
    try {
      bytes = job.file ? readLineRange(job.file.path, job.file.start, job.file.end) : job.bytes!;
    } catch (err) {
      parentPort!.postMessage({ id: job.id, readError: err instanceof Error ? err.message : String(err) } satisfies LineResult);
      return;
    }
    const out = processChunk(bytes, 1, { opts, want: job.want, tally, emit: emitNothing, emitLine });
    if (out.stoppedAt !== undefined) reply({ id: job.id, sequential: true, bytes: job.bytes });
    else parentPort!.postMessage({ id: job.id, tally, lines, lineNos, counted: out.counted } satisfies LineResult);
  } catch (err) {
    reply({ id: job.id, error: err instanceof Error ? err.message : String(err), bytes: job.bytes });
  }
});
