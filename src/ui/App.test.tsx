import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { duplicateCr } from '../analyzers/rules/duplicate-cr.js';
import { queueLeak } from '../analyzers/rules/queue-leak.js';
import { reconcileBurst } from '../analyzers/rules/reconcile-burst.js';
import { stalePending } from '../analyzers/rules/stale-pending.js';
import { Engine } from '../engine/engine.js';
import { LiveSession } from '../engine/live.js';
import { demoDir, replayDir } from '../sources/replay.js';
import { App } from './App.js';
import { Dashboard, layoutFor } from './Dashboard.js';
import { Header } from './Header.js';
import { buildModel, INITIAL_UI } from './view-model.js';

const sessions: LiveSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.stop();
});

/** A live session that has taken in the whole demo incident. */
async function demoSession(): Promise<LiveSession> {
  const engine = new Engine({ analyzers: [queueLeak, duplicateCr, stalePending, reconcileBurst] });
  const session = new LiveSession({ engine, intervalMs: 0 });
  sessions.push(session);
  const dir = demoDir();
  for await (const item of replayDir(dir, { durationMs: 0, referenceYear: 2026, relativeTo: dir })) session.ingest(item);
  session.sample();
  session.setHealth({ name: 'replay', state: 'ended', detail: 'replay done' });
  return session;
}

const ESC = '\u001B';

describe('Dashboard (view-model in, text out)', () => {
  it('draws a panel per rule with its status and offender, and the header counts', async () => {
    const session = await demoSession();
    const model = buildModel(session.snapshot(), INITIAL_UI, { mode: 'demo', context: 'demo' }, { colour: false, rows: 2, sparkWidth: 10, textWidth: 40 });
    const { lastFrame, unmount } = render(<Dashboard model={model} layout={layoutFor(100, 30)} />);
    const frame = lastFrame()!;
    unmount();
    expect(frame).toContain('ctrlscope demo · context demo');
    expect(frame).toContain('replay: ended (replay done)');
    expect(frame).toContain('findings: 4 critical · 0 warning · 0 info');
    for (const rule of ['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst']) expect(frame).toMatch(new RegExp(`${rule}\\s+CRITICAL ×1`));
    expect(frame).toContain('▶ CRIT v0alpha1.provisioning');
    expect(frame).toContain('CRIT Pending streams still');
  });
});

