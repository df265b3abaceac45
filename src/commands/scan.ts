// `ctrlscope scan PATH...`: analyse logs, directories, archives and bundles; print the report.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { addAnalysisFlags, addPrefilterFlag, parseRules, parseWindow, useColor, type AnalysisFlags } from './options.js';
import { analyzeInputs, nothingRead, unreadableError } from './analyze.js';
import { addLogEngineFlags, logEngineOptionsFrom, type LogEngineFlags } from './log-engine-flags.js';
import { UserError } from '../core/errors.js';

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
    .argument('[path...]', 'files, directories, archives, or - for standard input');
  addPrefilterFlag(addLogEngineFlags(addAnalysisFlags(cmd, SCAN_FORMATS, true)))
    .option('--brief', 'text output: one block of at most six lines per finding, for incident channels')
    .addHelpText(
    'after',
    `
Examples:
  ctrlscope scan controller.log
  ctrlscope scan ./must-gather/ -o json > report.json
  kubectl logs -n kube-system deploy/my-controller --timestamps | ctrlscope scan -
  ctrlscope scan pods/*.log --since 2h --rules queue-leak,stale-pending
  ctrlscope scan --logs-from http://victorialogs:9428 --query 'kubernetes.pod_namespace:kubernaut-system' --since 6h
  ctrlscope scan --logs-from http://loki:3100 --query '{namespace="kube-system"}' --since 2h --logs-tenant team-a
  ctrlscope scan must-gather.tar.gz --brief                   paste-ready summary

Time windows: --since 2h on files and bundles means the last two hours of the data (counted back
from the bundle's capture time, else from the latest timestamp in the inputs), not of the clock;
on a log engine, the last two hours before now. The report says what the window excluded. Every
report carries its coverage: lines read, how many were recognised, the time span, inputs not
read, and each rule's status (ok, or no-data when none of its inputs was there).

Exit codes: 0 analysed (findings or not; use 'ctrlscope check' to gate), 2 a path could not be read.`,
  );
  cmd.action(async (paths: string[], flags: AnalysisFlags & LogEngineFlags) => {
    io.exitCode = await runScan(paths, flags, io);
  });
}

/** Runs a scan and writes the report; returns the exit code. */
export async function runScan(paths: string[], flags: AnalysisFlags & LogEngineFlags, io: Io): Promise<number> {
  const rules = parseRules(flags.rules);
  const window = parseWindow(flags);
  // A log engine holds live data: its window counts back from now.
  const now = Date.now();
  const since = window.since ?? (window.sinceAgo !== undefined ? now - window.sinceAgo : undefined);
  const until = window.until ?? (window.untilAgo !== undefined ? now - window.untilAgo : undefined);
  const engine = logEngineOptionsFrom(flags, io.env, { since, until });
  if (!paths.length && !engine) throw new UserError('nothing to scan', 'name files, directories or archives, - for standard input, or a log engine with --logs-from URL --query Q');
  const ac = new AbortController();
  const extra = engine ? (await import('../sources/log-engine.js')).logEngineSource(engine, ac.signal) : undefined;
  const bounds = engine && !paths.length ? { since, until } : window;
  const { report, unreadable, loaded } = await analyzeInputs(
    paths,
    io,
    { rules, ...bounds, redact: flags.redact !== false, prefilter: flags.prefilter !== false, ...(extra ? { extra } : {}) },
    () => Promise.all([import('../report/index.js'), import('../report/shorten.js')]),
  );
  const [{ renderReportChunks }, { outputWidth }] = loaded;
  const opts = { color: useColor(io.stdout, io.env), redact: flags.redact !== false, width: outputWidth(io.stdout, io.env), brief: flags.brief };
  for (const chunk of renderReportChunks(flags.output ?? 'text', report, opts)) io.stdout.write(chunk);
  const missing = [...unreadable, ...nothingRead(report)];
  if (missing.length) {
    io.stderr.write(unreadableError(missing).message + '\n');
    return 2;
  }
  return 0;
}
