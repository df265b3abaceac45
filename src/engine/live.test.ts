import type { Finding } from '../core/finding.js';
import { afterEach, describe, expect, it } from 'vitest';
import { stalePending } from '../analyzers/rules/stale-pending.js';
import { newInput } from '../sources/types.js';
import { Engine } from './engine.js';
import { LiveSession, accessProblems, ruleSample, type LiveSnapshot } from './live.js';

const sessions: LiveSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.stop();
});

function session(): LiveSession {
  const s = new LiveSession({ engine: new Engine({ analyzers: [stalePending] }), intervalMs: 0, sampleMs: 60_000 });
  sessions.push(s);
  return s;
}

const input = newInput('proxy.log', 'log');
const pending = (n: number, i: number) => `2026/11/22 10:0${i}:00 WARN Pending streams still tracked count=${n}`;

describe('LiveSession', () => {
  it('ingests lines, samples the driving metric of each rule, and counts what it read', () => {
    const s = session();
    s.subscribe(() => undefined); // a view is drawing: the series are kept for it
    s.ingest({ type: 'lines', input, lines: [pending(3, 0), pending(4, 1)], firstLine: 1 });
    s.sample();
    s.ingest({ type: 'lines', input, lines: [pending(5, 2), pending(6, 3), pending(7, 4)], firstLine: 3 });
    s.sample();
    const snap = s.snapshot();
    expect(snap.ingested).toBe(5);
    expect(snap.rate).toEqual([2, 3]);
    const f = snap.findings.find((x) => x.rule === 'stale-pending');
    expect(f?.metrics).toMatchObject({ first: 3, last: 7 });
    // Two observations, rising, with "still" in the message: already a finding at the first sample.
    expect(snap.series['stale-pending']).toEqual([4, 7]);
    expect(snap.series['queue-leak']).toEqual([0, 0]);
  });

  it('with no view drawing (--once, plain reports), neither samples nor refreshes compute findings', async () => {
    const engine = new Engine({ analyzers: [stalePending] });
    let computed = 0;
    const findings = engine.findings.bind(engine);
    engine.findings = () => {
      computed++;
      return findings();
    };
    const s = new LiveSession({ engine, intervalMs: 0, sampleMs: 60_000 });
    sessions.push(s);
    s.ingest({ type: 'lines', input, lines: [pending(3, 0), pending(4, 1)], firstLine: 1 });
    s.sample();
    await new Promise((r) => setTimeout(r, 5)); // the refresh timer has fired
    expect(computed).toBe(0);
    expect(s.snapshot().rate).toEqual([2]);
    expect(computed).toBe(1); // asked for, a snapshot is computed
  });

  it('pause freezes the findings shown while ingestion goes on; resume catches up', async () => {
    const s = session();
    const seen: LiveSnapshot[] = [];
    s.subscribe((x) => seen.push(x));
    s.ingest({ type: 'lines', input, lines: [pending(3, 0), pending(4, 1)], firstLine: 1 });
    s.setPaused(true);
    const frozen = s.snapshot();
    expect(frozen.paused).toBe(true);
    s.ingest({ type: 'lines', input, lines: [pending(9, 2)], firstLine: 3 });
    expect(s.snapshot().findings[0]?.metrics['last']).toBe(4);
    s.setPaused(false);
    expect(s.snapshot().findings[0]?.metrics['last']).toBe(9);
    expect(seen.at(-1)?.paused).toBe(false);
  });

  it('ruleSample: the largest driving metric of the rule, 0 without findings', () => {
    const base = { id: 'x', title: '', subject: { kind: 'Counter', namespace: null, name: 'n' }, summary: '', evidence: [], remediation: { summary: '', steps: [], references: [] } };
    const fs: Finding[] = [
      { ...base, rule: 'queue-leak' as const, severity: 'critical' as const, metrics: { failures: 63, perWindow: [1, 2] } },
      { ...base, rule: 'queue-leak' as const, severity: 'warning' as const, metrics: { failures: 7 } },
    ];
    expect(ruleSample('queue-leak', fs)).toBe(63);
    expect(ruleSample('duplicate-cr', fs)).toBe(0);
  });
});

describe('accessProblems', () => {
  it('gives one line per missing permission with what goes blind and the fix, then the preflight failure', () => {
    expect(accessProblems(undefined)).toEqual([]);
    expect(
      accessProblems({
        blind: [
          { panel: 'duplicate-cr', verbs: ['list', 'watch'], resource: 'remediationrequests.kubernaut.ai', namespace: 'demo', rules: ['duplicate-cr'] },
          { panel: 'logs', verbs: ['get'], resource: 'pods/log', namespace: 'demo', rules: ['stale-pending'] },
          { panel: 'queue-leak', verbs: ['watch'], resource: 'apiservices.apiregistration.k8s.io', rules: ['queue-leak'] },
        ],
        problem: 'could not check permissions (timeout); going on without knowing',
      }),
    ).toEqual([
      "missing permission: list, watch remediationrequests.kubernaut.ai in namespace demo; blind: duplicate-cr. Fix: grant list, watch on remediationrequests.kubernaut.ai — see the README's minimal ClusterRole",
      "missing permission: get pods/log in namespace demo; blind: logs (stale-pending). Fix: grant get on pods/log — see the README's minimal ClusterRole",
      "missing permission: watch apiservices.apiregistration.k8s.io cluster-wide; blind: queue-leak. Fix: grant watch on apiservices.apiregistration.k8s.io — see the README's minimal ClusterRole",
      'could not check permissions (timeout); going on without knowing',
    ]);
  });

  it('LiveSession carries the preflight answer into its snapshots', () => {
    const s = session();
    expect(s.snapshot().access).toBeUndefined();
    const access = { blind: [{ panel: 'logs', verbs: ['get'], resource: 'pods/log', rules: ['stale-pending' as const] }] };
    s.setAccess(access);
    expect(s.snapshot().access).toEqual(access);
    expect(s.accessReport()).toEqual(access);
  });
});
