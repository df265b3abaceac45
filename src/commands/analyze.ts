// What `scan` and `check` share between validating their flags and writing their output: read and
// analyse the inputs with a progress line on a TTY, and the error for inputs none of which could
// be read. How the scan runs (inline or on worker threads) is the engine's scan planner's choice.
import type { Io } from '../cli.js';
import { UserError } from '../core/errors.js';
import type { AnalyzeOptions, AnalyzeResult } from '../engine/run.js';
import type { Report } from '../core/finding.js';
import { progressLine } from './progress.js';

/** What a command sets of a scan; progress and standard input come from here. */
export type ScanSettings = Omit<AnalyzeOptions, 'onProgress' | 'stdin' | 'plan'>;

/**
 * Scans `paths`. `load` starts loading what the command needs once the scan is done (its
 * reporters): it runs while the scan does, off the start-up path. Throws the unreadable-inputs
 * error when no path could be read at all.
 */
export async function analyzeInputs<T>(paths: string[], io: Io, settings: ScanSettings, load: () => Promise<T>): Promise<AnalyzeResult & { loaded: T }> {
  const progress = progressLine(io.stderr, true);
  // Loaded on use so that `--help` does not pay for the engine, parsers and archive readers (the
  // planner loads them after it has started any worker threads the inputs need).
  const { scan } = await import('../engine/planner.js');
  const loading = load();
  loading.catch(() => undefined); // awaited (and any failure thrown) below
  const result = await scan(paths, { ...settings, onProgress: progress.onProgress, stdin: io.stdin });
  progress.done();
  if (paths.length > 0 && result.unreadable.length === paths.length) throw unreadableError(result.unreadable);
  return { ...result, loaded: await loading };
}

/**
 * Inputs that turned out to hold nothing readable (an archive whose members are all encrypted,
 * a bundle nested too deep): every rule saw nothing and something was not read. Such a run is
 * no verdict, as if the path could not be opened.
 */
export function nothingRead(report: Report): { path: string; reason: string }[] {
  const c = report.coverage;
  if (!c || c.unread.length === 0 || c.lines > 0 || c.rules.some((r) => r.status === 'ok')) return [];
  return c.unread.map((u) => ({ path: u.source, reason: u.reason }));
}

/** The error for inputs that could not be read at all, naming each. */
export function unreadableError(list: { path: string; reason: string }[]): UserError {
  const lines = list.map((u) => `cannot read '${u.path}': ${u.reason}`);
  return new UserError(lines.join('\n'), 'check the path and its permissions; directories are read recursively, - reads standard input');
}
