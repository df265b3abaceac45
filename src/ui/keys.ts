// Keyboard handling as a pure reducer: (UI state, key, what is on screen) → new state and an
// action for the root (quit, pause). The root component only translates ink's key events.
import type { RuleId } from '../core/finding.js';
import type { UiState } from './view-model.js';

/** Keys the dashboard understands; printable characters come as `char`. */
export type Key =
  | { name: 'up' | 'down' | 'left' | 'right' | 'tab' | 'shift-tab' | 'enter' | 'escape' | 'backspace' | 'pageup' | 'pagedown' | 'ctrl-c' }
  | { name: 'char'; char: string };

/** Side effects the root must carry out. */
export type KeyAction = 'none' | 'quit' | 'toggle-pause';

/** What is on screen: each panel's rule and the ids of its (filtered) findings in order. */
export interface Screen {
  panels: { rule: RuleId; ids: string[] }[];
}

/** Applies one key. */
export function reduceKey(ui: UiState, key: Key, screen: Screen): { ui: UiState; action: KeyAction } {
  const same = { ui, action: 'none' as KeyAction };
  if (key.name === 'ctrl-c') return { ui, action: 'quit' };

  if (ui.filtering) {
    switch (key.name) {
      case 'enter':
        return { ui: { ...ui, filtering: false, row: 0 }, action: 'none' };
      case 'escape':
        return { ui: { ...ui, filtering: false, filter: '', row: 0 }, action: 'none' };
      case 'backspace':
        return { ui: { ...ui, filter: ui.filter.slice(0, -1), row: 0 }, action: 'none' };
      case 'char':
        return { ui: { ...ui, filter: ui.filter + key.char, row: 0 }, action: 'none' };
      default:
        return same;
    }
  }

  const n = screen.panels.length;
  const panel = Math.min(Math.max(0, ui.panel), Math.max(0, n - 1));
  const rows = screen.panels[panel]?.ids.length ?? 0;

  if (key.name === 'char') {
    switch (key.char) {
      case 'q':
        return { ui, action: 'quit' };
      case 'p':
        return { ui, action: 'toggle-pause' };
      case 'e': {
        if (ui.view === 'explain') return { ui: { ...ui, view: ui.detailId ? 'detail' : 'dashboard', scroll: 0 }, action: 'none' };
        const rule = screen.panels[panel]?.rule;
        if (!rule) return same;
        return { ui: { ...ui, view: 'explain', explainRule: rule, scroll: 0 }, action: 'none' };
      }
      case '/':
        if (ui.view !== 'dashboard') return same;
        return { ui: { ...ui, filtering: true }, action: 'none' };
      case 'j':
        return reduceKey(ui, { name: 'down' }, screen);
      case 'k':
        return reduceKey(ui, { name: 'up' }, screen);
      default:
        return same;
    }
  }

  if (ui.view !== 'dashboard') {
    switch (key.name) {
      case 'escape':
      case 'backspace':
      case 'left':
        if (ui.view === 'explain' && ui.detailId) return { ui: { ...ui, view: 'detail', scroll: 0 }, action: 'none' };
        return { ui: { ...ui, view: 'dashboard', detailId: undefined, scroll: 0 }, action: 'none' };
      case 'up':
        return { ui: { ...ui, scroll: Math.max(0, ui.scroll - 1) }, action: 'none' };
      case 'down':
        return { ui: { ...ui, scroll: ui.scroll + 1 }, action: 'none' };
      case 'pageup':
        return { ui: { ...ui, scroll: Math.max(0, ui.scroll - 10) }, action: 'none' };
      case 'pagedown':
        return { ui: { ...ui, scroll: ui.scroll + 10 }, action: 'none' };
      default:
        return same;
    }
  }

  switch (key.name) {
    case 'tab':
    case 'right':
      return { ui: { ...ui, panel: n ? (panel + 1) % n : 0, row: 0 }, action: 'none' };
    case 'shift-tab':
    case 'left':
      return { ui: { ...ui, panel: n ? (panel - 1 + n) % n : 0, row: 0 }, action: 'none' };
    case 'down':
      if (ui.row + 1 < rows) return { ui: { ...ui, row: ui.row + 1 }, action: 'none' };
      // Past the last finding: move on to the next panel.
      return { ui: { ...ui, panel: n ? (panel + 1) % n : 0, row: 0 }, action: 'none' };
    case 'up':
      if (ui.row > 0) return { ui: { ...ui, row: Math.min(ui.row, rows) - 1 }, action: 'none' };
      {
        const prev = n ? (panel - 1 + n) % n : 0;
        const prevRows = screen.panels[prev]?.ids.length ?? 0;
        return { ui: { ...ui, panel: prev, row: Math.max(0, prevRows - 1) }, action: 'none' };
      }
    case 'enter': {
      const id = screen.panels[panel]?.ids[Math.min(ui.row, rows - 1)];
      if (!id) return same;
      return { ui: { ...ui, view: 'detail', detailId: id, scroll: 0 }, action: 'none' };
    }
    case 'escape':
      if (ui.filter) return { ui: { ...ui, filter: '', row: 0 }, action: 'none' };
      return same;
    default:
      return same;
  }
}
