// The gate behind `ctrlscope check`: applies suppressions (with expiry), compares with a baseline
// report by finding id, and decides from the fail threshold whether the check fails. Pure
// functions over a Report; only loadBaseline reads a file.
import type { Config, Suppression } from '../core/config.js';
import { describeError, EXIT, UserError } from '../core/errors.js';
import { globMatch } from '../core/glob.js';
import { readUserFile } from '../core/user-file.js';
import { SEVERITY_RANK, type Finding, type Report, type RuleId, type RuleStatus, type Severity, type Subject } from '../core/finding.js';
import { legacyFindingId } from './finding-id.js';

/** Finding ids of an earlier report. */
export interface Baseline {
  /** The file it came from. */
  source: string;
  ids: ReadonlySet<string>;
}

/** A finding the config suppressed, with the suppression's reason. */
export interface SuppressedFinding {
  id: string;
  rule: RuleId;
  severity: Severity;
  title: string;
  subject: Subject;
  reason: string;
  expires?: string;
  /** `file:line` of the suppression. */
  where: string;
}

/** What the gate decided; `check` adds it to the report as `gate`. */
export interface GateSummary {
  /** The default threshold (rules may set their own in the config). */
  failOn: Severity;
  /** Threshold of each rule that ran. */
  thresholds: Partial<Record<RuleId, Severity>>;
  /** Rules that ran. */
  rules: RuleId[];
  passed: boolean;
  /** Ids of the findings that fail the check: at/above their rule's threshold, not suppressed, not in the baseline. */
  failing: string[];
  /** Baseline file, when one was given. */
  baseline?: string;
  /** Ids of findings already present in the baseline (reported, never failing). */
  baselined: string[];
  /** Findings removed from `findings` by a suppression. */
  suppressed: SuppressedFinding[];
  /** Rules that saw none of their inputs, with their status (see the report's coverage). */
  blind: { rule: RuleId; status: RuleStatus }[];
  /** Whether a blind rule fails the check (--fail-on-blind). */
  failOnBlind: boolean;
}

/** A report after the gate: suppressed findings removed, summary recounted, the decision in `gate`. */
export interface CheckedReport extends Report {
  gate: GateSummary;
}

/** What the gate needs besides the report. */
export interface GateOptions {
  failOn: Severity;
  /** Rules that ran (for per-rule thresholds and the JUnit "no finding" cases). */
  rules: readonly RuleId[];
  config?: Config;
  baseline?: Baseline;
  /** Wall-clock "now" in epoch ms, for suppression expiry. */
  now: number;
  /** Fail when a rule saw none of its inputs. */
  failOnBlind?: boolean;
}

/** Applies suppressions, the baseline and the thresholds to a report. */
export function applyGate(report: Report, opts: GateOptions): CheckedReport {
  const suppressions = opts.config?.suppressions ?? [];
  const active = suppressions.filter((s) => !isExpired(s, opts.now));
  const problems = [...(report.problems ?? [])];
  for (const s of suppressions) if (isExpired(s, opts.now)) problems.push(expiredMessage(s));

  const thresholds: Partial<Record<RuleId, Severity>> = {};
  for (const r of opts.rules) thresholds[r] = thresholdFor(r, opts.failOn, opts.config);

  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of report.findings) {
    const s = active.find((x) => matchesSuppression(f, x));
    if (!s) {
      kept.push(f);
      continue;
    }
    const entry: SuppressedFinding = { id: f.id, rule: f.rule, severity: f.severity, title: f.title, subject: f.subject, reason: s.reason, where: s.where };
    if (s.expires) entry.expires = s.expires;
    suppressed.push(entry);
  }

  const baselined: string[] = [];
  const failing: string[] = [];
  for (const f of kept) {
    if (opts.baseline && (opts.baseline.ids.has(f.id) || opts.baseline.ids.has(legacyFindingId(f)))) {
      baselined.push(f.id);
      continue;
    }
    const threshold = thresholds[f.rule] ?? thresholdFor(f.rule, opts.failOn, opts.config);
    if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]) failing.push(f.id);
  }

  const summary: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of kept) summary[f.severity]++;
  const ran = new Set(opts.rules);
  const blind = (report.coverage?.rules ?? []).filter((r) => r.status !== 'ok' && ran.has(r.rule)).map((r) => ({ rule: r.rule, status: r.status }));
  const failOnBlind = opts.failOnBlind ?? false;
  const gate: GateSummary = {
    failOn: opts.failOn,
    thresholds,
    rules: [...opts.rules],
    passed: failing.length === 0 && !(failOnBlind && blind.length > 0),
    failing,
    baselined,
    suppressed,
    blind,
    failOnBlind,
  };
  if (opts.baseline) gate.baseline = opts.baseline.source;
  const out: CheckedReport = { ...report, findings: kept, summary, gate };
  if (problems.length) out.problems = problems;
  else delete out.problems;
  return out;
}

/** Exit code of `check` for a gated report: 0 when it passed, 1 when something fails. */
export function exitCodeOf(report: CheckedReport): 0 | 1 {
  return report.gate.passed ? EXIT.ok : EXIT.findings;
}

