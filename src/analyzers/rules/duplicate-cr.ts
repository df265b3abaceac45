// duplicate-cr: two or more live custom resources that stand for one logical thing (one dedup
// key). Objects come from resource dumps, tables and the live API (ObjectEvent); creations come
// from creator logs ("Created RemediationRequest CRD" with a fingerprint field). Both are merged
// by object name, grouped by dedup key, and judged by phase and by how far apart they were made.
import type { Event, FieldValue, KubeObject, LogEvent, ObjectEvent } from '../../core/event.js';
import { strField } from '../../core/event.js';
import { UserError } from '../../core/errors.js';
import { parseJsonPath, valueAt, type Segment } from '../../core/json-path.js';
import { compareText } from '../../core/order.js';
import type { Evidence, FindingDraft, Severity } from '../../core/finding.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import type * as SchemaKit from '../../core/schema.js';
import { defineRule } from '../rule.js';

/** One configured dedup key: which objects it applies to and where the key is read from. */
export interface DedupKeySpec {
  /** Kind the key applies to (case-insensitive); all kinds when omitted. */
  kind?: string;
  /** API group the key applies to (`kubernaut.ai`); any group when omitted. */
  group?: string;
  /** Path into the object: `spec.signalFingerprint`, `{.spec.x}`, `$.metadata.labels['a/b']`. */
  jsonPath?: string;
  /** Label whose value is the key. */
  label?: string;
  /** Field of a creator's "Created … CRD" log line that carries the key. */
  logField?: string;
  /** Keys are unique cluster-wide (fingerprints) rather than per namespace. Default: false. */
  clusterWide?: boolean;
}

/** Options of the duplicate-cr rule (`rules.duplicate-cr` in the config file). */
export interface DuplicateCrOptions {
  /** Replaces the default key (kubernaut.ai RemediationRequest `spec.signalFingerprint`). */
  dedupKeys: DedupKeySpec[];
  /** Creations of one key this close together (ms) are a race even without phases. Default 5000. */
  raceWindowMs: number;
  /** Creations this close (ms) with unknown phases are a suspected duplicate (warning). Default 60000. */
  suspectWindowMs: number;
}

/** The default key: kubernaut's RemediationRequest fingerprint. */
export const DEFAULT_DEDUP_KEYS: readonly DedupKeySpec[] = [
  { kind: 'RemediationRequest', group: 'kubernaut.ai', jsonPath: 'spec.signalFingerprint', logField: 'fingerprint', clusterWide: true },
];

/** Phases after which an object no longer stands for its key (case-insensitive). */
export const TERMINAL_PHASES: ReadonlySet<string> = new Set(['completed', 'failed', 'timedout', 'skipped', 'cancelled', 'canceled']);

/** Log fields that carry a fingerprint-like key in any creator's log. */
const KEY_FIELDS = ['fingerprint', 'signalFingerprint', 'signal_fingerprint', 'dedupKey', 'dedup_key', 'dedupkey', 'dedupFingerprint'];
/** Log fields that carry the created object's name. */
const NAME_FIELDS = ['name', 'crdName', 'crd_name', 'crName', 'cr_name', 'objectName', 'resourceName', 'rr', 'rrName'];
/** Log fields that identify the creating process. */
const CREATOR_FIELDS = ['pod', 'pod_name', 'podName', 'hostname', 'instance_id'];

/** A creation message: "Created RemediationRequest CRD", "created CR", "Created resource". */
const CREATED_RE = /\b[Cc]reated\b(?:\s+(?:new|a|the))?(?:\s+([A-Z][A-Za-z0-9]*))?(?:\s+(CRD|CR|custom resource|resource|object))?\b/;

/** kubernaut names RemediationRequests `rr-<first 12 hex of the fingerprint>-<8 hex>`. */
const RR_NAME_RE = /^rr-([0-9a-f]{12})-[0-9a-f]{8}$/;

