// klog text: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, plain or structured
// (`"msg" key="value"`), including the logr klog sink's `logger "msg"="..." "key"="value"` form.
import type { LineFormat } from './registry.js';
import {
  d2, L_ERROR, L_FATAL, L_INFO, L_WARN, isDigit, pairs, parseKlogTime, scanQuoted,
  trailingPairs, unquote, type Ctx, type Parsed,
} from './util.js';

/** Real klog lines. */
export const samples: string[] = [
  // ../shared/real-data/wva/controller-baseline.log (leader election, client-go).
  'I0807 20:20:19.509309       1 leaderelection.go:257] attempting to acquire leader lease dhl-wva-209/72dd1cf1.llm-d.ai...',
  // ../shared/real-data/must-gather-aws .../cluster-baremetal-operator/logs/current.log (structured klog).
  'I0803 09:21:12.192133       1 provisioning_controller.go:431] "Network stack calculation" APIServerInternalHost="api-int.ci-ln-5ylibmb-d5d6b.origin-ci-int-aws.dev.rhcloud.com" NetworkStack=1',
  // same file: logr klog sink with quoted keys and a logger name.
  'I0803 09:20:59.099941       1 listener.go:44] controller-runtime/metrics "msg"="metrics server is starting to listen"  "addr"=":8080"',
  // ../shared/real-data/must-gather-aws .../kube-apiserver/logs/current.log.
  'W0803 09:45:19.980831      20 feature_gate.go:236] Setting GA feature gate SupportPodPidsLimit=true. It will be removed in a future release.',
  'I0803 09:45:19.978218      20 plugins.go:84] "Registered admission plugin" plugin="authorization.openshift.io/RestrictSubjectBindings"',
  // ../shared/real-data/wva/controller-baseline.log (error, JSON object value, escaped quotes).
  'E0807 20:42:36.955971       1 event.go:442] "Could not construct reference, will not report event" err="no kind is registered for the type variant.VariantAutoscaling in scheme \\"pkg/runtime/scheme.go:110\\"" object={"metadata":{"name":"unsloth--608e585a-instruct-decode-scaler","namespace":"dhl-wva-209"}} eventType="Normal" reason="ScaledUp" message="V2 (optimizer: cost-aware)"',
];

/** Detects a klog header at p (the line ends at `end`); returns the level code or -1. */
export function detect(s: string, p: number, end: number): number {
  if (end - p < 12) return -1; // `Lmmdd hh:mm` at least
  const c = s.charCodeAt(p);
  let lvl: number;
  if (c === 73) lvl = L_INFO;
  else if (c === 87) lvl = L_WARN;
  else if (c === 69) lvl = L_ERROR;
  else if (c === 70) lvl = L_FATAL;
  else return -1;
  if (
    s.charCodeAt(p + 5) !== 32 ||
    s.charCodeAt(p + 8) !== 58 ||
    s.charCodeAt(p + 11) !== 58 ||
    !isDigit(s.charCodeAt(p + 1)) ||
    !isDigit(s.charCodeAt(p + 4)) ||
    !isDigit(s.charCodeAt(p + 6))
  ) {
    return -1;
  }
  return lvl;
}

/** klog has no year: take the wrapper time's (across a New Year boundary too), else the reference year. */
function klogYear(s: string, p: number, ctx: Ctx): number {
  const w = ctx.wrapperTime;
  if (Number.isNaN(w)) return ctx.referenceYear;
  const d = new Date(w);
  const y = d.getUTCFullYear();
  const wm = d.getUTCMonth() + 1;
  const km = d2(s, p + 1);
  if (km === 12 && wm === 1) return y - 1;
  if (km === 1 && wm === 12) return y + 1;
  return y;
}

/** Whether s[j..] (after spaces) starts a `key=` or `"key"=` pair, or is the end. */
function pairFollows(s: string, j: number, end: number): boolean {
  while (j < end && s.charCodeAt(j) === 32) j++;
  if (j >= end) return true;
  if (s.charCodeAt(j) === 34) {
    const q = scanQuoted(s, j, end);
    return q > 0 && s.charCodeAt(q + 1) === 61;
  }
  let k = j;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === 61) return k > j;
    if (c === 32 || c === 34) return false;
    k++;
  }
  return false;
}

