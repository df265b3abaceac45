// `e`: what a rule means, how the controller gets there and how ctrlscope recognises it.
import React from 'react';
import { Box, Text } from 'ink';
import type { ExplainModel } from './view-model.js';
import { wrapText } from './view-model.js';

interface Line {
  text: string;
  bold?: boolean;
  dim?: boolean;
}

/** The explanation as display lines wrapped to `width` (pure; exported for tests). */
export function explainLines(m: ExplainModel, width: number): Line[] {
  const out: Line[] = [];
  const para = (text: string, style: Omit<Line, 'text'> = {}, indent = '') => {
    for (const l of wrapText(text, width, indent)) out.push({ text: l, ...style });
    out.push({ text: '' });
  };
  para(`${m.rule} — ${m.title}`, { bold: true });
  para(m.meaning, { dim: true });
  for (const p of m.paragraphs) para(p);
  out.push({ text: 'Severity', bold: true });
  for (const s of m.severity) for (const l of wrapText(`• ${s}`, width, '  ')) out.push({ text: l });
  return out;
}

/** The catalog's explanation of one rule, scrollable. */
export function ExplainView({ model, height, scroll, width }: { model: ExplainModel; height: number; scroll: number; width: number }): React.JSX.Element {
  const lines = explainLines(model, width - 4);
  const top = Math.min(scroll, Math.max(0, lines.length - height));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      {lines.slice(top, top + height).map((l, i) => (
        <Text key={top + i} bold={l.bold} dimColor={l.dim} wrap="truncate-end">
          {l.text || ' '}
        </Text>
      ))}
      {lines.length > top + height ? <Text dimColor>↓ {lines.length - top - height} more lines</Text> : null}
    </Box>
  );
}
