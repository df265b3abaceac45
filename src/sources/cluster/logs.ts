// Follows the logs of the pods a `--logs` target selects: watches those pods (so new pods are
// picked up and deleted ones let go), streams each container's log with timestamps, and
// reconnects after a drop from the last timestamp seen, skipping lines already delivered.
import { newInput, type InputHandle, type LinesItem } from '../types.js';
import { KubeApiError, errorText, streamLines, type KubeClient } from './kube.js';
import { sleep } from '../../core/clock.js';
import { backoff, listWatch, type WatchTuning, DEFAULT_TUNING } from './list-watch.js';
import type { PodQuery } from './log-targets.js';
import type { KubeObject } from '../../core/event.js';
import { MAX_LINE_CHARS } from '../files.js';

/** State of one target's log streams. */
export interface LogStatus {
  state: 'connecting' | 'following' | 'retrying' | 'forbidden';
  detail?: string;
}

/** How to follow. */
export interface FollowOptions {
  client: KubeClient;
  query: PodQuery;
  signal: AbortSignal;
  /** How far back the first connection of each container reads. */
  historyMs: number;
  push: (item: LinesItem) => Promise<void>;
  onStatus?: (s: LogStatus) => void;
  tuning?: Partial<WatchTuning> & { logInactivityMs?: number };
}

/** `2024-01-02T03:04:05.1Z` → fixed-width, lexically ordered `…05.100000000Z`. */
export function normTs(ts: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return undefined;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
}

/** Remembers the last delivered timestamp so a reconnect (sinceTime has 1 s precision) skips repeats. */
export class LineDedup {
  last?: string;
  private atLast = 0;
  private skip = 0;

  /** Call before each reconnection. */
  reconnect(): void {
    this.skip = this.atLast;
  }

  /** Whether a line is new; updates the state when it is. */
  accept(line: string): boolean {
    const sp = line.indexOf(' ');
    const ts = normTs(sp > 0 ? line.slice(0, sp) : '');
    if (!ts) return true; // no timestamp (should not happen with timestamps=true): keep it
    if (this.last !== undefined) {
      if (ts < this.last) return false;
      if (ts === this.last && this.skip > 0) {
        this.skip--;
        return false;
      }
    }
    if (ts === this.last) this.atLast++;
    else {
      this.last = ts;
      this.atLast = 1;
      this.skip = 0;
    }
    return true;
  }

  /** `sinceTime` for the next connection: the last timestamp, floored to the second. */
  sinceTime(): string | undefined {
    return this.last ? `${this.last.slice(0, 19)}Z` : undefined;
  }
}

