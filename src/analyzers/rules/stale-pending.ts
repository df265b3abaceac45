// stale-pending: a pending / in-flight / tracked counter in periodic log lines that only grows and
// never returns to its baseline. Where the same log shows them, acquisition lines ("Selected …",
// "Acquired …") are paired with release lines ("Started …", "Released …") and failure lines
// ("Failed to start …") that release nothing.
//
// Pairing heuristic (kept conservative; it only ever corroborates a growing counter, it never
// raises a finding on its own):
// - a message counts when its first word (after an optional "Successfully") is a past-tense verb
//   from the acquisition list or the release list; each distinct message is one template, and
//   only the most frequent template of each side is used (one action often logs two lines);
// - failures are "Failed to <verb> …" / "Unable to <verb> …"; the release template preferred is
//   the one whose verb is the failed verb ("Failed to start stream" ↔ "Started new stream");
// - for in-flight/active counters "Started" is the acquisition and "Finished/Completed/Done" the
//   release; for pending/tracked counters "Started" resolves a pending entry (a release);
// - acquisitions outnumber releases when the difference is at least max(2, 5 %).
import type { Event, LogEvent } from '../../core/event.js';
import { numField } from '../../core/event.js';
import type { Evidence, FindingDraft } from '../../core/finding.js';
import type { Analyzer } from '../types.js';
import { defineRule } from '../rule.js';

/** Words that make a number a pending/in-flight counter (in a field name or the message). */
const COUNTER_WORD = /pending|in[-_ ]?flight|inflight|outstanding|tracked|\bheld\b|orphan|unreleased/i;
/** Field-name form (no word boundaries inside identifiers like pendingStreams, held_slots). */
const COUNTER_FIELD = /pending|in[-_]?flight|inflight|outstanding|tracked|held|orphan|unreleased/i;
/** Generic number fields that are the counter when the message names what is counted. */
const GENERIC_FIELD = /^(count|n|num|number|size|len|length|total|entries|items|value|current)$/i;
/** Fields that grow with time by nature and are never counters. */
const TIMELIKE_FIELD = /(?:seconds|secs|sec|millis|duration|age|time|timestamp|latency|since|ago|elapsed|uptime|bytes)$/i;
/** Unit suffixes that need their case to be told apart from plain words (`pendingMs`, not `items`). */
const TIMELIKE_SUFFIX = /(?:_ms|Ms|_at|At)$/;
/** The message itself says the entries are still held. */
const HELD_MESSAGE = /\bstill\b|\bheld\b|\bleak|orphan|unreleased|not (?:been )?released|\bstuck\b|\bstale\b|never released/i;
/** Counters for which "Started" is the acquisition (work in progress) rather than the release. */
const INFLIGHT_COUNTER = /in[-_ ]?flight|inflight|active|running|in[-_ ]?progress/i;

/** First words of acquisition messages (the engine's keywords must cover each, capitalised). */
const ACQUIRE_VERBS = new Set(['selected', 'acquired', 'reserved', 'allocated']);
/** First words of release messages. */
const RELEASE_VERBS = new Set(['released', 'started', 'finished', 'completed', 'removed']);
/** Failure messages and the verb that failed. */
const FAILURE_RE = /^(?:failed|unable) to ([A-Za-z]+)/i;

/** Caps on remembered state; beyond them new keys are counted as dropped. */
const MAX_COUNTERS = 5000;
const MAX_SCOPES = 2000;
const MAX_TEMPLATES_PER_SCOPE = 256;
/** Observation lines kept as evidence: the first few and the most recent. */
const KEEP_FIRST = 3;
const KEEP_LAST = 5;

interface Obs {
  v: number;
  t?: number;
  ev: Evidence;
}

interface Counter {
  scope: string;
  template: string;
  field: string;
  controller?: string;
  first: Obs;
  last: Obs;
  n: number;
  rises: number;
  drops: number;
  /** Went back to (or below) its baseline at some point: a gauge that drains. */
  drained: boolean;
  head: Obs[];
  tail: Obs[];
  intervals: number[];
}

interface Template {
  count: number;
  cls: 'acq' | 'rel' | 'fail';
  verb: string;
  message: string;
  first: Evidence;
}

