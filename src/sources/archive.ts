// Archives (.tar, .tar.gz/.tgz, .tar.xz, .zip; recognised by magic bytes) read as streams: every
// member goes straight from the decompressor into the bundle member reader (line splitter,
// resource parser, …). Nothing is extracted, so nothing is ever written to disk.
//
// Safety — each refusal is listed in the bundle input's `problems` and the rest is analysed:
//   - member names that are absolute (`/etc/x`, `C:\x`) or whose normalised path escapes the root
//     (`../x`, `a/../../x`) are refused;
//   - symbolic and hard links are never followed; those pointing outside the archive are reported;
//   - the expanded total is capped (DEFAULT_LIMITS.maxTotalBytes, 1 GiB): a tar member whose
//     declared size passes the cap, a zip whose declared sizes pass it, or a stream that
//     actually expands past it stops the read there ("decompression bomb");
//   - a stream expanding more than DEFAULT_LIMITS.maxRatio (1000:1) once past ratioMinBytes
//     (32 MiB) is refused as a bomb; a zip member declaring such a ratio is skipped up front;
//   - a truncated or corrupt archive is reported, and what was read before the damage is analysed;
//     a corrupt zip member is reported and the other members are read.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describeError } from '../core/errors.js';
import { archiveType, gunzip, isGzip, readHead, type ArchiveType } from './files.js';
import {
  bundleProblem,
  detectLayout,
  formatBytes,
  isTimestampPath,
  LimitError,
  linkStaysInside,
  memberItems,
  metered,
  newContext,
  parseTimestampFile,
  peek,
  notReadItems,
  planMember,
  safeMemberPath,
  setCaptureTime,
  type BundleContext,
  type BundleOptions,
} from './bundle.js';
import { itemBytes, type SourceItem } from './types.js';

/** One archive member handed to the bundle reader; its stream must be read or drained. */
interface Member {
  path: string;
  stream: AsyncIterable<Buffer>;
}

/**
 * Items held back (bounded, in characters or bytes) until the capture time is found, so the
 * clock can come first. Kept small: the engine's workers get nothing while items are held (a
 * must-gather's root `timestamp` is its last member), and analyzers read the capture time only
 * when they judge, so a clock that comes later changes the order of items, not the findings.
 * 16 MiB held back left both workers idle for the first 0.2 s of a 100 MB .tar.gz.
 */
const HOLD_BACK_CHARS = 1 << 20;

/**
 * An archive as a source. The bundle input (kind `bundle`, format = detected layout) carries
 * the archive's problems; each member becomes its own input named `ARCHIVE:member/path`.
 * Items are held back (up to 16 MiB of lines) until the archive ends so that a `clock` item
 * with the capture time (the latest `timestamp` member) comes first; a `timestamp` found after
 * that budget yields a later `clock` item, and the engine keeps the latest.
 */
export async function* archiveSource(path: string, opts: BundleOptions = {}): AsyncGenerator<SourceItem> {
  const ctx = newContext(path, opts);
  let type: ArchiveType | undefined;
  try {
    type = await archiveType(path, readHead(path, 1024));
  } catch (err) {
    bundleProblem(ctx, `cannot read: ${describeError(err)}`);
  }
  if (!type) {
    if (!ctx.bundle.report.problems.length) bundleProblem(ctx, 'not a tar, tar.gz, tar.xz or zip archive');
    yield { type: 'events', input: ctx.bundle, events: [] };
    return;
  }
  ctx.bundle.report.format = type;
  const paths: string[] = [];
  let held: SourceItem[] | undefined = [{ type: 'events', input: ctx.bundle, events: [] }];
  let heldChars = 0;
  let clockSent = false;
  const release = function* (): Generator<SourceItem> {
    if (!clockSent && ctx.now !== undefined) {
      clockSent = true;
      yield { type: 'clock', now: ctx.now };
    }
    if (held) yield* held;
    held = undefined;
  };
  const members = type === 'zip' ? zipMembers(path, ctx) : tarMembers(path, type, ctx);
  try {
    for await (const item of walkMembers(members, path, 0, paths, ctx)) {
      if (item.type === 'clock') {
        // Held items are released behind the latest clock; otherwise it goes out now.
        if (!held) {
          clockSent = true;
          yield item;
        }
        continue;
      }
      if (held) {
        held.push(item);
        heldChars += itemBytes(item);
        if (heldChars > HOLD_BACK_CHARS) yield* release();
      } else yield item;
    }
  } catch (err) {
    if (err instanceof LimitError) bundleProblem(ctx, err.message);
    else bundleProblem(ctx, `archive could not be read to the end: ${describeError(err)}; members before the problem were analysed`);
  } finally {
    const layout = detectLayout(paths);
    ctx.bundle.report.format = layout ? layout.name : `${type} (no known bundle layout)`;
    if (layout?.nameTime !== undefined && ctx.now === undefined) setCaptureTime(ctx, layout.nameTime);
  }
  if (held) yield* release();
  else if (ctx.now !== undefined && !clockSent) yield { type: 'clock', now: ctx.now };
}

