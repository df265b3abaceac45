// A pod name (and a container name) in front of each line, as stern prints merged pod logs
// (`pod container <line>`), or a container name alone (`manager <line>`), as people paste logs of
// several pods or containers: the line behind it is read in its own format. The prefix is taken
// only when what follows starts a log record — a time stamp (RFC 3339 or a Go `log` stamp), a
// klog header, or a JSON record — and, unless that is a time stamp right after it, when it looks
// like a pod name (lower-case DNS characters with a `-`): a sentence is never taken for a pod.
import type { LineWrapper } from '../registry.js';
import { isDigit } from '../util.js';
import { isoEnd, slashEnd } from '../stamp.js';

/** Whether c may appear in a pod or container name. */
function isDnsChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** End of a DNS-like name at i (at most 253 characters, at least one `-` when `dash`), or -1. */
function nameEnd(s: string, i: number, end: number, dash: boolean): number {
  let j = i;
  let dashes = 0;
  const lim = Math.min(end, i + 254);
  while (j < lim) {
    const c = s.charCodeAt(j);
    if (!isDnsChar(c)) break;
    if (c === 45) dashes++;
    j++;
  }
  if (j === i || (dash && dashes === 0)) return -1;
  return j;
}

/** Whether s[i..] starts with a time stamp (RFC 3339 with its `T`, or Go `log`) or a klog header `Lmmdd hh:`. */
function startsStamp(s: string, i: number, end: number): boolean {
  const c = s.charCodeAt(i);
  if (isDigit(c)) return (s.charCodeAt(i + 10) === 84 && isoEnd(s, i, end) > 0) || slashEnd(s, i, end) > 0;
  return (c === 73 || c === 87 || c === 69 || c === 70) && end - i > 9 && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 4)) && s.charCodeAt(i + 5) === 32 && s.charCodeAt(i + 8) === 58;
}

/** Whether s[i..] starts a log record: a time stamp, a klog header, or a JSON record (`{"`). */
function startsRecord(s: string, i: number, end: number): boolean {
  if (i >= end) return false;
  return (s.charCodeAt(i) === 123 && s.charCodeAt(i + 1) === 34) || startsStamp(s, i, end);
}

/** `pod [container] <line>`. */
export const wrapper: LineWrapper = {
  name: 'pod-prefix',
  // After docker-compose's `name  | ` (30), before `[pod/…]` (40).
  priority: 35,
  first: (c) => c >= 97 && c <= 122,
  scan(s, p, end, w) {
    const pod = nameEnd(s, p, end, false);
    if (pod < 0 || pod >= end || s.charCodeAt(pod) !== 32) return -1;
    let q = pod + 1;
    if (nameEnd(s, p, pod, true) < 0) {
      // no `-`: a container name, only right before a time stamp
      if (!startsStamp(s, q, end)) return -1;
    } else if (!startsRecord(s, q, end)) {
      // a container name, then the record
      const c = nameEnd(s, q, end, false);
      if (c < 0 || c >= end || s.charCodeAt(c) !== 32 || !startsRecord(s, c + 1, end)) return -1;
      q = c + 1;
    }
    w.nameStart = p;
    w.nameEnd = pod;
    return q;
  },
  samples: [
    // https://github.com/SeldonIO/seldon-core/issues/2095 (description): stern's `pod container`
    // in front of controller-runtime's zap console.
    'seldon-manager-ddd5ccf-dqxpf seldon-manager 2020-07-08T23:24:30.623Z\tERROR\tcontroller-runtime.controller\tReconciler error\t{"controller": "seldon-controller-manager", "request": "team-xxxx/xgboost-grpc", "error": "Operation cannot be fulfilled on deployments.apps \\"xgboost-grpc-xgboost-grpc-0-classifier\\": the object has been modified; please apply your changes to the latest version and try again"}',
    // https://github.com/pulumi/pulumi-kubernetes-operator/pull/717 (description): the same, with
    // the tabs turned into spaces.
    'controller-manager-6f849dcb6b-4wscw manager 2024-10-16T01:47:32.082Z    ERROR   Reconciler error        {"controller": "workspace", "controllerGroup": "auto.pulumi.com", "controllerKind": "Workspace", "Workspace": {"name":"random-yaml","namespace":"default"}, "namespace": "default", "name": "random-yaml", "reconcileID": "7cb6660a-508c-4392-80cd-749fe72def9f", "error": "Operation cannot be fulfilled on workspaces.auto.pulumi.com \\"random-yaml\\": the object has been modified; please apply your changes to the latest version and try again"}',
    // https://github.com/dragonflydb/dragonfly-operator/pull/571 (description): the container's
    // name before zap console (tabs as spaces) and before klog.
    'manager 2026-08-06T08:44:10Z    INFO    controller-runtime.metrics    Serving metrics server    {"bindAddress": "127.0.0.1:8080", "secure": false}',
    'manager I0806 08:44:26.877210       1 leaderelection.go:271] successfully acquired lease dragonfly-operator-system/31079dea.dragonflydb.io',
  ],
};
