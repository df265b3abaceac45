// Java logging layouts (log4j, log4j2, logback, JBoss/Quarkus) as Java operators print them:
// - Strimzi:               `2021-02-26 06:43:06 INFO  AbstractOperator:318 - Reconciliation #4854(timer) …`
// - log4j `%d %p %c:%L - %m`: `2019-04-26 21:31:26,355 ERROR org.apache.kafka.connect.runtime.WorkerSinkTask:261 - …`
// - `%d %p [%t] %c - %m`:    `2024-01-01 12:00:00,123 INFO [main] io.fabric8.Foo - msg`
// - Quarkus (JOSDK):        `2023-01-02 18:00:49,355 ERROR [io.jav.ope.pro.eve.ReconciliationDispatcher] (ReconcilerExecutor-…) msg`
// - logback default:        `11:20:19.705 [ReconcilerExecutor-hivemq-controller-524] INFO  c.h.p.o.h.Handler - msg`
//                           (no date: the wrapper's time, if any, stands in), and with a date before the thread
// - Kafka / Kafka Connect:  `[2023-05-01 22:47:59,990] INFO WorkerSinkTask{id=http-sink-0} … (org.apache.kafka.connect.runtime.WorkerSinkTask:310)`
// The thread goes to the field `thread`, `Class:line` to the caller. Strimzi's reconciliation
// prefix (`Reconciliation #4622(watch) Kafka(prod/eventing): …`, on every line of one
// reconciliation) stays in the message and gives the fields reconciliation (its number), trigger,
// kind, namespace and name.
import { L_UNKNOWN, isDigit, type Parsed } from '../util.js';
import { isUpper, isoEnd, skipSpaces, trimRight, upperEnd, upperLevel, stampedParsers } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'log4j';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/strimzi/strimzi-kafka-operator/issues/4471 (comment by fzyzcjy, 2021-02-26).
  '2021-02-26 06:43:06 INFO  AbstractOperator:318 - Reconciliation #4854(timer) Kafka(default/tom-kafka): reconciled',
  // https://github.com/apache/kafka/pull/6902 (description).
  "2019-04-26 21:31:26,355 ERROR org.apache.kafka.connect.runtime.WorkerSinkTask:261 - WorkerSinkTask{id=foobar-4} Commit of offsets threw an unexpected exception for sequence number 29: {foobar-topic-7=OffsetAndMetadata{offset=288227113, leaderEpoch=null, metadata=''}}",
  // https://github.com/quarkiverse/quarkus-operator-sdk/issues/465 (comment by juangon, 2023-01-02).
  "2023-01-02 18:00:49,355 ERROR [io.jav.ope.pro.eve.ReconciliationDispatcher] (ReconcilerExecutor-teis-app-controller-287) Error during event processing ExecutionScope{ resource id: ResourceID{name='teis-app-proactivanet', namespace='teis-proactivanet-soriana-demo'}, version: 803492499} failed.: io.javaoperatorsdk.operator.AggregatedOperatorException: Exception(s) during workflow execution. Details:",
  // https://github.com/operator-framework/java-operator-sdk/issues/2709 (comment by afalhambra-hivemq, 2025-02-27).
  '11:20:19.705 [ReconcilerExecutor-hivemq-controller-524] INFO  c.h.p.o.h.HiveMQPlatformReconcilerRollingRestartHandler - [operator] Stopping surge Pod',
  // https://github.com/apache/camel-kafka-connector/issues/1527 (description): Kafka Connect.
  '[2023-05-01 22:47:59,990] INFO WorkerSinkTask{id=http-sink-0} Sink task finished initialization and start (org.apache.kafka.connect.runtime.WorkerSinkTask:310)',
];

/** Scratch layout of the last shape() call. */
const G = { stamp: -1, lvl: L_UNKNOWN, rest: 0, thread: -1, threadEnd: -1, kafka: false };

