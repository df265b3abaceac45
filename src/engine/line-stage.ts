// The per-line hot path shared by the engine and its worker threads: classify every line
// (format, wrapper, level), count what was seen, join CRI partial lines, build full events for
// lines some analyzer wants, and aggregate lines that analyzers only count. Pure apart from the
// tally and joiner it is handed.
import { LEVEL_RANK, MAX_ATTACHED_CHARS, MAX_ATTACHED_LINES, type LogEvent } from '../core/event.js';
import { isAscii } from 'node:buffer';
import {
  CriJoiner, DETECTED_CODES, W_CRI, W_MASK, detectCode, detectCodeAt, detected, hasColours, isCriPartial, messageAt, messageDetected, messageOf, parseLine, roleOf,
  withoutColours, wrap, type ParseOptions,
} from '../parsers/index.js';
import { TableReader, type ParsedObject } from '../parsers/resources.js';
import { MAX_LINE_CHARS } from '../sources/types.js';
import { COUNT_SHIFT, KEEP, WordMatcher, type WordGroup } from './word-matcher.js';

/**
 * Which lines deserve a full parse: every line, those at or above a level, or those with a
 * keyword. Keywords match regardless of case, as the detectors' own patterns do: a prefilter
 * that matched `ConfigMap` but not `configmap` would decide a finding by capitalisation.
 */
export interface LineWant {
  all: boolean;
  minRank: number;
  /**
   * The words of each analyzer (group g: bit `1 << g` of a wanted line's mask), matched
   * regardless of case (see WordMatcher): its kept words make a line wanted, its counted words
   * make it counted per message, or go with it when another group wants it.
   */
  groups?: readonly WordGroup[];
}

/** The mask of a line every analyzer receives (at or above the level, or nothing filtered). */
export const EVERY = -1;

/** Counts of one input's lines, merged into its InputReport. */
export interface LineTally {
  lines: number;
  /** Lines of a known format (a record). */
  recognised: number;
  /** Lines that continue the record before them (stack traces, dumps, blank lines). */
  continuations: number;
  /** Lines neither of a known format nor a continuation. */
  unparsed: number;
  truncated: number;
  /** Records per format name. */
  formats: Record<string, number>;
  wrappers: Record<string, number>;
  /**
   * The first and the last line with a time: their numbers counted from this tally's first line
   * (1-based; 0: none yet) and their times (epoch ms). The engine turns them into the input's span.
   */
  firstAt: number;
  firstTime: number;
  lastAt: number;
  lastTime: number;
}

/** Lines counted per message in one batch (see LogInterest.countKeywords). */
export interface MessageCount {
  count: number;
  first: LogEvent;
}

/** A fresh, empty tally. */
export function newTally(): LineTally {
  return {
    lines: 0, recognised: 0, continuations: 0, unparsed: 0, truncated: 0, formats: {}, wrappers: {},
    firstAt: 0, firstTime: NaN, lastAt: 0, lastTime: NaN,
  };
}

export { MAX_LINE_CHARS };
/** Distinct counted messages kept per chunk; past it, each line is passed on by itself. */
const MAX_COUNTED_MESSAGES = 1000;

/**
 * Decodes a chunk of UTF-8 log bytes. Most log chunks are pure ASCII, where a one-byte (latin1)
 * decode gives the same string several times faster than UTF-8 decoding.
 */
export function decodeChunk(b: Buffer): string {
  return b.toString(isAscii(b) ? 'latin1' : 'utf8');
}

/**
 * Matchers by their words. Workers receive a fresh copy of the LineWant with every job, so the
 * key is the words' text: a matcher is built once per set of words.
 */
const compiled = new Map<string, WordMatcher | undefined>();
/** The matcher of each LineWant object met (a job's copy is met once per 64 KiB piece). */
const compiledFor = new WeakMap<LineWant, WordMatcher | null>();
function compile(want: LineWant): WordMatcher | undefined {
  const known = compiledFor.get(want);
  if (known !== undefined) return known ?? undefined;
  const groups = want.groups ?? [];
  const key = groups.map((g) => `${g.keywords.join('\u0000')}\u0001${g.counts?.join('\u0000') ?? ''}`).join('\u0002');
  let m = compiled.get(key);
  if (m === undefined && !compiled.has(key)) {
    if (compiled.size > 16) compiled.clear();
    m = groups.some((g) => g.keywords.length || g.counts?.length) ? new WordMatcher(groups) : undefined;
    compiled.set(key, m);
  }
  compiledFor.set(want, m ?? null);
  return m;
}

