// Findings and the report, exactly as ../shared/CONTRACT.md (schemaVersion 1) fixes them.
import { compareText } from './order.js';

/**
 * A rule id. The four the contract requires and any others are declared by the rule modules
 * (src/analyzers/rules/); the list of ids is RULE_IDS in src/analyzers/index.ts.
 */
export type { RuleId } from '../analyzers/rule.js';
import type { RuleId } from '../analyzers/rule.js';

export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** How sure a finding is: how many independent signals agreed, and how strong they are. */
export type Confidence = 'high' | 'medium' | 'low';
export const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/** What a finding is about; `name` is the most specific name known. */
export interface Subject {
  kind: string;
  namespace: string | null;
  name: string;
  controller?: string | null;
  /**
   * Where a log-derived subject comes from, when its name alone does not say (a counter's
   * message): the pod/container a bundle or the cluster attributed the lines to, else the file.
   */
  origin?: string | null;
}

/** One quoted piece of input: a raw line or an object reference. */
export interface Evidence {
  /** `path:line` or an object reference such as `kubernaut.ai/RemediationRequest ns/name`. */
  source: string;
  /** RFC3339, when known. */
  time?: string;
  text: string;
}

export interface Remediation {
  summary: string;
  steps: string[];
  references: string[];
}

/** A finding as an analyzer produces it; the engine adds `id` and fills remediation from the catalog. */
export interface FindingDraft {
  rule: RuleId;
  severity: Severity;
  title: string;
  subject: Subject;
  summary: string;
  metrics: Record<string, number | string | boolean | number[]>;
  evidence: Evidence[];
  remediation?: Remediation;
  firstSeen?: string;
  lastSeen?: string;
  /**
   * How sure the finding is. Low confidence (thin evidence, one weak signal) never stands above
   * info: the engine caps it. Absent: derived from the severity (critical high, warning medium,
   * info low).
   */
  confidence?: Confidence;
  /** Names of the signals that agreed (kebab-case), e.g. ["trigger", "fan-out", "n-squared"]. */
  signals?: string[];
  /** Stable kebab-case id of the finding's variant (`hot-loop`, `fan-out`, `live-together`, …). */
  variant?: string;
}

/** A finding as reported; the engine always sets confidence, signals and variant (reports read back from older JSON may lack them). */
export interface Finding extends FindingDraft {
  id: string;
  remediation: Remediation;
}

/** `other`: a file that is not a log, dump, metrics or audit file (HTML, a config, a binary); listed, not read. */
export type InputKind = 'log' | 'bundle' | 'resources' | 'audit' | 'metrics' | 'cluster' | 'prometheus' | 'other';

/** One entry of `inputs[]`: what was read and how well. */
export interface InputReport {
  source: string;
  kind: InputKind;
  format: string;
  lines: number;
  /** Lines in a known format (for inputs other than logs: lines read as what the input is). */
  recognised?: number;
  /** Lines attached to the record before them (stack traces, struct dumps, wrapped and blank lines). */
  continuations?: number;
  /** Lines neither recognised nor continuations. */
  unparsed: number;
  /** Time span of the input's lines (RFC 3339), null when none had a time. */
  span?: { from: string; to: string } | null;
  problems: string[];
  /** Wrapper around the log lines (cri, timestamp, compose), when there was one. */
  wrapper?: string;
  /** Lines longer than the line cap that were cut. */
  truncatedLines?: number;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'ctrlscope'; version: string };
  generatedAt: string;
  inputs: InputReport[];
  findings: Finding[];
  summary: Record<Severity, number>;
  /** Problems of the run itself (an analyzer that failed, an expired suppression). */
  problems?: string[];
  /** What the verdict rests on: what was read, what was not, and what each rule saw. */
  coverage?: Coverage;
}

/** An RFC3339 time range, or null when nothing carried a time. */
export type Span = { from: string; to: string } | null;

/** The time window a run was limited to, and what it left out. */
export interface CoverageWindow {
  since: string | null;
  until: string | null;
  /** Timed records left out by the window. */
  excluded: number;
  /** Timed records the window was applied to. */
  total: number;
  /** What relative times (--since 2h) counted back from: the bundle's capture time, the data's last timestamp, or the clock. */
  anchor?: { time: string; from: 'capture-time' | 'last-timestamp' | 'clock' };
}

/** An input, or a member of one, that was not read, and why. */
export interface Unread {
  source: string;
  reason: string;
}

export type SourceStatus = 'connected' | 'disconnected' | 'forbidden' | 'syncing' | 'missing';

/** A place data comes from (a file, a cluster context, an endpoint) and whether it delivered. */
export interface SourceCoverage {
  source: string;
  status: SourceStatus;
  reason?: string;
}

export type RuleStatus = 'ok' | 'no-data' | 'blind' | 'disconnected' | 'syncing';

/** What one rule saw: `ok` only when its inputs were present. */
export interface RuleCoverage {
  rule: RuleId;
  status: RuleStatus;
  reason?: string;
  seen: Record<string, number>;
}

/** The report's coverage section: the ground under the verdict. */
export interface Coverage {
  /** Log inputs (and other inputs) read, and how many of them are not logs. */
  files: number;
  nonLogFiles: number;
  lines: number;
  /** Lines in a known format. */
  recognised: number;
  /** Lines attached to the record before them (stack traces, struct dumps). */
  continuations: number;
  unparsed: number;
  span: Span;
  window: CoverageWindow;
  unread: Unread[];
  sources: SourceCoverage[];
  rules: RuleCoverage[];
}

/** Orders findings: most severe first, then rule, then subject name. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    compareText(a.rule, b.rule) ||
    compareText(a.subject.name, b.subject.name)
  );
}
