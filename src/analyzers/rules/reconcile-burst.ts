// reconcile-burst: one trigger (a ConfigMap or Secret change, "requeueing all", "Triggering
// reconciliation for all … count=N") fans out into N reconciles that each touch about N objects,
// or a reconcile rate far above the object count.
//
// From logs: a trigger opens a window (60 s by default, option `windowSeconds`); every reconcile
// (a distinct `reconcileID`, or a "Reconciling" line when the controller logs no ids) that starts
// inside it is attributed to the trigger, with the distinct object names it logs (fields such as
// `variant`, `object`, `target`, `*Name`) or its `count=N`. From Prometheus samples:
// controller_runtime_reconcile_total increments per interval, compared with the object count.
// From Kubernetes Events: a controller's Normal event about one object repeated in a loop (many
// times, seconds apart, for minutes or hours) is the hot loop as the event recorder counted it.
// Memory is bounded: reconcile ids are remembered in an LRU of MAX_IDS, objects per reconcile and
// reconciles per trigger are capped.
import { reconcileBurstRemediation } from '../remediation.js';
import type { Event, EventCondition, FieldValue, LogEvent, MetricEvent, ObjectEvent } from '../../core/event.js';
import { numField, strField } from '../../core/event.js';
import type { Evidence, FindingDraft, Remediation, Severity, Subject } from '../../core/finding.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import { eventFacts, eventKey, humanSpan, type EventFacts } from '../event-facts.js';
import { vocabularyOption, wordsRe, type Vocabulary } from '../rule.js';
import { defineRule } from '../rule.js';

/** Reconcile ids remembered at once (LRU). */
export const MAX_IDS = 10_000;
const MAX_RECS_PER_TRIGGER = 5_000;
const MAX_OBJECTS_PER_REC = 5_000;
const MAX_TRIGGERS = 1_000;
const DEFAULT_WINDOW_MS = 60_000;
const MAX_EVIDENCE = 8;

const TRIGGER_ALL_RE =
  /\b(?:re-?queu(?:e|es|ed|ing|eing)|enqueu(?:e|es|ed|ing|eing)|trigger(?:s|ed|ing)?(?: (?:a )?reconcil\w*(?: for| of)?)?|reconcil(?:e|es|ed|ing))\s+(?:of\s+)?all\b/i;
const TRIGGER_CHANGE_RE = /\b(?:ConfigMap|Secret)\b.{0,40}?\b(?:change[sd]?|update[sd]?|modified)\b/i;
const FOR_ALL_KIND_RE = /\ball\s+([A-Z][A-Za-z0-9]+)/;
const COUNT_RE = /\bcount[=:]\s*"?(\d+)/;
/**
 * The words this rule matches, as data (`rules.reconcile-burst.vocabulary` in the config adds
 * words to each list). The prefilter keeps every line holding one of them.
 */
export const VOCABULARY = {
  markers: {
    about:
      'reconcile markers of every ecosystem: controller-runtime and operator-sdk (Reconciling, Reconcile successful, Reconciled release), Knative and Tekton (Reconcile succeeded/failed), kube-rs (reconciling object), Java Operator SDK (Reconciling resource), Argo CD (Refreshing app status, Reconciliation completed, with application=), "Starting/Finish … reconcile loop", client-go controllers (Finished syncing, Successfully synced), cert-manager\'s work queue (syncing item, finished processing work item), kopf (Handler \'…\' succeeded), operator-sdk Ansible operators (ansible-runner exited)',
    words: ['reconcil', 'finished syncing', 'successfully synced', 'syncing item', 'processing work item', "handler '", "timer '", 'ansible-runner exited', 'refreshing app status'],
  },
  starts: {
    about: 'how a reconcile announces its start when the controller logs no reconcile id (the start of the message)',
    words: ['Reconciling', 'Reconcile started', 'Starting reconcil', 'Start reconcil', '[Start] Reconcil', 'Refreshing app status', 'syncing item'],
  },
  ends: {
    about:
      'how a reconcile announces that it finished (the start of the message): the same object started again within 50 ms of finishing is a reconcile that triggered the next',
    words: ['Reconciliation completed', 'Reconciliation finished', 'Reconcile succeeded', 'Reconcile successful', 'Successfully reconciled', 'Reconciled', 'End reconcil', '[End] Reconcil', 'Finished syncing', 'Successfully synced', 'finished processing work item'],
    // Every word holds a marker, which keeps the line already.
    prefilter: 'none',
  },
  idFields: {
    about: "fields that carry the id of one reconcile (every line of one reconcile has the same value; Strimzi's reconciliation number is read from its `Reconciliation #N(trigger) Kind(ns/name):` prefix)",
    words: ['reconcileID', 'reconcile_id', 'reconcileId', 'knative.dev/traceid', 'reconciliation'],
  },
  keyFields: {
    about: 'fields that name the object being reconciled, besides namespace and name',
    words: ['knative.dev/key', 'key', 'request', 'req', 'NamespacedName', 'application'],
    prefilter: 'none',
  },
  nameFields: {
    about: "fields that hold the reconciled object's name, with namespaceFields its namespace (operator-sdk before 1.0 logged Request.Name and Request.Namespace)",
    words: ['name', 'Request.Name'],
    prefilter: 'none',
  },
  namespaceFields: {
    about: "fields that hold the reconciled object's namespace",
    words: ['namespace', 'Request.Namespace'],
    prefilter: 'none',
  },
  triggers: {
    about: 'triggers that fan out to every object: requeue/enqueue/trigger/reconcile … all, a ConfigMap or Secret change',
    words: ['requeu', 're-queu', 'enqueu', 'trigger', 'configmap', 'secret'],
  },
  statusWrites: {
    about: "a reconcile's own status write, which re-triggers the next one in a hot loop",
    words: ['status update', 'updating status', 'updated status', 'status updated', 'patching status', 'update status', 'updatestatus'],
  },
} satisfies Vocabulary;

