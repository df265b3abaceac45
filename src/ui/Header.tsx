// The dashboard's first lines: what runs, against what, each source's health, counts and rate.
import React from 'react';
import { Box, Text } from 'ink';
import type { HeaderModel } from './view-model.js';

/** Header of the dashboard. */
export function Header({ model }: { model: HeaderModel }): React.JSX.Element {
  const m = model;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{m.title}</Text>
        {m.paused ? <Text inverse> PAUSED </Text> : null}
        {m.context ? ` · context ${m.context}` : ''}
        {m.namespaces ? ` · ${m.namespaces}` : ''}
        {` · ${m.rate} · ${m.ingested} read`}
        {m.dataTime ? <Text dimColor> · data {m.dataTime}</Text> : null}
        {m.ended ? <Text dimColor> · input ended</Text> : null}
      </Text>
      <Box>
        <Text wrap="truncate-end">
          {m.sources.length === 0 ? <Text dimColor>no sources yet</Text> : null}
          {m.sources.map((s, i) => (
            <Text key={s.name}>
              {i > 0 ? '  ' : ''}
              {s.name}: <Text color={s.colour}>{s.label}</Text>
            </Text>
          ))}
        </Text>
      </Box>
      <Box>
        <Text>
          findings: <Text color={m.counts.critical ? 'red' : undefined} bold={m.counts.critical > 0}>{m.counts.critical} critical</Text>
          {' · '}
          <Text>{m.counts.warning} warning</Text>
          {' · '}
          <Text>{m.counts.info} info</Text>
        </Text>
      </Box>
      {m.blind ? (
        <Text color="yellow" wrap="truncate-end">
          {m.blind}
        </Text>
      ) : null}
      {m.problems.map((p) => (
        <Text key={p} color="magenta" wrap="truncate-end">
          {p}
        </Text>
      ))}
    </Box>
  );
}
