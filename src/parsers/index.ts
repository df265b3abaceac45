// Line parsers: auto-detect the wrapper (CRI, --timestamps, docker-compose) and the inner format
// (klog, zap JSON, zap console, slog text/JSON, logfmt) of every line independently, since merged
// pod logs mix them. `detectLine` is the cheap per-line classifier; `parseLine` builds the full
// event; `messageOf` computes only parseLine's message (for lines counted per message). None throws; a line no format matches is `unknown` and keeps its text as the message.
//
// Rules shared by all formats:
// - time: the line's own time; klog's has no year, so it takes the wrapper's year, else
//   `referenceYear`; klog, slog and zone-less times are UTC. A whole-second own time (slog text,
//   zap console `…:19Z`) is replaced by the wrapper's when that falls in the same second (finer).
//   No own time: the wrapper's. Times are integer epoch ms.
// - level: from detectLine (so both always agree); `unknown` for unknown/plain lines.
// - a Go `log` line with a timestamp but no level is format `plain`.
// - origin: the compose service name or kubectl's `pod/container` when there is one, else
//   `opts.origin`.
// - a trailing `\r` is stripped (also from `raw`).
// CRI partial (`P`) lines: run every raw line through a CriJoiner before detectLine/parseLine.
import type { Level, LogEvent, LogFormat, LogWrapper } from '../core/event.js';
import * as klog from './klog.js';
import * as logfmt from './logfmt.js';
import * as slogText from './slog-text.js';
import * as zapConsole from './zap-console.js';
import * as zapJson from './zap-json.js';
import { jsonMessage } from './json-scan.js';
import {
  F_KLOG, F_LOGFMT, F_PLAIN, F_SLOG_JSON, F_SLOG_TEXT, F_UNKNOWN, F_ZAP_CONSOLE, F_ZAP_JSON, F_JSON,
  FORMATS, L_UNKNOWN, LEVELS, isDigit, keyEnd, parseIso, type Ctx, type Parsed,
} from './util.js';
import { W_CRI, W_NONE, rfc3339Prefix, scanWrapper, wrap } from './wrappers.js';

export { CriJoiner } from './cri-joiner.js';

/** Options for parseLine: the input's identifier, the year for year-less (klog) times, and the origin to stamp on events. */
export interface ParseOptions {
  source: string;
  referenceYear: number;
  origin?: string;
}

/** What detectLine returns: a shared, frozen object per (format, wrapper, level) combination. */
export interface Detected {
  readonly format: LogFormat;
  readonly wrapper: LogWrapper;
  readonly level: Level;
}

const WRAPPER_NAMES: readonly LogWrapper[] = ['cri', 'timestamp', 'compose', 'none', 'kubectl-prefix'];

// DETECTED[(format * 8 + level) * 8 + wrapper] (wrapper codes 5-7 are unused).
const DETECTED: Detected[] = [];
for (let f = 0; f < FORMATS.length; f++) {
  for (let l = 0; l < 8; l++) {
    for (let w = 0; w < 8; w++) {
      DETECTED.push(Object.freeze({ format: FORMATS[f]!, wrapper: WRAPPER_NAMES[w] ?? 'none', level: LEVELS[l] ?? 'unknown' }));
    }
  }
}

/**
 * Inner-format detection of the line s[p, end): `format * 8 + level`. The line may be part of a
 * larger text: the fixed-layout detectors (klog, slog, zap console) never read past `end`; JSON
 * and logfmt search for keys with indexOf, so they get the line by itself.
 */
