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
import { stalePendingRemediation } from '../remediation.js';
import type { Event, LogEvent, MetricEvent } from '../../core/event.js';
import { numField } from '../../core/event.js';
import type { Evidence, FindingDraft } from '../../core/finding.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import { defineRule, vocabularyOption } from '../rule.js';
import { readsWorkqueueDepth } from './queue-leak.js';

/**
 * The words stale-pending matches, as data: one list per purpose, extendable from the config
 * (`rules.stale-pending.vocabulary.<list>`). Matching is case-insensitive; in field names the
 * words match inside identifiers (pendingStreams, held_slots, inUse).
 */
export const STALE_PENDING_VOCABULARY = {
  counterWords: {
    about: 'words that make a number an amount held in flight (in a field name, a label or the message)',
    words: ['pending', 'in-flight', 'in_flight', 'inflight', 'in flight', 'outstanding', 'tracked', 'held', 'orphan', 'unreleased', 'buffered', 'backlog', 'queued', 'waiting', 'in use', 'inuse', 'in_use', 'unacked', 'unacknowledged', 'active connections', 'activeconnections', 'open connections', 'now open', 'busy'],
  },
  containerWords: {
    about: 'words naming something that holds items: with them a generic size/length/depth/count is the amount held',
    words: ['queue', 'buffer', 'backlog', 'pending', 'inflight', 'in-flight'],
  },
  genericFields: {
    about: 'generic number names that are the amount held when the message or label names what is held',
    words: ['count', 'n', 'num', 'number', 'size', 'len', 'length', 'depth', 'entries', 'items', 'value', 'current', 'qsize', 'qlen', 'fullness'],
    prefilter: 'none',
  },
  cumulativeWords: {
    about: 'names of numbers that grow by nature (cumulative counters, high-water marks, limits): never an amount held',
    words: ['total', 'processed', 'handled', 'sent', 'received', 'done', 'completed', 'enqueued', 'dequeued', 'requeue', 'discarded', 'dropped', 'failed', 'failures', 'errors', 'retries', 'restarts', 'created', 'deleted', 'evicted', 'acquired', 'released', 'accepted', 'rejected', 'served', 'delivered', 'written', 'max', 'peak', 'highwater', 'high_water', 'watermark', 'limit', 'capacity'],
    prefilter: 'none',
  },
  metricCounterSuffixes: {
    about: 'endings of Prometheus sample names that are counters, histograms or summaries (cumulative by nature), never an amount held',
    words: ['_total', '_count', '_sum', '_bucket', '_created', '_info'],
    prefilter: 'none',
  },
  heldWords: {
    about: 'the message itself says the entries are still held',
    words: ['still', 'held', 'leak', 'orphan', 'unreleased', 'not released', 'not been released', 'stuck', 'stale', 'never released'],
    prefilter: 'none',
  },
  failureWords: {
    about: 'failure lines that, in the same stream as a growing amount, confirm a leak (raise confidence)',
    words: ['timeout', 'timed out', 'write error', 'broken pipe', 'connection reset', 'refused', 'failed', 'error'],
    prefilter: 'none',
  },
} as const;

type StaleVocab = keyof typeof STALE_PENDING_VOCABULARY;
type Extra = Readonly<Record<string, readonly string[]>>;
const escapeRe = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordsOf = (name: StaleVocab, extra: Extra = {}): string[] => [...STALE_PENDING_VOCABULARY[name].words, ...(extra[name] ?? [])];
/** Words as one alternation; in field names and labels spaces, dashes and underscores are interchangeable. */
const alt = (name: StaleVocab, extra?: Extra): string => wordsOf(name, extra).map((w) => escapeRe(w).replace(/[ _-]/g, '[ _-]?')).join('|');

/** The matchers built from the vocabulary (and a config's extra words). */
interface Vocab {
  counterWord: RegExp;
  counterField: RegExp;
  container: RegExp;
  generic: RegExp;
  cumulative: RegExp;
  held: RegExp;
  failure: RegExp;
  metricCounter: RegExp;
  /** A number just before the words naming the amount: "(51 connections now open)", "3 requests still pending". */
  counterNumber: RegExp;
}

