// Our own list-then-watch loop (client-node's ListWatch stops on any error but 410, never asks
// for bookmarks and has no inactivity timeout in 1.4.0). It lists in pages, watches from the
// list's resourceVersion with bookmarks, and aborts a watch that goes silent (headers included).
// Any error the API server answers a watch with (410 Gone, 504 ResourceVersionTooLarge after a
// restore from backup, other 5xx, an ERROR event), a watch event over the size cap, and three
// network failures in a row all end in a fresh list (no resourceVersion: the server's current
// state), diffed against the objects it knows, after a full-jitter backoff. It never gives up
// until its signal fires. Across every restart each change is reported exactly once.
import type { KubeObject } from '../../core/event.js';
import { EventTooLargeError, KubeApiError, errorText, isGone, streamLines, type KubeClient } from './kube.js';
import { sleep } from '../../core/clock.js';
import { stripManagedFields } from './resources.js';

/** Tuning knobs; the defaults suit a real cluster, tests shrink them. */
export interface WatchTuning {
  /** Items per list page. */
  pageSize: number;
  /** Server-side watch timeout; a random 0–60 s is added so watches do not restart together. */
  watchTimeoutSeconds: number;
  /** Abort a watch when no byte arrived for this long (bookmarks keep a healthy watch busy). */
  inactivityMs: number;
  /** Full-jitter backoff: a random delay in [0, min(cap, base·2^attempt)). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Retry period after 403 Forbidden or 404 (resource not served, CRD not installed yet). */
  forbiddenRetryMs: number;
}

/** Defaults for a real cluster. */
export const DEFAULT_TUNING: WatchTuning = {
  pageSize: 500,
  watchTimeoutSeconds: 300,
  inactivityMs: 90_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 30_000,
  forbiddenRetryMs: 60_000,
};

/** Connection state of one list-watch, for the dashboard header ('syncing': the first list is under way). */
export type WatchState = 'connecting' | 'syncing' | 'connected' | 'retrying' | 'forbidden' | 'failed';

/** A state change with its reason. */
export interface WatchStatus {
  state: WatchState;
  detail?: string;
  resourceVersion?: string;
  /** Something the report should keep after the source recovered (an event cut at the size cap). */
  problem?: string;
}

/** What listWatch yields. `initial` marks objects of the first list (a snapshot, not a change). */
export type WatchEvent =
  | { type: 'added' | 'modified'; object: KubeObject; initial: boolean }
  | { type: 'deleted'; object: KubeObject; synthetic: boolean }
  | { type: 'synced'; resourceVersion: string; objects: number; pages: number }
  | { type: 'bookmark'; resourceVersion: string };

/** What to list and watch, and how. */
export interface ListWatchOptions {
  client: KubeClient;
  /** Collection path, e.g. `/apis/kubernaut.ai/v1alpha1/namespaces/demo/remediationrequests`. */
  path: string;
  /** Filled into items that arrive without them (typed lists omit them per item). */
  apiVersion?: string;
  kind?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
  tuning?: Partial<WatchTuning>;
  onStatus?: (s: WatchStatus) => void;
  /** Trims an object before it is yielded (drop managedFields, ConfigMap data, …). */
  strip?: (o: KubeObject) => KubeObject;
  /** Random source in [0,1) for jitter (tests pin it). */
  random?: () => number;
}

/** What the loop remembers per object: enough to diff a re-list and to emit a deletion. */
interface Known {
  name: string;
  namespace?: string;
  uid?: string;
  rv: string;
}

interface ListBody {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

/** Lists then watches a collection forever (until `signal` aborts), yielding each change once. */
export async function* listWatch(opts: ListWatchOptions): AsyncGenerator<WatchEvent> {
  const t: WatchTuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const random = opts.random ?? Math.random;
  const strip = opts.strip ?? stripManagedFields;
  const { client, path, signal } = opts;
  const known = new Map<string, Known>();
  let rv: string | undefined;
  let needList = true;
  let firstList = true;
  let attempt = 0;
  let lastState: WatchState | undefined;
  let lastDetail: string | undefined;
  let learnedKind: string | undefined;
  let learnedApiVersion: string | undefined;
  const status = (state: WatchState, detail?: string, problem?: string) => {
    if (state === lastState && detail === lastDetail && !problem) return;
    lastState = state;
    lastDetail = detail;
    opts.onStatus?.({ state, detail, resourceVersion: rv, ...(problem ? { problem } : {}) });
  };
  const base = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };

  const fill = (o: KubeObject, apiVersion?: string, kind?: string): KubeObject => {
    const s = strip(o);
    if (s.kind && s.apiVersion) return s;
    return {
      ...s,
      apiVersion: s.apiVersion ?? apiVersion ?? opts.apiVersion ?? learnedApiVersion,
      kind: s.kind ?? kind ?? opts.kind ?? learnedKind,
    };
  };

