// Reading inputs from disk or stdin as streams: a line splitter with a hard line cap, gzip
// detection by magic bytes, content sniffing (log, resource dump, metrics, audit) and the
// per-file source. Nothing here holds a whole file in memory except resource dumps, which are
// documents and are parsed whole (up to RESOURCE_DOC_CAP).
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Event } from '../core/event.js';
import { describeError } from '../core/errors.js';
import { parseAuditLine, sniffAudit } from '../parsers/audit.js';
import { isPromExposition, PromReader } from '../parsers/prometheus.js';
import { yearHint } from '../parsers/formats/syslog.js';
import { countLines, parseResources, resourceEvents, sniffResources } from '../parsers/resources.js';
import type { BytesItem, FileItem, InputHandle, LinesItem, SourceItem } from './types.js';
import { MAX_LINE_CHARS, newInput } from './types.js';

export { MAX_LINE_CHARS };
/**
 * A gunzip stream for content. Its output comes in chunks of `chunkSize` bytes, 1 MiB by default:
 * zlib's default (16 KiB) makes a 100 MB archive a few thousand round trips between this thread
 * and the thread pool that inflates (a gzipped 200 MB log took 2.5 s instead of 1.5 s).
 */
export function gunzip(chunkSize = 1 << 20): Gunzip {
  return createGunzip({ chunkSize });
}
/** Smallest byte chunk handed to the engine (small reads, e.g. from gunzip, are gathered). */
const MIN_CHUNK_BYTES = 1 << 20;
/** Lines per batch handed to the engine. */
const BATCH_LINES = 2048;
/** Largest resource document parsed whole. */
export const RESOURCE_DOC_CAP = 256 << 20;
/** Bytes sniffed at the start of a file to decide what it is. */
export const SNIFF_BYTES = 8192;

/** What a file's content is, decided from its first bytes and its name. */
export type ContentKind = 'log' | 'resources' | 'metrics' | 'audit' | 'binary';

/** Options shared by the file-reading sources. */
export interface ReadOptions {
  signal?: AbortSignal;
  /** Called with the number of (compressed, on-disk) bytes read, for progress. */
  onBytes?: (n: number) => void;
  referenceYear?: number;
  /**
   * Offer plain uncompressed log files as FileItems (read by the engine's worker threads in
   * ranges) instead of byte chunks. Only Engine.run takes them.
   */
  fileItems?: boolean;
}

/**
 * Splits a byte stream into lines (LF or CRLF), yielding batches. A line longer than
 * MAX_LINE_CHARS is cut at the cap and counted in `input.report.truncatedLines`; the rest of it
 * is skipped, never buffered.
 */
export async function* readLines(stream: AsyncIterable<Buffer | string>, input: InputHandle, signal?: AbortSignal): AsyncGenerator<LinesItem> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let cutting = false;
  let lineNo = 1;
  let batch: string[] = [];
  let first = 1;
  const emit = (line: string) => {
    if (batch.length === 0) first = lineNo;
    const n = line.length;
    batch.push(n > 0 && line.charCodeAt(n - 1) === 13 ? line.slice(0, n - 1) : line);
    lineNo++;
  };
  const emitCapped = (line: string) => {
    if (line.length > MAX_LINE_CHARS) {
      emit(line.slice(0, MAX_LINE_CHARS));
      input.report.truncatedLines = (input.report.truncatedLines ?? 0) + 1;
    } else emit(line);
  };
  const endCut = () => {
    input.report.truncatedLines = (input.report.truncatedLines ?? 0) + 1;
    cutting = false;
  };
  for await (const chunk of stream) {
    if (signal?.aborted) return;
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      if (!cutting) {
        carry += text;
        if (carry.length > MAX_LINE_CHARS) {
          carry = carry.slice(0, MAX_LINE_CHARS);
          cutting = true;
        }
      }
      continue;
    }
    // The first line of this chunk completes the carried partial line.
    if (cutting) {
      emit(carry);
      endCut();
    } else emitCapped(carry.length > 0 ? carry + text.slice(0, nl) : text.slice(0, nl));
    carry = '';
    start = nl + 1;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      emitCapped(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) {
      carry = text.slice(start);
      if (carry.length > MAX_LINE_CHARS) {
        carry = carry.slice(0, MAX_LINE_CHARS);
        cutting = true;
      }
    }
    if (batch.length >= BATCH_LINES) {
      yield { type: 'lines', input, lines: batch, firstLine: first };
      batch = [];
    }
  }
  const tail = carry + decoder.end();
  if (cutting) {
    emit(carry);
    endCut();
  } else if (tail.length > 0) emitCapped(tail);
  if (batch.length > 0) yield { type: 'lines', input, lines: batch, firstLine: first };
}