/** What a line asks of the line stage (NO_HEAD: no record is being read). */
const NO_HEAD = -1;
const NONE = 0;
const WANT = 1;
const COUNT = 2;

/** Whether a detectCode stands for a line no format recognised (tables of objects are read from these). */
const IS_UNKNOWN_CODE = Uint8Array.from({ length: DETECTED_CODES }, (_, code) => (roleOf(code) === 'unknown' ? 1 : 0));

/** Whether a detectCode stands for a line that continues the record before it. */
const IS_CONTINUATION_CODE = Uint8Array.from({ length: DETECTED_CODES }, (_, code) => (roleOf(code) === 'continuation' ? 1 : 0));

/** LEVEL_RANK of each detectCode. */
const RANK_OF_CODE = Int8Array.from({ length: DETECTED_CODES }, (_, code) => LEVEL_RANK[detected(code).level]);

/** What the line stage works with besides the lines themselves. */
export interface LineContext {
  opts: ParseOptions;
  want: LineWant;
  /** Counts of the input's lines, added to. */
  tally: LineTally;
  /** The input's CRI joiner; absent on a worker thread, where a partial line stops the work. */
  joiner?: () => CriJoiner;
  /**
   * Receives each wanted line, in order: its text and line number (the line stage does not parse
   * it), or, without `emitLine`, its parsed event through `emit`; with the mask of the groups
   * (LineWant.groups) that want it, EVERY for all of them.
   */
  emit: (e: LogEvent, mask: number) => void;
  /**
   * Set on worker threads: wanted lines go back to the engine as text, which parses them there.
   * Cloning a parsed event across threads costs more than parsing its line again (2.8 against
   * 1.7 µs an event, measured on the benchmark bundle's reconcile lines).
   */
  emitLine?: (raw: string, line: number, mask: number) => void;
  /**
   * Receives the objects of tables amid the lines (`kubectl get`, `-o wide`, `argo list`,
   * markdown tables pasted between log lines), read from the lines no format recognised. Absent:
   * such lines are only counted.
   */
  emitObject?: (o: ParsedObject) => void;
  /** The table being read, kept across the pieces of one chunk (set by the line stage). */
  tables?: TableReader;
}

/** What processLines reports back. */
export interface LineOutcome {
  /** Index of a CRI partial line met without a joiner (worker mode): the batch must be redone in order. */
  stoppedAt?: number;
  counted: MessageCount[];
}

/** processText over lines already split (no line may hold a newline). */
export function processLines(
  lines: readonly string[],
  firstLine: number,
  cx: LineContext,
): LineOutcome {
  if (lines.length === 0) return { counted: [] };
  // A last empty line would vanish in the join; count it here.
  const n = lines.length;
  const out = processText(lines.join('\n'), firstLine, cx);
  if (lines[n - 1] === '' && out.stoppedAt === undefined) cx.tally.lines++;
  return out;
}

/**
 * Bytes decoded and processed at a time. Node hands strings of a megabyte or more to V8 as
 * external strings, which the garbage collector does not see as memory pressure: kept below that,
 * the decoded text stays on the V8 heap and peak RSS stays flat.
 */
const PIECE_BYTES = 64 << 10;

/** processText over a chunk of UTF-8 bytes that ends at a line boundary (or at end of input). */
export function processChunk(
  bytes: Uint8Array,
  firstLine: number,
  cx: LineContext,
): LineOutcome {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: LineOutcome = { counted: [] };
  const counted = new Map<string, MessageCount>();
  const lines0 = cx.tally.lines;
  for (let off = 0; off < b.length; ) {
    let end = off + PIECE_BYTES;
    if (end >= b.length) end = b.length;
    else {
      const nl = b.lastIndexOf(10, end - 1);
      end = nl >= off ? nl + 1 : b.indexOf(10, end) + 1 || b.length;
    }
    const piece = processText(decodeChunk(b.subarray(off, end)), firstLine + cx.tally.lines - lines0, cx, counted);
    for (const c of piece.counted) out.counted.push(c);
    if (piece.stoppedAt !== undefined) return { ...out, stoppedAt: piece.stoppedAt };
    off = end;
  }
  for (const c of counted.values()) out.counted.push(c);
  return out;
}

