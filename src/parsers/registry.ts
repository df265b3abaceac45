// The log format registry: every line format and every wrapper the parsers read is one module
// implementing LineFormat or LineWrapper, and this file puts them in one list. Format codes,
// dispatch by first character, the `format` and `wrapper` names in reports, the sample lines the
// property tests and the line workers' warm-up use: all derive from that list.
//
// ## Adding a log format (two files: src/parsers/formats/<name>.ts and <name>.test.ts, no other)
//
// 1. Write `src/parsers/formats/<name>.ts`, exporting `format: LineFormat` (or `wrapper:
//    LineWrapper` for something that wraps other lines, like a prefix). Give it real sample lines
//    in `samples`, each with its provenance in a comment above it (repo:path@commit, or the issue
//    URL). The folder is read at startup (and by the bundler at build time): nothing else
//    needs registering. Helpers to reuse: `./util.js` (levels, timestamps, quoted strings,
//    key=value runs), `./keys.js` (the well-known keys of structured formats: time, level,
//    message, logger, caller; take them from there, never spell them), `./json-scan.js`.
// 2. Write `src/parsers/formats/<name>.test.ts`: parse each real sample and check what a user
//    would rely on (time, level, message, fields), plus near misses that must NOT be taken.
//    `samples.test.ts` already checks, for every registered module, that each sample is detected
//    as that module by both detectLine and parseLine and that the two agree.
//
// The contract of a LineFormat, for a line s[p, end) (the wrapper already removed; the line may
// lie inside a larger text):
// - `first(c)`: whether a line of this format can start with character code c (128 stands for
//   any non-ASCII character). Only formats whose `first` accepts the line's first character are
//   asked, in ascending `priority`: keep detect cheap to refuse (compare character codes at fixed
//   offsets before anything else, as klog.ts and zap-console.ts do).
// - `detect(s, p, end)` (called as a plain function, without `this`): `variant * 8 + level` (level: a util.ts L_* code; variant: index into
//   `names`, 0 for one-name formats), or -1 when the line is not of this format. With
//   `bounded: true` it must not read at or past `end` in a way that changes the answer; with
//   `bounded: false` the registry hands it the line sliced out (s = the line, p = 0, end =
//   s.length), for detectors that search with indexOf.
// - `parse(s, p, end, out, ctx, variant)`: fills `out` (time, coarse, logger, caller, message,
//   fields). `ctx.wrapperTime` is the wrapper's time (NaN if none), `ctx.referenceYear` the year
//   for formats that print none. Never throws on any input (the registry catches, but a throw
//   turns a line into `unknown`).
// - `message(s, p, end, variant)` (optional): what parse would put in out.message, cheaper; the
//   line stage calls it for lines it only counts. Undefined: parse is used.
// - `role: 'continuation'`: lines that continue the record before them (stack traces, struct
//   dumps); they are counted as continuations, not as a format.
//
// A LineWrapper reads a prefix (or an envelope) around a line: `scan(s, p, end, w)` returns where
// the inner line starts, or -1, and may set in `w`: `tsStart` (and `time` parses it later),
// `nameStart`/`nameEnd` (the origin: a pod, a compose service), `partial` (a CRI `P` chunk), or
// `text` (a replacement text, for envelopes whose inner line is escaped, like Docker's json-file;
// scan then returns the inner start within `text`). Wrappers nest (`[pod/x/c] <RFC3339> klog`):
// after one matches, the others are tried on the inner line, up to MAX_WRAPPERS deep. `follows`
// limits a wrapper to directly after the named ones (the syslog header after a journalctl
// `short-iso` timestamp); `claims` makes it the reported wrapper over the one before it.
//
// After the wrappers, the first format that detects the line wins. A line no format takes is
// `plain` when a wrapper gave it a time (free text with a timestamp is a record), else `unknown`.
import type { Level } from '../core/event.js';
import { modules as discovered } from './formats/all.js';
import { L_UNKNOWN, LEVELS, type Ctx, type Parsed } from './util.js';

