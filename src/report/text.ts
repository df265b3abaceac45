// The text reporter for people: the verdict with what it rests on (lines read, time span,
// window, inputs not read, rules that saw nothing), findings grouped by severity, each with its
// numbers, evidence (file:line) and remediation; then what was read. Wrapped to the terminal's
// width, never inside a word. `brief` prints one block of at most six lines per finding, for
// incident channels. Colour only when asked (the command decides from the TTY and NO_COLOR).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Report, Severity } from '../core/finding.js';
import { subjectText } from '../engine/finding-id.js';
import { shorten, wrap } from './shorten.js';
import { coverageLine, findingsVerdict, notOk, ruleLine, windowLine } from './verdict.js';

/** Options of the text reporter. */
export interface TextOptions {
  color?: boolean;
  /** Evidence lines shown per finding (default 5). */
  maxEvidence?: number;
  /** Columns to wrap to (default 100). */
  width?: number;
  /** One block of at most six lines per finding. */
  brief?: boolean;
}

const ORDER: Severity[] = ['critical', 'warning', 'info'];
const LABEL: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/** Renders the report as text. */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = Math.max(40, opts.width ?? 100);
  const paint: Record<Severity, ChalkInstance> = { critical: c.red.bold, warning: c.yellow.bold, info: c.cyan };
  const { critical, warning, info } = report.summary;
  const out: string[] = [];
  const para = (text: string, indent = '', hang = indent + '  ') => out.push(...wrap(text, width, indent, hang));
  const head = `ctrlscope ${report.tool.version}: ${findingsVerdict(report)} (${critical} critical, ${warning} warning, ${info} info)`;
  out.push(...wrap(head, width, '', '  ').map((l, i) => (i === 0 ? c.bold(l) : l)));
  const cov = report.coverage;
  if (cov) {
    para(coverageLine(cov), '  ', '    ');
    const w = windowLine(cov);
    if (w) para(w, '  ', '    ');
    for (const u of cov.unread) out.push(...wrap(`not read: ${u.source}: ${u.reason}`, width, '  ', '    ').map((l) => c.yellow(l)));
    for (const r of notOk(cov)) out.push(...wrap(ruleLine(r), width, '  ', '    ').map((l) => c.yellow(l)));
  }
  if (opts.brief) {
    for (const sev of ORDER) for (const f of report.findings.filter((x) => x.severity === sev)) out.push('', ...briefBlock(f, width, c, paint[sev]));
    for (const p of report.problems ?? []) out.push(c.red(`! ${p}`));
    return out.join('\n') + '\n';
  }
  for (const sev of ORDER) {
    const group = report.findings.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    out.push('', paint[sev](`${LABEL[sev]} (${group.length})`));
    for (const f of group) out.push(...renderFinding(f, c, paint[sev], opts.maxEvidence ?? 5, width));
  }
  out.push('', c.bold('Inputs'));
  for (const i of report.inputs) {
    const bits = [`${i.kind}`, i.format + (i.wrapper ? ` (${i.wrapper})` : '')];
    bits.push(i.lines ? `${i.lines} line${i.lines === 1 ? '' : 's'}` : 'empty');
    if (i.unparsed) bits.push(`${i.unparsed} unparsed`);
    if (i.truncatedLines) bits.push(`${i.truncatedLines} cut at 1 MiB`);
    out.push(...wrap(`${i.source}: ${bits.join(', ')}`, width, '  ', '    '));
    for (const p of i.problems) out.push(c.yellow(`    ! ${p}`));
  }
  if (cov && cov.rules.length) {
    // Rules that saw nothing were named, with the reason, under the verdict.
    out.push('', c.bold('Rules'));
    for (const r of cov.rules) out.push(...wrap(r.status === 'ok' ? ruleLine(r) : `${r.rule}: ${r.status.toUpperCase()} (see above)`, width, '  ', '    '));
  }
  // Problems stay one line each: they are what people search for and paste.
  for (const p of report.problems ?? []) out.push(c.red(`! ${p}`));
  return out.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ChalkInstance, paint: ChalkInstance, maxEvidence: number, width: number): string[] {
  const lines = ['', ...wrap(`${paint(`[${f.rule}]`)} ${c.bold(f.title)}`, width + visibleExtra(paint, c), '  ', '    ')];
  lines.push(...wrap(`subject: ${subjectText(f.subject)}`, width, '    ', '      '));
  lines.push(...wrap(f.summary, width, '    ', '    '));
  const metrics = Object.entries(f.metrics).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  if (metrics.length) lines.push(...wrap(`numbers: ${metrics.join(' ')}`, width, '    ', '      '));
  if (f.confidence) lines.push(...wrap(`confidence: ${f.confidence}${f.signals?.length ? ` (${f.signals.join(' + ')})` : ''}${f.variant && f.variant !== 'default' ? `; variant ${f.variant}` : ''}`, width, '    ', '      '));
  if (f.firstSeen || f.lastSeen) lines.push(`    seen: ${f.firstSeen ?? '?'} → ${f.lastSeen ?? '?'}`);
  if (f.evidence.length) {
    lines.push('    evidence:');
    for (const e of f.evidence.slice(0, maxEvidence)) {
      const room = Math.max(24, width - 8 - e.source.length);
      lines.push(`      ${c.dim(e.source)}  ${shorten(e.text, room)}`);
    }
    if (f.evidence.length > maxEvidence) lines.push(c.dim(`      … ${f.evidence.length - maxEvidence} more (-o json shows all)`));
  }
  lines.push(...wrap(`fix: ${f.remediation.summary}`, width, '    ', '      '));
  f.remediation.steps.forEach((step, i) => lines.push(...wrap(`${i + 1}. ${step}`, width, '      ', '         ')));
  lines.push(...wrap(`id: ${f.id}   more: ctrlscope explain ${f.rule}`, width, '    ', '    ').map((l) => c.dim(l)));
  return lines;
}

/**
 * One finding in at most six lines: what and where, the numbers, the decisive evidence, the
 * first thing to do, the fix, and the id.
 */
export function briefBlock(f: Finding, width: number, c: ChalkInstance = new Chalk({ level: 0 }), paint: ChalkInstance = c): string[] {
  const out = [
    `${paint(LABEL[f.severity])} ${shorten(`${f.rule} · ${subjectText(f.subject)}`, width - LABEL[f.severity].length - 1)}`,
    `  ${shorten(f.summary, width - 2)}`,
  ];
  const e = f.evidence[0];
  if (e) out.push(`  ${c.dim(shorten(e.source, 40))} ${shorten(e.text, Math.max(30, width - 3 - Math.min(40, e.source.length)))}`);
  const [first, ...rest] = f.remediation.steps;
  if (first) out.push(`  now: ${shorten(first.replace(/^Now: /, ''), width - 7)}`);
  if (rest.length || f.remediation.summary) out.push(`  fix: ${shorten(f.remediation.summary, width - 7)}`);
  out.push(c.dim(`  id ${f.id} · ctrlscope explain ${f.rule}`));
  return out.slice(0, 6);
}

/** Columns the colour codes of a painted label add (wrap counts characters, not cells). */
function visibleExtra(paint: ChalkInstance, c: ChalkInstance): number {
  return paint('x').length - 1 + c.bold('x').length - 1;
}
