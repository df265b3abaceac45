// duplicate-cr: two or more live custom resources that stand for one logical thing (one dedup
// key). Objects come from resource dumps, tables and the live API (ObjectEvent); creations come
// from creator logs ("Created RemediationRequest CRD" with a fingerprint field). Both are merged
// by object name, grouped by dedup key, and judged by phase and by how far apart they were made.
import { createHash } from 'node:crypto';
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
  /**
   * A regular expression over the object's name whose first capture group is (part of) the key:
   * the time stamp a scheduler writes into the names it makes (`-(\d{14})$` for Velero's
   * `<schedule>-<YYYYMMDDhhmmss>`). Objects whose name does not match have no key.
   */
  namePattern?: string;
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
  // Velero: one Backup per Schedule and scheduled time (the schedule's name label, the time stamp in the name).
  { kind: 'Backup', group: 'velero.io', label: 'velero.io/schedule-name', namePattern: '-(\\d{14})(?:-[a-z0-9]{5})?$' },
  // OLM: at most one OperatorGroup per namespace (a second one makes every CSV there fail).
  { kind: 'OperatorGroup', group: 'operators.coreos.com', jsonPath: 'metadata.namespace' },
];

/**
 * The generic key, for objects of kinds no key above covers: the controlling owner and the
 * template or spec they were made from. An owner that stamps a hash of its template on what it
 * makes (a Deployment's ReplicaSets, a DaemonSet's ControllerRevisions) makes one object per
 * hash; two live ones with the same owner and hash stand for one thing. Thin on its own, so
 * these findings are a warning at most, and only an info note when the hash is computed here.
 */
export const GENERIC_KEY = {
  /** Labels and annotations that carry a template hash; any other name ending in `hash` counts too. */
  hashLabels: ['pod-template-hash', 'controller-revision-hash', 'machine-template-hash', 'rollouts-pod-template-hash'],
  hashNamePattern: '(?:^|[./_-])(?:[a-z0-9]+-)*hash$',
  /** Kinds whose objects are replicas of one template: many per owner and hash by design. */
  replicaKinds: ['Pod', 'Machine', 'Event', 'EndpointSlice', 'Endpoints', 'Lease'],
  /** Kinds read whole for the generic key beyond the kinds of the keys (other kinds arrive as their identity only). */
  kinds: ['ReplicaSet', 'ControllerRevision'],
} as const;

/**
 * Kinds whose controller names each object after its owner (generateName `<owner>-`): cert-manager
 * CertificateRequests after their Certificate, Tekton TaskRuns after their PipelineRun and task,
 * Cluster API MachineSets after their MachineDeployment. Their name without the generated suffix
 * names the owner as surely as an ownerReference. (Not Workflows or Jobs: one template's many
 * submissions share a generateName.)
 */
export const NAMED_AFTER_OWNER_KINDS: readonly string[] = ['CertificateRequest', 'TaskRun', 'MachineSet'];
const NAMED_AFTER_OWNER: ReadonlySet<string> = new Set(NAMED_AFTER_OWNER_KINDS.map((k) => k.toLowerCase()));

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
/** The other order: "expected exactly one Backup for schedule x, found 2", "expected 1 … but got 3". */
const SELF_COUNT_AFTER_RE = /\bexpected\s+(?:1|one|only one|exactly one|a single)\b(.{0,80}?)\b(?:found|got|but there (?:are|were))\s+(?:[2-9]|\d{2,}|two|three|several|multiple)\b/i;
/** The kind a creation message names before its verb: "MachineSet created", "Job launched". */
const KIND_BEFORE_VERB_RE = /\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z][a-z]{2,})\s+(?:created|creating|launched|submitted)\b/;

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
  /** namePattern, compiled. */
  nameRe?: RegExp;
  /** A kubernaut.ai RemediationRequest key: the fingerprint prefix in the name counts too. */
  kubernaut: boolean;
  /** The generic key (owner and template hash) rather than a configured or built-in one. */
  generic?: boolean;
}

/** The spec of the generic key (see GENERIC_KEY). */
const GENERIC_SPEC: ResolvedSpec = { owner: true, kubernaut: false, generic: true };
const HASH_LABELS: ReadonlySet<string> = new Set(GENERIC_KEY.hashLabels);
const HASH_NAME_RE = new RegExp(GENERIC_KEY.hashNamePattern);
const REPLICA_KINDS: ReadonlySet<string> = new Set(GENERIC_KEY.replicaKinds.map((k) => k.toLowerCase()));