  /** Re-lists everything and diffs against `known`. */
  async function* relist(): AsyncGenerator<WatchEvent> {
    let restarts = 0;
    if (firstList && lastState === 'connecting') status('syncing');
    for (;;) {
      const seen = new Set<string>();
      let cont: string | undefined;
      let listRv: string | undefined;
      let pages = 0;
      try {
        do {
          const body = await client.getJson<ListBody>(path, { ...base, limit: t.pageSize, continue: cont }, signal);
          pages++;
          listRv ??= body.metadata?.resourceVersion;
          const itemKind = body.kind?.endsWith('List') ? body.kind.slice(0, -4) : undefined;
          learnedKind ??= itemKind;
          learnedApiVersion ??= body.apiVersion;
          for (const raw of body.items ?? []) {
            const o = fill(raw, body.apiVersion, itemKind);
            const k = keyOf(o);
            seen.add(k);
            const prev = known.get(k);
            const orv = o.metadata?.resourceVersion ?? '';
            if (!prev) {
              known.set(k, mini(o));
              yield { type: 'added', object: o, initial: firstList };
            } else if (prev.rv !== orv) {
              prev.rv = orv;
              yield { type: 'modified', object: o, initial: false };
            }
          }
          cont = body.metadata?.continue || undefined;
        } while (cont);
      } catch (err) {
        // A continue token that expired mid-list: start the list again (items already
        // reported are recognised by their resourceVersion and not reported twice).
        if (isGone(err) && cont !== undefined && restarts++ < 5) continue;
        throw err;
      }
      for (const [k, m] of known) {
        if (seen.has(k)) continue;
        known.delete(k);
        yield { type: 'deleted', object: stub(m, opts.apiVersion ?? learnedApiVersion, opts.kind ?? learnedKind), synthetic: true };
      }
      rv = listRv ?? rv;
      firstList = false;
      needList = false;
      status('connected');
      yield { type: 'synced', resourceVersion: rv ?? '', objects: known.size, pages };
      return;
    }
  }

  /** One watch connection, from `rv` until the server ends it; throws on any failure. */
  async function* watchOnce(): AsyncGenerator<WatchEvent> {
    const timeoutSeconds = t.watchTimeoutSeconds + Math.floor(random() * 60);
    const res = await client.open('GET', path, { ...base, watch: 'true', resourceVersion: rv, allowWatchBookmarks: 'true', timeoutSeconds }, { signal, idleMs: t.inactivityMs });
    status('connected');
    for await (const line of streamLines(res, t.inactivityMs, path)) {
      if (!line.trim()) continue;
      let ev: { type?: string; object?: KubeObject & { code?: number; reason?: string; message?: string } };
      try {
        ev = JSON.parse(line);
      } catch {
        continue; // a torn line: the next resourceVersion carries us on
      }
      const o = ev.object;
      if (!o) continue;
      const orv = o.metadata?.resourceVersion;
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED': {
          const obj = fill(o);
          const k = keyOf(obj);
          const prev = known.get(k);
          if (orv) rv = orv;
          attempt = 0;
          if (prev && prev.rv === (orv ?? '')) break;
          if (prev) prev.rv = orv ?? '';
          else known.set(k, mini(obj));
          yield { type: prev ? 'modified' : 'added', object: obj, initial: false };
          break;
        }
        case 'DELETED': {
          const obj = fill(o);
          const k = keyOf(obj);
          if (orv) rv = orv;
          attempt = 0;
          if (!known.delete(k)) break; // already reported by a re-list
          yield { type: 'deleted', object: obj, synthetic: false };
          break;
        }
        case 'BOOKMARK':
          if (orv) {
            rv = orv;
            attempt = 0;
            yield { type: 'bookmark', resourceVersion: orv };
          }
          break;
        case 'ERROR':
          throw new KubeApiError(o.code ?? 500, o.reason ?? 'Unknown', o.message ?? 'watch error', path);
        default:
          break;
      }
    }
  }

  status('connecting');
  while (!signal.aborted) {
    try {
      if (needList) {
        yield* relist();
      }
      const started = Date.now();
      let got = false;
      for await (const ev of watchOnce()) {
        got = true;
        yield ev;
      }
      // The server closed the watch at its timeout: watch again from where we are, but not in
      // a tight loop if something in between closes every watch at once.
      if (!got && Date.now() - started < 1000) {
        attempt++;
        status('retrying', 'the watch was closed as soon as it opened');
        await sleep(backoff(attempt, t, random), signal);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (isGone(err)) {
        needList = true;
        if (attempt++ === 0) continue; // re-list at once the first time; back off if it repeats
        status('retrying', `410 Gone: ${errorText(err)}; re-listing`);
        await sleep(backoff(attempt, t, random), signal);
        continue;
      }
      if (err instanceof KubeApiError && (err.status === 403 || err.status === 401 || err.status === 404)) {
        needList = true;
        const what = err.status === 404 ? 'failed' : 'forbidden';
        status(what, errorText(err));
        await sleep(t.forbiddenRetryMs, signal);
        continue;
      }
      attempt++;
      // What the server answered (5xx, 504 ResourceVersionTooLarge, an ERROR event), an event
      // over the cap, or a third network failure in a row: our resourceVersion may be worthless
      // (a restored etcd, a compacted history): start again from a fresh list.
      const fresh = !needList && (err instanceof KubeApiError || err instanceof EventTooLargeError || attempt >= 3);
      if (fresh) needList = true;
      status('retrying', `${errorText(err)}${fresh ? '; re-listing' : ''}`, err instanceof EventTooLargeError ? err.message : undefined);
      await sleep(backoff(attempt, t, random), signal);
    }
  }
}

/** Full-jitter backoff delay for the given attempt (1-based). */
export function backoff(attempt: number, t: Pick<WatchTuning, 'backoffBaseMs' | 'backoffCapMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(t.backoffCapMs, t.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}


function keyOf(o: KubeObject): string {
  const m = o.metadata ?? {};
  return m.uid ?? `${m.namespace ?? ''}/${m.name ?? ''}`;
}

function mini(o: KubeObject): Known {
  const m = o.metadata ?? {};
  return { name: m.name ?? '', namespace: m.namespace, uid: m.uid, rv: m.resourceVersion ?? '' };
}

function stub(m: Known, apiVersion?: string, kind?: string): KubeObject {
  const metadata: NonNullable<KubeObject['metadata']> = { name: m.name, uid: m.uid, resourceVersion: m.rv };
  if (m.namespace) metadata.namespace = m.namespace;
  return { apiVersion, kind, metadata };
}
