// `tail -F` for growing log files: follows appends, reopens the path when the file is rotated
// (inode change, rename, delete and re-create) and starts over when it is truncated (size
// shrinks). Poll-based, with fs.watch on the parent directory as a hint that makes a poll happen
// at once. Lines are split by the shared `readLines` splitter (CRLF, line cap).
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { describeError } from '../core/errors.js';
import type { SourceHealth } from '../core/live-status.js';
import { MAX_LINE_CHARS, readLines } from './files.js';
import type { InputHandle, Source, SourceItem } from './types.js';
import { newInput } from './types.js';

/** How files are followed. */
export interface TailOptions {
  signal: AbortSignal;
  /** Poll period in ms (default 250). */
  pollMs?: number;
  /** Read what the file already holds before following (default true); false starts at its end. */
  fromStart?: boolean;
  /** Health changes: following, retrying (missing, unreadable), with a short reason. */
  onHealth?: (h: SourceHealth) => void;
  /** Called once per file when its existing content has been read (or found missing). */
  onCaughtUp?: (path: string) => void;
  referenceYear?: number;
  /** Largest read per poll, in bytes (default 4 MiB): a huge backlog is read in several polls. */
  readChunk?: number;
}

/** A partial line longer than this (in bytes) is handed to the splitter, which cuts it. */
const MAX_CARRY_BYTES = MAX_LINE_CHARS * 4;

/**
 * Follows one file; yields its lines as they are appended, until `signal` fires. A path that does
 * not exist is reported as `missing` (and waited for, like tail -F).
 */
export async function* tailFile(path: string, opts: TailOptions): AsyncGenerator<SourceItem> {
  const { signal } = opts;
  const pollMs = opts.pollMs ?? 250;
  const readChunk = opts.readChunk ?? 4 << 20;
  const input: InputHandle = newInput(path, 'log', { referenceYear: opts.referenceYear });
  const health = (state: SourceHealth['state'], detail?: string) => opts.onHealth?.({ name: path, state, detail });
  let fh: FileHandle | undefined;
  let ino = -1;
  let dev = -1;
  let pos = 0;
  let lineBase = 0;
  let carry: Buffer = Buffer.alloc(0);
  let caughtUp = false;
  let first = true;
  let lastProblem = '';
  let justRotated = false;

  // Wake-ups: the poll timer, fs.watch on the directory, and abort.
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  signal.addEventListener('abort', poke, { once: true });
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_ev, name) => {
      if (!name || name.toString() === basename(path)) poke();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
    });
  } catch {
    // No fs.watch here (or the directory is missing): polling alone does the job.
  }

  const sleep = () =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = undefined;
        resolve();
      }, pollMs);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const problem = (text: string, state: SourceHealth['state'] = 'retrying') => {
    if (text === lastProblem) return;
    lastProblem = text;
    health(state, text);
  };

  const closeFile = async () => {
    const f = fh;
    fh = undefined;
    await f?.close().catch(() => undefined);
  };

  /** Turns complete lines in `buf` into items; keeps the partial last line in `carry`. */
  async function* split(buf: Buffer, final: boolean): AsyncGenerator<SourceItem> {
    let data = carry.length ? Buffer.concat([carry, buf]) : buf;
    let cut = data.lastIndexOf(10);
    if (final) cut = data.length - 1;
    else if (cut < 0 && data.length > MAX_CARRY_BYTES) cut = data.length - 1;
    if (cut < 0) {
      carry = data;
      return;
    }
    carry = Buffer.from(data.subarray(cut + 1));
    data = data.subarray(0, cut + 1);
    // The splitter yields a last empty line only for text without a trailing newline; our text
    // always ends at one, except a forced cut, which the splitter ends as a line of its own.
    let n = 0;
    for await (const item of readLines(once(data), input)) {
      n += item.lines.length;
      yield { ...item, firstLine: item.firstLine + lineBase };
    }
    lineBase += n;
  }

  try {
    while (!signal.aborted) {
      let st;
      try {
        st = await stat(path);
      } catch (err) {
        // Gone (rotated away and not yet re-created) or never there: keep the old handle drained.
        if (fh) {
          yield* drain();
          await closeFile();
          ino = -1;
        }
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') problem(fh || !first ? 'waiting for the file to appear' : 'no such file; waiting for it to appear', 'missing');
        else problem(describeError(err));
        if (!caughtUp) {
          caughtUp = true;
          opts.onCaughtUp?.(path);
        }
        await sleep();
        continue;
      }
      if (!st.isFile()) {
        problem('not a regular file');
        await sleep();
        continue;
      }
      if (fh && (st.ino !== ino || st.dev !== dev)) {
        // Rotated: finish the old file, then start the new one from its beginning.
        yield* drain();
        await closeFile();
        health('following', 'rotated');
        justRotated = true;
        lastProblem = '';
      }
      if (!fh) {
        try {
          fh = await open(path, 'r');
        } catch (err) {
          problem(`cannot open: ${describeError(err)}`);
          await sleep();
          continue;
        }
        const fst = await fh.stat();
        ino = fst.ino;
        dev = fst.dev;
        pos = first && opts.fromStart === false ? fst.size : 0;
        if (!first) lineBase = 0;
        carry = Buffer.alloc(0);
        first = false;
        if (!justRotated) health('following');
        justRotated = false;
        lastProblem = '';
      }
      const size = (await fh.stat()).size;
      if (size < pos) {
        // Truncated (copytruncate, `> file`): read again from the start.
        pos = 0;
        lineBase = 0;
        carry = Buffer.alloc(0);
        health('following', 'truncated');
      }
      let readAny = false;
      while (pos < size && !signal.aborted) {
        const n = Math.min(readChunk, size - pos);
        const buf = Buffer.alloc(n);
        const { bytesRead } = await fh.read(buf, 0, n, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        readAny = true;
        yield* split(buf.subarray(0, bytesRead), false);
        if (pos < size) break; // let other inputs and keys in between big reads
      }
      if (pos >= size && !caughtUp) {
        caughtUp = true;
        opts.onCaughtUp?.(path);
      }
      if (!readAny || pos >= size) await sleep();
    }
  } finally {
    signal.removeEventListener('abort', poke);
    watcher?.close();
    await closeFile();
    health('ended');
  }

  async function* drain(): AsyncGenerator<SourceItem> {
    if (!fh) return;
    for (;;) {
      const buf = Buffer.alloc(readChunk);
      const { bytesRead } = await fh.read(buf, 0, readChunk, pos).catch(() => ({ bytesRead: 0 }));
      if (bytesRead === 0) break;
      pos += bytesRead;
      yield* split(buf.subarray(0, bytesRead), false);
    }
    if (carry.length) yield* split(Buffer.alloc(0), true);
  }
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** Follows several files at once; items from each keep their order. */
export function tailFiles(paths: readonly string[], opts: TailOptions): Source {
  return mergeSources(paths.map((p) => tailFile(p, opts)));
}

/** Interleaves several sources as their items arrive (each source's order is kept). */
export async function* mergeSources(sources: readonly AsyncIterable<SourceItem>[]): AsyncGenerator<SourceItem> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<SourceItem> }>>();
  const next = (i: number) => pending.set(i, its[i]!.next().then((r) => ({ i, r })));
  its.forEach((_, i) => next(i));
  try {
    while (pending.size) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      next(i);
      yield r.value;
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}
