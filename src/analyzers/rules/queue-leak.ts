// queue-leak: a workqueue that re-processes one key more often than its rate limiter allows.
//
// From logs, failures are counted per key in resync windows (the period of the matching
// `Starting reflector *v1.X (30s)` line of the same input, else 30 s) and compared with a model of client-go's
// per-item exponential backoff (5 ms doubling, capped) plus one resync per window. From
// Prometheus samples, each queue's workqueue_depth trend (a least-squares slope over snapshots),
// adds vs retries, retries growth and workqueue_unfinished_work_seconds growth are read. From
// Kubernetes Events (dumps, `kubectl get events` tables, describe Events sections), a controller's
// Warning that repeats an error retrying cannot heal, often and steadily over hours, is the same
// retry loop told by the API server's event aggregation.
// State is per key and bounded (MAX_KEYS, least recently failed key dropped first).
import { queueLeakRemediation } from '../remediation.js';
import type { AuditEvent, Event, EventCondition, FieldValue, KubeObject, LogEvent, MetricEvent, ObjectEvent } from '../../core/event.js';
import { strField } from '../../core/event.js';
import type { Evidence, FindingDraft, Severity, Subject } from '../../core/finding.js';
import { AuditStatsCollector, type HotObject } from '../audit-stats.js';
import { eventFacts, eventKey, humanSpan, type EventFacts } from '../event-facts.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import { defineRule, vocabularyOption } from '../rule.js';

/** Distinct keys (and queues) tracked at once; the least recently updated is dropped beyond it. */
export const MAX_KEYS = 10_000;
/** Processes (inputs) followed per key; failures from further ones share one backoff model. */
const MAX_PROCESSES_PER_KEY = 8;

/** One process's retry schedule of a key. */
interface Backoff {
  /** Requeues in the current failure streak (client-go's NumRequeues). */
  requeues: number;
  lastFail: number;
  /** The last resync window it failed in, and its failures there that came before their backoff. */
  win: number;
  winEarly: number;
  /** The message of its last counted failure of the key, while a second telling of it may follow. */
  lastMessage: string;
}
/** Two failure records of a key closer than this are one failure (the rate limiter's base delay). */
const SAME_FAILURE_MS = 5;
/** Resync period assumed when no `Starting reflector` line names one. */
export const DEFAULT_PERIOD_MS = 30_000;
const BACKOFF_BASE_MS = 5;
/** client-go's default controller rate limiter caps the per-item delay at 1000 s; kube-aggregator's at 30 s. */
const CAP_DEFAULT_MS = 1_000_000;
const CAP_AGGREGATOR_MS = 30_000;
const MAX_EVIDENCE = 8;

/** Thresholds (documented in the catalog; overridable via ruleOptions for unusual controllers). */
interface Limits {
  /** Consecutive window-to-window increases for critical growth. */
  growthSteps: number;
  /** Minimum count in the last window of a growth run. */
  growthMinLast: number;
  /** Windows with auth (401/403) failures for a warning. */
  authWindowsWarn: number;
  authWindowsCrit: number;
  /** Windows whose unexplained failures exceed backoff + one resync by >= 2, for a warning. */
  excessWindows: number;
  /** Failures of one key before an info note. */
  infoFailures: number;
}

const DEFAULT_LIMITS: Limits = {
  growthSteps: 3,
  growthMinLast: 8,
  authWindowsWarn: 3,
  authWindowsCrit: 5,
  excessWindows: 2,
  infoFailures: 10,
};

/** One key's failure history, in resync windows. */
interface KeyState {
  subject: Subject;
  period: number;
  phase: number;
  capMs: number;
  failures: number;
  authErrors: number;
  authWindows: number;
  lastAuthWin: number;
  statusCode?: number;
  first: number;
  last: number;
  /**
   * The backoff model of each process that logged failures of the key (by input: a file, a pod's
   * container): a workqueue and its rate limiter live in one process, so the HA replicas of a
   * controller, or the same log read twice, each retry on their own schedule.
   */
  backoff: Map<string, Backoff>;
  curWin: number;
  curCount: number;
  curEv?: Evidence;
  windows: number;
  excessWindows: number;
  /** Current run of adjacent windows with increasing counts (closed windows only). */
  runStart: number;
  run: number[];
  runEv: Evidence[];
  best: number[];
  bestStart: number;
  bestEv: Evidence[];
  firstEv: Evidence;
  lastEv: Evidence;
  overlaps: number;
  overlapEv: Evidence[];
  /** Failures whose error retrying cannot heal (401/403, TLS, unknown host, an API not served), and in how many windows. */
  healless: number;
  healWindows: number;
  lastHealWin: number;
  healClass?: ErrorClass;
  /** Conflicts and other errors the next attempt heals by design. */
  transient: number;
  /** Failures (not transient) since the key last succeeded, and the longest such run. */
  streak: number;
  maxStreak: number;
  successes: number;
  /** Records that only say the key was requeued. */
  requeueMarks: number;
  /** Time of the first and last failure (undefined when the lines carry no time). */
  firstFail?: number;
  lastFailT?: number;
}

/**
 * A controller's Event that repeats an error retrying cannot heal. client-go's event recorder,
 * in the controller, folds repeats of one event into its count, and by default its spam filter
 * lets one source write about one object 25 times at once and then once every 5 minutes; the default
 * controller rate limiter retries a failing key at least every 1000 s. A key retried forever
 * therefore shows as an Event whose count keeps rising at least every 20 minutes for as long as
 * the error lasts. Measured on a healthy cluster's must-gather (5 171 Events): its repeated
 * Warnings that cannot heal come at bootstrap, 11 in 5 s, and its highest counts are 88 in 52 s
 * (an operator's ConfigMissing) and 58 in 14 min (kubelet probes).
 */
export const EVENT_LIMITS = {
  /** Count and span (s) of a warning: retried all along for an hour or more. */
  warnCount: 20,
  warnSpanS: 3600,
  /** Count and span (s) of an info note. */
  infoCount: 5,
  infoSpanS: 600,
  /** Longest mean gap (s) between repeats for a steady retry (the limiter's cap, 1000 s, and the recorder's 5 min). */
  maxGapS: 1200,
  /** Count and span (s) at which an event alone makes a warning of high confidence. */
  strongCount: 100,
  strongSpanS: 6 * 3600,
};

/** A Warning a controller (not the kubelet) wrote about an error retrying cannot heal, with its class. */
type HealFacts = EventFacts & { cls: ErrorClass };

/** The facts of an Event that queue-leak reads (see HealFacts); undefined for any other. */
export function healFacts(o: KubeObject, source: string, line: number | undefined, m: Matchers = DEFAULT_MATCHERS): HealFacts | undefined {
  if (o.kind !== 'Event' || o.type !== 'Warning') return undefined;
  const f = eventFacts(o, source, line);
  if (!f || f.kubelet) return undefined;
  const cls = errorClassOf(f.message, m);
  return CANNOT_HEAL.has(cls) ? { ...f, cls } : undefined;
}

/** The resync window of the key at time t. */
function windowOf(st: KeyState, t: number): number {
  return Math.floor((t - st.phase) / st.period);
}

/**
 * Counts a failure in window w: a 401/403 among the auth errors and their windows, and one that
 * cannot heal (`healless`) in the windows such failures came in.
 */
function countHealless(st: KeyState, w: number, code: number | undefined, healless: boolean): void {
  if (code === 401 || code === 403) {
    st.authErrors++;
    if (w !== st.lastAuthWin) {
      st.authWindows++;
      st.lastAuthWin = w;
    }
  }
  if (healless && w !== st.lastHealWin) {
    st.healWindows++;
    st.lastHealWin = w;
  }
}

/** What a finding says about how sure it is, and which signals agreed (additive to the contract). */
type Draft = FindingDraft & { confidence: 'high' | 'medium' | 'low'; signals: string[]; variant: string };

/** Where a failure line came from and which key it names. */
interface Failure {
  key: string;
  subject: Subject;
  text: string;
  /** Why it failed, as far as the text tells. */
  cls: ErrorClass;
  /** A record that only says the key was requeued (the failure itself is logged elsewhere). */
  requeueOnly: boolean;
}

/** The queue a client-go workqueue sample is about: its `name` label (older exporters: `queue`, `controller`). */
function workqueueName(labels: Readonly<Record<string, string>>): string | undefined {
  return labels['name'] || labels['queue'] || labels['controller'] || undefined;
}

/**
 * Whether queue-leak follows this sample as the depth of a named workqueue. stale-pending leaves
 * such a series to queue-leak, which reads it beside the queue's retries and unfinished work and
 * also reports a depth that never falls: one finding per queue.
 */
export function readsWorkqueueDepth(e: MetricEvent): boolean {
  return e.name === 'workqueue_depth' && workqueueName(e.labels) !== undefined;
}

/** Per-queue samples of the client-go workqueue metrics. */
interface QueueSeries {
  subject: Subject;
  depth: Sample[];
  adds: Sample[];
  retries: Sample[];
  unfinished: Sample[];
  firstEv?: Evidence;
  lastEv?: Evidence;
  seq: number;
}
interface Sample {
  t: number;
  v: number;
  timed: boolean;
}
const MAX_SAMPLES = 4096;