/** Cap on remembered objects/creations; beyond it new ones are counted as dropped. */
const MAX_RECORDS = 200_000;
/** Evidence items per finding. */
const MAX_EVIDENCE = 20;

interface ResolvedSpec extends DedupKeySpec {
  path?: Segment[];
  /** A kubernaut.ai RemediationRequest key: the fingerprint prefix in the name counts too. */
  kubernaut: boolean;
}

/** What is known about one object (merged from dumps, watches and creation log lines). */
interface Rec {
  kind: string;
  group?: string;
  namespace?: string;
  name: string;
  key?: string;
  /** Key came from a field/path (strong) or only from the object's name (weak, kubernaut tables). */
  keyFromName?: boolean;
  spec?: ResolvedSpec;
  /** Creation time in epoch ms, when known absolutely. */
  created?: number;
  /** Age from a table row, when that is all that is known. */
  ageMs?: number;
  /** Creation time used for ordering: `created`, else "now" minus the age (relative when no "now"). */
  at?: number;
  atRelative?: boolean;
  phase?: string;
  /** The object was seen (dump, table, API), not only a creation log line. */
  seenObject: boolean;
  partial?: boolean;
  deleted?: boolean;
  completedAt?: number;
  creator?: string;
  logger?: string;
  objEvidence?: Evidence;
  logEvidence?: Evidence;
}

