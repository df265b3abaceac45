// zap's console encoding after its tabs became spaces — copied from a terminal, pasted into an
// issue, or printed by a tool that expands tabs: `2019-06-27T10:45:49.713Z        INFO    cluster Reconciling Cluster     {"Request.Namespace": "default"}`,
// or with zap's epoch-seconds time as controller-runtime's development logger printed it before
// 0.15 (`1.6836474195594983e+09  ERROR   Reconciler error        {…}`).
// Reported as zap-console. Columns are told apart by the gaps a tab leaves: two or more spaces, or
// one space that ends on an 8-column tab stop counted from the start of the line (a prefix such as
// stern's `pod container ` was part of the line when the tabs were expanded). A single-space gap
// only separates a logger written in lower case (`cluster`, `controller.x`), never a message's first word.
import type { FieldValue } from '../../core/event.js';
import { isJsonObject } from '../json-scan.js';
import { L_UNKNOWN, T, epochToMs, isDigit, matchLevel, type Parsed } from '../util.js';
import { isCaller } from '../zap-console.js';
import { isoEnd, skipSpaces, trimRight, upperEnd, stampedParsers } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports (the same format as tab-separated zap console). */
export const name = 'zap-console';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/storageos/cluster-operator/pull/136 (review thread, darkowlzz, 2019-06-27).
  '2019-06-27T10:45:49.713Z        INFO    cluster Reconciling Cluster     {"Request.Namespace": "default", "Request.Name": "example-storageoscluster"}',
  // https://github.com/rhobs/observability-operator/pull/190 (comment by csibbitt, 2022-09-22).
  '2022-09-22T21:18:41Z    INFO    observability-operator  Reconciling monitoring stack    {"stack": "openshift-operators/sample-monitoring-stack"}                                         ',
  // https://github.com/kubernetes-sigs/controller-runtime/issues/2313 (description): zap's epoch-seconds time.
  '1.6836474195594983e+09  ERROR   Reconciler error        {"controller": "repository", "controllerGroup": "settings.github.com", "controllerKind": "Repository", "repository": {"name":"test-repo-delete","namespace":"default"}, "namespace": "default", "name": "test-repo-delete", "reconcileID": "f1038b55-0332-442f-885f-62acb053e3ae", "error": "failed to get repo: GET https://api.github.com/repos/delete: 401 Bad credentials []"}',
  // https://github.com/cosi-project/runtime/pull/389 (description): no time column.
  'ERROR   reconcile failed        {"controller": "QFailingController", "namespace": "q-fail-in", "type": "test/str", "id": "id1", "job": "reconcile", "error": "failing as requested", "interval": "373.67479ms", "busy": "29.626µs"}',
];

/** Scratch layout of the last detect() call (`epoch`: where an epoch-seconds time ends, else -1). */
const G = { stamp: -1, epoch: -1, lvl: L_UNKNOWN, cols: 0 };

/** Epoch ms of the years an epoch-seconds stamp may name (2000 to 2100): other numbers are not times. */
const EPOCH_FROM = Date.UTC(2000, 0, 1);
const EPOCH_TO = Date.UTC(2100, 0, 1);

/**
 * Index just past zap's epoch-seconds time at p (`1.6836474195594983e+09`, `1683647419.5594983`),
 * or -1: digits, a fraction, an exponent, naming a time between 2000 and 2100.
 */
function epochEnd(s: string, p: number, end: number): number {
  let k = p;
  while (k < end && isDigit(s.charCodeAt(k))) k++;
  if (k === p || k - p > 10 || s.charCodeAt(k) !== 46) return -1;
  k++;
  while (k < end && isDigit(s.charCodeAt(k))) k++;
  const e = s.charCodeAt(k);
  if (e === 101 || e === 69) {
    k++;
    if (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45) k++;
    const d = k;
    while (k < end && isDigit(s.charCodeAt(k))) k++;
    if (k === d) return -1;
  }
  if (k >= end || s.charCodeAt(k) !== 32) return -1;
  const t = epochToMs(Number(s.slice(p, k)));
  return t >= EPOCH_FROM && t < EPOCH_TO ? k : -1;
}

/** The level column at i: returns the index of the next column (after a gap of 2+ spaces), or -1. */
function levelAt(s: string, i: number, end: number): number {
  const k = upperEnd(s, i, end, 6);
  if (k < 0) return -1;
  const lvl = matchLevel(s, i, k);
  if (lvl === L_UNKNOWN) return -1;
  // The level column is a tab stop wide: INFO and WARN leave 4 spaces, ERROR 3, DPANIC 2 (a Java
  // layout's `%-5p` leaves one or two, and is no zap line).
  const n = skipSpaces(s, k, end);
  if (n < end && n - k < (k - i >= 6 ? 2 : 3)) return -1;
  G.lvl = lvl;
  return n;
}

