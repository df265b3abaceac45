// Reading a byte range of a plain log file as whole lines, for the parallel line stage: each
// worker reads its own ranges, so a large file's bytes are never copied between threads. A line
// belongs to the range holding its first byte; the range's last line is read past the range end
// up to its newline. Reads are synchronous on purpose: they run on worker threads, one range at
// a time, and the range is all the worker has to do.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { MAX_LINE_CHARS } from './line-stage.js';

/** Bytes read at a time while looking for a newline outside the range. */
const STEP = 64 << 10;

/**
 * Reads the lines whose first byte lies in [start, end) of the file at `path`: whole lines, each
 * ending with a newline except possibly the file's last. A last line longer than the line cap is
 * kept to one byte over the cap (the line stage cuts and counts it) and the rest is skipped
 * without being held in memory.
 */
export function readLineRange(path: string, start: number, end: number, scratch?: RangeScratch): Buffer {
  const fd = openSync(path, 'r');
  try {
    return readRangeFd(fd, start, end, scratch);
  } finally {
    closeSync(fd);
  }
}

/**
 * A buffer one thread reuses for its range reads, when what it read is done with before the
 * next read (the line stage decodes a range and lets go of its bytes). A fresh buffer per range
 * costs the kernel a page fault for every 4 KiB of it: on a 200 MB log, more than the read itself.
 */
export interface RangeScratch {
  buf?: Buffer;
}

function readRangeFd(fd: number, start: number, end: number, scratch?: RangeScratch): Buffer {
  let pos = start;
  if (start > 0) {
    // Unless the range starts a line, its first partial line belongs to the previous range.
    const one = Buffer.alloc(1);
    if (readSync(fd, one, 0, 1, start - 1) === 1 && one[0] !== 10) {
      const nl = findNewline(fd, start, end);
      if (nl < 0) return Buffer.alloc(0);
      pos = nl + 1;
    }
  }
  if (pos >= end) return Buffer.alloc(0);
  // Read a little past the range: the last line almost always ends there.
  const want = end - pos;
  let body: Buffer;
  if (scratch) {
    if (!scratch.buf || scratch.buf.length < want + STEP) scratch.buf = Buffer.allocUnsafeSlow(want + STEP);
    body = scratch.buf.subarray(0, want + STEP);
  } else body = Buffer.allocUnsafe(want + STEP);
  const got = readFully(fd, body, pos);
  if (got <= want) return body.subarray(0, got);
  const nl = body.subarray(0, got).indexOf(10, want - 1);
  if (nl >= 0) return body.subarray(0, nl + 1);
  if (got < body.length) return body.subarray(0, got);
  // A long last line: read on to its newline, keeping at most one byte over the line cap.
  const bytes = body.subarray(0, got);
  const lastStart = bytes.lastIndexOf(10, want - 1) + 1;
  const keep = MAX_LINE_CHARS + 1 - (got - lastStart);
  const tail: Buffer[] = [];
  let kept = 0;
  let at = pos + got;
  const step = Buffer.allocUnsafe(STEP);
  for (;;) {
    const n = readSync(fd, step, 0, STEP, at);
    if (n === 0) break;
    const i = step.subarray(0, n).indexOf(10);
    const upto = i < 0 ? n : i + 1;
    const room = keep - kept;
    if (room > 0) {
      const take = Math.min(upto, room);
      tail.push(Buffer.from(step.subarray(0, take)));
      kept += take;
    }
    if (i >= 0) break;
    at += n;
  }
  return tail.length ? Buffer.concat([bytes, ...tail]) : bytes;
}

/** Offset of the first newline at or after `from` and before `limit`, or -1. */
function findNewline(fd: number, from: number, limit: number): number {
  const buf = Buffer.allocUnsafe(STEP);
  for (let at = from; at < limit; ) {
    const n = readSync(fd, buf, 0, Math.min(STEP, limit - at), at);
    if (n === 0) return -1;
    const i = buf.subarray(0, n).indexOf(10);
    if (i >= 0) return at + i;
    at += n;
  }
  return -1;
}

/** Fills `buf` from `pos` until full or end of file; returns the bytes read. */
function readFully(fd: number, buf: Buffer, pos: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * A resource dump's text (see ResourcesItem): given, decoded from its UTF-8 bytes (an archive
 * member's), or read whole from its file (the bundle reader checked its size against
 * RESOURCE_DOC_CAP). Throws what reading the file throws.
 */
export function resourceText(dump: { text?: string; bytes?: Uint8Array; path?: string }): string {
  if (dump.text !== undefined) return dump.text;
  if (dump.bytes) return Buffer.from(dump.bytes.buffer, dump.bytes.byteOffset, dump.bytes.byteLength).toString('utf8');
  return readFileSync(dump.path!, 'utf8');
}