const APISERVICE_RE = /^v\d+(?:(?:alpha|beta)\d+)?\.[a-z0-9][a-z0-9.-]*$/;
const FAILED_WITH_RE = /^"?([^\s"]+) failed with ?: /;
/** `… "v1beta1.metrics.k8s.io" failed with: …` (kube-aggregator's OpenAPI controller and others). */
const QUOTED_FAILED_RE = /(["'`])([\w.:-]+(?:\/[\w.:-]+)?)\1\s+failed\b/;
/** `action for item <key>: Rate Limited Requeue`, `key=<key>`, `Re-queuing item "<key>"`. */
const ITEM_KEY_RE = /\b(?:item|key)(?:=|:\s*|\s+)(?:(["'`])([\w.:-]+(?:\/[\w.:-]+)?)\1|([\w.:-]+(?:\/[\w.:-]+)?))(?=[:,;\s]|$)/i;
/** `Sync node-csr-abc failed with : …` (kube-controller-manager's certificate controllers). */
const SYNC_NAMED_FAILED_RE = /\bsync(?:ing)?\s+["'`]?([\w.:-]+(?:\/[\w.:-]+)?)["'`]?\s+failed\b/i;
/**
 * An action on a named object that failed: `Failed to get pod 'delightful-tiger'`, `unable to
 * update Secret "ns/name"` (the object's name in quotes right after the verb and at most two words).
 */
// RBAC's own sentence (`User "x" cannot get resource "pods" in API group …`) names a resource type, not an object.
const VERB_QUOTED_RE = /\b(?:failed to|unable to|cannot|could not|error) (?:get|update|patch|create|delete|sync|reconcile|fetch|read|write) (?!resources? )(?:[A-Za-z][\w.]* ){0,2}(["'`])([\w.:-]+(?:\/[\w.:-]+)?)\1/i;
/** kopf and other Python operators put the object in brackets: `[ERROR   ] [ns/name] Handler 'x' failed`. */
const BRACKET_KEY_RE = /\[([\w.-]+\/[\w.:-]+)\]/;
/** Java Operator SDK names the object as `ResourceID{name='x', namespace='y'}` in every layout. */
const RESOURCE_ID_RE = /\bResourceID\{name='([\w.:-]+)', namespace='([\w.-]*)'\}/;
/**
 * A Java exception (or its cause) as the first line of a trace: `io.fabric8…KubernetesClientException:
 * Failure executing: PUT … Forbidden`. On the line right after a failure record it is that
 * failure's reason (Java operators log "Error during event processing …" and the exception below).
 */
const EXCEPTION_HEAD_RE = /^(?:Caused by: )?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:Exception|Error):\s/;
/** A line's margin as pasted: blanks and a log viewer's `| ` border. */
const MARGIN_RE = /^[\s|]+/;
/** A line of punctuation only, such as grep's `--` between matches: it separates nothing from a trace. */
const SEPARATOR_RE = /^[-=*_.~#\s]*$/;

/**
 * The exception heads among the lines attached to a record (its trace: `…Exception: msg`,
 * `Caused by: …`), joined: what the trace says the failure was. At most 64 lines are looked at.
 */
export function traceCauses(raw: string): string {
  let nl = raw.indexOf('\n');
  let out = '';
  for (let n = 0; nl >= 0 && n < 64; n++) {
    const next = raw.indexOf('\n', nl + 1);
    const line = raw.slice(nl + 1, next < 0 ? raw.length : next).replace(MARGIN_RE, '');
    if (EXCEPTION_HEAD_RE.test(line)) out += out ? ` ${line}` : line;
    nl = next;
  }
  return out;
}
/**
 * The record names its controller in words: wrangler's `… handler cluster-deploy: …`, library-go's
 * `"StaticResourceController" controller failed to sync "key"`.
 */
const HANDLER_RE = /\bhandler ([\w.-]+):|"([\w.-]+)" controller\b/;
/** Failures of list/watch and of leader election name no queued key: they are not keyed failures. */
const REFLECTOR_FAIL_RE = /\bfailed to (?:list|watch)\b|\bwatch of \*|\berror retrieving resource lock\b|\bfailed to (?:acquire|renew) lease\b/i;
const KEY_RE = /^[\w.:-]+(?:\/[\w.:-]+)?$/;
const REFLECTOR_RE = /Starting reflector \*?(?:[\w]+\.)?([A-Za-z0-9]+) \(([0-9hms.]+)\)/;
const STATUS_RE = /(?:bad status(?: from \S+)?: |\bstatus(?:\s*code)?[=: ]+\s*"?|\bcode[=: ]+\s*)(\d{3})\b/i;

/** Parses a Go duration such as `30s`, `5m0s`, `12h0m0s`; undefined if malformed or zero. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let ms = 0;
  let seen = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    seen += m[0].length;
    const n = Number(m[1]);
    ms += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
  }
  return seen === s.length && ms > 0 ? ms : undefined;
}

/** The HTTP status a failure text names (401/403 also from "Unauthorized"/"forbidden"). */
export function statusOf(text: string): number | undefined {
  const m = STATUS_RE.exec(text);
  if (m) return Number(m[1]);
  if (/\bUnauthorized\b/i.test(text)) return 401;
  if (/\bForbidden\b/i.test(text)) return 403;
  return undefined;
}

function rfc3339(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function evOf(e: LogEvent): Evidence {
  return { source: `${e.source}:${e.line}`, time: rfc3339(e.time), text: e.raw };
}

function callerFile(caller: string | undefined): string | undefined {
  if (!caller) return undefined;
  const f = caller.replace(/:\d+$/, '');
  const slash = f.lastIndexOf('/');
  return slash >= 0 ? f.slice(slash + 1) : f;
}

/** The controller name from a controller-runtime logger such as `…manager.controller.certificate_controller`. */
function loggerController(logger: string | undefined): string | undefined {
  if (!logger) return undefined;
  const i = logger.lastIndexOf('controller.');
  if (i >= 0 && i + 11 < logger.length) return logger.slice(i + 11);
  const dot = logger.lastIndexOf('.');
  return dot >= 0 ? logger.slice(dot + 1) : logger;
}

/** Fields that name the key, when no vocabulary says otherwise (see QUEUE_LEAK_VOCABULARY.keyFields). */
const KEY_FIELDS = ['knative.dev/key', 'key', 'request', 'object', 'item'];

/**
 * The object a record is about, from its fields: `namespace`/`name`, the `<Kind>` object ref of
 * controller-runtime, or a key field (`request`, `key`, `knative.dev/key`, `object`, …) holding
 * `ns/name` or an object `{name, namespace}`.
 */
function objectRef(f: Record<string, FieldValue>, keyFields: readonly string[] = KEY_FIELDS): { namespace: string | null; name: string } | undefined {
  const name = strField(f, 'name');
  if (name && KEY_RE.test(name)) return { namespace: strField(f, 'namespace') ?? null, name };
  const kind = strField(f, 'controllerKind');
  const ref = kind ? f[kind] : undefined;
  if (ref && typeof ref === 'object' && !Array.isArray(ref)) {
    const n = strField(ref, 'name');
    if (n) return { namespace: strField(ref, 'namespace') ?? null, name: n };
  }
  for (const k of keyFields) {
    let v = f[k];
    // controller-runtime writes the request of a cluster-scoped object as `/name` (an empty namespace).
    if (typeof v === 'string' && v.charCodeAt(0) === 47) v = v.slice(1);
    if (typeof v === 'string' && KEY_RE.test(v)) {
      const slash = v.indexOf('/');
      return slash >= 0 ? { namespace: v.slice(0, slash), name: v.slice(slash + 1) } : { namespace: null, name: v };
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const n = strField(v, 'name');
      if (n) return { namespace: strField(v, 'namespace') ?? null, name: n };
    }
  }
  return undefined;
}

/**
 * The words queue-leak matches, as data: one list per purpose. `failures` and `requeues` are
 * kept by the engine's line filter (with every line at error level or above); the other lists
 * only refine lines that already reach the analyzer. Matching is case-insensitive.
 */
export const QUEUE_LEAK_VOCABULARY = {
  failures: {
    about: 'per-key failure records below error level: sync, process, reconcile and requeue wording of client-go, controller-runtime, Knative, wrangler, cert-manager and kube-aggregator',
    // Kept whole by the line filter, which matches case-sensitively; 'ERROR' lets through the level
    // token of lines no parser reads (kopf's `[ERROR   ]`, Rancher's `[ERROR]`); '"error":' a JSON
    // error field below error level (Crossplane logs its managed reconciler's failures at debug:
    // `Cannot connect to provider {"request": "/name", "error": "…"}`).
    // 'ailed to get ' an action on a named object below error level (Argo's wait container:
    // `level=warning msg="Failed to get pod 'name': … forbidden"`).
    words: ['failed with: ', 'econcil', 'rror syncing', 'ailed to sync', 'rror processing', 'ailed to process', 'rror handling', 'ERROR', '"error":', 'ailed to get '],
  },
  requeues: { about: 'records saying a key goes back to its queue', words: ['equeu', 'e-queu'] },
  causes: {
    about: "a Java exception heading a trace (`…KubernetesClientException: … Forbidden`): on the line right after a failure record it is the failure's reason",
    words: ['Exception: '],
  },
  syncPhrases: {
    about: 'phrases after which a failure record names its key ("error syncing \'ns/name\'")',
    words: [
      'error syncing', 'failed to sync', 'failed syncing', 'error processing', 'failed to process', 'error reconciling', 'failed to reconcile',
      'error handling', 'failed to handle', 'failure syncing', 'failure processing', 're-queuing item', 'requeuing item', 'requeueing item',
      'will be retried',
    ],
    prefilter: 'none',
  },
  failureWords: {
    about: 'words that make a record below error level a failure',
    words: ['failed', 'error', 'failure', 'unable to', 'cannot ', 'could not', 'requeu', 're-queu'],
    prefilter: 'none',
  },
  keyFields: {
    about: 'fields that name the key a record is about (besides name/namespace and controller-runtime object refs)',
    words: ['knative.dev/key', 'key', 'request', 'object', 'item'],
    prefilter: 'none',
  },
  authErrors: { about: 'errors of credentials and permissions (401/403): retrying cannot heal them', words: ['unauthorized', 'forbidden', 'bad credentials', 'invalid credentials', 'authentication required', 'invalid bearer token'], prefilter: 'none' },
  tlsErrors: {
    about: 'certificate and TLS errors: retrying cannot heal them',
    words: ['x509: ', 'certificate has expired', 'certificate signed by unknown authority', 'tls: failed to verify', 'tls: bad certificate', 'certificate is valid for', 'certificate is not valid'],
    prefilter: 'none',
  },
  hostErrors: { about: 'names that do not resolve: retrying cannot heal them', words: ['no such host', 'server misbehaving'], prefilter: 'none' },
  goneErrors: {
    about: 'an API the server does not serve (a removed group or version): retrying cannot heal it',
    words: ['the server could not find the requested resource', 'no matches for kind', 'could not find the requested resource', 'the server does not allow this method'],
    prefilter: 'none',
  },
  transientErrors: {
    about: 'errors the next attempt heals by design (optimistic-concurrency conflicts): they never make a note on their own',
    words: ['the object has been modified', 'operation cannot be fulfilled', 'please apply your changes to the latest version'],
    prefilter: 'none',
  },
  backoffErrors: {
    about: 'errors that say the retry itself is being held back by a backoff (kubelet pod workers): the limiter working, not a key re-processed beyond it',
    words: ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'restarting failed container', 'Back-off pulling image'],
    prefilter: 'none',
  },
  successes: {
    about: 'records saying a key was handled successfully (they end a failure streak)',
    // Stems: the line filter matches case-sensitively ("Successfully synced", "successfully synced").
    words: ['uccessfully synced', 'ynced successfully', 'econcile succeeded', 'econciled successfully', 'uccessfully reconciled', 'ync succeeded', 'econciliation succeeded'],
  },
} as const;

type VocabName = keyof typeof QUEUE_LEAK_VOCABULARY;
const escapeRe = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordsOf = (name: VocabName, extra: Readonly<Record<string, readonly string[]>> = {}): string[] => [
  ...QUEUE_LEAK_VOCABULARY[name].words,
  ...(extra[name] ?? []),
];
const anyRe = (name: VocabName, extra?: Readonly<Record<string, readonly string[]>>): RegExp => new RegExp(wordsOf(name, extra).map(escapeRe).join('|'), 'i');

/** Why a failure record failed, as far as its text tells: the errors retrying cannot heal, conflicts, or other. */
export type ErrorClass = 'auth' | 'tls' | 'host' | 'gone' | 'transient' | 'backoff' | 'other';
/** The classes of errors that retrying cannot heal. */
const CANNOT_HEAL: ReadonlySet<ErrorClass> = new Set(['auth', 'tls', 'host', 'gone']);

/** The matchers built from the vocabulary (and a config's extra words). */
interface Matchers {
  /** The words the line filter keeps (failures, requeues), matched as it matches them. */
  keep: readonly string[];
  failureWord: RegExp;
  requeue: RegExp;
  syncKey: RegExp;
  success: RegExp;
  classes: [ErrorClass, RegExp][];
  keyFields: string[];
}

/** A key-like token: `name`, `ns/name`, `v1beta1.group.io`. */
const KEY_TOKEN = "[\\w.:-]+(?:/[\\w.:-]+)?";

export function matchersOf(extra: Readonly<Record<string, readonly string[]>> = {}): Matchers {
  const phrases = wordsOf('syncPhrases', extra).map(escapeRe).join('|');
  return {
    keep: [...wordsOf('failures', extra), ...wordsOf('requeues', extra)],
    failureWord: anyRe('failureWords', extra),
    requeue: new RegExp(`${anyRe('requeues', extra).source}`, 'i'),
    syncKey: new RegExp(`(?:${phrases})\\s+(?:(?:key|item|object)\\s+)?(?:(["'\u0060])(${KEY_TOKEN})\\1|(${KEY_TOKEN}))(?=[:,;\\s]|$)`, 'gi'),
    success: anyRe('successes', extra),
    classes: [
      ['backoff', anyRe('backoffErrors', extra)],
      ['auth', anyRe('authErrors', extra)],
      ['tls', anyRe('tlsErrors', extra)],
      ['host', anyRe('hostErrors', extra)],
      ['gone', anyRe('goneErrors', extra)],
      ['transient', anyRe('transientErrors', extra)],
    ],
    keyFields: wordsOf('keyFields', extra),
  };
}

const DEFAULT_MATCHERS = matchersOf();

/** The class of a failure's text: the first list whose words it holds (a 401/403 status is auth). */
export function errorClassOf(text: string, m: Matchers = DEFAULT_MATCHERS): ErrorClass {
  const code = statusOf(text);
  if (code === 401 || code === 403) return 'auth';
  for (const [cls, re] of m.classes) if (re.test(text)) return cls;
  return 'other';
}

/** Keys named in a message's own words, most specific structure first (a trailing `:` or `.` is punctuation). */
function messageKey(msg: string, m: Matchers): { key: string; quoted: boolean } | undefined {
  const k = messageKeyRaw(msg, m);
  return k ? { key: k.key.replace(/[:.]+$/, ''), quoted: k.quoted } : undefined;
}

function messageKeyRaw(msg: string, m: Matchers): { key: string; quoted: boolean } | undefined {
  let x = FAILED_WITH_RE.exec(msg);
  if (x) return { key: x[1]!, quoted: true };
  x = BRACKET_KEY_RE.exec(msg);
  if (x) return { key: x[1]!, quoted: false };
  x = RESOURCE_ID_RE.exec(msg);
  if (x) return { key: x[2] ? `${x[2]}/${x[1]!}` : x[1]!, quoted: true };
  x = QUOTED_FAILED_RE.exec(msg);
  if (x) return { key: x[2]!, quoted: true };
  // A phrase may be followed by a word that is no key ("error syncing service, it will be
  // retried ns/name:"): the first phrase followed by a key-like token wins.
  let first: { key: string; quoted: boolean } | undefined;
  m.syncKey.lastIndex = 0;
  while ((x = m.syncKey.exec(msg))) {
    const k = x[2] ? { key: x[2], quoted: true } : { key: x[3]!, quoted: false };
    if (keyLike(k.key.replace(/[:.]+$/, ''), k.quoted)) return k;
    first ??= k;
  }
  if (first) return first;
  x = ITEM_KEY_RE.exec(msg);
  if (x) return x[2] ? { key: x[2], quoted: true } : { key: x[3]!, quoted: false };
  x = SYNC_NAMED_FAILED_RE.exec(msg);
  if (x) return { key: x[1]!, quoted: false };
  x = VERB_QUOTED_RE.exec(msg);
  if (x) return { key: x[2]!, quoted: true };
  return undefined;
}

/** A plausible object key: quoted keys may be single words; bare ones need a `/`, `.`, `-` or digit. */
function keyLike(key: string, quoted: boolean): boolean {
  return KEY_RE.test(key) && (quoted || /[/.\-\d]/.test(key));
}

/** The kind a record names for its object (controller-runtime, Knative, older operator-sdk fields). */
function kindOf(f: Record<string, FieldValue>, name: string): string {
  const k = strField(f, 'controllerKind') ?? strField(f, 'reconciler kind') ?? strField(f, 'knative.dev/kind') ?? strField(f, 'kind');
  if (k) return k.slice(k.lastIndexOf('.') + 1) || k;
  return APISERVICE_RE.test(name) ? 'APIService' : 'Object';
}

/**
 * The string fields of a JSON object inside a line no parser could read (a truncated JSON line, a
 * console line whose fields are JSON): `"key": "value"` pairs, at most 64.
 */
function textFields(text: string): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (!text.includes('":') && !text.includes('="')) return out;
  // JSON `"key": "value"` pairs, and logfmt-like `key="value"` pairs (tracing, logrus text).
  const re = /"([\w./ -]{1,64})"\s*:\s*"((?:[^"\\]|\\.){0,512})"|(?:^|\s)([A-Za-z_][\w./-]{0,63})="((?:[^"\\]|\\.){0,512})"/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text)) && n++ < 64) {
    const k = m[1] ?? m[3]!;
    if (!(k in out)) out[k] = m[2] ?? m[4]!;
  }
  return out;
}

/** The controller a record comes from: its fields, its logger, a wrangler handler, or its source file. */
function controllerOf(e: LogEvent, msg: string, f: Record<string, FieldValue> = e.fields): string | null {
  const c = strField(f, 'controller') ?? strField(f, 'knative.dev/controller');
  if (c) return c;
  const h = HANDLER_RE.exec(msg);
  if (h) return h[1] ?? h[2]!;
  if (e.logger && e.logger !== 'UnhandledError') return loggerController(e.logger) ?? e.logger;
  return callerFile(e.caller) ?? null;
}

/**
 * Recognises a per-key failure record; undefined for any other line. Structure before words: a
 * keyed failure is a record at error level, or worded as a failure or a requeue, that names an
 * object key (a key field such as `key`, `knative.dev/key`, `request` or `object`,
 * name/namespace fields, a controller-runtime object ref, a quoted key after a sync phrase,
 * `<key> failed with:`, `item <key>`).
 */
export function failureOf(e: LogEvent, m: Matchers = DEFAULT_MATCHERS): Failure | undefined {
  const msg = e.message;
  const errorLevel = e.level === 'error' || e.level === 'fatal';
  // Below error level only lines the engine's filter keeps count, so a scan finds the same with
  // the filter on and off. (Checked first: most lines stop here, before their fields are read.)
  if (!errorLevel && !m.keep.some((w) => e.raw.includes(w))) return undefined;
  const f = Object.keys(e.fields).length === 0 ? textFields(e.message) : e.fields;
  const err = strField(f, 'err') ?? strField(f, 'error') ?? '';
  const requeue = m.requeue.test(msg);
  if (!errorLevel && !requeue && !m.failureWord.test(msg)) return undefined;
  if (REFLECTOR_FAIL_RE.test(msg)) return undefined;
  // A Java operator's reason is often in the trace attached below the record (`Caused by: …`).
  const causes = e.raw.length > msg.length ? traceCauses(e.raw) : '';
  const base = err ? `${msg} ${err}` : msg;
  const text = causes ? `${base} ${causes}` : base;
  const cls = errorClassOf(text, m);
  // 1. The record's fields name the object.
  const ref = objectRef(f, m.keyFields);
  if (ref) {
    const controller = controllerOf(e, msg, f);
    const kind = kindOf(f, ref.name);
    return {
      key: `${controller ?? ''}|${ref.namespace ?? ''}/${ref.name}`,
      subject: { kind, namespace: ref.namespace, name: ref.name, controller },
      text,
      cls,
      requeueOnly: requeue && !errorLevel && !err && !m.failureWord.test(msg.replace(m.requeue, '')),
    };
  }
  // 2. kube-aggregator's `<key> failed with: …`, plain or as err="…" of "Unhandled Error".
  let a = FAILED_WITH_RE.exec(msg);
  let atext = msg;
  if (!a && err) {
    a = FAILED_WITH_RE.exec(err);
    atext = err;
  }
  if (a && keyLike(a[1]!, true)) {
    const name = a[1]!;
    const file = callerFile(e.caller);
    let controller: string | null = null;
    if (file === 'available_controller.go') controller = 'AvailableConditionController';
    else if (file === 'remote_available_controller.go') controller = 'RemoteAvailabilityController';
    else controller = e.logger && e.logger !== 'UnhandledError' ? e.logger : (file ?? null);
    const apiService = APISERVICE_RE.test(name) || controller?.includes('Availab') === true;
    if (apiService && !controller?.includes('Availab')) controller = 'AvailableConditionController';
    const kind = apiService ? 'APIService' : 'Key';
    return { key: `${controller ?? ''}|${name}`, subject: { kind, namespace: null, name, controller }, text: atext, cls: errorClassOf(atext, m), requeueOnly: false };
  }
  // 3. The message (or the err field) names the key in its own words.
  let k = messageKey(msg, m);
  if (!k && err && errorLevel) k = messageKey(err, m);
  if (!k) return undefined;
  let key = k.key;
  let kind = 'Key';
  // `"Error syncing deployment" deployment="ns/name"`: the word after the phrase is a field naming the key.
  const named = strField(f, key);
  if (named !== undefined && KEY_RE.test(named)) {
    kind = key.charAt(0).toUpperCase() + key.slice(1);
    key = named;
  } else if (!keyLike(key, k.quoted)) return undefined;
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (kind === 'Key' && APISERVICE_RE.test(name)) kind = 'APIService';
  const controller = controllerOf(e, msg);
  return {
    key: `${controller ?? ''}|${key}`,
    subject: { kind, namespace: slash >= 0 ? key.slice(0, slash) : null, name, controller },
    text,
    cls,
    requeueOnly: requeue && !errorLevel && !err && !m.failureWord.test(msg.replace(m.requeue, '')),
  };
}

/** The key of a record saying a key was handled successfully, as failureOf would key it. */
export function successOf(e: LogEvent, m: Matchers = DEFAULT_MATCHERS): string | undefined {
  if (!m.success.test(e.message)) return undefined;
  const ref = objectRef(e.fields, m.keyFields);
  if (ref) return `${controllerOf(e, e.message) ?? ''}|${ref.namespace ?? ''}/${ref.name}`;
  const k = messageKey(e.message.replace(m.success, 'error syncing'), m);
  return k && keyLike(k.key, k.quoted) ? `${controllerOf(e, e.message) ?? ''}|${k.key}` : undefined;
}

/** The object a key is about, whichever controller failed on it. */
function objectId(s: Subject): string {
  return `${s.namespace ?? ''}/${s.name}`;
}

/** The variant of a finding driven by errors that cannot heal. */
function healVariant(st: KeyState): string {
  return st.healClass === 'auth' ? 'auth-retry' : 'cannot-heal';
}

/** What kind of error that cannot heal a key hit, in words. */
function cannotHealWhat(st: KeyState): string {
  switch (st.healClass) {
    case 'auth':
      return `a ${st.statusCode === 401 || st.statusCode === 403 ? st.statusCode : '401/403'}`;
    case 'tls':
      return 'a certificate (TLS) error';
    case 'host':
      return 'a host name that does not resolve';
    case 'gone':
      return 'an API the server does not serve';
    default:
      return 'an error';
  }
}

/** Failures per window a per-item exponential backoff allows is modelled failure by failure. */
function expectedDelay(requeues: number, cap: number): number {
  if (requeues <= 0) return 0;
  const d = BACKOFF_BASE_MS * 2 ** Math.min(requeues - 1, 40);
  return Math.min(d, cap);
}

class QueueLeak implements Analyzer {
  private readonly keys = new Map<string, KeyState>();
  /**
   * Resync period and phase by input and object kind, from `Starting reflector *v1.Kind (30s)`:
   * an informer's period is its own process's (another process's Pod informer says nothing of the
   * kubelet's windows), and read per input the windows do not depend on the order inputs come in.
   */
  private readonly periods = new Map<string, { period: number; phase: number }>();
  /** Current and previous reconcileID per key, for overlapping processing. */
  private readonly inflight = new Map<string, { cur: string; prev?: string; source: string; subject: Subject }>();
  private readonly queues = new Map<string, QueueSeries>();
  private droppedKeys = 0;
  private readonly limits: Limits;
  private readonly matchers: Matchers;

  constructor(ctx: AnalyzerContext) {
    const o = ctx.options;
    const limits = { ...DEFAULT_LIMITS };
    for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const v = o[k];
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) limits[k] = v;
    }
    this.limits = limits;
    const extra = vocabularyOption(o);
    this.matchers = extra ? matchersOf(extra) : DEFAULT_MATCHERS;
  }

  /** Request amplification seen in audit logs: one object requested far above its peers. */
  private readonly audit = new AuditStatsCollector();

  /** What this rule read (the report's coverage). */
  private readonly counts = { failureRecords: 0, reconcileRecords: 0, reflectorStarts: 0, workqueueSamples: 0, auditRequests: 0, events: 0 };

  /** Warning Events about errors that cannot heal, per source component, object and reason: the one with the highest count. */
  private readonly healless = new Map<string, HealFacts>();

  onEvent(e: Event): void {
    if (e.kind === 'log') this.onLog(e);
    else if (e.kind === 'metric') this.onMetric(e);
    else if (e.kind === 'audit') {
      this.counts.auditRequests++;
      this.audit.add(e);
    } else if (e.kind === 'object' && e.object.kind === 'Event') this.onEventObject(e);
  }

  /** Events are read whole; other objects are not read. */
  objectKinds(): readonly string[] {
    return ['event'];
  }

  /** Only a Warning repeated often and long enough for an info note (see eventFinding) is read. */
  objectWhen(): readonly EventCondition[] {
    return [{ kind: 'event', type: 'Warning', minCount: EVENT_LIMITS.infoCount, minSpanS: EVENT_LIMITS.infoSpanS }];
  }

  private onEventObject(e: ObjectEvent): void {
    this.counts.events++;
    const f = healFacts(e.object, e.source, e.line, this.matchers);
    // Below objectWhen() an Event may come cut to its identity: one that came whole is ignored too.
    if (!f || f.count < EVENT_LIMITS.infoCount || f.spanS === undefined || f.spanS < EVENT_LIMITS.infoSpanS) return;
    const k = eventKey(f);
    const had = this.healless.get(k);
    if (had && had.count >= f.count) return;
    if (!had && this.healless.size >= MAX_KEYS) return;
    this.healless.set(k, f);
  }

  seen(): Record<string, number> {
    return { ...this.counts };
  }

  /** The last counted failure record, whose next line may be its exception (the reason it failed). */
  private lastFailure?: { source: string; line: number; st: KeyState; cls: ErrorClass };

  private onLog(e: LogEvent): void {
    const msg = e.message;
    const lf = this.lastFailure;
    if (lf && e.source === lf.source && e.line === lf.line + 1) {
      this.lastFailure = undefined;
      const head = msg.replace(MARGIN_RE, '');
      if (EXCEPTION_HEAD_RE.test(head)) {
        this.onCause(lf, `${head} ${traceCauses(e.raw)}`, e.time);
        return;
      }
      // grep's `--` between the record and its trace: the trace attached to the separator is the record's.
      if (SEPARATOR_RE.test(msg)) {
        const causes = traceCauses(e.raw);
        if (causes) {
          this.onCause(lf, causes, e.time);
          return;
        }
      }
    }
    if (msg.startsWith('Starting reflector')) {
      const m = REFLECTOR_RE.exec(msg);
      const period = m ? parseGoDuration(m[2]!) : undefined;
      if (m) this.counts.reflectorStarts++;
      if (m && period !== undefined) {
        this.periods.set(`${e.source}\u0000${m[1]!}`, { period, phase: e.time !== undefined ? e.time % period : 0 });
      }
      return;
    }
    const fail = failureOf(e, this.matchers);
    if (fail) {
      this.counts.failureRecords++;
      const before = this.keys.get(fail.key)?.failures ?? 0;
      this.onFailure(fail, e);
      const st = this.keys.get(fail.key);
      this.lastFailure = st && st.failures > before ? { source: e.source, line: e.line, st, cls: fail.cls } : undefined;
      return;
    }
    const ok = successOf(e, this.matchers);
    if (ok) {
      const st = this.keys.get(ok);
      if (st) {
        st.streak = 0;
        st.successes++;
      }
    }
    const rid = strField(e.fields, 'reconcileID');
    if (rid) {
      this.counts.reconcileRecords++;
      this.onProcessing(rid, e);
    }
  }

  private touch<V>(map: Map<string, V>, key: string, make: () => V): V {
    let v = map.get(key);
    if (v !== undefined) {
      map.delete(key);
      map.set(key, v);
      return v;
    }
    if (map.size >= MAX_KEYS) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
      this.droppedKeys++;
    }
    v = make();
    map.set(key, v);
    return v;
  }

  private newKey(subject: Subject, e: LogEvent): KeyState {
    const p = this.periods.get(`${e.source}\u0000${subject.kind}`) ?? { period: DEFAULT_PERIOD_MS, phase: 0 };
    const ev = evOf(e);
    return {
      subject,
      period: p.period,
      phase: p.phase,
      capMs: subject.kind === 'APIService' ? CAP_AGGREGATOR_MS : CAP_DEFAULT_MS,
      failures: 0,
      authErrors: 0,
      authWindows: 0,
      lastAuthWin: NaN,
      first: e.time ?? 0,
      last: e.time ?? 0,
      backoff: new Map(),
      curWin: NaN,
      curCount: 0,
      windows: 0,
      excessWindows: 0,
      runStart: NaN,
      run: [],
      runEv: [],
      best: [],
      bestStart: NaN,
      bestEv: [],
      firstEv: ev,
      lastEv: ev,
      overlaps: 0,
      overlapEv: [],
      healless: 0,
      healWindows: 0,
      lastHealWin: NaN,
      transient: 0,
      streak: 0,
      maxStreak: 0,
      successes: 0,
      requeueMarks: 0,
    };
  }

  private onFailure(fail: Failure, e: LogEvent): void {
    const st = this.touch(this.keys, fail.key, () => this.newKey(fail.subject, e));
    st.lastEv = evOf(e);
    if (fail.requeueOnly) {
      st.requeueMarks++;
      return;
    }
    // A retry held back by its own backoff (CrashLoopBackOff) is the limiter working: not counted.
    if (fail.cls === 'backoff') return;
    const proc = st.backoff.has(e.source) || st.backoff.size < MAX_PROCESSES_PER_KEY ? e.source : '';
    let bk = st.backoff.get(proc);
    if (!bk) st.backoff.set(proc, (bk = { requeues: 0, lastFail: NaN, win: NaN, winEarly: 0, lastMessage: '' }));
    // One failure told twice: an operator logs its error, then controller-runtime logs
    // "Reconciler error" for the same return, within the same millisecond or so. A differently
    // worded record of the key from the same process within 5 ms (the rate limiter's base delay)
    // right after a counted failure is that failure's second telling: counted once. Only one
    // record pairs with each failure, so a burst of real re-adds (an event handler's Add while
    // the key is processed) is still counted record by record.
    const t0 = e.time;
    const told = bk.lastMessage;
    bk.lastMessage = '';
    if (t0 !== undefined && told !== '' && told !== e.message && t0 >= bk.lastFail && t0 - bk.lastFail < SAME_FAILURE_MS) return;
    bk.lastMessage = e.message;
    st.failures++;
    const code = statusOf(fail.text);
    if (code !== undefined) st.statusCode = code;
    const healless = CANNOT_HEAL.has(fail.cls);
    if (fail.cls === 'transient') st.transient++;
    else {
      st.streak++;
      if (st.streak > st.maxStreak) st.maxStreak = st.streak;
    }
    if (healless) {
      st.healless++;
      st.healClass = fail.cls;
    }
    const t = e.time;
    if (t === undefined) return;
    if (st.firstFail === undefined || t < st.firstFail) st.firstFail = t;
    if (st.lastFailT === undefined || t > st.lastFailT) st.lastFailT = t;
    if (t < st.first) st.first = t;
    if (t > st.last) st.last = t;
    const w = windowOf(st, t);
    countHealless(st, w, code, healless);
    // Backoff model: a failure sooner than half the expected delay was not a scheduled retry.
    let early = false;
    if (!Number.isNaN(bk.lastFail)) {
      const gap = t - bk.lastFail;
      const exp = expectedDelay(bk.requeues, st.capMs);
      if (gap > 2 * exp + st.period) bk.requeues = 0; // healed in between, a new streak
      else if (gap < 0.5 * exp) early = true;
    }
    bk.requeues++;
    if (t >= (Number.isNaN(bk.lastFail) ? -Infinity : bk.lastFail)) bk.lastFail = t;
    if (w < st.curWin) return; // out-of-order line: counted in totals only
    if (w === st.curWin) st.curCount++;
    else {
      if (!Number.isNaN(st.curWin)) this.closeWindow(st);
      st.curWin = w;
      st.curCount = 1;
      st.curEv = evOf(e);
      st.windows++;
    }
    if (bk.win !== w) {
      bk.win = w;
      bk.winEarly = 0;
    }
    if (early) bk.winEarly++;
  }

  /**
   * The exception on the line after a failure record is its reason: when the record's own text
   * did not say, and the exception is one retrying cannot heal (a fabric8 `Forbidden!`, a 401),
   * the failure counts as such, in its resync window.
   */
  private onCause(lf: { st: KeyState; cls: ErrorClass }, text: string, t: number | undefined): void {
    if (CANNOT_HEAL.has(lf.cls)) return;
    const cls = errorClassOf(text, this.matchers);
    if (!CANNOT_HEAL.has(cls)) return;
    const st = lf.st;
    st.healless++;
    st.healClass = cls;
    const code = statusOf(text);
    if (code !== undefined) st.statusCode = code;
    if (t === undefined) return;
    countHealless(st, windowOf(st, t), code, true);
  }

  /** Folds the current window into the growth run and excess tally. */
  private closeWindow(st: KeyState): void {
    const { growth, excess } = windowClose(st);
    st.run = growth.run;
    st.runStart = growth.runStart;
    st.runEv = growth.runEv;
    if (better(growth.run, st.best)) {
      st.best = growth.run;
      st.bestStart = growth.runStart;
      st.bestEv = growth.runEv;
    }
    if (excess) st.excessWindows++;
  }

  private onProcessing(rid: string, e: LogEvent): void {
    const ref = objectRef(e.fields);
    if (!ref) return;
    const controller = strField(e.fields, 'controller') ?? loggerController(e.logger) ?? null;
    const key = `${controller ?? ''}|${ref.namespace ?? ''}/${ref.name}`;
    const cur = this.inflight.get(key);
    if (!cur) {
      const subject: Subject = { kind: strField(e.fields, 'controllerKind') ?? 'Object', namespace: ref.namespace, name: ref.name, controller };
      this.touch(this.inflight, key, () => ({ cur: rid, source: e.source, subject }));
      return;
    }
    if (rid === cur.cur || cur.source !== e.source) return;
    if (rid === cur.prev) {
      // The previous reconcile of this key logs again after a newer one started: both in flight.
      const st = this.touch(this.keys, key, () => this.newKey(cur.subject, e));
      st.overlaps++;
      if (st.overlapEv.length < 4) st.overlapEv.push(evOf(e));
      if (e.time !== undefined) st.last = Math.max(st.last, e.time);
      cur.prev = undefined;
      return;
    }
    cur.prev = cur.cur;
    cur.cur = rid;
  }

  private onMetric(e: MetricEvent): void {
    const which =
      e.name === 'workqueue_depth' ? 'depth'
      : e.name === 'workqueue_adds_total' ? 'adds'
      : e.name === 'workqueue_retries_total' ? 'retries'
      : e.name === 'workqueue_unfinished_work_seconds' ? 'unfinished'
      : undefined;
    if (!which || !Number.isFinite(e.value)) return;
    this.counts.workqueueSamples++;
    const name = workqueueName(e.labels);
    if (!name) return;
    const inst = e.labels['instance'] ?? e.labels['pod'] ?? '';
    const key = `${name}|${inst}`;
    const q = this.touch(this.queues, key, () => ({
      subject: { kind: 'WorkQueue', namespace: e.labels['namespace'] ?? null, name, controller: e.labels['controller'] ?? null },
      depth: [],
      adds: [],
      retries: [],
      unfinished: [],
      seq: 0,
    }));
    const list = q[which];
    const timed = e.time !== undefined;
    list.push({ t: e.time ?? list.length, v: e.value, timed });
    if (list.length > MAX_SAMPLES) decimate(list);
    const ev: Evidence = {
      source: e.line !== undefined ? `${e.source}:${e.line}` : e.source,
      time: rfc3339(e.time),
      text: `${e.name}{${Object.entries(e.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}} ${e.value}`,
    };
    if (which === 'depth' || which === 'retries') {
      if (!q.firstEv) q.firstEv = ev;
      q.lastEv = ev;
    }
  }

  flush(): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const h of this.audit.stats().hotObjects) {
      const d = hotObjectFinding(h);
      if (d) out.push(d);
    }
    // Keys without a finding of their own are pooled per object: kube-aggregator's availability
    // and OpenAPI controllers each fail a few times on the same APIService.
    const reported = new Set<string>();
    const pooled = new Map<string, KeyState[]>();
    for (const st of this.keys.values()) {
      const d = this.keyFinding(st);
      const obj = objectId(st.subject);
      if (d) {
        out.push(d);
        reported.add(obj);
      } else if (st.failures > 0 && (st.subject.namespace || keyLike(st.subject.name, false))) {
        // A bare word ("key", "cluster") names a different thing in each controller: no pooling.
        const list = pooled.get(obj);
        if (list) list.push(st);
        else pooled.set(obj, [st]);
      }
    }
    for (const [obj, sts] of pooled) {
      if (sts.length < 2 || reported.has(obj)) continue;
      const d = this.objectFinding(sts);
      if (d) out.push(d);
    }
    for (const f of this.healless.values()) {
      const d = eventFinding(f);
      if (d) out.push(d);
    }
    for (const q of this.queues.values()) {
      const d = this.queueFinding(q);
      if (d) out.push(d);
    }
    return out;
  }

  private keyFinding(st: KeyState): Draft | undefined {
    const L = this.limits;
    // Close the open window on a copy: flush never changes state.
    let best = st.best;
    let bestEv = st.bestEv;
    let excessWindows = st.excessWindows;
    if (!Number.isNaN(st.curWin)) {
      const { growth, excess } = windowClose(st);
      if (better(growth.run, best)) {
        best = growth.run;
        bestEv = growth.runEv;
      }
      if (excess) excessWindows++;
    }
    const steps = best.length - 1;
    const firstC = best[0] ?? 0;
    const lastC = best[best.length - 1] ?? 0;
    const growing = steps >= L.growthSteps && lastC >= 4 * firstC && lastC >= L.growthMinLast;
    const growingSome = steps >= 2 && lastC >= 4 * firstC && lastC >= L.growthMinLast;
    const heal = st.healless >= 5 && st.healWindows >= L.authWindowsWarn;
    const healCrit = st.healless >= 10 && st.healWindows >= L.authWindowsCrit && excessWindows >= L.excessWindows;
    const excess = excessWindows >= L.excessWindows && st.failures >= 10;
    const overlap = st.overlaps >= 2;
    const healWhat = cannotHealWhat(st);
    const untimed = st.firstFail === undefined;

    let severity: Severity | undefined;
    let variant = 'repeated-failure';
    const reasons: string[] = [];
    const signals = new Set<string>();
    if (st.failures) signals.add('keyed-failures');
    if (st.requeueMarks) signals.add('requeue-records');
    if (st.healless) signals.add('cannot-heal');
    if (growing) reasons.push(`failures per ${st.period / 1000} s window grew ${best.join(' → ')}`);
    if (healCrit) reasons.push(`${healWhat} that cannot heal was retried ${st.healless} times in ${st.healWindows} windows, faster than backoff allows`);
    if (growing || healCrit) {
      severity = 'critical';
      variant = growing ? 'growth' : healVariant(st);
    } else {
      if (growingSome) reasons.push(`failures per ${st.period / 1000} s window grew ${best.join(' → ')}`);
      if (heal) reasons.push(`${healWhat} that cannot heal was retried ${st.healless} times in ${st.healWindows} windows`);
      if (excess) reasons.push(`in ${excessWindows} windows the key failed more often than per-item backoff plus one resync allows`);
      if (overlap) reasons.push(`a newer reconcile of the key started while an older one was still logging (${st.overlaps} times)`);
      if (reasons.length) {
        severity = 'warning';
        variant = growingSome ? 'growth' : heal ? healVariant(st) : excess ? 'backoff-excess' : 'overlap';
      }
      // A burst inside one window that does not come back is a key that failed and then passed.
      else if (st.healless > 0 && st.streak > 0) {
        severity = 'info';
        variant = healVariant(st);
        reasons.push(`${healWhat}, which retrying cannot heal, failed it ${st.healless === 1 ? 'once' : `${st.healless} times`} with no success since`);
      } else if (st.failures >= L.infoFailures && st.windows >= 2) {
        severity = 'info';
        variant = 'rate-limited-retries';
        reasons.push(`the key failed ${st.failures} times, within what the rate limiter allows`);
      } else if (st.maxStreak >= 3 && (st.windows >= 2 || untimed || st.requeueMarks >= 2)) {
        // Persistence: the failures come back in a later resync window, or the controller itself
        // logs the failure-requeue cycle more than once ("Rate Limited Requeue").
        severity = 'info';
        reasons.push(
          `the key failed ${st.maxStreak} times in a row${untimed ? '' : st.windows >= 2 ? ` across ${st.windows} resync windows` : `, requeued ${st.requeueMarks} times`} with no success between`,
        );
      } else if (st.overlaps === 1) {
        severity = 'info';
        variant = 'overlap';
        reasons.push('one reconcile of the key overlapped an older one');
      }
    }
    if (!severity) return undefined;
    if (growing || growingSome) signals.add('window-growth');
    if (excess) signals.add('backoff-excess');
    if (st.overlaps) signals.add('overlapping-reconciles');

    const metrics: FindingDraft['metrics'] = {
      windowSeconds: st.period / 1000,
      failures: st.failures,
      windows: st.windows,
    };
    if (best.length >= 2) metrics['perWindow'] = best.slice(0, 32);
    if (st.authErrors) metrics['authErrors'] = st.authErrors;
    if (st.healless > st.authErrors) metrics['cannotHealErrors'] = st.healless;
    if (st.statusCode !== undefined) metrics['statusCode'] = st.statusCode;
    if (excessWindows) metrics['excessWindows'] = excessWindows;
    if (st.overlaps) metrics['overlaps'] = st.overlaps;
    if (st.requeueMarks) metrics['requeues'] = st.requeueMarks;
    if (this.droppedKeys) metrics['droppedKeys'] = this.droppedKeys;

    const evidence: Evidence[] = [];
    const seen = new Set<string>();
    const add = (x: Evidence | undefined) => {
      if (x && !seen.has(x.source) && evidence.length < MAX_EVIDENCE) {
        seen.add(x.source);
        evidence.push(x);
      }
    };
    add(st.firstEv);
    for (const x of bestEv.length >= 2 ? bestEv.slice(0, MAX_EVIDENCE - 2) : []) add(x);
    for (const x of st.overlapEv) add(x);
    if (evidence.length >= MAX_EVIDENCE) evidence.pop();
    add(st.lastEv);

    const s = st.subject;
    const what = s.namespace ? `${s.namespace}/${s.name}` : s.name;
    const who = s.controller ?? 'workqueue';
    const confidence = severity === 'critical' || reasons.length >= 2 ? 'high' : severity === 'warning' || (st.healless >= 3 && st.healWindows >= 2) ? 'medium' : 'low';
    return {
      rule: 'queue-leak',
      severity,
      title:
        severity !== 'info'
          ? `${who} re-processes ${s.kind} ${what} faster than its rate limiter allows`
          : st.healless > 0 && variant !== 'overlap'
            ? `${who} fails on ${s.kind} ${what} with an error retrying cannot heal`
            : `${who} keeps failing on ${s.kind} ${what}, within what its rate limiter allows`,
      subject: s,
      summary: `${what}: ${st.failures} failures${st.statusCode !== undefined ? ` (last status ${st.statusCode})` : ''}${untimed ? '' : ` over ${st.windows} resync windows of ${st.period / 1000} s`}; ${reasons.join('; ')}.`,
      metrics,
      evidence,
      firstSeen: rfc3339(st.first || undefined),
      lastSeen: rfc3339(st.last || undefined),
      confidence,
      signals: [...signals],
      variant,
    };
  }

  /** An info note for one object that several controllers each failed on a few times, with no finding of their own. */
  private objectFinding(all: KeyState[]): Draft | undefined {
    const sts = [...all].sort((a, b) => (a.firstFail ?? Infinity) - (b.firstFail ?? Infinity) || (a.subject.controller ?? '').localeCompare(b.subject.controller ?? ''));
    const streak = sts.reduce((n, st) => n + st.maxStreak, 0);
    if (streak < 3) return undefined;
    const main = sts.reduce((a, b) => (b.failures > a.failures ? b : a));
    const times = sts.flatMap((st) => [st.firstFail, st.lastFailT]).filter((t): t is number => t !== undefined);
    const untimed = times.length === 0;
    const windows = new Set(times.map((t) => Math.floor((t - main.phase) / main.period))).size;
    const requeues = sts.reduce((n, st) => n + st.requeueMarks, 0);
    if (!untimed && windows < 2 && requeues < 2) return undefined;
    const controllers = [...new Set(sts.map((st) => st.subject.controller).filter((c): c is string => !!c))];
    const subject: Subject = { ...main.subject, controller: controllers.join(', ') || null };
    const what = subject.namespace ? `${subject.namespace}/${subject.name}` : subject.name;
    const failures = sts.reduce((n, st) => n + st.failures, 0);
    const evidence = sts
      .flatMap((st) => [st.firstEv, st.lastEv])
      .filter((x, i, all) => all.findIndex((y) => y.source === x.source) === i)
      .sort((x, y) => (x.time ?? '').localeCompare(y.time ?? ''))
      .slice(0, MAX_EVIDENCE);
    const first = Math.min(...sts.map((st) => st.first || Infinity));
    const last = Math.max(...sts.map((st) => st.last || 0));
    const metrics: FindingDraft['metrics'] = { windowSeconds: main.period / 1000, failures, windows, controllers: controllers.length };
    if (requeues) metrics['requeues'] = requeues;
    return {
      rule: 'queue-leak',
      severity: 'info',
      title: `${controllers.length} controllers keep failing on ${subject.kind} ${what}`,
      subject,
      summary: `${what}: ${failures} failures in ${controllers.join(' and ')}${untimed ? '' : ` over ${windows} resync windows of ${main.period / 1000} s`}, with no success between; each alone is within what its rate limiter allows.`,
      metrics,
      evidence,
      firstSeen: Number.isFinite(first) ? rfc3339(first) : undefined,
      lastSeen: last > 0 ? rfc3339(last) : undefined,
      confidence: 'low',
      signals: requeues ? ['keyed-failures', 'requeue-records'] : ['keyed-failures'],
      variant: 'repeated-failure',
    };
  }

  private queueFinding(q: QueueSeries): Draft | undefined {
    const reasons: string[] = [];
    const signals: string[] = [];
    let sev = 0; // 0 none, 1 info, 2 warning, 3 critical
    const metrics: FindingDraft['metrics'] = {};
    const d = q.depth;
    if (d.length) {
      metrics['depthFirst'] = d[0]!.v;
      metrics['depthLast'] = d[d.length - 1]!.v;
      metrics['depthMax'] = Math.max(...d.map((x) => x.v));
      metrics['snapshots'] = d.length;
    }
    if (d.length >= 3) {
      const slope = slopePerMinute(d);
      if (slope !== undefined) metrics['depthSlopePerMinute'] = round(slope, 3);
      let up = 0;
      for (let i = 1; i < d.length; i++) if (d[i]!.v >= d[i - 1]!.v) up++;
      const first = d[0]!.v;
      const last = d[d.length - 1]!.v;
      const rising = last > first && up / (d.length - 1) >= 0.75 && (slope === undefined || slope > 0);
      if (rising && last >= 100 && last >= 4 * Math.max(first, 1)) {
        sev = Math.max(sev, 3);
        reasons.push(`depth grew ${first} → ${last} over ${d.length} snapshots`);
        signals.push('depth-trend');
      } else if (rising && last >= 10) {
        sev = Math.max(sev, 2);
        reasons.push(`depth keeps rising (${first} → ${last})`);
        signals.push('depth-trend');
      }
      // The amount-held view (stale-pending's, which leaves workqueue_depth to this rule): a depth
      // that rose at four or more snapshots in a row and never fell is not draining, however low.
      let rises = 0;
      let drops = 0;
      for (let i = 1; i < d.length; i++) {
        if (d[i]!.v > d[i - 1]!.v) rises++;
        else if (d[i]!.v < d[i - 1]!.v) drops++;
      }
      if (rises >= 3 && drops === 0 && last > first) {
        sev = Math.max(sev, 2);
        if (!signals.includes('depth-trend')) reasons.push(`depth rose at ${rises + 1} snapshots in a row and never fell (${first} → ${last})`);
        else reasons.push(`it rose at ${rises + 1} snapshots in a row and never fell`);
        signals.push('depth-never-falls');
      }
    }
    const rd = deltas(q.retries);
    const ad = deltas(q.adds);
    if (rd.length) {
      const retries = rd.reduce((a, b) => a + b, 0);
      metrics['retriesDelta'] = retries;
      metrics['retriesPerInterval'] = rd.slice(-16);
      const run = bestRun(rd);
      if (run.length - 1 >= 3 && run[run.length - 1]! >= 4 * Math.max(run[0]!, 1) && run[run.length - 1]! >= 8) {
        sev = Math.max(sev, 3);
        reasons.push(`retries per interval grew ${run.join(' → ')}`);
        signals.push('retries-growth');
      }
      if (ad.length) {
        const adds = ad.reduce((a, b) => a + b, 0);
        metrics['addsDelta'] = adds;
        if (adds > 0) metrics['retryRatio'] = round(retries / adds, 3);
        if (retries >= 50 && adds > 0 && retries / adds >= 0.5) {
          sev = Math.max(sev, 2);
          reasons.push(`${retries} of ${adds} adds were retries`);
          signals.push('retry-ratio');
        }
      }
    } else if (q.retries.length === 1 && q.adds.length === 1) {
      const r = q.retries[0]!.v;
      const a = q.adds[0]!.v;
      if (r >= 1000 && a > 0 && r / a >= 0.5) {
        sev = Math.max(sev, 1);
        metrics['retriesTotal'] = r;
        metrics['addsTotal'] = a;
        reasons.push(`${r} of ${a} adds since start were retries (one snapshot: no trend)`);
        signals.push('retry-ratio');
      }
    }
    const u = q.unfinished;
    if (u.length >= 3) {
      let grow = 0;
      for (let i = 1; i < u.length; i++) if (u[i]!.v > u[i - 1]!.v) grow++;
      const last = u[u.length - 1]!.v;
      metrics['unfinishedWorkSeconds'] = round(last, 1);
      if (grow === u.length - 1 && last >= 60) {
        const s = last >= 600 ? 3 : 2;
        sev = Math.max(sev, s);
        reasons.push(`unfinished work grew in every snapshot to ${round(last, 1)} s (a worker is stuck)`);
        signals.push('unfinished-work');
      }
    }
    if (sev === 0) return undefined;
    const all = [...q.depth, ...q.retries];
    const timed = all.filter((x) => x.timed).map((x) => x.t);
    const first = timed.length ? Math.min(...timed) : undefined;
    const last = timed.length ? Math.max(...timed) : undefined;
    if (first !== undefined && last !== undefined) metrics['windowSeconds'] = round((last - first) / 1000, 1);
    if (this.droppedKeys) metrics['droppedKeys'] = this.droppedKeys;
    const evidence = [q.firstEv, q.lastEv].filter((x): x is Evidence => x !== undefined);
    if (evidence.length === 2 && evidence[0]!.source === evidence[1]!.source) evidence.pop();
    return {
      rule: 'queue-leak',
      severity: sev === 3 ? 'critical' : sev === 2 ? 'warning' : 'info',
      title: `Workqueue ${q.subject.name} is not draining`,
      subject: q.subject,
      summary: `workqueue ${q.subject.name}: ${reasons.join('; ')}.`,
      metrics,
      evidence,
      firstSeen: rfc3339(first),
      lastSeen: rfc3339(last),
      confidence: sev === 1 ? 'low' : sev === 3 || signals.length >= 2 ? 'high' : 'medium',
      signals,
      variant: 'queue-not-draining',
    };
  }
}