/**
 * Cuts a byte stream into chunks of complete lines (the engine splits and parses them, possibly
 * on worker threads). A line longer than MAX_LINE_CHARS bytes is cut at the cap and counted;
 * the rest of it is skipped, never buffered.
 */
export async function* readChunks(stream: AsyncIterable<Buffer | string>, input: InputHandle, signal?: AbortSignal): AsyncGenerator<BytesItem> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let carry: Buffer | undefined;
  let cutting = false;
  const NL = Buffer.from('\n');
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer | string>;
    try {
      next = await iterator.next();
    } catch (err) {
      // A corrupt or truncated stream: hand over what was read before the error, then report it.
      if (carry) pending.push(carry);
      if (pending.length) yield { type: 'bytes', input, bytes: Buffer.concat(pending) };
      throw err;
    }
    if (next.done) break;
    const c = next.value;
    if (signal?.aborted) return;
    let chunk = typeof c === 'string' ? Buffer.from(c) : c;
    if (cutting) {
      const nl = chunk.indexOf(10);
      if (nl === -1) continue;
      pending.push(carry!, NL);
      pendingLen += carry!.length + 1;
      input.report.truncatedLines = (input.report.truncatedLines ?? 0) + 1;
      carry = undefined;
      cutting = false;
      chunk = chunk.subarray(nl + 1);
    }
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      carry = carry ? Buffer.concat([carry, chunk]) : chunk;
      if (carry.length > MAX_LINE_CHARS) {
        carry = Buffer.from(carry.subarray(0, MAX_LINE_CHARS));
        cutting = true;
      }
      continue;
    }
    if (carry) {
      pending.push(carry);
      pendingLen += carry.length;
      carry = undefined;
    }
    pending.push(chunk.subarray(0, last + 1));
    pendingLen += last + 1;
    if (last + 1 < chunk.length) carry = Buffer.from(chunk.subarray(last + 1));
    if (pendingLen >= MIN_CHUNK_BYTES) {
      yield { type: 'bytes', input, bytes: pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen) };
      pending = [];
      pendingLen = 0;
    }
  }
  if (carry) {
    pending.push(carry);
    pendingLen += carry.length;
    if (cutting) input.report.truncatedLines = (input.report.truncatedLines ?? 0) + 1;
  }
  if (pendingLen > 0) yield { type: 'bytes', input, bytes: pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen) };
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Decides what a file holds from its first bytes (already decompressed) and its name. */
export function sniffKind(head: string, name: string): ContentKind {
  if (head.indexOf('\u0000') !== -1) return 'binary';
  if (sniffAudit(head)) return 'audit';
  if (sniffResources(head, name)) return 'resources';
  if (isPromExposition(head)) return 'metrics';
  return 'log';
}

/**
 * Reads up to `n` bytes from the start of a regular file. Synchronous on purpose: these small
 * reads decide how a file is read, one file after another, and awaiting the thread pool for the
 * open, the read and the close cost 10-20 times the read itself (the heads of 360 must-gather
 * logs: 70-150 ms awaited, 5-10 ms synchronously).
 */
export function readHead(path: string, n = SNIFF_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(n);
    const bytesRead = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    closeSync(fd);
  }
}

/** Counts bytes as they pass, for progress. */
async function* counted(stream: Readable, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    yield chunk;
  }
}

/**
 * Turns a decompressed byte stream of known content kind into source items for one input.
 * Used for plain files, stdin and archive members alike.
 */
export async function* contentItems(
  stream: AsyncIterable<Buffer | string>,
  kind: Exclude<ContentKind, 'binary'>,
  input: InputHandle,
  signal?: AbortSignal,
): AsyncGenerator<SourceItem> {
  // Announce the input first, so an empty file or one with no usable record is still listed.
  yield { type: 'events', input, events: [] };
  yield* contentRecords(stream, kind, input, signal);
}

