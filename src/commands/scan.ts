// `ctrlscope scan PATH...`: analyse logs, directories, archives and bundles; print the report.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { addAnalysisFlags, addPrefilterFlag, parseRules, parseTime, useColor, type AnalysisFlags } from './options.js';
import { analyzeInputs, unreadableError } from './analyze.js';
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
  addPrefilterFlag(addLogEngineFlags(addAnalysisFlags(cmd, SCAN_FORMATS))).addHelpText(
    'after',
    `
Examples:
  ctrlscope scan controller.log
  ctrlscope scan ./must-gather/ -o json > report.json
  kubectl logs -n kube-system deploy/my-controller --timestamps | ctrlscope scan -
  ctrlscope scan pods/*.log --since 2h --rules queue-leak,stale-pending
  ctrlscope scan --logs-from http://victorialogs:9428 --query 'kubernetes.pod_namespace:kubernaut-system' --since 6h
  ctrlscope scan --logs-from http://loki:3100 --query '{namespace="kube-system"}' --since 2h --logs-tenant team-a

Exit codes: 0 analysed (findings or not; use 'ctrlscope check' to gate), 2 a path could not be read.`,
  );
  cmd.action(async (paths: string[], flags: AnalysisFlags & LogEngineFlags) => {
    io.exitCode = await runScan(paths, flags, io);
  });
}

/** Runs a scan and writes the report; returns the exit code. */
export async function runScan(paths: string[], flags: AnalysisFlags & LogEngineFlags, io: Io): Promise<number> {
  const rules = parseRules(flags.rules);
  const since = parseTime('--since', flags.since);
  const until = parseTime('--until', flags.until);
  const engine = logEngineOptionsFrom(flags, io.env, { since, until });
  if (!paths.length && !engine) throw new UserError('nothing to scan', 'name files, directories or archives, - for standard input, or a log engine with --logs-from URL --query Q');
  const ac = new AbortController();
  const extra = engine ? (await import('../sources/log-engine.js')).logEngineSource(engine, ac.signal) : undefined;
  const { report, unreadable, loaded } = await analyzeInputs(paths, io, { rules, since, until, redact: flags.redact !== false, prefilter: flags.prefilter !== false, ...(extra ? { extra } : {}) }, () => import('../report/index.js'));
  const { renderReport } = loaded;
  io.stdout.write(renderReport(flags.output ?? 'text', report, { color: useColor(io.stdout, io.env), redact: flags.redact !== false }));
  if (unreadable.length) {
    io.stderr.write(unreadableError(unreadable).message + '\n');
    return 2;
  }
  return 0;
}
