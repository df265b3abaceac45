// The engine: fans in source items, turns raw lines into events (building full events only for
// lines some analyzer wants), routes each event by kind to the analyzers that consume it, and
// isolates failures: a throwing analyzer becomes a reported problem while the others go on.
import type { Event, EventCondition, EventKind, Level, LogEvent, LogFormat, ObjectEvent } from '../core/event.js';
import { LEVEL_RANK } from '../core/event.js';
import type { Coverage, CoverageWindow, Finding, FindingDraft, InputReport, Report, RuleId, SourceCoverage, Unread } from '../core/finding.js';
import { compareFindings } from '../core/finding.js';
import { redactDeep } from '../core/redact.js';
import type { Analyzer, AnalyzerContext, AnalyzerDefinition } from '../analyzers/types.js';
import { remediationFor } from '../analyzers/catalog.js';
import { CriJoiner, parseLine, type ParseOptions } from '../parsers/index.js';
import { parseDump, resourceEvents, type ParsedDump, type ParsedObject } from '../parsers/resources.js';
import type { BytesItem, InputHandle, LinesItem, ResourcesItem, Source, SourceItem } from '../sources/types.js';
import { EVERY, newTally, processChunk, processLines, type LineTally, type LineWant, type MessageCount } from './line-stage.js';
import { MAX_GROUPS, type WordGroup } from './word-matcher.js';
import { readAhead } from './read-ahead.js';
import { InlineStage, type LineResult, type LineStage } from './line-job.js';
import { readLineRange, resourceText } from './file-range.js';
import { BugError, describeError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { buildCoverage, rfc3339 } from './coverage.js';
import { assignIds, findingId } from './finding-id.js';

/** How a run is configured. */
export interface EngineOptions {
  analyzers: readonly AnalyzerDefinition[];
  /** Only these rules (default: all given analyzers). */
  rules?: readonly RuleId[];
  /** Epoch ms bounds; events with a known time outside them are dropped. */
  since?: number;
  until?: number;
  /** Per-rule options (thresholds, dedup keys), passed to each analyzer untouched. */
  ruleOptions?: Partial<Record<RuleId, Record<string, unknown>>>;
  /** Reference "now" when known up front (a bundle's capture time). */
  now?: number;
  /** Mask secrets in evidence (default true). */
  redact?: boolean;
  /**
   * The line stage that Engine.run sends byte chunks, file ranges and resource dumps through (the
   * scan planner's choice; default: inline on this thread). The engine closes it when the run ends.
   */
  stage?: LineStage;
  /**
   * Skip building events for lines no analyzer's interest covers (default true). Off, every line
   * is parsed and routed to every log consumer: slower, and the reference the prefilter is held
   * to (a run with it on must report exactly what a run with it off reports).
   */
  prefilter?: boolean;
  /** What relative --since/--until counted back from, for the report's coverage. */
  windowAnchor?: CoverageWindow['anchor'];
}

/** Bytes of a plain file per worker job. */
const FILE_RANGE_BYTES = 2 << 20;

/**
 * Jobs in flight per worker: enough to keep it busy while results are applied in order, and
 * while one slow job (a resource dump: the YAML library loads on first use) holds up the
 * results behind it. A file range costs this thread nothing until its result arrives; a byte
 * chunk (1 MiB, moved to the worker) is memory held until then.
 */
const JOBS_IN_FLIGHT_PER_WORKER = 8;

/**
 * Bytes of a source read ahead while this thread waits for a worker's result or applies one
 * (see readAhead): faster archives for a little more peak RSS (README, Performance).
 */
const READ_AHEAD_BYTES = 8 << 20;

interface Running {
  def: AnalyzerDefinition;
  analyzer: Analyzer;
  ctx: AnalyzerContext;
  failed?: string;
  /** Events delivered: the rule's coverage when its analyzer does not say what it saw. */
  events: number;
  /** Its bit in a wanted line's mask: its group of words in LineWant.groups (see buildWant). */
  bit: number;
}

/** A range of a plain file, read and processed by a worker. */
interface RangeItem {
  type: 'range';
  input: InputHandle;
  path: string;
  start: number;
  end: number;
  onBytes?: (n: number) => void;
}

/** Runs analyzers over source items. One engine per run: analyzer state is fresh. */
export class Engine {
  private readonly running: Running[] = [];
  private readonly byKind = new Map<EventKind, Running[]>();
  private readonly inputs: InputHandle[] = [];
  private readonly seen = new Set<InputHandle>();
  /** CRI partial-line joiners, per input that has shown CRI lines. */
  private readonly joiners = new WeakMap<InputHandle, CriJoiner>();
  private readonly problems: string[] = [];
  private readonly want: LineWant;
  /** Kinds of objects some analyzer reads whole (see Analyzer.objectKinds); undefined: all of them. */
  private readonly wholeKinds?: string[];
  /** The Events worth reading whole, when every analyzer reading Events says (see Analyzer.objectWhen). */
  private readonly eventsWhen?: EventCondition[];
  /** Inputs whose byte chunks must stay on this thread (they hold CRI partial lines). */
  private readonly sequential = new WeakSet<InputHandle>();
  private stage?: LineStage;
  private readonly since: number;
  private readonly until: number;
  private readonly redact: boolean;
  private readonly defaultYear = new Date().getUTCFullYear();
  private now?: number;
  /** Latest event time seen, the fallback "now" for ages. */
  latestTime?: number;
  /** Earliest and latest time of any timed record, inside the window or not. */
  private spanFrom?: number;
  private spanTo?: number;
  /** Timed records the window was applied to, and those it left out. */
  private windowTotal = 0;
  private windowExcluded = 0;
  private readonly windowAnchor?: CoverageWindow['anchor'];
  private readonly unread: Unread[] = [];
  private sources: SourceCoverage[] = [];

  constructor(opts: EngineOptions) {
    const rules = opts.rules ? new Set(opts.rules) : undefined;
    this.now = opts.now;
    this.since = opts.since ?? -Infinity;
    this.until = opts.until ?? Infinity;
    this.redact = opts.redact ?? true;
    this.stage = opts.stage;
    this.windowAnchor = opts.windowAnchor;
    const running = opts.analyzers.map((d) => d.rule).filter((r) => !rules || rules.has(r));
    for (const def of opts.analyzers) {
      if (rules && !rules.has(def.rule)) continue;
      const ctx: AnalyzerContext = { now: opts.now, options: opts.ruleOptions?.[def.rule] ?? {}, rules: running };
      const r: Running = { def, ctx, analyzer: undefined as unknown as Analyzer, events: 0, bit: EVERY };
      try {
        r.analyzer = def.create(ctx);
      } catch (err) {
        r.failed = this.fail(def.rule, 'start', err);
        this.running.push(r);
        continue;
      }
      this.running.push(r);
      for (const k of def.consumes) {
        const list = this.byKind.get(k) ?? [];
        list.push(r);
        this.byKind.set(k, list);
      }
    }
    this.want = opts.prefilter === false ? { all: true, minRank: -1 } : buildWant(this.byKind.get('log') ?? []);
    this.wholeKinds = wholeObjectKinds(this.byKind.get('object') ?? []);
    this.eventsWhen = eventConditions(this.byKind.get('object') ?? [], this.wholeKinds);
  }

  /**
   * Consumes a whole source (finite input), stopping early if `signal` fires. Byte chunks, plain
   * files (in ranges) and resource dumps go through the line stage, inline or on worker threads;
   * results are applied here in input order, so analyzers see exactly what a single-threaded run
   * would show them.
   */
  async run(source: Source, signal?: AbortSignal): Promise<void> {
    const stage = this.stage ?? new InlineStage();
    this.stage = undefined;
    // Inline, each result is ready when submitted and is applied at once.
    const inFlight = stage.workers * JOBS_IN_FLIGHT_PER_WORKER;
    const queue: { item: BytesItem | RangeItem | ResourcesItem; result: Promise<LineResult> }[] = [];
    const drain = async (keep: number) => {
      while (queue.length > keep) {
        const { item, result } = queue.shift()!;
        this.applyResult(item, await result);
      }
    };
    try {
      for await (const item of stage.workers > 0 ? readAhead(source, READ_AHEAD_BYTES) : source) {
        if (signal?.aborted) break;
        if (item.type === 'file') {
          if (this.sequential.has(item.input)) {
            await drain(0);
            for await (const chunk of item.chunks()) {
              if (signal?.aborted) break;
              this.ingest(chunk);
            }
            continue;
          }
          // The stage reads the file itself, range by range; results are applied in order.
          this.register(item.input);
          const referenceYear = item.input.referenceYear ?? this.defaultYear;
          for (let start = 0; start < item.size; start += FILE_RANGE_BYTES) {
            if (signal?.aborted) break;
            const end = Math.min(item.size, start + FILE_RANGE_BYTES);
            const range: RangeItem = { type: 'range', input: item.input, path: item.path, start, end, onBytes: item.onBytes };
            queue.push({ item: range, result: stage.submit({ file: { path: item.path, start, end }, want: this.want, source: '', referenceYear }) });
            await drain(inFlight);
          }
          continue;
        }
        if (item.type === 'bytes' && !this.sequential.has(item.input)) {
          this.register(item.input);
          const rep = item.input.report;
          queue.push({
            item,
            result: stage.submit({ bytes: item.bytes, want: this.want, source: rep.source, referenceYear: item.input.referenceYear ?? this.defaultYear, origin: item.input.origin }),
          });
          await drain(inFlight);
          continue;
        }
        if (item.type === 'resources') {
          // Parsed by the stage (on a worker, the YAML library loads and runs there); applied in order.
          this.register(item.input);
          const resources = { text: item.text, path: item.path, now: item.now, whole: this.wholeKinds, when: this.eventsWhen };
          // An archive member's bytes travel as the job's bytes: moved to a worker, not copied.
          queue.push({ item, result: stage.submit({ resources, bytes: item.bytes, want: this.want, source: item.input.report.source, referenceYear: this.defaultYear }) });
          await drain(inFlight);
          continue;
        }
        if (item.type === 'events' && item.events.length === 0) {
          // An input announcing itself: list it, without waiting for the chunks in flight.
          this.register(item.input);
          continue;
        }
        await drain(0);
        this.ingest(item);
      }
      await drain(0);
      if (!signal?.aborted) this.flushJoiners();
    } finally {
      await stage.close();
    }
  }

  /** Applies the line stage's result for a byte chunk, file range or resource dump, in input order. */
  private applyResult(item: BytesItem | RangeItem | ResourcesItem, r: LineResult): void {
    const input = item.input;
    if (item.type === 'resources') {
      if (r.dump) {
        this.applyResources(item, r.dump);
        return;
      }
      if (r.readError) {
        input.report.problems.push(`cannot read: ${r.readError}`);
        return;
      }
      this.problems.push(`line worker failed on ${input.report.source}: ${r.error ?? 'no result'}; it was parsed on the main thread. This is a bug in ctrlscope; please report it.`);
      // The bytes may have been moved to the worker; it gave them back.
      this.ingest(item.bytes && r.bytes ? { type: 'resources', input, now: item.now, bytes: r.bytes } : item);
      return;
    }
    if (item.type === 'range') item.onBytes?.(item.end - item.start);
    if (r.readError) {
      rangeUnreadable(input, r.readError);
      return;
    }
    if (r.error) {
      this.problems.push(`line worker failed on a chunk of ${input.report.source}: ${r.error}; the chunk was analysed on the main thread. This is a bug in ctrlscope; please report it.`);
    }
    if (r.sequential || r.error || this.sequential.has(input) || !r.tally || !r.lines || !r.lineNos || !r.masks) {
      if (r.sequential) this.sequential.add(input);
      if (item.type === 'bytes') {
        // The bytes may have been moved to the worker; it gave them back.
        const bytes = r.bytes ? Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength) : item.bytes;
        this.ingest({ ...item, bytes });
        return;
      }
      // Redo the range here, in order (CRI partial lines need the input's joiner).
      let bytes: Buffer;
      try {
        bytes = readLineRange(item.path, item.start, item.end);
      } catch (err) {
        rangeUnreadable(input, describeError(err));
        return;
      }
      this.ingest({ type: 'bytes', input, bytes });
      return;
    }
    const offset = input.report.lines;
    const opts = this.parseOptions(input);
    const { lines, lineNos } = r;
    const masks = r.masks!;
    for (let i = 0; i < lines.length; i++) this.route(parseLine(lines[i]!, lineNos[i]! + offset, opts), masks[i]!);
    if (r.objects) for (const o of r.objects) this.route(this.tableObject(o, offset, opts.source));
    if (r.counted) {
      for (const c of r.counted) {
        c.first.line += offset;
        c.first.source = opts.source;
        c.first.origin ??= opts.origin;
      }
      this.routeCounted(r.counted);
    }
    this.mergeTally(input, r.tally);
  }

  private register(input: InputHandle): void {
    if (!this.seen.has(input)) {
      this.seen.add(input);
      this.inputs.push(input);
    }
  }

  private mergeTally(input: InputHandle, t: LineTally): void {
    const rep = input.report;
    // The tally numbers its lines from 1: they follow the lines already merged.
    if (t.firstAt > 0 && (input.firstTimed === undefined || rep.lines + t.firstAt < input.firstTimed.line)) {
      input.firstTimed = { line: rep.lines + t.firstAt, time: t.firstTime };
    }
    if (t.lastAt > 0 && (input.lastTimed === undefined || rep.lines + t.lastAt >= input.lastTimed.line)) {
      input.lastTimed = { line: rep.lines + t.lastAt, time: t.lastTime };
    }
    rep.lines += t.lines;
    rep.recognised = (rep.recognised ?? 0) + t.recognised;
    rep.continuations = (rep.continuations ?? 0) + t.continuations;
    rep.unparsed += t.unparsed;
    if (t.truncated) rep.truncatedLines = (rep.truncatedLines ?? 0) + t.truncated;
    const counts = (input.formatCounts ??= {}) as Record<string, number>;
    for (const [k, v] of Object.entries(t.formats)) counts[k] = (counts[k] ?? 0) + v;
    const wrappers = (input.wrapperCounts ??= {}) as Record<string, number>;
    for (const [k, v] of Object.entries(t.wrappers)) wrappers[k] = (wrappers[k] ?? 0) + v;
  }

  /** Takes one source item synchronously (live mode feeds items as they arrive). */
  ingest(item: SourceItem): void {
    if (item.type === 'clock') {
      this.now = item.now;
      for (const r of this.running) r.ctx.now = item.now;
      return;
    }
    if (item.type === 'file') throw new BugError('a file item reached Engine.ingest; only Engine.run reads files');
    const input = item.input;
    this.register(input);
    if (item.type === 'events') {
      for (const ev of item.events) this.route(ev);
      return;
    }
    if (item.type === 'bytes') {
      this.ingestLines(input, item.bytes, input.report.lines + 1);
      return;
    }
    if (item.type === 'resources') {
      let text: string;
      try {
        text = resourceText(item);
      } catch (err) {
        input.report.problems.push(`cannot read: ${describeError(err)}`);
        return;
      }
      this.applyResources(item, parseDump(text, input.report.source, item.now, this.wholeKinds, this.eventsWhen));
      return;
    }
    this.ingestLines(input, item.lines, item.firstLine);
  }

  /** How the lines of `input` are parsed: its name, its year for year-less times, its origin. */
  private parseOptions(input: InputHandle): ParseOptions {
    return { source: input.report.source, referenceYear: input.referenceYear ?? this.defaultYear, origin: input.origin };
  }

  /** The event of an object read from a table amid log lines (`offset`: lines of its input before its chunk). */
  private tableObject(o: ParsedObject, offset: number, source: string): ObjectEvent {
    const ev: ObjectEvent = { kind: 'object', change: 'snapshot', object: o.object, source, partial: true };
    if (o.line !== undefined) ev.line = o.line + offset;
    if (this.now !== undefined) ev.time = this.now;
    return ev;
  }

  /** A parsed resource dump: its input's report, and its objects routed as events. */
  private applyResources(item: ResourcesItem, { parsed, lines }: ParsedDump): void {
    const rep = item.input.report;
    rep.lines = lines;
    rep.format = parsed.kind;
    rep.problems.push(...parsed.problems);
    for (const ev of resourceEvents(parsed, rep.source, item.now)) this.route(ev);
  }

  private ingestLines(input: InputHandle, lines: LinesItem['lines'] | Uint8Array, firstLine: number): void {
    const opts = this.parseOptions(input);
    const joiner = () => {
      let j = this.joiners.get(input);
      if (!j) this.joiners.set(input, (j = new CriJoiner()));
      return j;
    };
    const tally = newTally();
    const emit = (ev: LogEvent, mask: number) => this.route(ev, mask);
    const emitObject = (o: ParsedObject) => this.route(this.tableObject(o, 0, opts.source));
    const out = Array.isArray(lines)
      ? processLines(lines, firstLine, { opts, want: this.want, tally, joiner, emit, emitObject })
      : processChunk(lines as Uint8Array, firstLine, { opts, want: this.want, tally, joiner, emit, emitObject });
    this.routeCounted(out.counted);
    this.mergeTally(input, tally);
  }

  /**
   * Analyses CRI partial runs whose `F` line never came (an input that ends mid-line, as a
   * must-gather taken while a long line was being written) as far as they went. Their lines were
   * counted when read.
   */
  private flushJoiners(): void {
    for (const input of this.inputs) {
      const joiner = this.joiners.get(input);
      if (!joiner?.holding) continue;
      const opts = this.parseOptions(input);
      for (const run of joiner.flush()) {
        const tally = newTally();
        const out = processLines([run.raw], run.line, { opts, want: this.want, tally, emit: (ev, mask) => this.route(ev, mask) });
        this.routeCounted(out.counted);
        // Its chunks were counted when read (as continuations): the first one is the record.
        tally.lines = 0;
        tally.continuations -= 1;
        this.mergeTally(input, tally);
      }
    }
  }

  /** Delivers lines counted per message as tally events. */
  private routeCounted(counted: readonly MessageCount[]): void {
    for (const c of counted) {
      this.route({ kind: 'tally', count: c.count, first: c.first, source: c.first.source, time: c.first.time });
    }
  }

  /** Delivers an event to the analyzers that consume its kind; a log line only to those in `mask` (see buildWant). */
  private route(ev: Event, mask = EVERY): void {
    const t = ev.time;
    if (t !== undefined) {
      if (this.spanFrom === undefined || t < this.spanFrom) this.spanFrom = t;
      if (this.spanTo === undefined || t > this.spanTo) this.spanTo = t;
      const n = ev.kind === 'tally' ? ev.count : 1;
      this.windowTotal += n;
      if (t < this.since || t > this.until) {
        this.windowExcluded += n;
        return;
      }
      if (this.latestTime === undefined || t > this.latestTime) this.latestTime = t;
    }
    const list = this.byKind.get(ev.kind);
    if (!list) return;
    for (const r of list) {
      if (r.failed || (r.bit & mask) === 0) continue;
      r.events++;
      try {
        r.analyzer.onEvent(ev);
      } catch (err) {
        r.failed = this.fail(r.def.rule, `event from ${ev.source}${'line' in ev && ev.line ? `:${ev.line}` : ''}`, err);
      }
    }
  }

  private fail(rule: RuleId, where: string, err: unknown): string {
    const msg = err instanceof Error ? err.message : String(err);
    const text = `analyzer ${rule} failed on ${where}: ${msg} — its findings are missing from this report. This is a bug in ctrlscope; please report it with this message.`;
    this.problems.push(text);
    return text;
  }

  /** Current findings of every analyzer, completed with ids and remediation, most severe first. */
  findings(): Finding[] {
    const out: Finding[] = [];
    for (const r of this.running) {
      if (r.failed || !r.analyzer) continue;
      let drafts: FindingDraft[];
      try {
        drafts = r.analyzer.flush();
      } catch (err) {
        r.failed = this.fail(r.def.rule, 'flush', err);
        continue;
      }
      for (const d of drafts) out.push(this.complete(d));
    }
    return assignIds(out).sort(compareFindings);
  }

  private complete(d: FindingDraft): Finding {
    // The id from the subject as the analyzer named it, before any masking.
    const done = completeConfidence(d);
    const f: Finding = { id: findingId(d), ...done, remediation: d.remediation ?? remediationFor(done) };
    // Every string of the finding (evidence, subject, summary), for the live views as for reports.
    return this.redact ? redactDeep(f) : f;
  }

  /** Records inputs or members that were not read at all (the report's coverage.unread). */
  addUnread(list: readonly Unread[]): void {
    this.unread.push(...list);
  }

  /** Sets the state of the places data comes from (files, a cluster context, endpoints). */
  setSources(list: readonly SourceCoverage[]): void {
    this.sources = [...list];
  }

  /** What the verdict rests on: inputs, lines, time span and window, unread inputs, each rule's inputs. */
  coverage(): Coverage {
    const rules = this.running.map((r) => {
      let seen: Record<string, number> = { events: r.events };
      if (r.analyzer?.seen && !r.failed) {
        try {
          seen = r.analyzer.seen();
        } catch (err) {
          r.failed = this.fail(r.def.rule, 'seen', err);
        }
      }
      return { rule: r.def.rule, seen, ...(r.failed ? { failed: r.failed } : {}) };
    });
    const finite = (t: number) => (Number.isFinite(t) ? rfc3339(t) : null);
    const window: CoverageWindow = {
      since: finite(this.since),
      until: finite(this.until),
      excluded: this.windowExcluded,
      total: this.windowTotal,
    };
    if (this.windowAnchor) window.anchor = this.windowAnchor;
    let eventSpan = this.spanFrom !== undefined ? { from: this.spanFrom, to: this.spanTo! } : undefined;
    // The first pass may have read a later timestamp than any record the rules asked for.
    const end = this.windowAnchor?.from === 'last-timestamp' ? Date.parse(this.windowAnchor.time) : undefined;
    if (eventSpan && end !== undefined && end > eventSpan.to) eventSpan = { ...eventSpan, to: end };
    return buildCoverage({
      inputs: this.inputReports(),
      rules,
      window,
      eventSpan,
      unread: this.unread,
      sources: this.sources,
    });
  }

  /** What was read, with each log input's dominant format. */
  /**
   * Kinds (lower case) of objects some analyzer reads beyond their identity; undefined when one
   * of them reads every object whole. Live sources trim objects of other kinds to their identity.
   */
  objectKindsRead(): readonly string[] | undefined {
    return this.wholeKinds;
  }

  /** What was read, with each log input's dominant format, its recognition counts and time span. */
  inputReports(): InputReport[] {
    return this.inputs.map((h) => {
      const rep = h.report;
      finishCounts(h);
      if (h.formatCounts) rep.format = dominant(h.formatCounts) ?? rep.format;
      // A log with no line at all (a container that never wrote one) is empty, not of unknown format.
      if (rep.kind === 'log' && rep.lines === 0 && rep.format === 'unknown' && rep.problems.length === 0) rep.format = 'empty';
      if (h.wrapperCounts) {
        const w = dominant(h.wrapperCounts);
        if (w) rep.wrapper = w;
      }
      return rep;
    });
  }

  /** Run-level problems (failed analyzers). */
  runProblems(): string[] {
    return [...this.problems];
  }

  /** The whole report as the contract fixes it. */
  report(generatedAt = new Date()): Report {
    const findings = this.findings();
    const summary = { critical: 0, warning: 0, info: 0 };
    for (const f of findings) summary[f.severity]++;
    const rep: Report = {
      schemaVersion: 1,
      tool: { name: 'ctrlscope', version: VERSION },
      generatedAt: generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      inputs: this.inputReports(),
      findings,
      summary,
    };
    if (this.problems.length) rep.problems = this.runProblems();
    rep.coverage = this.coverage();
    if (this.problems.length) rep.problems = this.runProblems();
    return rep;
  }
}

