// Go's standard `log` package with a level word in front of the message, as controllers and
// servers built on it write: rancher/wrangler `2023/05/17 06:20:32 [ERROR] error syncing …`,
// CoreDNS `[INFO] plugin/reload: …` (with its own RFC 3339 stamp, a Go `log` stamp, or none),
// grpc-go's logger `WARNING: 2021/09/14 14:27:12 [core] …`, multus's `[verbose]` (read as debug),
// and `INFO: …` after a time stamp as shell entrypoints print it. A bracketed name at the start
// of the message (`[core]`, `[mgmt-auth-crtb-controller]`) and CoreDNS's `plugin/NAME: ` become
// the logger.
import { L_DEBUG, L_UNKNOWN, T, isDigit, matchLevel, parseSlash, type Parsed } from '../util.js';
import { bracketName, isUpper, isoEnd, slashEnd, stampedParsers, trimRight, upperEnd, upperLevel } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'go-log';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/rancher/rancher/issues/41593 (description): wrangler's Go `log` lines.
  `2023/05/17 06:20:32 [ERROR] error syncing 'integrationp-bj-l19-002a-cl01/prtb-user-center-operator': handler mgmt-auth-prtb-controller: clusters.management.cattle.io "bj-l19-002a-cl01" not found, requeuing`,
  // https://github.com/rancher/rancher/issues/35482 (description).
  '2021/09/08 16:23:11 [INFO] [mgmt-auth-crtb-controller] Creating clusterRoleBinding for membership in cluster local for subject u-mo773yttt4',
  // https://github.com/coredns/coredns/issues/1755 (comment by yybear, 2018-05-04).
  '2018/05/04 06:09:56 [INFO] plugin/reload: Running configuration MD5 = 109b60e2cdb26c982b894055ee3d1112',
  // https://github.com/coredns/coredns/issues/4804 (description): CoreDNS's own stamp, and none.
  '2021-08-12T05:09:08.093Z [ERROR] plugin/errors: 2 bobft-cce-api-svc.cce-system. A: read udp 10.51.163.14:38406->10.51.51.51:53: i/o timeout',
  '[INFO] Reloading',
  // ../shared/real-data/must-gather-metal.tar.xz, namespaces/openshift-etcd/pods/etcd-master-1…/
  // etcd-health-monitor/etcd-health-monitor/logs/current.log: grpc-go's logger behind the kubelet's stamp.
  '2021-09-14T14:27:12.858473482Z WARNING: 2021/09/14 14:27:12 [core] grpc: addrConn.createTransport failed to connect to {147.75.195.141:2379 147.75.195.141 <nil> 0 <nil>}. Err: connection error: desc = "transport: Error while dialing dial tcp 147.75.195.141:2379: connect: connection refused". Reconnecting...',
  // same archive, namespaces/openshift-sdn/pods/sdn-vrcxc/kube-rbac-proxy/kube-rbac-proxy/logs/current.log
  // (`echo $(date -Iseconds) INFO: …` in the container's script).
  '2021-09-14T14:27:04.414443031Z 2021-09-14T14:27:04+00:00 INFO: sdn-metrics-certs mounted, starting kube-rbac-proxy',
  // same archive, host_service_logs/masters/crio_service.log: multus in CRI-O's journal.
  'Sep 14 14:13:56.824219 master-0.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com crio[1947]: 2021-09-14T14:13:56Z [verbose] Del: openshift-kube-scheduler:installer-2-master-0.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com:9a3c03de-07ba-4f41-87ee-ebfb0118d28d:openshift-sdn:eth0 {"cniVersion":"0.3.1","name":"openshift-sdn","type":"openshift-sdn"}',
];

/** Scratch positions of the last shape() call. */
const G = { stamp: -1, slash: false, msg: 0, lvl: L_UNKNOWN };

/**
 * The level token at i: `[LEVEL]` (letters only, any case) or an upper-case `LEVEL:`; followed by
 * a space or the end. Sets G.lvl and returns the index after it (past its space), or -1.
 */
function levelToken(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  let j: number;
  let lvl: number;
  if (c === 91) {
    j = i + 1;
    const lim = Math.min(end, i + 11);
    while (j < lim) {
      const d = s.charCodeAt(j) | 32;
      if (d < 97 || d > 122) break;
      j++;
    }
    if (j === i + 1 || j >= end || s.charCodeAt(j) !== 93) return -1;
    lvl = matchLevel(s, i + 1, j);
    // multus (the CNI meta-plugin, in CRI-O's journal) logs `[verbose]` below debug's detail
    if (lvl === L_UNKNOWN && j - i === 8 && s.startsWith('verbose', i + 1)) lvl = L_DEBUG;
    j++;
  } else if (isUpper(c)) {
    const k = upperEnd(s, i, end, 8);
    if (k < 0 || k >= end || s.charCodeAt(k) !== 58) return -1;
    lvl = upperLevel(s, i, k);
    j = k + 1;
  } else {
    return -1;
  }
  if (lvl === L_UNKNOWN) return -1;
  if (j < end) {
    if (s.charCodeAt(j) !== 32) return -1;
    j++;
  }
  G.lvl = lvl;
  return j;
}

