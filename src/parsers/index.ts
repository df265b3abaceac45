// Line parsers: auto-detect the wrappers (CRI, --timestamps, docker-compose, kubectl --prefix,
// syslog/journald, …) and the inner format (klog, zap JSON, zap console, slog text/JSON, logfmt,
// …) of every line independently, since merged pod logs mix them. What formats and wrappers
// exist is the registry's business (registry.ts: one module per format); this file dispatches. `detectLine` is the cheap per-line classifier; `parseLine` builds the full
// event; `messageOf` computes only parseLine's message (for lines counted per message). None throws; a line no format matches is `unknown` and keeps its text as the message.
//
// Rules shared by all formats:
// - time: the line's own time; klog's has no year, so it takes the wrapper's year, else
//   `referenceYear`; klog, slog and zone-less times are UTC. A whole-second own time (slog text,
//   zap console `…:19Z`) is replaced by the wrapper's when that falls in the same second (finer).
//   No own time: the wrapper's. Times are integer epoch ms.
// - level: from detectLine (so both always agree); `unknown` for unknown/plain lines.
// - a Go `log` line with a timestamp but no level is format `plain`; so is a line no format takes
//   when a wrapper gave it a time (free text with a timestamp).
// - a line that continues the record before it (indented dumps, stack traces) is `continuation`,
//   as is a line with nothing after its wrapper; an indented line holding a record of a known
//   format (pasted with a margin or a `| ` border) is that record; one of the Events section of
//   a pasted `kubectl describe` is `unknown` (a table row, read as an Event by the table reader).
// - origin: the compose service name or kubectl's `pod/container` when there is one, else
//   `opts.origin`.
// - a trailing `\r` is stripped (also from `raw`).
// CRI partial (`P`) lines: run every raw line through a CriJoiner before detectLine/parseLine.
import type { Level, LogEvent } from '../core/event.js';
import {
  F_CONTINUATION, F_PLAIN, F_UNKNOWN, FORMAT_NAMES, IS_CONTINUATION, LINE_FORMATS, MATCH,
  W_BITS, W_CRI, W_MASK, W_NONE, WRAPPER_NAMES, detectFormat, scanWrapper, wrap, wrapperTime,
} from './registry.js';
import { describeEventsLine } from './kubectl-events.js';
import * as slogText from './slog-text.js';
import { L_UNKNOWN, LEVELS, isDigit, type Ctx, type Parsed } from './util.js';
import { skipSpaces, upperEnd, upperLevel } from './stamp.js';
import { rfc3339Prefix } from './wrappers.js';

export { CriJoiner } from './cri-joiner.js';
export { FORMAT_NAMES, WRAPPER_NAMES, W_BITS, W_CRI, W_MASK, wrap } from './registry.js';

/** Options for parseLine: the input's identifier, the year for year-less (klog) times, and the origin to stamp on events. */
export interface ParseOptions {
  source: string;
  referenceYear: number;
  origin?: string;
}

/** What detectLine returns: a shared, frozen object per (format, wrapper, level) combination. */
export interface Detected {
  readonly format: string;
  readonly wrapper: string;
  readonly level: Level;
}

/** What a line is: a record of a known format, a continuation of the record before it, or unknown. */
export type LineRole = 'record' | 'continuation' | 'unknown';

/** Number of distinct detectCode results. */
export const DETECTED_CODES = (FORMAT_NAMES.length * 8) << W_BITS;

// DETECTED[code], code = (format * 8 + level) << W_BITS | wrapper.
const DETECTED: Detected[] = [];
const ROLE: LineRole[] = [];
for (let code = 0; code < DETECTED_CODES; code++) {
  const f = (code >> W_BITS) >> 3;
  ROLE.push(f === F_UNKNOWN ? 'unknown' : IS_CONTINUATION[f] ? 'continuation' : 'record');
  DETECTED.push(Object.freeze({
    format: FORMAT_NAMES[f]!, wrapper: WRAPPER_NAMES[code & W_MASK] ?? 'none', level: LEVELS[(code >> W_BITS) & 7] ?? 'unknown',
  }));
}

