// The report's coverage section: what was read (files, lines, how much was recognised, the time
// span), what the time window left out, what could not be read, and for each rule whether its
// inputs were there at all. A verdict of "no findings" means something only next to this.
import type {
  Coverage, CoverageWindow, InputReport, RuleCoverage, RuleId, RuleStatus, SourceCoverage, Span, Unread,
} from '../core/finding.js';

/** What a rule reported through Analyzer.seen (or the engine counted for it). */
export interface RuleSeen {
  rule: RuleId;
  seen: Record<string, number>;
  /** Set when the analyzer failed: its findings are missing, whatever it saw. */
  failed?: string;
}

/** Everything the coverage section is made of. */
export interface CoverageParts {
  inputs: readonly InputReport[];
  rules: readonly RuleSeen[];
  window: CoverageWindow;
  /** Time range of the timed records the engine saw, when the inputs report none of their own. */
  eventSpan: { from: number; to: number } | undefined;
  unread: readonly Unread[];
  sources: readonly SourceCoverage[];
}

/**
 * Reasons, in input problems, that mean part of an input was not read at all (as opposed to
 * lines that were read but not understood). The sources word their problems this way.
 */
const UNREAD_PROBLEM = /^(cannot read|read failed|skipped|not read|encrypted|nested archive|refused|unreadable|permission denied)|\b(not read|was not read|were not read|encrypted|password-protected|nested archive|cannot be read)\b/i;

/**
 * An input problem as an unread entry: a problem that names a member (`bundle.zip:pods/a.log:
 * encrypted: …`) is about that member.
 */
function unreadOf(source: string, problem: string): Unread {
  if (problem.startsWith(`${source}:`)) {
    const sep = problem.indexOf(': ', source.length + 1);
    if (sep > source.length + 1) return { source: problem.slice(0, sep), reason: problem.slice(sep + 2) };
  }
  return { source, reason: problem };
}

/** Builds the coverage section. */
export function buildCoverage(p: CoverageParts): Coverage {
  let lines = 0;
  let recognised = 0;
  let continuations = 0;
  let unparsed = 0;
  let files = 0;
  let nonLogFiles = 0;
  let from: string | undefined;
  let to: string | undefined;
  const unread: Unread[] = [...p.unread];
  for (const i of p.inputs) {
    const other = i.kind === 'other';
    if (i.kind !== 'cluster' && i.kind !== 'prometheus' && i.kind !== 'bundle') files++;
    if (other) {
      nonLogFiles++;
    } else {
      lines += i.lines;
      unparsed += i.unparsed;
      continuations += i.continuations ?? 0;
      recognised += i.recognised ?? Math.max(0, i.lines - i.unparsed - (i.continuations ?? 0));
    }
    if (i.span) {
      if (from === undefined || i.span.from < from) from = i.span.from;
      if (to === undefined || i.span.to > to) to = i.span.to;
    }
    for (const problem of i.problems) {
      if (UNREAD_PROBLEM.test(problem)) unread.push(unreadOf(i.source, problem));
    }
  }
  let span: Span = from !== undefined && to !== undefined ? { from, to } : null;
  if (!span && p.eventSpan) span = { from: rfc3339(p.eventSpan.from), to: rfc3339(p.eventSpan.to) };
  return {
    files,
    nonLogFiles,
    lines,
    recognised,
    continuations,
    unparsed,
    span,
    window: p.window,
    unread: dedupe(unread),
    sources: [...p.sources],
    rules: p.rules.map((r) => ruleCoverage(r, p.sources)),
  };
}

/** One rule's status: `ok` when it saw any of its inputs, else why not. */
export function ruleCoverage(r: RuleSeen, sources: readonly SourceCoverage[]): RuleCoverage {
  const seen = { ...r.seen };
  const any = Object.values(seen).some((n) => n > 0);
  if (r.failed) return { rule: r.rule, status: 'no-data', reason: `the analyzer failed: ${r.failed}`, seen };
  if (any) return { rule: r.rule, status: 'ok', seen };
  const pick = (status: SourceCoverage['status']) => sources.filter((s) => s.status === status);
  const says = (list: SourceCoverage[]) => list.map((s) => `${s.source}${s.reason ? ` (${s.reason})` : ''}`).join('; ');
  let status: RuleStatus = 'no-data';
  let reason = `nothing it reads was in the input: ${describeSeen(seen)}`;
  const forbidden = pick('forbidden');
  const down = pick('disconnected');
  const syncing = pick('syncing');
  if (forbidden.length) {
    status = 'blind';
    reason = `a permission is missing: ${says(forbidden)}`;
  } else if (down.length) {
    status = 'disconnected';
    reason = `a source is unreachable: ${says(down)}`;
  } else if (syncing.length) {
    status = 'syncing';
    reason = `a source has not finished its first list: ${says(syncing)}`;
  }
  return { rule: r.rule, status, reason, seen };
}

/** `failureRecords: 0, workqueueSeries: 0` → `0 failure records, 0 workqueue series`. */
export function describeSeen(seen: Record<string, number>): string {
  const parts = Object.entries(seen).map(([k, v]) => `${v} ${words(k)}`);
  return parts.length ? parts.join(', ') : 'no events';
}

/** camelCase → lower-case words. */
export function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Rules whose status is not `ok`: the ones a "no findings" verdict says nothing about. */
export function blindRules(c: Coverage | undefined): RuleCoverage[] {
  return (c?.rules ?? []).filter((r) => r.status !== 'ok');
}

/** RFC3339 without milliseconds when they are zero. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function dedupe(list: Unread[]): Unread[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const k = `${u.source}\u0000${u.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