/** Stem of an English verb form, so that "started" meets "start" and "stopped" meets "stop". */
export function verbStem(w: string): string {
  let s = w.toLowerCase();
  if (s.endsWith('ied')) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('ed')) s = s.slice(0, -2);
  else if (s.endsWith('e')) s = s.slice(0, -1);
  if (s.length > 3 && s[s.length - 1] === s[s.length - 2] && !/[aeiou]/.test(s[s.length - 1]!)) s = s.slice(0, -1);
  return s;
}

/** A message with its variable parts (numbers) masked, capped in length. */
function templateOf(message: string): string {
  return message.replace(/\d+/g, '#').slice(0, 160).trim();
}

/** What a message tells, computed once per distinct message. */
interface MessageInfo {
  template: string;
  /** The message names what is counted (pending, tracked, in-flight …). */
  counterWord: boolean;
  cls?: Template['cls'];
  verb?: string;
}

/** How a field name is treated: 0 never a counter, 1 a counter, 2 a counter when the message names one. */
type FieldClass = 0 | 1 | 2;

function classifyMessage(msg: string): MessageInfo {
  const info: MessageInfo = { template: templateOf(msg), counterWord: COUNTER_WORD.test(msg) };
  const fm = FAILURE_RE.exec(msg);
  if (fm) {
    info.cls = 'fail';
    info.verb = verbStem(fm[1]!);
  } else {
    const w = /^(?:successfully\s+)?([A-Za-z]+)\b/i.exec(msg)?.[1]?.toLowerCase();
    if (w && ACQUIRE_VERBS.has(w)) info.cls = 'acq';
    else if (w && RELEASE_VERBS.has(w)) info.cls = 'rel';
    if (info.cls) info.verb = verbStem(w!);
  }
  return info;
}

function classifyField(k: string): FieldClass {
  if (TIMELIKE_FIELD.test(k) || TIMELIKE_SUFFIX.test(k)) return 0;
  if (COUNTER_FIELD.test(k)) return 1;
  return GENERIC_FIELD.test(k) ? 2 : 0;
}

function countersWith(e: LogEvent, msgNames: boolean, fieldClass: (k: string) => FieldClass): Array<[string, number]> {
  let out: Array<[string, number]> | undefined;
  for (const k in e.fields) {
    const c = fieldClass(k);
    if (c === 0 || (c === 2 && !msgNames)) continue;
    const v = numField(e.fields, k);
    if (v === undefined || !Number.isInteger(v) || v < 0) continue;
    (out ??= []).push([k, v]);
  }
  if (out === undefined && msgNames) {
    // A number in the message itself ("3 pending requests", "pending: 3"), only when it is the
    // message's single standalone number.
    const nums = [...e.message.matchAll(/(?:^|[\s:=(])(\d+)(?=$|[\s,;)])/g)];
    if (nums.length === 1 && (e.message.match(/\d+/g) ?? []).length === 1) out = [['#', Number(nums[0]![1])]];
  }
  return out ?? NONE;
}

const NONE: Array<[string, number]> = [];
/** Distinct messages and field names whose classification is cached. */
const MAX_CACHED = 20_000;

/** Counter values in one event: `[fieldName, value]` pairs. */
export function countersIn(e: LogEvent): Array<[string, number]> {
  return countersWith(e, COUNTER_WORD.test(e.message), classifyField);
}

class StalePending implements Analyzer {
  private readonly counters = new Map<string, Counter>();
  private readonly scopes = new Map<string, Map<string, Template>>();
  private readonly messages = new Map<string, MessageInfo>();
  private readonly fields = new Map<string, FieldClass>();
  private readonly fieldClass = (k: string): FieldClass => {
    let c = this.fields.get(k);
    if (c === undefined) {
      c = classifyField(k);
      if (this.fields.size < MAX_CACHED) this.fields.set(k, c);
    }
    return c;
  };
  private droppedCounters = 0;
  private droppedTemplates = 0;
  private lastSource?: string;
  private lastOrigin?: string;
  private lastScope = '';