/** The role of a format name (`unknown` for names no format has). */
export function formatRole(name: string): LineRole {
  const f = FORMAT_NAMES.indexOf(name);
  return f < 0 || f === F_UNKNOWN ? 'unknown' : IS_CONTINUATION[f] ? 'continuation' : 'record';
}

const UNKNOWN = F_UNKNOWN * 8 + L_UNKNOWN;
const PLAIN = F_PLAIN * 8 + L_UNKNOWN;
const CONTINUATION = F_CONTINUATION * 8 + L_UNKNOWN;

/**
 * Inner-format detection of the line s[p, end) after scanWrapper: `format * 8 + level`. A line
 * no format takes is `plain` when its wrapper gave it a time, else `unknown`; nothing after a
 * wrapper is a (blank) continuation.
 */
function detectInner(s: string, p: number, end: number): number {
  innerStart = p;
  if (p >= end) {
    MATCH.format = -1;
    return wrap.kind === W_NONE ? UNKNOWN : CONTINUATION;
  }
  const r = detectFormat(s, p, end);
  if (r >= 0 && IS_CONTINUATION[r >> 3] === 1) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 9) return indentedRecord(s, p, end, r);
  }
  if (r >= 0) return r;
  if (wrap.tsStart < 0) return UNKNOWN;
  // Free text behind a time: `TIME ERROR something failed`, `TIME  INFO msg` (Rust tracing without
  // its target, and the many loggers that print a time, a level word and the message) keeps the
  // level its upper-case level word gives; the message starts after it.
  return F_PLAIN * 8 + leadingLevel(s, p, end);
}

/**
 * Level code of an upper-case level word at the start of s[p, end) (after at most 4 blanks, as
 * right-aligned levels are) followed by a blank and more text, or L_UNKNOWN; innerStart is moved
 * past it when there is one.
 */
function leadingLevel(s: string, p: number, end: number): number {
  const i = skipSpaces(s, p, Math.min(end, p + 4));
  const j = upperEnd(s, i, end, 9);
  if (j < 0 || (s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9)) return L_UNKNOWN;
  const lvl = upperLevel(s, i, j);
  if (lvl === L_UNKNOWN) return L_UNKNOWN;
  let k = j;
  while (k < end && (s.charCodeAt(k) === 32 || s.charCodeAt(k) === 9)) k++;
  if (k >= end) return L_UNKNOWN;
  innerStart = k;
  return lvl;
}

/** Where the line detectInner last classified starts, after an indent it read past (see indentedRecord). */
let innerStart = 0;

/**
 * An indented line is a continuation of the record before it, unless a record of a known format
 * follows the indent: records pasted into an issue or a terminal with a margin (`  time="…"
 * level=info msg=…`, `  | time="…"` with a border). Those are records, so that attaching
 * continuation lines to their record never swallows one. Asked only for indented lines.
 */