/** One log line format. See the header of this file for the contract. */
export interface LineFormat {
  /** Reported names; `detect` returns `variant * 8 + level` with variant indexing this list. */
  readonly names: readonly string[];
  /** Lower is asked first among formats that may start with the same character. */
  readonly priority: number;
  /** Whether a line of this format may start with character code c (128: any non-ASCII). */
  first(c: number): boolean;
  /** Whether detect/parse/message read only s[p, end) (else they get the line sliced out). */
  readonly bounded: boolean;
  detect(s: string, p: number, end: number): number;
  parse(s: string, p: number, end: number, out: Parsed, ctx: Ctx, variant: number): void;
  message?(s: string, p: number, end: number, variant: number): string | undefined;
  /** `continuation`: lines that continue the record before them; counted apart from formats. */
  readonly role?: 'record' | 'continuation';
  /** Real lines of this format, provenance in a comment above each. */
  readonly samples: readonly string[];
}

/** Scratch state a wrapper fills while scanning (one instance, reused: read it right after a scan). */
export interface WrapState {
  /** Code of the reported (outermost, or claiming) wrapper; W_NONE when there is none. */
  kind: number;
  /** Where the inner line starts (in `text` when set, else in the scanned line). */
  start: number;
  /** Index of the wrapper's timestamp (in `tsText` when set, else in the line), -1: none. */
  tsStart: number;
  /** Code of the wrapper whose `time` reads tsStart. */
  tsWrapper: number;
  /** The text tsStart indexes when it is not the scanned line. */
  tsText: string | undefined;
  /** Origin name span (compose service, kubectl's `pod/container`); nameEnd -1: none. */
  nameStart: number;
  nameEnd: number;
  /** A CRI partial (`P`) chunk. */
  partial: boolean;
  /** Replacement text holding the inner line (envelopes with escaped content), else undefined. */
  text: string | undefined;
}

/** Something wrapped around log lines. See the header of this file for the contract. */
export interface LineWrapper {
  readonly name: string;
  readonly priority: number;
  first(c: number): boolean;
  scan(s: string, p: number, end: number, w: WrapState): number;
  /** Epoch ms of the timestamp this wrapper set at s[i]; NaN if malformed. */
  time?(s: string, i: number, ctx: Ctx): number;
  /** Only directly after one of these wrappers (by name); undefined: anywhere (see `nests`). */
  readonly follows?: readonly string[];
  /** false: only as the outermost wrapper (CRI: the runtime's own format). Default true. */
  readonly nests?: boolean;
  /** Reported instead of the wrapper it follows. */
  readonly claims?: boolean;
  readonly samples: readonly string[];
}

/** A module of src/parsers/formats/ (or a built-in one): exports a format, a wrapper, or both. */
export interface FormatModule {
  format?: LineFormat;
  formats?: readonly LineFormat[];
  wrapper?: LineWrapper;
  wrappers?: readonly LineWrapper[];
}

/** Deepest nesting of wrappers read. */
export const MAX_WRAPPERS = 4;

// ---------------------------------------------------------------------------------------------
// The list

import * as klog from './klog.js';
import * as slogText from './slog-text.js';
import * as zapConsole from './zap-console.js';
import * as zapJson from './zap-json.js';
import * as wrappers from './wrappers.js';
import { criTag, rfc3339Prefix, scanCompose, scanKubectlPrefix } from './wrappers.js';

/** Built-in modules (the hand-tuned hot formats) first, then every module of formats/. */
const ALL_MODULES: readonly FormatModule[] = [klog, zapJson, zapConsole, slogText, wrappers, ...discovered];

function collect<T>(one: (m: FormatModule) => T | undefined, many: (m: FormatModule) => readonly T[] | undefined): T[] {
  const out: T[] = [];
  for (const m of ALL_MODULES) {
    const a = one(m);
    if (a) out.push(a);
    for (const b of many(m) ?? []) out.push(b);
  }
  return out;
}

/** Every registered line format, by ascending priority (stable in registration order). */
export const LINE_FORMATS: readonly LineFormat[] = collect((m) => m.format, (m) => m.formats)
  .map((f, i) => ({ f, i }))
  .sort((a, b) => a.f.priority - b.f.priority || a.i - b.i)
  .map((x) => x.f);

/** Every registered wrapper, by ascending priority. W_NONE comes after them. */
export const LINE_WRAPPERS: readonly LineWrapper[] = collect((m) => m.wrapper, (m) => m.wrappers)
  .map((w, i) => ({ w, i }))
  .sort((a, b) => a.w.priority - b.w.priority || a.i - b.i)
  .map((x) => x.w);

// ---------------------------------------------------------------------------------------------
// Codes

/** Format names by code: every name of every format, then `plain` (if no module reports it), `continuation`, `unknown`. */
export const FORMAT_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const f of LINE_FORMATS) for (const n of f.names) if (!names.includes(n)) names.push(n);
  for (const n of ['plain', 'continuation', 'unknown']) if (!names.includes(n)) names.push(n);
  return names;
})();

