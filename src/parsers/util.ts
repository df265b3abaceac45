// Shared low-level helpers for the line parsers: level codes, timestamp readers, Go-quoted
// strings, typed values and key=value runs. Everything works on (string, index) pairs with
// charCodeAt so the hot path allocates nothing it does not return.
import type { FieldValue, Level } from '../core/event.js';

/** Level codes used internally (index into LEVELS). */
export const L_TRACE = 0;
export const L_DEBUG = 1;
export const L_INFO = 2;
export const L_WARN = 3;
export const L_ERROR = 4;
export const L_FATAL = 5;
export const L_UNKNOWN = 6;

/** Level names by code. */
export const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warning', 'error', 'fatal', 'unknown'];

/** True for an ASCII digit code. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two ASCII digits at i as a number, NaN-free: returns -1 if either is not a digit. */
export function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Four ASCII digits at i as a number, or -1. */
export function d4(s: string, i: number): number {
  const a = d2(s, i);
  const b = d2(s, i + 2);
  if (a < 0 || b < 0) return -1;
  return a * 100 + b;
}

function eqLower(s: string, i: number, end: number, lit: string): boolean {
  if (end - i !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) {
    if ((s.charCodeAt(i + k) | 32) !== lit.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Level code of the word s[i, end), case-insensitive: trace, debug, info, warn(ing), error,
 * dpanic (error), panic/fatal/critical (fatal), zap's `Level(-N)` (debug), plus short forms.
 * Returns L_UNKNOWN for anything else.
 */
export function matchLevel(s: string, i: number, end: number): number {
  const l = matchWord(s, i, end);
  if (l !== L_UNKNOWN || end - i < 5) return l;
  // slog prints levels between the named ones as `INFO+2`, `DEBUG-4`: keep the base name.
  for (let k = i + 3; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 43 || c === 45) {
      const b = s.charCodeAt(k - 1) | 32;
      return b >= 97 && b <= 122 ? matchWord(s, i, k) : L_UNKNOWN;
    }
  }
  return L_UNKNOWN;
}

/** Level code of exactly the word s[i, end). */
function matchWord(s: string, i: number, end: number): number {
  const n = end - i;
  if (n <= 0) return L_UNKNOWN;
  switch (s.charCodeAt(i) | 32) {
    case 105: // i
      if (eqLower(s, i, end, 'info') || eqLower(s, i, end, 'inf') || eqLower(s, i, end, 'information')) return L_INFO;
      break;
    case 119: // w
      if (eqLower(s, i, end, 'warn') || eqLower(s, i, end, 'warning') || eqLower(s, i, end, 'wrn')) return L_WARN;
      break;
    case 101: // e
      if (eqLower(s, i, end, 'error') || eqLower(s, i, end, 'err') || eqLower(s, i, end, 'eror')) return L_ERROR;
      if (eqLower(s, i, end, 'emerg') || eqLower(s, i, end, 'emergency')) return L_FATAL;
      break;
    case 100: // d
      if (eqLower(s, i, end, 'debug') || eqLower(s, i, end, 'dbg')) return L_DEBUG;
      if (eqLower(s, i, end, 'dpanic')) return L_ERROR;
      break;
    case 116: // t
      if (eqLower(s, i, end, 'trace') || eqLower(s, i, end, 'trc')) return L_TRACE;
      break;
    case 102: // f
      if (eqLower(s, i, end, 'fatal') || eqLower(s, i, end, 'ftl')) return L_FATAL;
      break;
    case 112: // p
      if (eqLower(s, i, end, 'panic')) return L_FATAL;
      break;
    case 99: // c
      if (eqLower(s, i, end, 'crit') || eqLower(s, i, end, 'critical')) return L_FATAL;
      break;
    case 97: // a
      if (eqLower(s, i, end, 'alert')) return L_FATAL;
      break;
    case 110: // n
      if (eqLower(s, i, end, 'notice')) return L_INFO;
      break;
    case 108: // l: zap prints logr V(n>1) as Level(-n)
      if (n > 7 && (s.charCodeAt(i + 5) === 40) && eqLower(s, i, i + 5, 'level')) return L_DEBUG;
      break;
  }
  return L_UNKNOWN;
}

let cacheKey = -1;
let cacheDay = 0;

/** Epoch ms of a UTC civil time (month 1-12); like Date.UTC but with a one-day cache and no call into the runtime. */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, se: number, ms: number): number {
  const key = (y * 16 + mo) * 32 + d;
  if (key !== cacheKey) {
    // days from civil (Howard Hinnant's algorithm)
    const yy = mo <= 2 ? y - 1 : y;
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    cacheDay = (era * 146097 + doe - 719468) * 86400000;
    cacheKey = key;
  }
  return cacheDay + h * 3600000 + mi * 60000 + se * 1000 + ms;
}

/** Scratch results of the last time parse: where it ended, and whether it had sub-second digits. */
export const T = { end: 0, frac: false };

/** Reads up to 3 fraction digits at i (after the dot) as milliseconds, skipping the rest; sets T.end. */
function readFrac(s: string, i: number): number {
  let ms = 0;
  let k = 0;
  let c = s.charCodeAt(i);
  while (c >= 48 && c <= 57) {
    if (k < 3) ms = ms * 10 + (c - 48);
    k++;
    c = s.charCodeAt(++i);
  }
  T.end = i;
  if (k === 1) ms *= 100;
  else if (k === 2) ms *= 10;
  return ms;
}

/**
 * Parses an RFC 3339 / ISO 8601 timestamp at i: `YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|±hh:mm|±hhmm]`
 * (no zone means UTC). Returns epoch ms (integer) or NaN; sets T.end and T.frac.
 */
export function parseIso(s: string, i: number): number {
  const y = d4(s, i);
  const mo = d2(s, i + 5);
  const d = d2(s, i + 8);
  const h = d2(s, i + 11);
  const mi = d2(s, i + 14);
  const se = d2(s, i + 17);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return NaN;
  const sep = s.charCodeAt(i + 10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return NaN;
  let j = i + 19;
  let ms = 0;
  T.frac = false;
  const c = s.charCodeAt(j);
  if (c === 46 || c === 44) {
    ms = readFrac(s, j + 1);
    T.frac = T.end > j + 1;
    j = T.end;
  }
  let off = 0;
  const z = s.charCodeAt(j);
  if (z === 90 || z === 122) {
    j++;
  } else if (z === 43 || z === 45) {
    const oh = d2(s, j + 1);
    let om = -1;
    let k = j + 3;
    if (s.charCodeAt(k) === 58) k++;
    om = d2(s, k);
    if (oh >= 0 && om >= 0) {
      off = (oh * 60 + om) * 60000 * (z === 43 ? 1 : -1);
      j = k + 2;
    }
  }
  T.end = j;
  return utcMs(y, mo, d, h, mi, se, ms) - off;
}

/** Parses Go log's `YYYY/MM/DD hh:mm:ss[.frac]` at i as UTC; NaN if malformed. Sets T.end, T.frac. */
export function parseSlash(s: string, i: number): number {
  const y = d4(s, i);
  const mo = d2(s, i + 5);
  const d = d2(s, i + 8);
  const h = d2(s, i + 11);
  const mi = d2(s, i + 14);
  const se = d2(s, i + 17);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || mi < 0 || se < 0) return NaN;
  let j = i + 19;
  let ms = 0;
  T.frac = false;
  if (s.charCodeAt(j) === 46) {
    ms = readFrac(s, j + 1);
    T.frac = T.end > j + 1;
    j = T.end;
  }
  T.end = j;
  return utcMs(y, mo, d, h, mi, se, ms);
}

/** Parses klog's `mmdd hh:mm:ss.uuuuuu` at i (UTC) in the given year; NaN if malformed. */
export function parseKlogTime(s: string, i: number, year: number): number {
  const mo = d2(s, i);
  const d = d2(s, i + 2);
  const h = d2(s, i + 5);
  const mi = d2(s, i + 8);
  const se = d2(s, i + 11);
  if (mo < 1 || mo > 12 || d < 1 || h < 0 || mi < 0 || se < 0) return NaN;
  let ms = 0;
  T.frac = false;
  T.end = i + 13;
  if (s.charCodeAt(i + 13) === 46) {
    ms = readFrac(s, i + 14);
    T.frac = true;
  }
  return utcMs(year, mo, d, h, mi, se, ms);
}

/** Epoch seconds (zap's default float `ts`) or epoch ms to integer epoch ms. */
export function epochToMs(v: number): number {
  if (!Number.isFinite(v)) return NaN;
  return Math.floor(v > 1e11 ? v : v * 1000);
}

/** Index of the closing quote of the Go/JSON-quoted string opening at i (s[i] === '"'), or -1. */
export function scanQuoted(s: string, i: number, end: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0 || q >= end) return -1;
    let b = q - 1;
    while (b > i && s.charCodeAt(b) === 92) b--;
    if (((q - 1 - b) & 1) === 0) return q; // an even number of backslashes: not escaped
    j = q + 1;
  }
}

