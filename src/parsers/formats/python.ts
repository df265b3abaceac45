// Python `logging` layouts, as Python operators and agents print them:
// - kopf:              `[2019-11-04 17:49:25,650] kopf.objects         [DEBUG   ] [default/kopf-example-1] Resuming …`
//                      (the `[namespace/name]` prefix also gives the fields namespace and name)
// - tornado/traitlets: `[I 2023-10-25 11:13:40.135 KubeController] Finished reconciling cluster …`
// - `%(asctime)s %(levelname)-8s %(name)s: %(message)s` (tuned): `2021-09-14 14:27:26,598 INFO     tuned.daemon.application: …`
// - `%(asctime)s - %(name)s - %(levelname)s - %(message)s`
// - basicConfig's default `%(levelname)s:%(name)s:%(message)s`: `WARNING:root:msg`
import { L_DEBUG, L_ERROR, L_FATAL, L_INFO, L_UNKNOWN, L_WARN, isDigit, matchLevel, type Parsed } from '../util.js';
import { isUpper, isoEnd, skipSpaces, trimRight, upperEnd, upperLevel, stampedParsers } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'python';

/** Real lines, as published. */
export const samples: string[] = [
  // nolar/kopf:docs/configuration.rst@e3b43241fbaffab7fd9dffd0d240322145ed7e8a (`kopf run -v --log-format=full`).
  '[2019-11-04 17:49:25,365] kopf.reactor.activit [INFO    ] Initial authentication has been initiated.',
  '[2019-11-04 17:49:25,650] kopf.objects         [DEBUG   ] [default/kopf-example-1] Resuming is in progress: ...',
  // https://github.com/dask/dask-gateway/pull/771 (description): dask-gateway's KubeController (traitlets).
  '[I 2023-10-25 11:13:50.178 KubeController] Cluster prod.b3a990d302d84720aae27404f6153ade scaled to 15 - creating 15 workers, deleting 0 stopped workers',
  // ../shared/real-data/must-gather-metal.tar.xz, namespaces/openshift-cluster-node-tuning-operator/pods/
  // tuned-bp2dz/tuned/tuned/logs/current.log (behind the kubelet's stamp).
  '2021-09-14T14:27:26.598207278Z 2021-09-14 14:27:26,598 INFO     tuned.daemon.application: dynamic tuning is globally disabled',
];

/** Scratch layout of the last shape() call. */
const G = { stamp: -1, lvl: L_UNKNOWN, name: -1, nameEnd: -1, msg: 0 };

/** tornado's one-letter levels. */
function letterLevel(c: number): number {
  switch (c) {
    case 68: return L_DEBUG;
    case 73: return L_INFO;
    case 87: return L_WARN;
    case 69: return L_ERROR;
    case 67: return L_FATAL;
    default: return L_UNKNOWN;
  }
}

/** End of a logger name (no spaces, not empty) at i, stopping at `stop` or a space; -1 if empty. */
function nameEnd(s: string, i: number, end: number, stop: number): number {
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === stop) break;
    j++;
  }
  return j > i ? j : -1;
}

