// The text reporter for people: findings grouped by severity, each with its numbers, evidence
// (file:line) and remediation; then what was read. Colour only when asked (the command decides
// from the TTY and NO_COLOR). Plain enough to paste into an incident channel.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Report, Severity } from '../core/finding.js';

/** Options of the text reporter. */
export interface TextOptions {
  color?: boolean;
  /** Evidence lines shown per finding (default 5). */
  maxEvidence?: number;
}

const ORDER: Severity[] = ['critical', 'warning', 'info'];
const LABEL: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/** Renders the report as text. */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<Severity, ChalkInstance> = { critical: c.red.bold, warning: c.yellow.bold, info: c.cyan };
  const out: string[] = [];
  const { critical, warning, info } = report.summary;
  const total = critical + warning + info;
  out.push(c.bold(`ctrlscope ${report.tool.version}: ${total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'}`} (${critical} critical, ${warning} warning, ${info} info)`));
  for (const sev of ORDER) {
    const group = report.findings.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    out.push('', paint[sev](`${LABEL[sev]} (${group.length})`));
    for (const f of group) out.push(...renderFinding(f, c, paint[sev], opts.maxEvidence ?? 5));
  }
  out.push('', c.bold('Inputs'));
  for (const i of report.inputs) {
    const bits = [`${i.kind}`, i.format + (i.wrapper ? ` (${i.wrapper})` : '')];
    bits.push(i.lines ? `${i.lines} line${i.lines === 1 ? '' : 's'}` : 'empty');
    if (i.unparsed) bits.push(`${i.unparsed} unparsed`);
    if (i.truncatedLines) bits.push(`${i.truncatedLines} cut at 1 MiB`);
    out.push(`  ${i.source}: ${bits.join(', ')}`);
    for (const p of i.problems) out.push(c.yellow(`    ! ${p}`));
  }
  for (const p of report.problems ?? []) out.push(c.red(`! ${p}`));
  return out.join('\n') + '\n';
}

function renderFinding(f: Finding, c: ChalkInstance, paint: ChalkInstance, maxEvidence: number): string[] {
  const s = f.subject;
  const where = [s.kind, s.namespace ? `${s.namespace}/${s.name}` : s.name].join(' ');
  const lines = [
    '',
    `  ${paint(`[${f.rule}]`)} ${c.bold(f.title)}`,
    `    subject: ${where}${s.controller ? ` (controller ${s.controller})` : ''}`,
    `    ${f.summary}`,
  ];
  const metrics = Object.entries(f.metrics).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  if (metrics.length) lines.push(`    numbers: ${metrics.join(' ')}`);
  if (f.confidence) lines.push(`    confidence: ${f.confidence}${f.signals?.length ? ` (${f.signals.join(' + ')})` : ''}${f.variant && f.variant !== 'default' ? `; variant ${f.variant}` : ''}`);
  if (f.firstSeen || f.lastSeen) lines.push(`    seen: ${f.firstSeen ?? '?'} → ${f.lastSeen ?? '?'}`);
  if (f.evidence.length) {
    lines.push('    evidence:');
    for (const e of f.evidence.slice(0, maxEvidence)) lines.push(`      ${c.dim(e.source)}  ${truncate(e.text, 240)}`);
    if (f.evidence.length > maxEvidence) lines.push(c.dim(`      … ${f.evidence.length - maxEvidence} more (-o json shows all)`));
  }
  lines.push(`    fix: ${f.remediation.summary}`);
  f.remediation.steps.forEach((step, i) => lines.push(`      ${i + 1}. ${step}`));
  lines.push(c.dim(`    id: ${f.id}   more: ctrlscope explain ${f.rule}`));
  return lines;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