/** Decodes the body of a Go `%q` / JSON string s[i, j) (without its quotes). */
export function unquote(s: string, i: number, j: number): string {
  const v = s.slice(i, j);
  const rel = v.indexOf('\\');
  if (rel < 0) return v;
  const bs = i + rel;
  let out = s.slice(i, bs);
  let k = bs;
  while (k < j) {
    const c = s.charCodeAt(k);
    if (c !== 92) {
      const nx = s.indexOf('\\', k);
      const stop = nx < 0 || nx > j ? j : nx;
      out += s.slice(k, stop);
      k = stop;
      continue;
    }
    const e = s.charCodeAt(k + 1);
    k += 2;
    switch (e) {
      case 110: out += '\n'; break;
      case 116: out += '\t'; break;
      case 114: out += '\r'; break;
      case 34: out += '"'; break;
      case 92: out += '\\'; break;
      case 47: out += '/'; break;
      case 39: out += "'"; break;
      case 97: out += '\x07'; break;
      case 98: out += '\b'; break;
      case 102: out += '\f'; break;
      case 118: out += '\v'; break;
      case 120: { // \xNN
        const v = parseInt(s.slice(k, k + 2), 16);
        if (Number.isNaN(v)) out += '\\x';
        else { out += String.fromCharCode(v); k += 2; }
        break;
      }
      case 117: { // \uNNNN
        const v = parseInt(s.slice(k, k + 4), 16);
        if (Number.isNaN(v)) out += '\\u';
        else { out += String.fromCharCode(v); k += 4; }
        break;
      }
      case 85: { // \UNNNNNNNN
        const v = parseInt(s.slice(k, k + 8), 16);
        if (Number.isNaN(v) || v > 0x10ffff) out += '\\U';
        else { out += String.fromCodePoint(v); k += 8; }
        break;
      }
      default:
        out += '\\' + s.charAt(k - 1);
    }
  }
  return out;
}