/** What is known about one object (merged from dumps, watches and creation log lines). */
interface Rec {
  kind: string;
  group?: string;
  namespace?: string;
  name: string;
  key?: string;
  /** Key came from a field/path (strong) or only from the object's name (weak, kubernaut tables). */
  keyFromName?: boolean;
  /** The generic key: from a template-hash label the owner stamped, or from a hash of the spec computed here. */
  genericVia?: 'label' | 'spec';
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
  /** Times are ages from a table without a capture time: relative to one another only. */
  relative: boolean;
  made: Made[];
}

/** One creation of an owner's: when (and how precisely that is known), from where. */
interface Made {
  name: string;
  at: number;
  /** How coarse `at` is (ms): 0 for a log line's time, 1000 for creationTimestamp, a minute for an age of `5m`. */
  res: number;
  /** The owner was named (a field, an ownerReference), not only read off the created name. */
  ownerNamed: boolean;
  /** The object was seen and is live (not terminal, not deleted); undefined when only a log line tells of it. */
  live?: boolean;
  ev: Evidence;
}

/** Validates `rules.duplicate-cr` options; throws a UserError naming the bad entry. */
export function parseDuplicateCrOptions(raw: Record<string, unknown>): DuplicateCrOptions {
  const out: DuplicateCrOptions = { dedupKeys: DEFAULT_DEDUP_KEYS.map((k) => ({ ...k })), raceWindowMs: 5000, suspectWindowMs: 60_000 };
  const bad = (what: string) =>
    new UserError(
      `invalid duplicate-cr option: ${what}`,
      'dedupKeys is a list of { kind?, group?, jsonPath?, label?, annotation?, namePattern?, logField?, owner?, clusterWide? } with at least one of jsonPath, label, annotation, namePattern or logField; raceWindowMs and suspectWindowMs are non-negative numbers of milliseconds.',
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
        } else if (k === 'kind' || k === 'group' || k === 'jsonPath' || k === 'label' || k === 'logField' || k === 'annotation' || k === 'namePattern') {
          if (typeof v !== 'string' || v.trim() === '') throw bad(`dedupKeys[${i}].${k} must be a non-empty string`);
          spec[k] = v.trim();
        } else {
          throw bad(`dedupKeys[${i}] has unknown key "${k}"`);
        }
      }
      if (!spec.jsonPath && !spec.label && !spec.logField && !spec.annotation && !spec.namePattern) throw bad(`dedupKeys[${i}] needs jsonPath, label, annotation, namePattern or logField`);
      if (spec.namePattern) {
        try {
          new RegExp(spec.namePattern);
        } catch (err) {
          throw bad(`dedupKeys[${i}].namePattern is not a regular expression: ${(err as Error).message}`);
        }
      }
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
  /** Kinds of the keys (lower case → as written): one object per owner and slot. */
  private readonly slotKinds = new Map<string, string>();

  constructor(private readonly ctx: AnalyzerContext) {
    this.opts = parseDuplicateCrOptions(ctx.options);
    // kubernaut's conventions (fingerprint prefix in the name) apply to any key for its RemediationRequests.
    const kubernautRR = (s: DedupKeySpec) => s.kind?.toLowerCase() === 'remediationrequest' && (s.group === undefined || s.group === 'kubernaut.ai');
    const covered = (b: DedupKeySpec) => this.opts.dedupKeys.some((u) => !u.kind || u.kind.toLowerCase() === b.kind!.toLowerCase());
    const keys = [...this.opts.dedupKeys, ...BUILTIN_DEDUP_KEYS.filter((b) => !covered(b))];
    this.specs = keys.map((s) => ({
      ...s,
      path: s.jsonPath ? parseJsonPath(s.jsonPath) : undefined,
      nameRe: s.namePattern ? new RegExp(s.namePattern) : undefined,
      kubernaut: kubernautRR(s),
    }));
    // A kind with a key stands one object per owner and slot: two made at once by one owner are suspect.
    for (const s of this.specs) if (s.kind) this.slotKinds.set(s.kind.toLowerCase(), s.kind);
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
      (s) => (!s.kind || s.kind.toLowerCase() === k) && (!s.group || group === undefined || s.group === group) && (s.jsonPath || s.label || s.annotation || s.nameRe || s.kubernaut),
    );
  }

  private onObject(e: ObjectEvent): void {
    const o: KubeObject = e.object;
    const name = o.metadata?.name;
    if (typeof name !== 'string' || name === '') return;
    const kind = typeof o.kind === 'string' ? o.kind : undefined;
    const group = groupOf(o.apiVersion);
    const spec = this.specFor(kind, group) ?? (kind && !REPLICA_KINDS.has(kind.toLowerCase()) ? GENERIC_SPEC : undefined);
    if (!spec) return;
    let key: string | undefined;
    let keyFromName = false;
    let genericVia: Rec['genericVia'];
    if (spec.generic) {
      // Objects the generic key does not fit (no owner, no hash) are not this rule's business.
      const g = genericKey(o);
      if (!g) return;
      key = g.key;
      genericVia = g.via;
    } else if (spec.owner || spec.annotation || spec.nameRe) {
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
    this.counts.keyedObjects++;
    const namespace = o.metadata?.namespace || undefined;
    const rec = this.rec(kind ?? spec.kind ?? 'Object', name, namespace);
    if (!rec) return;
    rec.seenObject = true;
    rec.spec = spec;
    if (genericVia) rec.genericVia = genericVia;
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
    // Objects keyed by owner (Jobs, TaskRuns, CertificateRequests) say they are done in conditions;
    // a ReplicaSet scaled to zero is an old revision kept for rollback.
    const replicas = (o.spec as { replicas?: unknown } | undefined)?.replicas;
    const phase =
      status.overallPhase ??
      status.phase ??
      // (For the generic key a Ready condition means live, not done: conditions are not read.)
      (spec.owner && !spec.generic ? phaseOfConditions(status.conditions) : undefined) ??
      (spec.generic && replicas === 0 ? 'ScaledDown' : undefined);
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
    // An object of a one-per-slot kind that has no key (a table row, no annotations): what its owner made, and when.
    if (key === undefined && kind && this.slotKinds.has(kind.toLowerCase())) this.objectCreation(o, rec, table, e.source);
  }

  /**
   * An object without a key as one creation of its owner (the controlling ownerReference, else
   * its name without the generated suffix), timed by creationTimestamp or a table's age (as
   * precise as the age is: `21s` to the second, `1m` to the minute).
   */
  private objectCreation(o: KubeObject, rec: Rec, table: Record<string, unknown> | undefined, source: string): void {
    const ref = controllerRef(o);
    const owner = ref?.name ?? GENERATED_SUFFIX_RE.exec(rec.name)?.[1];
    if (!owner || !rec.objEvidence) return;
    let at: number;
    let res: number;
    let relative = false;
    if (typeof table?.ageSeconds === 'number') {
      relative = this.ctx.now === undefined;
      at = (this.ctx.now ?? 0) - table.ageSeconds * 1000;
      res = ageResolutionMs(typeof table.AGE === 'string' ? table.AGE : '');
    } else if (rec.created !== undefined) {
      at = rec.created;
      res = rec.created % 1000 === 0 ? 1000 : 0;
    } else return;
    const live = !rec.deleted && !(rec.phase !== undefined && (TERMINAL_PHASES.has(rec.phase.toLowerCase()) || MORE_TERMINAL.has(rec.phase.toLowerCase())));
    this.addCreation(rec.kind, owner, rec.namespace, relative, { name: rec.name, at, res, ownerNamed: !!ref?.name || NAMED_AFTER_OWNER.has(rec.kind.toLowerCase()), live, ev: rec.objEvidence }, source);
  }

  private addCreation(kind: string, owner: string, namespace: string | undefined, relative: boolean, made: Made, creator: string): void {
    const k = `${kind.toLowerCase()}|${namespace ?? ''}|${owner}|${relative ? 'rel' : 'abs'}`;
    let o = this.ownerCreations.get(k);
    if (!o) {
      if (this.ownerCreations.size >= 10_000) return;
      o = { kind, owner, namespace, creators: new Set(), relative, made: [] };
      this.ownerCreations.set(k, o);
    }
    // The same object again (a watch update, a log line and a table row): keep its first time, follow its state.
    const prev = o.made.find((x) => x.name === made.name);
    if (prev) {
      if (made.live !== undefined) prev.live = made.live;
      return;
    }
    if (o.made.length < 10_000) o.made.push(made);
    o.creators.add(creator);
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
    const after = SELF_COUNT_AFTER_RE.exec(text);
    const m = SELF_MULTIPLE_RE.exec(text) ?? SELF_COUNT_RE.exec(text) ?? after;
    if (!m) return;
    const about = (m === after ? m[1] : m[m.length - 1]) ?? '';
    // The kind named in the statement, in the singular ("multiple CertificateRequests were found").
    // Or a lower-case plural right after "multiple" ("multiple operatorgroups"), spelled as a known kind.
    const named = KIND_IN_RE.exec(about)?.[1] ?? KIND_IN_RE.exec(text.slice(m.index))?.[1] ?? /^\s*(?:matching\s+)?([a-z][a-z0-9]{3,}s)\b/.exec(about)?.[1];
    const singular = named?.replace(/([^s])s$/, '$1');
    const kind = (singular && (this.slotKinds.get(singular.toLowerCase()) ?? (/^[a-z]/.test(singular) ? singular.charAt(0).toUpperCase() + singular.slice(1) : singular))) ?? strField(e.fields, 'kind') ?? 'Object';
    const f = e.fields;
    const key =
      strField(f, 'key') ?? strField(f, 'knative.dev/key') ?? strField(f, 'request') ?? (strField(f, 'name') ? `${strField(f, 'namespace') ? `${strField(f, 'namespace')}/` : ''}${strField(f, 'name')}` : undefined) ?? quotedKey(text) ?? UNNAMED;
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
    // "Created job a-1602880200", "Created pod: a-x7k2p", "Creating a new TaskRun object a-b-x7k2p for pipeline task b".
    const m = /\b(?:created|creating|launched|submitted)\s+(?:(?:a|an|the|new)\s+)*([A-Za-z][A-Za-z0-9]*)?(?:\s+(?:object|resource|CR))?:?\s*"?([a-z0-9][a-z0-9.-]*[a-z0-9])?"?/i.exec(msg);
    let kind = strField(f, 'kind') ?? (m?.[1] && !/^(?:new|a|the|object|resource)$/i.test(m[1]) ? m[1] : undefined);
    let namespace = strField(f, 'namespace') || undefined;
    // The created name: a field named after the kind the message names ("MachineSet created"
    // MachineSet="ns/name", as controller-runtime logs objects), a *Name field that is not the
    // owner, else the name after the verb.
    let created: string | undefined;
    const named = KIND_BEFORE_VERB_RE.exec(msg)?.[1] ?? (m?.[1] && /^[A-Z][a-z0-9]+[A-Z]/.test(m[1]) ? m[1] : undefined);
    const ref = named ? strField(f, named) : undefined;
    if (named && ref && /^(?:[a-z0-9][a-z0-9.-]*\/)?[a-z0-9][a-z0-9.-]*$/.test(ref)) {
      kind = named;
      const slash = ref.indexOf('/');
      created = slash < 0 ? ref : ref.slice(slash + 1);
      if (slash > 0) namespace ??= ref.slice(0, slash);
    }
    if (!created) {
      for (const [k, v] of Object.entries(f)) {
        if (typeof v === 'string' && /(?:^|[a-z])(?:Name|name)$/.test(k) && /^(?:launched|created|new|child|object|resource)/i.test(k)) created = v;
      }
    }
    created ??= m?.[2] && m[2].includes('-') ? m[2] : undefined;
    if (!created) return;
    // The owner: the longest field value (without its namespace) that the created name starts with.
    let owner: string | undefined;
    let ownerNamed = false;
    for (const raw of Object.values(f)) {
      if (typeof raw !== 'string') continue;
      const v = raw.slice(raw.lastIndexOf('/') + 1);
      if (v !== created && v.length >= 3 && created.startsWith(v) && /[-.]/.test(created.charAt(v.length))) {
        if (!owner || v.length > owner.length) owner = v;
        ownerNamed = true;
      }
    }
    // The created name without its generated suffix when that is more specific (a TaskRun's
    // PipelineRun and task, not only the PipelineRun a key field names).
    // Below a known owner, a 5-character tail of generateName's alphabet is a suffix even without a digit.
    const stripped = GENERATED_SUFFIX_RE.exec(created)?.[1] ?? (owner ? /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(created)?.[1] : undefined);
    if (stripped && (!owner || (stripped.length > owner.length && stripped.startsWith(`${owner}-`)))) owner = stripped;
    if (!owner) return;
    kind = kind ? this.slotKinds.get(kind.toLowerCase()) ?? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Object';
    const made: Made = { name: created, at: e.time, res: 0, ownerNamed: ownerNamed || NAMED_AFTER_OWNER.has(kind.toLowerCase()), ev: { source: `${e.source}:${e.line}`, time: iso(e.time), text: e.raw } };
    this.addCreation(kind, owner, namespace, false, made, pickString(f, CREATOR_FIELDS) ?? e.origin ?? e.source);
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
    const kinds = this.specs.map((s) => s.kind!.toLowerCase());
    for (const k of GENERIC_KEY.kinds) if (!kinds.includes(k.toLowerCase())) kinds.push(k.toLowerCase());
    return kinds;
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

  /**
   * Creations of one owner: pairs closer than raceWindowMs (as far as the times are precise enough
   * to tell), against the owner's usual period, the kind's nature and whether both are live.
   */
  private ownerFinding(o: OwnerCreations): FindingDraft | undefined {
    if (o.made.length < 2) return undefined;
    const race = this.opts.raceWindowMs;
    const made = [...o.made].sort((a, b) => a.at - b.at || compareText(a.name, b.name));
    const gaps = made.slice(1).map((x, i) => x.at - made[i]!.at);
    // A pair is close when even the coarser of the two times cannot put it beyond the window.
    const close = gaps.map((g, i) => (g + Math.max(made[i]!.res, made[i + 1]!.res) <= race ? i : -1)).filter((i) => i >= 0);
    if (!close.length) return undefined;
    const long = gaps.filter((g) => g > race);
    const period = long.length ? median(long) : undefined;
    const shortest = Math.min(...close.map((i) => gaps[i]!));
    const cycles = close.length;
    // A schedule started twice: the owner's usual period is far longer than the pair's gap.
    const periodic = period !== undefined && period >= 10 * Math.max(shortest, 1000);
    // A kind that stands one per owner and slot, made under generated (random) names by an owner
    // that was named (not only guessed from the names, which one template's many submissions
    // share): two at once are two for one slot. Names stamped with different times are different slots.
    const oneOff =
      this.slotKinds.has(o.kind.toLowerCase()) &&
      close.every((i) => [made[i]!, made[i + 1]!].every((x) => x.ownerNamed && randomSuffix(x.name, o.owner)));
    const liveTogether = close.some((i) => made[i]!.live === true && made[i + 1]!.live === true);
    const recurring = cycles >= 2;
    const support = [periodic, oneOff, liveTogether, recurring].filter(Boolean).length;
    const severity: Severity = periodic || oneOff ? 'warning' : 'info';
    const confidence = severity === 'info' ? 'low' : support >= 2 ? 'high' : 'medium';
    const signals = [
      'same-owner',
      'created-together',
      ...(periodic ? ['usual-period'] : []),
      ...(oneOff ? ['one-per-slot'] : []),
      ...(liveTogether ? ['live-together'] : []),
      ...(recurring ? ['recurring'] : []),
    ];
    // Ages to the minute give the period roughly.
    const roughly = o.relative || made.some((x) => x.res >= 60_000) ? 'about ' : '';
    const pairs = close.map((i) => `${made[i]!.name} and ${made[i + 1]!.name} ${humanMs(gaps[i]!)} apart`);
    const evidence: Evidence[] = [];
    for (const i of close) {
      if (evidence.length >= MAX_EVIDENCE) break;
      evidence.push(made[i]!.ev, made[i + 1]!.ev);
    }
    const verdict = periodic
      ? ': one schedule or event started twice, a check-then-create race.'
      : oneOff
        ? `: a ${o.kind} stands one per owner and slot, so two made at once are one too many (a check-then-create race or two controllers).`
        : '. Two creations this close may be a race; a longer log or the objects would confirm it.';
    const live = made.filter((x) => x.live === true).length;
    return {
      rule: 'duplicate-cr',
      severity,
      title: `${o.kind} of ${o.owner} created twice ${cycles > 1 ? `${cycles} times` : 'at once'}`,
      subject: { kind: o.kind, namespace: o.namespace ?? null, name: o.owner, controller: null },
      summary:
        `${o.owner} had ${o.kind} objects created ${humanMs(shortest)} apart: ${pairs.slice(0, 4).join('; ')}${pairs.length > 4 ? `; … (${pairs.length - 4} more)` : ''}` +
        (liveTogether ? ', both live' : '') +
        (period !== undefined ? `, while it usually creates one ${roughly}every ${humanMs(period)}` : '') +
        verdict,
      metrics: {
        objects: made.length,
        closePairs: cycles,
        minGapMs: shortest,
        ...(period !== undefined ? { usualPeriodMs: Math.round(period) } : {}),
        creators: o.creators.size,
        ...(made.some((x) => x.live !== undefined) ? { live } : {}),
      },
      evidence,
      ...(o.relative ? {} : { firstSeen: iso(made[0]!.at), lastSeen: iso(made[made.length - 1]!.at) }),
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
    // The generic key (owner and template hash) is weaker than a key an operator defines: a
    // warning at most, and an info note when the hash was computed here, unless the objects
    // were also made at once.
    let generic: Pick<FindingDraft, 'confidence' | 'signals' | 'variant'> | undefined;
    if (list.some((r) => r.genericVia)) {
      const byLabel = list.every((r) => r.genericVia === 'label');
      const together = candidates.length >= 2 && candGap <= this.opts.raceWindowMs;
      if (severity === 'critical') severity = 'warning';
      const confidence = byLabel ? (together ? 'high' : 'medium') : together ? 'medium' : 'low';
      if (confidence === 'low') severity = 'info';
      generic = {
        confidence,
        signals: ['same-owner', byLabel ? 'same-template-hash' : 'same-spec', ...(live >= 2 ? ['live-together'] : []), ...(together ? ['created-together'] : [])],
        variant: 'same-owner-spec',
      };
      verdict += byLabel ? '; they share their owner and the template hash it stamped on them' : '; they share their owner and an identical spec (no template hash to compare)';
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
        generic && severity !== 'info'
          ? `${dup.length} ${kind} objects of ${key.split(' @ ')[0]} were made from one template`
          : severity !== 'info'
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
      ...generic,
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
      /** A regular expression over the name; its first group is (part of) the key, e.g. -(\d{14})$. */
      namePattern: text('a regular expression such as -(\\d{14})$')
        .refine(
          (p) => {
            try {
              new RegExp(p);
              return true;
            } catch {
              return false;
            }
          },
          { error: 'expected a regular expression' },
        )
        .optional(),
    })
    .refine((k) => k.jsonPath !== undefined || k.label !== undefined || k.logField !== undefined || k.annotation !== undefined || k.namePattern !== undefined, {
      error: 'expected at least one of jsonPath, label, annotation, namePattern, logField',
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
      'Built-in keys of other operators, as data (BUILTIN_DEDUP_KEYS), apply to objects from dumps and the live API: cert-manager CertificateRequests by their owning Certificate and the cert-manager.io/certificate-revision annotation, Tekton TaskRuns by their PipelineRun and the tekton.dev/pipelineTask label, Jobs of a CronJob by the CronJob and the batch.kubernetes.io/cronjob-scheduled-timestamp annotation, Argo Workflows of a CronWorkflow by it and workflows.argoproj.io/scheduled-time, Cluster API MachineSets by their MachineDeployment and the machine-template-hash label, Velero Backups by the velero.io/schedule-name label and the time stamp in their names (<schedule>-<YYYYMMDDhhmmss>), OLM OperatorGroups by namespace (one per namespace). Such objects are done when their conditions or phase say so (Complete, Failed, Succeeded, Ready, Completed, PartiallyFailed). dedupKeys entries may combine owner: true, label, annotation, jsonPath and namePattern (a regular expression over the name whose first group is part of the key) into one key; an entry for a kind replaces the built-in key of that kind.',
      'The generic key (variant same-owner-spec), as data (GENERIC_KEY), for objects of kinds no key covers: the controlling owner (ownerReferences) and the template hash it stamped on the object (pod-template-hash, controller-revision-hash, machine-template-hash or any label or annotation whose name ends in hash), else a hash of the spec with replica counts and hash labels left out. Two live objects with one owner and one hash stand for one thing. It is generic, so it says so: a warning of medium confidence at most with a stamped hash (high when they were also made at once), an info note of low confidence with a computed spec hash (a warning only when they were made at once). Pods, Machines and other replicas of one template are never compared this way; a ReplicaSet scaled to zero is an old revision, not live. Besides the kinds of the keys, ReplicaSets and ControllerRevisions are read whole for it; other kinds arrive as their identity only.',
      'The controller saying it itself is read too (variant self-reported): "Multiple matching CertificateRequest resources exist" with its key, "multiple CertificateRequests were found for the next revision", "found 2 Backups for schedule x, expected 1", "expected exactly one … , found 2", "more than one … found", "multiple operatorgroups, can\'t pick one" — in the message or in the error field. The kind is the one the statement names; the key is the record\'s key, request or namespace/name.',
      'Creation records in other words and shapes (variant created-twice): Created, Creating, Launched, Submitted or an Event\'s SuccessfulCreate, with the created object and its owner in fields (jobName=a launchedJobName=a-x7k2p; controller-runtime\'s "MachineSet created" MachineSet="ns/md-x7k2p" MachineDeployment="ns/md") or in the message (Created job a-1602880200; Tekton\'s "Creating a new TaskRun object run-task-x7k2p for pipeline task task"). The owner is the created name without its generated suffix, or the field whose value prefixes the created name, whichever is more specific (a TaskRun\'s PipelineRun and task rather than the PipelineRun alone). Objects of a keyed kind that carry no key (a `kubectl get` or `argo list` row, a Job without the scheduled-time annotation) count as creations of their owner too, timed by creationTimestamp or by their age as precisely as the age says (21s to the second, 1m only to the minute). Creations of one owner closer together than raceWindowMs, while the owner usually creates one far less often, are one schedule or event started twice; two at once of a kind that stands one per owner and slot (the kinds of the keys), under generated names rather than time-stamped ones, from an owner a field or ownerReference names, or whose controller names them after it (CertificateRequests, TaskRuns, MachineSets: NAMED_AFTER_OWNER_KINDS), are one too many; an owner only read off the names of other kinds (the many submissions of one Workflow template share a prefix) needs the usual period.',
      'The words are the rule\'s vocabulary: rules.duplicate-cr.vocabulary adds words to the lists creations and selfReports.',
    ],
    signals: [
      'same-key, live-together — objects that share a dedup key and are live at once (critical on their own: the objects cannot be wrong).',
      'created-together — creations of one key or one owner within raceWindowMs; usual-period — the owner otherwise creates one far less often; one-per-slot — the kind stands one per owner and slot, the owner is named in a field or ownerReference and both names are generated; live-together — both are live now; recurring — it happened at more than one schedule.',
      'same-owner with same-template-hash or same-spec — the generic key: one controlling owner, one template hash (stamped by the owner, or computed from the spec).',
      'controller-says-so — the controller itself reports more than one object for a key; repeated — in three or more lines or two different messages.',
      'Confidence: high for live duplicates, a controller that keeps saying so, or two creations at once that two further signals confirm; medium for one clear signal, and for the generic key with a stamped hash; low for two quick creations with nothing to compare them with, or a computed spec hash alone (an info note only).',
    ],
    variants: [
      { id: 'default', text: 'objects (or creation records) that share a dedup key' },
      { id: 'self-reported', text: 'the controller itself says that more than one object exists for a key' },
      { id: 'created-twice', text: 'one owner (a CronJob, a schedule, a parent) had two objects created at once, far faster than its usual period or of a kind it makes one at a time' },
      { id: 'same-owner-spec', text: 'the generic key: live objects with one controlling owner and one template or spec hash' },
    ],
    severity: [
      'critical: two or more objects with one key are live (their phase is not terminal, or they have no phase yet); or a creation whose phase is unknown (a creation log line only) happened while an older object of the key was live; or two creations with unknown phases lie within raceWindowMs (5 s) of each other.',
      'warning: creations with unknown phases lie within suspectWindowMs (60 s) of each other, or have no times at all; or an object was created while an older one was live and has ended since; or a later object was created before an earlier one completed (status.completedAt), so they were live together even though all are terminal now.',
      'warning (self-reported): the controller says there is more than one object for a key; (created-twice): one owner had two objects created within raceWindowMs while it usually creates one at least 10× less often, or two of a one-per-slot kind under generated names; (same-owner-spec): two live objects with one owner and one stamped template hash, or with one spec made within raceWindowMs (never critical).',
      'info: two creations of one owner within raceWindowMs with nothing to compare them with (low confidence); two live objects with one owner and an identical spec made far apart (low confidence).',
      'info: a key was created again only after the earlier objects reached a terminal phase (Completed, Failed, TimedOut, Skipped, Cancelled), or creations with unknown phases lie far apart.',
    ],
    notFlagged: [
      'a new object created after the earlier one reached a terminal phase (reported as info at most)',
      'one object whose dedup counter (status.deduplication.occurrenceCount) grows: that is deduplication working',
      'a rollout: an old ReplicaSet or MachineSet next to the new one for the changed template (different hashes), the old one scaled to zero',
      'one object per schedule tick (Jobs a minute apart), even when the ages in a table are too coarse to tell two of one minute apart',
      'Pods and Machines of one template: replicas, many per owner and hash by design',
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

/** The subject of a self-report that names no key. */
const UNNAMED = '(unnamed)';

/** The finding for a controller's own report of duplicates. */
function selfReportFinding(r: SelfReport): FindingDraft {
  const repeated = r.lines >= 3 || r.templates.size >= 2;
  return {
    rule: 'duplicate-cr',
    severity: 'warning',
    title: `The controller reports more than one ${r.kind}${r.key === UNNAMED ? '' : ` for ${r.key}`}`,
    subject: { kind: r.kind, namespace: r.namespace ?? null, name: r.key, controller: r.controller ?? null },
    summary: `The controller said ${r.lines === 1 ? 'once' : `${r.lines} times`} that more than one ${r.kind} exists${r.key === UNNAMED ? '' : ` for ${r.key}`}${r.templates.size > 1 ? `, in ${r.templates.size} different messages` : ''}: the duplicates are real as far as it is concerned and it may refuse to go on until one is deleted. List them (kubectl get ${r.kind.toLowerCase()} -n ${r.namespace ?? '<namespace>'}) to see which to keep.`,
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
const MORE_TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'error', 'complete', 'ready', 'denied', 'invalidrequest', 'partiallyfailed', 'failedvalidation', 'scaleddown']);

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

interface OwnerRef {
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

/** The controlling owner: the ownerReference with controller: true, else the only one. */
function controllerRef(o: KubeObject): OwnerRef | undefined {
  const refs = (o.metadata as { ownerReferences?: OwnerRef[] } | undefined)?.ownerReferences;
  return Array.isArray(refs) ? (refs.find((r) => r?.controller) ?? (refs.length === 1 ? refs[0] : undefined)) : undefined;
}

/**
 * The generic key of an object: its controlling owner and a template hash, from a hash label or
 * annotation when the owner stamped one, else a hash of its spec (replica counts and hash labels
 * left out, so two objects made from one template compare equal). Undefined without an owner or
 * anything to hash.
 */
function genericKey(o: KubeObject): { key: string; via: 'label' | 'spec' } | undefined {
  const ref = controllerRef(o);
  if (!ref?.name) return undefined;
  const owner = `${ref.kind ?? 'Owner'}/${ref.name}`;
  // The well-known template hashes first: a ReplicaSet may also carry a `config-hash` label its
  // pod template copied, which stays the same across revisions.
  for (const known of [true, false]) {
    for (const bag of [o.metadata?.labels, o.metadata?.annotations]) {
      if (!bag) continue;
      for (const [k, v] of Object.entries(bag)) {
        if (typeof v === 'string' && v !== '' && (known ? HASH_LABELS.has(k) : HASH_NAME_RE.test(k))) return { key: `${owner} @ ${k}=${v}`, via: 'label' };
      }
    }
  }
  const spec = (o as { spec?: unknown }).spec;
  if (spec === null || typeof spec !== 'object' || Object.keys(spec).length === 0) return undefined;
  return { key: `${owner} @ spec ${createHash('sha256').update(canonical(spec, 0)).digest('hex').slice(0, 12)}`, via: 'spec' };
}

/** JSON with sorted keys, without replica counts and hash labels: equal for objects of one template. */
function canonical(v: unknown, depth: number): string {
  if (depth > 40) return '…';
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, depth + 1)).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const keys = Object.keys(v)
    .filter((k) => !(depth === 0 && k === 'replicas') && !HASH_LABELS.has(k) && !HASH_NAME_RE.test(k))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k], depth + 1)}`).join(',')}}`;
}

/** How coarse a table's age is (ms): `4m24s` to the second, `1m` to the minute, `5d` to the day. */
function ageResolutionMs(age: string): number {
  const unit = /([smhdy])$/.exec(age.trim())?.[1];
  return unit === 's' ? 1000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : unit === 'y' ? 31_536_000_000 : 60_000;
}

/** Whether what follows the owner in a name is generated at random (`-x7k2p`, `-a66c03acc277`), not a time stamp (`-1602880200`). */
function randomSuffix(name: string, owner: string): boolean {
  const rest = name.startsWith(owner) ? name.slice(owner.length).replace(/^[-.]/, '') : (GENERATED_SUFFIX_RE.exec(name) ? name.slice(name.lastIndexOf('-') + 1) : '');
  if (/^[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(rest)) return true;
  return !/^\d+$/.test(rest) && /\d/.test(rest) && /^[a-z0-9]{4,16}$/.test(rest);
}

/** owner / label / annotation / path / name parts of a composite key, or undefined when one is missing. */
function compositeKey(o: KubeObject, spec: ResolvedSpec): string | undefined {
  const parts: string[] = [];
  if (spec.owner) {
    const ref = controllerRef(o);
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
  if (spec.nameRe) {
    const m = spec.nameRe.exec(o.metadata?.name ?? '');
    if (!m) return undefined;
    parts.push(m[1] ?? m[0]);
  }
  return parts.length ? parts.join(' @ ') : undefined;
}