/**
 * Level code of a space-aligned zap console line at p, or -1. Without its own time stamp, the
 * spaces a wrapper left of the stamp's tab (two or more) say enough; a line that starts right at
 * its level needs a second column gap: `LEVEL    logger  msg` or `LEVEL   msg   {json}`.
 */
export function detect(s: string, p: number, end: number): number {
  G.stamp = -1;
  G.epoch = -1;
  let i: number;
  const j = s.charCodeAt(p + 10) === 84 ? isoEnd(s, p, end) : -1; // zap's ISO 8601 has the `T`
  const k = j < 0 && isDigit(s.charCodeAt(p)) ? epochEnd(s, p, end) : -1;
  if (j > 0) {
    i = skipSpaces(s, j, end);
    if (i === j) return -1;
    G.stamp = p;
  } else if (k > 0) {
    i = skipSpaces(s, k, end);
    G.epoch = k;
  } else {
    i = skipSpaces(s, p, end);
  }
  const c = levelAt(s, i, end);
  if (c < 0 || c >= end) return -1;
  if (G.stamp < 0 && G.epoch < 0 && i - p < 2) {
    const g = s.indexOf('  ', c);
    if (g < 0 || g >= end) return -1;
  }
  G.cols = c;
  return G.lvl;
}

/** Whether the gap s[a, b) separates columns: 2+ spaces, or one space ending on a tab stop. */
function isBreak(a: number, b: number): boolean {
  return b - a >= 2 || (b & 7) === 0;
}

/** Whether s[i, j) can be a logger after a one-space gap: lower case, digits and `.-_/` only. */
function lowerName(s: string, i: number, j: number): boolean {
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 95 || c === 47)) return false;
  }
  return true;
}

/** The next column from i: its end and where the one after it starts (-1 when the line ends). */
const C = { end: 0, next: -1, wide: false };
function column(s: string, i: number, end: number): void {
  let g = s.indexOf(' ', i);
  if (g < 0 || g >= end) {
    C.end = end;
    C.next = -1;
    return;
  }
  const n = skipSpaces(s, g, end);
  C.end = g;
  C.next = n < end && isBreak(g, n) ? n : -1;
  C.wide = n - g >= 2;
}

/** Columns from G.cols: logger, caller, message and the JSON context. */
function body(s: string, end: number, out: Parsed | undefined): string {
  const e = trimRight(s, G.cols, end);
  let m = G.cols;
  column(s, m, e);
  if (C.next > 0) {
    if (isCaller(s, m, C.end)) {
      if (out !== undefined) out.caller = s.slice(m, C.end);
      m = C.next;
    } else if (C.wide || lowerName(s, m, C.end)) {
      const lg = m;
      const lgEnd = C.end;
      const after = C.next;
      column(s, after, e);
      if (isCaller(s, after, C.end) && (C.next > 0 || C.end === e)) {
        if (out !== undefined) out.caller = s.slice(after, C.end);
        m = C.next > 0 ? C.next : e;
      } else {
        m = after;
      }
      if (out !== undefined) out.logger = s.slice(lg, lgEnd);
    }
  }
  // trailing JSON context: the first ` {` whose rest is one JSON object
  if (s.charCodeAt(e - 1) === 125) {
    for (let b = s.indexOf(' {', m); b >= 0 && b < e; b = s.indexOf(' {', b + 2)) {
      if (!isJsonObject(s, b + 1, e)) continue;
      if (out !== undefined) {
        try {
          out.fields = JSON.parse(s.slice(b + 1, e)) as Record<string, FieldValue>;
        } catch {
          continue;
        }
      }
      return s.slice(m, trimRight(s, m, b));
    }
  }
  return s.slice(m, e);
}

const stamped = stampedParsers(detect, G, body);

/** Parses a line detect() accepted (with its epoch-seconds time, when it has one). */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  stamped.parse(s, p, end, out);
  if (G.epoch > 0) {
    const t = epochToMs(Number(s.slice(p, G.epoch)));
    if (!Number.isNaN(t)) out.time = t;
  }
}

/** The message parse() sets. */
export const message = stamped.message;

/** Space-aligned zap console, for the registry (reported as zap-console). */
export const format: LineFormat = {
  names: [name],
  priority: 33,
  first: (c) => (c >= 48 && c <= 57) || c === 32 || (c >= 65 && c <= 90),
  bounded: true,
  detect: (s, p, end) => detect(s, p, end),
  parse,
  message,
  samples,
};
