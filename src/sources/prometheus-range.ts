// Reads a Prometheus server's HTTP API: /api/v1/query_range for the last `history` (so a live
// session starts with context), then /api/v1/query every interval. Results become MetricEvents
// named by the series' __name__ (or the PromQL text for computed expressions).
import { USER_AGENT } from '../core/user-agent.js';
import { describeError } from '../core/errors.js';
import type { MetricEvent } from '../core/event.js';
import { newInput, type EventsItem, type InputHandle } from './types.js';
import { sleep } from '../core/clock.js';

/** Series the analyzers read when no --prom-query is given: client-go workqueue and controller-runtime. */
export const DEFAULT_PROM_QUERIES: readonly string[] = [
  'workqueue_depth',
  'workqueue_adds_total',
  'workqueue_retries_total',
  'workqueue_unfinished_work_seconds',
  'workqueue_longest_running_processor_seconds',
  'controller_runtime_reconcile_total',
  'controller_runtime_reconcile_errors_total',
  'controller_runtime_active_workers',
];

/** One series of a matrix or vector result. */
interface PromSeries {
  metric?: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

interface PromResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: PromSeries[] };
}

/** Prometheus' number spelling (`NaN`, `+Inf`, `-Inf`) to a number. */
export function promValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Turns a query_range/query result into events (`query` names series without __name__). */
export function seriesEvents(result: PromSeries[], query: string, source: string): MetricEvent[] {
  const out: MetricEvent[] = [];
  for (const s of result) {
    const { __name__: name, ...labels } = s.metric ?? {};
    const points = s.values ?? (s.value ? [s.value] : []);
    for (const [t, v] of points) out.push({ kind: 'metric', name: name ?? query, labels, value: promValue(v), time: Math.round(t * 1000), source });
  }
  return out;
}

async function promGet(base: string, path: string, params: Record<string, string>, signal: AbortSignal): Promise<PromSeries[]> {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]), headers: { 'user-agent': USER_AGENT } });
  let body: PromResponse;
  try {
    body = (await res.json()) as PromResponse;
  } catch {
    throw new Error(`HTTP ${res.status}: the answer is not Prometheus API JSON (is ${base} a Prometheus server?)`);
  }
  if (body.status !== 'success') throw new Error(`${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'query failed'}`);
  return body.data?.result ?? [];
}

/** Runs one range query (times in epoch ms, step in ms). */
export async function queryRange(base: string, query: string, startMs: number, endMs: number, stepMs: number, signal: AbortSignal): Promise<PromSeries[]> {
  return promGet(base, '/api/v1/query_range', { query, start: String(startMs / 1000), end: String(endMs / 1000), step: `${Math.max(1, Math.round(stepMs / 1000))}s` }, signal);
}

/** Runs one instant query at `timeMs`. */
export async function queryInstant(base: string, query: string, timeMs: number, signal: AbortSignal): Promise<PromSeries[]> {
  return promGet(base, '/api/v1/query', { query, time: String(timeMs / 1000) }, signal);
}

/** How to read a Prometheus server. */
export interface PrometheusOptions {
  queries?: readonly string[];
  historyMs: number;
  intervalMs: number;
  signal: AbortSignal;
  onStatus?: (s: { url: string; state: 'connected' | 'retrying'; detail?: string }) => void;
  /** Stop after the history (for `collect`). */
  historyOnly?: boolean;
  now?: () => number;
}

/** The history, then live instant queries, as EventsItems of one `prometheus` input. */
export async function* prometheusSource(base: string, opts: PrometheusOptions): AsyncGenerator<EventsItem> {
  const input: InputHandle = newInput(`prometheus ${base}`, 'prometheus');
  input.report.format = 'prometheus-api';
  const queries = opts.queries?.length ? opts.queries : DEFAULT_PROM_QUERIES;
  const now = opts.now ?? Date.now;
  const source = `prometheus ${base}`;
  const reported = new Set<string>();
  const fail = (query: string, err: unknown) => {
    const reason = `query ${query}: ${describeError(err)}`;
    if (!reported.has(query)) {
      reported.add(query);
      input.report.problems.push(reason);
    }
    opts.onStatus?.({ url: base, state: 'retrying', detail: reason });
  };
  /** Runs one query for every name in `queries`, turning its samples into events. */
  async function* pull(run: (q: string) => Promise<PromSeries[]>): AsyncGenerator<EventsItem> {
    for (const q of queries) {
      if (opts.signal.aborted) return;
      try {
        const events = seriesEvents(await run(q), q, source);
        input.report.lines += events.length;
        opts.onStatus?.({ url: base, state: 'connected' });
        if (events.length) yield { type: 'events', input, events };
      } catch (err) {
        if (opts.signal.aborted) return;
        fail(q, err);
      }
    }
  }
  const end = now();
  const step = Math.max(opts.intervalMs, Math.ceil(opts.historyMs / 10_000));
  yield* pull((q) => queryRange(base, q, end - opts.historyMs, end, step, opts.signal));
  if (opts.historyOnly) return;
  while (!opts.signal.aborted) {
    await sleep(opts.intervalMs, opts.signal);
    const t = now();
    yield* pull((q) => queryInstant(base, q, t, opts.signal));
  }
}

