// Live mode: feeds a never-ending (or slow) source into the engine as items arrive, keeps short
// per-rule time series for sparklines, and hands out throttled snapshots to whoever draws them.
// It does no I/O of its own: the source reads, the subscriber prints.
import type { Finding, InputReport, RuleId } from '../core/finding.js';
import { RULE_IDS, RULES } from '../analyzers/index.js';
import type { Source, SourceItem } from '../sources/types.js';
import type { Engine } from './engine.js';

export type { AccessReport, BlindSpot, HealthState, SourceHealth, LiveCoverage } from '../core/live-status.js';
import { liveCoverage, type AccessReport, type LiveCoverage, type SourceHealth } from '../core/live-status.js';

/**
 * One line per missing permission, with the panels it blinds and the fix — for stderr and the
 * report's `problems`; plus the preflight's own failure, if any.
 */
export function accessProblems(access: AccessReport | undefined): string[] {
  if (!access) return [];
  const out = access.blind.map((b) => {
    const where = b.namespace ? `in namespace ${b.namespace}` : 'cluster-wide';
    const extra = b.rules.filter((r) => r !== b.panel);
    const blind = extra.length ? `${b.panel} (${extra.join(', ')})` : b.panel;
    const verbs = b.verbs.join(', ');
    return `missing permission: ${verbs} ${b.resource} ${where}; blind: ${blind}. Fix: grant ${verbs} on ${b.resource} — see the README's minimal ClusterRole`;
  });
  if (access.problem) out.push(access.problem);
  return out;
}

/** Everything a view needs at one moment. Immutable once emitted. */
export interface LiveSnapshot {
  /** Wall-clock time of the snapshot (epoch ms). */
  at: number;
  findings: Finding[];
  /** Per-rule samples, oldest first, one per `sampleMs`; see `ruleSample`. */
  series: Record<RuleId, number[]>;
  /** Lines/events ingested per sample period, oldest first. */
  rate: number[];
  /** Length of one sample period (ms). */
  sampleMs: number;
  /** Total lines and events ingested. */
  ingested: number;
  inputs: InputReport[];
  health: SourceHealth[];
  /** Rules the engine runs. */
  rules: RuleId[];
  /** Run-level problems (a failed analyzer). */
  problems: string[];
  paused: boolean;
  /** The source has ended (finite input, end of the demo replay). */
  ended: boolean;
  /** Latest event time seen in the data (epoch ms). */
  dataTime?: number;
  /** What the permission preflight found (cluster mode, once it has answered). */
  access?: AccessReport;
  /** Each source's status and each rule's live status (disconnected, blind, syncing, no data). */
  live?: LiveCoverage;
}

/** How a live session runs. */
export interface LiveOptions {
  engine: Engine;
  /** Rules the engine was built with (for panels of rules without findings). */
  rules?: readonly RuleId[];
  /** Minimum interval between snapshots (ms); 100 = at most 10 per second. */
  intervalMs?: number;
  /** Sample period for the series (ms). */
  sampleMs?: number;
  /** Samples kept per series. */
  seriesLength?: number;
  /** Wall clock, replaceable in tests. */
  clock?: () => number;
}

/** Metric keys, in preference order, whose value drives a rule's sparkline. */
export const SERIES_METRICS: Readonly<Record<RuleId, readonly string[]>> = Object.fromEntries(RULES.map((r) => [r.rule, r.live.series])) as Record<RuleId, readonly string[]>;

/**
 * The number a rule's sparkline shows right now: the largest driving metric among its findings
 * (queue retries, the pending counter, reconciles, duplicates), else its number of findings.
 */
export function ruleSample(rule: RuleId, findings: readonly Finding[]): number {
  let best = 0;
  let any = false;
  for (const f of findings) {
    if (f.rule !== rule) continue;
    any = true;
    let v: number | undefined;
    for (const k of SERIES_METRICS[rule]) {
      const m = f.metrics[k];
      if (typeof m === 'number' && Number.isFinite(m)) {
        v = m;
        break;
      }
      if (Array.isArray(m) && m.length) {
        v = m[m.length - 1];
        break;
      }
    }
    best = Math.max(best, v ?? 1);
  }
  if (!any) return 0;
  if (best === 0) best = findings.filter((f) => f.rule === rule).length;
  return best;
}

type Listener = (s: LiveSnapshot) => void;

/** A running live session over one source. */
export class LiveSession {
  private readonly engine: Engine;
  private readonly rules: RuleId[];
  private readonly intervalMs: number;
  private readonly sampleMs: number;
  private readonly seriesLength: number;
  private readonly clock: () => number;
  private readonly listeners = new Set<Listener>();
  private readonly health = new Map<string, SourceHealth>();
  private readonly series: Record<RuleId, number[]>;
  private readonly rate: number[] = [];
  private findingsCache: Finding[] = [];
  private ingested = 0;
  private sampleCount = 0;
  private dirty = true;
  private paused = false;
  private ended = false;
  private lastEmit = -Infinity;
  private timer?: ReturnType<typeof setTimeout>;
  private sampler?: ReturnType<typeof setInterval>;
  private last?: LiveSnapshot;
  private pumpError?: unknown;
  private access?: AccessReport;

