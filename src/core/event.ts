// The typed events that flow from parsers and sources into the engine and analyzers.
// Everything an analyzer sees is one of these; none of them carries a way to do I/O.

/** Normalised severity of a log line. */
export type Level = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'fatal' | 'unknown';

/**
 * Name of an inner log format: one of the names the format registry (src/parsers/registry.ts)
 * holds — `klog`, `zap-json`, `zap-console`, `slog-text`, `slog-json`, `logfmt`, `json`,
 * `plain`, `continuation`, `unknown`, and every format module added to it.
 */
export type LogFormat = string;

/** Name of a wrapper put in front of log lines (`cri`, `timestamp`, `compose`, `kubectl-prefix`, `syslog`, …, or `none`). */
export type LogWrapper = string;

/** A typed field value: numbers are numbers, nested JSON stays as parsed. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [k: string]: FieldValue };

/** One log line turned into a typed record. */
export interface LogEvent {
  kind: 'log';
  /** Epoch milliseconds: the line's own time, else its wrapper's; undefined when neither exists. */
  time?: number;
  level: Level;
  logger?: string;
  /** Source code location the logger printed (klog `file.go:123`, zap `caller`). */
  caller?: string;
  message: string;
  fields: Record<string, FieldValue>;
  format: LogFormat;
  wrapper: LogWrapper;
  /** Container/compose name from a wrapper, or the pod a bundle attributed the file to. */
  origin?: string;
  /** Input identifier (path, archive member, `ns/pod/container`). */
  source: string;
  /** 1-based line number within the source. */
  line: number;
  /**
   * The record's text as read (a trailing `\r` dropped). When lines that continue the record
   * followed it (indented struct dumps, Go and Java stack traces, `, Header: map[…]`), they come
   * after it, one per `\n`, as read, at most MAX_ATTACHED_LINES lines and MAX_ATTACHED_CHARS
   * characters: an analyzer matching `raw` sees them, and evidence quoting `raw` shows them.
   * (Those the line stage reads in the same 64 KiB piece of the input as the record.)
   */
  raw: string;
}

/** Continuation lines attached to one record's `raw`, at most (later ones stay lines of their own). */
export const MAX_ATTACHED_LINES = 50;
/** Characters of continuation attached to one record's `raw`, at most. */
export const MAX_ATTACHED_CHARS = 8192;

/** Minimal shape of a Kubernetes object as read from a dump or the API. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

/**
 * What makes a Kubernetes Event worth reading whole (see Analyzer.objectWhen): its `type`, and a
 * count (series.count, count or deprecatedCount; 1 without any) and a span from its first to its
 * last time (seconds) of at least these. Plain data: it travels to the line workers.
 */
export interface EventCondition {
  kind: 'event';
  type: string;
  minCount: number;
  minSpanS: number;
}

/** A Kubernetes object seen in a dump (`snapshot`) or on a watch (`added`/`modified`/`deleted`). */
export interface ObjectEvent {
  kind: 'object';
  change: 'snapshot' | 'added' | 'modified' | 'deleted';
  object: KubeObject;
  /** When the change was observed (watch) or the bundle was captured (dump). */
  time?: number;
  source: string;
  line?: number;
  /**
   * Set when the object came from a table (`kubectl get -o wide`) and not a full manifest:
   * fields are best-effort and analyzers may lower their confidence.
   */
  partial?: boolean;
}

/** One Prometheus sample (from a text exposition dump, a scrape or a range query). */
export interface MetricEvent {
  kind: 'metric';
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Sample time (exposition timestamp, scrape time, or range-query step). */
  time?: number;
  source: string;
  line?: number;
}

/** One audit.k8s.io/v1 Event (only the fields the analyzers use). */
export interface AuditEvent {
  kind: 'audit';
  time?: number;
  verb: string;
  user: string;
  userAgent?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  code?: number;
  source: string;
  line: number;
  raw: string;
}

/**
 * Log lines an analyzer only needs to count (LogInterest.countKeywords), aggregated per message:
 * `count` lines of one batch carried this message; `first` is the first of them, fully parsed.
 */
export interface TallyEvent {
  kind: 'tally';
  count: number;
  first: LogEvent;
  source: string;
  time?: number;
}

/** Anything the engine routes to analyzers. */
export type Event = LogEvent | ObjectEvent | MetricEvent | AuditEvent | TallyEvent;
export type EventKind = Event['kind'];

/** Level order, for threshold comparisons. */
export const LEVEL_RANK: Record<Level, number> = {
  trace: 0,
  debug: 1,
  unknown: 2,
  info: 2,
  warning: 3,
  error: 4,
  fatal: 5,
};

/** Reads a field as a number if it is one or a numeric string. */
export function numField(fields: Record<string, FieldValue>, key: string): number | undefined {
  const v = fields[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** Reads a field as a string (numbers are stringified). */
export function strField(fields: Record<string, FieldValue>, key: string): string | undefined {
  const v = fields[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
