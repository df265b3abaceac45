// Worker thread of the parallel line stage: reads (or is sent) a chunk of complete lines,
// decodes, classifies and counts them, finds the wanted ones and aggregates the counted ones.
// Wanted lines go back to the engine as text, which parses them and applies the results in input
// order; line numbers are relative to the chunk (the engine adds the offset). Workers also parse
// the resource dumps of bundles (ResourcesItem), so the YAML library loads and runs here.
import { parentPort } from 'node:worker_threads';
import { identities, WARM_UP_DUMPS } from '../parsers/resource-identity.js';
import { SAMPLE_LINES } from '../parsers/samples.js';
import { emitNothing, newSink, runJob, type LineJob, type LineResult } from './line-job.js';
import { newTally, processChunk, type LineWant } from './line-stage.js';

export type { LineJob, LineResult };

/** Posts a result; a chunk's bytes given back travel by move, not copy. */
function reply(r: LineResult): void {
  parentPort!.postMessage(r, r.bytes ? [r.bytes.buffer as ArrayBuffer] : []);
}

/** This thread's one sink (see LineSink): emptied for each job, its arrays copied by postMessage. */
const sink = newSink();

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
  // no keyword, so the keyword search also meets lines with nothing to find.
  const out: string[] = [...WARM_FIRST];
  for (const l of SAMPLE_LINES) {
    out.push(l, `2026-01-02T03:04:05.123456789Z ${l}`, `2026-01-02T03:04:05.123456789Z stdout F ${l}`, `[pod/a/b] ${l}`, `${l} Pending`, `${l} Started`);
  }
  out.push(...WARM_FIRST);
  const text = Buffer.from(`${out.join('\n')}\n`);
  const want: LineWant = { all: false, minRank: 3, groups: [{ keywords: ['Pending'], counts: ['Started', 'Completed'] }, { keywords: ['econcil'] }] };
  for (let i = 0; i < 3; i++) {
    processChunk(text, 1, { opts: { source: '', referenceYear: 2026 }, want, tally: newTally(), emit: emitNothing, emitLine: sink.emitLine, emitObject: sink.emitObject });
    sink.lines.length = 0;
    sink.lineNos.length = 0;
    sink.objects.length = 0;
    sink.masks.length = 0;
  }
  // The same for the reader of resource dumps' identities (see WARM_UP_DUMPS).
  const none = new Set<string>();
  for (let i = 0; i < 3; i++) for (const d of WARM_UP_DUMPS) identities(d, none);
}
if (parentPort) warmUp();

parentPort?.on('message', (job: LineJob) => {
  const r = runJob(job, sink);
  if (r.bytes) reply(r);
  else parentPort!.postMessage(r);
});
