// The scan planner: from a quick synchronous look at the inputs (sizes, and what compressed ones
// unpack to) it chooses the line stage of a scan — inline on this thread, or pooled on worker
// threads — and whether plain log files are handed to it whole (read in ranges by whoever runs
// the stage) rather than as byte chunks. Commands call `scan`, which plans (starting the workers
// at once, while the engine, parsers and readers load) and then runs the scan service. Nothing
// else starts worker threads.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
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

/**
 * Files under this size are a job each, or less. A folder whose bytes lie mostly in such files (a
 * must-gather: tens of thousands of small logs and YAML dumps) keeps this thread busy listing,
 * sniffing and accounting for every file, and one worker keeps up with it (README, Performance).
 */
export const SMALL_FILE_BYTES = 1 << 20;

/**
 * How far a heap may grow past what survived its last full collection before the next one, in
 * per cent, on a large folder of small files (see SMALL_FILE_BYTES). V8's own choice grows with
 * the machine's memory, up to four times what survived: there this thread keeps tens of
 * megabytes live (a report per file, the rules' state), and its heap reached three to four times
 * that, most of the scan's peak RSS. A fifth more costs more collections of a heap that is small
 * and mostly garbage, which are cheap. The setting is the process's (the worker started after it shares it); on one large log
 * it only cost the workers CPU, so it is left alone there (README, Performance).
 */
export const HEAP_GROWING_PERCENT = 20;

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
  let n = workers;
  if (n === undefined) {
    const plan = plannedWorkers(paths, trees);
    n = plan.workers;
    if (n > 0 && plan.smallFiles) limitHeapGrowth();
  }
  return { stage: n > 0 ? new LinePool(n) : new InlineStage(), fileItems: n > 0, trees };
}

/**
 * The worker threads for `paths` on a machine of `cores` (0: inline): defaultWorkers for inputs of
 * PARALLEL_FROM_BYTES or more; `smallFiles` when most of those bytes are in folders' files under
 * SMALL_FILE_BYTES. Folders listed on the way are left in `trees`.
 */
export function plannedWorkers(paths: readonly string[], trees?: Map<string, TreeFile[]>, cores = availableParallelism()): { workers: number; smallFiles: boolean } {
  const size = sizeUp(paths, trees);
  const smallFiles = size.smallFileBytes * 2 > size.bytes;
  return { workers: size.bytes >= PARALLEL_FROM_BYTES ? defaultWorkers(paths, cores, smallFiles) : 0, smallFiles };
}

let heapGrowthLimited = false;
/**
 * Sets HEAP_GROWING_PERCENT once per process (worker threads started later share it), unless
 * the user chose a value in NODE_OPTIONS or on node's command line.
 */
function limitHeapGrowth(): void {
  if (heapGrowthLimited) return;
  heapGrowthLimited = true;
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
  return sizeUp(paths, trees, PARALLEL_FROM_BYTES).bytes >= PARALLEL_FROM_BYTES;
}

/** What the planner's look at the inputs found. */
interface Sizing {
  /** Bytes the inputs give to the line stage (compressed files count by what they unpack to). */
  bytes: number;
  /** Of those, the bytes in files of folders smaller than SMALL_FILE_BYTES each. */
  smallFileBytes: number;
}

/** Sizes up `paths` (see likelyLarge), stopping once `enough` bytes are counted. */
function sizeUp(paths: readonly string[], trees?: Map<string, TreeFile[]>, enough = Infinity): Sizing {
  const size: Sizing = { bytes: 0, smallFileBytes: 0 };
  for (const p of paths) {
    if (p === '-') continue;
    try {
      const st = statSync(p);
      if (st.isFile()) size.bytes += unpackedSize(p, st.size);
      else if (st.isDirectory()) {
        const files = walkTree(p);
        trees?.set(p, files);
        for (const f of files) {
          const n = unpackedSize(f.path, f.size);
          size.bytes += n;
          if (n < SMALL_FILE_BYTES) size.smallFileBytes += n;
        }
      }
    } catch {
      // Unreadable paths are reported by the scan.
    }
    if (size.bytes >= enough) break;
  }
  return size;
}

/** Archive names: this thread unpacks and splits their members itself (see defaultWorkers). */
const ARCHIVE_NAME_RE = /\.(?:tar|tgz|tar\.gz|tar\.xz|txz|zip)$/i;

/**
 * Worker threads worth starting for a large input of `paths` on a machine of `cores`: two, or
 * fewer on a small machine. On an archive this thread is busy the whole scan (inflating is on
 * the thread pool, but reading tar headers, splitting members into chunks and feeding the
 * workers is here), so it keeps a core for itself; elsewhere (plain logs, .gz, directories) the
 * workers read the data and this thread mostly waits. Folders of `smallFiles` (see
 * SMALL_FILE_BYTES) get one worker: this thread is the busy one there, and a second worker only
 * added its heap to the peak RSS (README, Performance).
 */
export function defaultWorkers(paths: readonly string[] = [], cores = availableParallelism(), smallFiles = false): number {
  if (smallFiles) return 1;
  const archive = paths.some((p) => ARCHIVE_NAME_RE.test(p));
  return Math.max(0, Math.min(2, archive ? Math.max(1, cores - 1) : cores));
}
