// Rust `tracing` (tracing-subscriber's default fmt layer), as kube-rs controllers write it:
// `2024-02-13T09:18:40.770253Z ERROR reconciling object{object.ref=Doc.v1.kube.rs/x.ns object.reason=object updated}: controller: msg key=value`
// — the level right-aligned to five columns, then the spans with their fields, the target, the
// message and the event's fields. Span and event fields become fields; kube-runtime's
// `object.ref` (`Kind.version.group/name.namespace`) also gives `name` and `namespace` when the
// line has none of its own.
import type { FieldValue } from '../../core/event.js';
import {
  L_DEBUG, L_ERROR, L_INFO, L_TRACE, L_WARN, T, isKeyChar, isKeyStart, typedBare, unquote,
  type Parsed,
} from '../util.js';
import { isoEnd, trimRight, stampedParsers } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'tracing';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/stackabletech/opa-operator/issues/521 (description): a kube-rs operator's
  // log as k9s showed it, cut at the terminal's width (the `│` is k9s's border).
  '2024-02-13T09:18:40.770253Z ERROR stackable_operator::logging::controller: Failed to reconcile objec │',
  // https://github.com/influxdata/sinker/pull/174 (description): a kube-rs controller's failing
  // reconcile, fields after the message (the error's Display unquoted).
  '2025-02-21T11:41:10.533585Z  WARN sinker::controller: reconcile failed name="06a8ee86-9e34-4ce7-ae6a-8a9745d3ddab-bvmqn-local-storage-clusterrolebinding-local-path-provisioner-bind" error=Kube Error: ApiError: the server could not find the requested resource: NotFound (ErrorResponse { status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", code: 404 })',
];

/** Scratch: stamp start (-1: none), level, where the spans/target/message part starts. */
const G = { stamp: -1, lvl: 0, rest: 0 };

/** Level of tracing's right-aligned level at i (`ERROR`, ` INFO`, …), returning the index after it, or -1. */
function levelAt(s: string, i: number, end: number): number {
  if (end - i < 6) return -1;
  let lvl: number;
  switch (s.slice(i, i + 5)) {
    case 'ERROR': lvl = L_ERROR; break;
    case 'DEBUG': lvl = L_DEBUG; break;
    case 'TRACE': lvl = L_TRACE; break;
    case ' INFO': lvl = L_INFO; break;
    case ' WARN': lvl = L_WARN; break;
    default: return -1;
  }
  const c = s.charCodeAt(i + 6);
  if (s.charCodeAt(i + 5) !== 32 || c === 32 || c === 9) return -1;
  G.lvl = lvl;
  return i + 6;
}

/**
 * End of a span's name at i — up to its `{` (names may hold spaces: kube-runtime's span is
 * `reconciling object`), at most 64 characters, no `:` before it — or -1.
 */
function spanName(s: string, i: number, end: number): number {
  const lim = Math.min(end, i + 65);
  for (let j = i; j < lim; j++) {
    const c = s.charCodeAt(j);
    if (c === 123) return j > i ? j : -1;
    if (c === 58 || c === 34 || c === 61) return -1;
  }
  return -1;
}

/** Whether s[i, end) starts with spans (`name{…}:`) or a target (`a::b: `): the shape after the level. */
function spanOrTarget(s: string, i: number, end: number): boolean {
  if (spanName(s, i, end) > 0) return true;
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 58) return j > i && (s.charCodeAt(j + 1) === 58 || s.charCodeAt(j + 1) === 32);
    if (!isKeyChar(c)) return false;
    j++;
  }
  return false;
}

/** Whether s[i, end) starts with a span (`name{`) or a `::` module path target. */
function spanOrPath(s: string, i: number, end: number): boolean {
  if (spanName(s, i, end) > 0) return true;
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 58) return j > i && s.charCodeAt(j + 1) === 58;
    if (!isKeyChar(c)) return false;
    j++;
  }
  return false;
}

/**
 * Level code of a tracing line at p, or -1. With its own time stamp, a span or a `target: `
 * must follow the level; a line that starts at its level (its stamp taken by a wrapper, which
 * leaves ` INFO` with its alignment space) needs a span or a `::` target, which prose lacks.
 */
export function detect(s: string, p: number, end: number): number {
  G.stamp = -1;
  let i = p;
  const j = isoEnd(s, p, end);
  if (j > 0) {
    if (s.charCodeAt(j) !== 32) return -1;
    G.stamp = p;
    i = j + 1;
  }
  const r = levelAt(s, i, end);
  if (r < 0) return -1;
  if (G.stamp >= 0 ? !spanOrTarget(s, r, end) : !spanOrPath(s, r, end)) return -1;
  G.rest = r;
  return G.lvl;
}

