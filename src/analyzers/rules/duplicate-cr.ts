// duplicate-cr: two or more live custom resources that stand for one logical thing (one dedup
// key). Objects come from resource dumps, tables and the live API (ObjectEvent); creations come
// from creator logs ("Created RemediationRequest CRD" with a fingerprint field). Both are merged
// by object name, grouped by dedup key, and judged by phase and by how far apart they were made.
import { duplicateCrRemediation } from '../remediation.js';
import type { Event, FieldValue, KubeObject, LogEvent, ObjectEvent } from '../../core/event.js';
import { strField } from '../../core/event.js';
import { UserError } from '../../core/errors.js';
import { parseJsonPath, valueAt, type Segment } from '../../core/json-path.js';
import { compareText } from '../../core/order.js';
import type { Evidence, FindingDraft, Severity } from '../../core/finding.js';
import type { Analyzer, AnalyzerContext } from '../types.js';
import { vocabularyOption, wordsRe, type Vocabulary } from '../rule.js';
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
  /** Annotation whose value is (part of) the key. */
  annotation?: string;
  /** The controlling owner (ownerReferences, controller: true) is part of the key; objects without one have none. */
  owner?: boolean;
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

/**
 * Built-in keys of operators whose objects stand for one logical thing per owner and slot. A
 * user's dedupKeys come first; these apply to kinds the user's keys do not cover.
 */
export const BUILTIN_DEDUP_KEYS: readonly DedupKeySpec[] = [
  // cert-manager: one CertificateRequest per Certificate revision.
  { kind: 'CertificateRequest', group: 'cert-manager.io', owner: true, annotation: 'cert-manager.io/certificate-revision' },
  // Tekton: one TaskRun per PipelineRun task.
  { kind: 'TaskRun', group: 'tekton.dev', owner: true, label: 'tekton.dev/pipelineTask' },
  // Kubernetes CronJob: one Job per scheduled time (annotation since Kubernetes 1.32).
  { kind: 'Job', group: 'batch', owner: true, annotation: 'batch.kubernetes.io/cronjob-scheduled-timestamp' },
  // Argo Workflows: one Workflow per CronWorkflow scheduled time.
  { kind: 'Workflow', group: 'argoproj.io', owner: true, annotation: 'workflows.argoproj.io/scheduled-time' },
  // Cluster API: one MachineSet per MachineDeployment template.
  { kind: 'MachineSet', group: 'cluster.x-k8s.io', owner: true, label: 'machine-template-hash' },
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

/**
 * The words this rule matches, as data (`rules.duplicate-cr.vocabulary` in the config adds words
 * to each list). The prefilter keeps every line holding one of them.
 */
export const VOCABULARY = {
  creations: {
    about: 'creation records of a creator: Created, Creating, Launched, Submitted, SuccessfulCreate',
    words: ['created', 'creating', 'launched', 'submitted', 'successfulcreate'],
  },
  selfReports: {
    about:
      'a controller saying itself that one thing exists twice: "Multiple matching … exist", "multiple … were found", "found 2 …, expected 1", "more than one … found"',
    words: ['multiple', 'more than one', 'expected 1', 'expected one', 'expected only one', 'expected exactly one', 'expected a single'],
  },
} satisfies Vocabulary;

/** "Multiple matching X exist", "multiple Xs were found", "more than one X found/exists/matches". */
const SELF_MULTIPLE_RE =
  /\b(?:multiple|more than one)\b(.{0,80}?)\b(?:exist(?:s|ed)?|(?:were |was |are |is )?found|match(?:es|ed)?|can'?t pick|cannot pick|cannot choose|ambiguous)\b/i;
/** "found 2 Xs, expected 1", "got 3 X (expected exactly one)". */
const SELF_COUNT_RE = /\b(?:found|got|have|has|there are)\s+(\d+|two|three|several|multiple)\b(.{0,80}?)\bexpected\s+(?:1|one|only one|exactly one|a single)\b/i;
/** A kind in a self-report: the first CamelCase word, or a plural noun before "were found". */
const KIND_IN_RE = /\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z][a-z]{3,})s?\b/;

/**
 * A generated name's random or time suffix: `-x7k2p` (generateName's alphabet has no vowels and
 * no 0, 1, 3; a digit is required so words like `-https` are not taken for one), `-1602880200`,
 * `-20200514040743`.
 */
const GENERATED_SUFFIX_RE = /^(.+?)-(?:(?=[bcdfghjklmnpqrstvwxz2456789]{0,4}[2456789])[bcdfghjklmnpqrstvwxz2456789]{5}|\d{8,14})$/;

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