/**
 * Classifies and counts the lines of `text` (numbered from `firstLine`; a trailing CR is dropped,
 * lines over MAX_LINE_CHARS are cut and counted), emits a full event for each wanted line and
 * aggregates counted ones per message. `joiner` returns the input's CRI joiner; without one (on
 * a worker thread) a CRI partial line stops processing so the caller can redo the text in order
 * on the engine thread.
 */
export function processText(
  text: string,
  firstLine: number,
  cx: LineContext,
  shared?: Map<string, MessageCount>,
): LineOutcome {
  const { opts, want, tally, joiner, emit, emitLine, emitObject } = cx;
  const words = compile(want);
  const minRank = want.all ? -1 : want.minRank;
  const codes = new Int32Array(DETECTED_CODES);
  const counted = shared ?? new Map<string, MessageCount>();
  const out: LineOutcome = { counted: [] };
  const n = text.length;
  const linesBefore = tally.lines;
  // The record being read (the last line that is not a continuation) and the continuation lines
  // attached to it so far: text[attachFrom, contTo) after the record's line. Its fate is settled
  // when the next record (or the end of the text) comes.
  let headFate = NO_HEAD;
  /** Who wants the record (its mask and its continuation lines'), when its fate is WANT. */
  let headMask = 0;
  let head = 0;
  let headEnd = 0;
  /** The record's text when it is not text[head, headEnd) (cut at MAX_LINE_CHARS, or CRI-joined). */
  let headRaw: string | undefined;
  let headLn = 0;
  let attachFrom = 0;
  let attached = 0;
  let contTo = -1;
  /** The counted record's message, read as it was classified, and its origin name's place (see count1). */
  let headMsg: string | undefined;
  let headNameStart = -1;
  let headNameEnd = -1;
  // Tables of objects amid the lines: only lines no format took are read for them.
  let inTable = cx.tables !== undefined;
  let tableLines = 0;
  // Lines with terminal colours are read without them (see withoutColours); most texts have none.
  // Where the next escape character and the next ESC-less reset lie (-1: none left): each is
  // searched again only once the lines pass it.
  let nextEsc = text.indexOf('\x1b');
  let nextReset = text.indexOf('[0m');
  const want1 = (line: string, ln: number, mask: number): void => {
    if (emitLine) emitLine(line, ln, mask);
    else emit(parseLine(line, ln, opts), mask);
  };
  // Counted lines need only their message; the first of each message is parsed whole. Lines
  // from different origins (compose services, kubectl's pods) in one input are kept apart;
  // messageAt / messageOf scanned this line's wrapper last, so `wrap` describes it.
  // `known`: the message, read when the line was classified (see messageDetected), and where
  // the wrapper's origin name lies then.
  const count1 = (line: string, ln: number, inText: boolean, lineStart: number, end: number, known?: string, nameStart = -1, nameEnd = -1): void => {
    let msg = known;
    if (msg === undefined) {
      msg = inText ? messageAt(text, lineStart, end) : messageOf(line);
      nameStart = wrap.nameStart;
      nameEnd = wrap.nameEnd;
    }
    const key = nameEnd < 0 ? msg : `${(inText ? text : line).slice(nameStart, nameEnd)}\u0000${msg}`;
    const c = counted.get(key);
    if (c) c.count++;
    else if (counted.size < MAX_COUNTED_MESSAGES) counted.set(key, { count: 1, first: parseLine(line, ln, opts) });
    else out.counted.push({ count: 1, first: parseLine(line, ln, opts) });
  };
  // (The record's state is passed in, not shared with this closure: the loop keeps it in registers.)
  const closeHead = (fate: number, mask: number, own: string, ln: number, attachFrom: number, contTo: number, inText: boolean, head: number, headEnd: number, msg: string | undefined, nameStart: number, nameEnd: number): void => {
    if (fate === COUNT) count1(own, ln, inText, head, headEnd, msg, nameStart, nameEnd);
    else if (contTo < 0) want1(own, ln, mask);
    else {
      const block = own + text.slice(attachFrom, contTo);
      want1(block.includes('\r') ? block.replace(/\r\n/g, '\n') : block, ln, mask);
    }
  };
  let i = 0;
  for (let start = 0; start < n; i++) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = n;
    const lineStart = start;
    start = nl + 1;
    let end = nl;
    /** The line is exactly text[lineStart, end) (not cut, not joined). */
    let inText = true;
    if (end - lineStart > MAX_LINE_CHARS) {
      end = lineStart + MAX_LINE_CHARS;
      tally.truncated++;
      inText = false;
    } else if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
    tally.lines++;
    if (end === lineStart) {
      tally.continuations++; // a blank line: part of whatever record it sits in
      if (inTable) {
        cx.tables!.end();
        inTable = false;
      }
      continue;
    }
    // Most lines are only classified and counted: they are looked at where they lie in the
    // text, and sliced out only when an event is made of them.
    let raw = inText ? undefined : text.slice(lineStart, end);
    if (nextEsc >= 0 || nextReset >= 0) {
      if (nextEsc >= 0 && nextEsc < lineStart) nextEsc = text.indexOf('\x1b', lineStart);
      if (nextReset >= 0 && nextReset < lineStart) nextReset = text.indexOf('[0m', lineStart);
      if ((nextEsc >= 0 && nextEsc < nl) || (nextReset >= 0 && nextReset < nl)) {
        raw ??= text.slice(lineStart, end);
        if (hasColours(raw)) {
          raw = withoutColours(raw);
          inText = false;
        }
      }
    }
    let ln = firstLine + i;
    let code = raw === undefined ? detectCodeAt(text, lineStart, end) : detectCode(raw);
    if ((code & W_MASK) === W_CRI) {
      raw ??= text.slice(lineStart, end);
      // CRI splits long lines into `P` parts ended by an `F` part: analyse the joined line.
      if (!joiner) {
        if (isCriPartial(raw)) {
          tally.lines--;
          out.stoppedAt = i;
          return out;
        }
      } else {
        const joined = joiner().push(raw, ln);
        if (!joined) {
          tally.continuations++; // a CRI partial chunk: part of the record its `F` chunk completes
          continue;
        }
        if (joined.raw !== raw) {
          raw = joined.raw;
          ln = joined.line;
          code = detectCode(raw);
          inText = false;
        }
      }
    }
    codes[code]!++;
    if (emitObject !== undefined) {
      if (IS_UNKNOWN_CODE[code] === 1) {
        const reader = (cx.tables ??= new TableReader(opts.source));
        const o = reader.line(raw ?? text.slice(lineStart, end), ln);
        inTable = true;
        if (reader.took) tableLines++;
        if (o !== undefined) emitObject(o);
      } else if (inTable) {
        cx.tables!.end();
        inTable = false;
      }
    }
    // What the line asks for: its event (WANT), a count of its message (COUNT), or nothing.
    // A wanted line goes to the groups whose words it holds, kept or counted (EVERY: to all).
    let fate = NONE;
    let mask = 0;
    let line: string | undefined;
    if (RANK_OF_CODE[code]! >= minRank) {
      fate = WANT;
      mask = EVERY;
    } else if (words !== undefined) {
      const found = raw === undefined ? words.flags(text, lineStart, end) : words.flags(raw, 0, raw.length);
      if (found !== 0) {
        line = raw ?? text.slice(lineStart, end);
        fate = (found & KEEP) !== 0 ? WANT : COUNT;
        mask = (found | (found >>> COUNT_SHIFT)) & KEEP;
      }
    }
    // A counted line's message is read now, from what classifying it found (nothing has been
    // classified since): reading it when its record is complete would classify it again.
    let msg: string | undefined;
    let nameStart = -1;
    let nameEnd = -1;
    if (fate === COUNT && inText && (code & W_MASK) !== W_CRI && IS_UNKNOWN_CODE[code] === 0) {
      msg = messageDetected(text, lineStart, end);
      nameStart = wrap.nameStart;
      nameEnd = wrap.nameEnd;
    }
    if (IS_CONTINUATION_CODE[code] === 1) {
      // A line that continues the record before it goes with that record's event (bounded);
      // its keywords make the record wanted. One with no record before it in this text, or past
      // the bounds, stays a line of its own.
      if (headFate !== NO_HEAD && inText && attached < MAX_ATTACHED_LINES && end - attachFrom <= MAX_ATTACHED_CHARS) {
        attached++;
        contTo = end;
        if (fate !== NONE) {
          headFate = WANT;
          headMask |= mask;
        }
        continue;
      }
      if (headFate > NONE) closeHead(headFate, headMask, headRaw ?? text.slice(head, headEnd), headLn, attachFrom, contTo, headRaw === undefined, head, headEnd, headMsg, headNameStart, headNameEnd);
      headFate = NO_HEAD;
      if (fate === WANT) want1(line ?? raw ?? text.slice(lineStart, end), ln, mask);
      else if (fate === COUNT) count1(line!, ln, inText, lineStart, end, msg, nameStart, nameEnd);
      continue;
    }
    // A record: the one before it is complete.
    if (headFate > NONE) closeHead(headFate, headMask, headRaw ?? text.slice(head, headEnd), headLn, attachFrom, contTo, headRaw === undefined, head, headEnd, headMsg, headNameStart, headNameEnd);
    headFate = fate;
    headMask = mask;
    head = lineStart;
    headEnd = end;
    headRaw = inText ? undefined : raw;
    headLn = ln;
    headMsg = msg;
    headNameStart = nameStart;
    headNameEnd = nameEnd;
    attachFrom = nl;
    attached = 0;
    contTo = -1;
  }
  if (headFate > NONE) closeHead(headFate, headMask, headRaw ?? text.slice(head, headEnd), headLn, attachFrom, contTo, headRaw === undefined, head, headEnd, headMsg, headNameStart, headNameEnd);
  foldCodes(codes, tally);
  if (tableLines > 0) {
    // A table's header and rows were read, as objects: recognised, not unparsed.
    tally.unparsed -= tableLines;
    tally.recognised += tableLines;
    tally.formats.table = (tally.formats.table ?? 0) + tableLines;
  }
  timeSpan(text, opts, tally, linesBefore);
  if (!shared) for (const c of counted.values()) out.counted.push(c);
  return out;
}