/** Reads the line's layout into G; false when it is not this format. */
function shape(s: string, p: number, end: number): boolean {
  G.stamp = -1;
  G.slash = false;
  let i = p;
  if (isDigit(s.charCodeAt(p))) {
    let j = slashEnd(s, p, end);
    if (j >= 0) G.slash = true;
    else j = isoEnd(s, p, end);
    if (j < 0 || j >= end || s.charCodeAt(j) !== 32) return false;
    G.stamp = p;
    i = j + 1;
  }
  const m = levelToken(s, i, end);
  if (m < 0) return false;
  G.msg = m;
  // grpc-go: `LEVEL: YYYY/MM/DD hh:mm:ss msg`
  if (G.stamp < 0 && s.charCodeAt(i) !== 91 && isDigit(s.charCodeAt(m))) {
    const k = slashEnd(s, m, end);
    if (k >= 0 && (k === end || s.charCodeAt(k) === 32)) {
      G.stamp = m;
      G.slash = true;
      G.msg = k < end ? k + 1 : end;
    }
  }
  return true;
}

/** Level code of a line of this format at p, or -1. */
export function detect(s: string, p: number, end: number): number {
  return shape(s, p, end) ? G.lvl : -1;
}

/** Splits the message at G.msg into logger and message; with `out`, sets out.logger. */
function body(s: string, end: number, out: Parsed | undefined): string {
  let m = G.msg;
  const e = trimRight(s, m, end);
  const b = bracketName(s, m, e);
  if (b > 0 && b + 1 < e && s.charCodeAt(b + 1) === 32) {
    if (out !== undefined) out.logger = s.slice(m + 1, b);
    m = b + 2;
  } else if (s.startsWith('plugin/', m)) {
    const colon = s.indexOf(': ', m);
    if (colon > m && colon < Math.min(e, m + 48)) {
      if (out !== undefined) out.logger = s.slice(m, colon);
      m = colon + 2;
    }
  }
  return s.slice(m, e);
}

/** Parses a line detect() accepted, and the message parse() sets. */
export const { parse, message } = stampedParsers(shape, G, body);

/** A Go `log` stamp with no level word at p (`2021/09/14 14:27:44 provider.go:128: …`): the message start, or -1. */
function plainStart(s: string, p: number, end: number): number {
  const j = slashEnd(s, p, end);
  if (j < 0) return -1;
  if (j === end) return end;
  return s.charCodeAt(j) === 32 ? j + 1 : -1;
}

/** Real plain Go `log` lines (no level word), as published. */
const plainSamples: string[] = [
  // ../shared/real-data/must-gather-metal.tar.xz, namespaces/openshift-monitoring/pods/alertmanager-main-1/
  // alertmanager-proxy/alertmanager-proxy/logs/current.log (oauth-proxy, behind the kubelet's stamp).
  '2021-09-14T14:27:44.498201065Z 2021/09/14 14:27:44 provider.go:128: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main',
];

/**
 * Plain Go `log` output — the stamp, no level — for the registry: asked last, after every format
 * that reads a level after such a stamp (slog text, this module's go-log, telegraf).
 */
export const plain: LineFormat = {
  names: ['plain'],
  priority: 95,
  first: (c) => c >= 48 && c <= 57,
  bounded: true,
  detect: (s, p, end) => (plainStart(s, p, end) < 0 ? -1 : L_UNKNOWN),
  parse(s, p, end, out) {
    const t = parseSlash(s, p);
    if (!Number.isNaN(t)) {
      out.time = t;
      out.coarse = !T.frac;
    }
    out.message = s.slice(plainStart(s, p, end), end);
  },
  message: (s, p, end) => s.slice(plainStart(s, p, end), end),
  samples: plainSamples,
};

/** Go `log` with a level word, for the registry. */
const goLog: LineFormat = {
  names: [name],
  // After the hand-tuned formats (klog, zap, slog: 10-20), before logfmt (90).
  priority: 30,
  first: (c) => (c >= 48 && c <= 57) || c === 91 || (c >= 65 && c <= 90),
  bounded: true,
  detect,
  parse,
  message,
  samples,
};

/** This module's formats. */
export const formats: readonly LineFormat[] = [goLog, plain];
