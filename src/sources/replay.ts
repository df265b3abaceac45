// Replays recorded inputs (the bundled demo incident) as if they were happening now: every file
// is read through the ordinary file source, its lines and objects are ordered by their own
// timestamps across files, and handed out with the gaps between them compressed.
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLine } from '../parsers/index.js';
import { fileSource, readHead, readLines, sniffKind } from './files.js';
import type { InputHandle, Source, SourceItem } from './types.js';
import { newInput } from './types.js';
import { sleep as defaultSleep } from '../core/clock.js';

/** How a replay runs. */
export interface ReplayOptions {
  signal?: AbortSignal;
  /** Wall-clock length of the whole replay in ms (0: no waiting). */
  durationMs: number;
  /** Year for timestamps without one (klog). */
  referenceYear?: number;
  /** Name inputs relative to this directory (default: as given). */
  relativeTo?: string;
  /** Sleep, replaceable in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Timed {
  time: number;
  order: number;
  input: InputHandle;
  /** A log line (with its number) or a ready events item. */
  line?: string;
  lineNo?: number;
  item?: SourceItem;
}

/** Files of a replay directory, in name order (README and hidden files skipped). */
export function replayFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !/^readme/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads every file and orders its contents by data time; lines without a time keep their predecessor's. */
export async function loadTimeline(paths: readonly string[], opts: Pick<ReplayOptions, 'referenceYear' | 'relativeTo'> = {}): Promise<Timed[]> {
  const out: Timed[] = [];
  let order = 0;
  for (const path of paths) {
    const displayName = opts.relativeTo ? relative(opts.relativeTo, path) : path;
    let prev = -Infinity;
    // Log files are split into lines here (each line needs its time); anything else (resource
    // dumps, metrics, audit) comes ready from the file source.
    const isLog = sniffKind(readHead(path).toString('utf8'), path) === 'log';
    const items: AsyncIterable<SourceItem> = isLog
      ? readLines(createReadStream(path), newInput(displayName, 'log', { referenceYear: opts.referenceYear }))
      : fileSource(path, { referenceYear: opts.referenceYear, displayName });
    for await (const item of items) {
      if (item.type === 'lines') {
        const parseOpts = { source: displayName, referenceYear: item.input.referenceYear ?? new Date().getUTCFullYear() };
        item.lines.forEach((line, i) => {
          const t = parseLine(line, item.firstLine + i, parseOpts).time;
          if (t !== undefined) prev = t;
          out.push({ time: prev, order: order++, input: item.input, line, lineNo: item.firstLine + i });
        });
      } else if (item.type === 'events') {
        // Objects appear once the newest of them exists.
        let t = -Infinity;
        for (const ev of item.events) {
          const c = ev.kind === 'object' ? Date.parse(ev.object.metadata?.creationTimestamp ?? '') : (ev.time ?? NaN);
          if (Number.isFinite(c)) t = Math.max(t, c + 1000);
        }
        out.push({ time: t, order: order++, input: item.input, item });
      } else {
        out.push({ time: -Infinity, order: order++, input: undefined as unknown as InputHandle, item });
      }
    }
  }
  const known = out.filter((e) => Number.isFinite(e.time)).map((e) => e.time);
  const start = known.length ? Math.min(...known) : 0;
  for (const e of out) if (!Number.isFinite(e.time)) e.time = start;
  return out.sort((a, b) => a.time - b.time || a.order - b.order);
}

/** Hands out a timeline with its time gaps scaled so the whole of it lasts `durationMs`. */
export async function* replayTimeline(timeline: readonly Timed[], opts: ReplayOptions): AsyncGenerator<SourceItem> {
  if (timeline.length === 0) return;
  const sleep = opts.sleep ?? defaultSleep;
  const t0 = timeline[0]!.time;
  const span = Math.max(1, timeline[timeline.length - 1]!.time - t0);
  const scale = opts.durationMs / span;
  const wallStart = Date.now();
  /** Granularity of the replay: entries due within one tick go out together. */
  const tick = 25;
  let i = 0;
  while (i < timeline.length) {
    if (opts.signal?.aborted) return;
    const due = (timeline[i]!.time - t0) * scale;
    const wait = wallStart + due - Date.now();
    if (wait > 0 && opts.durationMs > 0) await sleep(wait, opts.signal);
    if (opts.signal?.aborted) return;
    // Everything due by now (plus a tick) goes out, consecutive lines of one input as one batch.
    const horizon = Date.now() - wallStart + tick;
    let batch: { input: InputHandle; lines: string[]; first: number } | undefined;
    const flush = function* (): Generator<SourceItem> {
      if (batch) yield { type: 'lines', input: batch.input, lines: batch.lines, firstLine: batch.first };
      batch = undefined;
    };
    while (i < timeline.length && (opts.durationMs === 0 || (timeline[i]!.time - t0) * scale <= horizon)) {
      const e = timeline[i++]!;
      if (e.item) {
        yield* flush();
        yield e.item;
        continue;
      }
      if (batch && batch.input === e.input && batch.first + batch.lines.length === e.lineNo) batch.lines.push(e.line!);
      else {
        yield* flush();
        batch = { input: e.input, lines: [e.line!], first: e.lineNo! };
      }
      if (opts.durationMs === 0 && batch.lines.length >= 2048) yield* flush();
    }
    yield* flush();
  }
}

/** Replays the files of `dir` (see `replayTimeline`). */
export function replayDir(dir: string, opts: ReplayOptions): Source {
  return (async function* () {
    const timeline = await loadTimeline(replayFiles(dir), { referenceYear: opts.referenceYear, relativeTo: opts.relativeTo });
    yield* replayTimeline(timeline, opts);
  })();
}

/** The bundled demo incident: `samples/demo` of the installed package. */
export function demoDir(from: string = fileURLToPath(import.meta.url)): string {
  let d = dirname(from);
  for (let k = 0; k < 6; k++) {
    const cand = join(d, 'samples', 'demo');
    if (existsSync(join(d, 'package.json')) && existsSync(cand)) return cand;
    d = dirname(d);
  }
  return join(dirname(from), '..', '..', 'samples', 'demo');
}
