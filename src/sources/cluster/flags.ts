// kubectl-style flags shared by `watch` and `collect`, and their translation into ClusterOptions.
// Light on purpose: nothing here loads @kubernetes/client-node, so `--help` stays fast.
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';

export { parseDuration };
import { DEFAULT_RESOURCES, mergeResources, parseResourceArg, type ResourceSpec } from './resources.js';
import { parseLogTarget, type LogTarget } from './log-targets.js';
import type { WatchTuning } from './list-watch.js';

/** Everything the cluster source and `collect` need to know. */
export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** A kubeconfig object as KubeConfig.loadFromOptions takes it (tests, embedding); wins over files. */
  kubeconfigOptions?: Record<string, unknown>;
  /** -n; undefined means the context's namespace (kubectl's rule). */
  namespace?: string;
  /** -A */
  allNamespaces: boolean;
  /** -l: filters the custom resources and ConfigMaps. */
  selector?: string;
  /** Resource types to watch (defaults plus --resources). */
  resources: ResourceSpec[];
  /** --logs targets. */
  logs: LogTarget[];
  /** --metrics-url endpoints scraped every scrapeIntervalMs. */
  metricsUrls: string[];
  /** --prometheus base URL (range queries for `historyMs`, then instant queries). */
  prometheus?: string;
  /** --prom-query: PromQL expressions (default: workqueue and controller-runtime series). */
  promQueries?: string[];
  /** --history: how far back logs and Prometheus history reach on start. */
  historyMs: number;
  /** --scrape-interval */
  scrapeIntervalMs: number;
  /** --request-timeout in ms (kubectl's flag): 0 = no bound on a single request. */
  requestTimeoutMs?: number;
  /** Watch loop knobs (tests shrink them). */
  tuning?: Partial<WatchTuning> & { logInactivityMs?: number };
}

const collectList = (v: string, prev: string[] = []) => [...prev, v];

/** Adds the kubectl-style flags to a command. */
export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <ns>', "namespace to watch (default: the context's namespace)")
    .option('-A, --all-namespaces', 'watch every namespace', false)
    .option('-l, --selector <selector>', 'label selector for the watched custom resources and ConfigMaps')
    .option('--resources <list>', 'more custom resources to dedup, comma-separated: PLURAL.VERSION.GROUP, PLURAL.GROUP or GROUP/VERSION/PLURAL (repeatable)', collectList)
    .option('--logs <target>', 'pod logs to read: deploy/NAME, sts/NAME, ds/NAME, pod/NAME, or -l SELECTOR (repeatable)', collectList)
    .option('--metrics-url <url>', 'Prometheus text endpoint to scrape (repeatable)', collectList)
    .option('--prometheus <url>', 'Prometheus server: range queries for --history, then live')
    .option('--prom-query <promql>', 'PromQL to ask --prometheus (repeatable; default: workqueue and controller-runtime series)', collectList)
    .option('--history <duration>', 'how far back to read logs and Prometheus on start', '15m')
    .option('--scrape-interval <duration>', 'how often to scrape --metrics-url and query --prometheus', '15s')
    .option(
      '--request-timeout <duration>',
      "kubectl's flag: how long to wait for a single API server request (a watch: until its response starts) before giving up — 5s, 1m, or a bare number of seconds; 0 means no limit, though a request that receives no byte for 90 s is always dropped",
      '0',
    );
}

/** The raw values commander hands over for the flags above. */
export interface RawClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  resources?: string[];
  logs?: string[];
  metricsUrl?: string[];
  prometheus?: string;
  promQuery?: string[];
  history?: string;
  scrapeInterval?: string;
  requestTimeout?: string;
}

/** Validates the flags and turns them into ClusterOptions (UserError on bad values). */
export function clusterOptionsFrom(f: RawClusterFlags): ClusterOptions {
  if (f.allNamespaces && f.namespace) throw new UserError('-n/--namespace and -A/--all-namespaces cannot be used together', 'pick one namespace with -n, or all with -A');
  const extra = (f.resources ?? []).flatMap((s) => s.split(',')).filter((s) => s.trim()).map(parseResourceArg);
  for (const u of [...(f.metricsUrl ?? []), ...(f.prometheus ? [f.prometheus] : [])]) checkUrl(u);
  return {
    kubeconfig: f.kubeconfig,
    context: f.context,
    namespace: f.namespace,
    allNamespaces: Boolean(f.allNamespaces),
    selector: f.selector,
    resources: mergeResources(DEFAULT_RESOURCES, extra),
    logs: (f.logs ?? []).map(parseLogTarget),
    metricsUrls: f.metricsUrl ?? [],
    prometheus: f.prometheus,
    promQueries: f.promQuery?.length ? f.promQuery : undefined,
    historyMs: parseDuration(f.history ?? '15m', '--history'),
    scrapeIntervalMs: Math.max(1000, parseDuration(f.scrapeInterval ?? '15s', '--scrape-interval')),
    requestTimeoutMs: parseRequestTimeout(f.requestTimeout ?? '0'),
  };
}

/**
 * kubectl's --request-timeout: a bare non-negative integer is seconds, else a duration (5s, 2m,
 * 1h); 0 means no limit.
 */
export function parseRequestTimeout(v: string): number {
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  try {
    return parseDuration(s, '--request-timeout');
  } catch {
    throw new UserError(`--request-timeout "${v}": not a timeout`, 'write a whole number of seconds (30) or a duration (5s, 2m, 1h); 0 means no limit');
  }
}


function checkUrl(u: string): void {
  try {
    const url = new URL(u);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UserError(`"${u}" is not an http(s) URL`, 'write it like http://localhost:8080/metrics');
  }
}