/** Validates `rules.duplicate-cr` options; throws a UserError naming the bad entry. */
export function parseDuplicateCrOptions(raw: Record<string, unknown>): DuplicateCrOptions {
  const out: DuplicateCrOptions = { dedupKeys: DEFAULT_DEDUP_KEYS.map((k) => ({ ...k })), raceWindowMs: 5000, suspectWindowMs: 60_000 };
  const bad = (what: string) =>
    new UserError(
      `invalid duplicate-cr option: ${what}`,
      'dedupKeys is a list of { kind?, group?, jsonPath?, label?, logField?, clusterWide? } with at least one of jsonPath, label or logField; raceWindowMs and suspectWindowMs are non-negative numbers of milliseconds.',
    );
  for (const k of Object.keys(raw)) {
    if (!['dedupKeys', 'raceWindowMs', 'suspectWindowMs', 'vocabulary'].includes(k)) throw bad(`unknown key "${k}"`);
  }
  for (const k of ['raceWindowMs', 'suspectWindowMs'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`${k} must be a non-negative number, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  if (raw.dedupKeys !== undefined) {
    if (!Array.isArray(raw.dedupKeys) || raw.dedupKeys.length === 0) throw bad('dedupKeys must be a non-empty list');
    out.dedupKeys = raw.dedupKeys.map((e, i) => {
      if (e === null || typeof e !== 'object' || Array.isArray(e)) throw bad(`dedupKeys[${i}] must be an object`);
      const spec: DedupKeySpec = {};
      for (const [k, v] of Object.entries(e as Record<string, unknown>)) {
        if (k === 'clusterWide') {
          if (typeof v !== 'boolean') throw bad(`dedupKeys[${i}].clusterWide must be true or false`);
          spec.clusterWide = v;
        } else if (k === 'kind' || k === 'group' || k === 'jsonPath' || k === 'label' || k === 'logField') {
          if (typeof v !== 'string' || v.trim() === '') throw bad(`dedupKeys[${i}].${k} must be a non-empty string`);
          spec[k] = v.trim();
        } else {
          throw bad(`dedupKeys[${i}] has unknown key "${k}"`);
        }
      }
      if (!spec.jsonPath && !spec.label && !spec.logField) throw bad(`dedupKeys[${i}] needs jsonPath, label or logField`);
      if (spec.jsonPath) {
        try {
          parseJsonPath(spec.jsonPath);
        } catch (err) {
          throw bad(`dedupKeys[${i}].jsonPath: ${(err as Error).message}`);
        }
      }
      return spec;
    });
  }
  if (out.suspectWindowMs < out.raceWindowMs) out.suspectWindowMs = out.raceWindowMs;
  return out;
}

function groupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string' || apiVersion === '') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Human duration: `14 ms`, `2.5 s`, `4 min`, `3 h 1 min`. */
export function humanMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m ? `${h} h ${m} min` : `${h} h`;
}

class DuplicateCr implements Analyzer {
  private readonly opts: DuplicateCrOptions;
  private readonly specs: ResolvedSpec[];
  private readonly recs = new Map<string, Rec>();
  private dropped = 0;
  /** Latest log time seen: the fallback "now" for table ages. */
  private latest?: number;

  constructor(private readonly ctx: AnalyzerContext) {
    this.opts = parseDuplicateCrOptions(ctx.options);
    // kubernaut's conventions (fingerprint prefix in the name) apply to any key for its RemediationRequests.
    const kubernautRR = (s: DedupKeySpec) => s.kind?.toLowerCase() === 'remediationrequest' && (s.group === undefined || s.group === 'kubernaut.ai');
    this.specs = this.opts.dedupKeys.map((s) => ({ ...s, path: s.jsonPath ? parseJsonPath(s.jsonPath) : undefined, kubernaut: kubernautRR(s) }));
  }

  onEvent(e: Event): void {
    if (e.kind === 'object') this.onObject(e);
    else if (e.kind === 'log') this.onLog(e);
  }

  private specFor(kind: string | undefined, group: string | undefined): ResolvedSpec | undefined {
    const k = kind?.toLowerCase();
    return this.specs.find(
      (s) => (!s.kind || s.kind.toLowerCase() === k) && (!s.group || group === undefined || s.group === group) && (s.jsonPath || s.label || s.kubernaut),
    );
  }

  private onObject(e: ObjectEvent): void {
    const o: KubeObject = e.object;
    const name = o.metadata?.name;
    if (typeof name !== 'string' || name === '') return;
    const kind = typeof o.kind === 'string' ? o.kind : undefined;
    const group = groupOf(o.apiVersion);
    const spec = this.specFor(kind, group);
    if (!spec) return;
    let key: string | undefined;
    let keyFromName = false;
    if (spec.path) {
      const v = valueAt(o, spec.path);
      if (typeof v === 'string' && v !== '') key = v;
      else if (typeof v === 'number') key = String(v);
    }
    if (key === undefined && spec.label) key = o.metadata?.labels?.[spec.label] || undefined;
    if (key === undefined && spec.kubernaut) {
      const m = RR_NAME_RE.exec(name);
      if (m) {
        key = m[1];
        keyFromName = true;
      }
    }
    const namespace = o.metadata?.namespace || undefined;
    const rec = this.rec(kind ?? spec.kind ?? 'Object', name, namespace);
    if (!rec) return;
    rec.seenObject = true;
    rec.spec = spec;
    if (group !== undefined) rec.group = group;
    if (kind) rec.kind = kind;
    if (namespace) rec.namespace = namespace;
    if (key !== undefined && (rec.key === undefined || rec.keyFromName || !keyFromName)) {
      rec.key = key;
      rec.keyFromName = keyFromName;
    }
    if (e.change === 'deleted' || o.metadata?.deletionTimestamp) rec.deleted = true;
    rec.partial = e.partial;
    const status = (o.status ?? {}) as Record<string, unknown>;
    const table = (o as { table?: Record<string, unknown> }).table;
    const phase = status.overallPhase ?? status.phase;
    if (typeof phase === 'string' && phase !== '') rec.phase = phase;
    const created = parseTime(o.metadata?.creationTimestamp);
    if (created !== undefined) {
      rec.created = finerTime(created, rec.created);
      rec.ageMs = undefined;
    } else if (rec.created === undefined && typeof table?.ageSeconds === 'number') {
      // Only an age: resolved against "now" (the bundle's capture time, else the latest log time) when judged.
      rec.ageMs = table.ageSeconds * 1000;
    }
    rec.completedAt = parseTime(status.completedAt ?? status.completionTime ?? status.completedTime) ?? rec.completedAt;
    const ref = `${group ? `${group}/` : ''}${rec.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const when = rec.created !== undefined ? ` created ${iso(rec.created)}` : typeof table?.AGE === 'string' ? ` age ${table.AGE}` : '';
    const text = `${ref}${when} phase ${rec.phase ?? '(none)'}${e.partial ? ' (from a table row)' : ''}${rec.deleted ? ' (deleted)' : ''}`;
    rec.objEvidence = { source: e.line !== undefined ? `${e.source}:${e.line}` : ref, time: iso(rec.created), text };
  }

  private onLog(e: LogEvent): void {
    const m = CREATED_RE.exec(e.message);
    if (!m) return;
    const f = e.fields;
    // Which kind the message names ("Created RemediationRequest CRD"), else the field `kind`.
    let kind = m[1] && m[1] !== 'CRD' && m[1] !== 'CR' ? m[1] : strField(f, 'kind');
    if (!m[2] && !kind) return;
    let key: string | undefined;
    let spec: ResolvedSpec | undefined;
    for (const s of this.specs) {
      if (!s.logField) continue;
      if (s.kind && kind && s.kind.toLowerCase() !== kind.toLowerCase()) continue;
      const v = strField(f, s.logField);
      if (v) {
        key = v;
        spec = s;
        break;
      }
    }
    if (key === undefined) {
      for (const k of KEY_FIELDS) {
        const v = strField(f, k);
        if (v) {
          key = v;
          break;
        }
      }
      if (key === undefined) return;
      spec = this.specFor(kind, undefined);
    }
    kind ??= spec?.kind ?? 'Object';
    const name = pickString(f, NAME_FIELDS) ?? `${e.source}:${e.line}`;
    const namespace = strField(f, 'namespace') || undefined;
    const rec = this.rec(kind, name, namespace);
    if (!rec) return;
    rec.spec ??= spec ?? { logField: 'fingerprint', kubernaut: false, clusterWide: true };
    if (namespace) rec.namespace = namespace;
    if (rec.key === undefined || rec.keyFromName) {
      rec.key = key;
      rec.keyFromName = false;
    }
    if (e.time !== undefined) {
      if (this.latest === undefined || e.time > this.latest) this.latest = e.time;
      if (rec.created === undefined || rec.ageMs !== undefined) {
        rec.created = e.time;
        rec.ageMs = undefined;
      } else rec.created = finerTime(rec.created, e.time);
    }
    rec.creator = pickString(f, CREATOR_FIELDS) ?? e.origin ?? e.logger ?? e.source;
    rec.logger = e.logger ?? rec.logger;
    rec.logEvidence = { source: `${e.source}:${e.line}`, time: iso(e.time), text: e.raw };
  }

  private rec(kind: string, name: string, namespace: string | undefined): Rec | undefined {
    const base = `${kind.toLowerCase()}|${name}`;
    let r = this.recs.get(base);
    if (r && namespace && r.namespace && r.namespace !== namespace) {
      const k = `${base}|${namespace}`;
      r = this.recs.get(k);
      if (!r) return this.add(k, kind, name, namespace);
    }
    return r ?? this.add(base, kind, name, namespace);
  }

  private add(k: string, kind: string, name: string, namespace: string | undefined): Rec | undefined {
    if (this.recs.size >= MAX_RECORDS) {
      this.dropped++;
      return undefined;
    }
    const r: Rec = { kind, name, namespace, seenObject: false };
    this.recs.set(k, r);
    return r;
  }

  /** Objects of the dedup keys' kinds are read whole; a key without a kind reads every object. */
  objectKinds(): readonly string[] | 'all' {
    if (this.specs.some((s) => !s.kind)) return 'all';
    return this.specs.map((s) => s.kind!.toLowerCase());
  }

  flush(): FindingDraft[] {
    const groups = new Map<string, Rec[]>();
    for (const r of this.recs.values()) {
      if (r.key === undefined) continue;
      const clusterWide = r.spec?.clusterWide ?? false;
      // Default RR keys group on the 12 hex characters kubernaut puts in the name, so a table
      // (name-derived key) and a creator log (full fingerprint) meet.
      const norm = r.spec?.kubernaut && /^[0-9a-f]{12,}$/.test(r.key) ? r.key.slice(0, 12) : r.key;
      const g = `${r.kind.toLowerCase()}|${clusterWide ? '*' : (r.namespace ?? '')}|${norm}`;
      const list = groups.get(g);
      if (list) list.push(r);
      else groups.set(g, [r]);
    }
    const out: FindingDraft[] = [];
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const f = this.judge(list);
      if (f) out.push(f);
    }
    return out;
  }

  private judge(list: Rec[]): FindingDraft | undefined {
    const now = this.ctx.now ?? this.latest;
    for (const r of list) {
      r.at = r.created ?? (r.ageMs !== undefined ? (now ?? 0) - r.ageMs : undefined);
      r.atRelative = r.created === undefined && now === undefined;
    }
    list.sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity) || compareText(a.name, b.name));
    const state = (r: Rec): 'deleted' | 'terminal' | 'live' | 'unknown' => {
      if (r.deleted) return 'deleted';
      if (r.phase !== undefined) return TERMINAL_PHASES.has(r.phase.toLowerCase()) ? 'terminal' : 'live';
      // An object that exists without a phase has not been processed yet: live. A creation log
      // line alone says nothing about the phase.
      return r.seenObject ? 'live' : 'unknown';
    };
    const states = list.map(state);
    const live = states.filter((s) => s === 'live').length;
    const unknown = states.filter((s) => s === 'unknown').length;
    const terminal = states.filter((s) => s === 'terminal').length;
    const candidates = list.filter((_, i) => states[i] === 'live' || states[i] === 'unknown');
    const timed = (rs: Rec[]) => rs.filter((r) => r.at !== undefined);
    const minGap = (rs: Rec[]) => {
      const t = timed(rs);
      let g = Infinity;
      for (let i = 1; i < t.length; i++) g = Math.min(g, t[i]!.at! - t[i - 1]!.at!);
      return g;
    };
    const candGap = minGap(candidates);
    // Objects that were live together in the past: a later one created before an earlier one completed.
    let overlap = false;
    for (let i = 0; i < list.length && !overlap; i++) {
      const a = list[i]!;
      if (a.completedAt === undefined) continue;
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j]!;
        if (b.at !== undefined && !b.atRelative && b.at < a.completedAt) {
          overlap = true;
          break;
        }
      }
    }
    // Objects created while an older one of the same key was (and still is) live.
    const liveRecs = list.filter((_, i) => states[i] === 'live');
    const afterLive = (r: Rec) =>
      liveRecs.some((l) => l !== r && l.at !== undefined && r.at !== undefined && l.atRelative === r.atRelative && l.at <= r.at);
    const unknownAfterLive = list.filter((r, i) => states[i] === 'unknown' && afterLive(r));
    const endedAfterLive = list.filter((r, i) => (states[i] === 'terminal' || states[i] === 'deleted') && afterLive(r));
    let severity: Severity;
    let verdict: string;
    if (live >= 2) {
      severity = 'critical';
      verdict = `${live} of them are live (non-terminal) at the same time`;
    } else if (candidates.length >= 2 && candGap <= this.opts.raceWindowMs) {
      severity = 'critical';
      verdict = `${candidates.length} were created within ${humanMs(candGap)} of each other, too close for the first to have finished`;
    } else if (unknownAfterLive.length) {
      severity = 'critical';
      verdict = `${unknownAfterLive.map((r) => r.name).join(', ')} ${unknownAfterLive.length > 1 ? 'were' : 'was'} created while ${liveRecs[0]!.name} (phase ${liveRecs[0]!.phase ?? 'none yet'}) was live`;
    } else if (candidates.length >= 2 && candGap <= this.opts.suspectWindowMs) {
      severity = 'warning';
      verdict = `${candidates.length} were created ${humanMs(candGap)} apart and their phases are unknown (give a resource dump to confirm)`;
    } else if (candidates.length >= 2 && candGap === Infinity) {
      severity = 'warning';
      verdict = `${candidates.length} may be live at once: neither their phases nor their creation times are known (give a resource dump to confirm)`;
    } else if (overlap) {
      severity = 'warning';
      verdict = 'a later one was created before an earlier one had completed, so they were live together (all are terminal now)';
    } else if (endedAfterLive.length) {
      severity = 'warning';
      verdict = `${endedAfterLive.map((r) => r.name).join(', ')} ${endedAfterLive.length > 1 ? 'were' : 'was'} created while ${liveRecs[0]!.name} was already live (and ${endedAfterLive.length > 1 ? 'have' : 'has'} ended since)`;
    } else {
      severity = 'info';
      const phases = countPhases(list.filter((_, i) => states[i] === 'terminal'));
      verdict =
        live + unknown <= 1
          ? `${live ? (states[states.length - 1] === 'live' ? 'only the newest is live; ' : 'one is live; ') : 'none is live; '}the others reached a terminal phase (${phases}), so this is re-creation after a terminal phase, not a race`
          : `they were created ${humanMs(candGap)} or more apart and their phases are unknown`;
    }
    const dup =
      severity === 'info' ? list : live < 2 && (unknownAfterLive.length || endedAfterLive.length) && !(candidates.length >= 2 && candGap <= this.opts.raceWindowMs)
        ? list.filter((r) => liveRecs.includes(r) || unknownAfterLive.includes(r) || endedAfterLive.includes(r))
        : candidates.length >= 2
          ? candidates
          : list;
    const t = timed(dup);
    const spreadMs = t.length >= 2 ? t[t.length - 1]!.at! - t[0]!.at! : 0;
    const creators = [...new Set(dup.map((r) => r.creator).filter((c): c is string => !!c))];
    const loggers = [...new Set(list.map((r) => r.logger).filter((c): c is string => !!c))];
    const kind = list[0]!.kind;
    const key = list.reduce((best, r) => (r.key && !r.keyFromName && r.key.length > best.length ? r.key : best), list[0]!.key ?? '');
    const namespace = list.find((r) => r.namespace)?.namespace ?? null;
    // The same second, or milliseconds apart from different pods: a check-then-create race.
    const race =
      severity === 'critical' && t.length >= 2 && (spreadMs < 1000 || creators.length > 1)
        ? ` Created ${humanMs(spreadMs)} apart${creators.length > 1 ? ` by ${creators.length} different creators (${creators.join(', ')})` : ' by one creator'}: a check-then-create race on a stale cache.`
        : creators.length
          ? ` Created by ${creators.join(', ')}.`
          : '';
    const evidence: Evidence[] = [];
    for (const r of list) {
      if (evidence.length >= MAX_EVIDENCE) break;
      if (r.objEvidence) evidence.push(r.objEvidence);
      if (r.logEvidence && evidence.length < MAX_EVIDENCE) evidence.push(r.logEvidence);
    }
    const metrics: FindingDraft['metrics'] = {
      objects: list.length,
      live,
      terminal,
      unknownPhase: unknown,
      spreadMs,
      creators: creators.length,
    };
    if (Number.isFinite(candGap)) metrics.minGapMs = candGap;
    if (this.dropped) metrics.droppedRecords = this.dropped;
    const absolute = timed(list).filter((r) => !r.atRelative);
    const names = dup.map((r) => r.name);
    const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? `, … (${names.length - 6} more)` : '');
    return {
      rule: 'duplicate-cr',
      severity,
      title:
        severity !== 'info'
          ? `${dup.length} ${kind} objects share the dedup key ${short(key)}`
          : live + unknown <= 1
            ? `${kind} key ${short(key)} was re-created ${list.length - 1} time(s) after terminal phases`
            : `${kind} key ${short(key)} was created ${list.length} times, far apart`,
      subject: { kind, namespace, name: key, controller: loggers[0] ?? null },
      summary: `${list.length} ${kind} objects carry the dedup key ${key} (${shown}); ${verdict}.${severity === 'info' ? '' : race}${spreadMs && severity !== 'info' ? ` Creation spread: ${humanMs(spreadMs)}.` : ''}`,
      metrics,
      evidence,
      firstSeen: iso(absolute[0]?.at),
      lastSeen: iso(absolute[absolute.length - 1]?.at),
    };
  }
}