/** The start-of-message markers of a reconcile in a controller that logs no ids. */
const startsRe = (extra: readonly string[]) => wordsRe(VOCABULARY.starts, extra, (alt) => `^${alt}`);
/** The start-of-message markers of a finished reconcile. */
const endsRe = (extra: readonly string[]) => wordsRe(VOCABULARY.ends, extra, (alt) => `^${alt}`);
/** A reconcile of the same object that starts this soon after one finished was triggered by it. */
const RESTART_MS = 50;
/** Fields that name the object a reconcile works on, not the request itself. */
const OBJECT_KEY_RE = /^(?:variant|va|object|resource|target|item|member|child|workload|instance)(?:name|key)?$|^[a-z][A-Za-z]*Name$/i;
// `processed` and plural nouns are what a reconcile logs about its own work ("variants": 20, "processed": 20):
// they still tell the objects per reconcile when a log sampler (zap in production drops repeats past
// 100 a second) has dropped most per-object lines.
const COUNT_KEY_RE = /^(?:count|objects|objectCount|items|itemCount|total|processed|variants|targets|resources|workloads)$/;
const SKIP_KEYS = new Set(['controller', 'controllerGroup', 'controllerKind', 'namespace', 'name', 'reconcileID', 'logger', 'caller', 'msg', 'level', 'ts']);
/** Fields that vary inside a reconcile without naming an object. */
const NOT_OBJECT_KEY_RE =
  /^(?:err(?:or)?|errorVerbose|stacktrace|stack|reason|message|msg|time|timestamp|ts|@timestamp|duration|elapsed|latency|took|age|since|until|level|severity|logger|caller|commit|version|resourceVersion|generation|observedGeneration|uid|traceid|spanid|trace_id|span_id|status|phase|state|result|requeue|requeueAfter|attempt|retry|retries|count|total|knative\.dev\/controller|knative\.dev\/kind|knative\.dev\/key|knative\.dev\/traceid)$/i;

/** A value that looks like an object name (k8s DNS-ish names, ns/name keys), not a sentence, number or time. */
function nameLike(v: string): boolean {
  return v.length > 0 && v.length <= 253 && /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(v) && !/^\d+(?:\.\d+)?(?:[a-zµ]+)?$/.test(v) && !/^\d{4}-\d{2}-\d{2}/.test(v);
}

interface Trigger {
  time: number;
  n?: number;
  kind?: string;
  name?: string;
  logger?: string;
  ev: Evidence;
  recs: Map<string, Rec>;
  firstRec?: Evidence;
  /** The latest reconcile line, kept as the event and turned into evidence only when reported. */
  lastRec?: LogEvent;
  last: number;
  droppedRecs: number;
}

interface Rec {
  first: number;
  last: number;
  controller?: string;
  kind?: string;
  namespace?: string;
  request: string;
  objects: Map<string, Set<string>>;
  countMax: number;
}

/** Per-controller reconcile counts in fixed buckets, for storms without a trigger. */
interface StormBucket {
  start: number;
  ids: number;
  keys: Set<string>;
  ev?: Evidence;
}
interface Storm {
  kind?: string;
  namespace?: string;
  cur?: StormBucket;
  worst?: { start: number; ids: number; keys: number; ev?: Evidence };
}

interface ReconcileSeries {
  /** Per result label: samples in order. */
  byResult: Map<string, { t: number; v: number; timed: boolean }[]>;
  line?: Evidence;
}

/** What to do about a hot loop (the rule's catalog remediation is about fan-out). */
export const HOT_LOOP_REMEDIATION: Remediation = {
  summary: 'Stop the reconcile from triggering itself: write status only when it changed, and filter out events the controller caused.',
  steps: [
    'Compare before writing: build the new status, and call r.Status().Update/Patch only when it differs from the old one (equality.Semantic.DeepEqual(old.Status, new.Status)); never put a timestamp that changes on every pass (lastHeartbeatTime, lastReconciled) in the status.',
    'Ignore events that do not change the spec: builder.WithPredicates(predicate.GenerationChangedPredicate{}) on the primary resource (status writes do not bump metadata.generation); in Knative, compare before UpdateStatus; in Java Operator SDK, keep generationAware on (the default); in kopf, do not patch the object from its own handler unless something changed.',
    'Do not update the object itself (annotations, labels, finalizers) on every reconcile; update it once, then return.',
    'For polling, return reconcile.Result{RequeueAfter: time.Minute} instead of Requeue: true or an error.',
    'Confirm with the controller\'s metrics: rate(controller_runtime_reconcile_total{controller="…"}[5m]) and the object\'s resourceVersion should stop climbing.',
  ],
  references: [
    'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/predicate#GenerationChangedPredicate',
    'https://pkg.go.dev/k8s.io/apimachinery/pkg/api/equality',
    'https://github.com/kubernetes-sigs/kubebuilder/issues/1976',
  ],
};

/** Reconciles of one object counted one way (by reconcile id, or by one message template). */
interface Track {
  n: number;
  first: number;
  last: number;
  /** The time of the previous reconcile in input order (a log viewer's export lists the newest first). */
  prev: number;
  /** Start-to-start gaps in ms between reconciles next to each other in the input, the most recent MAX_GAPS. */
  gaps: number[];
}

/** Everything seen of one object's reconciles, for the hot-loop variant. */
interface Hot {
  controller: string;
  key: string;
  kind?: string;
  namespace?: string;
  /** 'id' (distinct reconcile ids) or a message template: the count is the largest track. */
  tracks: Map<string, Track>;
  statusWrites: number;
  first: Evidence;
  lastLine?: LogEvent;
  /** When the object's last reconcile said it finished (reset by the next start). */
  lastEnd?: number;
  /** Starts within RESTART_MS of a finish, and the shortest such gap. */
  restarts: number;
  restartGapMs?: number;
  /** The first such finish and start. */
  restartSpan?: { first: number; last: number };
}

const MAX_HOT_KEYS = 10_000;

/**
 * A controller's Normal event about one object, repeated in a loop: at least 100 times over at
 * least 10 minutes, on average at least every 15 s. The event recorder counts at most what the
 * controller did (it may drop repeats), so the loop ran at least that fast. From real data: a
 * healthy cluster's highest Normal counts are an operator's status flapping during install (34
 * in 104 s, must-gather-metal) and ingress-nginx's "Scheduled for sync" 7 times in an hour
 * (ingress-nginx#6506); ingress controllers fighting over an Ingress's status wrote it 25 555
 * times in 41 hours (ingress-nginx#10050), every 5.8 s.
 */
export const EVENT_LOOP = { minCount: 100, minSpanS: 600, maxGapS: 15 };