/** A rule's threshold: its own `failOn` in the config, else the command's. */
export function thresholdFor(rule: RuleId, failOn: Severity, config?: Config): Severity {
  return config?.rules[rule]?.failOn ?? failOn;
}

/** Whether a suppression has passed its expiry at `now`. */
export function isExpired(s: Suppression, now: number): boolean {
  return s.expiresAt !== undefined && now >= s.expiresAt;
}

/** Whether a suppression covers a finding: same rule (or `*`), name and the optional fields by glob, kind exactly. */
export function matchesSuppression(f: Finding, s: Suppression): boolean {
  if (s.rule !== '*' && s.rule !== f.rule) return false;
  const want = s.subject;
  const got = f.subject;
  if (!globMatch(want.name, got.name)) return false;
  if (want.kind !== undefined && want.kind !== got.kind) return false;
  if (want.namespace !== undefined && !globMatch(want.namespace, got.namespace ?? '')) return false;
  if (want.controller !== undefined && !globMatch(want.controller, got.controller ?? '')) return false;
  return true;
}

/** Matches `value` against a glob where `*` is any run of characters and `?` one character (in linear time). */
export { globMatch };

function expiredMessage(s: Suppression): string {
  const subject = [s.subject.kind, s.subject.namespace ? `${s.subject.namespace}/${s.subject.name}` : s.subject.name].filter(Boolean).join(' ');
  return `suppression at ${s.where} (rule ${s.rule}, subject ${subject}: ${s.reason}) expired on ${s.expires}: it no longer suppresses anything; fix the finding or renew the suppression with a later date`;
}

/**
 * Largest baseline read. A baseline is a JSON report: ten thousand findings with their evidence
 * (at most a few kilobytes each) stay well under it; JSON.parse holds several times the size.
 */
export const MAX_BASELINE_BYTES = 64 << 20;

/** Reads the finding ids of an earlier `-o json` report. */
export async function loadBaseline(path: string): Promise<Baseline> {
  const text = await readUserFile(path, {
    what: 'baseline',
    maxBytes: MAX_BASELINE_BYTES,
    tryMessage: 'write one with `ctrlscope check … --write-baseline FILE` (or `ctrlscope scan … -o json > FILE`)',
  });
  return parseBaseline(text, path);
}

/** Parses a baseline: a ctrlscope JSON report (schemaVersion 1) whose findings carry ids. */
export function parseBaseline(text: string, source: string): Baseline {
  const hint = 'a baseline is the JSON report of an earlier run: `ctrlscope check … --write-baseline FILE` or `ctrlscope scan … -o json > FILE`';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`baseline ${source} is not JSON: ${describeError(err)}`, hint);
  }
  const rep = data as { schemaVersion?: unknown; findings?: unknown };
  if (typeof data !== 'object' || data === null || !Array.isArray(rep.findings)) {
    throw new UserError(`baseline ${source} is not a ctrlscope JSON report: it has no findings list`, hint);
  }
  if (rep.schemaVersion !== 1) {
    throw new UserError(`baseline ${source} has schemaVersion ${JSON.stringify(rep.schemaVersion)}; this ctrlscope reads schemaVersion 1`, hint);
  }
  const ids = new Set<string>();
  rep.findings.forEach((f: unknown, i: number) => {
    const id = (f as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw new UserError(`baseline ${source}: findings[${i}] has no id`, hint);
    ids.add(id);
  });
  return { source, ids };
}

/** One line saying what the gate decided, for stderr. */
export function verdictLine(report: CheckedReport): string {
  const g = report.gate;
  const total = report.findings.length;
  const extra = [
    ...(g.baseline !== undefined ? [`${g.baselined.length} already in the baseline`] : []),
    ...(g.suppressed.length ? [`${g.suppressed.length} suppressed`] : []),
  ];
  const tail = extra.length ? ` (${extra.join(', ')})` : '';
  const blind = g.blind ?? [];
  const byStatus = new Map<string, string[]>();
  for (const x of blind) byStatus.set(x.status, [...(byStatus.get(x.status) ?? []), x.rule]);
  const blindText = [...byStatus].map(([status, rules]) => `${rules.join(', ')}: ${status}`).join('; ');
  const who = blind.length === g.rules.length ? 'no rule saw any input' : `${blind.length} rule${blind.length === 1 ? '' : 's'} saw no input`;
  const seenNothing = blind.length
    ? g.failOnBlind
      ? `; ${who}, which fails it with --fail-on-blind (${blindText})`
      : `; ${who} (${blindText}; --fail-on-blind fails on this)`
    : '';
  const counted = `${total} finding${total === 1 ? '' : 's'}`;
  if (g.passed) return `ctrlscope check: passed — ${counted}, none failing at --fail-on ${g.failOn}${tail}${seenNothing}`;
  if (g.failing.length === 0) return `ctrlscope check: failed — ${counted} failing at --fail-on ${g.failOn}${tail}${seenNothing}`;
  return `ctrlscope check: failed — ${g.failing.length} of ${counted} at or above --fail-on ${g.failOn}${tail}${seenNothing}`;
}
