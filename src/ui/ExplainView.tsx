// `e`: what a rule means, how the controller gets there and how ctrlscope recognises it.
import React from 'react';
import { Box, Text } from 'ink';
import type { ExplainModel } from './view-model.js';

/** The catalog's explanation of one rule. */
export function ExplainView({ model, height, scroll }: { model: ExplainModel; height: number; scroll: number }): React.JSX.Element {
  const blocks: { text: string; bold?: boolean; dim?: boolean }[] = [
    { text: `${model.rule} — ${model.title}`, bold: true },
    { text: model.meaning, dim: true },
    ...model.paragraphs.map((p) => ({ text: p })),
    { text: 'Severity', bold: true },
    ...model.severity.map((s) => ({ text: `• ${s}` })),
  ];
  const shown = blocks.slice(Math.min(scroll, Math.max(0, blocks.length - 1)));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} height={height + 2} overflow="hidden">
      {shown.map((b, i) => (
        <Box key={i} marginBottom={1}>
          <Text bold={b.bold} dimColor={b.dim}>
            {b.text}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