/** The hot-loop finding of a Normal event repeated in a loop (see EVENT_LOOP); undefined below it. */
export function eventLoopFinding(f: EventFacts, L = EVENT_LOOP): FindingDraft | undefined {
  const span = f.spanS;
  if (span === undefined || f.count < L.minCount || span < L.minSpanS) return undefined;
  const gap = span / (f.count - 1);
  if (gap > L.maxGapS) return undefined;
  const s = f.subject;
  const what = s.namespace ? `${s.namespace}/${s.name}` : s.name;
  const who = f.component ?? 'a controller';
  const every = gap < 10 ? `${Math.round(gap * 10) / 10} s` : `${Math.round(gap)} s`;
  return {
    rule: 'reconcile-burst',
    severity: 'warning',
    title: f.named
      ? `Hot loop: ${who} wrote ${f.reason} about ${what} ${f.count} times in ${humanSpan(span)}, every ${every}`
      : `Hot loop: ${who} wrote ${f.reason} ${f.count} times in ${humanSpan(span)}, every ${every}`,
    subject: s,
    remediation: s.kind === 'Event'
      ? // Read where the Event named no object: its reason finds the object first.
        { ...HOT_LOOP_REMEDIATION, steps: [`Find the object it keeps acting on: kubectl get events -A --field-selector reason=${s.name} (its OBJECT column); kubectl get <kind> <name> -n <namespace> -o yaml --show-managed-fields then shows what changes on every pass.`, ...HOT_LOOP_REMEDIATION.steps] }
      : HOT_LOOP_REMEDIATION,
    summary:
      `${who} wrote the Normal event ${f.reason} (${JSON.stringify(f.message.slice(0, 120))})${f.named ? ` about ${s.kind} ${what}` : ''} ${f.count} times over ${humanSpan(span)}, on average every ${every}: ` +
      'it acts on the object again and again, each change triggering the next (a hot loop; two controllers writing the same object\'s status do this).',
    metrics: { eventCount: f.count, spanSeconds: Math.round(span), meanGapSeconds: Math.round(gap * 10) / 10, perMinute: Math.round((f.count - 1) / (span / 60) * 10) / 10 },
    evidence: [f.evidence],
    firstSeen: rfc3339(f.first),
    lastSeen: rfc3339(f.last),
    confidence: 'medium',
    signals: ['event-repeats', 'same-object'],
    variant: 'hot-loop',
  };
}
const MAX_GAPS = 2_000;