/** Records, once per input and reason, that a range of a plain file could not be read. */
function rangeUnreadable(input: InputHandle, reason: string): void {
  const msg = `read failed: ${reason}; the rest of the file was analysed`;
  if (!input.report.problems.includes(msg)) input.report.problems.push(msg);
}

/** The kinds the object-consuming analyzers read whole, or undefined when one of them reads every object whole. */
function wholeObjectKinds(list: Running[]): string[] | undefined {
  const kinds = new Set<string>();
  for (const r of list) {
    const k = r.analyzer.objectKinds?.() ?? 'all';
    if (k === 'all') return undefined;
    for (const x of k) kinds.add(x.toLowerCase());
  }
  return [...kinds];
}

/**
 * The Events worth reading whole: the union of the conditions of the analyzers that read Events
 * whole, when each of them gives its own (see Analyzer.objectWhen); undefined (every Event whole)
 * when one gives none, or when no analyzer reads Events. Plain copies: they go to the workers.
 */
function eventConditions(list: Running[], whole: readonly string[] | undefined): EventCondition[] | undefined {
  if (!whole?.includes('event')) return undefined;
  const out: EventCondition[] = [];
  for (const r of list) {
    const kinds = r.analyzer.objectKinds?.() ?? 'all';
    if (kinds === 'all' || !kinds.some((k) => k.toLowerCase() === 'event')) continue;
    const when = r.analyzer.objectWhen?.();
    if (!when) return undefined;
    for (const c of when) out.push({ kind: 'event', type: c.type, minCount: c.minCount, minSpanS: c.minSpanS });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * What the line stage keeps for the log analyzers: each analyzer's words as its own group, and
 * its bit in the mask a wanted line comes with, so that a line goes only to the analyzers whose
 * words it holds (the interest each one declares is all it needs: the prefilter contract test
 * holds every analyzer to it). Lines at or above the lowest level asked for go to all of them.
 */
function buildWant(list: Running[]): LineWant {
  let all = false;
  let minRank = Infinity;
  const groups: WordGroup[] = [];
  list.forEach((r, g) => {
    r.bit = g < MAX_GROUPS ? 1 << g : 1 << (MAX_GROUPS - 1);
    const i = r.def.interestFor?.(r.ctx.options) ?? r.def.interest;
    if (!i) {
      all = true;
      groups.push({ keywords: [] });
      return;
    }
    groups.push({ keywords: i.keywords, counts: i.countKeywords });
    if (i.minLevel) minRank = Math.min(minRank, LEVEL_RANK[i.minLevel as Level]);
  });
  return { all, minRank, groups };
}

/**
 * Fills an input's `recognised`, `continuations` and `span`. Log inputs have them from the line
 * stage; resource dumps, metrics and audit logs read every line that is not unparsed as what it
 * is; a bundle's own entry and files that are not read (`other`) have none.
 */
function finishCounts(h: InputHandle): void {
  const rep = h.report;
  if (rep.kind === 'log') {
    rep.recognised ??= 0;
    rep.continuations ??= 0;
  } else {
    rep.recognised = rep.kind === 'other' || rep.kind === 'bundle' ? 0 : Math.max(0, rep.lines - rep.unparsed);
    rep.continuations = 0;
  }
  const a = h.firstTimed?.time;
  const b = h.lastTimed?.time ?? a;
  rep.span = a === undefined || b === undefined
    ? null
    : { from: new Date(Math.min(a, b)).toISOString(), to: new Date(Math.max(a, b)).toISOString() };
}

function dominant<K extends string>(counts: Partial<Record<K, number>>): K | undefined {
  let best: K | undefined;
  let n = 0;
  for (const [k, v] of Object.entries(counts) as [K, number][]) {
    if (v > n) {
      best = k;
      n = v;
    }
  }
  return best;
}

export { findingId } from './finding-id.js';

export type { LogFormat };

/**
 * A draft with confidence, signals and variant filled in: an analyzer's own, else derived from
 * the severity (critical high, warning medium, info low), no signals named, variant `default`.
 * Thin evidence never stands alone above info: a low-confidence finding is capped at info.
 */
export function completeConfidence<D extends FindingDraft>(d: D): D & Required<Pick<FindingDraft, 'confidence' | 'signals' | 'variant'>> {
  const confidence = d.confidence ?? (d.severity === 'critical' ? 'high' : d.severity === 'warning' ? 'medium' : 'low');
  const severity = confidence === 'low' && d.severity !== 'info' ? 'info' : d.severity;
  return { ...d, severity, confidence, signals: d.signals ?? [], variant: d.variant ?? 'default' };
}