/** The format code of a name (-1 if none). */
export function formatCode(name: string): number {
  return FORMAT_NAMES.indexOf(name);
}

/** Code of `plain` (free text with a wrapper's time), `continuation` and `unknown`. */
export const F_PLAIN = formatCode('plain');
export const F_CONTINUATION = formatCode('continuation');
export const F_UNKNOWN = formatCode('unknown');

/** FORMAT_BASE[i]: code of LINE_FORMATS[i].names[0] (its variants follow in name order). */
const FORMAT_CODE_OF: Int16Array[] = LINE_FORMATS.map((f) => Int16Array.from(f.names, (n) => formatCode(n)));

/** Whether a format code stands for continuation lines. */
export const IS_CONTINUATION: Uint8Array = (() => {
  const a = new Uint8Array(FORMAT_NAMES.length);
  a[F_CONTINUATION] = 1;
  LINE_FORMATS.forEach((f, i) => {
    if (f.role === 'continuation') for (const c of FORMAT_CODE_OF[i]!) a[c] = 1;
  });
  return a;
})();

/** Wrapper names by code: the registered wrappers, then `none`. */
export const WRAPPER_NAMES: readonly string[] = [...LINE_WRAPPERS.map((w) => w.name), 'none'];
/** The wrapper code of a name (-1 if none). */
export function wrapperCode(name: string): number {
  return WRAPPER_NAMES.indexOf(name);
}
export const W_NONE = WRAPPER_NAMES.length - 1;
/** Code of the CRI wrapper (its partial lines are joined before parsing). */
export const W_CRI = wrapperCode('cri');
const W_CRI_ = LINE_WRAPPERS.indexOf(wrappers.cri);
const W_TIMESTAMP_ = LINE_WRAPPERS.indexOf(wrappers.timestamp);
const W_COMPOSE_ = LINE_WRAPPERS.indexOf(wrappers.compose);
const W_KUBECTL_ = LINE_WRAPPERS.indexOf(wrappers.kubectlPrefix);
/** Bits of a detect code that hold the wrapper. */
export const W_BITS = 4;
export const W_MASK = (1 << W_BITS) - 1;
if (WRAPPER_NAMES.length > 1 << W_BITS) throw new Error(`too many wrappers registered (${WRAPPER_NAMES.length}); raise W_BITS`);

/** Level names by code. */
export { LEVELS };

// ---------------------------------------------------------------------------------------------
// Dispatch

/** Per first character (0-127, 128: non-ASCII), the indexes into LINE_FORMATS to ask, in order. */
const BY_FIRST: Int16Array[] = Array.from({ length: 129 }, (_, c) =>
  Int16Array.from(LINE_FORMATS.flatMap((f, i) => (f.first(c) ? [i] : []))),
);
const BOUNDED = LINE_FORMATS.map((f) => f.bounded);


/**
 * Inner-format detection of the line s[p, end): `formatCode * 8 + level`, or -1 when no
 * registered format takes it (the caller decides between `plain`, `continuation` and `unknown`).
 */
/** Where detectFormat leaves the format it matched: index into LINE_FORMATS (-1: none) and variant. */
export const MATCH = { format: -1, variant: 0 };

export const detectFormat: (s: string, p: number, end: number) => number = compileDispatch();

/**
 * Compiles detectFormat: one function holding a switch on the first character, whose cases call
 * the detectors of that character's candidates one after the other. Every call in it has a
 * single target that V8 can inline, so the registry costs the hot path no more than the
 * hand-written switch over the built-in formats it replaced did.
 */
function compileDispatch(): (s: string, p: number, end: number) => number {
  const params = ['M'];
  const args: unknown[] = [MATCH];
  LINE_FORMATS.forEach((f, i) => {
    params.push(`f${i}`, `c${i}`);
    args.push(f.detect, FORMAT_CODE_OF[i]!);
  });
  const call = (i: number) =>
    (BOUNDED[i]
      ? `    r = f${i}(s, p, end);\n`
      : `    r = p === 0 && end === s.length ? f${i}(s, 0, end) : f${i}(line === undefined ? (line = s.slice(p, end)) : line, 0, end - p);\n`) +
    `    if (r >= 0) { M.format = ${i}; M.variant = r >> 3; return c${i}[r >> 3] * 8 + (r & 7); }\n`;
  // Characters with the same candidates share a case.
  const groups = new Map<string, number[]>();
  BY_FIRST.forEach((list, c) => {
    if (list.length === 0) return;
    const key = list.join(',');
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  });
  let body = 'return function detectFormat(s, p, end) {\n  let line;\n  let r;\n  let c = s.charCodeAt(p);\n  if (c > 127) c = 128;\n  switch (c) {\n';
  for (const [key, chars] of groups) {
    body += chars.map((c) => `  case ${c}:`).join('\n') + ' {\n';
    for (const i of key.split(',').map(Number)) body += call(i);
    body += '    break;\n  }\n';
  }
  body += '  }\n  M.format = -1;\n  return -1;\n};';
  return new Function(...params, body)(...args) as (s: string, p: number, end: number) => number;
}


