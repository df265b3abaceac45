// `ctrlscope scan PATH...`: analyse logs, directories, archives and bundles; print the report.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { UserError } from '../core/errors.js';
import { addAnalysisFlags, parseRules, parseTime, useColor, type AnalysisFlags } from './options.js';
import { progressLine } from './progress.js';

/** Output formats of `scan`. */
export const SCAN_FORMATS = ['text', 'json'] as const;

/** Registers `scan`. */
export function register(program: Command, io: Io): void {
  const cmd = program
    .command('scan')
    .summary('analyse log files, directories, archives and bundles')
    .description(
      'Read controller logs (klog, zap JSON and console, slog, logfmt — also behind CRI, kubectl ' +
        '--timestamps and docker-compose prefixes; plain or .gz), resource dumps (kubectl get -o yaml/json), ' +
        'Prometheus metrics dumps, audit logs, must-gather and support bundles (directories or archives), ' +
        'and report queue-leak, duplicate-cr, stale-pending and reconcile-burst findings.',
    )
    .argument('<path...>', 'files, directories, archives, or - for standard input');
  addAnalysisFlags(cmd, SCAN_FORMATS).addHelpText(
    'after',
    `
Examples:
  ctrlscope scan controller.log
  ctrlscope scan ./must-gather/ -o json > report.json
  kubectl logs -n kube-system deploy/my-controller --timestamps | ctrlscope scan -
  ctrlscope scan pods/*.log --since 2h --rules queue-leak,stale-pending

Exit codes: 0 analysed (findings or not; use 'ctrlscope check' to gate), 2 a path could not be read.`,
  );
  cmd.action(async (paths: string[], flags: AnalysisFlags) => {
    io.exitCode = await runScan(paths, flags, io);
  });
}

/** Runs a scan and writes the report; returns the exit code. */
export async function runScan(paths: string[], flags: AnalysisFlags, io: Io): Promise<number> {
  const rules = parseRules(flags.rules);
  const since = parseTime('--since', flags.since);
  const until = parseTime('--until', flags.until);
  const progress = progressLine(io.stderr, true);
  // Large inputs are parsed on worker threads: start them now, while the engine loads.
  const { prestartPool } = await import('../engine/line-pool.js');
  const pool = prestartPool(paths);
  // Loaded on use so that `--help` does not pay for the engine, parsers and archive readers.
  const { analyzePaths } = await import('../engine/run.js');
  // The reporters are needed only at the end: they load while the scan runs.
  const reporters = import('../report/index.js');
  reporters.catch(() => undefined); // awaited (and any failure thrown) below
  const { report, unreadable } = await analyzePaths(paths, {
    rules,
    since,
    until,
    redact: flags.redact !== false,
    onProgress: progress.onProgress,
    stdin: io.stdin,
    pool,
  });
  progress.done();
  if (unreadable.length === paths.length) throw unreadableError(unreadable);
  const { renderReport } = await reporters;
  io.stdout.write(renderReport(flags.output ?? 'text', report, { color: useColor(io.stdout, io.env) }));
  if (unreadable.length) {
    io.stderr.write(unreadableError(unreadable).message + '\n');
    return 2;
  }
  return 0;
}

/** The error for inputs that could not be read at all, naming each. */
export function unreadableError(list: { path: string; reason: string }[]): UserError {
  const lines = list.map((u) => `cannot read '${u.path}': ${u.reason}`);
  return new UserError(lines.join('\n'), 'check the path and its permissions; directories are read recursively, - reads standard input');
}
