// Where offline data ends, so that `--since 2h` means the last two hours of the data (as
// must-gather tools count), not of the wall clock: a weeks-old log read with `--since 1h` must
// not come out empty. A bundle's capture time wins; else the latest timestamp of the inputs'
// last lines. One cheap pass before the analysis: plain files are read from their tail only;
// archives and compressed files are streamed once more without building any event, so memory
// stays flat (the cost is one extra decompression: see bench/ and the README).
import { closeSync, openSync, readSync } from 'node:fs';
import { parseLine } from '../parsers/index.js';
import { openPaths } from '../sources/index.js';
import type { Source } from '../sources/types.js';
import type { TreeFile } from '../sources/walk.js';

/** The end of the data and where it came from. */
export interface DataEnd {
  time: number;
  from: 'capture-time' | 'last-timestamp';
}

/** Bytes read from the end of a plain file, and from the end of each streamed chunk. */
const TAIL_BYTES = 64 << 10;
const CHUNK_TAIL_BYTES = 8 << 10;

/**
 * The end of the data in `paths` (standard input is skipped: it can be read only once), or
 * undefined when nothing in them carries a time.
 */
export async function findDataEnd(paths: readonly string[], signal?: AbortSignal, trees?: ReadonlyMap<string, TreeFile[]>): Promise<DataEnd | undefined> {
  let end: DataEnd | undefined;
  for (const p of paths) {
    if (p === '-' || signal?.aborted) continue;
    const e = await pathEnd(p, signal, trees);
    if (e && (!end || e.time > end.time)) end = e;
  }
  return end;
}

async function pathEnd(path: string, signal: AbortSignal | undefined, trees: ReadonlyMap<string, TreeFile[]> | undefined): Promise<DataEnd | undefined> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const opened = await openPaths([path], { signal: stop.signal, fileItems: true, trees });
    return await sourceEnd(opened.source, stop);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function sourceEnd(source: Source, stop: AbortController): Promise<DataEnd | undefined> {
  let last: number | undefined;
  const take = (t: number | undefined) => {
    if (t !== undefined && (last === undefined || t > last)) last = t;
  };
  for await (const item of source) {
    switch (item.type) {
      case 'clock':
        // A bundle's capture time is the end of its data.
        return { time: item.now, from: 'capture-time' };
      case 'file':
        take(lastTime(readTail(item.path, item.size), item.input.referenceYear));
        break;
      case 'bytes': {
        const b = item.bytes;
        take(lastTime(Buffer.from(b.buffer, b.byteOffset + Math.max(0, b.byteLength - CHUNK_TAIL_BYTES), Math.min(b.byteLength, CHUNK_TAIL_BYTES)).toString('utf8'), item.input.referenceYear));
        break;
      }
      case 'lines':
        take(lastTime(item.lines.slice(-50).join('\n'), item.input.referenceYear));
        break;
      case 'events':
        for (const ev of item.events) if (ev.kind !== 'object') take(ev.time);
        break;
      default:
        break;
    }
  }
  return last === undefined ? undefined : { time: last, from: 'last-timestamp' };
}

function readTail(path: string, size: number): string {
  const n = Math.min(size, TAIL_BYTES);
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, n, size - n);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

/**
 * The latest time among the last lines of `text` (the first, possibly partial, line is skipped
 * when the text was cut from a longer input). Logs are mostly in time order, but not strictly
 * (several goroutines, several wrappers), so the last 50 timed lines are compared.
 */
export function lastTime(text: string, year = new Date().getUTCFullYear()): number | undefined {
  const lines = text.split('\n');
  let best: number | undefined;
  let timed = 0;
  for (let i = lines.length - 1; i >= 1 && timed < 50; i--) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw) continue;
    const t = parseLine(raw, i, { source: '', referenceYear: year }).time;
    if (t === undefined) continue;
    timed++;
    if (best === undefined || t > best) best = t;
  }
  if (best === undefined && lines.length === 1 && lines[0]) best = parseLine(lines[0], 1, { source: '', referenceYear: year }).time;
  return best;
}