/** The wrapper scratch state (see WrapState). */
export const wrap: WrapState = {
  kind: W_NONE, start: 0, tsStart: -1, tsWrapper: -1, tsText: undefined, nameStart: 0, nameEnd: -1, partial: false, text: undefined,
};

/** Per first character, the wrapper codes to try as the outermost wrapper, in order. */
const W_FIRST: Int8Array[] = Array.from({ length: 129 }, (_, c) =>
  Int8Array.from(LINE_WRAPPERS.flatMap((w, i) => (w.follows === undefined && w.first(c) ? [i] : []))),
);
/** Per wrapper code, the wrappers that may directly follow it. */
const W_AFTER: Int8Array[] = LINE_WRAPPERS.map((w) =>
  Int8Array.from(LINE_WRAPPERS.flatMap((x, i) => (x.follows?.includes(w.name) ? [i] : []))),
);
const W_CLAIMS = LINE_WRAPPERS.map((w) => w.claims === true);
/** Wrappers any other wrapper may be followed by (no `follows`), per wrapper code: its own excluded. */
const W_NEXT: Int8Array[][] = LINE_WRAPPERS.map((_, prev) =>
  Array.from({ length: 129 }, (_, c) =>
    Int8Array.from([
      ...W_AFTER[prev]!.filter((i) => LINE_WRAPPERS[i]!.first(c)),
      ...W_FIRST[c]!.filter((i) => i !== prev && LINE_WRAPPERS[i]!.nests !== false),
    ]),
  ),
);

/**
 * Reads the wrappers around the line s[start, end), fills `wrap`, and returns where the inner line
 * starts (in `wrap.text` when a wrapper replaced the text). Reads nothing at or past `end` that
 * could change the answer.
 */
export function scanWrapper(s: string, start: number, end: number): number {
  resetWrap(start);
  const c0 = s.charCodeAt(start);
  if (c0 >= 48 && c0 <= 57 && DIGIT_FAST) {
    // The kubelet's CRI and kubectl's --timestamps prefixes: most lines of pod logs.
    const iso = rfc3339Prefix(s, start, end);
    if (iso < 0) return scanFrom(s, start, end, -1, 0, true);
    let q = criTag(s, iso, end, wrap);
    const code = q >= 0 ? W_CRI_ : W_TIMESTAMP_;
    if (q < 0) q = iso;
    wrap.kind = code;
    wrap.tsStart = start;
    wrap.tsWrapper = code;
    if (q >= end) return (wrap.start = q);
    const c = s.charCodeAt(q);
    if (W_NEXT[code]![c < 128 ? c : 128]!.length === 0) return (wrap.start = q);
    return scanFrom(s, q, end, code, 1, false);
  }
  if (c0 === 32 || c0 === 9 || c0 === 62) return scanMargin(s, start, end);
  return scanFrom(s, start, end, -1, 0, false);
}

function resetWrap(start: number): void {
  wrap.kind = W_NONE;
  wrap.tsStart = -1;
  wrap.tsWrapper = -1;
  wrap.tsText = undefined;
  wrap.nameStart = start;
  wrap.nameEnd = -1;
  wrap.partial = false;
  wrap.text = undefined;
}

/** Widest margin read before a line's wrappers. */
const MAX_MARGIN = 16;

/**
 * A line pasted with a margin: indented (a markdown code block, a terminal's or an editor's
 * margin) or quoted (`> ` of a reply in an issue or a mail, nested `> > `, then maybe indented).
 * Wrappers after the margin are the line's own (a pod log pasted as an indented block keeps its
 * timestamps and pod names). Without one, an indented line is left to the inner formats (it
 * continues the record before it unless a record follows the indent, see parsers/index.ts), and a
 * quoted line is read from after its quote marks.
 */
