// The analyzer interface. Analyzers are pure: they receive events, keep state, and return
// findings. They never read files, call the API or print; the same analyzer runs on a log file,
// a bundle and a live cluster.
import type { Event, EventCondition, EventKind, Level } from '../core/event.js';
import type { FindingDraft, RuleId } from '../core/finding.js';

/**
 * Which log lines an analyzer may care about. The parsing stage uses the union of all
 * analyzers' interests to skip building full events for lines nobody wants (the hot path of a
 * large scan). A line is wanted when it contains one of `keywords` or its level is at least
 * `minLevel`. Keywords (and `countKeywords`) are plain substrings matched regardless of case:
 * `ConfigMap` keeps a `configmap` line, so writing a word in one spelling is enough, and a
 * keyword that is common in any case (`completed`) lets through every line holding it. With
 * `--no-prefilter` (EngineOptions.prefilter false) every line is parsed and routed; a run must
 * report the same findings either way (src/engine/prefilter.test.ts). A rule module derives its
 * interest from its vocabulary (src/analyzers/rule.ts).
 */
export interface LogInterest {
  keywords: readonly string[];
  minLevel?: Level;
  /**
   * Lines an analyzer only counts per message (e.g. acquisitions against releases). A line with
   * one of these, that no analyzer wants whole, reaches the analyzer as a TallyEvent: one per
   * distinct message per batch, with the count and the first line. The analyzer must then also
   * consume 'tally'. This keeps frequent lines off the engine's event path.
   */
  countKeywords?: readonly string[];
}

/** What an analyzer may know about the run, besides the events. */
export interface AnalyzerContext {
  /**
   * The reference "now" in epoch ms: a bundle's capture time when known, else undefined, in which
   * case analyzers use the latest event time they saw.
   */
  now?: number;
  /** Per-rule options from the config file (thresholds, dedup keys); analyzers validate their own. */
  options: Record<string, unknown>;
  /**
   * The rules this run has (undefined: every rule). A rule that leaves a signal to another one
   * (stale-pending leaves a named workqueue_depth series to queue-leak) keeps it when that one is off.
   */
  rules?: readonly RuleId[];
}

/** One running analyzer: fresh state per run. */
export interface Analyzer {
  onEvent(event: Event): void;
  /**
   * Findings for everything seen so far. Idempotent: live mode calls it on every refresh, a
   * finite scan once at the end; it never clears state.
   */
  flush(): FindingDraft[];
  /**
   * For an analyzer that consumes objects: the kinds (any case) whose objects it reads beyond
   * apiVersion, kind, metadata.name and metadata.namespace, or 'all'. Objects of other kinds may
   * reach it with those four fields only (the engine's workers send them back that way, sparing
   * the copy of everything else). Absent: 'all'.
   */
  objectKinds?(): readonly string[] | 'all';
  /**
   * For an analyzer whose objectKinds() holds 'event' and that reads an Event only when it could
   * make a finding: the Events it reads (one condition met), as data. Events that meet none may
   * reach it cut to their identity (the engine's workers then read a dump of them without the
   * YAML library), so the analyzer must make the same findings from them whole or cut. When every analyzer
   * reading Events whole says this, Events are read whole only in dumps holding one that meets a
   * condition of one of them. Absent: every Event is read whole.
   */
  objectWhen?(): readonly EventCondition[];
  /**
   * How much of each input this rule needs it has seen so far, by name (e.g. `failureRecords`,
   * `workqueueSeries`): the report's coverage says `ok` only when one of them is above zero, and
   * `no-data` (naming them) otherwise. Absent: the engine counts the events the rule received.
   */
  seen?(): Record<string, number>;
}

/** A registered analyzer kind: its rule, what it consumes, and how to start one. */
export interface AnalyzerDefinition {
  rule: RuleId;
  consumes: readonly EventKind[];
  interest?: LogInterest;
  /** The interest with the run's options applied (extra words from the config); else `interest`. */
  interestFor?(options: Record<string, unknown>): LogInterest;
  create(ctx: AnalyzerContext): Analyzer;
}
