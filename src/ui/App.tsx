// The root component: owns the UI state, the key handling and exit(). Everything below it is
// drawn from view-models.
import React, { useMemo, useRef, useState } from 'react';
import { useApp, useInput } from 'ink';
import type { Key as InkKey } from 'ink';
import type { LiveSession } from '../engine/live.js';
import { Dashboard, layoutFor } from './Dashboard.js';
import { buildModel, INITIAL_UI, panelFindings, panelRules } from './view-model.js';
import type { RunMeta, UiState } from './view-model.js';
import { reduceKey } from './keys.js';
import type { Key } from './keys.js';
import { useLiveSnapshot, useTerminalSize } from './use-live.js';

/** Translates ink's key event into ours. */
export function toKey(input: string, k: InkKey): Key | undefined {
  if (k.ctrl && input === 'c') return { name: 'ctrl-c' };
  if (k.upArrow) return { name: 'up' };
  if (k.downArrow) return { name: 'down' };
  if (k.leftArrow) return { name: 'left' };
  if (k.rightArrow) return { name: 'right' };
  if (k.pageUp) return { name: 'pageup' };
  if (k.pageDown) return { name: 'pagedown' };
  if (k.tab) return { name: k.shift ? 'shift-tab' : 'tab' };
  if (k.return) return { name: 'enter' };
  if (k.escape) return { name: 'escape' };
  if (k.backspace || k.delete) return { name: 'backspace' };
  if (k.ctrl || k.meta) return undefined;
  if (input && input.length === 1 && input >= ' ') return { name: 'char', char: input };
  return undefined;
}

/** Props of the root. */
export interface AppProps {
  session: LiveSession;
  meta: RunMeta;
  colour: boolean;
  /** Called once when the user quits (q or Ctrl-C). */
  onQuit?: () => void;
}

/** The live dashboard. */
export function App({ session, meta, colour, onQuit }: AppProps): React.JSX.Element {
  const { exit } = useApp();
  const snap = useLiveSnapshot(session);
  const size = useTerminalSize();
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  const rules = panelRules(snap);
  const layout = layoutFor(size.columns, size.lines, rules.length);
  const textWidth = Math.max(10, layout.panelWidth - 12);
  const sparkWidth = Math.max(8, Math.min(60, layout.panelWidth - 24));
  const model = useMemo(
    () => buildModel(snap, ui, meta, { colour, rows: layout.rows, sparkWidth, textWidth }),
    [snap, ui, meta, colour, layout.rows, sparkWidth, textWidth],
  );

  // Keys may arrive before the handler of the latest render is subscribed: read the latest
  // state through refs, and advance the ref at once so that fast typing is not lost.
  const uiRef = useRef(ui);
  uiRef.current = ui;
  const snapRef = useRef(snap);
  snapRef.current = snap;

  useInput((input, k) => {
    const key = toKey(input, k);
    if (!key) return;
    const cur = uiRef.current;
    const s = snapRef.current;
    const screen = { panels: panelRules(s).map((rule) => ({ rule, ids: panelFindings(s, rule, cur.filter).map((f) => f.id) })) };
    const { ui: next, action } = reduceKey(cur, key, screen);
    if (action === 'quit') {
      onQuit?.();
      exit();
      return;
    }
    if (action === 'toggle-pause') session.setPaused(!session.isPaused());
    if (next !== cur) {
      uiRef.current = next;
      setUi(next);
    }
  });

  return <Dashboard model={model} layout={layout} />;
}