  onEvent(ev: Event): void {
    // Acquisition and release lines arrive counted per message (see countKeywords below).
    const n = ev.kind === 'tally' ? ev.count : 1;
    const e = ev.kind === 'tally' ? ev.first : ev;
    if (e.kind !== 'log') return;
    if (e.source !== this.lastSource || e.origin !== this.lastOrigin) {
      this.lastSource = e.source;
      this.lastOrigin = e.origin;
      this.lastScope = `${e.source}\u0000${e.origin ?? ''}`;
    }
    const scope = this.lastScope;
    let info = this.messages.get(e.message);
    if (info === undefined) {
      info = classifyMessage(e.message);
      if (this.messages.size < MAX_CACHED) this.messages.set(e.message, info);
    }
    if (info.cls) this.tally(e, scope, info, n);
    for (const [field, v] of countersWith(e, info.counterWord, this.fieldClass)) this.observe(e, scope, info.template, field, v);
  }

  private tally(e: LogEvent, scope: string, info: MessageInfo, n: number): void {
    let temps = this.scopes.get(scope);
    if (!temps) {
      if (this.scopes.size >= MAX_SCOPES) {
        this.droppedTemplates++;
        return;
      }
      temps = new Map();
      this.scopes.set(scope, temps);
    }
    const t = info.template;
    const cur = temps.get(t);
    if (cur) {
      cur.count += n;
      return;
    }
    if (temps.size >= MAX_TEMPLATES_PER_SCOPE) {
      this.droppedTemplates++;
      return;
    }
    temps.set(t, { count: n, cls: info.cls!, verb: info.verb!, message: t, first: this.evidence(e) });
  }

  private evidence(e: LogEvent): Evidence {
    return { source: `${e.source}:${e.line}`, time: e.time !== undefined ? new Date(e.time).toISOString() : undefined, text: e.raw };
  }

  private observe(e: LogEvent, scope: string, template: string, field: string, v: number): void {
    const id = `${scope}\u0000${template}\u0000${field}`;
    const obs: Obs = { v, t: e.time, ev: this.evidence(e) };
    const c = this.counters.get(id);
    if (!c) {
      if (this.counters.size >= MAX_COUNTERS) {
        this.droppedCounters++;
        return;
      }
      this.counters.set(id, {
        scope,
        template,
        field,
        controller: e.logger ?? e.origin,
        first: obs,
        last: obs,
        n: 1,
        rises: 0,
        drops: 0,
        drained: false,
        head: [obs],
        tail: [],
        intervals: [],
      });
      return;
    }
    const prev = c.last;
    if (v <= c.first.v) c.drained = true;
    if (v > prev.v) c.rises++;
    else if (v < prev.v) c.drops++;
    if (obs.t !== undefined && prev.t !== undefined && obs.t >= prev.t) {
      if (c.intervals.length < 1000) c.intervals.push(obs.t - prev.t);
    }
    c.n++;
    c.last = obs;
    if (c.head.length < KEEP_FIRST) c.head.push(obs);
    else {
      c.tail.push(obs);
      if (c.tail.length > KEEP_LAST) c.tail.shift();
    }
  }

  /** Acquisitions, releases and failures in the counter's own log, when both sides show. */
  private pairing(c: Counter): { acq?: Template; rel?: Template; failures: number; fail?: Template } | undefined {
    const temps = this.scopes.get(c.scope);
    if (!temps) return undefined;
    const inflight = INFLIGHT_COUNTER.test(`${c.template} ${c.field}`) && !/pending|tracked|held/i.test(c.template);
    const acqs: Template[] = [];
    const rels: Template[] = [];
    const fails: Template[] = [];
    for (const t of temps.values()) {
      if (t.cls === 'fail') fails.push(t);
      else if (t.cls === 'acq') acqs.push(t);
      else if (inflight && t.verb === 'start') acqs.push(t);
      else rels.push(t);
    }
    const max = (ts: Template[]) => ts.reduce<Template | undefined>((b, t) => (!b || t.count > b.count ? t : b), undefined);
    const acq = max(acqs);
    if (!acq) return undefined;
    const failedVerbs = new Set(fails.map((f) => f.verb));
    const rel = max(rels.filter((r) => failedVerbs.has(r.verb))) ?? max(rels);
    if (!rel) return undefined;
    const matching = fails.filter((f) => f.verb === rel.verb);
    return { acq, rel, failures: matching.reduce((s, f) => s + f.count, 0), fail: max(matching) };
  }