/**
 * How deep archives inside archives are opened: a ticket's `case.zip` holding
 * `must-gather.tar.gz` is depth 1. Deeper ones are listed as problems, not read.
 */
export const MAX_NESTING = 3;

/** Largest zip read from inside another archive (a zip needs its end first, so it is held in memory). */
export const MAX_NESTED_ZIP_BYTES = 64 << 20;

/** Names of members that may be archives themselves; the member's first bytes decide. */
const NESTED_NAME_RE = /\.(?:tar|tgz|tar\.gz|tar\.xz|txz|zip)$/i;

/**
 * The items of an archive's members, opening archives found among them (up to MAX_NESTING
 * levels) as part of the same bundle: their members are named `OUTER:inner.tar.gz:member`,
 * count against the same limits, and their paths decide the bundle layout. Yields a `clock`
 * item whenever a `timestamp` member moves the capture time.
 */
async function* walkMembers(members: AsyncIterable<Member>, prefix: string, depth: number, paths: string[], ctx: BundleContext): AsyncGenerator<SourceItem> {
  for await (const m of members) {
    if (ctx.signal?.aborted) return;
    yield* notReadItems(ctx);
    const display = `${prefix}:${m.path}`;
    if (isTimestampPath(m.path)) {
      paths.push(m.path);
      // An image folder's `timestamp` may come before the root one: take the latest.
      const before = ctx.now;
      const t = parseTimestampFile((await readSmall(m.stream)).toString('utf8'));
      if (t !== undefined) setCaptureTime(ctx, t);
      if (ctx.now !== undefined && ctx.now !== before) yield { type: 'clock', now: ctx.now };
      continue;
    }
    if (NESTED_NAME_RE.test(m.path)) {
      const { head, rest } = await peek(m.stream, 512);
      const nested = nestedType(m.path, head);
      if (nested) {
        if (depth + 1 > MAX_NESTING) {
          bundleProblem(ctx, `${display}: archive nested more than ${MAX_NESTING} levels deep: not read; unpack it and scan the directory`);
          await drainStream(rest);
          continue;
        }
        const inner = nested === 'zip' ? nestedZipMembers(rest, display, ctx) : tarMembersOf(rest, nested, display, ctx);
        yield* walkMembers(inner, display, depth + 1, paths, ctx);
        continue;
      }
      if (planMember(m.path).read === 'skip') {
        await drainStream(rest);
        continue;
      }
      paths.push(m.path);
      yield* memberItems(display, m.path, rest, ctx);
      continue;
    }
    paths.push(m.path);
    yield* memberItems(display, m.path, m.stream, ctx);
  }
  yield* notReadItems(ctx);
}

/** The archive type of a member from its name and first bytes, or undefined when it is not one. */
function nestedType(name: string, head: Buffer): ArchiveType | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) return 'zip';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  if (isGzip(head) && /\.(?:tgz|tar\.gz)$/i.test(name)) return 'tar.gz';
  if (head.length >= 6 && head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\u0000' && /\.(?:txz|tar\.xz)$/i.test(name)) return 'tar.xz';
  return undefined;
}

async function drainStream(stream: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

/** A zip inside another archive: read into memory (up to MAX_NESTED_ZIP_BYTES), then opened like a file. */
async function* nestedZipMembers(stream: AsyncIterable<Buffer>, display: string, ctx: BundleContext): AsyncGenerator<Member> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += c.length;
    if (size > MAX_NESTED_ZIP_BYTES) {
      bundleProblem(ctx, `${display}: zip inside an archive larger than ${formatBytes(MAX_NESTED_ZIP_BYTES)}: not read; unpack it and scan the directory`);
      await drainStream(stream);
      return;
    }
    parts.push(c);
  }
  const yauzl = await import('yauzl');
  yield* zipMembers(display, ctx, () => yauzl.fromBufferPromise(Buffer.concat(parts, size), ZIP_OPTIONS));
}

