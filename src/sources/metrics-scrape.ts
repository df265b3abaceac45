// Scrapes Prometheus text endpoints (`--metrics-url`) on an interval and turns each scrape into
// MetricEvents with the shared exposition parser. A failed scrape is reported and retried on
// the next tick; it never ends the source.
import { USER_AGENT } from '../core/user-agent.js';
import { describeError } from '../core/errors.js';
import type { MetricEvent } from '../core/event.js';
import { PromReader } from '../parsers/prometheus.js';
import { newInput, type EventsItem, type InputHandle } from './types.js';
import { sleep } from '../core/clock.js';

/** State of one scraped endpoint, for the dashboard header. */
export interface ScrapeStatus {
  url: string;
  state: 'connected' | 'retrying';
  detail?: string;
}

/** How to scrape. */
export interface ScrapeOptions {
  intervalMs: number;
  signal: AbortSignal;
  /** Per-request timeout (default: the interval, at most 10 s). */
  timeoutMs?: number;
  onStatus?: (s: ScrapeStatus) => void;
  /** Wall clock (tests pin it). */
  now?: () => number;
}

/** Fetches one exposition; throws with the URL and the reason on failure. */
export async function fetchExposition(url: string, signal: AbortSignal, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(url, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1', 'user-agent': USER_AGENT },
  }).catch((err: unknown) => {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is its cause.
    const cause = (err as { cause?: unknown }).cause;
    throw cause instanceof Error ? new Error(`${(err as Error).message}: ${describeError(cause)}`) : err;
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  return res.text();
}

/** Parses an exposition into events stamped `time` (samples' own timestamps win). */
export function expositionEvents(text: string, source: string, time: number, input?: InputHandle): MetricEvent[] {
  const reader = new PromReader(source, time);
  const out: MetricEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const ev = reader.line(lines[i]!, i + 1);
    if (ev) out.push(ev);
  }
  if (input) {
    input.report.lines += lines.length;
    input.report.unparsed += reader.unparsed;
  }
  return out;
}

/** Scrapes `url` every `intervalMs` until the signal aborts, yielding one EventsItem per scrape. */
export async function* scrapeMetrics(url: string, opts: ScrapeOptions): AsyncGenerator<EventsItem> {
  const input = newInput(url, 'metrics');
  input.report.format = 'prometheus';
  const now = opts.now ?? Date.now;
  const timeout = opts.timeoutMs ?? Math.min(opts.intervalMs, 10_000);
  let failures = 0;
  while (!opts.signal.aborted) {
    const started = now();
    try {
      const text = await fetchExposition(url, opts.signal, timeout);
      const events = expositionEvents(text, url, started, input);
      failures = 0;
      opts.onStatus?.({ url, state: 'connected', detail: `${events.length} samples` });
      yield { type: 'events', input, events };
    } catch (err) {
      if (opts.signal.aborted) return;
      failures++;
      const reason = `scrape failed: ${describeError(err)}`;
      if (failures === 1) input.report.problems.push(`${reason} (retrying every ${Math.round(opts.intervalMs / 1000)} s)`);
      opts.onStatus?.({ url, state: 'retrying', detail: reason });
    }
    await sleep(Math.max(0, opts.intervalMs - (now() - started)), opts.signal);
  }
}