  flush(): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const c of this.counters.values()) {
      const f = this.judge(c);
      if (f) out.push(f);
    }
    return out;
  }

  private judge(c: Counter): FindingDraft | undefined {
    if (c.n < 2 || c.drained || c.last.v <= c.first.v || c.rises === 0 || c.drops >= c.rises) return undefined;
    const rising = 1 + c.rises;
    const longSeries = rising >= 4 && c.drops === 0;
    const heldMessage = HELD_MESSAGE.test(c.template);
    const p = this.pairing(c);
    const acquisitions = p?.acq?.count ?? 0;
    const releases = p?.rel?.count ?? 0;
    const unpaired = p !== undefined && acquisitions - releases >= Math.max(2, Math.ceil(acquisitions * 0.05));
    if (!longSeries && !heldMessage && !unpaired) return undefined;
    const signals = [longSeries, heldMessage, unpaired].filter(Boolean).length;
    const severity = signals >= 2 ? 'critical' : 'warning';
    const first = c.first;
    const last = c.last;
    const spanMs = first.t !== undefined && last.t !== undefined ? last.t - first.t : undefined;
    const sorted = [...c.intervals].sort((a, b) => a - b);
    const periodMs = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : undefined;
    const slope = spanMs && spanMs > 0 ? (last.v - first.v) / (spanMs / 60_000) : undefined;
    const metrics: FindingDraft['metrics'] = {
      first: first.v,
      last: last.v,
      baseline: first.v,
      observations: c.n,
      rises: c.rises,
    };
    if (slope !== undefined) metrics.slopePerMinute = Math.round(slope * 1000) / 1000;
    if (periodMs !== undefined) metrics.periodSeconds = Math.round(periodMs / 100) / 10;
    if (p) {
      metrics.acquisitions = acquisitions;
      metrics.releases = releases;
      metrics.failures = p.failures;
    }
    if (this.droppedCounters) metrics.droppedCounters = this.droppedCounters;
    const generic = c.field === '#' || GENERIC_FIELD.test(c.field);
    const name = generic ? c.template : `${c.template} (${c.field})`;
    const evidence: Evidence[] = [...c.head, ...c.tail].map((o) => o.ev);
    if (p && unpaired) {
      evidence.push(p.acq!.first, p.rel!.first);
      if (p.fail) evidence.push(p.fail.first);
    }
    const over = spanMs !== undefined ? ` over ${humanSpan(spanMs)}` : '';
    const every = periodMs !== undefined && c.n > 1 ? `, logged every ${humanSpan(periodMs)}` : '';
    const why: string[] = [];
    if (longSeries) why.push(`it rose at ${rising} consecutive observations`);
    if (heldMessage) why.push('the message says the entries are still held');
    if (unpaired)
      why.push(
        `the same log has ${acquisitions} acquisitions ("${p!.acq!.message}") against ${releases} releases ("${p!.rel!.message}")` +
          (p!.failures ? `, and ${p!.failures} "${p!.fail!.message}" lines release nothing` : ''),
      );
    return {
      rule: 'stale-pending',
      severity,
      title: `"${name}" only grows: ${first.v} → ${last.v}`,
      subject: { kind: 'Counter', namespace: null, name, controller: c.controller ?? null },
      summary:
        `${c.field === '#' ? 'The counter' : `The counter ${c.field}`} went from ${first.v} to ${last.v}${over} (${c.n} observations${every}` +
        `${slope !== undefined ? `, +${+slope.toFixed(2)}/min` : ''}) and never returned to its baseline ${first.v}; ${why.join('; ')}.`,
      metrics,
      evidence,
      firstSeen: first.ev.time,
      lastSeen: last.ev.time,
    };
  }
}