describe('Header and panels with missing permissions (data in, text out)', () => {
  it('draws one blind line naming each missing permission and its panel, and BLIND on the quiet panels that cannot see their input', () => {
    const engine = new Engine({ analyzers: [queueLeak, duplicateCr, stalePending, reconcileBurst] });
    const session = new LiveSession({ engine, intervalMs: 0 });
    sessions.push(session);
    session.setHealth({ name: 'watch remediationrequests.kubernaut.ai', state: 'forbidden', detail: '403 Forbidden', feeds: ['duplicate-cr'] });
    session.setHealth({ name: 'watch apiservices.apiregistration.k8s.io', state: 'connected', feeds: ['queue-leak'], events: 3 });
    session.setHealth({ name: 'logs deploy/gateway', state: 'following', events: 12 });
    session.setHealth({ name: 'watch configmaps', state: 'connected', feeds: ['reconcile-burst'], events: 5 });
    session.setAccess({
      blind: [
        { panel: 'duplicate-cr', verbs: ['list'], resource: 'remediationrequests.kubernaut.ai', namespace: 'demo', rules: ['duplicate-cr'] },
        { panel: 'logs', verbs: ['get'], resource: 'pods/log', namespace: 'demo', rules: ['stale-pending'] },
      ],
    });
    const model = buildModel(session.snapshot(), INITIAL_UI, { mode: 'watch', context: 'kind-dev', namespaces: ['demo'] }, { colour: false, rows: 2, sparkWidth: 10, textWidth: 40 });

    const header = render(<Header model={model.header} />);
    const head = header.lastFrame()!;
    header.unmount();
    const lines = head.split('\n');
    expect(lines[1]).toMatch(/^watch remediationrequests\.kubernaut\.ai: forbidden \(403 Forbidden\)  watch apiservices/);
    expect([lines[0], ...lines.slice(2)]).toEqual([
      'ctrlscope watch · context kind-dev · demo · 0 lines/s · 0 read',
      'findings: 0 critical · 0 warning · 0 info',
      'blind: duplicate-cr (list remediationrequests.kubernaut.ai), logs (get pods/log)',
    ]);

    const screen = render(<Dashboard model={model} layout={layoutFor(100, 30)} />);
    const frame = screen.lastFrame()!;
    screen.unmount();
    expect(frame).toMatch(/queue-leak\s+OK/);
    expect(frame).toMatch(/duplicate-cr\s+BLIND/);
    expect(frame).toMatch(/stale-pending\s+BLIND/);
    expect(frame).toMatch(/reconcile-burst\s+OK/);
    expect(frame.match(/cannot see its input: permission missing/g)).toHaveLength(2);
  });

  it('never shows OK for a rule whose source is disconnected, not yet synced, or delivered nothing', () => {
    const engine = new Engine({ analyzers: [queueLeak, duplicateCr, stalePending, reconcileBurst] });
    const session = new LiveSession({ engine, intervalMs: 0 });
    sessions.push(session);
    const refused = 'connect ECONNREFUSED 127.0.0.1:6443';
    session.setHealth({ name: 'watch apiservices.apiregistration.k8s.io', state: 'retrying', detail: refused, feeds: ['queue-leak'], events: 0 });
    session.setHealth({ name: 'watch remediationrequests.kubernaut.ai', state: 'syncing', feeds: ['duplicate-cr'], events: 0 });
    session.setHealth({ name: 'watch configmaps', state: 'connected', feeds: ['reconcile-burst'], events: 0 });
    const model = buildModel(session.snapshot(), INITIAL_UI, { mode: 'watch' }, { colour: false, rows: 3, sparkWidth: 10, textWidth: 40 });
    expect(model.panels.map((p) => [p.rule, p.statusLabel, p.reason])).toEqual([
      ['queue-leak', 'DISCONNECTED', `watch apiservices.apiregistration.k8s.io disconnected (${refused})`],
      ['duplicate-cr', 'SYNCING', 'watch remediationrequests.kubernaut.ai not synced yet'],
      ['stale-pending', 'NO DATA', 'no source of this session feeds this rule'],
      ['reconcile-burst', 'NO DATA', 'its sources delivered nothing yet (watch configmaps)'],
    ]);
    const screen = render(<Dashboard model={model} layout={layoutFor(120, 30)} />);
    const frame = screen.lastFrame()!;
    screen.unmount();
    expect(frame).toMatch(/queue-leak\s+DISCONNECTED/);
    expect(frame).toContain('cannot see its input: source disconnected');
    expect(frame).toMatch(/duplicate-cr\s+SYNCING/);
    expect(frame).not.toMatch(/\bOK\b/);
  });
});

describe('App (keys drive the view)', () => {
  it('opens the detail with enter, explains with e, goes back with esc, filters with /, quits with q', async () => {
    const session = await demoSession();
    const onQuit = vi.fn();
    const { lastFrame, stdin, unmount } = render(<App session={session} meta={{ mode: 'demo' }} colour={false} onQuit={onQuit} />);
    const see = (text: string) => vi.waitFor(() => expect(lastFrame(), `waiting for ${text}`).toContain(text));
    await see('reconcile-burst');
    // Keys reach the app once its input hook is listening.
    await vi.waitFor(() => expect(stdin.listenerCount('readable')).toBeGreaterThan(0));
    expect(lastFrame()).toContain('▶ CRIT v0alpha1.provisioning');

    stdin.write('\r');
    await see('Evidence');
    expect(lastFrame()).toContain('APIService v0alpha1.provisioning.grafana.app');
    expect(lastFrame()).toContain('perWindow: 1 → 2 → 4 → 8 → 16 → 32');

    stdin.write('e');
    await see('queue-leak — Workqueue re-adds a key faster than its rate limiter allows');
    stdin.write(ESC);
    await see('Evidence');
    stdin.write(ESC);
    await see('stale-pending');

    // Down past the only queue-leak finding lands on duplicate-cr's.
    stdin.write('\u001B[B');
    await see('▶ CRIT e07dd3114dda');

    stdin.write('/');
    for (const c of 'pending') stdin.write(c);
    await see('/pending');
    await see('(all hidden by the filter)');
    expect(lastFrame()).toContain('CRIT Pending streams still');
    stdin.write('\r');

    stdin.write('p');
    await see('PAUSED');
    stdin.write('p');
    await vi.waitFor(() => expect(lastFrame()).not.toContain('PAUSED'));

    stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    unmount();
  });
});
