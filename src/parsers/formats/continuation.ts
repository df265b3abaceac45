// Lines that continue the record before them rather than start one: indented struct dumps and
// YAML, Go panics and stack traces (`goroutine 37 [chan receive]:`, `pkg.(*T).Method(0xc000…)`,
// `\t/go/src/…/file.go:123 +0xb9`, `created by …`, and zap's stacktrace after a console record,
// whose function lines have no arguments: `sigs.k8s.io/…/controller.(*Controller).processNextWorkItem`),
// Java stack traces (`\tat …`, `Caused by: …`, the exception that heads one:
// `io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: …`),
// closing brackets of a dump (`}`, `})`, `},`), a record's continuation after a line break
// (`, Header: map[…]`), the steps of a Kubernetes trace (`Trace[708802667]: ---"…"`). They are
// counted as continuations, not as unparsed lines. Asked last: any format that takes the line
// wins.
import type { LineFormat } from '../registry.js';
import { L_UNKNOWN, isDigit, matchLevel } from '../util.js';

function startsWithAt(s: string, p: number, end: number, lit: string): boolean {
  return end - p >= lit.length && s.startsWith(lit, p);
}

/** `pkg/path.Func(args)` or `pkg.(*T).Method(args)`: a Go stack frame's function line. */
function goFrame(s: string, p: number, end: number): boolean {
  if (s.charCodeAt(end - 1) !== 41) return false; // ends with `)`
  let dot = false;
  for (let j = p; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 40) {
      // `(*T)` inside the name: skip to its `)` and go on; the arguments' `(` ends the name.
      if (s.charCodeAt(j + 1) === 42 && s.charCodeAt(j - 1) === 46) {
        const close = s.indexOf(')', j);
        if (close < 0 || close >= end) return false;
        j = close;
        continue;
      }
      return dot && j > p;
    }
    if (c === 46) dot = true;
    else if (c === 32 || c === 9 || c === 34) return false;
  }
  return false;
}

/**
 * `sigs.k8s.io/pkg/path.(*T).Method` or `k8s.io/pkg/wait.JitterUntil.func1`: a Go function
 * without arguments, as zap prints a stack trace: no blank or quote, an import path (a `/`), and
 * after its last `/` a package, a dot and a name ending in a letter, digit or `_`.
 */
function goFunction(s: string, p: number, end: number): boolean {
  let slash = -1;
  for (let j = p; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === 9 || c === 34 || c === 39 || c === 58 || c === 61 || c === 44) return false;
    if (c === 47) slash = j;
  }
  if (slash < 0) return false;
  const dot = s.indexOf('.', slash);
  if (dot < 0 || dot >= end - 1 || dot === slash + 1) return false;
  const c = s.charCodeAt(end - 1);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95;
}

/**
 * `io.fabric8.kubernetes.client.KubernetesClientException: …`, `java.lang.IllegalStateException`:
 * the exception that heads a Java stack trace (a dotted lower-case package, then a class whose
 * name ends in Exception or Error, then `: ` or the line's end).
 */
function javaException(s: string, p: number, end: number): boolean {
  let j = p;
  let dots = 0;
  // the package: lower-case words and dots
  for (; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 46) dots++;
    else if (!((c >= 97 && c <= 122) || isDigit(c) || c === 95)) break;
  }
  if (dots < 1 || s.charCodeAt(j - 1) !== 46) return false;
  const cls = j;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36 || c === 46)) break;
    j++;
  }
  const name = s.slice(cls, j);
  if (!/^[A-Z]\w*(?:Exception|Error)$/.test(name.slice(name.lastIndexOf('.') + 1))) return false;
  return j === end || (s.charCodeAt(j) === 58 && (j + 1 === end || s.charCodeAt(j + 1) === 32));
}

/** `- key: value` / `- key:`: an item of a YAML list dumped at column 0. */
function yamlItem(s: string, p: number, end: number): boolean {
  if (s.charCodeAt(p + 1) !== 32) return false;
  let j = p + 2;
  const k = j;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 45 || c === 46)) break;
    j++;
  }
  return j > k && s.charCodeAt(j) === 58 && (j + 1 === end || s.charCodeAt(j + 1) === 32);
}