async function readSmall(stream: AsyncIterable<Buffer>, cap = 64 << 10): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    if (n < cap) parts.push(c);
    n += c.length;
  }
  return Buffer.concat(parts).subarray(0, cap);
}

/** Decides whether a member is read and records refusals. Returns the safe path or undefined. */
function admit(ctx: BundleContext, name: string, type: string, linkpath: string | undefined, prefix: string): string | undefined {
  const safe = safeMemberPath(name);
  if ('refused' in safe) {
    bundleProblem(ctx, `refused member "${name}": ${safe.refused}`);
    return undefined;
  }
  if (type === 'SymbolicLink' || type === 'Link') {
    if (linkpath !== undefined && !linkStaysInside(safe.path, linkpath, type === 'Link')) {
      bundleProblem(ctx, `refused member "${name}": ${type === 'Link' ? 'hard link' : 'symbolic link'} to "${linkpath}" points outside the archive`);
    }
    return undefined; // links are never followed
  }
  if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') return undefined;
  if (!safe.path) return undefined;
  if (planMember(safe.path).read === 'skip' && !isTimestampPath(safe.path) && !NESTED_NAME_RE.test(safe.path)) {
    // Not read (HTML, images, certificates…), but listed for what it is.
    ctx.notRead.push({ display: `${prefix}:${safe.path}`, rel: safe.path });
    return undefined;
  }
  return safe.path;
}

// ---------------------------------------------------------------------------------------------
// tar, tar.gz, tar.xz

/** A minimal async queue between event callbacks and the member generator. */
class Queue<T> {
  private items: T[] = [];
  private waiting?: (v: T | undefined) => void;
  private closed = false;
  push(v: T): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(v);
    } else this.items.push(v);
  }
  close(): void {
    this.closed = true;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(undefined);
    }
  }
  next(): Promise<T | undefined> {
    if (this.items.length) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((r) => (this.waiting = r));
  }
}

/** The members of a tar, tar.gz or tar.xz file. */
async function* tarMembers(path: string, type: Exclude<ArchiveType, 'zip'>, ctx: BundleContext): AsyncGenerator<Member> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    yield* tarMembersOf(raw as AsyncIterable<Buffer>, type, path, ctx, () => raw.destroy());
  } finally {
    raw.destroy();
  }
}

/**
 * The members of a tar, tar.gz or tar.xz read from a byte stream (a file, or a member of an
 * outer archive). `what` names it in problems; `close` stops the bytes when the reader stops.
 */