/** Lines looked at from each end of a text for its first and last time. */
const SPAN_PROBE = 256;

/** Time of the line text[a, b), NaN when it has none. */
function lineTime(text: string, a: number, b: number, opts: ParseOptions): number {
  if (b > a && text.charCodeAt(b - 1) === 13) b--;
  if (b <= a || b - a > MAX_LINE_CHARS) return NaN;
  const t = parseLine(text.slice(a, b), 0, opts).time;
  return t === undefined ? NaN : t;
}

/**
 * Records in the tally the first and the last line of `text` that have a time (looking at most
 * SPAN_PROBE lines in from each end): two full parses per text, where timing every line would
 * cost the line stage a few per cent. The input's span runs between its first and last timed
 * line, which is exact for a log written in time order.
 */
function timeSpan(text: string, opts: ParseOptions, tally: LineTally, linesBefore: number): void {
  const n = text.length;
  let start = 0;
  if (tally.firstAt === 0) {
    for (let k = 0; start < n && k < SPAN_PROBE; k++) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      const t = lineTime(text, start, nl, opts);
      if (!Number.isNaN(t)) {
        tally.firstAt = linesBefore + k + 1;
        tally.firstTime = t;
        break;
      }
      start = nl + 1;
    }
  }
  let end = n;
  if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  for (let k = 0; end > 0 && k < SPAN_PROBE; k++) {
    const nl = text.lastIndexOf('\n', end - 1);
    const t = lineTime(text, nl + 1, end, opts);
    if (!Number.isNaN(t)) {
      tally.lastAt = tally.lines - k;
      tally.lastTime = t;
      return;
    }
    end = nl < 0 ? 0 : nl;
  }
}

/** Adds per-code line counts to a tally's format, wrapper, recognised, continuation and unparsed counts. */
function foldCodes(codes: Int32Array, tally: LineTally): void {
  const { formats, wrappers } = tally;
  for (let code = 0; code < codes.length; code++) {
    const k = codes[code]!;
    if (k === 0) continue;
    const d = detected(code);
    const role = roleOf(code);
    if (role === 'unknown') tally.unparsed += k;
    else if (role === 'continuation') tally.continuations += k;
    else {
      tally.recognised += k;
      formats[d.format] = (formats[d.format] ?? 0) + k;
    }
    if (d.wrapper !== 'none') wrappers[d.wrapper] = (wrappers[d.wrapper] ?? 0) + k;
  }
}