/** The growth run and excess flag a key's open window would produce if closed now. */
function windowClose(st: KeyState): { growth: { run: number[]; runStart: number; runEv: Evidence[] }; excess: boolean } {
  const c = st.curCount;
  const ev = st.curEv;
  let run: number[];
  let runStart: number;
  let runEv: Evidence[];
  const prevWin = st.runStart + st.run.length - 1;
  const prev = st.run[st.run.length - 1];
  if (st.run.length && st.curWin === prevWin + 1 && prev !== undefined && c > prev) {
    run = [...st.run, c];
    runStart = st.runStart;
    runEv = ev ? [...st.runEv, ev] : st.runEv;
  } else {
    run = [c];
    runStart = st.curWin;
    runEv = ev ? [ev] : [];
  }
  // One early (unscheduled) failure per window is the resync; two more is the allowance's slack.
  // Counted per process: each replica of a controller has its own queue, resync and backoff.
  let excess = false;
  for (const bk of st.backoff.values()) if (bk.win === st.curWin && bk.winEarly - 1 >= 2) excess = true;
  return { growth: { run, runStart, runEv }, excess };
}

/** Whether growth run a beats b: more steps, then a larger last/first ratio. */
function better(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return a.length > b.length;
  if (!a.length) return false;
  return a[a.length - 1]! / Math.max(a[0]!, 1) > b[b.length - 1]! / Math.max(b[0]!, 1);
}