/** Whether s[i, end) is a plain decimal number safe to turn into a JS number (no leading zeros, ≤ 15 digits). */
function isNumber(s: string, i: number, end: number): boolean {
  let j = i;
  if (s.charCodeAt(j) === 45) j++;
  const intStart = j;
  while (j < end && isDigit(s.charCodeAt(j))) j++;
  const intLen = j - intStart;
  if (intLen === 0 || intLen > 15) return false;
  if (intLen > 1 && s.charCodeAt(intStart) === 48) return false;
  if (j < end && s.charCodeAt(j) === 46) {
    const f = ++j;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
    if (j === f) return false;
  }
  if (j < end && (s.charCodeAt(j) | 32) === 101) {
    j++;
    const c = s.charCodeAt(j);
    if (c === 43 || c === 45) j++;
    const f = j;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
    if (j === f) return false;
  }
  return j === end;
}

/** Types an unquoted value s[i, end): decimal numbers → number, true/false → boolean, JSON objects/arrays parsed, else string. */
export function typedBare(s: string, i: number, end: number): FieldValue {
  const c = s.charCodeAt(i);
  if ((c >= 48 && c <= 57) || c === 45) {
    if (isNumber(s, i, end)) return Number(s.slice(i, end));
  } else if (c === 116 && end - i === 4 && s.startsWith('true', i)) {
    return true;
  } else if (c === 102 && end - i === 5 && s.startsWith('false', i)) {
    return false;
  } else if ((c === 123 || c === 91) && end - i > 1) {
    const t = s.slice(i, end);
    try {
      return JSON.parse(t) as FieldValue;
    } catch {
      return t;
    }
  }
  return s.slice(i, end);
}