/** Follows one container until the signal aborts or the pod is gone. */
export async function followContainer(
  o: FollowOptions & { namespace: string; pod: string; container: string; input: InputHandle; podGone: () => boolean; onState?: (open: boolean, detail?: string) => void },
): Promise<void> {
  const t = { ...DEFAULT_TUNING, ...o.tuning };
  const inactivity = o.tuning?.logInactivityMs ?? 10 * 60_000;
  const dedup = new LineDedup();
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.pod)}/log`;
  let lineNo = 0;
  let attempt = 0;
  while (!o.signal.aborted) {
    const since = dedup.sinceTime();
    dedup.reconnect();
    try {
      const res = await o.client.open(
        'GET',
        path,
        {
          container: o.container,
          follow: 'true',
          timestamps: 'true',
          ...(since ? { sinceTime: since } : { sinceSeconds: Math.max(1, Math.round(o.historyMs / 1000)) }),
        },
        { signal: o.signal },
      );
      o.onState?.(true);
      let batch: string[] = [];
      let first = lineNo + 1;
      // A log line over the line cap is cut there, as in files; the stream goes on.
      for await (const line of streamLines(res, inactivity, path, { maxLineBytes: MAX_LINE_CHARS, overlong: 'cut' })) {
        if (!dedup.accept(line)) continue;
        attempt = 0;
        batch.push(line);
        lineNo++;
        if (batch.length >= 256 || res.readableLength === 0) {
          await o.push({ type: 'lines', input: o.input, lines: batch, firstLine: first });
          batch = [];
          first = lineNo + 1;
        }
      }
      if (batch.length) await o.push({ type: 'lines', input: o.input, lines: batch, firstLine: first });
      o.onState?.(false, 'log stream ended');
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof KubeApiError && err.status === 404) return; // the pod is gone
      o.onState?.(false, errorText(err));
      if (err instanceof KubeApiError && (err.status === 403 || err.status === 401)) {
        await sleep(t.forbiddenRetryMs, o.signal);
        continue;
      }
    }
    if (o.podGone()) return;
    attempt++;
    await sleep(Math.max(t.backoffBaseMs / 2, backoff(attempt, t)), o.signal);
  }
}

/** Watches the target's pods and follows every container of each, as pods come and go. */
export async function followLogs(o: FollowOptions): Promise<void> {
  const { client, query, signal } = o;
  const path = query.namespace ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods` : '/api/v1/pods';
  const followers = new Map<string, { ac: AbortController; gone: boolean }>();
  const inputs = new Map<string, InputHandle>();
  let open = 0;
  let lastError: string | undefined;
  const report = () => {
    if (open > 0) o.onStatus?.({ state: 'following', detail: `${open} stream${open === 1 ? '' : 's'}` });
    else if (lastError) o.onStatus?.({ state: /^40[13] /.test(lastError) ? 'forbidden' : 'retrying', detail: lastError });
  };
  const startContainer = (ns: string, pod: string, container: string) => {
    const key = `${ns}/${pod}/${container}`;
    if (followers.has(key)) return;
    const ac = new AbortController();
    const entry = { ac, gone: false };
    followers.set(key, entry);
    const onAbort = () => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let input = inputs.get(key);
    if (!input) {
      input = newInput(key, 'log', { origin: key, referenceYear: new Date().getUTCFullYear() });
      inputs.set(key, input);
    }
    let isOpen = false;
    void followContainer({
      ...o,
      signal: ac.signal,
      namespace: ns,
      pod,
      container,
      input,
      podGone: () => entry.gone,
      onState: (nowOpen, detail) => {
        if (nowOpen !== isOpen) open += nowOpen ? 1 : -1;
        isOpen = nowOpen;
        if (detail && detail !== 'log stream ended') lastError = `${key}: ${detail}`;
        report();
      },
    }).finally(() => {
      if (isOpen) open--;
      followers.delete(key);
      signal.removeEventListener('abort', onAbort);
      report();
    });
  };
  const containersOf = (p: KubeObject): string[] => {
    const spec = p.spec as { containers?: { name: string }[] } | undefined;
    return (spec?.containers ?? []).map((c) => c.name);
  };
  o.onStatus?.({ state: 'connecting' });
  for await (const ev of listWatch({
    client,
    path,
    labelSelector: query.labelSelector,
    fieldSelector: query.fieldSelector,
    signal,
    tuning: o.tuning,
    onStatus: (s) => {
      if (s.state === 'forbidden' || s.state === 'retrying' || s.state === 'failed') {
        lastError = `pods: ${s.detail ?? s.state}`;
        if (open === 0) o.onStatus?.({ state: s.state === 'forbidden' ? 'forbidden' : 'retrying', detail: lastError });
      }
    },
  })) {
    if (ev.type === 'added' || ev.type === 'modified') {
      const ns = ev.object.metadata?.namespace ?? query.namespace ?? client.namespace;
      const pod = ev.object.metadata?.name ?? '';
      // A container that has not started yet answers 400; its follower retries until it runs.
      for (const c of containersOf(ev.object)) startContainer(ns, pod, c);
    } else if (ev.type === 'deleted') {
      const prefix = `${ev.object.metadata?.namespace ?? ''}/${ev.object.metadata?.name ?? ''}/`;
      for (const [k, f] of followers) {
        if (!k.startsWith(prefix)) continue;
        f.gone = true;
        // Let the stream drain what the container wrote last, then stop.
        setTimeout(() => f.ac.abort(), 5_000).unref();
      }
    }
  }
}
