// Wrappers that runtimes and tools put in front of a log line: CRI (`<RFC3339Nano> stdout F `),
// a kubectl/Docker `--timestamps` RFC3339Nano prefix, a docker-compose `name  | ` prefix (which
// may itself hold a timestamp prefix, as `docker compose logs -t` prints) and the
// `[pod/NAME/CONTAINER] ` prefix of `kubectl logs --prefix` (followed by a timestamp with
// `--timestamps`).
import { isDigit } from './util.js';

/** Wrapper codes (index into WRAPPERS). */
export const W_CRI = 0;
export const W_TIMESTAMP = 1;
export const W_COMPOSE = 2;
export const W_NONE = 3;
export const W_KUBECTL = 4;

/** Real wrapped lines, one per wrapper kind. */
export const samples: string[] = [
  // kubernetes/kubernetes pkg/kubelet/kuberuntime/logs/logs.go, CRI format comment.
  '2016-10-06T00:17:09.669794202Z stdout P log content 1',
  '2016-10-06T00:17:09.669794203Z stderr F log content 2',
  // ../shared/real-data/acexy/degradation.log line 1 (Docker --timestamps prefix).
  '2025-11-02T10:32:57.784730516Z 2025/11/02 10:32:57 INFO Orchestrator integration enabled url=http://orchestrator:8000 max_streams_per_engine=2',
  // ../shared/real-data/acexy/log_sample.txt line 4 (docker-compose prefix + timestamps).
  'acexy  | 2025-10-12T22:34:39.725934485Z 2025/10/12 22:34:39 INFO Starting server addr=:8080',
  // ../shared/real-data/wva/controller-baseline.log line 1 (kubelet prefix + zap console).
  '2026-08-07T20:20:19.281752804Z 2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:159\tLogger initialized',
  // kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go writes
  // fmt.Sprintf("[pod/%s/%s] ", pod, container) before every line with --prefix; here in front of
  // the wva line above, as `kubectl logs --prefix --timestamps` prints it.
  '[pod/wva-controller-7c9d8f6b5-x2k4p/manager] 2026-08-07T20:20:19.281752804Z 2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:159\tLogger initialized',
];

/**
 * Scratch result of the last scanWrapper call: wrapper kind, where the inner line starts, the
 * prefix timestamp's start (-1 if none), where the origin name (compose service, or kubectl's
 * `pod/container`) starts and ends (-1 if none), and whether a CRI line is a partial (`P`) one.
 * One instance, reused: read it right after the call.
 */
export const wrap = { kind: W_NONE, start: 0, tsStart: -1, nameStart: 0, nameEnd: -1, partial: false };

/**
 * Index just past an RFC 3339 timestamp at i that is followed by a space (the space is
 * consumed), or -1. Only the shape is checked here; parseIso validates the digits.
 */
export function rfc3339Prefix(s: string, i: number, end: number): number {
  if (
    s.charCodeAt(i + 4) !== 45 ||
    s.charCodeAt(i + 7) !== 45 ||
    s.charCodeAt(i + 10) !== 84 ||
    s.charCodeAt(i + 13) !== 58 ||
    s.charCodeAt(i + 16) !== 58 ||
    !isDigit(s.charCodeAt(i + 1)) ||
    !isDigit(s.charCodeAt(i + 18))
  ) {
    return -1;
  }
  let j = i + 19;
  let c = s.charCodeAt(j);
  if (c === 46) {
    c = s.charCodeAt(++j);
    while (c >= 48 && c <= 57) c = s.charCodeAt(++j);
  }
  if (c === 90) {
    c = s.charCodeAt(++j);
  } else if (c === 43 || c === 45) {
    j += 6; // ±hh:mm
    c = s.charCodeAt(j);
  }
  if (c !== 32 || j >= end) return -1;
  return j + 1;
}

/** After a timestamp ending at q: CRI stream and tag (`stdout F `), returning the inner start or -1. */
function criTag(s: string, q: number, end: number): number {
  if (end - q < 8 || s.charCodeAt(q) !== 115 || s.charCodeAt(q + 6) !== 32) return -1; // 's'
  if (!(s.startsWith('stdout', q) || s.startsWith('stderr', q))) return -1;
  const tag = s.charCodeAt(q + 7);
  if (tag !== 70 && tag !== 80) return -1; // F | P
  const after = q + 8;
  if (after === end) {
    wrap.partial = tag === 80;
    return end;
  }
  if (s.charCodeAt(after) !== 32) return -1;
  wrap.partial = tag === 80;
  return after + 1;
}

/** Whether c may appear in a compose service name. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
}

/**
 * Detects the wrapper of the line s[start, end), fills `wrap`, and returns the inner line's start.
 * Reads nothing at or past `end` that could change the answer, so the line may be part of a larger
 * text (the line stage classifies lines where they lie, without slicing them out).
 */
export function scanWrapper(s: string, start: number, end: number): number {
  wrap.kind = W_NONE;
  wrap.tsStart = -1;
  wrap.nameStart = start;
  wrap.nameEnd = -1;
  wrap.partial = false;
  let p = start;
  const c0 = s.charCodeAt(start);
  if (c0 === 91) {
    // kubectl logs --prefix: `[pod/NAME/CONTAINER] rest`
    if (!s.startsWith('[pod/', start)) return (wrap.start = start);
    const close = prefixClose(s, start + 5, Math.min(end - 2, start + 320));
    if (close < 0 || s.lastIndexOf('/', close) <= start + 5) return (wrap.start = start);
    wrap.kind = W_KUBECTL;
    wrap.nameStart = start + 5;
    wrap.nameEnd = close;
    p = close + 2;
    if (p >= end || !isDigit(s.charCodeAt(p))) return (wrap.start = p);
  } else if (!isDigit(c0)) {
    // docker-compose: `name  | rest`
    if (!isNameChar(c0)) return (wrap.start = start);
    let j = start + 1;
    while (j < end && j < start + 80 && isNameChar(s.charCodeAt(j))) j++;
    if (j >= end || s.charCodeAt(j) !== 32) return (wrap.start = start);
    const nameEnd = j;
    while (j < end && s.charCodeAt(j) === 32) j++;
    if (j >= end || s.charCodeAt(j) !== 124) return (wrap.start = start);
    j++;
    if (j < end) {
      if (s.charCodeAt(j) !== 32) return (wrap.start = start);
      j++;
    }
    wrap.kind = W_COMPOSE;
    wrap.nameEnd = nameEnd;
    p = j;
    if (p >= end || !isDigit(s.charCodeAt(p))) return (wrap.start = p);
  }
  const q = rfc3339Prefix(s, p, end);
  if (q < 0) return (wrap.start = p);
  wrap.tsStart = p;
  if (wrap.kind === W_NONE) {
    const cri = criTag(s, q, end);
    if (cri >= 0) {
      wrap.kind = W_CRI;
      return (wrap.start = cri);
    }
    wrap.kind = W_TIMESTAMP;
  }
  return (wrap.start = q);
}

/** The first `] ` at i..last (inclusive), or -1: where a `[pod/…/…] ` prefix closes. */
function prefixClose(s: string, i: number, last: number): number {
  for (; i <= last; i++) if (s.charCodeAt(i) === 93 && s.charCodeAt(i + 1) === 32) return i;
  return -1;
}
