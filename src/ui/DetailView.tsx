// The detail view of one finding: subject, summary, numbers, evidence and remediation, scrollable.
import React from 'react';
import { Box, Text } from 'ink';
import type { DetailModel } from './view-model.js';
import { hardWrap, wrapText } from './view-model.js';

interface Line {
  text: string;
  bold?: boolean;
  dim?: boolean;
  colour?: string;
}

/** Flattens the detail into display lines wrapped to `width` (pure; exported for tests). */
export function detailLines(m: DetailModel, width = 100): Line[] {
  const out: Line[] = [];
  const add = (text: string, style: Omit<Line, 'text'> = {}, indent = '') => {
    const lead = /^\s*/.exec(text)![0];
    for (const l of wrapText(text, width, lead + indent)) out.push({ text: l.startsWith(lead) ? l : lead + l, ...style });
  };
  add(`${m.severity.toUpperCase()}  ${m.rule}  ${m.title}`, { bold: true, colour: m.colour });
  add(m.subject);
  if (m.seen) add(`seen ${m.seen}`, { dim: true });
  out.push({ text: '' });
  add(m.summary);
  if (m.metrics.length) {
    out.push({ text: '' }, { text: 'Numbers', bold: true });
    for (const x of m.metrics) add(`  ${x}`, {}, '  ');
  }
  if (m.evidence.length) {
    out.push({ text: '' }, { text: `Evidence (${m.evidence.length})`, bold: true });
    for (const e of m.evidence) {
      add(`  ${e.source}${e.time ? `  ${e.time}` : ''}`, { dim: true });
      for (const l of hardWrap(`    ${e.text}`, width, '    ')) out.push({ text: l });
    }
  }
  out.push({ text: '' }, { text: 'Remediation', bold: true });
  add(`  ${m.remediation.summary}`);
  m.remediation.steps.forEach((s, i) => add(`  ${i + 1}. ${s}`, {}, '   '));
  for (const r of m.remediation.references) add(`  ${r}`, { dim: true });
  return out;
}

/** Scrollable view of one finding. */
export function DetailView({ model, height, scroll, width }: { model: DetailModel; height: number; scroll: number; width: number }): React.JSX.Element {
  const lines = detailLines(model, width - 4);
  const top = Math.min(scroll, Math.max(0, lines.length - height));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={model.colour} paddingX={1}>
      {lines.slice(top, top + height).map((l, i) => (
        <Text key={top + i} bold={l.bold} dimColor={l.dim} color={l.colour} wrap="truncate-end">
          {l.text || ' '}
        </Text>
      ))}
      {lines.length > top + height ? <Text dimColor>↓ {lines.length - top - height} more lines</Text> : null}
    </Box>
  );
}