  constructor(opts: LiveOptions) {
    this.engine = opts.engine;
    this.rules = [...(opts.rules ?? RULE_IDS)];
    this.intervalMs = opts.intervalMs ?? 100;
    this.sampleMs = opts.sampleMs ?? 1000;
    this.seriesLength = opts.seriesLength ?? 60;
    this.clock = opts.clock ?? Date.now;
    this.series = Object.fromEntries(RULE_IDS.map((r) => [r, [] as number[]])) as unknown as Record<RuleId, number[]>;
  }

  /** Feeds one item (sources call this through `run`; tests and the bench may call it directly). */
  ingest(item: SourceItem): void {
    const before = item.type === 'clock' ? 0 : item.input.report.lines;
    this.engine.ingest(item);
    const n = item.type === 'events' ? item.events.length : item.type === 'clock' ? 0 : item.input.report.lines - before;
    this.ingested += n;
    this.sampleCount += n;
    this.dirty = true;
    this.schedule();
  }

  /**
   * Consumes `source` until it ends or `signal` fires, then marks the session ended. Starts the
   * sampler. Resolves when the source is done; a source error rejects.
   */
  async run(source: Source, signal?: AbortSignal): Promise<void> {
    this.startSampler();
    try {
      for await (const item of source) {
        if (signal?.aborted) break;
        this.ingest(item);
      }
    } catch (err) {
      this.pumpError = err;
      throw err;
    } finally {
      this.ended = true;
      this.dirty = true;
      this.sample();
      this.emitNow();
    }
  }

  /** Starts sampling the series every `sampleMs` (idempotent). */
  startSampler(): void {
    if (this.sampler) return;
    this.sampler = setInterval(() => this.sample(), this.sampleMs);
    this.sampler.unref?.();
  }

  /** Stops timers; the session emits nothing afterwards. */
  stop(): void {
    if (this.sampler) clearInterval(this.sampler);
    if (this.timer) clearTimeout(this.timer);
    this.sampler = undefined;
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Records a source's health and refreshes the view. */
  setHealth(h: SourceHealth): void {
    const prev = this.health.get(h.name);
    if (prev && prev.state === h.state && prev.detail === h.detail && (prev.events ?? 0) > 0 === (h.events ?? 0) > 0) return;
    this.health.set(h.name, h);
    this.dirty = true;
    this.schedule();
  }

  /** Records what the permission preflight found and refreshes the view. */
  setAccess(access: AccessReport): void {
    this.access = access;
    this.dirty = true;
    this.schedule();
  }

  /** Each source's status and what it means for each rule, now. */
  liveCoverage(): LiveCoverage {
    return liveCoverage(this.rules, [...this.health.values()], this.access);
  }

  /** What the permission preflight found, if it has answered. */
  accessReport(): AccessReport | undefined {
    return this.access;
  }

  /** Freezes (or unfreezes) the snapshots; ingestion goes on so nothing is lost. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.dirty = true;
    this.emitNow();
  }

  /** Whether snapshots are frozen. */
  isPaused(): boolean {
    return this.paused;
  }

  /** Whether the source has ended. */
  hasEnded(): boolean {
    return this.ended;
  }

  /** Subscribes to snapshots; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** The current snapshot, computed now (not throttled). */
  snapshot(): LiveSnapshot {
    if (this.dirty || !this.last) {
      if (!this.paused || !this.last) this.findingsCache = this.engine.findings();
      this.dirty = false;
      this.last = {
        at: this.clock(),
        findings: this.findingsCache,
        series: Object.fromEntries(RULE_IDS.map((r) => [r, [...this.series[r]]])) as unknown as Record<RuleId, number[]>,
        rate: [...this.rate],
        sampleMs: this.sampleMs,
        ingested: this.ingested,
        inputs: this.engine.inputReports().map((r) => ({ ...r })),
        health: [...this.health.values()],
        rules: this.rules,
        problems: this.engine.runProblems(),
        paused: this.paused,
        ended: this.ended,
        dataTime: this.engine.latestTime,
        access: this.access,
        live: this.liveCoverage(),
      };
    }
    return this.last;
  }

  /** The error that ended the source, if any. */
  error(): unknown {
    return this.pumpError;
  }

  /** Takes one sample of every series (called every `sampleMs`). */
  sample(): void {
    if (this.paused) return;
    if (!this.listeners.size) {
      // The series only feed views; without one, keep the rate and skip the findings.
      push(this.rate, this.sampleCount, this.seriesLength);
      this.sampleCount = 0;
      return;
    }
    const findings = (this.findingsCache = this.engine.findings());
    for (const r of RULE_IDS) push(this.series[r], ruleSample(r, findings), this.seriesLength);
    push(this.rate, this.sampleCount, this.seriesLength);
    this.sampleCount = 0;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.paused) return;
    const wait = Math.max(0, this.lastEmit + this.intervalMs - this.clock());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitNow();
    }, wait);
  }

  private emitNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastEmit = this.clock();
    // Nobody draws (--once, plain reports): no snapshot, whose findings cost a pass over every object.
    if (!this.listeners.size) return;
    const s = this.snapshot();
    for (const fn of this.listeners) fn(s);
  }
}

function push(arr: number[], v: number, max: number): void {
  arr.push(v);
  if (arr.length > max) arr.splice(0, arr.length - max);
}
