// The whole screen, drawn from a DashboardModel: header, panels (or a detail/explain view), key help.
import React from 'react';
import { Box, Text } from 'ink';
import type { DashboardModel } from './view-model.js';
import { Header } from './Header.js';
import { RulePanel } from './RulePanel.js';
import { DetailView } from './DetailView.js';
import { ExplainView } from './ExplainView.js';

/** Terminal-dependent layout numbers, computed by `layoutFor`. */
export interface Layout {
  columns: number;
  /** Panels per row. */
  perRow: number;
  panelWidth: number;
  /** Offender rows per panel. */
  rows: number;
  /** Lines for the detail/explain body. */
  bodyHeight: number;
}

/** Layout for a terminal of `columns` × `lines`. */
export function layoutFor(columns: number, lines: number, panels = 4): Layout {
  const cols = Math.max(40, columns);
  const perRow = cols >= 100 ? 2 : 1;
  const panelWidth = Math.floor(cols / perRow);
  const panelRows = Math.ceil(panels / perRow);
  // Header ~4 lines, help 1; each panel has 5 lines of frame, title, sparkline and "more".
  const free = Math.max(0, lines - 6);
  const rows = Math.max(1, Math.min(5, Math.floor(free / panelRows) - 5));
  return { columns: cols, perRow, panelWidth, rows, bodyHeight: Math.max(5, lines - 9) };
}

/** The dashboard screen. */
export function Dashboard({ model, layout }: { model: DashboardModel; layout: Layout }): React.JSX.Element {
  const rowsOfPanels: (typeof model.panels)[] = [];
  for (let i = 0; i < model.panels.length; i += layout.perRow) rowsOfPanels.push(model.panels.slice(i, i + layout.perRow));
  return (
    <Box flexDirection="column" width={layout.columns}>
      <Header model={model.header} />
      {model.view === 'detail' && model.detail ? (
        <DetailView model={model.detail} height={layout.bodyHeight} scroll={model.scroll} width={layout.columns} />
      ) : model.view === 'explain' && model.explain ? (
        <ExplainView model={model.explain} height={layout.bodyHeight} scroll={model.scroll} width={layout.columns} />
      ) : (
        rowsOfPanels.map((row) => (
          <Box key={row.map((p) => p.rule).join(',')}>
            {row.map((p) => (
              <RulePanel key={p.rule} model={p} width={layout.panelWidth} rows={layout.rows} />
            ))}
          </Box>
        ))
      )}
      <Box>
        {model.filtering || model.filter ? (
          <Text>
            <Text color="cyan">/{model.filter}</Text>
            {model.filtering ? <Text inverse> </Text> : null}
            {'  '}
          </Text>
        ) : null}
        <Text dimColor wrap="truncate-end">
          {model.help}
        </Text>
      </Box>
    </Box>
  );
}
