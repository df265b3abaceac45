// The Markdown reporter, for pull-request comments and CI job summaries ($GITHUB_STEP_SUMMARY):
// the verdict, a table of severity counts, one section per finding with its numbers, evidence in
// fenced code and the remediation steps, then suppressed findings and problems. Pure:
// (report) => string.
import type { Finding, Report, Severity } from '../core/finding.js';
import type { GateSummary } from '../engine/gate.js';
import { subjectText as subjectOf } from '../engine/finding-id.js';
import { shorten } from './shorten.js';
import { coverageLine, findingsVerdict, notOk, ruleLine, windowLine } from './verdict.js';

/** Options of the Markdown reporter. */
export interface MarkdownOptions {
  /** Evidence lines shown per finding (default 10). */
  maxEvidence?: number;
}

const ORDER: Severity[] = ['critical', 'warning', 'info'];
const LABEL: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };
/** Longest evidence line quoted, in characters. */
const MAX_LINE = 400;

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report & { gate?: GateSummary }, opts: MarkdownOptions = {}): string {
  const gate = report.gate;
  const { critical, warning, info } = report.summary;
  const total = critical + warning + info;
  const out: string[] = [];
  const counted = `${total} finding${total === 1 ? '' : 's'}`;
  const blind = notOk(report.coverage);
  const blindNote = blind.length ? ` — ${blind.length === report.coverage!.rules.length ? 'no rule' : `${blind.length} rule${blind.length === 1 ? '' : 's'}`} saw no input${gate?.failOnBlind ? ' (fails with `--fail-on-blind`)' : ''}` : '';
  if (gate) {
    const failing = gate.failing.length;
    out.push(
      gate.passed
        ? `## ctrlscope check passed: ${counted}, none failing at \`--fail-on ${gate.failOn}\`${blindNote}`
        : failing === 0
          ? `## ctrlscope check failed: ${counted}${blindNote}`
          : `## ctrlscope check failed: ${failing} of ${counted} failing at \`--fail-on ${gate.failOn}\`${blindNote}`,
    );
  } else {
    out.push(`## ctrlscope: ${inline(findingsVerdict(report))}`);
  }
  out.push('', '| Severity | Findings |', '| --- | ---: |');
  for (const sev of ORDER) out.push(`| ${LABEL[sev]} | ${report.summary[sev]} |`);
  const notes: string[] = [];
  if (gate?.baseline !== undefined) notes.push(`${gate.baselined.length} already in the baseline ${code(gate.baseline)}`);
  if (gate?.suppressed.length) notes.push(`${gate.suppressed.length} suppressed`);
  const lines = report.inputs.reduce((n, i) => n + i.lines, 0);
  notes.push(`${report.inputs.length} input${report.inputs.length === 1 ? '' : 's'}, ${lines} lines read`);
  out.push('', `${notes.join(' · ')} · ctrlscope ${report.tool.version} · ${report.generatedAt}`);
  const cov = report.coverage;
  if (cov) {
    out.push('', '### Coverage', '', `${inline(coverageLine(cov))}.`);
    const w = windowLine(cov);
    if (w) out.push('', `${inline(w)}.`);
    if (cov.unread.length) {
      out.push('', '**Not read:**', '');
      for (const u of cov.unread) out.push(`- ${code(u.source)}: ${inline(u.reason)}`);
    }
    if (cov.rules.length) {
      out.push('', '| Rule | Status | Saw |', '| --- | --- | --- |');
      for (const r of cov.rules) out.push(`| ${cell(r.rule)} | ${r.status === 'ok' ? 'ok' : `**${r.status}**`} | ${cell(r.status === 'ok' ? ruleLine(r).replace(/^.*?\(saw (.*)\)$/, '$1') : (r.reason ?? ''))} |`);
    }
  }

  for (const f of report.findings) out.push('', ...finding(f, gate, opts.maxEvidence ?? 10));

  if (gate?.suppressed.length) {
    out.push('', '### Suppressed', '', '| Rule | Subject | Reason | Expires | Where |', '| --- | --- | --- | --- | --- |');
    for (const s of gate.suppressed) {
      out.push(`| ${cell(s.rule)} | ${cell(subjectText(s.subject))} | ${cell(s.reason)} | ${cell(s.expires ?? '—')} | ${cell(s.where)} |`);
    }
  }
  const problems = [...(report.problems ?? []), ...report.inputs.flatMap((i) => i.problems.map((p) => `${i.source}: ${p}`))];
  if (problems.length) {
    out.push('', '### Problems', '');
    for (const p of problems) out.push(`- ${inline(p)}`);
  }
  return out.join('\n') + '\n';
}

function finding(f: Finding, gate: GateSummary | undefined, maxEvidence: number): string[] {
  const state = !gate
    ? ''
    : gate.failing.includes(f.id)
      ? ' — **fails the check**'
      : gate.baselined.includes(f.id)
        ? ' — already in the baseline'
        : ' — below the threshold';
  const out = [
    `### ${LABEL[f.severity]} · ${f.rule} · ${inline(subjectText(f.subject))}`,
    '',
    `**${inline(f.title)}**${state}`,
    '',
    inline(f.summary),
  ];
  const metrics = Object.entries(f.metrics);
  if (metrics.length) {
    out.push('', '| Metric | Value |', '| --- | --- |');
    for (const [k, v] of metrics) out.push(`| ${cell(k)} | ${cell(Array.isArray(v) ? v.join(', ') : String(v))} |`);
  }
  if (f.firstSeen || f.lastSeen) out.push('', `Seen ${f.firstSeen ?? '?'} → ${f.lastSeen ?? '?'}`);
  if (f.evidence.length) {
    const shown = f.evidence.slice(0, maxEvidence).map((e) => `${e.source}  ${truncate(e.text)}`);
    if (f.evidence.length > maxEvidence) shown.push(`… ${f.evidence.length - maxEvidence} more (-o json shows all)`);
    out.push('', `Evidence (${f.evidence.length}):`, '', ...fenced(shown.join('\n')));
  }
  out.push('', `**Fix:** ${inline(f.remediation.summary)}`, '');
  f.remediation.steps.forEach((s, i) => out.push(`${i + 1}. ${inline(s)}`));
  if (f.remediation.references.length) out.push('', `References: ${f.remediation.references.map((r) => `<${r}>`).join(' · ')}`);
  out.push('', `<sub>id ${code(f.id)} · more: ${code(`ctrlscope explain ${f.rule}`)}</sub>`);
  return out;
}

function subjectText(s: Finding['subject']): string {
  return subjectOf(s);
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function fenced(body: string): string[] {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, body, fence];
}

/** Inline code that survives backticks inside. */
export function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/**
 * Text in a paragraph or heading, on one line: Markdown and HTML punctuation is escaped, except
 * inside `code spans` (the catalog's remediation writes code that way), where only pipes are.
 */
export function inline(s: string): string {
  const one = s.replace(/\r?\n/g, ' ');
  let out = '';
  let last = 0;
  for (const m of one.matchAll(/(`+)(?!`)(.+?)(?<!`)\1(?!`)/g)) {
    out += escapeText(one.slice(last, m.index)) + m[0].replace(/\|/g, '\\|');
    last = m.index + m[0].length;
  }
  return out + escapeText(one.slice(last));
}

function escapeText(s: string): string {
  return s.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
}

/** Text in a table cell: like inline, pipes escaped. */
export function cell(s: string): string {
  return inline(s);
}

function truncate(s: string): string {
  return shorten(s, MAX_LINE);
}
