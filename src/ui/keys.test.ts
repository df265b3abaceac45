import { describe, expect, it } from 'vitest';
import { reduceKey, type Screen } from './keys.js';
import { INITIAL_UI } from './view-model.js';

const screen: Screen = {
  panels: [
    { rule: 'queue-leak', ids: ['a', 'b'] },
    { rule: 'duplicate-cr', ids: [] },
    { rule: 'stale-pending', ids: ['c'] },
    { rule: 'reconcile-burst', ids: [] },
  ],
};

describe('reduceKey', () => {
  it('moves between panels with tab/arrows, wrapping around', () => {
    expect(reduceKey(INITIAL_UI, { name: 'tab' }, screen).ui.panel).toBe(1);
    expect(reduceKey(INITIAL_UI, { name: 'shift-tab' }, screen).ui.panel).toBe(3);
    expect(reduceKey({ ...INITIAL_UI, panel: 3 }, { name: 'right' }, screen).ui.panel).toBe(0);
  });

  it('moves down through findings, then on to the next panel', () => {
    const one = reduceKey(INITIAL_UI, { name: 'down' }, screen).ui;
    expect([one.panel, one.row]).toEqual([0, 1]);
    const two = reduceKey(one, { name: 'down' }, screen).ui;
    expect([two.panel, two.row]).toEqual([1, 0]);
    const back = reduceKey(two, { name: 'up' }, screen).ui;
    expect([back.panel, back.row]).toEqual([0, 1]);
  });

  it('enter opens the selected finding, esc goes back, e explains the rule', () => {
    const open = reduceKey({ ...INITIAL_UI, row: 1 }, { name: 'enter' }, screen).ui;
    expect(open).toMatchObject({ view: 'detail', detailId: 'b' });
    const ex = reduceKey(open, { name: 'char', char: 'e' }, screen).ui;
    expect(ex).toMatchObject({ view: 'explain', explainRule: 'queue-leak' });
    expect(reduceKey(ex, { name: 'escape' }, screen).ui).toMatchObject({ view: 'detail', detailId: 'b' });
    expect(reduceKey(open, { name: 'escape' }, screen).ui).toMatchObject({ view: 'dashboard', detailId: undefined });
    // Nothing to open in an empty panel.
    expect(reduceKey({ ...INITIAL_UI, panel: 1 }, { name: 'enter' }, screen).ui.view).toBe('dashboard');
  });

  it('/ opens the filter prompt; typed keys go into it, even q; enter keeps it, esc clears it', () => {
    let ui = reduceKey(INITIAL_UI, { name: 'char', char: '/' }, screen).ui;
    expect(ui.filtering).toBe(true);
    for (const c of 'q1') ui = reduceKey(ui, { name: 'char', char: c }, screen).ui;
    expect(ui.filter).toBe('q1');
    ui = reduceKey(ui, { name: 'backspace' }, screen).ui;
    expect(ui.filter).toBe('q');
    const kept = reduceKey(ui, { name: 'enter' }, screen).ui;
    expect(kept).toMatchObject({ filtering: false, filter: 'q' });
    expect(reduceKey(ui, { name: 'escape' }, screen).ui).toMatchObject({ filtering: false, filter: '' });
  });

  it('q and Ctrl-C quit, p toggles pause', () => {
    expect(reduceKey(INITIAL_UI, { name: 'char', char: 'q' }, screen).action).toBe('quit');
    expect(reduceKey({ ...INITIAL_UI, filtering: true }, { name: 'ctrl-c' }, screen).action).toBe('quit');
    expect(reduceKey(INITIAL_UI, { name: 'char', char: 'p' }, screen).action).toBe('toggle-pause');
  });
});