/**
 * True when the start of a file ends its lines with CR alone (classic Mac line ends, some
 * Windows tools and serial consoles): a carriage return and no line feed.
 */
export function crLineEnds(head: Uint8Array | string): boolean {
  return typeof head === 'string' ? head.includes('\r') && !head.includes('\n') : head.includes(13) && !head.includes(10);
}

/**
 * The stream with CR line ends turned into LF when its first chunk has CR and no LF, so every
 * reader splits it into lines (it was one giant line, cut at the line cap). Other streams pass
 * through untouched: the check is made once, on the first chunk.
 */
async function* crToLf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  let convert: boolean | undefined;
  for await (const chunk of stream) {
    convert ??= crLineEnds(chunk);
    if (!convert) yield chunk;
    else if (typeof chunk === 'string') yield chunk.replaceAll('\r', '\n');
    else {
      const copy = Buffer.from(chunk);
      for (let i = copy.indexOf(13); i !== -1; i = copy.indexOf(13, i + 1)) copy[i] = 10;
      yield copy;
    }
  }
}

async function* contentRecords(
  raw: AsyncIterable<Buffer | string>,
  kind: Exclude<ContentKind, 'binary'>,
  input: InputHandle,
  signal?: AbortSignal,
): AsyncGenerator<SourceItem> {
  const stream = crToLf(raw);
  const source = input.report.source;
  if (kind === 'log') {
    yield* readChunks(stream, input, signal);
    return;
  }
  if (kind === 'resources') {
    const decoder = new StringDecoder('utf8');
    let text = '';
    for await (const chunk of stream) {
      text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      if (text.length > RESOURCE_DOC_CAP) {
        input.report.problems.push(`resource document larger than ${RESOURCE_DOC_CAP >> 20} MiB: not parsed; split it (kubectl get … -o yaml per namespace) and try again`);
        return;
      }
    }
    text += decoder.end();
    const parsed = parseResources(text, source);
    input.report.lines = countLines(text);
    input.report.format = parsed.kind;
    input.report.problems.push(...parsed.problems);
    yield { type: 'events', input, events: resourceEvents(parsed, source) };
    return;
  }
  // metrics and audit: line-oriented records turned into events.
  input.report.format = kind === 'metrics' ? 'prometheus-text' : 'audit-json';
  const prom = kind === 'metrics' ? new PromReader(source) : undefined;
  for await (const item of readLines(stream, input, signal)) {
    const events: Event[] = [];
    for (let i = 0; i < item.lines.length; i++) {
      const raw = item.lines[i]!;
      input.report.lines++;
      if (raw.length === 0) continue;
      const ev = prom ? prom.line(raw, item.firstLine + i) : parseAuditLine(raw, item.firstLine + i, source);
      if (ev) events.push(ev);
      else if (!prom) input.report.unparsed++;
    }
    if (events.length) yield { type: 'events', input, events };
  }
  if (prom) input.report.unparsed += prom.unparsed;
}

