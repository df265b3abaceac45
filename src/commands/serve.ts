// `ctrlscope serve`: the live analysis headless, for a Deployment inside the cluster. It watches
// like `watch` does (the cluster from the in-cluster config or a kubeconfig, --file, --logs-from)
// and exposes the findings on /metrics for Prometheus, /healthz for the kubelet and /readyz once
// every source has delivered its initial content.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { UserError, describeError } from '../core/errors.js';
import { addClusterFlags, clusterOptionsFrom, type RawClusterFlags } from '../sources/cluster/flags.js';
import type { Source } from '../sources/types.js';
import { addLogEngineFlags, logEngineOptionsFrom, type LogEngineFlags } from './log-engine-flags.js';
import { parseRules } from './options.js';

/** Flags of `serve`. */
export interface ServeFlags extends RawClusterFlags, LogEngineFlags {
  listen: string;
  file?: string[];
  rules?: string;
  redact?: boolean;
  /** Skip the cluster (only --file / --logs-from). */
  cluster?: boolean;
}

/** `:9090`, `0.0.0.0:9090`, `127.0.0.1:0` → host and port. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--listen '${s}' is not HOST:PORT`, 'e.g. --listen :9090 (all interfaces) or --listen 127.0.0.1:9090');
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Registers `serve`. */
export function register(program: Command, io: Io): void {
  const cmd = program
    .command('serve')
    .summary('run the live analysis headless and expose /metrics (in-cluster mode)')
    .description(
      'Watch the cluster (in-cluster service account, or --kubeconfig), followed --file logs and/or a log ' +
        'engine (--logs-from), continuously, and expose the findings for Prometheus on /metrics: ' +
        'ctrlscope_finding{rule,severity,namespace,name,controller} 1 per finding, ctrlscope_findings per ' +
        'rule and severity, ctrlscope_source_up{source}, ctrlscope_rule_status{rule,status}, scan counters. ' +
        '/healthz answers while the process runs; /readyz once every source has delivered its initial ' +
        'content. Only reads the cluster (get, list, watch). deploy/ holds a Deployment, its read-only ' +
        'ClusterRole and a ServiceMonitor.',
    )
    .option('--listen <host:port>', 'where to serve /metrics, /healthz and /readyz', ':9090')
    .option('--file <path...>', 'also follow these log files (like tail -F)')
    .option('--no-cluster', 'do not watch a cluster: only --file and --logs-from')
    .option('--rules <ids>', 'comma-separated rules to run (default: all)')
    .option('--no-redact', 'show secrets in evidence as they are (never do this on a shared endpoint)');
  addLogEngineFlags(addClusterFlags(cmd)).addHelpText(
    'after',
    `
Examples:
  ctrlscope serve                                   in a pod: watch the cluster with its service account
  ctrlscope serve --kubeconfig ~/.kube/config -A --listen 127.0.0.1:9090
  ctrlscope serve --no-cluster --logs-from http://victorialogs:9428 --query 'kubernetes.pod_namespace:kube-system'
  curl -s localhost:9090/metrics | grep ctrlscope_finding`,
  );
  cmd.action(async (flags: ServeFlags) => {
    await runServe(flags, io);
  });
}

/** Starts the sources, the session and the HTTP server; runs until SIGINT/SIGTERM or `signal`. */
export async function runServe(flags: ServeFlags, io: Io, signal?: AbortSignal, onListening?: (url: string) => void): Promise<void> {
  const { host, port } = parseListen(flags.listen ?? ':9090');
  const rules = parseRules(flags.rules);
  const engineOpts = logEngineOptionsFrom(flags, io.env, {});
  const files = flags.file ?? [];
  const useCluster = flags.cluster !== false;
  if (!useCluster && !files.length && !engineOpts) throw new UserError('--no-cluster leaves nothing to watch', 'add --file PATH or --logs-from URL --query Q');

  const [http, { Engine }, { LiveSession }, { ANALYZERS }, { mergeSources }, { exposition }] = await Promise.all([
    import('node:http'),
    import('../engine/engine.js'),
    import('../engine/live.js'),
    import('../analyzers/index.js'),
    import('../sources/merge.js'),
    import('../serve/exposition.js'),
  ]);
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal?.addEventListener('abort', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const engine = new Engine({ analyzers: ANALYZERS, rules, redact: flags.redact !== false });
  const session = new LiveSession({ engine, rules, intervalMs: 1000 });
  const onHealth = (h: Parameters<typeof session.setHealth>[0]) => session.setHealth(h);
  const sources: Source[] = [];
  const ready: Promise<void>[] = [];
  try {
    if (useCluster) {
      const opts = clusterOptionsFrom(flags);
      const [{ clusterSource, loadKube, scopeOf }, { checkAccess }] = await Promise.all([import('../sources/cluster/index.js'), import('../sources/cluster/preflight.js')]);
      const client = await loadKube({ kubeconfig: opts.kubeconfig, context: opts.context, options: opts.kubeconfigOptions });
      client.requestTimeoutMs = opts.requestTimeoutMs ?? 0;
      const cluster = clusterSource(opts, ac.signal, { onHealth, client });
      sources.push(cluster);
      ready.push(cluster.ready);
      void checkAccess(client, opts, scopeOf(opts, client), ac.signal).then(
        (a) => session.setAccess(a),
        (err: unknown) => session.setAccess({ blind: [], problem: `could not check permissions (${describeError(err)})` }),
      );
    }
    if (files.length) {
      const { tailFiles } = await import('../sources/tail.js');
      let caught = 0;
      let resolveFiles!: () => void;
      ready.push(new Promise<void>((r) => (resolveFiles = r)));
      sources.push(tailFiles(files, { signal: ac.signal, fromStart: true, onHealth, onCaughtUp: () => ++caught === files.length && resolveFiles() }));
    }
    if (engineOpts) {
      const { followLogEngine } = await import('../sources/log-engine.js');
      const followed = followLogEngine({ ...engineOpts, since: engineOpts.since ?? Date.now() - 3_600_000 }, ac.signal, onHealth);
      sources.push(followed.source);
      ready.push(followed.ready);
    }
    let isReady = false;
    void Promise.all(ready).then(() => (isReady = true));
    const pump = session.run(sources.length === 1 ? sources[0]! : mergeSources(sources), ac.signal).catch((err: unknown) => {
      io.stderr.write(`ctrlscope serve: source failed: ${describeError(err)}\n`);
    });

    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      if (path === '/readyz') {
        res.writeHead(isReady ? 200 : 503, { 'content-type': 'text/plain' }).end(isReady ? 'ready\n' : 'syncing: sources have not delivered their initial content yet\n');
        return;
      }
      if (path === '/metrics') {
        const snap = session.snapshot();
        const body = exposition({ findings: snap.findings, rules: snap.rules, health: snap.health, live: session.liveCoverage(), ingested: snap.ingested, inputs: snap.inputs.length, at: snap.at, ready: isReady });
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new UserError(`--listen ${flags.listen}: ${err.code === 'EADDRINUSE' ? 'the address is in use' : describeError(err)}`, 'pick another port, e.g. --listen :9091')),
      );
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as { port: number };
    const url = `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
    io.stderr.write(`ctrlscope serve: listening on ${url} (/metrics, /healthz, /readyz)\n`);
    onListening?.(url);
    await new Promise<void>((r) => (ac.signal.aborted ? r() : ac.signal.addEventListener('abort', () => r())));
    await new Promise<void>((r) => server.close(() => r()));
    session.stop();
    await pump;
  } finally {
    ac.abort();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    signal?.removeEventListener('abort', stop);
  }
}