function scanMargin(s: string, start: number, end: number): number {
  let q = start;
  for (let c = s.charCodeAt(q); c === 62 && q < start + MAX_MARGIN; c = s.charCodeAt(q)) {
    q++;
    if (s.charCodeAt(q) === 32) q++;
  }
  const quoted = q;
  while (q < end && q < quoted + MAX_MARGIN && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
  if (q < end && q > start) {
    const c = s.charCodeAt(q);
    if (W_FIRST[c < 128 ? c : 128]!.length !== 0) {
      const p = scanFrom(s, q, end, -1, 0, false);
      if (wrap.kind !== W_NONE) return p;
      resetWrap(start);
    }
  }
  if (quoted > start) return (wrap.start = quoted);
  return scanFrom(s, start, end, -1, 0, false);
}

/** Whether every digit's outermost wrappers start with cri then timestamp (scanWrapper's fast path). */
const DIGIT_FAST = W_CRI_ >= 0 && W_TIMESTAMP_ >= 0 &&
  Array.from({ length: 10 }, (_, d) => W_FIRST[48 + d]!).every((l) => l[0] === W_CRI_ && l[1] === W_TIMESTAMP_);

/**
 * The wrappers from p on, `prev` being the one just read (-1: none yet) at nesting `depth`;
 * `noIso`: s[p..] is known not to start with an RFC 3339 prefix.
 */
function scanFrom(s: string, p: number, end: number, prev: number, depth: number, noIso: boolean): number {
  for (; depth < MAX_WRAPPERS && p < end; depth++) {
    const c = s.charCodeAt(p);
    const list = prev < 0 ? W_FIRST[c < 128 ? c : 128]! : W_NEXT[prev]![c < 128 ? c : 128]!;
    const n = list.length;
    if (n === 0) break;
    let q = -1;
    let k = 0;
    let iso = noIso ? -1 : -2; // end of an RFC 3339 prefix at p (-1: none), read once for cri and timestamp
    noIso = false;
    for (; k < n; k++) {
      const i = list[k]!;
      // The built-in wrappers are called directly (V8 inlines them).
      if (i === W_CRI_ || i === W_TIMESTAMP_) {
        if (iso === -2) iso = rfc3339Prefix(s, p, end);
        if (iso < 0) continue;
        if (i === W_CRI_) {
          q = criTag(s, iso, end, wrap);
          if (q < 0) continue;
        } else q = iso;
        wrap.tsStart = p;
        wrap.tsWrapper = i;
        break;
      }
      if (i === W_COMPOSE_) q = scanCompose(s, p, end, wrap);
      else if (i === W_KUBECTL_) q = scanKubectlPrefix(s, p, end, wrap);
      else {
        const ts = wrap.tsStart;
        const tsText: string | undefined = wrap.tsText;
        q = LINE_WRAPPERS[i]!.scan(s, p, end, wrap);
        if (q >= 0 && (wrap.tsStart !== ts || wrap.tsText !== tsText)) wrap.tsWrapper = i;
      }
      if (q >= 0) break;
    }
    if (q < 0) break;
    const code = list[k]!;
    if (wrap.kind === W_NONE || W_CLAIMS[code]) wrap.kind = code;
    prev = code;
    if (wrap.text !== undefined) {
      // An envelope: the inner line lives in its own text from here on (not scanned further).
      wrap.start = q;
      return q;
    }
    p = q;
  }
  wrap.start = p;
  return p;
}

/** Epoch ms of the wrapper time `wrap` holds for the line s, NaN if none. */
export function wrapperTime(s: string, ctx: Ctx): number {
  if (wrap.tsStart < 0) return NaN;
  const w = LINE_WRAPPERS[wrap.tsWrapper];
  if (w?.time === undefined) return NaN;
  return w.time(wrap.tsText ?? s, wrap.tsStart, ctx);
}

/** Every registered module's real sample lines, with the name each must be detected as. */
export const SAMPLES: readonly { line: string; format?: LineFormat; wrapper?: LineWrapper }[] = [
  ...LINE_FORMATS.flatMap((format) => format.samples.map((line) => ({ line, format }))),
  ...LINE_WRAPPERS.flatMap((wrapper) => wrapper.samples.map((line) => ({ line, wrapper }))),
];

/** Level name of a detect result. */
export function levelName(code: number): Level {
  return LEVELS[code & 7] ?? 'unknown';
}

export { L_UNKNOWN };