function rfc3339(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function evOf(e: LogEvent): Evidence {
  return { source: `${e.source}:${e.line}`, time: rfc3339(e.time), text: e.raw };
}

/** Whether a line announces that every object will be reconciled; returns its N when given. */
export function triggerOf(e: LogEvent): { n?: number; kind?: string; name?: string } | undefined {
  const msg = e.message;
  if (!TRIGGER_ALL_RE.test(msg) && !TRIGGER_CHANGE_RE.test(msg)) return undefined;
  const m = COUNT_RE.exec(msg);
  const n = m ? Number(m[1]) : (numField(e.fields, 'count') ?? numField(e.fields, 'objects') ?? numField(e.fields, 'total'));
  const k = FOR_ALL_KIND_RE.exec(msg);
  const name = strField(e.fields, 'configMap') ?? strField(e.fields, 'configmap') ?? strField(e.fields, 'secret') ?? strField(e.fields, 'name');
  return { n, kind: k?.[1], name };
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** The q-quantile (0..1) of xs, nearest rank. */
function percentile(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function mostCommon(xs: (string | undefined)[]): string | undefined {
  const c = new Map<string, number>();
  for (const x of xs) if (x !== undefined) c.set(x, (c.get(x) ?? 0) + 1);
  let best: string | undefined;
  let n = 0;
  for (const [k, v] of c) if (v > n) [best, n] = [k, v];
  return best;
}

function loggerTail(logger: string | undefined): string | undefined {
  if (!logger) return undefined;
  const dot = logger.lastIndexOf('.');
  return dot >= 0 ? logger.slice(dot + 1) : logger;
}

/** Adds one reconcile at t to a track. */
function tick(tracks: Map<string, Track>, name: string, t: number): void {
  const tr = tracks.get(name);
  if (!tr) {
    if (tracks.size < 16) tracks.set(name, { n: 1, first: t, last: t, prev: t, gaps: [] });
    return;
  }
  tr.n++;
  tr.gaps.push(Math.abs(t - tr.prev));
  tr.prev = t;
  if (tr.gaps.length > MAX_GAPS) tr.gaps.splice(0, tr.gaps.length - MAX_GAPS);
  if (t > tr.last) tr.last = t;
  if (t < tr.first) tr.first = t;
}

/** A message with its numbers and quoted parts taken out: one template per kind of line. */
function templateOf(msg: string): string {
  return msg
    .replace(/"[^"]*"|'[^']*'/g, '"…"')
    .replace(/\d+(?:\.\d+)?(?:ms|s|µs|us|ns|m|h)?/g, '#')
    .slice(0, 120);
}

class ReconcileBurst implements Analyzer {
  private readonly windowMs: number;
  private readonly triggers: Trigger[] = [];
  /** reconcileID → the trigger it belongs to (null: none). */
  private readonly ids = new Map<string, Trigger | null>();
  private readonly storms = new Map<string, Storm>();
  private readonly series = new Map<string, ReconcileSeries>();
  /** Distinct object names per kind (lower-cased), from resource dumps and watches. */
  private readonly objectCounts = new Map<string, Set<string>>();
  private droppedIds = 0;
  /** Per controller and object key: its reconciles, for the hot-loop variant. */
  private readonly hot = new Map<string, Hot>();
  /** Reconcile ids already counted towards a hot-loop track (LRU). */
  private readonly hotIds = new Set<string>();
  private readonly markerRe: RegExp;
  private readonly startRe: RegExp;
  private readonly endRe: RegExp;
  private readonly statusRe: RegExp;
  private readonly idFields: readonly string[];
  private readonly keyFields: readonly string[];
  private readonly nameFields: readonly string[];
  private readonly namespaceFields: readonly string[];

  constructor(ctx: AnalyzerContext) {
    const w = ctx.options['windowSeconds'];
    this.windowMs = typeof w === 'number' && w > 0 ? w * 1000 : DEFAULT_WINDOW_MS;
    const extra = vocabularyOption(ctx.options) ?? {};
    this.markerRe = wordsRe(VOCABULARY.markers, extra['markers']);
    this.startRe = startsRe(extra['starts'] ?? []);
    this.endRe = endsRe(extra['ends'] ?? []);
    this.statusRe = wordsRe(VOCABULARY.statusWrites, extra['statusWrites']);
    this.idFields = [...VOCABULARY.idFields.words, ...(extra['idFields'] ?? [])];
    this.keyFields = [...VOCABULARY.keyFields.words, ...(extra['keyFields'] ?? [])];
    this.nameFields = [...VOCABULARY.nameFields.words, ...(extra['nameFields'] ?? [])];
    this.namespaceFields = [...VOCABULARY.namespaceFields.words, ...(extra['namespaceFields'] ?? [])];
  }

  /** What this rule read (the report's coverage). */
  private readonly counts = { reconcileRecords: 0, triggers: 0, reconcileSamples: 0, objects: 0, events: 0 };

  /** Normal Events of controllers, per component, object and reason: the one with the highest count. */
  private readonly repeats = new Map<string, EventFacts>();

  onEvent(e: Event): void {
    if (e.kind === 'log') this.onLog(e);
    else if (e.kind === 'metric') this.onMetric(e);
    else if (e.kind === 'object') this.onObject(e);
  }

  seen(): Record<string, number> {
    return { ...this.counts };
  }

  private onLog(e: LogEvent): void {
    const t = e.time;
    if (t === undefined) return;
    const f = e.fields;
    let rid = this.idOf(f);
    const marker = this.markerRe.test(e.message);
    if (rid || marker) this.trackHot(e, t, rid, marker);
    else if (this.statusRe.test(e.message)) this.noteStatusWrite(e);
    if (!rid) {
      const trig = triggerOf(e);
      if (trig) {
        this.counts.triggers++;
        if (this.triggers.length >= MAX_TRIGGERS) this.compact(t);
        if (this.triggers.length >= MAX_TRIGGERS) this.triggers.shift();
        this.triggers.push({ time: t, ...trig, logger: e.logger, ev: evOf(e), recs: new Map(), last: t, droppedRecs: 0 });
        return;
      }
      if (!this.startRe.test(e.message)) return;
      rid = `${e.source}:${e.line}`; // a controller without ids: one line, one reconcile
    }
    this.counts.reconcileRecords++;
    let owner = this.ids.get(rid);
    if (owner === undefined) {
      owner = this.findTrigger(t);
      if (this.ids.size >= MAX_IDS) {
        this.ids.delete(this.ids.keys().next().value as string);
        this.droppedIds++;
      }
      this.ids.set(rid, owner);
      this.countStorm(e, t);
    }
    if (!owner) return;
    let rec = owner.recs.get(rid);
    if (!rec) {
      if (owner.recs.size >= MAX_RECS_PER_TRIGGER) {
        owner.droppedRecs++;
        return;
      }
      const name = this.first(f, this.nameFields);
      const ns = this.first(f, this.namespaceFields);
      rec = {
        first: t,
        last: t,
        controller: strField(f, 'controller') ?? e.logger,
        kind: strField(f, 'controllerKind'),
        namespace: ns,
        request: name ? `${ns ?? ''}/${name}` : rid,
        objects: new Map(),
        countMax: 0,
      };
      owner.recs.set(rid, rec);
      owner.firstRec ??= evOf(e);
    }
    if (t > rec.last) rec.last = t;
    if (t > owner.last) owner.last = t;
    owner.lastRec = e;
    // The objects one reconcile touches: the distinct values of any field that names things (a
    // `variant`, `pool`, `node` or `shard` field alike); fields that are not names (errors,
    // durations, times, ids) are left out, and a field that never varies counts one.
    for (const k in f) {
      if (SKIP_KEYS.has(k)) continue;
      const v: FieldValue = f[k]!;
      if (typeof v === 'string' && (OBJECT_KEY_RE.test(k) || (nameLike(v) && !NOT_OBJECT_KEY_RE.test(k) && !this.idFields.includes(k)))) {
        let set = rec.objects.get(k);
        if (!set) rec.objects.set(k, (set = new Set()));
        if (set.size < MAX_OBJECTS_PER_REC) set.add(v);
      } else if (typeof v === 'number' && COUNT_KEY_RE.test(k) && v > rec.countMax) {
        rec.countMax = v;
      }
    }
  }

  /** The id of the reconcile a record belongs to, from the first id field it has. */
  private idOf(f: Record<string, FieldValue>): string | undefined {
    for (const k of this.idFields) {
      const v = strField(f, k);
      if (v) return v;
    }
    return undefined;
  }

  /** The object a reconcile record is about: a key field, else namespace/name. */
  private keyOf(e: LogEvent): string | undefined {
    const f = e.fields;
    for (const k of this.keyFields) {
      const v = strField(f, k);
      if (v) return v;
    }
    const name = this.first(f, this.nameFields);
    if (name) {
      const ns = this.first(f, this.namespaceFields);
      return ns ? `${ns}/${name}` : name;
    }
    return undefined;
  }

  /** The value of the first of these fields the record has. */
  private first(f: Record<string, FieldValue>, keys: readonly string[]): string | undefined {
    for (const k of keys) {
      const v = strField(f, k);
      if (v) return v;
    }
    return undefined;
  }

  private controllerOf(e: LogEvent): string {
    const f = e.fields;
    return strField(f, 'controller') ?? strField(f, 'knative.dev/controller') ?? strField(f, 'reconciler') ?? e.logger ?? e.source;
  }

  /**
   * Counts a reconcile record towards its object's hot-loop state: a new reconcile id is one
   * reconcile; without ids, each message template is counted on its own (a controller that logs
   * a start and an end line per reconcile has two templates with the same count).
   */
  private trackHot(e: LogEvent, t: number, rid: string | undefined, marker: boolean): void {
    const key = this.keyOf(e);
    if (!key) return;
    const controller = this.controllerOf(e);
    // Per input too: two inputs (a previous and a current log) are two runs, and their times interleave.
    const hk = `${e.source}\u0000${controller}\u0000${key}`;
    let h = this.hot.get(hk);
    if (!h) {
      if (this.hot.size >= MAX_HOT_KEYS) return;
      const kind = strField(e.fields, 'controllerKind') ?? strField(e.fields, 'knative.dev/kind') ?? strField(e.fields, 'kind');
      h = { controller, key, kind, namespace: this.first(e.fields, this.namespaceFields) ?? key.split('/').slice(-2, -1)[0], tracks: new Map(), statusWrites: 0, first: evOf(e), restarts: 0 };
      this.hot.set(hk, h);
    } else {
      // Refresh the entry's place: the least recently active object is the first one dropped.
      this.hot.delete(hk);
      this.hot.set(hk, h);
    }
    h.lastLine = e;
    if (this.statusRe.test(e.message)) h.statusWrites++;
    // A finish followed at once by a start of the same object: the reconcile triggered the next
    // (Argo CD's "Reconciliation completed" then "Refreshing app status" in the same instant).
    if (marker) {
      if (this.endRe.test(e.message)) h.lastEnd = t;
      else if (this.startRe.test(e.message) && h.lastEnd !== undefined) {
        const gap = t - h.lastEnd;
        if (gap >= 0 && gap <= RESTART_MS) {
          h.restarts++;
          if (h.restartGapMs === undefined || gap < h.restartGapMs) h.restartGapMs = gap;
          h.restartSpan ??= { first: h.lastEnd, last: t };
        }
        h.lastEnd = undefined;
      }
    }
    if (rid) {
      if (!this.hotIds.has(rid)) {
        if (this.hotIds.size >= MAX_IDS) this.hotIds.delete(this.hotIds.values().next().value as string);
        this.hotIds.add(rid);
        tick(h.tracks, 'id', t);
      }
    } else if (marker) {
      tick(h.tracks, templateOf(e.message), t);
    }
  }

  /** A status write names its object: it counts towards that object's hot loop. */
  private noteStatusWrite(e: LogEvent): void {
    const key = this.keyOf(e);
    if (!key) return;
    const h = this.hot.get(`${e.source}\u0000${this.controllerOf(e)}\u0000${key}`);
    if (h) h.statusWrites++;
  }

  /** The latest trigger whose window holds t. */
  private findTrigger(t: number): Trigger | null {
    for (let i = this.triggers.length - 1; i >= 0; i--) {
      const tr = this.triggers[i]!;
      if (tr.time <= t && t <= tr.time + this.windowMs) return tr;
      if (tr.time + this.windowMs < t && i < this.triggers.length - 8) break;
    }
    return null;
  }

  /** Drops triggers that drew no reconciles and whose window is over. */
  private compact(now: number): void {
    for (let i = this.triggers.length - 1; i >= 0; i--) {
      const tr = this.triggers[i]!;
      if (tr.recs.size === 0 && tr.time + this.windowMs < now) this.triggers.splice(i, 1);
    }
  }

  private countStorm(e: LogEvent, t: number): void {
    const ctrl = this.controllerOf(e);
    let s = this.storms.get(ctrl);
    if (!s) {
      if (this.storms.size >= 1000) return;
      s = { kind: strField(e.fields, 'controllerKind'), namespace: this.first(e.fields, this.namespaceFields) };
      this.storms.set(ctrl, s);
    }
    const start = t - (t % this.windowMs);
    if (!s.cur || s.cur.start !== start) {
      this.closeStorm(s);
      s.cur = { start, ids: 0, keys: new Set(), ev: evOf(e) };
    }
    s.cur.ids++;
    const name = this.first(e.fields, this.nameFields);
    if (name && s.cur.keys.size < 10_000) s.cur.keys.add(`${this.first(e.fields, this.namespaceFields) ?? ''}/${name}`);
  }

  private closeStorm(s: Storm): void {
    const c = s.cur;
    if (!c) return;
    const keys = Math.max(c.keys.size, 1);
    if (!s.worst || c.ids / keys > s.worst.ids / Math.max(s.worst.keys, 1)) s.worst = { start: c.start, ids: c.ids, keys: c.keys.size, ev: c.ev };
  }

  private onObject(e: ObjectEvent): void {
    if (e.object.kind === 'Event') this.onEventObject(e);
    const kind = e.object.kind?.toLowerCase();
    const name = e.object.metadata?.name;
    if (!kind || !name) return;
    this.counts.objects++;
    let set = this.objectCounts.get(kind);
    if (!set) this.objectCounts.set(kind, (set = new Set()));
    if (e.change === 'deleted') set.delete(`${e.object.metadata?.namespace ?? ''}/${name}`);
    else if (set.size < 100_000) set.add(`${e.object.metadata?.namespace ?? ''}/${name}`);
  }

  private onMetric(e: MetricEvent): void {
    if (e.name !== 'controller_runtime_reconcile_total' || !Number.isFinite(e.value)) return;
    const ctrl = e.labels['controller'];
    if (!ctrl) return;
    this.counts.reconcileSamples++;
    const key = `${ctrl}|${e.labels['instance'] ?? e.labels['pod'] ?? ''}`;
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= 1000) return;
      this.series.set(key, (s = { byResult: new Map() }));
    }
    const result = e.labels['result'] ?? '';
    let list = s.byResult.get(result);
    if (!list) s.byResult.set(result, (list = []));
    if (list.length < 100_000) list.push({ t: e.time ?? list.length, v: e.value, timed: e.time !== undefined });
    s.line ??= { source: e.line !== undefined ? `${e.source}:${e.line}` : e.source, time: rfc3339(e.time), text: `${e.name}{controller="${ctrl}",result="${result}"} ${e.value}` };
  }

  /** Events are read whole; other objects are only counted per kind, by namespace and name. */
  objectKinds(): readonly string[] {
    return ['event'];
  }

  /** Only a Normal Event repeated often and long enough for a hot loop (see eventLoopFinding) is read. */
  objectWhen(): readonly EventCondition[] {
    return [{ kind: 'event', type: 'Normal', minCount: EVENT_LOOP.minCount, minSpanS: EVENT_LOOP.minSpanS }];
  }

  private onEventObject(e: ObjectEvent): void {
    this.counts.events++;
    if (e.object.type !== 'Normal') return;
    const f = eventFacts(e.object, e.source, e.line);
    // Below objectWhen() an Event may come cut to its identity: one that came whole is ignored too.
    if (!f || f.kubelet || f.count < EVENT_LOOP.minCount || f.spanS === undefined || f.spanS < EVENT_LOOP.minSpanS) return;
    const k = eventKey(f);
    const had = this.repeats.get(k);
    if (had && had.count >= f.count) return;
    if (!had && this.repeats.size >= MAX_HOT_KEYS) return;
    this.repeats.set(k, f);
  }

  flush(): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const tr of this.triggers) {
      const d = this.triggerFinding(tr);
      if (d) out.push(d);
    }
    const hotLoops = new Map<string, FindingDraft>();
    for (const h of this.hot.values()) {
      const d = this.hotFinding(h);
      if (!d) continue;
      // One finding per controller at info (the worst object), every object at warning or above.
      const k = d.severity === 'info' ? `${h.controller}\u0000info` : `${h.controller}\u0000${h.key}`;
      const prev = hotLoops.get(k);
      if (!prev || (prev.metrics['reconciles'] as number) < (d.metrics['reconciles'] as number)) hotLoops.set(k, d);
    }
    const loudHot = new Set([...hotLoops.values()].filter((d) => d.severity !== 'info').map((d) => d.subject.controller));
    const stormy = new Set<string>();
    for (const [ctrl, s] of this.storms) {
      const d = this.stormFinding(ctrl, s);
      // A storm on one or two objects is the hot loop already reported for them.
      if (d && !(loudHot.has(ctrl) && (d.metrics['objects'] as number) <= 2)) {
        out.push(d);
        stormy.add(ctrl);
      }
    }
    for (const d of hotLoops.values()) {
      // An info note on a controller that already has a louder finding adds nothing.
      if (d.severity === 'info' && (loudHot.has(d.subject.controller) || stormy.has(d.subject.controller ?? ''))) continue;
      out.push(d);
    }

    for (const f of this.repeats.values()) {
      const d = eventLoopFinding(f);
      if (d) out.push(d);
    }

    for (const [key, s] of this.series) {
      const d = this.metricFinding(key.slice(0, key.indexOf('|')), s);
      if (d) out.push(d);
    }
    return out;
  }

  private triggerFinding(tr: Trigger): FindingDraft | undefined {
    const recs = [...tr.recs.values()];
    if (recs.length < 2) return undefined;
    const per = recs.map((r) => {
      let n = r.countMax;
      for (const set of r.objects.values()) n = Math.max(n, set.size);
      return n;
    });
    const requests = new Set(recs.map((r) => r.request)).size;
    const N = tr.n ?? Math.max(requests, ...per);
    const R = recs.length + tr.droppedRecs;
    const opr = median(per);
    const ops = per.reduce((a, b) => a + b, 0);
    if (N < 5 || R < 0.5 * N || opr < 0.5 * N) return undefined;
    const severity: Severity = N >= 20 && ops >= (N * N) / 2 ? 'critical' : 'warning';
    const controller = mostCommon(recs.map((r) => r.controller)) ?? tr.logger ?? null;
    const kind = tr.kind ?? mostCommon(recs.map((r) => r.kind)) ?? loggerTail(tr.logger) ?? 'Object';
    const nss = new Set(recs.map((r) => r.namespace));
    const namespace = nss.size === 1 ? ([...nss][0] ?? null) : null;
    const subject: Subject = { kind, namespace, name: controller ?? tr.name ?? 'reconcile', controller };
    const windowSeconds = Math.round((tr.last - tr.time) / 100) / 10;
    const evidence: Evidence[] = [tr.ev];
    if (tr.firstRec) evidence.push(tr.firstRec);
    const lastRec = tr.lastRec && evOf(tr.lastRec);
    if (lastRec && lastRec.source !== tr.firstRec?.source) evidence.push(lastRec);
    const trigger = tr.name ? ` (${tr.name})` : '';
    return {
      rule: 'reconcile-burst',
      severity,
      title: `One trigger fanned out into ${R} reconciles × ${opr} ${kind} objects`,
      subject,
      summary: `A trigger${trigger} at ${rfc3339(tr.time)} was followed within ${windowSeconds} s by ${R} reconciles of ${controller ?? 'the controller'}, each touching a median of ${opr} of ${N} objects: ${ops} operations for one change (N² = ${N * N}).`,
      metrics: { objects: N, reconciles: R, objectsPerReconcile: opr, operations: ops, windowSeconds },
      evidence: evidence.slice(0, MAX_EVIDENCE),
      firstSeen: rfc3339(tr.time),
      lastSeen: rfc3339(tr.last),
      confidence: severity === 'critical' ? 'high' : 'medium',
      signals: ['trigger', 'fan-out', ...(ops >= (N * N) / 2 ? ['n-squared'] : [])],
      variant: 'fan-out',
    };
  }

  /**
   * The hot-loop variant: one object reconciled again and again, each reconcile (typically its
   * own status write) triggering the next. Counted per object as distinct reconcile ids, else as
   * the most frequent reconcile-marker line of that object.
   */
  private hotFinding(h: Hot): FindingDraft | undefined {
    let tr: Track | undefined;
    for (const x of h.tracks.values()) if (!tr || x.n > tr.n) tr = x;
    // One finish and the next start in the same instant are two reconciles of the object, even
    // when the log shows each of them only once.
    const restarted = h.restarts > 0 && h.restartSpan !== undefined && (!tr || tr.n < 2);
    if (restarted) tr = { n: h.restarts + 1, first: h.restartSpan!.first, last: h.restartSpan!.last, prev: h.restartSpan!.last, gaps: Array<number>(h.restarts).fill(h.restartGapMs ?? 0) };
    if (!tr || tr.n < 2) return undefined;
    const gap = median(tr.gaps);
    const spanMs = tr.last - tr.first;
    // A hot loop is steady: each reconcile triggers the next, so nearly every gap is short. Bursts
    // of reconciles with long pauses between them (start-up, a watch event fanning out to a few
    // controllers) have a short median gap too, but not a short 90th percentile.
    const p90 = percentile(tr.gaps, 0.9);
    // Thin: three reconciles of one object seconds apart, or two within the same few milliseconds.
    const thin = (tr.n >= 3 && p90 <= 5_000) || (tr.n === 2 && p90 <= 50) || h.restarts > 0;
    const sustained = tr.n >= 10 && spanMs >= 60_000 && p90 <= 5_000;
    const minutes = tr.n >= 100 && spanMs >= 300_000 && p90 <= 5_000;
    if (!thin && !sustained) return undefined;
    const severity: Severity = minutes ? 'critical' : sustained ? 'warning' : 'info';
    const signals = ['same-object', 'short-gaps'];
    if (sustained) signals.push('sustained');
    if (minutes) signals.push('for-minutes');
    if (h.statusWrites) signals.push('status-write');
    if (h.restarts) signals.push('restart-after-finish');
    const confidence = minutes || (sustained && h.statusWrites) ? 'high' : sustained ? 'medium' : 'low';
    const perMinute = spanMs > 0 ? Math.round((tr.n - 1) / (spanMs / 60_000) * 10) / 10 : undefined;
    const periodMs = Math.round(gap);
    const metrics: FindingDraft['metrics'] = { reconciles: tr.n, periodMs, spanSeconds: Math.round(spanMs / 100) / 10 };
    if (perMinute !== undefined) metrics['perMinute'] = perMinute;
    if (h.statusWrites) metrics['statusWrites'] = h.statusWrites;
    const evidence: Evidence[] = [h.first];
    if (h.lastLine) {
      const last = evOf(h.lastLine);
      if (last.source !== h.first.source) evidence.push(last);
    }
    const every = periodMs < 1 ? '< 1 ms' : periodMs < 1000 ? `${periodMs} ms` : `${Math.round(periodMs / 100) / 10} s`;
    const slash = h.key.lastIndexOf('/');
    const name = slash >= 0 ? h.key.slice(slash + 1) : h.key;
    const namespace = slash > 0 ? h.key.slice(0, slash) : (h.namespace ?? null);
    const over = spanMs < 1000 ? `${Math.round(spanMs)} ms` : spanMs < 120_000 ? `${Math.round(spanMs / 100) / 10} s` : `${Math.round(spanMs / 6000) / 10} min`;
    return {
      rule: 'reconcile-burst',
      severity,
      title: restarted ? `Hot loop: ${h.key} reconciled again ${every} after it finished` : `Hot loop: ${h.key} reconciled ${tr.n} times, every ${every}`,
      subject: { kind: loggerTail(h.kind) ?? 'Object', namespace, name, controller: h.controller },
      remediation: HOT_LOOP_REMEDIATION,
      summary:
        (restarted
          ? `${h.controller} started reconciling ${h.key} again ${every} after a reconcile of it finished${h.restarts > 1 ? ` (${h.restarts} times)` : ''}`
          : `${h.controller} reconciled ${h.key} ${tr.n} times in ${over}, a median of ${every} apart${perMinute !== undefined ? ` (${perMinute} a minute)` : ''}`) +
        (severity === 'info'
          ? `${h.restarts && !restarted ? `, one starting ${h.restartGapMs! < 1 ? '< 1 ms' : `${Math.round(h.restartGapMs!)} ms`} after the previous one finished` : ''}: if that goes on, each reconcile is triggering the next (a hot loop)${h.statusWrites ? `; it wrote its status ${h.statusWrites} times` : ''}. Too few to be sure; a longer log would confirm or clear it.`
          : h.statusWrites
            ? `, writing its status ${h.statusWrites} times: each write triggers the next reconcile.`
            : ': each reconcile triggers the next.'),
      metrics,
      evidence,
      firstSeen: rfc3339(tr.first),
      lastSeen: rfc3339(tr.last),
      confidence,
      signals,
      variant: 'hot-loop',
    };
  }

  private stormFinding(ctrl: string, s: Storm): FindingDraft | undefined {
    const worst = [s.worst, s.cur && { start: s.cur.start, ids: s.cur.ids, keys: s.cur.keys.size, ev: s.cur.ev }]
      .filter((x): x is NonNullable<Storm['worst']> => !!x)
      .sort((a, b) => b.ids / Math.max(b.keys, 1) - a.ids / Math.max(a.keys, 1))[0];
    if (!worst) return undefined;
    const keys = Math.max(worst.keys, 1);
    if (worst.ids < 100 || worst.ids < 10 * keys) return undefined;
    // A storm that a trigger explains is reported with the trigger.
    if (this.triggers.some((t) => t.recs.size > 0 && t.time <= worst.start + this.windowMs && t.last >= worst.start)) return undefined;
    return {
      rule: 'reconcile-burst',
      severity: 'warning',
      title: `Reconcile storm: ${worst.ids} reconciles of ${keys} objects in ${this.windowMs / 1000} s`,
      subject: { kind: s.kind ?? 'Object', namespace: s.namespace ?? null, name: ctrl, controller: ctrl },
      summary: `${ctrl} ran ${worst.ids} reconciles for ${keys} distinct objects within ${this.windowMs / 1000} s (${Math.round(worst.ids / keys)} per object).`,
      metrics: { objects: keys, reconciles: worst.ids, windowSeconds: this.windowMs / 1000 },
      evidence: worst.ev ? [worst.ev] : [],
      firstSeen: rfc3339(worst.start),
      lastSeen: rfc3339(worst.start + this.windowMs),
      confidence: 'medium',
      signals: ['reconcile-rate', 'per-object-rate'],
      variant: 'storm',
    };
  }

  private metricFinding(ctrl: string, s: ReconcileSeries): FindingDraft | undefined {
    // Sum increments over result labels, interval by interval.
    const inc: number[] = [];
    let times: { t: number; timed: boolean }[] = [];
    for (const list of s.byResult.values()) {
      for (let i = 1; i < list.length; i++) {
        const d = list[i]!.v >= list[i - 1]!.v ? list[i]!.v - list[i - 1]!.v : list[i]!.v;
        inc[i - 1] = (inc[i - 1] ?? 0) + d;
      }
      if (list.length > times.length) times = list;
    }
    if (inc.length < 2) return undefined;
    let peak = 0;
    let at = 0;
    for (let i = 0; i < inc.length; i++) if (inc[i]! > peak) [peak, at] = [inc[i]!, i];
    const others = inc.filter((_, i) => i !== at);
    const baseline = Math.max(median(others), 1);
    const objects = this.objectCounts.get(ctrl.toLowerCase())?.size;
    const ref = Math.max(objects ?? 0, baseline);
    if (peak < 100 || peak < 10 * ref) return undefined;
    const severity: Severity = objects !== undefined && objects >= 20 && peak >= (objects * objects) / 2 ? 'critical' : 'warning';
    const t0 = times[at];
    const t1 = times[at + 1];
    const windowSeconds = t0 && t1 && t0.timed && t1.timed ? Math.round((t1.t - t0.t) / 100) / 10 : undefined;
    const metrics: FindingDraft['metrics'] = { reconciles: peak, baselinePerInterval: baseline, intervals: inc.length };
    if (objects !== undefined) metrics['objects'] = objects;
    if (windowSeconds !== undefined) metrics['windowSeconds'] = windowSeconds;
    return {
      rule: 'reconcile-burst',
      severity,
      title: `Reconcile burst in ${ctrl}: ${peak} reconciles in one interval`,
      subject: { kind: 'Controller', namespace: null, name: ctrl, controller: ctrl },
      summary: `controller_runtime_reconcile_total of ${ctrl} rose by ${peak} in one interval${windowSeconds !== undefined ? ` of ${windowSeconds} s` : ''}, against a usual ${baseline}${objects !== undefined ? ` and ${objects} objects` : ''}.`,
      metrics,
      evidence: s.line ? [s.line] : [],
      firstSeen: t0?.timed ? rfc3339(t0.t) : undefined,
      lastSeen: t1?.timed ? rfc3339(t1.t) : undefined,
      confidence: severity === 'critical' ? 'high' : 'medium',
      signals: ['reconcile-total-jump', ...(objects !== undefined ? ['object-count'] : ['usual-increase'])],
      variant: 'metric-burst',
    };
  }
}

