// The live cluster source: what `watch` feeds the engine with, kubectl-style.
//
// Contract for the dashboard and the lead:
//   - `addClusterFlags(cmd)` adds --kubeconfig, --context, -n/--namespace, -A/--all-namespaces,
//     -l/--selector, --resources (repeatable, comma lists), --logs (repeatable), --metrics-url
//     (repeatable), --prometheus, --prom-query (repeatable), --history 15m, --scrape-interval 15s;
//     `clusterOptionsFrom(flags)` validates them into ClusterOptions. Both are light (no
//     client-node import), so `--help` stays fast.
//   - `clusterSource(opts, signal, hooks)` returns a ClusterSource: an AsyncIterable<SourceItem>
//     (a Source) that never ends on its own (only when `signal` aborts) and yields
//       · EventsItems of ObjectEvents (kind 'object', change 'snapshot' for the first list,
//         then 'added' | 'modified' | 'deleted'), one input per resource type,
//         source `CONTEXT:PLURAL.GROUP`;
//       · LinesItems of pod logs, one InputHandle per pod/container, origin and source
//         `ns/pod/container`, kind 'log', lines as the API sends them with `timestamps=true`
//         (RFC3339Nano prefix), for the engine's normal parser;
//       · EventsItems of MetricEvents from --metrics-url scrapes and --prometheus queries;
//       · a ClockItem (wall clock) at start and every 5 s, so ages are measured against now.
//   - health: `hooks.onHealth(h)` is called on every state change of one sub-source (name
//     `watch PLURAL.GROUP`, `logs TARGET`, `metrics URL`, `prometheus URL`), with state
//     'connecting' | 'connected' | 'following' | 'retrying' | 'forbidden' | 'failed', a detail
//     (last error), and `events` seen so far; `source.health()` returns the current list.
//     `source.ready` resolves once every resource type has finished its first list (or failed
//     it) — "initial content read".
//   - `preflight(client, neededPermissions(opts, ns))` (./preflight.js) says which get/list/watch
//     permissions are missing and which panels are blind; `checkAccess` is the same for live mode
//     (`watch` runs it once at start, with the client it passes in `hooks.client`);
//     `collectBundle` (./collect.js) writes a bundle.
//   Read-only: GET (list, watch, get, logs, discovery) plus one write-shaped call, POST of
//   SelfSubjectAccessReview in the preflight, which asks "may I?" and changes nothing.
import { setMaxListeners } from 'node:events';
import type { ObjectEvent } from '../../core/event.js';
import type { HealthState, SourceHealth } from '../../core/live-status.js';
import type { ClockItem, EventsItem, InputHandle, Source, SourceItem } from '../types.js';
import { newInput } from '../types.js';
import { Channel } from './channel.js';
import type { ClusterOptions } from './flags.js';
import { errorText, loadKube, type KubeClient } from './kube.js';
import { listWatch } from './list-watch.js';
import { followLogs } from './logs.js';
import { resolveLogTarget } from './log-targets.js';
import { RULES } from '../../analyzers/index.js';
import { RULES_OF_PANEL } from './preflight.js';
import { apiVersionOf, discover, groupResource, resourcePath, stripFor, type ResourceSpec } from './resources.js';

/** Rules fed by metrics (workqueue and controller-runtime series): those whose module consumes them. */
const METRIC_RULES: string[] = RULES.filter((r) => r.consumes.includes('metric')).map((r) => r.rule);

export { addClusterFlags, clusterOptionsFrom, parseDuration, type ClusterOptions, type RawClusterFlags } from './flags.js';
export { DEFAULT_RESOURCES, parseResourceArg, type ResourceSpec, type Panel } from './resources.js';
export { loadKube, probeServer, KubeClient, KubeApiError } from './kube.js';
export { listWatch, type WatchEvent, type WatchTuning, type WatchStatus } from './list-watch.js';

/** Health of one sub-source, as the dashboard header shows it. */
export interface ClusterHealth extends SourceHealth {
  /** Events, lines or samples delivered so far. */
  events: number;
}

/** Callbacks of a running cluster source. */
export interface ClusterHooks {
  onHealth?: (h: ClusterHealth) => void;
  /** An already loaded client (the command may have run the preflight with it). */
  client?: KubeClient;
  /**
   * Kinds (lower case) whose objects the analyzers read whole; objects of other kinds are kept
   * as their identity only (what a diff and a deletion need). Undefined: every kind whole.
   */
  objectKinds?: readonly string[];
}