async function* tarMembersOf(
  source: AsyncIterable<Buffer>,
  type: Exclude<ArchiveType, 'zip'>,
  path: string,
  ctx: BundleContext,
  close?: () => void,
): AsyncGenerator<Member> {
  const { Parser } = await import('tar');
  type Entry = import('tar').ReadEntry;
  const queue = new Queue<Entry>();
  let current: Entry | undefined;
  let stopped = false;
  const warned = new Map<string, number>();
  const parser = new Parser({
    strict: false,
    filter: (_p: string, entry: unknown) => {
      const e = entry as Entry;
      const ok = admit(ctx, e.path, e.type, e.linkpath, path);
      if (ok === undefined) return false;
      if (e.size > ctx.limits.maxTotalBytes) {
        // Declared size alone passes the cap: stop before expanding any of it.
        stop(new LimitError(`member "${ok}" declares ${formatBytes(e.size)}, past the ${formatBytes(ctx.limits.maxTotalBytes)} limit for a bundle; refused it and the rest of the archive as a possible decompression bomb`));
        return false;
      }
      (e as Entry & { safePath?: string }).safePath = ok;
      return true;
    },
    onwarn: (code: string, message: string | Error) => {
      const text = typeof message === 'string' ? message : message.message;
      const key = `${code}: ${text.replace(/\d+/g, 'N')}`;
      const n = warned.get(key) ?? 0;
      warned.set(key, n + 1);
      if (n === 0) {
        if (code === 'TAR_BAD_ARCHIVE' && /Truncated/i.test(text)) bundleProblem(ctx, `archive is truncated (${text}); members before the damage were analysed`);
        else if (code === 'TAR_ENTRY_INVALID') bundleProblem(ctx, `corrupt member header (${text}); skipped to the next valid one`);
        else bundleProblem(ctx, `archive problem: ${text}`);
      }
    },
  } as ConstructorParameters<typeof Parser>[0]);
  parser.on('entry', (e: Entry) => {
    current = e;
    queue.push(e);
  });
  parser.on('end', () => queue.close());
  parser.on('error', (err: Error) => {
    if (!stopped) bundleProblem(ctx, `archive is corrupt: ${err.message}; members before the damage were analysed`);
    finish();
  });
  let failure: LimitError | undefined;
  // The feeder may be waiting for the parser to drain when the reader stops (a member refused
  // half-read leaves the parser full): wake it, or it waits for ever and the run ends with
  // nothing settled.
  const feederWaits = new Set<() => void>();
  function finish(): void {
    stopped = true;
    for (const wake of feederWaits) wake();
    feederWaits.clear();
    if (current && !current.emittedEnd) {
      try {
        current.end();
      } catch {
        // already ending
      }
    }
    queue.close();
  }
  function stop(err: LimitError): void {
    failure ??= err;
    finish();
  }

  const compressed = { n: 0 };
  // A member of an outer archive: its bytes were counted (progress, and for a plain tar the
  // total) when the outer archive was read.
  const nested = close === undefined;
  async function* fromDisk(): AsyncGenerator<Buffer> {
    for await (const c of source) {
      if (stopped && nested) return;
      compressed.n += c.length;
      if (!nested) ctx.onBytes?.(c.length);
      yield c;
    }
  }
  let body: AsyncIterable<Buffer>;
  if (type === 'tar') body = nested ? fromDisk() : metered(fromDisk(), ctx, path);
  else if (type === 'tar.gz') {
    // 1 MiB, as for a gzipped log. The tar parser hands out members as slices of these chunks,
    // and a small member still referenced keeps its whole chunk alive: that made 1 MiB cost
    // peak memory (251-259 MiB against 214-231 with 256 KiB on a 100 MB must-gather of copies
    // of the real one, thousands of small YAML members) until slices went to the workers as
    // copies and dumps as buffers of their own. Since then, on that bundle, 1 MiB against
    // 256 KiB: CPU 3.16-3.40 against 3.44-3.64 s, medians 1.90-2.10 against 2.01-2.15 s (7 and 9
    // alternating runs), peak RSS 173-200 against 163-177 MiB; three copies of it (300 MB)
    // 3.76 against 3.89 s, 182-192 MiB either way.
    const gz = gunzip(1 << 20);
    const src = Readable.from(fromDisk());
    src.on('error', (e) => gz.destroy(e));
    src.pipe(gz);
    body = metered(gz as AsyncIterable<Buffer>, ctx, path, () => compressed.n);
  } else {
    // A CommonJS module: its exports sit on `default` under Node's ESM loader.
    const xz = (await import('xz-decompress')) as typeof import('xz-decompress') & { default?: typeof import('xz-decompress') };
    const XzReadableStream = xz.XzReadableStream ?? xz.default!.XzReadableStream;
    const web = new XzReadableStream(pulled(fromDisk()));
    body = metered(toBuffers(web), ctx, path, () => compressed.n);
  }

  const feeding = (async () => {
    try {
      for await (const chunk of body) {
        if (stopped) break;
        if (!parser.write(chunk)) await drained(parser, () => stopped, feederWaits);
      }
      if (!stopped) parser.end();
    } catch (err) {
      if (err instanceof LimitError) stop(err);
      else if (stopped) {
        // The reader stopped first (it refused a member or was aborted): closing the file
        // ends the decompressor early; that is not damage in the archive.
      } else {
        const msg = describeError(err);
        const trunc = /unexpected end|truncat|premature|ended/i.test(msg);
        bundleProblem(ctx, `archive ${trunc ? 'is truncated' : 'is corrupt'} (${msg}); members before the damage were analysed`);
        finish();
      }
    }
  })();

  try {
    for (;;) {
      const e = await queue.next();
      if (!e) break;
      const p = (e as Entry & { safePath?: string }).safePath;
      if (p === undefined) {
        e.resume();
        continue;
      }
      yield { path: p, stream: e as AsyncIterable<Buffer> };
      if (!e.emittedEnd) e.resume();
    }
  } finally {
    finish();
    close?.();
    await feeding;
  }
  if (failure) throw failure;
}

/**
 * An async iterable as a web stream that reads only when asked (Readable.toWeb pushes: a chunk
 * arriving after the reader stopped early threw ERR_INVALID_STATE outside any handler).
 */