declare module '../rule.js' {
  interface RuleIds {
    'reconcile-burst': true;
  }
}

/** The reconcile-burst rule: triggers and the reconciles they fan out into, storms, reconcile metrics. */
export const reconcileBurst = defineRule({
  rule: 'reconcile-burst',
  order: 40,
  text: {
    title: 'One trigger fans out into N reconciles that each process all N objects',
    meaning:
      'one trigger fans out into N reconciles that each process all N objects (N² work), or any reconcile storm far above the object count',
    explanation: [
      'A watch on a shared input (a ConfigMap or Secret) that maps every change to one request per object, while each reconcile processes every object anyway, does N reconciles × N objects = N² work for a single change: API calls, metric queries and status writes multiply, and the queue is busy for minutes.',
      'A reconcile is any record with a reconcile id (reconcileID, reconcile_id, knative.dev/traceid, Strimzi\'s "Reconciliation #N(trigger) Kind(namespace/name):") or a reconcile marker, in the words of every ecosystem: controller-runtime and operator-sdk (Reconciling, Reconcile successful, the Helm operator\'s Reconciled release), Knative and Tekton (Reconcile succeeded / Reconcile failed, with knative.dev/key), kube-rs (reconciling object, object.ref), Java Operator SDK (Reconciling resource), Argo CD (Refreshing app status, Reconciliation completed, with application=), "Starting/Finish … reconcile loop", client-go controllers (Finished syncing, Successfully synced), cert-manager\'s work queue (syncing item, finished processing work item) and kopf (Handler \'…\' succeeded). The object is the record\'s key field (knative.dev/key, key, request) or its namespace and name (namespace/name, operator-sdk\'s Request.Namespace/Request.Name). The words are the rule\'s vocabulary: rules.reconcile-burst.vocabulary in the config file adds words to the lists markers, starts, ends, idFields, keyFields, triggers and statusWrites.',
      'Fan-out: ctrlscope finds a trigger — a ConfigMap or Secret change, "requeueing all", "enqueueing all", "Triggering reconciliation for all <Kind> … count=N" — and opens a window (60 s, option windowSeconds). Every reconcile that starts in it is attributed to the trigger: a distinct reconcile id, or a start line ("Reconciling …") when the controller logs no ids. The objects one reconcile touches are the distinct values of any field that names things inside it — a variant, pool, node or shard field alike (errors, durations, times and ids are left out) — or a count=N field. N is the trigger\'s count, else the larger of the distinct requests and the objects per reconcile.',
      'Hot loop: one object reconciled again and again, each reconcile (usually its own status write, which bumps the resourceVersion and comes back as a watch event) triggering the next. Reconciles of one object are counted per input as distinct reconcile ids, else as its most frequent marker line (so a start and an end line count once); the finding gives the count, the median period, the rate per minute and the span, and how many status writes of the same object were seen. Nearly every gap must be short (the 90th percentile), so start-up bursts separated by pauses do not count. A reconcile of the same object that starts within 50 ms of one that said it finished (the lists starts and ends: Argo CD\'s "Reconciliation completed" followed by "Refreshing app status", the Helm operator\'s "Reconciled release" followed by "Reconciling") counts as two back-to-back reconciles even when the log shows each line only once.',
      'Hot loop from Kubernetes Events (Event objects in dumps and bundles, `kubectl get events` tables, the Events section of `kubectl describe`): a controller\'s Normal event about one object that its event recorder counted at least 100 times over at least 10 minutes, on average at least every 15 s (ingress controllers fighting over an Ingress\'s status: "Scheduled for sync" `(x25555 over 41h)`). The recorder may drop repeats but never adds any, so the loop ran at least that fast. The kubelet\'s events (pulls, container starts) are not reconciles; Warnings are queue-leak\'s.',
      'It reports N (objects), the reconciles, the median objects per reconcile, the total operations and the window from the trigger to the last attributed line.',
      'Without a trigger it flags a storm: 100 or more reconciles of one controller in a window and at least 10 per distinct object. From Prometheus samples it compares the per-interval increase of controller_runtime_reconcile_total (summed over result labels) with the object count (objects of the matching kind in the input) and with the usual increase.',
      'Memory is bounded: reconcile ids are kept in an LRU of 10 000, reconciles per trigger and objects per reconcile are capped at 5 000.',
    ],
    signals: [
      'trigger — a line that announces a change of a shared input or a requeue of all objects.',
      'fan-out — at least N/2 reconciles attributed to the trigger, each touching at least N/2 objects; n-squared — total operations ≥ N²/2.',
      'reconcile-rate, per-object-rate — a storm: ≥ 100 reconciles of one controller in a window, ≥ 10 per object.',
      'reconcile-total-jump, object-count, usual-increase — from metrics: the interval\'s increase of controller_runtime_reconcile_total against the object count and the usual increase.',
      'event-repeats, same-object — a hot loop told by a Normal Event\'s count and span.',
      'same-object, short-gaps, sustained, for-minutes, status-write, restart-after-finish — a hot loop: one object, nearly every gap short, for a minute, for minutes, with status writes of the object, started again within 50 ms of a finished reconcile.',
      'Confidence: high when the signals leave no doubt (N² work; a hot loop for minutes, or for a minute with status writes); medium for one clear signal (fan-out below N², a storm, a hot loop for a minute); low for thin evidence (a few quick reconciles of one object), which is never more than an info note.',
    ],
    variants: [
      { id: 'fan-out', text: 'one trigger, N reconciles × N objects' },
      { id: 'hot-loop', text: 'one object reconciled every few milliseconds or seconds, each reconcile triggering the next; reported with the rate and the period' },
      { id: 'storm', text: 'many reconciles of few objects in one window, without a trigger' },
      { id: 'metric-burst', text: 'controller_runtime_reconcile_total jumps far above the object count and the usual increase' },
    ],
    severity: [
      'critical: N ≥ 20, at least N/2 reconciles each touching at least N/2 objects (median), and total operations ≥ N²/2 within the window; from metrics, an interval with ≥ N²/2 reconciles when the object count N ≥ 20 is known; a hot loop of ≥ 100 reconciles over ≥ 5 minutes with 90 % of the gaps ≤ 5 s.',
      'warning: the same shape with N ≥ 5 (or fewer operations); a storm of ≥ 100 reconciles at ≥ 10 per object in one window; from metrics, an interval with ≥ 100 reconciles and ≥ 10× both the object count and the usual increase; a hot loop of ≥ 10 reconciles over ≥ 60 s with 90 % of the gaps ≤ 5 s; a controller\'s Normal Event about one object repeated ≥ 100 times over ≥ 10 minutes, on average at least every 15 s (an Event alone is never critical: its count hides the gaps).',
      'info (low confidence): three or more reconciles of one object with 90 % of the gaps ≤ 5 s, or two in the same 50 ms (a start within 50 ms of a finish included), when the log is too short to see whether it goes on (at most one such note per controller).',
    ],
    notFlagged: [
      'one object per reconcile, spread in time (a periodic resync of N objects is N operations, not N²)',
      'one sentinel reconcile that processes all objects once after a trigger',
      'a trigger line followed by no reconciles (a ConfigMap reloaded in place)',
      'a periodic requeue (RequeueAfter of 30 s or more), and bursts of reconciles of one object at start-up separated by pauses',
      'a Normal Event repeated at a slower pace (a CronJob\'s Job every minute, an Ingress synced at each change) or for a short while (an operator\'s status flapping during install: 34 times in 104 s), and the kubelet\'s events',
    ],
    remediation: {
      summary: 'Enqueue one request for a shared trigger, not one per object.',
      steps: [
        'Map the ConfigMap/Secret event to a single sentinel request: handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request { return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: "__global__"}}} }) and, in Reconcile, process all objects once when req.Name == "__global__".',
        'Or keep one request per object but make each reconcile process only its own object (r.Get the request\'s object, not a List of all).',
        'Add predicates so irrelevant updates trigger nothing: builder.WithPredicates(predicate.ResourceVersionChangedPredicate{}, a predicate.Funcs that compares a hash of the ConfigMap data, or predicate.NewPredicateFuncs filtering by name).',
        'Or move the ConfigMap handling into a separate reconciler (ctrl.NewControllerManagedBy(mgr).For(&corev1.ConfigMap{})) that updates shared state once, instead of fanning out.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/handler#EnqueueRequestsFromMapFunc',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/predicate',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/builder#WithPredicates',
      ],
    },
  },
  options: ({ positive }) => ({
    /** How long after a trigger reconciles count towards its fan-out (default 60). */
    windowSeconds: positive().optional(),
  }),
  consumes: ['log', 'metric', 'object'],
  vocabulary: VOCABULARY,
  live: {
    series: ['operations', 'reconciles'],
    seriesLabel: 'reconcile work',
    watch: [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, selectable: true }],
  },
  remediate: reconcileBurstRemediation,
  create: (ctx) => new ReconcileBurst(ctx),
});
export default reconcileBurst;
