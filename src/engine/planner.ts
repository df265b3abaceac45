// The scan planner: from a quick synchronous look at the inputs (sizes, and what compressed ones
// unpack to) it chooses the line stage of a scan — inline on this thread, or pooled on worker
// threads — and whether plain log files are handed to it whole (read in ranges by whoever runs
// the stage) rather than as byte chunks. Commands call `scan`, which plans (starting the workers
// at once, while the engine, parsers and readers load) and then runs the scan service. Nothing
// else starts worker threads.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { unpackedSize } from '../sources/size.js';
import { walkTree, type TreeFile } from '../sources/walk.js';
import { InlineStage, type LineStage } from './line-job.js';
import { LinePool } from './line-pool.js';
import type { AnalyzeOptions, AnalyzeResult } from './run.js';

/**
 * Inputs of at least this many bytes are parsed on worker threads; compressed ones count by what
 * they unpack to (see unpackedSize). Below it, starting workers and sending them the text costs
 * more than it saves (README, Performance).
 */
export const PARALLEL_FROM_BYTES = 64 << 20;

/** What the planner decided for one scan. */
export interface ScanPlan {
  /** The line stage the engine runs every chunk, file range and resource dump through. */
  stage: LineStage;
  /** Hand plain log files to the stage whole, to be read in ranges (only with workers). */
  fileItems: boolean;
  /** Folders among the paths, listed once: the readers use these lists instead of listing again. */
  trees: Map<string, TreeFile[]>;
}

/**
 * Plans a scan of `paths`: `workers` forces the number of worker threads (0: inline), else large
 * inputs (PARALLEL_FROM_BYTES or more) get defaultWorkers. A pooled stage starts its threads here.
 */
export function planScan(paths: readonly string[], workers?: number): ScanPlan {
  const trees = new Map<string, TreeFile[]>();
  const n = workers ?? (likelyLarge(paths, trees) ? defaultWorkers(paths) : 0);
  return { stage: n > 0 ? new LinePool(n) : new InlineStage(), fileItems: n > 0, trees };
}

/**
 * Plans and runs a scan (see analyzePaths). The scan service is loaded after the plan, so that a
 * pooled stage's workers start and warm up while it loads.
 */
export async function scan(paths: readonly string[], opts: Omit<AnalyzeOptions, 'plan'> = {}): Promise<AnalyzeResult> {
  const plan = planScan(paths, opts.workers);
  let run: typeof import('./run.js');
  try {
    run = await import('./run.js');
  } catch (err) {
    await plan.stage.close();
    throw err;
  }
  return run.analyzePaths(paths, { ...opts, plan });
}

/**
 * Whether `paths` hold PARALLEL_FROM_BYTES or more, from a quick synchronous look (sizes and
 * unpacked sizes only). Directories are listed whole, and the lists are left in `trees` for the
 * scan to reuse (a must-gather has thousands of folders; see walkTree).
 */
export function likelyLarge(paths: readonly string[], trees?: Map<string, TreeFile[]>): boolean {
  let total = 0;
  for (const p of paths) {
    if (p === '-') continue;
    try {
      const st = statSync(p);
      if (st.isFile()) total += unpackedSize(p, st.size);
      else if (st.isDirectory()) {
        const files = walkTree(p);
        trees?.set(p, files);
        for (const f of files) total += unpackedSize(f.path, f.size);
      }
    } catch {
      // Unreadable paths are reported by the scan.
    }
    if (total >= PARALLEL_FROM_BYTES) return true;
  }
  return false;
}

/** Archive names: this thread unpacks and splits their members itself (see defaultWorkers). */
const ARCHIVE_NAME_RE = /\.(?:tar|tgz|tar\.gz|tar\.xz|txz|zip)$/i;

/**
 * Worker threads worth starting for a large input of `paths` on a machine of `cores`: two, or
 * fewer on a small machine. On an archive this thread is busy the whole scan (inflating is on
 * the thread pool, but reading tar headers, splitting members into chunks and feeding the
 * workers is here), so it keeps a core for itself; elsewhere (plain logs, .gz, directories) the
 * workers read the data and this thread mostly waits (README, Performance).
 */
export function defaultWorkers(paths: readonly string[] = [], cores = availableParallelism()): number {
  const archive = paths.some((p) => ARCHIVE_NAME_RE.test(p));
  return Math.max(0, Math.min(2, archive ? Math.max(1, cores - 1) : cores));
}
