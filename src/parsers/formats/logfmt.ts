// logfmt lines (`key=value key2="quoted value"`), as written by go-kit/log (Prometheus), logrus text
// and slog's TextHandler. The well-known keys (time, level, message, logger, caller) are keys.ts's.
// This module is the pattern for a registered format: the module with its samples, and its test.
import type { FieldValue } from '../../core/event.js';
import { fromObject, LEVEL_KEYS, MESSAGE_KEYS } from '../keys.js';
import type { LineFormat } from '../registry.js';
import { L_UNKNOWN, V, isKeyStart, keyEnd, matchLevel, pairs, scanValue, skipToken, valueEnd, type Parsed } from '../util.js';

/** Real logfmt lines. */
export const samples: string[] = [
  // Prometheus 2.x server log (go-kit logfmt), as printed at startup (prometheus/prometheus main.go).
  'level=info ts=2020-08-02T04:56:51.414Z caller=main.go:805 msg="Loading configuration file" filename=/etc/prometheus/prometheus.yml',
  'level=info ts=2018-08-13T20:39:24.905651509Z caller=main.go:500 msg="Server is ready to receive web requests."',
  // Go standard library log/slog package documentation (pkg.go.dev/log/slog), TextHandler example.
  'time=2022-11-08T15:28:26.000-05:00 level=INFO msg=hello count=3',
];

/** Index of the value of a `name=` key in s[p, end) at a token start, or -1. */
function keyValue(s: string, p: number, end: number, name: string): number {
  let from = p;
  for (;;) {
    const k = s.indexOf(name, from);
    if (k < 0 || k >= end) return -1;
    if (k === p || s.charCodeAt(k - 1) === 32) return k + name.length;
    from = k + 1;
  }
}

/** `level=`, `lvl=`, `severity=`: where the level may be. */
const LEVEL_PREFIXES = LEVEL_KEYS.map((k) => `${k}=`);

/** Detects a logfmt line at p (it starts with `key=`); returns the level code or -1. */
export function detect(s: string, p: number, end: number): number {
  if (keyEnd(s, p, end) < 0) return -1;
  let v = -1;
  for (let k = 0; k < LEVEL_PREFIXES.length && v < 0; k++) v = keyValue(s, p, end, LEVEL_PREFIXES[k]!);
  if (v < 0) return L_UNKNOWN;
  let a = v;
  if (s.charCodeAt(a) === 34) a++;
  let k = a;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === 32 || c === 34) break;
    k++;
  }
  return matchLevel(s, a, k);
}

/** Parses a logfmt line at p. */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  const all: Record<string, FieldValue> = {};
  pairs(s, p, end, all, false);
  fromObject(all, out, true);
}

/** Per message key (keys.ts's MESSAGE_KEYS): the order it first appeared in (-1: not yet) and where its last value starts. */
const M_ORDER = new Int32Array(MESSAGE_KEYS.length);
const M_VALUE = new Int32Array(MESSAGE_KEYS.length);

/** Index in MESSAGE_KEYS of the key s[j, k), -1 if it is none. */
function messageKeyAt(s: string, j: number, k: number): number {
  for (let i = 0; i < MESSAGE_KEYS.length; i++) {
    const key = MESSAGE_KEYS[i]!;
    if (key.length === k - j && s.startsWith(key, j)) return i;
  }
  return -1;
}

/**
 * The message parse() sets, without building the fields: walks the pairs as util.pairs does
 * (unquoted keys) and decodes only the value of whichever message key of keys.ts appears first
 * (its last value, as the field map keeps it). Undefined when a `__proto__` key would make the
 * field map unusual: use parse() then.
 */
export function message(s: string, p: number, end: number): string | undefined {
  let order = 0;
  M_ORDER.fill(-1);
  let j = p;
  while (j < end) {
    let c = s.charCodeAt(j);
    while (c === 32 || c === 9) c = s.charCodeAt(++j);
    if (j >= end) break;
    let k = j;
    while (k < end) {
      const d = s.charCodeAt(k);
      if (d === 61 || d === 32 || d === 34) break;
      k++;
    }
    if (k >= end || s.charCodeAt(k) !== 61 || k === j) {
      j = skipToken(s, k, end); // not a pair
      continue;
    }
    if (k - j === 9 && s.startsWith('__proto__', j)) return undefined;
    const which = messageKeyAt(s, j, k);
    const v = k + 1 >= end ? -1 : k + 1; // -1: the empty value at the very end
    if (which >= 0) {
      if (M_ORDER[which]! < 0) M_ORDER[which] = order++;
      M_VALUE[which] = v;
    }
    if (v < 0) break;
    j = valueEnd(s, v, end);
  }
  let first = -1;
  for (let i = 0; i < MESSAGE_KEYS.length; i++) if (M_ORDER[i]! >= 0 && (first < 0 || M_ORDER[i]! < M_ORDER[first]!)) first = i;
  if (first < 0) return '';
  const v = M_VALUE[first]!;
  if (v < 0) return '';
  scanValue(s, v, end);
  const value = V.value;
  V.value = ''; // release the reference
  return typeof value === 'string' ? value : String(value);
}

/** logfmt, for the registry. */
export const format: LineFormat = {
  names: ['logfmt'],
  // After the formats with a fixed header: a klog line is no logfmt line.
  priority: 90,
  first: (c) => c < 128 && isKeyStart(c),
  // detect searches the line for `level=` with indexOf: it gets the line by itself.
  bounded: false,
  detect,
  parse: (s, p, end, out) => parse(s, p, end, out),
  message: (s, p, end) => message(s, p, end),
  samples,
};