/** Index just past a bracketed JSON-ish value opening at i (`{` or `[`), respecting strings; -1 if unbalanced. */
export function scanBalanced(s: string, i: number, end: number): number {
  let depth = 0;
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 34) {
      const q = scanQuoted(s, j, end);
      if (q < 0) return -1;
      j = q + 1;
      continue;
    }
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return -1;
}

/** Scratch result of scanValue: the decoded value and where it ended. */
export const V: { value: FieldValue; end: number } = { value: '', end: 0 };

/** Reads a value at i (quoted, bracketed JSON, or bare up to a space); sets V.value and V.end. */
export function scanValue(s: string, i: number, end: number): void {
  const c = s.charCodeAt(i);
  if (c === 34) {
    const q = scanQuoted(s, i, end);
    if (q >= 0) {
      V.value = unquote(s, i + 1, q);
      V.end = q + 1;
      return;
    }
  } else if (c === 123 || c === 91) {
    const b = scanBalanced(s, i, end);
    if (b > 0 && (b === end || s.charCodeAt(b) === 32)) {
      V.value = typedBare(s, i, b);
      V.end = b;
      return;
    }
  }
  let j = s.indexOf(' ', i);
  if (j < 0 || j > end) j = end;
  V.value = j === i ? '' : typedBare(s, i, j);
  V.end = j;
}

/** Where scanValue(s, i, end) would set V.end, without decoding the value. */
export function valueEnd(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) {
    const q = scanQuoted(s, i, end);
    if (q >= 0) return q + 1;
  } else if (c === 123 || c === 91) {
    const b = scanBalanced(s, i, end);
    if (b > 0 && (b === end || s.charCodeAt(b) === 32)) return b;
  }
  const j = s.indexOf(' ', i);
  return j < 0 || j > end ? end : j;
}

/** Whether c may appear in a bare logfmt/slog key (letters, digits, `_`, `.`, `-`). */
export function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** Whether c may start a bare key (letter or `_`). */
export function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** End of a `key=` at i (index of the `=`), or -1 when s[i..] does not start with a bare key and `=`. */
export function keyEnd(s: string, i: number, end: number): number {
  if (!isKeyStart(s.charCodeAt(i))) return -1;
  let j = i + 1;
  while (j < end && isKeyChar(s.charCodeAt(j))) j++;
  return j < end && s.charCodeAt(j) === 61 ? j : -1;
}

// Pairs of the current trailing run (keys and values), reused across calls.
const runKeys: string[] = [];
const runValues: FieldValue[] = [];

/**
 * From k inside a token that is not a key=value pair, the index just past the token: the next
 * space, or `end`. A quoted part starting at k is skipped whole (it may hold spaces).
 */
export function skipToken(s: string, k: number, end: number): number {
  if (s.charCodeAt(k) === 34) {
    const q = scanQuoted(s, k, end);
    k = q < 0 ? end : q + 1;
  }
  const sp = s.indexOf(' ', k);
  return sp < 0 || sp > end ? end : sp;
}

