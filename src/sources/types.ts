// What every source produces: batches of raw lines (to be parsed) or ready events (objects,
// metrics, audit records), each tied to the input it came from. Sources do the I/O; they never
// analyse. Each source takes an AbortSignal and stops promptly when it fires.
import type { Event, LogFormat } from '../core/event.js';
import type { InputReport } from '../core/finding.js';

/** Longest line kept, in characters; longer lines are cut (by the readers and the line stage) and counted. */
export const MAX_LINE_CHARS = 1 << 20;

/** A live handle on one input; its `report` ends up in the report's `inputs[]`. */
export interface InputHandle {
  report: InputReport;
  /** Pod/container a bundle or the cluster source attributed the lines to (`ns/pod/container`). */
  origin?: string;
  /** Year for timestamps that carry none (klog): a bundle's capture year, else the current one. */
  referenceYear?: number;
  /** Per-input tally of recognised formats, from which `report.format` is chosen. */
  formatCounts?: Partial<Record<LogFormat, number>>;
  /** Per-input tally of wrappers. */
  wrapperCounts?: Partial<Record<string, number>>;
  /** The input's first and last line that had a time (line number, epoch ms): its span. */
  firstTimed?: { line: number; time: number };
  lastTimed?: { line: number; time: number };
}

/** Raw log lines in input order; `firstLine` is the 1-based number of `lines[0]`. */
export interface LinesItem {
  type: 'lines';
  input: InputHandle;
  lines: string[];
  firstLine: number;
}

/**
 * Raw bytes of complete log lines (ending at a newline, or at end of input), for the engine's
 * parallel line stage. Line numbers continue from the input's previous items.
 */
export interface BytesItem {
  type: 'bytes';
  input: InputHandle;
  bytes: Uint8Array;
}

/**
 * A plain (uncompressed) log file that the engine's worker threads read themselves, in ranges, so
 * its bytes never cross threads. Offered only when the reader asked for it (ReadOptions.fileItems);
 * `chunks` reads it as BytesItems on the current thread instead.
 */
export interface FileItem {
  type: 'file';
  input: InputHandle;
  path: string;
  size: number;
  chunks: () => AsyncIterable<BytesItem>;
  /** Called with the number of bytes analysed, for progress. */
  onBytes?: (n: number) => void;
}

/** Ready-made events (resource dumps, metrics, audit, watch events). */
export interface EventsItem {
  type: 'events';
  input: InputHandle;
  events: Event[];
}

/**
 * A resource dump in a bundle or archive (YAML or JSON manifests, a `kubectl get` table), parsed
 * by the engine into object events: on a worker thread when it has them, so that loading the
 * YAML library and parsing do not hold up this thread. Its `text`; for a file of a directory
 * bundle, its `path`: whoever parses it reads it (a worker, sparing this thread the read, the
 * decoding and the copy into the message); for an archive member, its UTF-8 `bytes`: moved to
 * the worker, which decodes them (see resourceText). `now` is the bundle's capture time
 * when known: the events' time, and what a table's AGE column counts from.
 */
export type ResourcesItem = {
  type: 'resources';
  input: InputHandle;
  now?: number;
} & (
  | { text: string; path?: undefined; bytes?: undefined }
  | { path: string; text?: undefined; bytes?: undefined }
  | { bytes: Uint8Array; text?: undefined; path?: undefined }
);

/** Capture time of a bundle: the analyzers' "now". */
export interface ClockItem {
  type: 'clock';
  now: number;
}

export type SourceItem = LinesItem | BytesItem | FileItem | ResourcesItem | EventsItem | ClockItem;

/**
 * Bytes an item holds while it waits to be taken (byte chunks, lines, resource text or bytes;
 * others count 0): the measure of the engine's read-ahead and of an archive's hold-back.
 */
export function itemBytes(item: SourceItem): number {
  switch (item.type) {
    case 'bytes':
      return item.bytes.byteLength;
    case 'lines': {
      let n = 0;
      for (const l of item.lines) n += l.length;
      return n;
    }
    case 'resources':
      return item.text?.length ?? item.bytes?.byteLength ?? 0;
    default:
      return 0;
  }
}

/** A producer of source items. */
export type Source = AsyncIterable<SourceItem>;

/** Makes a fresh input handle with an empty report. */
export function newInput(source: string, kind: InputReport['kind'], extra: Partial<InputHandle> = {}): InputHandle {
  return {
    report: { source, kind, format: kind === 'log' ? 'unknown' : kind, lines: 0, recognised: 0, continuations: 0, unparsed: 0, problems: [] },
    ...extra,
  };
}
