// The detail view of one finding: subject, summary, numbers, evidence and remediation, scrollable.
import React from 'react';
import { Box, Text } from 'ink';
import type { DetailModel } from './view-model.js';

interface Line {
  text: string;
  bold?: boolean;
  dim?: boolean;
  colour?: string;
}

/** Flattens the detail into display lines (pure; exported for tests). */
export function detailLines(m: DetailModel): Line[] {
  const out: Line[] = [];
  out.push({ text: `${m.severity.toUpperCase()}  ${m.rule}  ${m.title}`, bold: true, colour: m.colour });
  out.push({ text: m.subject });
  if (m.seen) out.push({ text: `seen ${m.seen}`, dim: true });
  out.push({ text: '' });
  out.push({ text: m.summary });
  if (m.metrics.length) {
    out.push({ text: '' }, { text: 'Numbers', bold: true });
    for (const x of m.metrics) out.push({ text: `  ${x}` });
  }
  if (m.evidence.length) {
    out.push({ text: '' }, { text: `Evidence (${m.evidence.length})`, bold: true });
    for (const e of m.evidence) {
      out.push({ text: `  ${e.source}${e.time ? `  ${e.time}` : ''}`, dim: true });
      out.push({ text: `    ${e.text}` });
    }
  }
  out.push({ text: '' }, { text: 'Remediation', bold: true }, { text: `  ${m.remediation.summary}` });
  m.remediation.steps.forEach((s, i) => out.push({ text: `  ${i + 1}. ${s}` }));
  for (const r of m.remediation.references) out.push({ text: `  ${r}`, dim: true });
  return out;
}

/** Scrollable view of one finding. */
export function DetailView({ model, height, scroll }: { model: DetailModel; height: number; scroll: number }): React.JSX.Element {
  const lines = detailLines(model);
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
