// One rule's panel: status, a sparkline of the series that drives the rule, the top offenders.
import React from 'react';
import { Box, Text } from 'ink';
import type { PanelModel } from './view-model.js';

const SEV_SHORT = { critical: 'CRIT', warning: 'WARN', info: 'INFO' } as const;

/** First line of a panel without offenders: why it is quiet. */
function emptyText(m: PanelModel): string {
  if (m.filtered) return '  (all hidden by the filter)';
  switch (m.status) {
    case 'ok':
      return '  nothing seen';
    case 'blind':
      return '  cannot see its input: permission missing';
    case 'disconnected':
      return '  cannot see its input: source disconnected';
    case 'syncing':
      return '  waiting for the first list';
    case 'no-data':
      return '  no input for this rule yet';
    default:
      return ' ';
  }
}

/** Panel of one rule. */
export function RulePanel({ model, width, rows }: { model: PanelModel; width: number; rows: number }): React.JSX.Element {
  const m = model;
  const blank = Math.max(0, rows - m.offenders.length);
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle={m.selected ? 'double' : 'round'}
      borderColor={m.selected ? 'cyan' : m.colour}
      paddingX={1}
    >
      <Box justifyContent="space-between">
        <Text bold wrap="truncate-end">
          {m.rule}
        </Text>
        <Text color={m.colour} bold>
          {m.statusLabel}
        </Text>
      </Box>
      <Text wrap="truncate-end">
        <Text color={m.colour}>{m.spark}</Text>
        <Text dimColor>
          {' '}
          {m.seriesLabel} {m.sparkLast}
        </Text>
      </Text>
      {m.offenders.map((o) => (
        <Text key={o.id} wrap="truncate-end" inverse={o.selected}>
          {o.selected ? '▶ ' : '  '}
          <Text color={o.colour}>{SEV_SHORT[o.severity]}</Text> {o.name} <Text dimColor>{o.text}</Text>
        </Text>
      ))}
      {Array.from({ length: blank }, (_, i) => (
        <Text key={`blank-${i}`} dimColor wrap="truncate-end">
          {i === 0 && m.offenders.length === 0 ? emptyText(m) : i === 1 && m.offenders.length === 0 && m.reason ? `  ${m.reason}` : ' '}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {m.more ? `  +${m.more} more` : ' '}
        {m.filtered ? `  (${m.filtered} filtered out)` : ''}
      </Text>
    </Box>
  );
}
