// A pod name in brackets in front of each line, as kubetail and similar multi-pod tailers print
// merged logs: `[POD] <line>`, or `[POD CONTAINER] <line>` when a pod has several containers. The
// line behind it is read in its own format.
//
// kubetail (johanhaleby/kubetail:kubetail@f6b550e22bfc5b04610c55f737bf5d1654307740) writes every
// line as "${color_start}[${display_name}] $line ${color_end}" (`-k line`, the default) or
// "${color_start}[${display_name}]${color_end} $line" (`-k pod`), where color_start is `tput setaf
// N` (`ESC[3Nm`, `ESC[9Nm`, `ESC[38;5;Nm`) or `tput sgr0` and color_end is `tput sgr0`
// (`ESC(B ESC[m`) — even with `-k false`. A terminal shows the colours and a copy from it loses
// them (kubetail's own issue #13 quotes `[foo-221420571-tatcd] 64 bytes from …` after a "(red)"
// note); output redirected to a file keeps them. Both are read: the escape sequences before and
// after the name, and the ` ESC(B ESC[m` kubetail appends to the line, are left out of the inner
// line (which is then handed on as a replacement text, with `kubectl logs --timestamps`' time
// read here).
//
// The prefix is taken only when the name looks like a pod's — lower-case DNS characters with a
// `-` — and either ends like a generated one (`-abc12` of a ReplicaSet, DaemonSet or Job pod, or
// a StatefulSet's `-0`) or is followed by the start of a log record (a time stamp, a klog header,
// a JSON record): `[INFO] …`, `[2024-01-01 …] …` and `[ns/name] …` are other formats' lines.
import type { LineWrapper, WrapState } from '../registry.js';
import { isDigit, parseIso } from '../util.js';
import { isoEnd, slashEnd } from '../stamp.js';

const ESC = 27;

/** Whether c may appear in a pod or container name (DNS-1123: lower case, digits, `-`, `.`). */
function isDnsChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Index after the terminal escape sequence at i (`ESC[…m` or `ESC(B`), or -1. */
function escEnd(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== ESC) return -1;
  const c = s.charCodeAt(i + 1);
  if (c === 40) return i + 2 < end && s.charCodeAt(i + 2) === 66 ? i + 3 : -1; // ESC ( B
  if (c !== 91) return -1;
  let j = i + 2;
  const lim = Math.min(end, i + 20);
  while (j < lim && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 59)) j++;
  return j < end && s.charCodeAt(j) === 109 ? j + 1 : -1; // m
}

/** Index after the run of escape sequences at i (i itself when there is none). */
function skipEscapes(s: string, i: number, end: number): number {
  for (let j = escEnd(s, i, end); j >= 0; j = escEnd(s, i, end)) i = j;
  return i;
}

/** End of a DNS name at i (at most 253 characters), or i when there is none. */
function nameEnd(s: string, i: number, end: number): number {
  let j = i;
  const lim = Math.min(end, i + 253);
  while (j < lim && isDnsChar(s.charCodeAt(j))) j++;
  return j;
}

/** Whether c is in the alphabet of the random suffixes Kubernetes gives pods (no vowels, no 0, 1, 3). */
function isSuffixChar(c: number): boolean {
  return (c >= 98 && c <= 122 && c !== 101 && c !== 105 && c !== 111 && c !== 117 && c !== 121) || c === 50 || (c >= 52 && c <= 57 && c !== 51);
}

/** Whether s[a, b) holds a letter or digit run that has a digit (a pod-template hash). */
function hashLike(s: string, a: number, b: number): boolean {
  if (b - a < 5 || b - a > 10) return false;
  let digit = false;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c)) digit = true;
    else if (c < 97 || c > 122) return false;
  }
  return digit;
}

/**
 * Whether s[i, j) ends like a generated pod name: a random 5-character suffix (`-x2k4p`; before
 * Kubernetes 1.8 the suffix could hold vowels, then after a pod-template hash: `-221420571-tatcd`),
 * or a StatefulSet's ordinal (`-0`).
 */
function generated(s: string, i: number, j: number): boolean {
  const dash = s.lastIndexOf('-', j - 1);
  if (dash < i || dash === j - 1) return false;
  const len = j - dash - 1;
  if (len === 5) {
    let random = true;
    for (let k = dash + 1; k < j; k++) {
      const c = s.charCodeAt(k);
      if (!(c >= 97 && c <= 122) && !isDigit(c)) return false;
      if (!isSuffixChar(c)) random = false;
    }
    if (random) return true;
    const prev = s.lastIndexOf('-', dash - 1);
    return prev >= i && hashLike(s, prev + 1, dash);
  }
  for (let k = dash + 1; k < j; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return len <= 5;
}

/**
 * Whether s[i..] starts a log record: an RFC 3339 or Go `log` time stamp, zap's epoch-seconds
 * time before a tab, a klog header `Lmmdd hh:`, or `{"`.
 */
function startsRecord(s: string, i: number, end: number): boolean {
  if (i >= end) return false;
  const c = s.charCodeAt(i);
  if (c === 123) return s.charCodeAt(i + 1) === 34;
  if (isDigit(c)) return (s.charCodeAt(i + 10) === 84 && isoEnd(s, i, end) > 0) || slashEnd(s, i, end) > 0 || epochTab(s, i, end);
  return (c === 73 || c === 87 || c === 69 || c === 70) && end - i > 9 && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 4)) && s.charCodeAt(i + 5) === 32 && s.charCodeAt(i + 8) === 58;
}