function indentedRecord(s: string, p: number, end: number, r: number): number {
  const format = MATCH.format;
  const variant = MATCH.variant;
  let q = p;
  while (q < end && q < p + 16 && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
  if (s.charCodeAt(q) === 124 && s.charCodeAt(q + 1) === 32) q += 2; // a `| ` border
  const c = s.charCodeAt(q);
  if (q < end && c !== 32 && c !== 9) {
    // The Events section of a pasted `kubectl describe`: rows of a table, read as Events.
    if (describeEventsLine(s, q, end)) {
      MATCH.format = -1;
      return UNKNOWN;
    }
    const r2 = detectFormat(s, q, end);
    if (r2 >= 0 && IS_CONTINUATION[r2 >> 3] !== 1) {
      innerStart = q;
      return r2;
    }
  }
  MATCH.format = format;
  MATCH.variant = variant;
  return r;
}

/**
 * Terminal colours in a line: escape sequences (`ESC[32m`, `ESC(B`, `ESC]…BEL`) as a program writes
 * them when it colours its output, redirected to a file or not (Rust `tracing` does by default,
 * so do zap's colour level encoders and logrus with forced colours); and the same sequences with
 * their ESC lost, as lines pasted into issues show them (`[2m2023-…Z[0m [32m INFO[0m …`), taken
 * only when a reset (`[0m`) says the line had them.
 */
const ESC_SEQUENCE = /\x1b(?:\[[0-9;?]*[A-Za-z]|\([A-Z0-9]|\][^\x07\x1b]*(?:\x07|\x1b\\))/g;
const EATEN_SEQUENCE = /\[\d{1,3}(?:;\d{1,3})*m/g;

/** Whether the line text[start, end) holds terminal colours (see withoutColours). */
export function hasColours(text: string, start = 0, end = text.length): boolean {
  const e = text.indexOf('\x1b', start);
  if (e >= 0 && e < end) return true;
  const r = text.indexOf('[0m', start);
  return r >= 0 && r < end;
}

/** A line that ends with a colour sequence (a reset after the text, and maybe a space before it). */
const ENDS_COLOURED = /(?:\x1b(?:\[[0-9;?]*[A-Za-z]|\([A-Z0-9])|\[\d{1,3}(?:;\d{1,3})*m)$/;

/**
 * The line without its terminal colours: what a terminal shows of it. A reset that ends the line
 * goes with the spaces before it (kubetail appends ` ESC(B ESC[m` to each line it colours).
 */
export function withoutColours(line: string): string {
  let out = line.includes('\x1b') ? line.replace(ESC_SEQUENCE, '') : line;
  if (out.includes('[0m')) out = out.replace(EATEN_SEQUENCE, '');
  return out !== line && ENDS_COLOURED.test(line) ? out.trimEnd() : out;
}

/** Length of s without one trailing `\r`. */
function lineEnd(s: string): number {
  const n = s.length;
  return n > 0 && s.charCodeAt(n - 1) === 13 ? n - 1 : n;
}

/** Cheap classification: format, wrapper and level only (no field parsing); agrees with parseLine. */
export function detectLine(raw: string): Detected {
  return DETECTED[detectCode(raw)]!;
}

/**
 * detectLine as a small integer (`(format * 8 + level) << W_BITS | wrapper`), for hot loops that count
 * per combination in a typed array; `detected(code)` gives the object back.
 */
export function detectCode(raw: string): number {
  return detectCodeAt(raw, 0, raw.length);
}

/**
 * detectCode of the line text[start, end) (no newline inside; one trailing `\r` is dropped),
 * without slicing it out of the text: the line stage classifies every line this way, and
 * charCodeAt on the flat text is about twice as fast as on a sliced line.
 */
export function detectCodeAt(text: string, start: number, end: number): number {
  try {
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const p = scanWrapper(text, start, end);
    wrapEndAt = p;
    const inner = wrap.text;
    return ((inner === undefined ? detectInner(text, p, end) : detectInner(inner, p, inner.length)) << W_BITS) | wrap.kind;
  } catch {
    return (UNKNOWN << W_BITS) | W_NONE;
  }
}

/** The classification a detectCode result stands for. */
export function detected(code: number): Detected {
  return DETECTED[code]!;
}

/**
 * Full parse of one raw line (no trailing newline). Never throws; `unknown` when no format
 * matches. `raw` may go on with the lines that continue the record after newlines (as the line
 * stage attaches them): the first line is the record, and the event's `raw` keeps them all.
 */
export function parseLine(raw: string, line: number, opts: ParseOptions): LogEvent {
  try {
    return parseInner(raw, line, opts);
  } catch {
    // A parser bug must not stop a scan: keep the line as unknown.
    return {
      kind: 'log', time: undefined, level: 'unknown', logger: undefined, caller: undefined,
      message: raw, fields: {}, format: 'unknown', wrapper: 'none', origin: opts.origin,
      source: opts.source, line, raw,
    };
  }
}

// Reused scratch state for parseInner (single-threaded; reset on every call).
const out: Parsed = { time: undefined, coarse: false, logger: undefined, caller: undefined, message: '', fields: {} };
const ctx: Ctx = { wrapperTime: NaN, referenceYear: 0 };

/** Runs the parser of the format detectInner matched (code `fmt`) on s[p, end) into `out` (the caller reset it). */
function parseFormat(fmt: number, s: string, p: number, end: number): void {
  const i = MATCH.format;
  if (i < 0) {
    out.message = s.slice(p, gluedEnd(s, p, end));
    return;
  }
  const f = LINE_FORMATS[i]!;
  if (f.bounded || (p === 0 && end === s.length)) f.parse(s, p, end, out, ctx, MATCH.variant);
  else f.parse(s.slice(p, end), 0, end - p, out, ctx, MATCH.variant);
}

function parseInner(text: string, line: number, opts: ParseOptions): LogEvent {
  if (hasColours(text)) text = withoutColours(text);
  // A record's text may carry the lines that continue it after a newline: the first line is parsed.
  const nl = text.indexOf('\n');
  const raw = nl < 0 ? text : text.slice(0, nl);
  const end0 = lineEnd(raw);
  const s0 = end0 === raw.length ? raw : raw.slice(0, end0);
  let p = scanWrapper(s0, 0, end0);
  const wkind = wrap.kind;
  const origin = wrap.nameEnd < 0 ? opts.origin : s0.slice(wrap.nameStart, wrap.nameEnd);
  ctx.referenceYear = opts.referenceYear;
  const wt = wrapperTime(s0, ctx);
  ctx.wrapperTime = wt;
  const s = wrap.text ?? s0;
  const end = wrap.text === undefined ? end0 : s.length;
  const code = detectInner(s, p, end);
  p = innerStart;
  const fmt = code >> 3;
  out.time = undefined;
  out.coarse = false;
  out.logger = undefined;
  out.caller = undefined;
  out.message = '';
  out.fields = {};
  parseFormat(fmt, s, p, end);
  let time = out.time as number | undefined; // (the parser may have set it)
  // The wrapper's time: when the line has none, or to refine a whole-second one in the same second.
  if (!Number.isNaN(wt) && (time === undefined || (out.coarse && wt >= time && wt < time + 1000))) time = wt;
  return {
    kind: 'log',
    time,
    level: LEVELS[code & 7]!,
    logger: out.logger,
    caller: out.caller,
    message: out.message,
    fields: out.fields,
    format: FORMAT_NAMES[fmt]!,
    wrapper: WRAPPER_NAMES[wkind]!,
    origin,
    source: opts.source,
    line,
    raw: nl < 0 ? s0 : s0 + text.slice(nl),
  };
}

const MESSAGE_OPTS: ParseOptions = { source: 'messageOf', referenceYear: 2026 };

/** The message parseLine(raw, …).message would return, without parsing fields or times. Never throws. */
export function messageOf(raw: string): string {
  try {
    const m = messageInner(raw);
    if (m !== undefined) return m;
  } catch {
    // fall through to the full path, which keeps parseLine's own error handling
  }
  return parseLine(raw, 1, MESSAGE_OPTS).message;
}

/**
 * messageOf of the line text[start, end) of a larger text, for the line stage's counted lines.
 * slog text and plain Go log lines, the usual counted ones, are read where they lie (their
 * message scan never reads past `end` to decide, and charCodeAt on the flat text is about twice
 * as fast as on a sliced line); other lines are sliced out for messageOf. Either way `wrap` then
 * describes the line with positions in `text`.
 */
export function messageAt(text: string, start: number, end: number): string {
  try {
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    const p = scanWrapper(text, start, e);
    if (wrap.text === undefined && e - p > 4 && text.charCodeAt(p + 4) === 47 && isDigit(text.charCodeAt(p))) {
      const r = slogText.detect(text, p, e);
      if (r >= 0) return slogText.message(text, p, e, r >> 3 === 0);
    }
  } catch {
    // the sliced line below takes messageOf's own safety net
  }
  const m = messageOf(text.slice(start, end));
  if (wrap.nameEnd >= 0) {
    wrap.nameStart += start;
    wrap.nameEnd += start;
  }
  return m;
}

/** Where the wrapper of the line detectCodeAt classified last ends (see messageDetected). */
let wrapEndAt = 0;

/**
 * messageAt of the line text[start, end) that detectCodeAt classified last, read from what that
 * classification found instead of finding it again (the line stage counts lines this way, as it
 * meets them). Only for a line no other line was classified after, nor one of an unknown format.
 */
export function messageDetected(text: string, start: number, end: number): string {
  try {
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    const p = wrapEndAt;
    const s = wrap.text ?? text;
    if (wrap.text === undefined) {
      if (e - p > 4 && text.charCodeAt(p + 4) === 47 && isDigit(text.charCodeAt(p))) {
        const r = slogText.detect(text, p, e);
        if (r >= 0) return slogText.message(text, p, e, r >> 3 === 0);
      }
    } else e = s.length;
    const q = innerStart;
    const i = MATCH.format;
    if (q < e && i >= 0) {
      const f = LINE_FORMATS[i]!;
      if (f.message !== undefined) {
        const m = f.bounded ? f.message(s, q, e, MATCH.variant) : f.message(s.slice(q, e), 0, e - q, MATCH.variant);
        if (m !== undefined) return m;
      }
    }
  } catch {
    // the full path below keeps messageAt's own safety net
  }
  return messageAt(text, start, end);
}

/** messageOf without the safety net: undefined when the line needs the full parser. */
function messageInner(text: string): string | undefined {
  if (hasColours(text)) text = withoutColours(text);
  const nl = text.indexOf('\n');
  const raw = nl < 0 ? text : text.slice(0, nl);
  const end0 = lineEnd(raw);
  const s0 = end0 === raw.length ? raw : raw.slice(0, end0);
  let p = scanWrapper(s0, 0, end0);
  const s = wrap.text ?? s0;
  const end = wrap.text === undefined ? end0 : s.length;
  if (p >= end) return '';
  detectInner(s, p, end);
  p = innerStart;
  const i = MATCH.format;
  if (i < 0) return s.slice(p, gluedEnd(s, p, end));
  const f = LINE_FORMATS[i]!;
  if (f.message === undefined) return undefined;
  if (f.bounded || (p === 0 && end === s.length)) return f.message(s, p, end, MATCH.variant);
  return f.message(s.slice(p, end), 0, end - p, MATCH.variant);
}

/**
 * Where a message ends when the runtime glued the next line's timestamp prefix onto it (seen in
 * must-gather logs: `...kube-apiserver/.lock2021-08-03T09:45:19.861139627Z `): before that stamp.
 */
function gluedEnd(s: string, p: number, end: number): number {
  if (end - p < 21 || s.charCodeAt(end - 1) !== 32 || s.charCodeAt(end - 2) !== 90) return end;
  const t = s.lastIndexOf('T', end - 2);
  const start = t - 10;
  if (start < p || rfc3339Prefix(s, start, end) !== end) return end;
  return start;
}

/** Whether a raw line is a CRI partial (`P`) line, whose parts the engine joins before parsing. */
export function isCriPartial(raw: string): boolean {
  const c = raw.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  scanWrapper(raw, 0, lineEnd(raw));
  return wrap.kind === W_CRI && wrap.partial;
}

/** The role of a detect code: a record of a known format, a continuation, or unknown. */
export function roleOf(code: number): LineRole {
  return ROLE[code]!;
}