function pulled(it: AsyncIterable<Buffer>): ReadableStream<Uint8Array> {
  const iter = it[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const { value, done } = await iter.next();
      if (done) ctrl.close();
      else ctrl.enqueue(value);
    },
    async cancel() {
      await iter.return?.();
    },
  });
}

async function* toBuffers(web: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const c of web as unknown as AsyncIterable<Uint8Array>) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** Resolves when the parser can take more, ends, fails, or when the read is stopped (through `waits`). */
function drained(parser: NodeJS.EventEmitter, isStopped: () => boolean, waits: Set<() => void>): Promise<void> {
  if (isStopped()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      waits.delete(done);
      parser.off('drain', done);
      parser.off('end', done);
      parser.off('error', done);
      parser.off('close', done);
      resolve();
    };
    waits.add(done);
    parser.on('drain', done);
    parser.on('end', done);
    parser.on('error', done);
    parser.on('close', done);
  });
}

// ---------------------------------------------------------------------------------------------
// zip

// Names are decoded and validated per member, so one bad name refuses that member only
// (yauzl's own validation would end the whole archive).
const ZIP_OPTIONS = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false, strictFileNames: false } as const;

/** The members of a zip file (`open` opens it another way, e.g. from memory for a nested zip). */
async function* zipMembers(path: string, ctx: BundleContext, open?: () => Promise<import('yauzl').ZipFile>): AsyncGenerator<Member> {
  const yauzl = await import('yauzl');
  let zip: import('yauzl').ZipFile;
  try {
    zip = await (open ? open() : yauzl.openPromise(path, ZIP_OPTIONS));
  } catch (err) {
    bundleProblem(ctx, `zip archive cannot be read (${describeError(err)}): it is truncated or not a zip; nothing in it was analysed`);
    return;
  }
  const entries = new Queue<import('yauzl').Entry>();
  zip.on('entry', (e: import('yauzl').Entry) => entries.push(e));
  zip.on('end', () => entries.close());
  zip.on('error', (err: Error) => {
    bundleProblem(ctx, `zip archive is corrupt (${err.message}); members before the damage were analysed`);
    entries.close();
  });
  let declared = 0;
  try {
    for (;;) {
      if (ctx.signal?.aborted) return;
      zip.readEntry();
      const e = await entries.next();
      if (!e) break;
      const rawName = e.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, rawName, e.extraFields, false);
      if (name.endsWith('/')) continue;
      const mode = (e.externalFileAttributes >>> 16) & 0o170000;
      const isLink = mode === 0o120000;
      let linkpath: string | undefined;
      if (isLink) {
        try {
          linkpath = (await readSmall(await openEntry(zip, e), 4096)).toString('utf8');
        } catch {
          linkpath = undefined;
        }
      }
      const p = admit(ctx, name, isLink ? 'SymbolicLink' : 'File', linkpath, path);
      if (p === undefined) continue;
      if (e.isEncrypted()) {
        bundleProblem(ctx, `${path}:${p}: encrypted: cannot be read without the password; unpack it and scan the directory`);
        continue;
      }
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (e.uncompressedSize > ctx.limits.ratioMinBytes && ratio > ctx.limits.maxRatio) {
        bundleProblem(ctx, `refused member "${p}": expands ${Math.round(ratio)}:1 (limit ${ctx.limits.maxRatio}:1), a decompression bomb`);
        continue;
      }
      declared += e.uncompressedSize;
      if (declared > ctx.limits.maxTotalBytes) {
        throw new LimitError(`members declare more than the ${formatBytes(ctx.limits.maxTotalBytes)} limit for a bundle (at "${p}"); refused the rest of the archive as a possible decompression bomb`);
      }
      let stream: Readable;
      try {
        stream = await openEntry(zip, e);
      } catch (err) {
        bundleProblem(ctx, `${p}: corrupt member, skipped (${describeError(err)})`);
        continue;
      }
      const counter = { n: 0 };
      const compressedSize = e.compressedSize;
      counter.n = compressedSize;
      try {
        yield { path: p, stream: metered(stream as AsyncIterable<Buffer>, ctx, `${path}:${p}`, () => counter.n) };
      } finally {
        stream.destroy();
      }
      ctx.onBytes?.(compressedSize);
    }
  } finally {
    zip.close();
  }
}

function openEntry(zip: import('yauzl').ZipFile, e: import('yauzl').Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))));
}
