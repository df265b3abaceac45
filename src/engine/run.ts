// The scan service: opens the inputs, runs every selected analyzer over them through the line
// stage the planner chose, and returns the report. `scan` and `check` reach it through the
// planner's `scan`; tests call it directly.
import { ANALYZERS } from '../analyzers/index.js';
import type { AnalyzerDefinition } from '../analyzers/types.js';
import type { Report, RuleId } from '../core/finding.js';
import { openPaths, type Unreadable } from '../sources/index.js';
import { mergeSources } from '../sources/merge.js';
import type { Source } from '../sources/types.js';
import type { CoverageWindow, SourceCoverage } from '../core/finding.js';
import { findDataEnd } from './data-end.js';
import { rfc3339 } from './coverage.js';
import { Engine } from './engine.js';
import { planScan, type ScanPlan } from './planner.js';

/** Progress of a long scan, for the stderr progress line. */
export interface Progress {
  bytesRead: number;
  totalBytes: number;
}

/** What a scan may be asked for. */
export interface AnalyzeOptions {
  rules?: readonly RuleId[];
  /** Epoch ms bounds of the window. */
  since?: number;
  until?: number;
  /**
   * Relative bounds (`--since 2h`), in ms before the end of the data: a bundle's capture time,
   * else the latest timestamp of the inputs (found by a cheap first pass), else the clock.
   */
  sinceAgo?: number;
  untilAgo?: number;
  /** Wall-clock now in epoch ms, when relative bounds fall back to it (tests pin it). */
  clock?: number;
  ruleOptions?: Partial<Record<RuleId, Record<string, unknown>>>;
  redact?: boolean;
  /** Parse only the lines some analyzer's interest covers (default true; see EngineOptions.prefilter). */
  prefilter?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Analyzers to run (default: all registered). */
  analyzers?: readonly AnalyzerDefinition[];
  stdin?: NodeJS.ReadableStream;
  /** Time the report says it was generated (tests pin it). */
  generatedAt?: Date;
  /** Worker threads for the line stage (default: the planner's choice, up to 2 for inputs of 64 MiB or more). */
  workers?: number;
  /** The plan made for these paths (see planner.ts's scan); the scan closes its stage. Default: planned here. */
  plan?: ScanPlan;
  /** Another source read with the paths (a log engine). */
  extra?: Source;
}

/** The outcome of a scan: the report, plus the paths that could not be read at all. */
export interface AnalyzeResult {
  report: Report;
  unreadable: Unreadable[];
}

/** Scans files, directories, archives, bundles and stdin (`-`). */
export async function analyzePaths(paths: readonly string[], opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const progress: Progress = { bytesRead: 0, totalBytes: 0 };
  const onBytes = opts.onProgress
    ? (n: number) => {
        progress.bytesRead += n;
        opts.onProgress!(progress);
      }
    : undefined;
  const plan = opts.plan ?? planScan(paths, opts.workers);
  let stage: ScanPlan['stage'] | undefined = plan.stage;
  try {
    let { since, until } = opts;
    let anchor: CoverageWindow['anchor'];
    if (opts.sinceAgo !== undefined || opts.untilAgo !== undefined) {
      const end = await findDataEnd(paths, opts.signal, plan.trees);
      const at = end?.time ?? opts.clock ?? Date.now();
      anchor = { time: rfc3339(at), from: end?.from ?? 'clock' };
      if (opts.sinceAgo !== undefined) since = at - opts.sinceAgo;
      if (opts.untilAgo !== undefined) until = at - opts.untilAgo;
    }
    const opened = await openPaths(paths, { signal: opts.signal, onBytes, stdin: opts.stdin, fileItems: plan.fileItems, trees: plan.trees });
    progress.totalBytes = opened.totalBytes;
    const engine = new Engine({
      analyzers: opts.analyzers ?? ANALYZERS,
      rules: opts.rules,
      since,
      until,
      windowAnchor: anchor,
      ruleOptions: opts.ruleOptions,
      redact: opts.redact,
      prefilter: opts.prefilter,
      stage,
    });
    stage = undefined; // the engine owns it now
    await engine.run(opts.extra ? (paths.length ? mergeSources([opened.source, opts.extra]) : opts.extra) : opened.source, opts.signal);
    engine.addUnread(opened.unreadable.map((u) => ({ source: u.path, reason: u.reason })));
    engine.setSources(fileSources(paths, opened.unreadable));
    return { report: engine.report(opts.generatedAt), unreadable: opened.unreadable };
  } finally {
    await stage?.close();
  }
}

/** The paths given, as the coverage's sources: read, or missing with the reason. */
function fileSources(paths: readonly string[], unreadable: readonly Unreadable[]): SourceCoverage[] {
  return paths.map((p) => {
    const u = unreadable.find((x) => x.path === p);
    const source = p === '-' ? 'standard input' : p;
    return u ? { source, status: 'missing', reason: u.reason } : { source, status: 'connected' };
  });
}
