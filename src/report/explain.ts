// Renders a catalog entry as plain text (for `ctrlscope explain`) or Markdown (docs/rules.md).
import type { RuleText } from '../analyzers/catalog.js';

/** A rule's full explanation as plain text. */
export function renderRuleText(t: RuleText): string {
  const out = [`${t.rule} — ${t.title}`, '', t.meaning, ''];
  for (const p of t.explanation) out.push(wrap(p), '');
  if (t.signals?.length) out.push('Signals:', ...t.signals.map((s) => `  - ${s}`), '');
  if (t.variants?.length) out.push('Variants:', ...t.variants.map((v) => `  - ${v.id}: ${v.text}`), '');
  out.push('Severity:', ...t.severity.map((s) => `  - ${s}`), '');
  out.push('Not flagged:', ...t.notFlagged.map((s) => `  - ${s}`), '');
  out.push(`Fix: ${t.remediation.summary}`, ...t.remediation.steps.map((s, i) => `  ${i + 1}. ${s}`), '');
  out.push('References:', ...t.remediation.references.map((r) => `  ${r}`));
  return out.join('\n') + '\n';
}

/** A rule's full explanation as Markdown. */
export function renderRuleMarkdown(t: RuleText): string {
  const out = [`## \`${t.rule}\` — ${t.title}`, '', `*${t.meaning}*`, ''];
  for (const p of t.explanation) out.push(p, '');
  if (t.signals?.length) out.push('**Signals**', '', ...t.signals.map((s) => `- ${s}`), '');
  if (t.variants?.length) out.push('**Variants** (the finding\'s `variant`)', '', ...t.variants.map((v) => `- \`${v.id}\` — ${v.text}`), '');
  out.push('**Severity**', '', ...t.severity.map((s) => `- ${s}`), '');
  out.push('**Not flagged**', '', ...t.notFlagged.map((s) => `- ${s}`), '');
  out.push(`**Fix:** ${t.remediation.summary}`, '', ...t.remediation.steps.map((s, i) => `${i + 1}. ${s}`), '');
  out.push('**References**', '', ...t.remediation.references.map((r) => `- <${r}>`), '');
  return out.join('\n');
}

function wrap(text: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}