/** The live source plus its health. */
export interface ClusterSource extends Source {
  /** Current health of every sub-source. */
  health(): ClusterHealth[];
  /** Resolves when every resource type has been listed once (or has failed to be). */
  ready: Promise<void>;
}

/** Namespace scope of namespaced resources: undefined = all namespaces. */
export function scopeOf(opts: Pick<ClusterOptions, 'allNamespaces' | 'namespace'>, client: KubeClient): string | undefined {
  return opts.allNamespaces ? undefined : (opts.namespace ?? client.namespace);
}

/** Starts watching the cluster; see the contract at the top of this file. */
export function clusterSource(opts: ClusterOptions, signal: AbortSignal, hooks: ClusterHooks = {}): ClusterSource {
  const health = new Map<string, ClusterHealth>();
  const feedsOf = new Map<string, { feeds?: readonly string[]; target?: string }>();
  const setHealth = (name: string, state: HealthState, detail?: string, add = 0) => {
    const h: ClusterHealth = health.get(name) ?? { name, state, events: 0, ...feedsOf.get(name) };
    // The first events count as a change: a source that delivered nothing reads as "no data".
    const changed = h.state !== state || h.detail !== detail || !health.has(name) || (h.events === 0 && add > 0);
    h.state = state;
    h.detail = detail;
    h.events += add;
    health.set(name, h);
    if (changed) hooks.onHealth?.({ ...h });
  };
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  // Backpressure by weight (objects, lines, samples), not by item: a slow consumer holds at most
  // a few thousand objects in flight however large the list pages are.
  const chan = new Channel<SourceItem>(4096, (i) => (i.type === 'events' ? i.events.length : i.type === 'lines' ? i.lines.length : 1));
  let started = false;
  let startError: unknown;
  // Every open watch, log stream and scrape listens on the one signal.
  setMaxListeners(0, signal);

  const start = async () => {
    let client: KubeClient;
    try {
      client = hooks.client ?? (await loadKube({ kubeconfig: opts.kubeconfig, context: opts.context, options: opts.kubeconfigOptions }));
    } catch (err) {
      feedsOf.set('cluster', { target: opts.kubeconfig });
      setHealth('cluster', 'failed', errorText(err));
      resolveReady();
      chan.close();
      throw err;
    }
    if (opts.requestTimeoutMs !== undefined) client.requestTimeoutMs = opts.requestTimeoutMs;
    const ns = scopeOf(opts, client);
    const tasks: Promise<unknown>[] = [];
    const clock = () => void chan.push({ type: 'clock', now: Date.now() } satisfies ClockItem);
    clock();
    const timer = setInterval(clock, 5_000);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });

    let pendingLists = opts.resources.length;
    const listed = () => {
      if (--pendingLists === 0) resolveReady();
    };
    if (pendingLists === 0) resolveReady();
    for (const r of opts.resources) tasks.push(watchResource(client, r, ns, listed));
    for (const target of opts.logs) {
      const name = `logs ${target.text}`;
      feedsOf.set(name, { target: client.server });
      tasks.push(
        (async () => {
          setHealth(name, 'connecting');
          let query;
          for (;;) {
            try {
              query = await resolveLogTarget(client, target, opts.allNamespaces && target.kind === 'selector' ? undefined : (opts.namespace ?? client.namespace), signal);
              break;
            } catch (err) {
              if (signal.aborted) return;
              setHealth(name, /^40[13] /.test(errorText(err)) ? 'forbidden' : 'retrying', errorText(err));
              await new Promise((r) => setTimeout(r, opts.tuning?.forbiddenRetryMs ?? 30_000));
            }
          }
          await followLogs({
            client,
            query,
            signal,
            historyMs: opts.historyMs,
            tuning: opts.tuning,
            push: (item) => {
              setHealth(name, health.get(name)?.state ?? 'following', health.get(name)?.detail, item.lines.length);
              return chan.push(item);
            },
            onStatus: (s) => setHealth(name, s.state, s.detail),
          });
        })(),
      );
    }
    if (opts.metricsUrls.length) {
      const { scrapeMetrics } = await import('../metrics-scrape.js');
      for (const url of opts.metricsUrls) {
        const name = `metrics ${url}`;
        feedsOf.set(name, { feeds: METRIC_RULES, target: url });
        setHealth(name, 'connecting');
        tasks.push(
          (async () => {
            for await (const item of scrapeMetrics(url, { intervalMs: opts.scrapeIntervalMs, signal, onStatus: (s) => setHealth(name, s.state, s.detail) })) {
              setHealth(name, 'connected', health.get(name)?.detail, item.events.length);
              await chan.push(item);
            }
          })(),
        );
      }
    }
    if (opts.prometheus) {
      const { prometheusSource } = await import('../prometheus-range.js');
      const name = `prometheus ${opts.prometheus}`;
      feedsOf.set(name, { feeds: METRIC_RULES, target: opts.prometheus });
      setHealth(name, 'connecting');
      tasks.push(
        (async () => {
          for await (const item of prometheusSource(opts.prometheus!, {
            queries: opts.promQueries,
            historyMs: opts.historyMs,
            intervalMs: opts.scrapeIntervalMs,
            signal,
            onStatus: (s) => setHealth(name, s.state, s.detail),
          })) {
            setHealth(name, 'connected', undefined, item.events.length);
            await chan.push(item);
          }
        })(),
      );
    }
    await Promise.allSettled(tasks);
  };

  /** One resource type: discovery if needed, then list-watch forever. */
  async function watchResource(client: KubeClient, spec: ResourceSpec, ns: string | undefined, listed: () => void): Promise<void> {
    const name = `watch ${groupResource(spec)}`;
    feedsOf.set(name, { feeds: RULES_OF_PANEL[spec.panel] ?? [], target: client.server });
    let counted = false;
    const once = () => {
      if (!counted) {
        counted = true;
        listed();
      }
    };
    setHealth(name, 'connecting');
    let r = spec;
    while (!signal.aborted) {
      try {
        r = await discover(client, spec, signal);
        break;
      } catch (err) {
        if (signal.aborted) return;
        setHealth(name, /^40[13] /.test(errorText(err)) ? 'forbidden' : 'failed', errorText(err));
        once();
        await new Promise((res) => setTimeout(res, opts.tuning?.forbiddenRetryMs ?? 60_000));
      }
    }
    const source = `${client.context}:${groupResource(r)}`;
    const input: InputHandle = newInput(source, 'cluster');
    input.report.format = 'watch';
    const path = resourcePath(r, ns);
    let batch: ObjectEvent[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const item: EventsItem = { type: 'events', input, events: batch };
      input.report.lines += batch.length;
      setHealth(name, health.get(name)!.state, health.get(name)!.detail, batch.length);
      batch = [];
      await chan.push(item);
    };
    for await (const ev of listWatch({
      client,
      path,
      apiVersion: apiVersionOf(r),
      kind: r.kind,
      labelSelector: r.selectable ? opts.selector : undefined,
      signal,
      tuning: opts.tuning,
      strip: stripFor(r, hooks.objectKinds),
      onStatus: (s) => {
        // Kept in the input's problems: the report still says it once the watch has recovered.
        if (s.problem && !input.report.problems.includes(s.problem)) input.report.problems.push(s.problem);
        setHealth(name, s.state, s.detail);
        if (s.state === 'forbidden' || s.state === 'failed') once();
      },
    })) {
      if (ev.type === 'bookmark') continue;
      if (ev.type === 'synced') {
        await flush();
        once();
        continue;
      }
      const change: ObjectEvent['change'] = ev.type === 'deleted' ? 'deleted' : ev.initial ? 'snapshot' : ev.type;
      batch.push({ kind: 'object', change, object: ev.object, time: Date.now(), source });
      // Pages of the first list go out in batches; watch events one by one.
      if (!(ev.type !== 'deleted' && ev.initial) || batch.length >= 500) await flush();
    }
  }

  return {
    ready,
    health: () => [...health.values()].map((h) => ({ ...h })),
    [Symbol.asyncIterator]() {
      if (!started) {
        started = true;
        signal.addEventListener('abort', () => chan.close(), { once: true });
        start()
          .catch((err) => {
            chan.close();
            startError = err;
          })
          .finally(() => chan.close());
      }
      const it = chan[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await it.next();
          if (r.done && startError) throw startError;
          return r;
        },
        async return() {
          return it.return(undefined);
        },
      };
    },
  };
}
