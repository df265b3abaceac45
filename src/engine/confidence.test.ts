// Every finding says how sure it is: the engine completes what an analyzer leaves out, and thin
// evidence never stands above info on its own.
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../core/finding.js';
import { completeConfidence } from './engine.js';

const draft = (d: Partial<FindingDraft>): FindingDraft => ({
  rule: 'reconcile-burst',
  severity: 'warning',
  title: 't',
  subject: { kind: 'Widget', namespace: 'demo', name: 'a' },
  summary: 's',
  metrics: {},
  evidence: [],
  ...d,
});

describe('completeConfidence', () => {
  it('keeps what the analyzer said', () => {
    const d = completeConfidence(draft({ severity: 'critical', confidence: 'medium', signals: ['trigger', 'fan-out'], variant: 'fan-out' }));
    expect([d.severity, d.confidence, d.signals, d.variant]).toEqual(['critical', 'medium', ['trigger', 'fan-out'], 'fan-out']);
  });

  it('derives confidence from the severity when the analyzer gives none', () => {
    expect(['critical', 'warning', 'info'].map((severity) => completeConfidence(draft({ severity: severity as FindingDraft['severity'] })).confidence)).toEqual(['high', 'medium', 'low']);
    expect(completeConfidence(draft({}))).toMatchObject({ signals: [], variant: 'default' });
  });

  it('caps a low-confidence finding at info', () => {
    expect(completeConfidence(draft({ severity: 'warning', confidence: 'low' }))).toMatchObject({ severity: 'info', confidence: 'low' });
    expect(completeConfidence(draft({ severity: 'critical', confidence: 'low' })).severity).toBe('info');
  });
});