/** `[thread] ` at i: returns the index after it (past spaces) and sets G.thread/threadEnd, or -1. */
function threadAt(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== 91) return -1;
  const c = s.indexOf('] ', i + 1);
  if (c < 0 || c >= end || c - i > 200) return -1;
  G.thread = i + 1;
  G.threadEnd = c;
  return skipSpaces(s, c + 2, end);
}

/** An upper-case level word at i followed by a space: sets G.lvl, returns the index after the spaces, or -1. */
function levelAt(s: string, i: number, end: number): number {
  const k = upperEnd(s, i, end, 7);
  // Java's levels are words (INFO, WARN, ERROR, …; JUL's WARNING, SEVERE is no level here):
  // zerolog's `ERR`, `INF` are another format.
  if (k < 0 || k - i < 4 || k >= end || s.charCodeAt(k) !== 32) return -1;
  const lvl = upperLevel(s, i, k);
  if (lvl === L_UNKNOWN) return -1;
  G.lvl = lvl;
  return skipSpaces(s, k + 1, end);
}

/** `hh:mm:ss.mmm` at i. */
function clockAt(s: string, i: number, end: number): boolean {
  return (
    end - i > 13 &&
    s.charCodeAt(i + 2) === 58 &&
    s.charCodeAt(i + 5) === 58 &&
    s.charCodeAt(i + 8) === 46 &&
    isDigit(s.charCodeAt(i)) &&
    isDigit(s.charCodeAt(i + 7)) &&
    isDigit(s.charCodeAt(i + 11)) &&
    s.charCodeAt(i + 12) === 32
  );
}

/**
 * Reads the layout at p into G; false when it is not one of these layouts. A line that starts at
 * its level (its time stamp taken by a wrapper, or printed without one) must go on with
 * `[thread] logger - `, `Class:line - ` or `logger - `.
 */
function shape(s: string, p: number, end: number): boolean {
  G.stamp = -1;
  G.thread = -1;
  G.kafka = false;
  const c = s.charCodeAt(p);
  let i: number;
  if (c === 91) {
    // Kafka: `[date] LEVEL msg (logger:line)`
    const j = isoEnd(s, p + 1, end);
    if (j < 0 || s.charCodeAt(j) !== 93 || s.charCodeAt(j + 1) !== 32) return false;
    const r = levelAt(s, j + 2, end);
    if (r < 0) return false;
    G.stamp = p + 1;
    G.rest = r;
    G.kafka = true;
    return true;
  }
  if (isDigit(c)) {
    if (clockAt(s, p, end)) {
      i = threadAt(s, p + 13, end);
      if (i < 0) return false;
      const r = levelAt(s, i, end);
      if (r < 0) return false;
      G.rest = r;
      return true;
    }
    const j = isoEnd(s, p, end);
    if (j < 0 || j >= end || s.charCodeAt(j) !== 32) return false;
    G.stamp = p;
    i = skipSpaces(s, j, end);
  } else if (isUpper(c)) {
    const r = levelAt(s, p, end);
    if (r < 0 || r >= end) return false;
    let k = r;
    if (s.charCodeAt(k) === 91) {
      const c2 = s.indexOf('] ', k + 1);
      if (c2 < 0 || c2 >= end) return false;
      k = c2 + 2;
    }
    if (loggerDash(s, k, end) < 0) return false;
    G.rest = r;
    return true;
  } else {
    return false;
  }
  if (s.charCodeAt(i) === 91) {
    // logback with a date: `date [thread] LEVEL logger - msg`
    const k = threadAt(s, i, end);
    if (k < 0) return false;
    const r = levelAt(s, k, end);
    if (r < 0) return false;
    G.rest = r;
    return true;
  }
  const r = levelAt(s, i, end);
  if (r < 0 || r >= end) return false;
  G.rest = r;
  return true;
}

/** Level code of a Java layout line at p, or -1. */
export function detect(s: string, p: number, end: number): number {
  return shape(s, p, end) ? G.lvl : -1;
}