function detectInner(s: string, p: number, end: number): number {
  if (p >= end) return F_UNKNOWN * 8 + L_UNKNOWN;
  const c = s.charCodeAt(p);
  let r = -1;
  if (c === 123) {
    r = p === 0 && end === s.length ? zapJson.detect(s, 0, end) : zapJson.detect(s.slice(p, end), 0, end - p);
  } else if (c >= 48 && c <= 57) {
    r = end - p > 4 && s.charCodeAt(p + 4) === 47 ? slogText.detect(s, p, end) : zapConsole.detect(s, p, end);
  } else {
    if (c === 73 || c === 87 || c === 69 || c === 70) r = klog.detect(s, p, end);
    if (r < 0) r = p === 0 && end === s.length ? logfmt.detect(s, 0, end) : logfmt.detect(s.slice(p, end), 0, end - p);
  }
  return r < 0 ? F_UNKNOWN * 8 + L_UNKNOWN : r;
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

/** Number of distinct detectCode results. */
export const DETECTED_CODES = FORMATS.length * 64;

/**
 * detectLine as a small integer (`(format * 8 + level) * 8 + wrapper`), for hot loops that count
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
    return detectInner(text, p, end) * 8 + wrap.kind;
  } catch {
    return (F_UNKNOWN * 8 + L_UNKNOWN) * 8 + W_NONE;
  }
}

/** The classification a detectCode result stands for. */
export function detected(code: number): Detected {
  return DETECTED[code]!;
}

/** Full parse of one raw line (no trailing newline). Never throws; `unknown` when no format matches. */
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
const ctx: Ctx = { wrapperTs: -1, referenceYear: 0 };

function parseInner(raw: string, line: number, opts: ParseOptions): LogEvent {
  const end = lineEnd(raw);
  const s = end === raw.length ? raw : raw.slice(0, end);
  const p = scanWrapper(s, 0, end);
  const wkind = wrap.kind;
  const wts = wrap.tsStart;
  const origin = wrap.nameEnd < 0 ? opts.origin : s.slice(wrap.nameStart, wrap.nameEnd);
  const code = detectInner(s, p, end);
  const fmt = code >> 3;
  out.time = undefined;
  out.coarse = false;
  out.logger = undefined;
  out.caller = undefined;
  out.message = '';
  out.fields = {};
  ctx.wrapperTs = wts;
  ctx.referenceYear = opts.referenceYear;
  switch (fmt) {
    case F_KLOG:
      klog.parse(s, p, end, out, ctx);
      break;
    case F_ZAP_JSON:
    case F_SLOG_JSON:
    case F_JSON:
      zapJson.parse(s, p, end, out);
      break;
    case F_ZAP_CONSOLE:
      zapConsole.parse(s, p, end, out);
      break;
    case F_SLOG_TEXT:
      slogText.parse(s, p, end, out, true);
      break;
    case F_PLAIN:
      slogText.parse(s, p, end, out, false);
      break;
    case F_LOGFMT:
      logfmt.parse(s, p, end, out);
      break;
    default:
      out.message = s.slice(p, gluedEnd(s, p, end));
  }
  let time = out.time as number | undefined; // (parsers above may have set it)
  if (wts >= 0 && (time === undefined || out.coarse)) {
    // The prefix's time: when the line has none, or to refine a whole-second one in the same second.
    const wt = parseIso(s, wts);
    if (!Number.isNaN(wt) && (time === undefined || (wt >= time && wt < time + 1000))) time = wt;
  }
  return {
    kind: 'log',
    time,
    level: LEVELS[code & 7]!,
    logger: out.logger,
    caller: out.caller,
    message: out.message,
    fields: out.fields,
    format: FORMATS[fmt]!,
    wrapper: WRAPPER_NAMES[wkind]!,
    origin,
    source: opts.source,
    line,
    raw: s,
  };
}

const MESSAGE_OPTS: ParseOptions = { source: 'messageOf', referenceYear: 2026 };
// Scratch event part for the JSON fallback of messageOf.
const msgOut: Parsed = { time: undefined, coarse: false, logger: undefined, caller: undefined, message: '', fields: {} };

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
    if (e - p > 4 && text.charCodeAt(p + 4) === 47 && isDigit(text.charCodeAt(p))) {
      const r = slogText.detect(text, p, e);
      if (r >= 0) return slogText.message(text, p, e, r >> 3 === F_SLOG_TEXT);
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

/** messageOf without the safety net: undefined when the line needs the full parser. */
function messageInner(raw: string): string | undefined {
  const end = lineEnd(raw);
  const s = end === raw.length ? raw : raw.slice(0, end);
  const p = scanWrapper(s, 0, end);
  if (p >= end) return '';
  const c = s.charCodeAt(p);
  if (c === 123) {
    // zapJson.detect accepts exactly the `{"…}` lines; all JSON formats share one mapping.
    if (s.charCodeAt(end - 1) !== 125 || s.charCodeAt(p + 1) !== 34) return s.slice(p, gluedEnd(s, p, end));
    const m = jsonMessage(s, p);
    if (m !== undefined) return m;
    msgOut.message = '';
    msgOut.logger = undefined;
    msgOut.caller = undefined;
    zapJson.parse(s, p, end, msgOut);
    msgOut.fields = {};
    return msgOut.message;
  }
  let fmt = F_UNKNOWN;
  if (c >= 48 && c <= 57) {
    const r = s.charCodeAt(p + 4) === 47 ? slogText.detect(s, p, end) : zapConsole.detect(s, p, end);
    if (r >= 0) fmt = r >> 3;
  } else if ((c === 73 || c === 87 || c === 69 || c === 70) && klog.detect(s, p, end) >= 0) {
    fmt = F_KLOG;
  } else if (keyEnd(s, p, end) >= 0) {
    fmt = F_LOGFMT; // what logfmt.detect accepts, whatever the level
  }
  switch (fmt) {
    case F_KLOG:
      return klog.message(s, p, end);
    case F_ZAP_CONSOLE:
      return zapConsole.message(s, p, end);
    case F_SLOG_TEXT:
      return slogText.message(s, p, end, true);
    case F_PLAIN:
      return slogText.message(s, p, end, false);
    case F_LOGFMT:
      return logfmt.message(s, p, end);
    default:
      return s.slice(p, gluedEnd(s, p, end));
  }
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
