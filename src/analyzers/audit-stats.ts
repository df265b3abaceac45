// Request amplification from audit logs: request rates per user agent, verb, resource and
// object, and "hot" objects read or written far above their peers (a controller hot loop).
// Pure and incremental: `add` every AuditEvent, ask for `stats()` at any time. queue-leak and
// other analyzers call it; it does no I/O and keeps one small counter per distinct key.
// Leader-election locks (a Lease or ConfigMap renewed every few seconds) are legitimately hot;
// callers decide how to weigh them (`resource` tells them apart).
import type { AuditEvent } from '../core/event.js';
import { compareText } from '../core/order.js';

/** Read and write verbs as the API server names them. */
const READ_VERBS = new Set(['get', 'list', 'watch']);
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** One row of a rate table. */
export interface RateRow {
  key: string;
  count: number;
  /** Requests per minute over the observed window (count when the window is under a minute). */
  perMinute: number;
}

/** An object requested far more often than the other objects of its resource. */
export interface HotObject {
  /** `group/resource` (core group: just `resource`). */
  resource: string;
  namespace?: string;
  name: string;
  count: number;
  reads: number;
  writes: number;
  perMinute: number;
  /**
   * Median request count of the peers: the other objects of the same resource, or every other
   * object when the resource has fewer than 3 others (`peerScope`). 0 when there are none.
   */
  peerMedian: number;
  peerScope: 'resource' | 'all';
  /** count / max(1, peerMedian). */
  factor: number;
  /** User agents behind the requests, most first. */
  userAgents: RateRow[];
  /** Verbs used, most first. */
  verbs: RateRow[];
  firstSeen?: number;
  lastSeen?: number;
  /** First few events, for evidence. */
  samples: AuditEvent[];
}

/** The whole picture. */
export interface AuditStats {
  requests: number;
  /** Window in epoch ms covered by the counted requests. */
  start?: number;
  end?: number;
  byUserAgent: RateRow[];
  byVerb: RateRow[];
  byResource: RateRow[];
  byObject: RateRow[];
  hotObjects: HotObject[];
}

/** Thresholds for hot objects. */
export interface HotOptions {
  /** An object needs at least this many requests to be hot. Default 30. */
  minCount: number;
  /** …and this many times its peers' median. Default 10. */
  factor: number;
  /** Rows kept per rate table. Default 20. */
  top: number;
}

/** Default thresholds: 30 requests, 10 × the peers' median, top 20 rows. */
export const DEFAULT_HOT: Readonly<HotOptions> = { minCount: 30, factor: 10, top: 20 };

interface ObjectCounter {
  resource: string;
  namespace?: string;
  name: string;
  count: number;
  reads: number;
  writes: number;
  agents: Map<string, number>;
  verbs: Map<string, number>;
  first?: number;
  last?: number;
  samples: AuditEvent[];
}

/** The user agent's product token: `kube-controller-manager/v1.21.1 (linux/amd64) …` → `kube-controller-manager/v1.21.1`. */
export function agentKey(ua: string | undefined): string {
  if (!ua) return 'unknown';
  const sp = ua.indexOf(' ');
  return sp === -1 ? ua : ua.slice(0, sp);
}

/** The request's stage, when the event carries one (see parsers/audit.ts AuditRecord). */
function stageOf(e: AuditEvent): string | undefined {
  const s = (e as AuditEvent & { stage?: unknown }).stage;
  return typeof s === 'string' ? s : undefined;
}

/**
 * Counts audit requests. Each request is counted once: events at stage `ResponseComplete` or
 * `Panic`, or without a stage; `RequestReceived`/`ResponseStarted` are counted only if a log
 * holds no final-stage events at all (a policy that omits them).
 */
export class AuditStatsCollector {
  private final = new Counts();
  private early = new Counts();

  /** Adds one audit event. */
  add(e: AuditEvent): void {
    const st = stageOf(e);
    if (st === 'RequestReceived' || st === 'ResponseStarted') this.early.add(e);
    else this.final.add(e);
  }

  /** Rates and hot objects for everything added so far. */
  stats(opts: Partial<HotOptions> = {}): AuditStats {
    const o = { ...DEFAULT_HOT, ...opts };
    const c = this.final.requests > 0 ? this.final : this.early;
    return c.stats(o);
  }
}

class Counts {
  requests = 0;
  start?: number;
  end?: number;
  agents = new Map<string, number>();
  verbs = new Map<string, number>();
  resources = new Map<string, number>();
  objects = new Map<string, ObjectCounter>();