/** Index of ` - ` after a space-free token at i (the logger), or -1. */
function loggerDash(s: string, i: number, end: number): number {
  const sp = s.indexOf(' ', i);
  if (sp <= i || sp >= end || s.charCodeAt(sp + 1) !== 45 || s.charCodeAt(sp + 2) !== 32) return -1;
  return sp;
}

/** Whether s[i, j) ends in `:digits` (a `Class:line` location). */
function hasLine(s: string, i: number, j: number): boolean {
  let k = j - 1;
  while (k > i && isDigit(s.charCodeAt(k))) k--;
  return k < j - 1 && s.charCodeAt(k) === 58;
}

/** Sets logger (and caller when it carries a line) from the token s[i, j). */
function setLogger(s: string, i: number, j: number, out: Parsed): void {
  if (hasLine(s, i, j)) {
    out.caller = s.slice(i, j);
    out.logger = s.slice(i, s.lastIndexOf(':', j - 1));
  } else {
    out.logger = s.slice(i, j);
  }
}

/** The message after the level (G.rest); with `out`, logger, caller and thread too. */
function body(s: string, end: number, out: Parsed | undefined): string {
  let m = G.rest;
  let e = trimRight(s, m, end);
  if (G.kafka) {
    // trailing `(logger:line)`
    if (s.charCodeAt(e - 1) === 41) {
      const o = s.lastIndexOf(' (', e);
      if (o >= m && s.indexOf(' ', o + 2) < 0 && hasLine(s, o + 2, e - 1)) {
        if (out !== undefined) setLogger(s, o + 2, e - 1, out);
        e = o;
      }
    }
    return s.slice(m, e);
  }
  if (G.thread < 0 && s.charCodeAt(m) === 91) {
    const c = s.indexOf('] ', m + 1);
    if (c > m && c < e) {
      const after = c + 2;
      if (s.charCodeAt(after) === 40) {
        // Quarkus: `[logger] (thread) msg`
        const pc = s.indexOf(') ', after + 1);
        if (pc > after && pc < e) {
          if (out !== undefined) {
            out.logger = s.slice(m + 1, c);
            out.fields.thread = s.slice(after + 1, pc);
          }
          return s.slice(pc + 2, e);
        }
      }
      if (loggerDash(s, after, e) > 0) {
        G.thread = m + 1;
        G.threadEnd = c;
        m = after;
      }
    }
  }
  if (out !== undefined && G.thread >= 0) out.fields.thread = s.slice(G.thread, G.threadEnd);
  const d = loggerDash(s, m, e);
  if (d > 0) {
    if (out !== undefined) setLogger(s, m, d, out);
    m = d + 3;
  }
  return s.slice(m, e);
}

/** `Reconciliation #N(trigger) Kind(namespace/name): ` at the start of a message. */
const STRIMZI_RE = /^Reconciliation #(\d+)\(([^)\s]*)\) ([A-Z][A-Za-z0-9]*)\(([^)/\s]*)\/([^)\s]+)\):/;

/** The message, with Strimzi's reconciliation prefix read into fields when `out` is given. */
function bodyWithPrefix(s: string, end: number, out: Parsed | undefined): string {
  const msg = body(s, end, out);
  if (out !== undefined && msg.startsWith('Reconciliation #')) {
    const m = STRIMZI_RE.exec(msg);
    if (m) {
      out.fields.reconciliation = m[1]!;
      out.fields.trigger = m[2]!;
      out.fields.kind = m[3]!;
      if (m[4]) out.fields.namespace = m[4];
      out.fields.name = m[5]!;
    }
  }
  return msg;
}

/** Parses a line detect() accepted, and the message it sets. */
export const { parse, message } = stampedParsers(shape, G, bodyWithPrefix);

/** Java layouts, for the registry. */
export const format: LineFormat = {
  names: [name],
  priority: 35,
  first: (c) => (c >= 48 && c <= 57) || c === 91 || (c >= 65 && c <= 90),
  bounded: true,
  detect,
  parse,
  message,
  samples,
};