/** Adds the fields of a span's braces s[i, j) (`k=v k2=v with spaces`) to `fields`. */
function spanFields(s: string, i: number, j: number, fields: Record<string, FieldValue>): void {
  let k = i;
  while (k < j) {
    let e = k;
    while (e < j && s.charCodeAt(e) !== 61) e++;
    if (e >= j) return;
    const key = s.slice(k, e);
    // the value runs to the next ` key=` or the brace
    const v = e + 1;
    let next = j;
    for (let q = s.indexOf(' ', v); q >= 0 && q < j; q = s.indexOf(' ', q + 1)) {
      let r = q + 1;
      if (!isKeyStart(s.charCodeAt(r))) continue;
      while (r < j && isKeyChar(s.charCodeAt(r))) r++;
      if (r < j && s.charCodeAt(r) === 61) {
        next = q;
        break;
      }
    }
    const ve = next;
    if (s.charCodeAt(v) === 34 && s.charCodeAt(ve - 1) === 34 && ve - v >= 2) {
      fields[key] = unquote(s, v + 1, ve - 1);
    } else {
      fields[key] = ve > v ? typedBare(s, v, ve) : '';
    }
    k = next + 1;
  }
}

/** kube-runtime's ObjectRef display `Kind.version.group/name.namespace` → name and namespace, if missing. */
function objectRef(fields: Record<string, FieldValue>): void {
  const ref = fields['object.ref'];
  if (typeof ref !== 'string' || fields.name !== undefined) return;
  const slash = ref.indexOf('/');
  if (slash < 0) return;
  const rest = ref.slice(slash + 1);
  const dot = rest.lastIndexOf('.');
  if (dot > 0) {
    fields.name = rest.slice(0, dot);
    if (fields.namespace === undefined) fields.namespace = rest.slice(dot + 1);
  } else {
    fields.name = rest;
  }
}

/** Spans, target and message from G.rest; with `out`, fields and the target as logger. */
function body(s: string, end: number, out: Parsed | undefined): string {
  let i = G.rest;
  const e = trimRight(s, i, end);
  // spans: `name{fields}:` repeated, then a space
  for (;;) {
    let j = spanName(s, i, e);
    if (j < 0) {
      j = i;
      while (j < e && isKeyChar(s.charCodeAt(j))) j++;
    }
    if (j >= e) break;
    const c = s.charCodeAt(j);
    if (c === 123) {
      const close = s.indexOf('}', j);
      if (close < 0 || close >= e || s.charCodeAt(close + 1) !== 58) break;
      if (out !== undefined) spanFields(s, j + 1, close, out.fields);
      i = close + 2;
      if (s.charCodeAt(i) === 32) {
        i++;
        break;
      }
      continue;
    }
    if (c === 58 && s.charCodeAt(j + 1) !== 58 && s.charCodeAt(j + 1) !== 32 && j > i) {
      i = j + 1; // a span without fields, more follow
      continue;
    }
    break;
  }
  // target: `a::b: `
  let j = i;
  while (j < e) {
    const c = s.charCodeAt(j);
    if (c === 58 && s.charCodeAt(j + 1) === 58) {
      j += 2;
      continue;
    }
    if (!isKeyChar(c)) break;
    j++;
  }
  if (j > i && s.charCodeAt(j) === 58 && s.charCodeAt(j + 1) === 32) {
    if (out !== undefined) out.logger = s.slice(i, j);
    i = j + 2;
  }
  // the event's fields: from the first ` key=` on (values may hold spaces: tracing prints them
  // with Display, unquoted), as in a span's braces
  const run = fieldsStart(s, i, e);
  if (out !== undefined) {
    if (run < e) spanFields(s, run, e, out.fields);
    objectRef(out.fields);
  }
  return s.slice(i, trimRight(s, i, run));
}

/** Where the event's fields start in s[i, e): the first `key=` at a word start (i itself included), or e. */
function fieldsStart(s: string, i: number, e: number): number {
  for (let q = s.indexOf('=', i); q >= 0 && q < e; q = s.indexOf('=', q + 1)) {
    let k = q;
    while (k > i && isKeyChar(s.charCodeAt(k - 1))) k--;
    if (k < q && isKeyStart(s.charCodeAt(k)) && (k === i || s.charCodeAt(k - 1) === 32)) return k;
  }
  return e;
}

/** Parses a line detect() accepted, and the message it sets. */
export const { parse, message } = stampedParsers(detect, G, body);

/** Rust tracing, for the registry. */
export const format: LineFormat = {
  names: [name],
  // Before the space-aligned zap console (33) and the Java layouts (35), which a stamp, a level
  // and a word would also fit.
  priority: 32,
  first: (c) => (c >= 48 && c <= 57) || c === 32 || c === 69 || c === 68 || c === 84, // digits, space, E D T
  bounded: true,
  detect: (s, p, end) => detect(s, p, end),
  parse,
  message,
  samples,
};