function countPhases(rs: Rec[]): string {
  const n = new Map<string, number>();
  for (const r of rs) n.set(r.phase!, (n.get(r.phase!) ?? 0) + 1);
  return [...n].map(([p, c]) => `${p} ×${c}`).join(', ');
}

function short(key: string): string {
  return key.length > 16 ? `${key.slice(0, 12)}…` : key;
}

function pickString(f: Record<string, FieldValue>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = strField(f, n);
    if (v) return v;
  }
  return undefined;
}

declare module '../rule.js' {
  interface RuleIds {
    'duplicate-cr': true;
  }
}

/** How `rules.duplicate-cr.dedupKeys` entries are written: which objects, and where their key is read from. */
export function dedupKeySchema({ z, text, jsonPath }: typeof SchemaKit) {
  return z
    .strictObject({
      /** Kind the key applies to (case-insensitive); all kinds when omitted. */
      kind: text('a kind such as RemediationRequest').optional(),
      /** API group, e.g. kubernaut.ai; any group when omitted. */
      group: text('an API group such as kubernaut.ai').optional(),
      /** Path into the object whose value is the key: spec.signalFingerprint, {.spec.x}, $.metadata.labels['a/b']. */
      jsonPath: jsonPath('a JSONPath such as spec.signalFingerprint').optional(),
      /** Label whose value is the key. */
      label: text('a label name').optional(),
      /** Field of the creator's "Created … CRD" log line that carries the key. */
      logField: text('a log field name').optional(),
      /** Keys are unique cluster-wide rather than per namespace (default false). */
      clusterWide: z.boolean({ error: 'expected true or false' }).optional(),
    })
    .refine((k) => k.jsonPath !== undefined || k.label !== undefined || k.logField !== undefined, {
      error: 'expected at least one of jsonPath, label, logField',
    });
}