function vocabOf(extra: Extra = {}): Vocab {
  return {
    counterWord: new RegExp(`(?:^|[^a-z])(?:${alt('counterWords', extra)})`, 'i'),
    counterField: new RegExp(alt('counterWords', extra), 'i'),
    container: new RegExp(`(?:${alt('containerWords', extra)})`, 'i'),
    generic: new RegExp(`(?:^|[\\s._-])(?:${alt('genericFields', extra)})$`, 'i'),
    cumulative: new RegExp(alt('cumulativeWords', extra), 'i'),
    held: new RegExp(`\\b(?:${alt('heldWords', extra)})`, 'i'),
    failure: new RegExp(`\\b(?:${alt('failureWords', extra)})`, 'i'),
    metricCounter: new RegExp(`(?:${wordsOf('metricCounterSuffixes', extra).map(escapeRe).join('|')})$`, 'i'),
    counterNumber: new RegExp(`(?:^|[\\s(\\[])(\\d+)(?!\\s*${TIME_UNIT})\\s+(?:[A-Za-z][\\w-]*\\s+){0,2}(?:${alt('counterWords', extra)})\\b`, 'i'),
  };
}

/** Units after a number that make it a time or a size, not an amount held. */
const TIME_UNIT = '(?:ms|s|sec|secs|seconds?|m|min|minutes?|h|hours?|bytes?|[kmg]i?b)\\b';
const DEFAULT_VOCAB = vocabOf();
/** Fields that grow with time by nature and are never counters. */
const TIMELIKE_FIELD = /(?:seconds|secs|sec|millis|duration|age|time|timestamp|latency|since|ago|elapsed|uptime|bytes)$/i;
/** Unit suffixes that need their case to be told apart from plain words (`pendingMs`, not `items`). */
const TIMELIKE_SUFFIX = /(?:_ms|Ms|_at|At)$/;
/** Counters for which "Started" is the acquisition (work in progress) rather than the release. */
const INFLIGHT_COUNTER = /in[-_ ]?flight|inflight|active|running|in[-_ ]?progress/i;
/**
 * `label: N`, `label=N` and `label: N/CAPACITY` in free text, the label being one to three words.
 * A number followed by a unit or a further digit group (times, versions, addresses) is not a value.
 */
const PAIR_RE = /(?<![A-Za-z])([A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*){0,2})\s*[=:]\s*(\d+)(?:\s*\/\s*(\d+))?(?![\w.:/%-])/g;
/**
 * What every PAIR_RE match holds (a label's last character, `=` or `:`, a digit): messages
 * without it are not searched. A match never starts right after a letter, since the label could
 * have started there; saying so spares the search every position inside a word.
 */
const PAIR_HINT = /[\w.-]\s*[=:]\s*\d/;

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
/** Timeouts and "Failed to …" lines, which the line filter counts (COUNT_KEYWORDS). */
const COUNTED_FAILURE = /imeout|imed out|ailed to|nable to/;
/** Observations closer together than this are one burst. */
const BURST_MS = 1000;
/** Observation lines kept as evidence: the first few and the most recent. */
const KEEP_FIRST = 3;
const KEEP_LAST = 5;

/** What a finding says about how sure it is, and which signals agreed (additive to the contract). */
type Draft = FindingDraft & { confidence: 'high' | 'medium' | 'low'; signals: string[]; variant: string };

interface Obs {
  v: number;
  t?: number;
  /** The evidence, or the line it is made of when a finding shows it. */
  ev?: Evidence;
  e?: LogEvent;
}