/** A controller's own statement that one thing exists more than once. */
interface SelfReport {
  kind: string;
  key: string;
  namespace?: string;
  controller?: string;
  lines: number;
  templates: Set<string>;
  first?: number;
  last?: number;
  evidence: Evidence[];
}

/** Creation records of one owner: when each object was created. */
interface OwnerCreations {
  kind: string;
  owner: string;
  namespace?: string;
  creators: Set<string>;
  made: { name: string; at: number; ev: Evidence }[];
}

/** Validates `rules.duplicate-cr` options; throws a UserError naming the bad entry. */
export function parseDuplicateCrOptions(raw: Record<string, unknown>): DuplicateCrOptions {
  const out: DuplicateCrOptions = { dedupKeys: DEFAULT_DEDUP_KEYS.map((k) => ({ ...k })), raceWindowMs: 5000, suspectWindowMs: 60_000 };
  const bad = (what: string) =>
    new UserError(
      `invalid duplicate-cr option: ${what}`,
      'dedupKeys is a list of { kind?, group?, jsonPath?, label?, annotation?, logField?, owner?, clusterWide? } with at least one of jsonPath, label, annotation or logField; raceWindowMs and suspectWindowMs are non-negative numbers of milliseconds.',
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
        } else if (k === 'owner') {
          if (typeof v !== 'boolean') throw bad(`dedupKeys[${i}].owner must be true or false`);
          spec.owner = v;
        } else if (k === 'kind' || k === 'group' || k === 'jsonPath' || k === 'label' || k === 'logField' || k === 'annotation') {
          if (typeof v !== 'string' || v.trim() === '') throw bad(`dedupKeys[${i}].${k} must be a non-empty string`);
          spec[k] = v.trim();
        } else {
          throw bad(`dedupKeys[${i}] has unknown key "${k}"`);
        }
      }
      if (!spec.jsonPath && !spec.label && !spec.logField && !spec.annotation) throw bad(`dedupKeys[${i}] needs jsonPath, label, annotation or logField`);
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
  /** What controllers said themselves about duplicates, per kind and key. */
  private readonly selfReports = new Map<string, SelfReport>();
  /** Creations per owner (kind, namespace, owner name), from creation records without a dedup key. */
  private readonly ownerCreations = new Map<string, OwnerCreations>();
  private readonly creationRe: RegExp;
  private readonly selfWordRe: RegExp;

  constructor(private readonly ctx: AnalyzerContext) {
    this.opts = parseDuplicateCrOptions(ctx.options);
    // kubernaut's conventions (fingerprint prefix in the name) apply to any key for its RemediationRequests.
    const kubernautRR = (s: DedupKeySpec) => s.kind?.toLowerCase() === 'remediationrequest' && (s.group === undefined || s.group === 'kubernaut.ai');
    const covered = (b: DedupKeySpec) => this.opts.dedupKeys.some((u) => !u.kind || u.kind.toLowerCase() === b.kind!.toLowerCase());
    const keys = [...this.opts.dedupKeys, ...BUILTIN_DEDUP_KEYS.filter((b) => !covered(b))];
    this.specs = keys.map((s) => ({ ...s, path: s.jsonPath ? parseJsonPath(s.jsonPath) : undefined, kubernaut: kubernautRR(s) }));
    const extra = vocabularyOption(ctx.options) ?? {};
    this.creationRe = wordsRe(VOCABULARY.creations, extra['creations'], (alt) => `\\b${alt}\\b`);
    this.selfWordRe = wordsRe(VOCABULARY.selfReports, extra['selfReports']);
  }

  /** What this rule read (the report's coverage). */
  private readonly counts = { keyedObjects: 0, creationRecords: 0 };

  onEvent(e: Event): void {
    if (e.kind === 'object') this.onObject(e);
    else if (e.kind === 'log') this.onLog(e);
  }

  seen(): Record<string, number> {
    return { ...this.counts };
  }

  private specFor(kind: string | undefined, group: string | undefined): ResolvedSpec | undefined {
    const k = kind?.toLowerCase();
    return this.specs.find(
      (s) => (!s.kind || s.kind.toLowerCase() === k) && (!s.group || group === undefined || s.group === group) && (s.jsonPath || s.label || s.annotation || s.kubernaut),
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
    this.counts.keyedObjects++;
    let key: string | undefined;
    let keyFromName = false;
    if (spec.owner || spec.annotation) {
      // A composite key: every part the spec names must be there (a Job without the CronJob's
      // scheduled-time annotation was not made by a schedule and has no key).
      key = compositeKey(o, spec);
    } else {
      if (spec.path) {
        const v = valueAt(o, spec.path);
        if (typeof v === 'string' && v !== '') key = v;
        else if (typeof v === 'number') key = String(v);
      }
      if (key === undefined && spec.label) key = o.metadata?.labels?.[spec.label] || undefined;
    }
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
    // Objects keyed by owner (Jobs, TaskRuns, CertificateRequests) say they are done in conditions.
    const phase = status.overallPhase ?? status.phase ?? (spec.owner ? phaseOfConditions(status.conditions) : undefined);
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
    if (this.selfWordRe.test(e.message) || this.selfWordRe.test(errorText(e))) this.onSelfReport(e);
    const m = CREATED_RE.exec(e.message);
    if (!m) {
      if (this.creationRe.test(e.message)) this.onOwnerCreation(e);
      return;
    }
    const f = e.fields;
    // Which kind the message names ("Created RemediationRequest CRD"), else the field `kind`.
    let kind = m[1] && m[1] !== 'CRD' && m[1] !== 'CR' ? m[1] : strField(f, 'kind');
    if (!m[2] && !kind) {
      this.onOwnerCreation(e);
      return;
    }
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
      if (key === undefined) {
        this.onOwnerCreation(e);
        return;
      }
      spec = this.specFor(kind, undefined);
    }
    kind ??= spec?.kind ?? 'Object';
    this.counts.creationRecords++;
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

  /**
   * A controller saying itself that something exists twice: "Multiple matching CertificateRequest
   * resources exist" key=ns/name, "found 2 …, expected 1". Counted per kind and key.
   */
  private onSelfReport(e: LogEvent): void {
    const text = `${e.message} ${errorText(e)}`;
    const m = SELF_MULTIPLE_RE.exec(text) ?? SELF_COUNT_RE.exec(text);
    if (!m) return;
    const about = (m === null ? '' : m[m.length - 1]) ?? '';
    // The kind named in the statement, in the singular ("multiple CertificateRequests were found").
    const named = KIND_IN_RE.exec(about)?.[1] ?? KIND_IN_RE.exec(text.slice(m.index))?.[1];
    const kind = named?.replace(/([^s])s$/, '$1') ?? strField(e.fields, 'kind') ?? 'Object';
    const f = e.fields;
    const key =
      strField(f, 'key') ?? strField(f, 'knative.dev/key') ?? strField(f, 'request') ?? (strField(f, 'name') ? `${strField(f, 'namespace') ? `${strField(f, 'namespace')}/` : ''}${strField(f, 'name')}` : undefined) ?? quotedKey(text) ?? '(unnamed)';
    const k = `${kind.toLowerCase()}|${key}`;
    let r = this.selfReports.get(k);
    if (!r) {
      if (this.selfReports.size >= 10_000) return;
      r = { kind, key, namespace: key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : strField(f, 'namespace'), controller: e.logger, lines: 0, templates: new Set(), evidence: [] };
      this.selfReports.set(k, r);
    }
    r.lines++;
    if (r.templates.size < 8) r.templates.add(text.replace(/\d+/g, '#').slice(0, 200));
    if (e.time !== undefined) {
      r.first = Math.min(r.first ?? e.time, e.time);
      r.last = Math.max(r.last ?? e.time, e.time);
    }
    if (r.evidence.length < 5) r.evidence.push({ source: `${e.source}:${e.line}`, time: iso(e.time), text: e.raw });
  }

  /**
   * A creation record that names no dedup key: the created object and its owner, from fields or
   * the message ("Launched Job" jobName=a launchedJobName=a-x7k2p; "Created job a-1602880200").
   * The owner is a field whose value prefixes the created name, else the created name without
   * its generated suffix. Creations of one owner much closer together than its usual period are
   * one schedule started twice.
   */
  private onOwnerCreation(e: LogEvent): void {
    if (e.time === undefined) return;
    const f = e.fields;
    const msg = e.message;
    const m = /\b(?:created|creating|launched|submitted)\s+(?:new\s+|a\s+|the\s+)?([A-Za-z][A-Za-z0-9]*)?:?\s*"?([a-z0-9][a-z0-9.-]*[a-z0-9])?"?/i.exec(msg);
    let kind = strField(f, 'kind') ?? (m?.[1] && !/^(?:new|a|the|object|resource)$/i.test(m[1]) ? m[1] : undefined);
    // The created name: a *Name field that is not the owner, else the name after the verb.
    let created: string | undefined;
    for (const [k, v] of Object.entries(f)) {
      if (typeof v === 'string' && /(?:^|[a-z])(?:Name|name)$/.test(k) && /^(?:launched|created|new|child|object|resource)/i.test(k)) created = v;
    }
    created ??= m?.[2] && m[2].includes('-') ? m[2] : undefined;
    if (!created) return;
    let owner: string | undefined;
    for (const v of Object.values(f)) {
      if (typeof v === 'string' && v !== created && v.length >= 3 && created.startsWith(v) && /[-.]/.test(created.charAt(v.length))) {
        if (!owner || v.length > owner.length) owner = v;
      }
    }
    owner ??= GENERATED_SUFFIX_RE.exec(created)?.[1];
    if (!owner) return;
    kind = kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Object';
    const namespace = strField(f, 'namespace') || undefined;
    const k = `${kind.toLowerCase()}|${namespace ?? ''}|${owner}`;
    let o = this.ownerCreations.get(k);
    if (!o) {
      if (this.ownerCreations.size >= 10_000) return;
      o = { kind, owner, namespace, creators: new Set(), made: [] };
      this.ownerCreations.set(k, o);
    }
    if (o.made.some((x) => x.name === created)) return;
    if (o.made.length < 10_000) o.made.push({ name: created, at: e.time, ev: { source: `${e.source}:${e.line}`, time: iso(e.time), text: e.raw } });
    o.creators.add(pickString(f, CREATOR_FIELDS) ?? e.origin ?? e.source);
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
    for (const r of this.selfReports.values()) out.push(selfReportFinding(r));
    for (const o of this.ownerCreations.values()) {
      const f = this.ownerFinding(o);
      if (f) out.push(f);
    }
    return out;
  }

  /** Creations of one owner: pairs closer than raceWindowMs, against the owner's usual period. */
  private ownerFinding(o: OwnerCreations): FindingDraft | undefined {
    if (o.made.length < 2) return undefined;
    const made = [...o.made].sort((a, b) => a.at - b.at);
    const gaps = made.slice(1).map((x, i) => x.at - made[i]!.at);
    const close = gaps.map((g, i) => (g <= this.opts.raceWindowMs ? i : -1)).filter((i) => i >= 0);
    if (!close.length) return undefined;
    const long = gaps.filter((g) => g > this.opts.raceWindowMs);
    const period = long.length ? median(long) : undefined;
    const shortest = Math.min(...close.map((i) => gaps[i]!));
    // A schedule started twice: close pairs recur, and the owner's usual period is far longer.
    const cycles = close.length;
    const periodic = period !== undefined && period >= 10 * Math.max(shortest, 1);
    const severity: Severity = periodic ? 'warning' : 'info';
    const confidence = periodic && cycles >= 2 ? 'high' : periodic ? 'medium' : 'low';
    const signals = ['same-owner', 'created-together', ...(periodic ? ['usual-period'] : []), ...(cycles >= 2 ? ['recurring'] : [])];
    const pairs = close.map((i) => `${made[i]!.name} and ${made[i + 1]!.name} ${humanMs(gaps[i]!)} apart`);
    const evidence: Evidence[] = [];
    for (const i of close) {
      if (evidence.length >= MAX_EVIDENCE) break;
      evidence.push(made[i]!.ev, made[i + 1]!.ev);
    }
    return {
      rule: 'duplicate-cr',
      severity,
      title: `${o.kind} of ${o.owner} created twice ${cycles > 1 ? `${cycles} times` : 'at once'}`,
      subject: { kind: o.kind, namespace: o.namespace ?? null, name: o.owner, controller: null },
      summary:
        `${o.owner} had ${o.kind} objects created ${humanMs(shortest)} apart: ${pairs.slice(0, 4).join('; ')}${pairs.length > 4 ? `; … (${pairs.length - 4} more)` : ''}` +
        (period !== undefined ? `, while it usually creates one every ${humanMs(period)}` : '') +
        (periodic ? ': one schedule or event started twice, a check-then-create race.' : '. Two creations this close may be a race; a longer log or the objects would confirm it.'),
      metrics: { objects: made.length, closePairs: cycles, minGapMs: shortest, ...(period !== undefined ? { usualPeriodMs: Math.round(period) } : {}), creators: o.creators.size },
      evidence,
      firstSeen: iso(made[0]!.at),
      lastSeen: iso(made[made.length - 1]!.at),
      confidence,
      signals,
      variant: 'created-twice',
    };
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
      if (r.phase !== undefined) return TERMINAL_PHASES.has(r.phase.toLowerCase()) || MORE_TERMINAL.has(r.phase.toLowerCase()) ? 'terminal' : 'live';
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
      /** Annotation whose value is (part of) the key. */
      annotation: text('an annotation name').optional(),
      /** The controlling owner is part of the key (objects without one have no key). */
      owner: z.boolean({ error: 'expected true or false' }).optional(),
    })
    .refine((k) => k.jsonPath !== undefined || k.label !== undefined || k.logField !== undefined || k.annotation !== undefined, {
      error: 'expected at least one of jsonPath, label, annotation, logField',
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
      'Built-in keys of other operators, as data (BUILTIN_DEDUP_KEYS), apply to objects from dumps and the live API: cert-manager CertificateRequests by their owning Certificate and the cert-manager.io/certificate-revision annotation, Tekton TaskRuns by their PipelineRun and the tekton.dev/pipelineTask label, Jobs of a CronJob by the CronJob and the batch.kubernetes.io/cronjob-scheduled-timestamp annotation, Argo Workflows of a CronWorkflow by it and workflows.argoproj.io/scheduled-time, Cluster API MachineSets by their MachineDeployment and the machine-template-hash label. Such objects are done when their conditions say so (Complete, Failed, Succeeded, Ready). dedupKeys entries may combine owner: true, label, annotation and jsonPath into one key; an entry for a kind replaces the built-in key of that kind.',
      'The controller saying it itself is read too (variant self-reported): "Multiple matching CertificateRequest resources exist" with its key, "multiple CertificateRequests were found for the next revision", "found 2 Backups for schedule x, expected 1", "more than one … found" — in the message or in the error field. The kind is the one the statement names; the key is the record\'s key, request or namespace/name.',
      'Creation records in other words and shapes (variant created-twice): Created, Creating, Launched, Submitted or an Event\'s SuccessfulCreate, with the created object and its owner in fields (jobName=a launchedJobName=a-x7k2p) or in the message (Created job a-1602880200). The owner is the field whose value prefixes the created name, else the created name without its generated suffix. Creations of one owner closer together than raceWindowMs, while the owner usually creates one far less often, are one schedule or event started twice.',
      'The words are the rule\'s vocabulary: rules.duplicate-cr.vocabulary adds words to the lists creations and selfReports.',
    ],
    signals: [
      'same-key, live-together — objects that share a dedup key and are live at once (critical on their own: the objects cannot be wrong).',
      'created-together — creations of one key or one owner within raceWindowMs; usual-period — the owner otherwise creates one far less often; recurring — it happened at more than one schedule.',
      'controller-says-so — the controller itself reports more than one object for a key; repeated — in three or more lines or two different messages.',
      'Confidence: high for live duplicates, a controller that keeps saying so, or a schedule started twice more than once; medium for one clear signal; low for two quick creations with nothing to compare them with (an info note only).',
    ],
    variants: [
      { id: 'default', text: 'objects (or creation records) that share a dedup key' },
      { id: 'self-reported', text: 'the controller itself says that more than one object exists for a key' },
      { id: 'created-twice', text: 'one owner (a CronJob, a schedule, a parent) had two objects created at once, far faster than its usual period' },
    ],
    severity: [
      'critical: two or more objects with one key are live (their phase is not terminal, or they have no phase yet); or a creation whose phase is unknown (a creation log line only) happened while an older object of the key was live; or two creations with unknown phases lie within raceWindowMs (5 s) of each other.',
      'warning: creations with unknown phases lie within suspectWindowMs (60 s) of each other, or have no times at all; or an object was created while an older one was live and has ended since; or a later object was created before an earlier one completed (status.completedAt), so they were live together even though all are terminal now.',
      'warning (self-reported): the controller says there is more than one object for a key; (created-twice): one owner had two objects created within raceWindowMs while it usually creates one at least 10× less often.',
      'info: two creations of one owner within raceWindowMs with nothing to compare them with (low confidence).',
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
    /** Replaces the default key (kubernaut.ai RemediationRequest spec.signalFingerprint) and the built-in key of each kind it names. */
    dedupKeys: kit.z.array(dedupKeySchema(kit), { error: 'expected a list of dedup keys' }).min(1, { error: 'expected at least one dedup key' }).optional(),
    /** Creations of one key this close together are a race even without phases (default 5000). */
    raceWindowMs: kit.nonNegative().optional(),
    /** Creations this close with unknown phases are a suspected duplicate (default 60000). */
    suspectWindowMs: kit.nonNegative().optional(),
  }),
  consumes: ['object', 'log'],
  vocabulary: VOCABULARY,
  live: {
    series: ['live', 'objects'],
    seriesLabel: 'live duplicates',
    watch: [{ group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests', kind: 'RemediationRequest', namespaced: true, selectable: true }],
    customResources: true,
  },
  remediate: duplicateCrRemediation,
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

/** The error text of a record (zap's `error`, klog's `err`), where controllers often say it. */
function errorText(e: LogEvent): string {
  return strField(e.fields, 'error') ?? strField(e.fields, 'err') ?? '';
}

/** A quoted `ns/name` in a message. */
function quotedKey(text: string): string | undefined {
  return /["'`]([a-z0-9][a-z0-9.-]*\/[a-z0-9][a-z0-9.-]*)["'`]/.exec(text)?.[1];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The finding for a controller's own report of duplicates. */
function selfReportFinding(r: SelfReport): FindingDraft {
  const repeated = r.lines >= 3 || r.templates.size >= 2;
  return {
    rule: 'duplicate-cr',
    severity: 'warning',
    title: `The controller reports more than one ${r.kind} for ${r.key}`,
    subject: { kind: r.kind, namespace: r.namespace ?? null, name: r.key, controller: r.controller ?? null },
    summary: `The controller said ${r.lines === 1 ? 'once' : `${r.lines} times`} that more than one ${r.kind} exists for ${r.key}${r.templates.size > 1 ? `, in ${r.templates.size} different messages` : ''}: the duplicates are real as far as it is concerned and it may refuse to go on until one is deleted. List them (kubectl get ${r.kind.toLowerCase()} -n ${r.namespace ?? '<namespace>'}) to see which to keep.`,
    metrics: { reports: r.lines, messages: r.templates.size },
    evidence: r.evidence,
    firstSeen: iso(r.first),
    lastSeen: iso(r.last),
    confidence: repeated ? 'high' : 'medium',
    signals: ['controller-says-so', ...(repeated ? ['repeated'] : [])],
    variant: 'self-reported',
  };
}

/** Phases of other operators' objects that are terminal too (Argo Workflows, Tekton, Jobs, cert-manager). */
const MORE_TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'error', 'complete', 'ready', 'denied', 'invalidrequest']);

/** A phase read from status.conditions when the object has no status.phase (Jobs, TaskRuns, CertificateRequests). */
function phaseOfConditions(conditions: unknown): string | undefined {
  if (!Array.isArray(conditions)) return undefined;
  const c = (type: string) => conditions.find((x) => (x as { type?: unknown })?.type === type) as { status?: unknown; reason?: unknown } | undefined;
  if (c('Complete')?.status === 'True') return 'Complete';
  if (c('Failed')?.status === 'True') return 'Failed';
  const succeeded = c('Succeeded');
  if (succeeded?.status === 'True') return 'Succeeded';
  if (succeeded?.status === 'False') return 'Failed';
  const ready = c('Ready');
  if (ready?.status === 'True') return 'Ready';
  if (ready?.status === 'False' && (ready.reason === 'Failed' || ready.reason === 'Denied' || ready.reason === 'InvalidRequest')) return String(ready.reason);
  return undefined;
}

/** owner / label / annotation / path parts of a composite key, or undefined when one is missing. */
function compositeKey(o: KubeObject, spec: ResolvedSpec): string | undefined {
  const parts: string[] = [];
  if (spec.owner) {
    const refs = (o.metadata as { ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] } | undefined)?.ownerReferences;
    const ref = Array.isArray(refs) ? (refs.find((r) => r?.controller) ?? (refs.length === 1 ? refs[0] : undefined)) : undefined;
    if (!ref?.name) return undefined;
    parts.push(`${ref.kind ?? 'Owner'}/${ref.name}`);
  }
  if (spec.path) {
    const v = valueAt(o, spec.path);
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    parts.push(String(v));
  }
  if (spec.label) {
    const v = o.metadata?.labels?.[spec.label];
    if (!v) return undefined;
    parts.push(v);
  }
  if (spec.annotation) {
    const v = o.metadata?.annotations?.[spec.annotation];
    if (!v) return undefined;
    parts.push(v);
  }
  return parts.length ? parts.join(' @ ') : undefined;
}