/** Whether s[p, end) is blanks then an upper-case level word and a space (`  INFO x`): a record. */
function paddedLevel(s: string, p: number, end: number): boolean {
  let j = p;
  while (j < end && j < p + 8 && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
  const w = j;
  while (j < end && j < w + 8 && s.charCodeAt(j) >= 65 && s.charCodeAt(j) <= 90) j++;
  if (j === w || s.charCodeAt(j) !== 32) return false;
  const l = matchLevel(s, w, j);
  return l !== L_UNKNOWN;
}

export function detect(s: string, p: number, end: number): number {
  const c = s.charCodeAt(p);
  switch (c) {
    case 32: // indented, unless a padded level follows (`  WARN target: msg` of Rust's tracing)
    case 9:
      return paddedLevel(s, p, end) ? -1 : L_UNKNOWN;
    case 125: // } ) ] ,
    case 41:
    case 93:
    case 44:
      return L_UNKNOWN;
    case 40: // `(*v1.Pod)(0xc000…)({` of a spew dump
      return end - p > 1 && (s.charCodeAt(p + 1) === 42 || s.charCodeAt(p + 1) === 91) ? L_UNKNOWN : -1;
    case 45:
      return yamlItem(s, p, end) ? L_UNKNOWN : -1;
    case 103: // goroutine 37 [running]:
      if (startsWithAt(s, p, end, 'goroutine ') && s.charCodeAt(end - 1) === 58) return L_UNKNOWN;
      break;
    case 99: // created by …
      if (startsWithAt(s, p, end, 'created by ')) return L_UNKNOWN;
      break;
    case 67: // Caused by: …
      if (startsWithAt(s, p, end, 'Caused by: ')) return L_UNKNOWN;
      break;
    case 84: // Trace[708802667]: …
      if (startsWithAt(s, p, end, 'Trace[') && isDigit(s.charCodeAt(p + 6))) {
        const close = s.indexOf(']: ', p + 6);
        if (close > 0 && close < end) return L_UNKNOWN;
      }
      break;
  }
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    return goFrame(s, p, end) || goFunction(s, p, end) || (c >= 97 && javaException(s, p, end)) ? L_UNKNOWN : -1;
  }
  return -1;
}

/** Continuation lines, for the registry. */
export const format: LineFormat = {
  names: ['continuation'],
  priority: 1000,
  first: (c) =>
    c === 32 || c === 9 || c === 125 || c === 41 || c === 93 || c === 44 || c === 40 || c === 45 ||
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90),
  bounded: true,
  detect,
  parse(s, p, end, out) {
    out.message = s.slice(p, end);
  },
  message: (s, p, end) => s.slice(p, end),
  role: 'continuation',
  samples: [
    // ../shared/real-data/must-gather-metal.tar.xz (openshift/must-gather-clean test/files @ cb2f7e58),
    // namespaces/openshift-cluster-storage-operator/pods/csi-snapshot-controller-869b458964-qm2z7/
    // snapshot-controller/snapshot-controller/logs/previous.log: a goroutine dump behind --timestamps.
    '2021-09-14T14:21:04.386673529Z goroutine 37 [chan receive]:',
    '2021-09-14T14:21:04.386673529Z k8s.io/apimachinery/pkg/watch.(*Broadcaster).loop(0xc0003fa3c0)',
    '2021-09-14T14:21:04.386673529Z \t/go/src/github.com/kubernetes-csi/external-snapshotter/vendor/k8s.io/klog/v2/klog.go:1026 +0xb9',
    '2021-09-14T14:21:04.386673529Z created by k8s.io/klog/v2.init.0',
    // same bundle, namespaces/openshift-kube-controller-manager-operator/pods/kube-controller-manager-operator-58865dd88f-xk9tr/
    // kube-controller-manager-operator/kube-controller-manager-operator/logs/previous.log (spew dump).
    '2021-09-14T14:17:44.967815646Z  LastFailedRevision: (int32) 0,',
    // same bundle, namespaces/openshift-etcd/pods/installer-2-master-0…/installer/installer/logs/current.log line 40.
    '2021-09-14T14:17:36.618617388Z })',
    // same bundle, namespaces/openshift-network-operator/pods/network-operator-79b659c6bb-lzv42/…/current.log (YAML dump).
    '2021-09-14T14:12:49.581986787Z - lastTransitionTime: "2021-09-14T14:12:49Z"',
    // same bundle, authentication-operator previous.log (a client-go trace's steps).
    '2021-09-14T14:18:49.288319322Z Trace[708802667]: [30.001196561s] [30.001196561s] END',
    // https://github.com/seaweedfs/seaweedfs-operator/issues/90 (description): zap's stacktrace after
    // a console record (test/real-world/queue-leak/seaweedfs-operator-service-forbidden).
    'sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).processNextWorkItem',
    'sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Start.func2.2',
    // https://github.com/apache/flink-kubernetes-operator/pull/577 (comment by gyfora): the
    // exception heading a Java stack trace (test/real-world/queue-leak/flink-operator-josdk-update-forbidden).
    'io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: PUT at: https://10.96.0.1:443/apis/flink.apache.org/v1beta1/namespaces/flink/flinkdeployments/basic-example. Message: Forbidden!Configured service account doesn\'t have access. Service account may have been revoked. flinkdeployments.flink.apache.org "basic-example" is forbidden: User "system:serviceaccount:default:flink-operator" cannot update resource "flinkdeployments" in API group "flink.apache.org" in the namespace "flink".',
  ],
};
