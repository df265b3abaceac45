// queue-leak: a workqueue that re-processes one key more often than its rate limiter allows.
//
// From logs, failures are counted per key in resync windows (the period of the matching
// `Starting reflector *v1.X (30s)` line, else 30 s) and compared with a model of client-go's
// per-item exponential backoff (5 ms doubling, capped) plus one resync per window. From
// Prometheus samples, each queue's workqueue_depth trend (a least-squares slope over snapshots),
// adds vs retries, retries growth and workqueue_unfinished_work_seconds growth are read.
// State is per key and bounded (MAX_KEYS, least recently failed key dropped first).
import type { AuditEvent, Event, FieldValue, LogEvent, MetricEvent } from '../../core/event.js';
import { strField } from '../../core/event.js';
import type { Evidence, FindingDraft, Severity, Subject } from '../../core/finding.js';
import { AuditStatsCollector, type HotObject } from '../audit-stats.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import { defineRule } from '../rule.js';

/** Distinct keys (and queues) tracked at once; the least recently updated is dropped beyond it. */
export const MAX_KEYS = 10_000;
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
  /** Requeues in the current failure streak (client-go's NumRequeues). */
  requeues: number;
  lastFail: number;
  curWin: number;
  curCount: number;
  curEarly: number;
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
}

/** Where a failure line came from and which key it names. */
interface Failure {
  key: string;
  subject: Subject;
  text: string;
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
const FAILED_WITH_RE = /^"?([^\s"]+) failed with: /;
const SYNC_ERR_RE = /\b(?:error|failed|failure) (?:syncing|processing|to sync|to process|to reconcile|reconciling)\s+(?:key\s+)?["'`]?([^\s"'`,;]+?)["'`]?(?:[:,;]|\s|$)/i;
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

/** The object a controller-runtime line is about: `namespace`/`name`, the `<Kind>` object ref, or `request`. */
function objectRef(f: Record<string, FieldValue>): { namespace: string | null; name: string } | undefined {
  const name = strField(f, 'name');
  if (name) return { namespace: strField(f, 'namespace') ?? null, name };
  const kind = strField(f, 'controllerKind');
  const ref = kind ? f[kind] : undefined;
  if (ref && typeof ref === 'object' && !Array.isArray(ref)) {
    const n = strField(ref, 'name');
    if (n) return { namespace: strField(ref, 'namespace') ?? null, name: n };
  }
  const req = strField(f, 'request') ?? strField(f, 'key');
  if (req && KEY_RE.test(req)) {
    const slash = req.indexOf('/');
    return slash >= 0 ? { namespace: req.slice(0, slash), name: req.slice(slash + 1) } : { namespace: null, name: req };
  }
  return undefined;
}

/** Recognises a per-key failure record; undefined for any other line. */
export function failureOf(e: LogEvent): Failure | undefined {
  const f = e.fields;
  const err = strField(f, 'err') ?? strField(f, 'error') ?? '';
  const msg = e.message;
  if (msg.startsWith('Reconciler error')) {
    const ref = objectRef(f);
    if (!ref) return undefined;
    const controller = strField(f, 'controller') ?? loggerController(e.logger) ?? null;
    const kind = strField(f, 'controllerKind') ?? 'Object';
    const key = `${controller ?? ''}|${ref.namespace ?? ''}/${ref.name}`;
    return { key, subject: { kind, namespace: ref.namespace, name: ref.name, controller }, text: `${msg} ${err}` };
  }
  // kube-aggregator available controller: `<key> failed with: …`, plain or as err="…" of "Unhandled Error".
  let m = FAILED_WITH_RE.exec(msg);
  let text = msg;
  if (!m && err) {
    m = FAILED_WITH_RE.exec(err);
    text = err;
  }
  if (m) {
    const name = m[1]!;
    const file = callerFile(e.caller);
    let controller: string | null = null;
    if (file === 'available_controller.go') controller = 'AvailableConditionController';
    else if (file === 'remote_available_controller.go') controller = 'RemoteAvailabilityController';
    else controller = e.logger && e.logger !== 'UnhandledError' ? e.logger : (file ?? null);
    const apiService = APISERVICE_RE.test(name) || controller?.includes('Availab') === true;
    if (apiService && !controller?.includes('Availab')) controller = 'AvailableConditionController';
    const kind = apiService ? 'APIService' : 'Key';
    return { key: `${controller ?? ''}|${name}`, subject: { kind, namespace: null, name, controller }, text };
  }
  // Other error lines naming a key: `Error syncing 'ns/name'`, `"Error syncing deployment" deployment="ns/name"`.
  if (e.level !== 'error' && e.level !== 'fatal') return undefined;
  let s = SYNC_ERR_RE.exec(msg);
  text = msg;
  if (!s && err) {
    s = SYNC_ERR_RE.exec(err);
    text = err;
  }
  if (!s) return undefined;
  let key = s[1]!;
  let kind = 'Key';
  const named = strField(f, key);
  if (named !== undefined && KEY_RE.test(named)) {
    kind = key.charAt(0).toUpperCase() + key.slice(1);
    key = named;
  } else if (strField(f, 'key')) {
    key = strField(f, 'key')!;
  }
  if (!KEY_RE.test(key) || !/[/.\-\d]/.test(key)) return undefined;
  const slash = key.indexOf('/');
  const controller = e.logger ?? strField(f, 'controller') ?? callerFile(e.caller) ?? null;
  return {
    key: `${controller ?? ''}|${key}`,
    subject: {
      kind,
      namespace: slash >= 0 ? key.slice(0, slash) : null,
      name: slash >= 0 ? key.slice(slash + 1) : key,
      controller,
    },
    text: `${text} ${err}`,
  };
}

/** Failures per window a per-item exponential backoff allows is modelled failure by failure. */
function expectedDelay(requeues: number, cap: number): number {
  if (requeues <= 0) return 0;
  const d = BACKOFF_BASE_MS * 2 ** Math.min(requeues - 1, 40);
  return Math.min(d, cap);
}

class QueueLeak implements Analyzer {
  private readonly keys = new Map<string, KeyState>();
  /** Resync period and phase by object kind, from `Starting reflector *v1.Kind (30s)`. */
  private readonly periods = new Map<string, { period: number; phase: number }>();
  /** Current and previous reconcileID per key, for overlapping processing. */
  private readonly inflight = new Map<string, { cur: string; prev?: string; source: string; subject: Subject }>();
  private readonly queues = new Map<string, QueueSeries>();
  private droppedKeys = 0;
  private readonly limits: Limits;

  constructor(ctx: AnalyzerContext) {
    const o = ctx.options;
    const limits = { ...DEFAULT_LIMITS };
    for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const v = o[k];
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) limits[k] = v;
    }
    this.limits = limits;
  }

  /** Request amplification seen in audit logs: one object requested far above its peers. */
  private readonly audit = new AuditStatsCollector();

  onEvent(e: Event): void {
    if (e.kind === 'log') this.onLog(e);
    else if (e.kind === 'metric') this.onMetric(e);
    else if (e.kind === 'audit') this.audit.add(e);
  }

  private onLog(e: LogEvent): void {
    const msg = e.message;
    if (msg.startsWith('Starting reflector')) {
      const m = REFLECTOR_RE.exec(msg);
      const period = m ? parseGoDuration(m[2]!) : undefined;
      if (m && period !== undefined) {
        this.periods.set(m[1]!, { period, phase: e.time !== undefined ? e.time % period : 0 });
      }
      return;
    }
    const fail = failureOf(e);
    if (fail) {
      this.onFailure(fail, e);
      return;
    }
    const rid = strField(e.fields, 'reconcileID');
    if (rid) this.onProcessing(rid, e);
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
    const p = this.periods.get(subject.kind) ?? { period: DEFAULT_PERIOD_MS, phase: 0 };
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
      requeues: 0,
      lastFail: NaN,
      curWin: NaN,
      curCount: 0,
      curEarly: 0,
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
    };
  }

  private onFailure(fail: Failure, e: LogEvent): void {
    const st = this.touch(this.keys, fail.key, () => this.newKey(fail.subject, e));
    st.failures++;
    st.lastEv = evOf(e);
    const code = statusOf(fail.text);
    if (code !== undefined) st.statusCode = code;
    const t = e.time;
    if (t === undefined) return;
    if (t < st.first) st.first = t;
    if (t > st.last) st.last = t;
    const w = Math.floor((t - st.phase) / st.period);
    if (code === 401 || code === 403) {
      st.authErrors++;
      if (w !== st.lastAuthWin) {
        st.authWindows++;
        st.lastAuthWin = w;
      }
    }
    // Backoff model: a failure sooner than half the expected delay was not a scheduled retry.
    let early = false;
    if (!Number.isNaN(st.lastFail)) {
      const gap = t - st.lastFail;
      const exp = expectedDelay(st.requeues, st.capMs);
      if (gap > 2 * exp + st.period) st.requeues = 0; // healed in between, a new streak
      else if (gap < 0.5 * exp) early = true;
    }
    st.requeues++;
    if (t >= (Number.isNaN(st.lastFail) ? -Infinity : st.lastFail)) st.lastFail = t;
    if (w === st.curWin) {
      st.curCount++;
      if (early) st.curEarly++;
      return;
    }
    if (w < st.curWin) return; // out-of-order line: counted in totals only
    if (!Number.isNaN(st.curWin)) this.closeWindow(st);
    st.curWin = w;
    st.curCount = 1;
    st.curEarly = early ? 1 : 0;
    st.curEv = evOf(e);
    st.windows++;
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
    const name = e.labels['name'] ?? e.labels['queue'] ?? e.labels['controller'];
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
    for (const st of this.keys.values()) {
      const d = this.keyFinding(st);
      if (d) out.push(d);
    }
    for (const q of this.queues.values()) {
      const d = this.queueFinding(q);
      if (d) out.push(d);
    }
    return out;
  }

  private keyFinding(st: KeyState): FindingDraft | undefined {
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
    const auth = st.authErrors >= 5 && st.authWindows >= L.authWindowsWarn;
    const authCrit = st.authErrors >= 10 && st.authWindows >= L.authWindowsCrit && excessWindows >= L.excessWindows;
    const excess = excessWindows >= L.excessWindows && st.failures >= 10;
    const overlap = st.overlaps >= 2;

    let severity: Severity | undefined;
    const reasons: string[] = [];
    if (growing) reasons.push(`failures per ${st.period / 1000} s window grew ${best.join(' → ')}`);
    if (authCrit) reasons.push(`a ${st.statusCode ?? '401/403'} that cannot heal was retried ${st.authErrors} times in ${st.authWindows} windows, faster than backoff allows`);
    if (growing || authCrit) severity = 'critical';
    else {
      if (growingSome) reasons.push(`failures per ${st.period / 1000} s window grew ${best.join(' → ')}`);
      if (auth) reasons.push(`a ${st.statusCode ?? '401/403'} that cannot heal was retried ${st.authErrors} times in ${st.authWindows} windows`);
      if (excess) reasons.push(`in ${excessWindows} windows the key failed more often than per-item backoff plus one resync allows`);
      if (overlap) reasons.push(`a newer reconcile of the key started while an older one was still logging (${st.overlaps} times)`);
      if (reasons.length) severity = 'warning';
      // A burst inside one window that does not come back is a key that failed and then passed.
      else if (st.failures >= L.infoFailures && st.windows >= 2) {
        severity = 'info';
        reasons.push(`the key failed ${st.failures} times, within what the rate limiter allows`);
      } else if (st.overlaps === 1) {
        severity = 'info';
        reasons.push('one reconcile of the key overlapped an older one');
      }
    }
    if (!severity) return undefined;

    const metrics: FindingDraft['metrics'] = {
      windowSeconds: st.period / 1000,
      failures: st.failures,
      windows: st.windows,
    };
    if (best.length >= 2) metrics['perWindow'] = best.slice(0, 32);
    if (st.authErrors) metrics['authErrors'] = st.authErrors;
    if (st.statusCode !== undefined) metrics['statusCode'] = st.statusCode;
    if (excessWindows) metrics['excessWindows'] = excessWindows;
    if (st.overlaps) metrics['overlaps'] = st.overlaps;
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
    return {
      rule: 'queue-leak',
      severity,
      title:
        severity === 'info'
          ? `${s.controller ?? 'workqueue'} keeps failing on ${s.kind} ${what}, within what its rate limiter allows`
          : `${s.controller ?? 'workqueue'} re-processes ${s.kind} ${what} faster than its rate limiter allows`,
      subject: s,
      summary: `${what}: ${st.failures} failures${st.statusCode !== undefined ? ` (last status ${st.statusCode})` : ''} over ${st.windows} resync windows of ${st.period / 1000} s; ${reasons.join('; ')}.`,
      metrics,
      evidence,
      firstSeen: rfc3339(st.first || undefined),
      lastSeen: rfc3339(st.last || undefined),
    };
  }

  private queueFinding(q: QueueSeries): FindingDraft | undefined {
    const reasons: string[] = [];
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
      } else if (rising && last >= 10) {
        sev = Math.max(sev, 2);
        reasons.push(`depth keeps rising (${first} → ${last})`);
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
      }
      if (ad.length) {
        const adds = ad.reduce((a, b) => a + b, 0);
        metrics['addsDelta'] = adds;
        if (adds > 0) metrics['retryRatio'] = round(retries / adds, 3);
        if (retries >= 50 && adds > 0 && retries / adds >= 0.5) {
          sev = Math.max(sev, 2);
          reasons.push(`${retries} of ${adds} adds were retries`);
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
  return { growth: { run, runStart, runEv }, excess: st.curEarly - 1 >= 2 };
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

/** Leader-election locks are renewed every few seconds by design: never a hot loop. */
const LOCK_RESOURCES = new Set(['coordination.k8s.io/leases', 'leases']);

/**
 * A hot object from the audit log: a controller that re-processes one key reads or writes that
 * object far more often than any of its peers. Warning at 10× its peers (and ≥ 30 requests),
 * critical at 100× and at least one request a second.
 */
function hotObjectFinding(h: HotObject): FindingDraft | undefined {
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
      'Errors that cannot heal (401 Unauthorized, 403 Forbidden) make it worse: every retry fails the same way, forever, and each one costs an API call or a backend request.',
      'From logs ctrlscope reads per-key failure records: kube-aggregator\'s "<key> failed with: …" (plain klog and the structured "Unhandled Error" err="…" form; subject APIService), controller-runtime "Reconciler error" with the request\'s namespace/name (subject the controllerKind, controller from the controller field or the logger), and other error lines naming a key ("Error syncing \'ns/name\'", "Error syncing deployment" deployment="ns/name"). Lines with a reconcileID show which reconcile of a key is in flight.',
      'Failures are counted per key in resync windows: the period of "Starting reflector *v1.<Kind> (30s)" for that kind, aligned to the time the reflector started, else 30 s aligned to the clock. Each failure is checked against a model of per-item exponential backoff (5 ms doubling per requeue, capped at 30 s for kube-aggregator and 1000 s otherwise): a failure sooner than half the expected delay was not a scheduled retry. One such early failure per window is the resync; more is excess.',
      'From Prometheus samples (text exposition, one or many snapshots) it reads, per queue `name` label: the workqueue_depth trend (a least-squares slope over snapshots, never rate() on a gauge), workqueue_adds_total against workqueue_retries_total, the growth of retries per interval, and workqueue_unfinished_work_seconds growth (a stuck worker).',
      'From Kubernetes audit logs (audit.k8s.io/v1) it finds request amplification: one object read or written far more often than the other objects of its resource (at least 30 requests and 10× their median), the footprint of a key re-processed in a loop; leader-election Leases, renewed every few seconds by design, are left out.',
      'State is bounded: at most 10 000 keys and queues are tracked; the least recently updated is dropped first and the number dropped is reported as metrics.droppedKeys.',
    ],
    severity: [
      'critical: failures per window grow for at least three consecutive windows to at least 4× the first and at least 8 (1 → 2 → 4 → 8); or a 401/403 is retried in at least 5 windows (10+ failures) and faster than backoff allows in at least 2 of them; from metrics, depth rising across snapshots to ≥ 100 and ≥ 4× its start, retries per interval growing three times in a row to ≥ 4× (and ≥ 8), or unfinished work above 600 s and growing in every snapshot.',
      'warning: growth over two consecutive windows (to ≥ 8 and ≥ 4×); a 401/403 retried in at least 3 windows (5+ failures); excess over backoff plus one resync (3+ early failures) in at least 2 windows with 10+ failures; a newer reconcile of a key starting while an older one still logs, twice or more; from metrics, depth rising to ≥ 10, retries ≥ 50 and at least half of all adds, or unfinished work above 60 s growing in every snapshot.',
      'audit logs: warning when one object gets at least 30 requests and 10× the median of its peers; critical at 100× and at least one request a second.',
      'info: a key failed 10 times or more, in at least two resync windows, but within what the rate limiter allows, one overlapping reconcile, or (single metrics snapshot) retries ≥ 1000 and at least half of all adds.',
    ],
    notFlagged: [
      'a key that fails a few times and then passes (a backoff burst within one window that does not come back, such as 13 failures in 3 s, is not reported)',
      'a key that keeps failing at the rate limiter\'s pace (one retry plus one resync per window) — info only',
      'a queue whose depth stays low (below 10), or a single metrics snapshot (no trend)',
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
  consumes: ['log', 'metric', 'audit'],
  vocabulary: {
    // 'econcil' covers "Reconciler error" and reconcileID fields; short common keywords keep the engine's filter fast.
    failures: { about: 'per-key failure records below error level', words: ['failed with: ', 'econcil'] },
    reflectors: { about: 'reflector starts, which give the resync period of a kind', words: ['Starting reflector'] },
  },
  minLevel: 'error',
  live: {
    series: ['failures', 'retriesDelta', 'depthLast'],
    seriesLabel: 'failures',
    watch: [{ group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices', kind: 'APIService', namespaced: false }],
  },
  create: (ctx) => new QueueLeak(ctx),
});
export default queueLeak;