function shape(s: string, p: number, end: number): boolean {
  G.stamp = -1;
  G.name = -1;
  const c = s.charCodeAt(p);
  if (c === 91) {
    if (isDigit(s.charCodeAt(p + 1))) {
      // kopf: `[date] name [LEVEL   ] msg`
      const j = isoEnd(s, p + 1, end);
      if (j < 0 || s.charCodeAt(j) !== 93 || s.charCodeAt(j + 1) !== 32) return false;
      const n = j + 2;
      const ne = nameEnd(s, n, end, 91);
      if (ne < 0) return false;
      const b = skipSpaces(s, ne, end);
      if (s.charCodeAt(b) !== 91) return false;
      const k = upperEnd(s, b + 1, end, 8);
      if (k < 0) return false;
      const lvl = upperLevel(s, b + 1, k);
      const close = skipSpaces(s, k, end);
      if (lvl === L_UNKNOWN || s.charCodeAt(close) !== 93) return false;
      G.stamp = p + 1;
      G.lvl = lvl;
      G.name = n;
      G.nameEnd = ne;
      G.msg = skipSpaces(s, close + 1, end);
      return true;
    }
    // tornado: `[L date name] msg`
    const lvl = letterLevel(s.charCodeAt(p + 1));
    if (lvl === L_UNKNOWN || s.charCodeAt(p + 2) !== 32) return false;
    const j = isoEnd(s, p + 3, end);
    if (j < 0 || s.charCodeAt(j) !== 32) return false;
    const ne = nameEnd(s, j + 1, end, 93);
    if (ne < 0 || s.charCodeAt(ne) !== 93) return false;
    G.stamp = p + 3;
    G.lvl = lvl;
    G.name = j + 1;
    G.nameEnd = ne;
    G.msg = skipSpaces(s, ne + 1, end);
    return true;
  }
  if (isUpper(c)) {
    // basicConfig: `LEVEL:name:msg`
    const k = upperEnd(s, p, end, 8);
    if (k < 0 || s.charCodeAt(k) !== 58) return false;
    const lvl = upperLevel(s, p, k);
    if (lvl === L_UNKNOWN) return false;
    const ne = nameEnd(s, k + 1, end, 58);
    if (ne < 0 || s.charCodeAt(ne) !== 58) return false;
    G.lvl = lvl;
    G.name = k + 1;
    G.nameEnd = ne;
    G.msg = ne + 1;
    return true;
  }
  const j = isoEnd(s, p, end);
  if (j < 0 || s.charCodeAt(j) !== 32) return false;
  G.stamp = p;
  if (s.charCodeAt(j + 1) === 45 && s.charCodeAt(j + 2) === 32) {
    // `date - name - LEVEL - msg`
    const n = j + 3;
    const ne = nameEnd(s, n, end, -1);
    if (ne < 0 || !s.startsWith(' - ', ne)) return false;
    const k = upperEnd(s, ne + 3, end, 8);
    if (k < 0 || !s.startsWith(' - ', k)) return false;
    const lvl = upperLevel(s, ne + 3, k);
    if (lvl === L_UNKNOWN) return false;
    G.lvl = lvl;
    G.name = n;
    G.nameEnd = ne;
    G.msg = k + 3;
    return true;
  }
  // `date LEVEL   name: msg`
  const k = upperEnd(s, j + 1, end, 8);
  if (k < 0 || s.charCodeAt(k) !== 32) return false;
  const lvl = matchLevel(s, j + 1, k);
  if (lvl === L_UNKNOWN) return false;
  const n = skipSpaces(s, k, end);
  const ne = nameEnd(s, n, end, -1);
  if (ne < 0 || s.charCodeAt(ne - 1) !== 58 || ne - 1 === n) return false;
  G.lvl = lvl;
  G.name = n;
  G.nameEnd = ne - 1;
  G.msg = skipSpaces(s, ne, end);
  return true;
}

/** Level code of a Python logging line at p, or -1. */
export function detect(s: string, p: number, end: number): number {
  return shape(s, p, end) ? G.lvl : -1;
}

/**
 * The message (kopf's `[namespace/name] ` prefix kept, as kopf prints it); with `out`, the
 * logger, and kopf's object as the fields namespace and name.
 */
function body(s: string, end: number, out: Parsed | undefined): string {
  const m = G.msg;
  const e = trimRight(s, m, end);
  if (out !== undefined) {
    if (G.name >= 0) out.logger = s.slice(G.name, G.nameEnd);
    if (s.charCodeAt(m) === 91 && s.startsWith('kopf', G.name)) {
      const c = s.indexOf('] ', m);
      if (c > m && c < e && c - m < 260 && s.lastIndexOf(' ', c) < m) {
        const slash = s.indexOf('/', m);
        if (slash > m && slash < c) {
          out.fields.namespace = s.slice(m + 1, slash);
          out.fields.name = s.slice(slash + 1, c);
        } else {
          out.fields.name = s.slice(m + 1, c);
        }
      }
    }
  }
  return s.slice(m, e);
}

/** Parses a line detect() accepted, and the message it sets. */
export const { parse, message } = stampedParsers(shape, G, body);

/** Python logging, for the registry. */
export const format: LineFormat = {
  names: [name],
  // Before log4j (35): `date LEVEL name: msg` is Python's, `date LEVEL Class:12 - msg` Java's.
  priority: 34,
  first: (c) => (c >= 48 && c <= 57) || c === 91 || (c >= 65 && c <= 90),
  bounded: true,
  detect,
  parse,
  message,
  samples,
};
