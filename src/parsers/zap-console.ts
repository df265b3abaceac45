// controller-runtime / zap console encoding: `ts<TAB>LEVEL<TAB>[logger<TAB>][caller<TAB>]msg[<TAB>{json}]`.
// The timestamp is ISO 8601 (any precision) or zap's epoch-seconds float.
import type { FieldValue } from '../core/event.js';
import { isJsonObject } from './json-scan.js';
import type { LineFormat } from './registry.js';
import { L_UNKNOWN, T, epochToMs, isDigit, matchLevel, parseIso, type Parsed } from './util.js';

/** Real zap console lines. */
export const samples: string[] = [
  // ../shared/real-data/wva/controller-baseline.log (inside its kubelet prefix): logger + caller + fields.
  '2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:345\tWatching single namespace\t{"namespace": "dhl-wva-209"}',
  // same file: no logger column.
  '2026-08-07T20:20:19Z\tINFO\tconfig/loader.go:131\tLoaded config from file\t{"path": "/etc/wva/config.yaml"}',
  '2026-08-07T20:20:19Z\tDEBUG\tsetup\tcontroller/configmap_bootstrap.go:126\tBootstrap ConfigMap not found, continuing with defaults\t{"name": "wva-model-scale-to-zero-config", "namespace": "dhl-wva-209"}',
  // ../shared/real-data/must-gather-aws .../ingress-operator/logs/current.log (millisecond ts).
  '2021-08-03T09:24:50.267Z\tINFO\toperator.init.controller-runtime.manager.controller.certificate_controller\tcontroller/controller.go:221\tStarting workers\t{"worker count": 1}',
];

/** Detects `ts<TAB>LEVEL<TAB>` at p; returns the level code or -1. */
export function detect(s: string, p: number, end: number): number {
  if (!isDigit(s.charCodeAt(p))) return -1;
  // The time column ends at a tab within 40 characters (searched within the line only).
  let j = p + 1;
  const jlim = Math.min(end, p + 41);
  while (j < jlim && s.charCodeAt(j) !== 9) j++;
  if (j >= jlim) return -1;
  if (p + 4 < end && s.charCodeAt(p + 4) === 45) {
    // ISO 8601: date and time separators where they belong
    if (end - p < 14 || s.charCodeAt(p + 7) !== 45 || s.charCodeAt(p + 13) !== 58) return -1;
  } else {
    // epoch seconds: digits . e E + -
    for (let k = p + 1; k < j; k++) {
      const c = s.charCodeAt(k);
      if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return -1;
    }
  }
  const a = j + 1;
  let k = a;
  const klim = Math.min(end, a + 12);
  while (k < klim && s.charCodeAt(k) !== 9) k++;
  if (k >= end || s.charCodeAt(k) !== 9) return -1;
  const lvl = matchLevel(s, a, k);
  if (lvl === L_UNKNOWN) return -1;
  return lvl;
}

/** Whether s[i, j) looks like a caller (`dir/file.go:123`): no spaces, ends in `:digits`. */
export function isCaller(s: string, i: number, j: number): boolean {
  if (j - i < 3 || !isDigit(s.charCodeAt(j - 1))) return false;
  let k = j - 1;
  while (k > i && isDigit(s.charCodeAt(k))) k--;
  if (s.charCodeAt(k) !== 58 || k === i) return false;
  const sp = s.indexOf(' ', i);
  return sp < 0 || sp >= k;
}

/** Parses zap's trailing JSON context into fields (left empty if it is not an object). */
function jsonFields(s: string, i: number, end: number, out: Parsed): boolean {
  try {
    const v = JSON.parse(s.slice(i, end)) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.fields = v as Record<string, FieldValue>;
      return true;
    }
  } catch {
    // not JSON: stays part of the message
  }
  return false;
}

/** Whether s[i, end) is a JSON object: parsed into out.fields with `out`, else only checked. */
function objectAt(s: string, i: number, end: number, out: Parsed | undefined): boolean {
  return out === undefined ? isJsonObject(s, i, end) : jsonFields(s, i, end, out);
}

/**
 * The columns after `ts<TAB>LEVEL<TAB>` (t1: the first tab): returns the message, and with `out`
 * also sets the logger, caller and fields.
 */
function columns(s: string, t1: number, end: number, out: Parsed | undefined): string {
  const t2 = s.indexOf('\t', t1 + 1);
  const a = t2 + 1;
  let t3 = s.indexOf('\t', a);
  if (t3 < 0 || t3 > end) t3 = -1;
  let m: number; // start of the message column
  if (t3 < 0) return s.slice(a, end);
  if (isCaller(s, a, t3)) {
    if (out !== undefined) out.caller = s.slice(a, t3);
    m = t3 + 1;
  } else {
    let t4 = s.indexOf('\t', t3 + 1);
    if (t4 > end) t4 = -1;
    const bEnd = t4 < 0 ? end : t4;
    if (isCaller(s, t3 + 1, bEnd)) {
      if (out !== undefined) {
        out.logger = s.slice(a, t3);
        out.caller = s.slice(t3 + 1, bEnd);
      }
      if (t4 < 0) return '';
      m = t4 + 1;
    } else if (t4 < 0 && s.charCodeAt(t3 + 1) === 123 && objectAt(s, t3 + 1, end, out)) {
      return s.slice(a, t3); // ts LEVEL msg {json}
    } else {
      if (out !== undefined) out.logger = s.slice(a, t3);
      m = t3 + 1;
    }
  }
  // The last tab at or after m (forward: V8's lastIndexOf is a slow runtime call); -1 if none.
  let lt = -1;
  for (let k = s.indexOf('\t', m); k >= 0 && k < end; k = s.indexOf('\t', k + 1)) lt = k;
  if (lt >= m && s.charCodeAt(lt + 1) === 123 && s.charCodeAt(end - 1) === 125 && objectAt(s, lt + 1, end, out)) {
    return s.slice(m, lt);
  }
  return s.slice(m, end);
}

/** Parses a zap console line starting at p. */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  const t1 = s.indexOf('\t', p);
  let t: number;
  if (s.charCodeAt(p + 4) === 45) {
    t = parseIso(s, p);
    out.coarse = !T.frac;
  } else {
    t = epochToMs(Number(s.slice(p, t1)));
  }
  out.time = Number.isNaN(t) ? undefined : t;
  out.message = columns(s, t1, end, out);
}

/** The message parse() sets, without the time, logger, caller or fields. */
export function message(s: string, p: number, end: number): string {
  return columns(s, s.indexOf('\t', p), end, undefined);
}

/** zap console, for the registry. */
export const format: LineFormat = {
  names: ['zap-console'],
  priority: 20,
  first: (c) => c >= 48 && c <= 57,
  bounded: true,
  detect,
  parse: (s, p, end, out) => parse(s, p, end, out),
  message: (s, p, end) => message(s, p, end),
  samples,
};
