// Wrappers that runtimes and tools put in front of a log line: CRI (`<RFC3339Nano> stdout F `),
// a kubectl/Docker `--timestamps` RFC3339Nano prefix, a docker-compose `name  | ` prefix (which
// may itself hold a timestamp prefix, as `docker compose logs -t` prints) and the
// `[pod/NAME/CONTAINER] ` prefix of `kubectl logs --prefix` (followed by a timestamp with
// `--timestamps`). Each is a LineWrapper of the registry (registry.ts); they nest.
import type { LineWrapper, WrapState } from './registry.js';
import { isDigit, parseIso } from './util.js';

/**
 * Index just past an RFC 3339 timestamp at i that is followed by a space (the space is
 * consumed), or -1. Only the shape is checked here; parseIso validates the digits. The zone may
 * be `Z`, `±hh:mm` or `±hhmm` (journalctl's short-iso).
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
    j += s.charCodeAt(j + 3) === 58 ? 6 : 5; // ±hh:mm | ±hhmm
    c = s.charCodeAt(j);
  }
  if (c !== 32 || j >= end) return -1;
  return j + 1;
}

function isoTime(s: string, i: number): number {
  return parseIso(s, i);
}

/** After a timestamp ending at q: CRI stream and tag (`stdout F `), returning the inner start or -1. */
export function criTag(s: string, q: number, end: number, w: WrapState): number {
  if (end - q < 8 || s.charCodeAt(q) !== 115 || s.charCodeAt(q + 6) !== 32) return -1; // 's'
  if (!(s.startsWith('stdout', q) || s.startsWith('stderr', q))) return -1;
  const tag = s.charCodeAt(q + 7);
  if (tag !== 70 && tag !== 80) return -1; // F | P
  const after = q + 8;
  if (after === end) {
    w.partial = tag === 80;
    return end;
  }
  if (s.charCodeAt(after) !== 32) return -1;
  w.partial = tag === 80;
  return after + 1;
}

/** Whether c may appear in a compose service name. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
}

/** The first `] ` at i..last (inclusive), or -1: where a `[pod/…/…] ` prefix closes. */
function prefixClose(s: string, i: number, last: number): number {
  for (; i <= last; i++) if (s.charCodeAt(i) === 93 && s.charCodeAt(i + 1) === 32) return i;
  return -1;
}

/** CRI log format of the kubelet: `<RFC3339Nano> stdout|stderr F|P <line>`. Only outermost. */
export const cri: LineWrapper = {
  name: 'cri',
  priority: 10,
  first: isDigit,
  scan(s, p, end, w) {
    const q = rfc3339Prefix(s, p, end);
    if (q < 0) return -1;
    const inner = criTag(s, q, end, w);
    if (inner < 0) return -1;
    w.tsStart = p;
    return inner;
  },
  time: isoTime,
  nests: false,
  samples: [
    // kubernetes/kubernetes pkg/kubelet/kuberuntime/logs/logs.go, CRI format comment.
    '2016-10-06T00:17:09.669794202Z stdout P log content 1',
    '2016-10-06T00:17:09.669794203Z stderr F log content 2',
  ],
};

/** An RFC3339Nano timestamp and a space (`kubectl logs --timestamps`, `docker logs -t`). */
export const timestamp: LineWrapper = {
  name: 'timestamp',
  priority: 20,
  first: isDigit,
  scan(s, p, end, w) {
    const q = rfc3339Prefix(s, p, end);
    if (q < 0) return -1;
    w.tsStart = p;
    return q;
  },
  time: isoTime,
  samples: [
    // ../shared/real-data/acexy/degradation.log line 1 (Docker --timestamps prefix).
    '2025-11-02T10:32:57.784730516Z 2025/11/02 10:32:57 INFO Orchestrator integration enabled url=http://orchestrator:8000 max_streams_per_engine=2',
    // ../shared/real-data/wva/controller-baseline.log line 1 (kubelet prefix + zap console).
    '2026-08-07T20:20:19.281752804Z 2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:159\tLogger initialized',
  ],
};

/** docker-compose's `service  | ` at p: the inner line's start, or -1; sets the origin span. */
export function scanCompose(s: string, p: number, end: number, w: WrapState): number {
    let j = p + 1;
    while (j < end && j < p + 80 && isNameChar(s.charCodeAt(j))) j++;
    if (j >= end || s.charCodeAt(j) !== 32) return -1;
    const nameEnd = j;
    while (j < end && s.charCodeAt(j) === 32) j++;
    if (j >= end || s.charCodeAt(j) !== 124) return -1;
    j++;
    if (j < end) {
      if (s.charCodeAt(j) !== 32) return -1;
      j++;
    }
    w.nameStart = p;
    w.nameEnd = nameEnd;
    return j;
}

/** docker-compose: `service  | <line>`. */
export const compose: LineWrapper = {
  name: 'compose',
  priority: 30,
  first: (c) => c < 128 && isNameChar(c) && !isDigit(c),
  scan: scanCompose,
  nests: false,
  samples: [
    // ../shared/real-data/acexy/log_sample.txt line 4 (docker-compose prefix + timestamps).
    'acexy  | 2025-10-12T22:34:39.725934485Z 2025/10/12 22:34:39 INFO Starting server addr=:8080',
  ],
};

/** kubectl's `[pod/NAME/CONTAINER] ` at p: the inner line's start, or -1; sets the origin span. */
export function scanKubectlPrefix(s: string, p: number, end: number, w: WrapState): number {
    if (!s.startsWith('[pod/', p)) return -1;
    const close = prefixClose(s, p + 5, Math.min(end - 2, p + 320));
    if (close < 0 || s.lastIndexOf('/', close) <= p + 5) return -1;
    w.nameStart = p + 5;
    w.nameEnd = close;
    return close + 2;
}

/** `kubectl logs --prefix`: `[pod/NAME/CONTAINER] <line>`. */
export const kubectlPrefix: LineWrapper = {
  name: 'kubectl-prefix',
  priority: 40,
  first: (c) => c === 91,
  scan: scanKubectlPrefix,
  nests: false,
  samples: [
    // kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go writes
    // fmt.Sprintf("[pod/%s/%s] ", pod, container) before every line with --prefix; here in front of
    // the wva line above, as `kubectl logs --prefix --timestamps` prints it.
    '[pod/wva-controller-7c9d8f6b5-x2k4p/manager] 2026-08-07T20:20:19.281752804Z 2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:159\tLogger initialized',
  ],
};

/** The wrappers of this module, for the registry. */
export const wrappers: readonly LineWrapper[] = [cri, timestamp, compose, kubectlPrefix];