/** The duplicate-cr rule: consumes objects and creator log lines. */
export const duplicateCr = defineRule({
  rule: 'duplicate-cr',
  order: 20,
  text: {
    title: 'Several live custom resources share one dedup key',
    meaning:
      'two or more live custom resources stand for the same logical thing (same fingerprint/dedup key) — typically a check-then-create race against a stale cache; legitimate re-creation after the earlier one reached a terminal phase is not a duplicate',
    explanation: [
      'A creator that first looks in its informer cache ("is there already a RemediationRequest for this fingerprint?") and then creates one races with itself: the cache lags the API server, so concurrent signals — or replicas of the creator — all see "none" and all create. Every duplicate is then processed in full: double remediations, double notifications.',
      'ctrlscope reads objects from resource dumps (YAML/JSON, single objects and Lists), `kubectl get -o wide` tables (best effort: name, phase, age) and the live API, and creations from creator logs ("Created RemediationRequest CRD" lines with a fingerprint field, name and pod). Log records and objects are merged by name and grouped by a dedup key: by default spec.signalFingerprint of kubernaut.ai RemediationRequests (kubernaut puts the first 12 hex characters of it in the name, rr-<12 hex>-<8 hex>, which is used when only a table is given).',
      'For each key with two or more objects it reports how many are live (phase not terminal), how far apart they were created and by which pods or loggers. Created in the same second, or milliseconds apart from different pods, is the signature of a check-then-create race on a stale cache.',
      'The key is configurable for any kind in the config file under rules.duplicate-cr: dedupKeys: [{ kind, group, jsonPath | label | logField, clusterWide }] (jsonPath like spec.signalFingerprint, {.spec.x} or metadata.labels[\'a/b\']), plus raceWindowMs (default 5000) and suspectWindowMs (default 60000).',
    ],
    severity: [
      'critical: two or more objects with one key are live (their phase is not terminal, or they have no phase yet); or a creation whose phase is unknown (a creation log line only) happened while an older object of the key was live; or two creations with unknown phases lie within raceWindowMs (5 s) of each other.',
      'warning: creations with unknown phases lie within suspectWindowMs (60 s) of each other, or have no times at all; or an object was created while an older one was live and has ended since; or a later object was created before an earlier one completed (status.completedAt), so they were live together even though all are terminal now.',
      'info: a key was created again only after the earlier objects reached a terminal phase (Completed, Failed, TimedOut, Skipped, Cancelled), or creations with unknown phases lie far apart.',
    ],
    notFlagged: [
      'a new object created after the earlier one reached a terminal phase (reported as info at most)',
      'one object whose dedup counter (status.deduplication.occurrenceCount) grows: that is deduplication working',
    ],
    remediation: {
      summary: 'Make creation idempotent: read through an uncached client, use a deterministic name, or serialise creators with a Lease; then delete the extras.',
      steps: [
        'Do the existence check through the uncached API reader (controller-runtime mgr.GetAPIReader(), a client.Reader that bypasses the informer cache) instead of the cached client, listing by the dedup key (a field index or a label carrying the fingerprint).',
        'Or create with a deterministic name derived from the key (e.g. rr-<fingerprint[:12]>-<hash of the key and the occurrence window>) and treat apierrors.IsAlreadyExists(err) as success: fetch the existing object and update its occurrence count instead of failing.',
        'Or serialise creators per key with a coordination.k8s.io/v1 Lease (client-go leaderelection/resourcelock.LeaseLock) held around check-and-create when several replicas receive the same signal.',
        'Delete the extra live objects, keeping the oldest: kubectl delete <kind> <name> -n <namespace> for each later one listed in the evidence.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/manager#Manager',
        'https://pkg.go.dev/k8s.io/apimachinery/pkg/api/errors#IsAlreadyExists',
        'https://pkg.go.dev/k8s.io/client-go/tools/leaderelection/resourcelock#LeaseLock',
        'https://github.com/kubernetes-sigs/controller-runtime/blob/main/FAQ.md',
      ],
    },
  },
  options: (kit) => ({
    /** Replaces the built-in key (kubernaut.ai RemediationRequest spec.signalFingerprint). */
    dedupKeys: kit.z.array(dedupKeySchema(kit), { error: 'expected a list of dedup keys' }).min(1, { error: 'expected at least one dedup key' }).optional(),
    /** Creations of one key this close together are a race even without phases (default 5000). */
    raceWindowMs: kit.nonNegative().optional(),
    /** Creations this close with unknown phases are a suspected duplicate (default 60000). */
    suspectWindowMs: kit.nonNegative().optional(),
  }),
  consumes: ['object', 'log'],
  vocabulary: {
    // Only creation messages matter; CREATED_RE needs the word "Created"/"created".
    creations: { about: 'creation records of a creator', words: ['reated'] },
  },
  live: {
    series: ['live', 'objects'],
    seriesLabel: 'live duplicates',
    watch: [{ group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests', kind: 'RemediationRequest', namespaced: true, selectable: true }],
    customResources: true,
  },
  create: (ctx) => new DuplicateCr(ctx),
});
export default duplicateCr;

/**
 * The more precise of two readings of one creation time: creationTimestamp has whole seconds,
 * the creator's log line has milliseconds; the log's time wins when it falls in that second.
 */
function finerTime(a: number, b: number | undefined): number {
  if (b === undefined || b === a) return a;
  if (a % 1000 === 0 && b > a && b < a + 1000) return b;
  if (b % 1000 === 0 && a > b && a < b + 1000) return a;
  return a;
}