  add(e: AuditEvent): void {
    this.requests++;
    if (e.time !== undefined) {
      if (this.start === undefined || e.time < this.start) this.start = e.time;
      if (this.end === undefined || e.time > this.end) this.end = e.time;
    }
    const agent = agentKey(e.userAgent);
    bump(this.agents, agent);
    bump(this.verbs, e.verb);
    if (!e.resource) return;
    const res = (e.apiGroup ? `${e.apiGroup}/` : '') + e.resource + (e.subresource ? `/${e.subresource}` : '');
    bump(this.resources, res);
    if (!e.name) return;
    const key = `${res}\u0000${e.namespace ?? ''}\u0000${e.name}`;
    let oc = this.objects.get(key);
    if (!oc) {
      oc = { resource: res, name: e.name, count: 0, reads: 0, writes: 0, agents: new Map(), verbs: new Map(), samples: [] };
      if (e.namespace) oc.namespace = e.namespace;
      this.objects.set(key, oc);
    }
    oc.count++;
    if (READ_VERBS.has(e.verb)) oc.reads++;
    else if (WRITE_VERBS.has(e.verb)) oc.writes++;
    bump(oc.agents, agent);
    bump(oc.verbs, e.verb);
    if (e.time !== undefined) {
      if (oc.first === undefined || e.time < oc.first) oc.first = e.time;
      if (oc.last === undefined || e.time > oc.last) oc.last = e.time;
    }
    if (oc.samples.length < 5) oc.samples.push(e);
  }

  stats(o: HotOptions): AuditStats {
    const minutes = this.start !== undefined && this.end !== undefined ? Math.max(1, (this.end - this.start) / 60_000) : 1;
    const rows = (m: Map<string, number>) => table(m, minutes, o.top);
    const objectCounts = new Map<string, number>();
    const peers = new Map<string, number[]>();
    for (const oc of this.objects.values()) {
      objectCounts.set(`${oc.resource} ${oc.namespace ? `${oc.namespace}/` : ''}${oc.name}`, oc.count);
      const list = peers.get(oc.resource) ?? [];
      list.push(oc.count);
      peers.set(oc.resource, list);
    }
    for (const list of peers.values()) list.sort((a, b) => a - b);
    const all = [...objectCounts.values()].sort((a, b) => a - b);
    const hot: HotObject[] = [];
    for (const oc of this.objects.values()) {
      if (oc.count < o.minCount) continue;
      const own = peers.get(oc.resource)!;
      const peerScope = own.length >= 4 ? 'resource' : 'all';
      const peerMedian = medianWithout(peerScope === 'resource' ? own : all, oc.count);
      const factor = oc.count / Math.max(1, peerMedian);
      if (factor < o.factor) continue;
      const span = oc.first !== undefined && oc.last !== undefined ? Math.max(1, (oc.last - oc.first) / 60_000) : minutes;
      const h: HotObject = {
        resource: oc.resource,
        name: oc.name,
        count: oc.count,
        reads: oc.reads,
        writes: oc.writes,
        perMinute: round(oc.count / span),
        peerMedian,
        peerScope,
        factor: round(factor),
        userAgents: table(oc.agents, span, 5),
        verbs: table(oc.verbs, span, 10),
        samples: oc.samples,
      };
      if (oc.namespace) h.namespace = oc.namespace;
      if (oc.first !== undefined) h.firstSeen = oc.first;
      if (oc.last !== undefined) h.lastSeen = oc.last;
      hot.push(h);
    }
    hot.sort((a, b) => b.count - a.count || compareText(a.name, b.name));
    const out: AuditStats = {
      requests: this.requests,
      byUserAgent: rows(this.agents),
      byVerb: rows(this.verbs),
      byResource: rows(this.resources),
      byObject: rows(objectCounts),
      hotObjects: hot,
    };
    if (this.start !== undefined) out.start = this.start;
    if (this.end !== undefined) out.end = this.end;
    return out;
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function table(m: Map<string, number>, minutes: number, top: number): RateRow[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, top)
    .map(([key, count]) => ({ key, count, perMinute: round(count / minutes) }));
}

/** Median of a sorted list with one occurrence of `self` removed (0 when nothing is left). */
function medianWithout(sorted: number[], self: number): number {
  const i = sorted.indexOf(self);
  const rest = i === -1 ? sorted : [...sorted.slice(0, i), ...sorted.slice(i + 1)];
  if (rest.length === 0) return 0;
  const mid = rest.length >> 1;
  return rest.length % 2 ? rest[mid]! : (rest[mid - 1]! + rest[mid]!) / 2;
}