/** Whether s[i..] is zap's epoch-seconds time (`1.7277880458479142e+09`, `1625968332.269727`) and a tab. */
function epochTab(s: string, i: number, end: number): boolean {
  let k = i;
  const lim = Math.min(end, i + 26);
  while (k < lim && isDigit(s.charCodeAt(k))) k++;
  if (k === i || s.charCodeAt(k) !== 46) return false;
  for (k++; k < lim; k++) {
    const c = s.charCodeAt(k);
    if (c === 9) return true;
    if (!(isDigit(c) || c === 101 || c === 43 || c === 45)) return false; // digits, e, +, -
  }
  return false;
}

/** Where the escape sequences (and the space before them) that end the line start, or end. */
function trailingEscapes(s: string, from: number, end: number): number {
  let e = end;
  for (;;) {
    const c = s.charCodeAt(e - 1);
    if (c !== 109 && c !== 66) break; // m | B
    const k = s.lastIndexOf('\x1b', e - 1);
    if (k < from || escEnd(s, k, e) !== e) break;
    e = k;
  }
  if (e < end && e > from && s.charCodeAt(e - 1) === 32) e--;
  return e;
}

/** `[pod] <line>`, `[pod container] <line>`, with or without kubetail's colours. */
export const wrapper: LineWrapper = {
  name: 'pod-bracket',
  // After `kubectl logs --prefix`'s `[pod/…/…] ` (40).
  priority: 45,
  first: (c) => c === 91 || c === ESC,
  scan(s: string, p: number, end: number, w: WrapState): number {
    const open = s.charCodeAt(p) === ESC ? skipEscapes(s, p, end) : p;
    if (s.charCodeAt(open) !== 91) return -1;
    const n = open + 1;
    const pod = nameEnd(s, n, end);
    if (pod === n || s.indexOf('-', n) >= pod || s.indexOf('-', n) < 0) return -1;
    if (s.charCodeAt(n) === 45 || s.charCodeAt(pod - 1) === 45) return -1;
    let close = pod;
    if (s.charCodeAt(close) === 32) {
      // kubetail's `pod container` when the pod has several containers
      const c = nameEnd(s, close + 1, end);
      if (c === close + 1) return -1;
      close = c;
    }
    if (s.charCodeAt(close) !== 93) return -1;
    let q = skipEscapes(s, close + 1, end);
    if (q >= end || s.charCodeAt(q) !== 32) return -1;
    q++;
    if (!generated(s, n, pod) && !startsRecord(s, q, end)) return -1;
    w.nameStart = n;
    w.nameEnd = pod;
    if (open === p) return q;
    // Coloured: the line goes on without kubetail's trailing ` ESC(B ESC[m`.
    const e = trailingEscapes(s, q, end);
    if (e === end) return q;
    const text = s.slice(q, e);
    const ts = isoEnd(text, 0, text.length);
    if (ts > 0 && text.charCodeAt(10) === 84 && text.charCodeAt(ts) === 32) {
      // `kubetail --timestamps`: kubectl's RFC 3339 time, then the line
      w.tsText = text;
      w.tsStart = 0;
      w.text = text;
      return ts + 1;
    }
    w.text = text;
    return 0;
  },
  time: (s, i) => parseIso(s, i),
  samples: [
    // kubetail's prefix (johanhaleby/kubetail:kubetail@f6b550e22bfc5b04610c55f737bf5d1654307740,
    // `[${display_name}] $line`, colours lost in a copy from the terminal) in front of the line
    // ../shared/real-data/must-gather-aws holds for that pod (namespaces/openshift-machine-api/pods/
    // cluster-baremetal-operator-69b68965d9-mv6ql/…/current.log line 4, without the kubelet's
    // time, as `kubectl logs` prints it).
    '[cluster-baremetal-operator-69b68965d9-mv6ql] I0803 09:21:12.576766       1 main.go:133] starting manager',
    // The same with `kubetail --timestamps` (namespaces/openshift-ingress-operator/pods/
    // ingress-operator-7b85cd998b-f4lj9/…/current.log line 1).
    '[ingress-operator-7b85cd998b-f4lj9] 2021-08-03T09:24:28.537018571Z 2021-08-03T09:24:28.536Z\tINFO\toperator.main\tingress-operator/start.go:63\tusing operator namespace\t{"namespace": "openshift-ingress-operator"}',
    // The same line as kubetail writes it to a file for a pod of two containers (`tput setaf 1`
    // and `tput sgr0` of xterm-256color, which kubetail sets).
    '\x1b[31m[ingress-operator-7b85cd998b-f4lj9 ingress-operator] 2021-08-03T09:24:28.537018571Z 2021-08-03T09:24:28.536Z\tINFO\toperator.main\tingress-operator/start.go:63\tusing operator namespace\t{"namespace": "openshift-ingress-operator"} \x1b(B\x1b[m',
  ],
};