/** Longest run of strictly increasing values. */
function bestRun(xs: number[]): number[] {
  let best: number[] = [];
  let cur: number[] = [];
  for (const x of xs) {
    if (cur.length && x > cur[cur.length - 1]!) cur.push(x);
    else cur = [x];
    if (better(cur, best)) best = [...cur];
  }
  return best;
}

/** Counter increments between samples (a reset counts from zero). */
function deltas(s: Sample[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1]!.v;
    const b = s[i]!.v;
    out.push(b >= a ? b - a : b);
  }
  return out;
}

/** Least-squares slope of a gauge per minute (per snapshot when samples have no time). */
function slopePerMinute(s: Sample[]): number | undefined {
  const n = s.length;
  if (n < 2) return undefined;
  const timed = s.every((x) => x.timed);
  const xs = s.map((x, i) => (timed ? x.t / 60_000 : i));
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = s.reduce((a, b) => a + b.v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (s[i]!.v - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : undefined;
}

/** Halves a sample list, keeping the first and every other sample, so long runs stay bounded. */
function decimate(s: Sample[]): void {
  let j = 1;
  for (let i = 2; i < s.length; i += 2) s[j++] = s[i]!;
  s.length = j;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * A controller's Event repeating an error retrying cannot heal, often and steadily: warning when
 * it came back at least every 20 minutes for an hour or more (20+ times), info for a shorter run
 * (5+ times over 10 minutes). A burst (bootstrap, a rollout) is none.
 */
export function eventFinding(f: HealFacts, L = EVENT_LIMITS): Draft | undefined {
  const span = f.spanS;
  if (span === undefined || f.count < L.infoCount || span < L.infoSpanS) return undefined;
  const gap = span / (f.count - 1);
  if (gap > L.maxGapS) return undefined;
  const warn = f.count >= L.warnCount && span >= L.warnSpanS;
  const strong = f.count >= L.strongCount && span >= L.strongSpanS;
  const s = f.subject;
  const what = s.namespace ? `${s.namespace}/${s.name}` : s.name;
  const who = f.component ?? 'a controller';
  const kind = f.cls === 'auth' ? `a ${statusOf(f.message) ?? '401/403'}` : f.cls === 'tls' ? 'a certificate (TLS) error' : f.cls === 'host' ? 'a host name that does not resolve' : 'an API the server does not serve';
  return {
    rule: 'queue-leak',
    severity: warn ? 'warning' : 'info',
    title: `${who} keeps retrying ${s.kind === 'Event' ? 'an error' : `${s.kind} ${what} on an error`} that cannot heal (${f.reason} ×${f.count} over ${humanSpan(span)})`,
    subject: s,
    summary:
      `${s.kind === 'Event' ? '' : `${what}: `}Event ${f.reason} from ${who} repeated ${f.count} times over ${humanSpan(span)}, about every ${humanSpan(gap)}: ` +
      `${kind}, which retrying cannot heal, retried ${warn ? 'all along' : 'again and again'}${warn ? '' : ' (a shorter run than a warning needs)'}.`,
    metrics: { eventCount: f.count, spanSeconds: Math.round(span), meanGapSeconds: Math.round(gap), ...(f.cls === 'auth' && statusOf(f.message) !== undefined ? { statusCode: statusOf(f.message)! } : {}) },
    evidence: [f.evidence],
    firstSeen: rfc3339(f.first),
    lastSeen: rfc3339(f.last),
    confidence: warn ? (strong ? 'high' : 'medium') : 'low',
    signals: ['event-repeats', 'cannot-heal'],
    variant: f.cls === 'auth' ? 'auth-retry' : 'cannot-heal',
  };
}

/** Leader-election locks are renewed every few seconds by design: never a hot loop. */
const LOCK_RESOURCES = new Set(['coordination.k8s.io/leases', 'leases']);

/**
 * A hot object from the audit log: a controller that re-processes one key reads or writes that
 * object far more often than any of its peers. Warning at 10× its peers (and ≥ 30 requests),
 * critical at 100× and at least one request a second.
 */
function hotObjectFinding(h: HotObject): Draft | undefined {
  if (LOCK_RESOURCES.has(h.resource)) return undefined;
  const severity: Severity = h.factor >= 100 && h.perMinute >= 60 ? 'critical' : 'warning';
  const agent = h.userAgents[0]?.key;
  const kind = h.resource.split('/').pop() ?? h.resource;
  const what = h.namespace ? `${h.namespace}/${h.name}` : h.name;
  const ev = (e: AuditEvent): Evidence => ({ source: `${e.source}:${e.line}`, time: e.time !== undefined ? new Date(e.time).toISOString() : undefined, text: e.raw });
  return {
    rule: 'queue-leak',
    severity,
    title: `${agent ?? 'a client'} requests ${kind} ${what} ${Math.round(h.factor)}× more often than its peers`,
    subject: { kind, namespace: h.namespace ?? null, name: h.name, controller: agent ?? null },
    summary:
      `${what} (${h.resource}) got ${h.count} requests (${h.reads} reads, ${h.writes} writes; ${Math.round(h.perMinute)} a minute), ` +
      `${Math.round(h.factor)}× the median of its peers (${h.peerMedian}); mostly ${h.verbs.map((v) => `${v.key} ×${v.count}`).slice(0, 3).join(', ')} ` +
      `from ${h.userAgents.map((u) => u.key).slice(0, 2).join(', ')}: a key re-processed in a loop.`,
    metrics: { requests: h.count, reads: h.reads, writes: h.writes, perMinute: Math.round(h.perMinute * 10) / 10, peerMedian: h.peerMedian, factor: Math.round(h.factor * 10) / 10 },
    evidence: h.samples.slice(0, 5).map(ev),
    firstSeen: h.firstSeen !== undefined ? new Date(h.firstSeen).toISOString() : undefined,
    lastSeen: h.lastSeen !== undefined ? new Date(h.lastSeen).toISOString() : undefined,
    confidence: severity === 'critical' ? 'high' : 'medium',
    signals: ['hot-object'],
    variant: 'hot-object',
  };
}

declare module '../rule.js' {
  interface RuleIds {
    'queue-leak': true;
  }
}

/** The queue-leak rule: per-key failures from logs, workqueue metrics, audit request amplification. */
export const queueLeak = defineRule({
  rule: 'queue-leak',
  order: 10,
  text: {
    title: 'Workqueue re-adds a key faster than its rate limiter allows',
    meaning:
      'a workqueue holds or re-processes the same key more than its rate limiter allows: resync or event re-adds while the key is in backoff or in flight, duplicate in-flight processing, retry counts that grow from resync window to resync window, retries of errors that cannot heal (401/403)',
    explanation: [
      'client-go workqueues deduplicate a key only while it waits in the queue. A controller that calls Add or AddRateLimited from a periodic resync, an event handler and its own failure path puts the key back while it is still backing off or being processed, so each resync window adds another copy and its retries: failures per window grow 1, 2, 4, 8.',
      'Errors that cannot heal make it worse: every retry fails the same way, forever, and each one costs an API call or a backend request. They are 401 Unauthorized and 403 Forbidden (also "Bad credentials"), certificate and TLS errors (x509: expired, signed by an unknown authority, not valid for the name), host names that do not resolve ("no such host"), and an API the server does not serve ("the server could not find the requested resource", "no matches for kind": a removed group or version).',
      'From logs ctrlscope reads per-key failure records, by structure before words: a keyed failure is a record at error level, or worded as a failure or a requeue (Crossplane\'s debug records with an error field included), that names an object key (a cluster-scoped request written /name included). The key comes from a key field (key, knative.dev/key, request, object, item), name/namespace fields, the controller-runtime object ref, a quoted key after a sync phrase ("error syncing \'ns/name\'", "failed to sync \"key\"", "Re-queuing item \"ns/name\""), kube-aggregator\'s "<key> failed with: …" (plain klog, the structured "Unhandled Error" err="…" form and the OpenAPI controller\'s "loading OpenAPI spec for \"<key>\" failed with"; subject APIService), "item <key>" or "key=<key>" in a requeue record, "Sync <key> failed", "it will be retried <key>:", a quoted name right after a failed action ("Failed to get pod \'name\'"; not RBAC\'s "cannot get resource \"pods\"", which names a type), Java Operator SDK\'s ResourceID{name=\'x\', namespace=\'y\'}, and the JSON fields of a line no parser could read (a JSON line cut short). A Java exception in the trace attached to a failure record ("Caused by: …"), or on the line right after it (past a grep `--`), is that failure\'s reason ("…KubernetesClientException: … Forbidden"). So controller-runtime\'s "Reconciler error", Knative\'s "Reconcile error" with knative.dev/key, wrangler\'s "error syncing \'key\': handler X: …, requeuing", cert-manager\'s "re-queuing item due to error processing" and library-go\'s "\"X\" controller failed to sync" all count. The controller is the controller or knative.dev/controller field, a wrangler handler, a quoted controller name, the logger, or the source file. List/watch and leader-election failures name no queued key and are left out. Records saying a key was handled ("Successfully synced", "Reconcile succeeded") end its failure streak. Lines with a reconcileID show which reconcile of a key is in flight.',
      'Failures are counted per key in resync windows: the period of "Starting reflector *v1.<Kind> (30s)" for that kind in the same input (an informer\'s period is its own process\'s), aligned to the time the reflector started, else 30 s aligned to the clock. Each failure is checked against a model of per-item exponential backoff (5 ms doubling per requeue, capped at 30 s for kube-aggregator and 1000 s otherwise): a failure sooner than half the expected delay was not a scheduled retry. One such early failure per window is the resync; more is excess.',
      'From Prometheus samples (text exposition, one or many snapshots) it reads, per queue `name` label: the workqueue_depth trend (a least-squares slope over snapshots, never rate() on a gauge), workqueue_adds_total against workqueue_retries_total, the growth of retries per interval, and workqueue_unfinished_work_seconds growth (a stuck worker).',
      'From Kubernetes Events (Event objects in dumps and bundles, core/v1 and events.k8s.io/v1; `kubectl get events` tables; the Events section of `kubectl describe`) it reads a controller\'s Warning that repeats an error retrying cannot heal (the same words as above): the controller\'s event recorder (client-go\'s) folds the repeats of one event into its count, from its first to its last time (`74s (x107 over 9h)` in kubectl\'s words). By default it lets one source write about one object 25 times at once and then once every 5 minutes, and the default controller rate limiter retries a failing key at least every 1000 s, so a key retried forever shows as a count that keeps rising at least every 20 minutes for as long as the error lasts. Events from the kubelet (probes, image pulls, container back-off, mounts, sandboxes; told by their source, or by reason where a table has no SOURCE column) are its pod workers, not a controller\'s workqueue, and are never read this way.',
      'From Kubernetes audit logs (audit.k8s.io/v1) it finds request amplification: one object read or written far more often than the other objects of its resource (at least 30 requests and 10× their median), the footprint of a key re-processed in a loop; leader-election Leases, renewed every few seconds by design, are left out.',
      'State is bounded: at most 10 000 keys and queues are tracked; the least recently updated is dropped first and the number dropped is reported as metrics.droppedKeys.',
    ],
    severity: [
      'critical: failures per window grow for at least three consecutive windows to at least 4× the first and at least 8 (1 → 2 → 4 → 8); or a 401/403 is retried in at least 5 windows (10+ failures) and faster than backoff allows in at least 2 of them; from metrics, depth rising across snapshots to ≥ 100 and ≥ 4× its start, retries per interval growing three times in a row to ≥ 4× (and ≥ 8), or unfinished work above 600 s and growing in every snapshot.',
      'warning: growth over two consecutive windows (to ≥ 8 and ≥ 4×); a 401/403 retried in at least 3 windows (5+ failures); excess over backoff plus one resync (3+ early failures) in at least 2 windows with 10+ failures; a newer reconcile of a key starting while an older one still logs, twice or more; from metrics, depth rising to ≥ 10, depth rising at four or more snapshots in a row without a fall (at any level), retries ≥ 50 and at least half of all adds, or unfinished work above 60 s growing in every snapshot.',
      'audit logs: warning when one object gets at least 30 requests and 10× the median of its peers; critical at 100× and at least one request a second.',
      'Events: warning when a controller\'s Warning about an error retrying cannot heal repeated at least 20 times over at least an hour, on average at least every 20 minutes (high confidence at 100 times over 6 hours); info for at least 5 times over 10 minutes at that pace. A burst (11 times in 5 s while a cluster boots) and a count spread thinly over days are not reported; an Event alone is never critical (its count cannot show retries faster than backoff).',
      'info (thin evidence, never a warning on its own): one or more failures of a key with an error that cannot heal and no success since (401/403, certificate, unknown host, an API not served); three or more failures of a key in a row with no success between, across at least two resync windows or with the controller logging the requeue of the key twice or more ("Rate Limited Requeue"; anywhere, when the lines carry no time); a key failed 10 times or more in at least two windows within what the rate limiter allows; several controllers each failing a few times on one object (an APIService failed by the availability and OpenAPI controllers), as one note for the object; one overlapping reconcile; or (single metrics snapshot) retries ≥ 1000 and at least half of all adds.',
      'A warning or critical finding about errors that cannot heal applies to all of these classes, not only 401/403.',
    ],
    signals: [
      'keyed-failures: failure records that name the key; requeue-records: records saying the key was requeued; cannot-heal: the error is one retrying cannot fix; window-growth: failures per resync window grow; backoff-excess: failures come sooner than per-item backoff plus one resync allows, in one process (each replica, each input, has its own queue and backoff); overlapping-reconciles: a newer reconcile of the key starts while an older one still logs.',
      'From Events: event-repeats (with cannot-heal): a controller\'s Warning repeated steadily over a long span.',
      'From metrics: depth-trend, depth-never-falls (the depth rose at four or more snapshots in a row without a fall; stale-pending leaves a named workqueue_depth series to this rule, so a growing queue is one finding), retry-ratio, retries-growth, unfinished-work. From audit logs: hot-object.',
      'confidence: high for critical findings and when two or more reasons agree; medium for a warning with one reason, or errors that cannot heal seen three or more times in two windows; low for thin evidence.',
    ],
    variants: [
      { id: 'growth', text: 'failures per resync window grow window after window' },
      { id: 'auth-retry', text: 'a 401/403 retried again and again' },
      { id: 'cannot-heal', text: 'another error retrying cannot heal (certificate, unknown host, an API not served) retried again and again' },
      { id: 'backoff-excess', text: 'the key fails more often than its per-item backoff plus one resync allows' },
      { id: 'overlap', text: 'a newer reconcile of the key starts while an older one is still in flight' },
      { id: 'repeated-failure', text: 'a key (or an object several controllers work on) keeps failing with no success between: thin evidence, info' },
      { id: 'rate-limited-retries', text: 'a key fails in many windows, at the rate limiter\'s pace: info' },
      { id: 'queue-not-draining', text: 'from workqueue metrics: depth, retries or unfinished work keep growing' },
      { id: 'hot-object', text: 'from audit logs: one object requested far more often than its peers' },
    ],
    notFlagged: [
      'a key that fails a few times and then passes (a backoff burst within one window that does not come back, such as 13 failures in 3 s, is not reported)',
      'optimistic-concurrency conflicts ("the object has been modified"): the next attempt heals them by design; they make no note on their own',
      'a retry held back by its own backoff (the kubelet\'s "Error syncing pod" with CrashLoopBackOff or ImagePullBackOff): that is the limiter working',
      'Events from the kubelet, however often they repeat (probe failures, image pulls, BackOff of containers, FailedMount): its pod workers are not a controller\'s workqueue; and Normal events',
      'a key that keeps failing at the rate limiter\'s pace (one retry plus one resync per window) — info only',
      'a queue whose depth stays low (below 10) and falls back now and then, or a single metrics snapshot (no trend)',
    ],
    remediation: {
      summary: 'Stop re-adding a key that is already queued, processing or backing off, and do not retry errors that cannot heal.',
      steps: [
        'In the resync/event handlers, skip queue.Add/AddRateLimited while the key is queued, being processed or backing off (queue.NumRequeues(key) > 0); let the rate limiter own retries. In kube-aggregator-style controllers, do not call AddRateLimited from the sync function and again from the resync handler for the same key.',
        'Lengthen the informer resync period (NewSharedInformerFactory(client, 10*time.Minute) or 0 to disable) — resync is a safety net, not a retry loop; rely on watch events and the rate limiter.',
        'For 401/403 (apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err), or an HTTP status 401/403 from a backend) call queue.Forget(key) and return without requeueing, or requeue after a long fixed delay with queue.AddAfter(key, 5*time.Minute); in controller-runtime return reconcile.Result{RequeueAfter: 5 * time.Minute}, nil (or reconcile.TerminalError(err)). Then fix the credentials or RBAC.',
        'Alert on queue health per name label: workqueue_depth > 100 for 10m, rate(workqueue_retries_total[5m]) / rate(workqueue_adds_total[5m]) > 0.5, and workqueue_unfinished_work_seconds growing.',
      ],
      references: [
        'https://pkg.go.dev/k8s.io/client-go/util/workqueue',
        'https://github.com/kubernetes/sample-controller/blob/master/controller.go',
        'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kube-aggregator/pkg/controllers/status/remote/remote_available_controller.go',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/reconcile#TerminalError',
      ],
    },
  },
  options: ({ positiveInt }) => ({
    /** Consecutive window-to-window increases of a key's failures for a critical finding (default 3). */
    growthSteps: positiveInt().optional(),
    /** Failures the last window of such a run must reach (default 8). */
    growthMinLast: positiveInt().optional(),
    /** Resync windows with 401/403 failures of one key for a warning (default 3) … */
    authWindowsWarn: positiveInt().optional(),
    /** … and for a critical finding (default 5). */
    authWindowsCrit: positiveInt().optional(),
    /** Windows whose failures exceed backoff plus one resync, for a warning (default 2). */
    excessWindows: positiveInt().optional(),
    /** Failures of one key before an info finding (default 10). */
    infoFailures: positiveInt().optional(),
  }),
  consumes: ['log', 'metric', 'audit', 'object'],
  vocabulary: {
    ...QUEUE_LEAK_VOCABULARY,
    reflectors: { about: 'reflector starts, which give the resync period of a kind', words: ['Starting reflector'] },
  },
  minLevel: 'error',
  live: {
    series: ['failures', 'retriesDelta', 'depthLast'],
    seriesLabel: 'failures',
    watch: [{ group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices', kind: 'APIService', namespaced: false }],
  },
  remediate: queueLeakRemediation,
  create: (ctx) => new QueueLeak(ctx),
});
export default queueLeak;
