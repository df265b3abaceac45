// `ctrlscope watch`: the live dashboard over a cluster, or over growing log files with --file.
import { Option, type Command } from 'commander';
import type { Io } from '../cli.js';
import { parseDuration } from '../core/duration.js';
import { UserError, describeError } from '../core/errors.js';
import { addClusterFlags, clusterOptionsFrom, type RawClusterFlags } from '../sources/cluster/flags.js';
import { addAnalysisFlags, parseRules, parseTime, useColor, type AnalysisFlags } from './options.js';
import { addLogEngineFlags, logEngineOptionsFrom, type LogEngineFlags } from './log-engine-flags.js';

/** Output formats of `watch --once` and of the plain snapshots. */
export const WATCH_FORMATS = ['text', 'json'] as const;

/** Flags of `watch`. */
export interface WatchFlags extends AnalysisFlags, RawClusterFlags, LogEngineFlags {
  file?: string[];
  once?: boolean;
  settle: string;
  timeout: string;
  interval: string;
  fromEnd?: boolean;
  plain?: boolean;
}

/** Registers `watch`. */
export function register(program: Command, io: Io): void {
  const cmd = program
    .command('watch')
    .summary('live dashboard of a cluster, or of growing log files (--file)')
    .description(
      'Show the four rules live: a panel per rule with its status, a sparkline and the top offenders, ' +
        'and a detail view with evidence and remediation. With --file, follow log files like tail -F ' +
        '(appends, rotation, truncation). Not a terminal, or CI set: plain periodic reports instead. ' +
        'A quiet panel says OK only when every source it depends on is healthy; otherwise DISCONNECTED ' +
        '(unreachable, or a missing file), BLIND (403), SYNCING (first list not done) or NO DATA. ' +
        '--once and the plain reports exit 2, naming the server, when the API server cannot be reached at start.',
    )
    .option('--file <path...>', 'follow these log files (like tail -F); with cluster flags too, alongside the cluster')
    .option('--from-end', 'with --file: skip what the files already hold, read only new lines')
    .option('--once', 'wait for the initial content and --settle, print the report (-o) and exit')
    .option('--settle <duration>', 'with --once: how long to keep reading after the initial content', '2s')
    .option('--timeout <duration>', 'with --once: the longest wait for the initial content; then the report says which sources were not read (none read: exit 2)', '1m')
    .option('--interval <duration>', 'plain mode: at most one report per interval', '10s')
    .addOption(new Option('--plain', 'plain periodic reports even on a terminal').hideHelp(false));
  addLogEngineFlags(addClusterFlags(cmd));
  addAnalysisFlags(cmd, WATCH_FORMATS).addHelpText(
    'after',
    `
Keys: ←→/tab panel · ↑↓ finding · enter open · e explain the rule · / filter · p pause · esc back · q quit

Examples:
  ctrlscope watch -n my-operator --logs deploy/my-operator
  ctrlscope watch -A --once -o json                the report after the first lists and --settle
  ctrlscope watch --file /var/log/pods/*/manager/0.log
  ctrlscope watch --file controller.log --once -o json
  ctrlscope watch --logs-from http://loki:3100 --query '{namespace="kube-system"}' --since 30m
  ctrlscope demo                                   the dashboard on a bundled incident, no cluster needed`,
  );
  cmd.action(async (flags: WatchFlags) => {
    await runWatch(flags, io);
  });
}

/** Validates the flags and runs live mode. */
/** Flags that ask for the cluster; given together with --file, both feed the session. */
const CLUSTER_FLAGS = ['kubeconfig', 'context', 'namespace', 'allNamespaces', 'selector', 'resources', 'logs', 'metricsUrl', 'prometheus'] as const;