/** One plain or gzipped file as a source. Problems reading it are recorded, not thrown. */
export async function* fileSource(path: string, opts: ReadOptions & { displayName?: string } = {}): AsyncGenerator<SourceItem> {
  const name = opts.displayName ?? path;
  let head: Buffer;
  try {
    head = readHead(path);
  } catch (err) {
    const input = newInput(name, 'log');
    input.report.problems.push(`cannot read: ${describeError(err)}`);
    yield { type: 'events', input, events: [] };
    return;
  }
  const gz = isGzip(head);
  let textHead = head.toString('utf8');
  if (gz) textHead = await gunzipHead(path);
  const kind = sniffKind(textHead, path.replace(/\.gz$/, ''));
  // A year for times printed without one (syslog, klog): the caller's, else the file's own.
  const referenceYear = opts.referenceYear ?? (kind === 'log' ? yearHint(textHead) : undefined);
  const input = newInput(name, kind === 'binary' ? 'other' : kindToInput(kind), { referenceYear });
  if (kind === 'binary') {
    input.report.format = 'binary';
    input.report.problems.push('binary file: skipped (not a log, resource dump, metrics or audit file)');
    yield { type: 'events', input, events: [] };
    return;
  }
  if (opts.fileItems && !gz && kind === 'log' && !crLineEnds(head)) {
    yield { type: 'events', input, events: [] };
    yield fileItem(path, (await stat(path)).size, input, opts);
    return;
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const bytes = counted(raw, opts.onBytes);
  try {
    const stream = gz ? (await import('node:stream')).Readable.from(bytes).pipe(gunzip()) : bytes;
    yield* contentItems(stream, kind, input, opts.signal);
  } catch (err) {
    input.report.problems.push(`${gz ? 'gzip stream ended early or is corrupt' : 'read failed'}: ${describeError(err)}; lines before the problem were analysed`);
    yield { type: 'events', input, events: [] };
  } finally {
    raw.destroy();
  }
}

/** A plain log file as a FileItem (read in ranges by the engine's workers, else as chunks). */
export function fileItem(path: string, size: number, input: InputHandle, opts: ReadOptions): FileItem {
  const chunks = async function* (): AsyncGenerator<BytesItem> {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    try {
      yield* readChunks(counted(raw, opts.onBytes), input, opts.signal);
    } catch (err) {
      input.report.problems.push(`read failed: ${describeError(err)}; lines before the problem were analysed`);
    } finally {
      raw.destroy();
    }
  };
  return { type: 'file', input, path, size, chunks, onBytes: opts.onBytes };
}

/** Maps a content kind to the contract's input kind. */
export function kindToInput(kind: Exclude<ContentKind, 'binary'>): InputHandle['report']['kind'] {
  return kind === 'resources' ? 'resources' : kind === 'metrics' ? 'metrics' : kind === 'audit' ? 'audit' : 'log';
}

/** Archive container formats recognised by their magic bytes. */
export type ArchiveType = 'tar' | 'tar.gz' | 'tar.xz' | 'zip';

/** Tells whether a file is an archive, from its first bytes (looking inside gzip for a tar header). */
export async function archiveType(path: string, head: Buffer): Promise<ArchiveType | undefined> {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (head.length >= 6 && head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\u0000') return 'tar.xz';
  if (isTarHeader(head)) return 'tar';
  if (isGzip(head)) {
    const inner = Buffer.from(await gunzipHead(path, 'latin1'), 'latin1');
    if (isTarHeader(inner)) return 'tar.gz';
  }
  return undefined;
}

function isTarHeader(b: Buffer): boolean {
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
}

async function gunzipHead(path: string, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const gunzip = createGunzip();
  const raw = createReadStream(path, { highWaterMark: 64 << 10 });
  raw.pipe(gunzip);
  const decoder = new StringDecoder(encoding);
  let text = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      text += decoder.write(chunk);
      if (text.length >= SNIFF_BYTES) break;
    }
  } catch {
    // A corrupt stream is reported when it is read for real.
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  return text.slice(0, SNIFF_BYTES);
}

/** Standard input as a source: gzip detected by magic bytes, content sniffed from the first chunk. */
export async function* stdinSource(stdin: Readable, opts: ReadOptions = {}): AsyncGenerator<SourceItem> {
  const it = (stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await it.next();
  const input0 = newInput('-', 'log', { referenceYear: opts.referenceYear });
  if (first.done) {
    yield { type: 'events', input: input0, events: [] };
    return;
  }
  const firstChunk = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    opts.onBytes?.(firstChunk.length);
    yield firstChunk;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      opts.onBytes?.(r.value.length);
      yield r.value;
    }
  }
  const { Readable: R } = await import('node:stream');
  const gz = isGzip(firstChunk);
  const stream: AsyncIterable<Buffer> = gz ? R.from(rest()).pipe(gunzip()) : rest();
  if (gz) {
    yield* contentItems(stream, 'log', input0, opts.signal);
    return;
  }
  const kind = sniffKind(firstChunk.subarray(0, SNIFF_BYTES).toString('utf8'), '-');
  if (kind === 'binary') {
    input0.report.problems.push('binary data on stdin: skipped');
    yield { type: 'events', input: input0, events: [] };
    return;
  }
  input0.report.kind = kindToInput(kind);
  yield* contentItems(stream, kind, input0, opts.signal);
}