/**
 * Finds the trailing run of `key=value` tokens in s[i, end) (as Go slog and klog print them) and
 * stores them into `fields` (without `fields`, only finds the run). Returns the index where the run
 * starts (end when there is none).
 * Single pass: pairs are decoded as they come and dropped when a non-pair token follows them.
 */
export function trailingPairs(s: string, i: number, end: number, fields: Record<string, FieldValue> | undefined): number {
  let runStart = end;
  let n = 0;
  const eq0 = s.indexOf('=', i);
  if (eq0 < 0 || eq0 >= end) return end; // no pair at all
  // Words before the token holding the first `=` cannot be pairs and only reset the run: when
  // none of them is quoted (so tokens are plain space-separated words), start at that token.
  let j = eq0;
  while (j > i && s.charCodeAt(j - 1) !== 32) j--; // (a short key: cheaper than lastIndexOf)
  // (A short stretch too: searched in place, not with indexOf, which would run on past `end`
  // when the line lies in a larger text.)
  for (let k = i; k < j; k++) {
    if (s.charCodeAt(k) === 34) {
      j = i;
      break;
    }
  }
  while (j < end) {
    while (j < end && s.charCodeAt(j) === 32) j++;
    if (j >= end) break;
    const eq = keyEnd(s, j, end);
    if (eq > 0 && eq + 1 < end && s.charCodeAt(eq + 1) !== 32) {
      let ve: number;
      if (fields === undefined) {
        ve = valueEnd(s, eq + 1, end);
      } else {
        scanValue(s, eq + 1, end);
        ve = V.end;
      }
      if (ve === end || s.charCodeAt(ve) === 32) {
        if (n === 0) runStart = j;
        if (fields !== undefined) {
          runKeys[n] = s.slice(j, eq);
          runValues[n] = V.value;
        }
        n++;
        j = ve;
        continue;
      }
    }
    // Not a pair: skip the token (a quoted one as a whole) and drop the run so far.
    n = 0;
    runStart = end;
    j = skipToken(s, j, end);
  }
  if (fields !== undefined) {
    for (let k = 0; k < n; k++) fields[runKeys[k]!] = runValues[k]!;
    runValues.length = 0; // release references to the values
  }
  return runStart;
}

/**
 * Decodes `key=value` pairs in s[i, end) into fields. With `quotedKeys`, keys may be quoted
 * (logr's klog sink: `"addr"=":8080"`) or any run of non-space, non-`=` characters. Tokens that
 * are not pairs are skipped. Never throws.
 */
export function pairs(s: string, i: number, end: number, fields: Record<string, FieldValue>, quotedKeys: boolean): void {
  let j = i;
  while (j < end) {
    let c = s.charCodeAt(j);
    while (c === 32 || c === 9) c = s.charCodeAt(++j);
    if (j >= end) return;
    let key: string;
    let k: number;
    if (c === 34 && quotedKeys) {
      const q = scanQuoted(s, j, end);
      if (q < 0) return;
      key = unquote(s, j + 1, q);
      k = q + 1;
    } else {
      k = j;
      while (k < end) {
        const d = s.charCodeAt(k);
        if (d === 61 || d === 32 || (d === 34 && !quotedKeys)) break;
        k++;
      }
      key = s.slice(j, k);
    }
    if (k >= end || s.charCodeAt(k) !== 61 || key === '') {
      j = skipToken(s, k, end); // not a pair
      continue;
    }
    if (k + 1 >= end) {
      fields[key] = '';
      return;
    }
    scanValue(s, k + 1, end);
    fields[key] = V.value;
    j = V.end;
  }
}

/** The mutable part of a LogEvent that format parsers fill in. */
export interface Parsed {
  time: number | undefined;
  /** True when `time` has whole-second precision only (a wrapper time in the same second is finer). */
  coarse: boolean;
  logger: string | undefined;
  caller: string | undefined;
  message: string;
  fields: Record<string, FieldValue>;
}

/** Parse context: the wrapper's time (epoch ms, NaN: none) and the year for times printed without one. */
export interface Ctx {
  wrapperTime: number;
  referenceYear: number;
}