/** End of klog's `mmdd hh:mm:ss[.frac]` at i, by position (also when the digits are out of range). */
function timeEnd(s: string, i: number): number {
  let j = i + 13;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (isDigit(s.charCodeAt(j))) j++;
  }
  return j;
}

/** Scratch of bodyAt and bodyKind: the caller's span, and the message's quoted text span. */
const B = { callerStart: 0, close: -1, m: 0, text: 0, q: 0 };

/** Where the text after `threadid file:line] ` starts (B.callerStart, B.close: the caller, close -1 if none). */
function bodyAt(s: string, p: number, end: number): number {
  let j = timeEnd(s, p + 1);
  while (s.charCodeAt(j) === 32) j++;
  while (isDigit(s.charCodeAt(j))) j++;
  while (s.charCodeAt(j) === 32) j++;
  const close = s.indexOf(']', j);
  B.callerStart = j;
  B.close = -1;
  if (close > j && close < end) {
    B.close = close;
    let body = close + 1;
    if (s.charCodeAt(body) === 32) body++;
    return body;
  }
  return j;
}

const PLAIN = 0;
const STRUCTURED = 1;
const LOGR = 2;

/**
 * Kind of a non-empty klog body: STRUCTURED (`"msg" key=value ...`), LOGR (`[logger ]"msg"="..."`,
 * `"msg"=` at B.m) or PLAIN. For the first two the message text is s[B.text, B.q) (still quoted).
 */
function bodyKind(s: string, body: number, end: number): number {
  if (s.charCodeAt(body) === 34) {
    const q = scanQuoted(s, body, end);
    if (q > 0 && s.charCodeAt(q + 1) !== 61 && pairFollows(s, q + 1, end)) {
      B.text = body + 1;
      B.q = q;
      return STRUCTURED;
    }
  }
  const m = s.indexOf('"msg"=', body);
  if (m >= 0 && m < end && (m === body || s.charCodeAt(m - 1) === 32) && s.charCodeAt(m + 6) === 34) {
    const q = scanQuoted(s, m + 6, end);
    if (q > 0) {
      B.m = m;
      B.text = m + 7;
      B.q = q;
      return LOGR;
    }
  }
  return PLAIN;
}

/** Parses a klog line whose header starts at p. */
export function parse(s: string, p: number, end: number, out: Parsed, ctx: Ctx): void {
  const t = parseKlogTime(s, p + 1, klogYear(s, p, ctx));
  out.time = Number.isNaN(t) ? undefined : t;
  const body = bodyAt(s, p, end);
  if (B.close >= 0) out.caller = s.slice(B.callerStart, B.close);
  if (body >= end) {
    out.message = '';
    return;
  }
  switch (bodyKind(s, body, end)) {
    case STRUCTURED: // "msg" key=value ...
      out.message = unquote(s, B.text, B.q);
      pairs(s, B.q + 1, end, out.fields, true);
      return;
    case LOGR: // logr klog sink: [logger ]"msg"="..." "key"=value ...
      if (B.m > body) out.logger = s.slice(body, B.m).trim();
      out.message = unquote(s, B.text, B.q);
      pairs(s, B.q + 1, end, out.fields, true);
      return;
  }
  out.message = s.slice(body, end);
  const eq = s.indexOf('=', body);
  if (eq >= 0 && eq < end) trailingPairs(s, body, end, out.fields);
}

/** The message parse() sets for a klog line whose header starts at p (no time, caller or fields). */
export function message(s: string, p: number, end: number): string {
  const body = bodyAt(s, p, end);
  if (body >= end) return '';
  return bodyKind(s, body, end) === PLAIN ? s.slice(body, end) : unquote(s, B.text, B.q);
}

/** klog text, for the registry. */
export const format: LineFormat = {
  names: ['klog'],
  priority: 10,
  first: (c) => c === 73 || c === 87 || c === 69 || c === 70, // I W E F
  bounded: true,
  detect,
  parse: (s, p, end, out, ctx) => parse(s, p, end, out, ctx),
  message: (s, p, end) => message(s, p, end),
  samples,
};