function humanSpan(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * Substrings the engine must see (case-sensitive; kept short because every raw line is tested
 * against the union of all analyzers' keywords): counter words ("pending", "tracked",
 * "in-flight"/"inflight"/"InFlight", "outstanding", "orphaned", "unreleased", "held") and the
 * verbs of the acquisition, release and failure lists below. "pending" is spelled out in both
 * cases rather than as "ending": that also matched "sending", 260 lines of 2300 in the real
 * kube-apiserver log (gRPC's "ccResolverWrapper: sending update"), each parsed for nothing.
 */
const KEYWORDS = ['pending', 'Pending', 'racked', 'light', 'utstanding', 'rphan', 'nreleased', 'held'];
/**
 * Acquisition, release and failure lines are frequent and only counted per message, so they
 * come as tally events instead of one event a line (see LogInterest.countKeywords).
 */
const COUNT_KEYWORDS = ['Selected', 'Acquired', 'Reserved', 'Allocated', 'Started', 'Released', 'Finished', 'Completed', 'Removed', 'ailed to', 'nable to'];

declare module '../rule.js' {
  interface RuleIds {
    'stale-pending': true;
  }
}

/** The stale-pending rule: consumes log lines, and acquisition/release lines counted per message. */
export const stalePending = defineRule({
  rule: 'stale-pending',
  order: 30,
  text: {
    title: 'An in-flight/pending counter only grows',
    meaning:
      'an in-flight/pending/tracked counter that only grows: acquisitions without releases, orphaned reservations, a "still tracked" count that never returns to its baseline',
    explanation: [
      'A component that reserves something (a stream slot, a lock, an engine) and releases it only on the success path leaks a reservation on every failure. Its pending / in-flight / tracked count climbs and never returns to its baseline, until capacity runs out and new work is refused — or retried in a storm against the same failing backend.',
      'ctrlscope follows counters in periodic log lines: numeric fields named like pending, in-flight/inflight, outstanding, tracked, held, orphaned, unreleased, or a generic count/total/size field (or the message\'s only number) when the message itself names what is counted. A counter is one message template plus field name, per input and pod. It reports the first and last value, the baseline (first value), the slope per minute and the logging period.',
      'Where the same log shows them, it pairs acquisitions with releases: messages that start with selected/acquired/reserved/allocated against released/started/finished/completed/removed ("Started" resolves a pending entry; for in-flight counters it is the acquisition), preferring the release whose verb a "Failed to …" line names ("Failed to start stream" ↔ "Started new stream"). Such failures are counted as paths that release nothing. Only the most frequent message of each side is used, since one action often logs two lines.',
    ],
    severity: [
      'A finding needs one of three signals: four or more rising observations (the first value plus at least three increases) and never a fall; the message says the entries are still held (still, held, orphaned, unreleased, stuck, stale, leak); or acquisitions outnumber releases in the same log by at least max(2, 5 %).',
      'critical: two or more of these signals (e.g. "still tracked" 3 → 9 while 49 acquisitions face 37 releases).',
      'warning: exactly one signal.',
    ],
    notFlagged: [
      'a gauge that goes back to zero or to its first value at any point in the input',
      'a counter that falls about as often as it rises',
      'two or three rising observations with nothing else saying the entries are held',
    ],
    remediation: {
      summary: 'Release the reservation on every path, sweep entries that outlive their owner, and stop the retry storm that feeds the leak.',
      steps: [
        'Release right where you acquire: in Go `slot := acquire(); defer release(slot)` (or a finally block), so that every error return — "Failed to start stream" included — releases too; move the decrement out of the success-only branch.',
        'Add a periodic sweep (time.Ticker) that removes entries older than their maximum lifetime from the pending map, decrements the counter and logs how many it removed.',
        'Put a circuit breaker with exponential backoff (e.g. github.com/sony/gobreaker) in front of the failing backend so repeated failures stop selecting — and reserving — new engines.',
        'Export the counter as a gauge metric and alert when it stays above its baseline for longer than the longest legitimate operation.',
      ],
      references: [
        'https://go.dev/blog/defer-panic-and-recover',
        'https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker',
        'https://pkg.go.dev/github.com/sony/gobreaker',
      ],
    },
  },
  options: () => ({}),
  consumes: ['log', 'tally'],
  vocabulary: {
    counters: { about: 'words of in-flight, pending and held counters', words: KEYWORDS },
    actions: { about: 'acquisitions, releases and failures, counted per message', words: COUNT_KEYWORDS, prefilter: 'count' },
  },
  live: { series: ['last'], seriesLabel: 'pending count' },
  create: () => new StalePending(),
});
export default stalePending;