export async function runWatch(flags: WatchFlags, io: Io): Promise<void> {
  const rules = parseRules(flags.rules);
  const since = parseTime('--since', flags.since);
  const until = parseTime('--until', flags.until);
  const settleMs = parseDuration(flags.settle, '--settle');
  const onceTimeoutMs = parseDuration(flags.timeout ?? '1m', '--timeout');
  const intervalMs = parseDuration(flags.interval, '--interval');
  const files = flags.file ?? [];
  const common = {
    rules,
    since,
    until,
    redact: flags.redact !== false,
    once: Boolean(flags.once),
    settleMs,
    onceTimeoutMs,
    output: flags.output ?? 'text',
    intervalMs,
    plain: flags.plain,
    exitWhenEnded: false,
    colour: useColor(io.stdout, io.env),
    io,
  };
  // --file follows log files; with any cluster flag as well, files and cluster feed one session
  // (e.g. controllers whose logs are files on this host, beside their apiserver and metrics).
  // --once reads what is there: a file that does not exist is the user's error. Followed
  // without --once, a missing file is waited for (tail -F) and shown as MISSING.
  if (flags.once) {
    const { stat } = await import('node:fs/promises');
    for (const f of files) {
      const st = await stat(f).catch((err: NodeJS.ErrnoException) => err);
      if (st instanceof Error) {
        throw new UserError(
          `--file ${f}: ${st.code === 'ENOENT' ? 'no such file' : describeError(st)}`,
          st.code === 'ENOENT' ? 'check the path; without --once, watch --file waits for a missing file to appear' : 'check the permissions of the file',
        );
      }
    }
  }
  // --logs-from reads the log engine's history from --since (default: the last 15 minutes), then follows.
  const engineOpts = logEngineOptionsFrom(flags, io.env, { since: since ?? Date.now() - 15 * 60_000 });
  const clusterWanted = (files.length === 0 && !engineOpts) || CLUSTER_FLAGS.some((k) => flags[k] !== undefined && flags[k] !== false);
  const tail = async () => (await import('../sources/tail.js')).tailFiles;
  const followFiles = (tailFiles: Awaited<ReturnType<typeof tail>>, signal: AbortSignal, onHealth: Parameters<typeof tailFiles>[1]['onHealth']) => {
    const left = new Set(files);
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    if (left.size === 0) resolveReady();
    const source = tailFiles(files, {
      signal,
      fromStart: !flags.fromEnd,
      onHealth,
      onCaughtUp: (p) => {
        left.delete(p);
        if (left.size === 0) resolveReady();
      },
    });
    return { source, ready };
  };
  /** Files and the log engine, merged: what feeds the session besides the cluster. */
  const logEngine = engineOpts ? await import('../sources/log-engine.js') : undefined;
  const { mergeSources } = await import('../sources/merge.js');
  const followLocal = (tailFiles: Awaited<ReturnType<typeof tail>>, signal: AbortSignal, onHealth: NonNullable<Parameters<typeof tailFiles>[1]['onHealth']>) => {
    const parts = files.length ? [followFiles(tailFiles, signal, onHealth)] : [];
    if (engineOpts && logEngine) parts.push(logEngine.followLogEngine(engineOpts, signal, onHealth));
    if (parts.length === 1) return parts[0]!;
    return { source: mergeSources(parts.map((p) => p.source)), ready: Promise.all(parts.map((p) => p.ready)).then(() => undefined) };
  };
  if (clusterWanted) {
    const opts = clusterOptionsFrom(flags);
    // Loaded on use: the cluster client is heavy.
    const [{ runLive, dashboardPossible }, { clusterSource, loadKube, scopeOf, probeServer }, { checkAccess }, tailFiles] = await Promise.all([
      import('../ui/live-service.js'),
      import('../sources/cluster/index.js'),
      import('../sources/cluster/preflight.js'),
      tail(),
    ]);
    // One client for the preflight and the watches; a bad kubeconfig or context stops here (exit 2).
    const client = await loadKube({ kubeconfig: opts.kubeconfig, context: opts.context, options: opts.kubeconfigOptions });
    client.requestTimeoutMs = opts.requestTimeoutMs ?? 0;
    // --once and the plain reports end at once (exit 2) when the server cannot be reached at all;
    // the dashboard opens anyway and shows the cluster's panels DISCONNECTED until it can.
    if (flags.once || flags.plain || !dashboardPossible(io)) await probeServer(client, AbortSignal.timeout(10 * 60_000));
    const ns = scopeOf(opts, client);
    await runLive({
      ...common,
      start: ({ signal, onHealth, objectKinds }) => {
        const cluster = clusterSource(opts, signal, { onHealth, client, objectKinds });
        if (files.length === 0 && !engineOpts) return { source: cluster, ready: cluster.ready };
        const local = followLocal(tailFiles, signal, onHealth);
        return { source: mergeSources([cluster, local.source]), ready: Promise.all([cluster.ready, local.ready]).then(() => undefined) };
      },
      // SelfSubjectAccessReviews only: asks "may I get/list/watch …?", writes nothing.
      access: (signal) => checkAccess(client, opts, ns, signal),
      meta: { mode: files.length || engineOpts ? `watch (cluster + ${files.length ? 'files' : 'log engine'})` : 'watch', context: client.context, namespaces: ns === undefined ? [] : [ns] },
    });
    return;
  }
  const [{ runLive }, tailFiles] = await Promise.all([import('../ui/live-service.js'), tail()]);
  await runLive({
    ...common,
    start: ({ signal, onHealth }) => followLocal(tailFiles, signal, onHealth),
    meta: { mode: engineOpts ? 'watch --logs-from' : 'watch --file' },
  });
}