interface Counter {
  scope: string;
  template: string;
  field: string;
  controller?: string;
  /** The pod/container the lines came from, else the input. */
  origin: string;
  first: Obs;
  last: Obs;
  n: number;
  rises: number;
  drops: number;
  /** Went back to (or below) its baseline at some point: a gauge that drains. */
  drained: boolean;
  max: number;
  /** The capacity logged beside the value (`in use: 5/10`), when there is one. */
  capacity?: number;
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

/** The key of a template: "1 connection" and "2 connections" are one counter (the noun after a number loses its plural s). */
function templateKey(template: string): string {
  return template.replace(/#(\s+[A-Za-z]+?)s\b/g, '#$1');
}

/** What a message tells, computed once per distinct message. */
interface MessageInfo {
  template: string;
  /** The message names what is counted (pending, tracked, in-flight …). */
  counterWord: boolean;
  /** The message names something that holds items (a queue, a buffer). */
  container: boolean;
  /** The message is a failure (error words; checked only for lines that hold no counter). */
  failure: boolean;
  cls?: Template['cls'];
  verb?: string;
  /** Counter ids of this template by field, in the scope `idScope` (see StalePending.observe). */
  ids?: Map<string, string>;
  idScope?: string;
  /**
   * Where the amount in the message's own words lies, the same for every message of this key
   * (see amountRuns): PAIRS, or the digit runs of the value and the capacity (none: no amount).
   */
  runs?: readonly number[];
}

/** How a field name is treated: 0 never a counter, 1 a counter, 2 a counter when the message names one. */
type FieldClass = 0 | 1 | 2;

function classifyMessage(msg: string, v: Vocab = DEFAULT_VOCAB): MessageInfo {
  const info: MessageInfo = { template: templateOf(msg), counterWord: v.counterWord.test(msg), container: v.container.test(msg), failure: v.failure.test(msg) };
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

/** Whether a field name (or a label in free text) is an amount held: never (time-like, cumulative), always, or with a message that names one. */
function classifyField(k: string, v: Vocab = DEFAULT_VOCAB): FieldClass {
  if (TIMELIKE_FIELD.test(k) || TIMELIKE_SUFFIX.test(k)) return 0;
  if (v.cumulative.test(k)) return 0;
  if (v.counterField.test(k)) return 1;
  if (!v.generic.test(k)) return 0;
  // A generic number whose own name says what holds the items (queue_length, workqueue_depth,
  // "Buffer fullness") is the amount held whatever the message says.
  return v.container.test(k) ? 1 : 2;
}

/** One amount in a line: its field or label, its value, and the capacity after it (`5/10`). */
type Amount = [field: string, value: number, capacity?: number];

function countersWith(e: LogEvent, info: MessageInfo, fieldClass: (k: string) => FieldClass, v: Vocab = DEFAULT_VOCAB): Amount[] {
  let out: Amount[] | undefined;
  const msgNames = info.counterWord || info.container;
  for (const k in e.fields) {
    const c = fieldClass(k);
    if (c === 0 || (c === 2 && !msgNames)) continue;
    const raw = e.fields[k];
    const frac = typeof raw === 'string' ? /^(\d+)\s*\/\s*(\d+)$/.exec(raw) : null;
    const v = frac ? Number(frac[1]) : numField(e.fields, k);
    if (v === undefined || !Number.isInteger(v) || v < 0) continue;
    (out ??= []).push(frac ? [k, v, Number(frac[2])] : [k, v]);
  }
  if (out === undefined && info.runs !== undefined && info.runs !== PAIRS) {
    // The message's amount, read where the key says it lies (see amountRuns).
    const runs = info.runs;
    if (runs.length === 0) return NONE;
    const value = digitRun(e.message, runs[0]!);
    return runs.length === 1 ? [['#', value]] : [['#', value, digitRun(e.message, runs[1]!)]];
  }
  if (out === undefined && PAIR_HINT.test(e.message)) {
    // `label: N`, `label=N`, `label: N/CAPACITY` in the message's own words.
    for (const m of e.message.matchAll(PAIR_RE)) {
      const label = m[1]!;
      const c = fieldClass(label);
      if (c === 0 || (c === 2 && !msgNames)) continue;
      (out ??= []).push(m[3] !== undefined ? [label, Number(m[2]), Number(m[3])] : [label, Number(m[2])]);
    }
  }
  if (out === undefined && info.counterWord) {
    // A number in the message itself ("3 pending requests"), only when it is the message's single
    // standalone number and no unit of time follows it.
    const digitGroups = digitGroupsIn(e.message);
    if (digitGroups === 1) {
      // One digit run: at most one standalone number.
      const num = STANDALONE_NUMBER_RE.exec(e.message);
      if (num) out = [['#', Number(num[1])]];
    } else if (digitGroups === 2) {
      // "connections in use 5/10": the message's only numbers are one N/CAPACITY.
      const frac = FRACTION_RE.exec(e.message);
      if (frac) out = [['#', Number(frac[1]), Number(frac[2])]];
    }
    if (out === undefined) {
      // Among other numbers (addresses, ports, ids), the one just before the words naming the
      // amount: mongod's "connection accepted from 10.0.0.5:39068 #6 (4 connections now open)".
      const near = v.counterNumber.exec(e.message);
      if (near) out = [['#', Number(near[1])]];
    }
  }
  return out ?? NONE;
}

const NONE: Amount[] = [];
/** A standalone N/CAPACITY. */
const FRACTION_RE = /(?:^|[\s(])(\d+)\s*\/\s*(\d+)(?=$|[\s,;)])/;
/** The runs of a message whose amounts are its `label: N` pairs, read from each message. */
const PAIRS: readonly number[] = [-1];

/**
 * Where countersWith finds the amount of a message that no field holds one for, worked out once
 * from the message's key (its digit runs each made one `0`): PAIRS when it may hold `label: N`
 * pairs, else the digit runs (0-based) holding the value and the capacity, or none. Every matcher
 * involved treats a digit run as it treats one digit (`\d+` bounded by non-digits, `\w`, `\b`),
 * so it finds the same runs in the key as in each message of that key; that holds for the default
 * vocabulary, whose words hold no digits (custom ones take the full path).
 */
function amountRuns(key: string, info: MessageInfo, v: Vocab): readonly number[] {
  if (PAIR_HINT.test(key)) return PAIRS;
  if (!info.counterWord) return [];
  const digitGroups = digitGroupsIn(key);
  if (digitGroups === 1) {
    if (STANDALONE_NUMBER_RE.test(key)) return [0];
  } else if (digitGroups === 2) {
    if (FRACTION_RE.test(key)) return [0, 1];
  }
  const near = v.counterNumber.exec(key);
  if (!near) return [];
  // The run starts the match, or follows its one-character prefix; in the key each run is one digit.
  const at = near.index + (isDigitCode(key.charCodeAt(near.index)) ? 0 : 1);
  let k = 0;
  for (let i = 0; i < at; i++) if (isDigitCode(key.charCodeAt(i))) k++;
  return [k];
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The value of the k-th (0-based) run of ASCII digits in `s`. */
function digitRun(s: string, k: number): number {
  for (let i = 0; i < s.length; ) {
    while (i < s.length && !isDigitCode(s.charCodeAt(i))) i++;
    const from = i;
    while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
    if (k-- === 0) return Number(s.slice(from, i));
  }
  return NaN;
}
/** A standalone number not followed by a unit of time. */
const STANDALONE_NUMBER_RE = /(?:^|[\s:=(])(\d+)(?=$|[\s,;)])(?!\s*(?:ms|s|sec|secs|seconds?|m|min|minutes?|h|hours?)\b)/i;
const DIGITS_RE = /\d+/g;

/** Runs of ASCII digits in `s` (what `/\d+/g` finds), counted up to 3. */
function digitGroupsIn(s: string): number {
  let n = 0;
  let inRun = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57;
    if (d && !inRun && ++n === 3) return n;
    inRun = d;
  }
  return n;
}
/** Distinct messages and field names whose classification is cached. */
const MAX_CACHED = 20_000;

/** Counter values in one event: `[fieldName, value]` pairs. */
export function countersIn(e: LogEvent): Array<[string, number]> {
  return countersWith(e, classifyMessage(e.message), (k) => classifyField(k)).map(([k, v]) => [k, v]);
}

class StalePending implements Analyzer {
  private readonly counters = new Map<string, Counter>();
  private readonly scopes = new Map<string, Map<string, Template>>();
  /** Failure lines per stream (error level, or worded as a failure), with the first as evidence. */
  private readonly failures = new Map<string, { count: number; first: Evidence; times: number[] }>();
  private readonly messages = new Map<string, MessageInfo>();
  private readonly fields = new Map<string, FieldClass>();
  private readonly vocab: Vocab;
  private readonly fieldClass = (k: string): FieldClass => {
    let c = this.fields.get(k);
    if (c === undefined) {
      c = classifyField(k, this.vocab);
      if (this.fields.size < MAX_CACHED) this.fields.set(k, c);
    }
    return c;
  };

  /** Whether queue-leak runs: it then owns the depth series of named workqueues (one finding per queue). */
  private readonly queueLeakOwnsDepth: boolean;

  constructor(ctx?: AnalyzerContext) {
    const extra = ctx ? vocabularyOption(ctx.options) : undefined;
    this.vocab = extra ? vocabOf(extra) : DEFAULT_VOCAB;
    this.queueLeakOwnsDepth = ctx?.rules === undefined || ctx.rules.includes('queue-leak');
  }
  private droppedCounters = 0;
  private droppedTemplates = 0;
  private lastSource?: string;
  private lastOrigin?: string;
  private lastScope = '';

  /** What this rule read (the report's coverage). */
  private readonly counts = { counterObservations: 0, acquisitionReleaseLines: 0 };

  seen(): Record<string, number> {
    return { ...this.counts };
  }

  onEvent(ev: Event): void {
    if (ev.kind === 'metric') {
      this.onMetric(ev);
      return;
    }
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
    // Messages that differ only in their numbers are told the same (each digit run as one 0:
    // still a \w character and not a letter, for every matcher above), so a gauge logged with a
    // new value on every line is classified once.
    const key = e.message.replace(DIGITS_RE, '0');
    let info = this.messages.get(key);
    if (info === undefined) {
      info = classifyMessage(key, this.vocab);
      if (this.vocab === DEFAULT_VOCAB) info.runs = amountRuns(key, info, this.vocab);
      if (this.messages.size < MAX_CACHED) this.messages.set(key, info);
    }
    if (info.cls) {
      this.counts.acquisitionReleaseLines += n;
      this.tally(e, scope, info, n);
    }
    const amounts = countersWith(e, info, this.fieldClass, this.vocab);
    this.counts.counterObservations += amounts.length;
    for (const [field, v, cap] of amounts) this.observe(e, scope, info, field, v, cap);
    // Failure lines: error level, or the counted failure words (the same set with the line filter on or off).
    if (amounts.length === 0 && (e.level === 'error' || e.level === 'fatal' || info.cls === 'fail' || COUNTED_FAILURE.test(e.message))) this.failed(e, scope, n);
  }

  /** A failure line in a stream: write errors and timeouts beside a growing amount confirm a leak. */
  private failed(e: LogEvent, scope: string, n: number): void {
    const f = this.failures.get(scope);
    if (f) {
      f.count += n;
      if (e.time !== undefined && f.times.length < 4096) f.times.push(e.time);
    } else if (this.failures.size < MAX_SCOPES) {
      this.failures.set(scope, { count: n, first: this.evidence(e), times: e.time !== undefined ? [e.time] : [] });
    }
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
    return { source: `${e.source}:${e.line}`, time: isoTime(e.time), text: e.raw };
  }

  private observe(e: LogEvent, scope: string, info: MessageInfo, field: string, v: number, capacity?: number): void {
    if (info.idScope !== scope) {
      info.idScope = scope;
      info.ids = new Map();
    }
    let id = info.ids!.get(field);
    if (id === undefined) info.ids!.set(field, (id = `${scope}\u0000${templateKey(info.template)}\u0000${field}`));
    this.record(id, scope, info.template, field, v, capacity, { v, t: e.time, e }, e.logger ?? e.origin, e.origin ?? e.source);
  }

  /**
   * A Prometheus sample, or a bare `name value` line read as one (`pending: 12`, `inflight 37`,
   * `queue_length{queue="x"} 42`): a series whose name says it is an amount held is observed
   * like a logged counter, one series per name and label set. Counters, histograms and summaries
   * (`*_total`, `*_count`, `*_bucket` …) and names that are times or cumulative never count.
   */
  private onMetric(e: MetricEvent): void {
    const v = e.value;
    if (!Number.isInteger(v) || v < 0) return;
    // A client-go queue's depth is queue-leak's, read there with its retries and unfinished work.
    if (this.queueLeakOwnsDepth && readsWorkqueueDepth(e)) return;
    const name = e.name.replace(/:+$/, '');
    if (this.vocab.metricCounter.test(name) || this.fieldClass(name) !== 1) return;
    const keys = Object.keys(e.labels).sort();
    const series = keys.length ? `${name}{${keys.map((k) => `${k}="${e.labels[k]}"`).join(',')}}` : name;
    this.counts.counterObservations++;
    const ev: Evidence = {
      source: e.line !== undefined ? `${e.source}:${e.line}` : e.source,
      time: e.time !== undefined ? new Date(e.time).toISOString() : undefined,
      text: `${series} ${v}`,
    };
    const controller = e.labels['controller'] ?? e.labels['name'] ?? e.labels['job'];
    const scope = `${e.source}\u0000`;
    this.record(`${scope}\u0000${series}\u0000#`, scope, series, '#', v, undefined, { v, t: e.time, ev }, controller, e.labels['pod'] ?? e.labels['instance'] ?? e.source);
  }

  /** Observes a value of the counter `id` (`scope`, template and field joined by NULs). */
  private record(id: string, scope: string, template: string, field: string, v: number, capacity: number | undefined, obs: Obs, controller: string | undefined, origin: string): void {
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
        controller,
        origin,
        first: obs,
        last: obs,
        n: 1,
        rises: 0,
        drops: 0,
        drained: false,
        max: v,
        capacity,
        head: [obs],
        tail: [],
        intervals: [],
      });
      return;
    }
    const prev = c.last;
    // Back at (or below) its first value after having been above it: a gauge that drains.
    if (v <= c.first.v && c.max > c.first.v) c.drained = true;
    if (v > c.max) c.max = v;
    if (capacity !== undefined) c.capacity = capacity;
    // Values logged within a second of each other are one burst (a channel filling for a moment,
    // a high-water mark logged as it moves): the burst counts once, with its last value.
    const sameBurst = obs.t !== undefined && prev.t !== undefined && obs.t >= prev.t && obs.t - prev.t < BURST_MS;
    if (!sameBurst) {
      if (v > prev.v) c.rises++;
      else if (v < prev.v) c.drops++;
      if (obs.t !== undefined && prev.t !== undefined && obs.t >= prev.t && c.intervals.length < 1000) c.intervals.push(obs.t - prev.t);
      c.n++;
    }
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

  private judge(c: Counter): Draft | undefined {
    if (c.n < 2 || c.drained || c.last.v <= c.first.v || c.rises === 0 || c.drops >= c.rises) return undefined;
    const rising = 1 + c.rises;
    const longSeries = rising >= 4 && c.drops === 0;
    const heldMessage = this.vocab.held.test(c.template);
    const p = this.pairing(c);
    const acquisitions = p?.acq?.count ?? 0;
    const releases = p?.rel?.count ?? 0;
    const unpaired = p !== undefined && acquisitions - releases >= Math.max(2, Math.ceil(acquisitions * 0.05));
    if (!longSeries && !heldMessage && !unpaired) return undefined;
    const agreeing = [longSeries, heldMessage, unpaired].filter(Boolean).length;
    const severity = agreeing >= 2 ? 'critical' : 'warning';
    const first = c.first;
    const last = c.last;
    // Failure lines in the same stream while the amount grew (write errors, timeouts) confirm a leak.
    const f = this.failures.get(c.scope);
    const during =
      f === undefined ? 0
      : first.t === undefined || last.t === undefined || f.times.length === 0 ? f.count
      : f.times.filter((t) => t >= first.t! && t <= last.t!).length;
    const atCapacity = c.capacity !== undefined && c.capacity > 0 && c.max >= c.capacity;
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
    if (c.capacity !== undefined) metrics.capacity = c.capacity;
    const generic = c.field === '#' || (this.fieldClass(c.field) === 2 && !this.vocab.counterField.test(c.field)) || c.template.includes(c.field);
    const name = !c.template ? c.field : generic ? c.template : `${c.template} (${c.field})`;
    const evidence: Evidence[] = [...c.head, ...c.tail].map((o) => o.ev ?? this.evidence(o.e!));
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
    if (atCapacity) why.push(`it reached its capacity of ${c.capacity}`);
    if (during > 0 && !unpaired) why.push(`${during} failure line${during === 1 ? '' : 's'} in the same log while it grew`);
    const signals: string[] = [];
    if (longSeries) signals.push('rising-series');
    if (heldMessage) signals.push('held-message');
    if (unpaired) signals.push('unpaired-acquisitions');
    if (during > 0) signals.push('failures-in-stream');
    if (atCapacity) signals.push('at-capacity');
    return {
      rule: 'stale-pending',
      severity,
      title: `"${name}" only grows: ${first.v} → ${last.v}`,
      subject: { kind: 'Counter', namespace: null, name, controller: c.controller ?? null, origin: c.origin },
      summary:
        `${c.field === '#' ? 'The counter' : `The counter ${c.field}`} went from ${first.v} to ${last.v}${over} (${c.n} observations${every}` +
        `${slope !== undefined ? `, +${+slope.toFixed(2)}/min` : ''}) and never returned to its baseline ${first.v}; ${why.join('; ')}.`,
      metrics,
      evidence,
      firstSeen: isoTime(first.t),
      lastSeen: isoTime(last.t),
      confidence: severity === 'critical' || during > 0 || atCapacity ? 'high' : 'medium',
      signals,
      variant: unpaired ? 'unreleased-acquisitions' : heldMessage ? 'still-held' : 'growing',
    };
  }
}

function isoTime(t: number | undefined): string | undefined {
  return t !== undefined ? new Date(t).toISOString() : undefined;
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
const KEYWORDS = [
  'pending', 'Pending', 'racked', 'light', 'utstanding', 'rphan', 'nreleased', 'held',
  'queue', 'Queue', 'depth', 'Depth', 'acklog', 'uffered', 'aiting', 'in use', 'nUse', 'n_use', 'ctive connections', 'nacked',
];
/**
 * Acquisition, release and failure lines are frequent and only counted per message, so they
 * come as tally events instead of one event a line (see LogInterest.countKeywords).
 */
const COUNT_KEYWORDS = ['Selected', 'Acquired', 'Reserved', 'Allocated', 'Started', 'Released', 'Finished', 'Completed', 'Removed', 'ailed to', 'nable to', 'imeout', 'imed out'];

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
      'ctrlscope follows amounts held in flight in repeated log lines: a pending amount is a number that a gauge-like template repeats. It is a numeric field named like pending, in-flight/inflight, outstanding, tracked, held, orphaned, unreleased, buffered, backlog, queued, waiting, in use, unacked, active or open connections, busy; or a generic count/size/length/depth/fullness field when its own name, the message or the label names what holds the items (queue_length, workqueue_depth, "Buffer fullness"; a queue, a buffer, a backlog); or the same as `label: N` / `label=N` in the message\'s own words (rsyslog\'s "main Q: … size=N", "Query queue depth: N", "Inflight requests: N"); or the message\'s only standalone number when the message names what is counted, else the number just before the words that name it among other numbers (mongod\'s "connection accepted from 10.0.0.5:39068 #6 (4 connections now open)"; a number followed by a unit of time or size is not an amount); "1 connection" and "2 connections" are one message template. In `label: N/CAPACITY` the value is N and the capacity is remembered (Telegraf\'s "Buffer fullness: 220 / 1000000 metrics"). Bare counter lines count too: a line that is only a name and a number (`pending: 12`, `inflight 37`, `queue_length=120`) and Prometheus samples in a metrics dump (`workqueue_depth{name="x"} 42`, one series per name and label set, the scrapes in file order or by their `# scrape` time) when the name says it is an amount held; sample names ending in _total, _count, _sum, _bucket, _created or _info are counters, histograms or summaries and never count. A client-go workqueue_depth series of a named queue is left to queue-leak when that rule runs, which reports a growing queue once, beside its retries and unfinished work. A counter is one message template plus field name, per input and pod. It reports the first and last value, the baseline (first value), the slope per minute and the logging period.',
      'Numbers that grow by nature are never an amount held: cumulative counters (*_total, total, processed, handled, sent, received, done, completed, enqueued, dropped, discarded, errors, retries, …), high-water marks and limits (max…, peak, watermark, capacity). Values logged within a second of each other are one burst and count once, with the last value (a channel filling for a moment, a high-water mark logged as it moves).',
      'Where the same log shows them, it pairs acquisitions with releases: messages that start with selected/acquired/reserved/allocated against released/started/finished/completed/removed ("Started" resolves a pending entry; for in-flight counters it is the acquisition), preferring the release whose verb a "Failed to …" line names ("Failed to start stream" ↔ "Started new stream"). Such failures are counted as paths that release nothing. Only the most frequent message of each side is used, since one action often logs two lines.',
    ],
    severity: [
      'A finding needs one of three signals: four or more rising observations (the first value plus at least three increases) and never a fall; the message says the entries are still held (still, held, orphaned, unreleased, stuck, stale, leak); or acquisitions outnumber releases in the same log by at least max(2, 5 %).',
      'critical: two or more of these signals (e.g. "still tracked" 3 → 9 while 49 acquisitions face 37 releases).',
      'warning: exactly one signal.',
      'Failure lines in the same stream while the amount grew (error level, timeouts, write errors, refused connections, "Failed to …"), or the amount reaching the capacity logged beside it, raise the confidence to high; they never make a finding on their own.',
    ],
    signals: [
      'rising-series: four or more rising observations, never a fall; held-message: the message says the entries are still held; unpaired-acquisitions: acquisitions outnumber releases in the same log; failures-in-stream: failure lines in the same stream while the amount grew; at-capacity: the amount reached the capacity logged beside it (`N/CAPACITY`).',
      'confidence: high for critical findings and when failures in the stream or the capacity confirm the growth; medium otherwise.',
    ],
    variants: [
      { id: 'growing', text: 'the amount only grows, observation after observation' },
      { id: 'still-held', text: 'the message itself says the entries are still held' },
      { id: 'unreleased-acquisitions', text: 'the same log acquires more than it releases' },
    ],
    notFlagged: [
      'a gauge that goes back to zero or to its first value at any point in the input',
      'a counter that falls about as often as it rises',
      'two or three rising observations with nothing else saying the entries are held',
      'a flat count, even one that says "still" (a steady state, not a leak)',
      'cumulative counters, high-water marks and limits, which grow by nature (in metrics dumps: *_total, *_count, *_sum, *_bucket)',
      'a single metrics snapshot, however large its values: one observation cannot show an amount that only grows',
      'numbers logged in bursts within one second, counted once per burst',
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
  consumes: ['log', 'tally', 'metric'],
  vocabulary: {
    ...STALE_PENDING_VOCABULARY,
    counters: { about: 'substrings of the counter words as the line filter matches them (case-sensitively)', words: KEYWORDS },
    actions: { about: 'acquisitions, releases, failures and timeouts, counted per message', words: COUNT_KEYWORDS, prefilter: 'count' },
  },
  // Error lines come too: in the stream of a growing amount they confirm a leak.
  minLevel: 'error',
  live: { series: ['last'], seriesLabel: 'pending count' },
  remediate: stalePendingRemediation,
  create: (ctx) => new StalePending(ctx),
});
export default stalePending;

