// zerolog's ConsoleWriter (Go): `2021-08-19T13:31:30Z ERR workspace/controllers/logging/logr.go:60 > gslb: Reconciler error … error="…"`
// — a three-letter level (TRC, DBG, INF, WRN, ERR, FTL, PNC), the caller before ` > ` when
// enabled, the message, then `key=value` fields. The time is RFC 3339 (or taken by the wrapper),
// or zerolog's default kitchen clock (`3:04PM`), which has no date and gives no time.
import type { FieldValue } from '../../core/event.js';
import { isJsonObject } from '../json-scan.js';
import type { LineFormat } from '../registry.js';
import {
  L_DEBUG, L_ERROR, L_FATAL, L_INFO, L_TRACE, L_WARN, T, isDigit, trailingPairs, type Parsed,
} from '../util.js';
import { isoEnd, trimRight, stampedParsers } from '../stamp.js';
import { isCaller } from '../zap-console.js';

/** Format name in reports. */
export const name = 'zerolog';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/k8gb-io/k8gb/issues/566 (description), behind stern's `pod container`.
  'k8gb-56c6795669-8l4kn k8gb 2021-08-19T13:31:30Z ERR workspace/controllers/logging/logr.go:60 > gslb: Reconciler error {"name":"test-gslb-failover","namespace":"test-gslb","reconciler group":"k8gb.absa.oss","reconciler kind":"Gslb"} error="Operation cannot be fulfilled on gslbs.k8gb.absa.oss \\"test-gslb-failover\\": the object has been modified; please apply your changes to the latest version and try again"',
];

const G = { stamp: -1, msg: 0 };

function level3(s: string, i: number): number {
  switch (s.slice(i, i + 3)) {
    case 'INF': return L_INFO;
    case 'WRN': return L_WARN;
    case 'ERR': return L_ERROR;
    case 'DBG': return L_DEBUG;
    case 'TRC': return L_TRACE;
    case 'FTL':
    case 'PNC': return L_FATAL;
    default: return -1;
  }
}

/** Kitchen time `3:04PM ` / `12:04AM ` at i: the index after its space, or -1. */
function kitchenEnd(s: string, i: number, end: number): number {
  let j = i;
  while (j < end && j < i + 2 && isDigit(s.charCodeAt(j))) j++;
  if (j === i || s.charCodeAt(j) !== 58 || !isDigit(s.charCodeAt(j + 1)) || !isDigit(s.charCodeAt(j + 2))) return -1;
  const a = s.charCodeAt(j + 3);
  if ((a !== 65 && a !== 80) || s.charCodeAt(j + 4) !== 77 || s.charCodeAt(j + 5) !== 32) return -1;
  return j + 6;
}

/**
 * Level code of a zerolog console line at p, or -1. A line that starts at its level (its time
 * taken by a wrapper) needs the caller column, which a word of prose lacks.
 */
export function detect(s: string, p: number, end: number): number {
  G.stamp = -1;
  let i = p;
  if (isDigit(s.charCodeAt(p))) {
    const j = s.charCodeAt(p + 10) === 84 ? isoEnd(s, p, end) : -1; // RFC 3339, with its `T`
    if (j > 0) {
      if (s.charCodeAt(j) !== 32) return -1;
      G.stamp = p;
      i = j + 1;
    } else {
      i = kitchenEnd(s, p, end);
      if (i < 0) return -1;
    }
  }
  if (end - i < 5 || s.charCodeAt(i + 3) !== 32) return -1;
  const lvl = level3(s, i);
  if (lvl < 0) return -1;
  G.msg = i + 4;
  if (i === p) {
    // no time of its own (a wrapper took it): the caller column `file.go:12 > ` must follow
    const gt = s.indexOf(' > ', G.msg);
    if (gt < 0 || gt >= end || !isCaller(s, G.msg, gt)) return -1;
  }
  return lvl;
}

function body(s: string, end: number, out: Parsed | undefined): string {
  let m = G.msg;
  const e = trimRight(s, m, end);
  const gt = s.indexOf(' > ', m);
  if (gt > m && gt < e && isCaller(s, m, gt)) {
    if (out !== undefined) out.caller = s.slice(m, gt);
    m = gt + 3;
  }
  const eq = s.indexOf('=', m);
  const run = eq >= 0 && eq < e ? trailingPairs(s, m, e, out?.fields) : e;
  let me = trimRight(s, m, run);
  // logr's key/value pairs, written by zerologr as one JSON object after the message
  if (s.charCodeAt(me - 1) === 125) {
    const b = s.indexOf(' {"', m);
    if (b > m && isJsonObject(s, b + 1, me)) {
      if (out !== undefined) Object.assign(out.fields, JSON.parse(s.slice(b + 1, me)) as Record<string, FieldValue>);
      me = b;
    }
  }
  return s.slice(m, me);
}

/** Parses a line detect() accepted, and the message it sets. */
export const { parse, message } = stampedParsers(detect, G, body);

/** zerolog console, for the registry. */
export const format: LineFormat = {
  names: [name],
  priority: 34,
  first: (c) => (c >= 48 && c <= 57) || c === 73 || c === 87 || c === 69 || c === 68 || c === 84 || c === 70 || c === 80,
  bounded: true,
  detect: (s, p, end) => detect(s, p, end),
  parse,
  message,
  samples,
};
