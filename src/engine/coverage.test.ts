import { describe, expect, it } from 'vitest';
import type { InputReport } from '../core/finding.js';
import { buildCoverage, ruleCoverage } from './coverage.js';

const WINDOW = { since: null, until: null, excluded: 0, total: 0 };

describe('rule coverage', () => {
  it('is ok only when the rule saw some of its inputs', () => {
    expect(ruleCoverage({ rule: 'queue-leak', seen: { failureRecords: 12, workqueueSamples: 0 } }, [])).toEqual({ rule: 'queue-leak', status: 'ok', seen: { failureRecords: 12, workqueueSamples: 0 } });
    expect(ruleCoverage({ rule: 'queue-leak', seen: { failureRecords: 0, workqueueSamples: 0 } }, [])).toEqual({
      rule: 'queue-leak',
      status: 'no-data',
      reason: 'nothing it reads was in the input: 0 failure records, 0 workqueue samples',
      seen: { failureRecords: 0, workqueueSamples: 0 },
    });
  });

  it('says blind, disconnected or syncing from the state of the sources', () => {
    const seen = { objects: 0 };
    expect(ruleCoverage({ rule: 'duplicate-cr', seen }, [{ source: 'ctx', status: 'forbidden', reason: 'list remediationrequests' }]).status).toBe('blind');
    expect(ruleCoverage({ rule: 'duplicate-cr', seen }, [{ source: 'ctx', status: 'disconnected', reason: 'ECONNREFUSED' }])).toMatchObject({ status: 'disconnected', reason: 'a source is unreachable: ctx (ECONNREFUSED)' });
    expect(ruleCoverage({ rule: 'duplicate-cr', seen }, [{ source: 'ctx', status: 'syncing' }]).status).toBe('syncing');
  });
});

describe('buildCoverage', () => {
  it('adds up lines, keeps non-log files apart, and lists what was not read', () => {
    const inputs: InputReport[] = [
      { source: 'a.log', kind: 'log', format: 'klog', lines: 100, unparsed: 4, problems: [], continuations: 6, recognised: 90, span: { from: '2026-11-22T10:00:00Z', to: '2026-11-22T10:05:00Z' } },
      { source: 'b.log', kind: 'log', format: 'logfmt', lines: 10, unparsed: 0, problems: [], span: { from: '2026-11-22T09:00:00Z', to: '2026-11-22T09:30:00Z' } },
      { source: 'x.html', kind: 'other', format: 'html', lines: 50, unparsed: 0, problems: [] },
      { source: 'b.zip', kind: 'bundle', format: 'zip', lines: 0, unparsed: 0, problems: ['b.zip:pods/a.log: encrypted: cannot be read without the password; unpack it and scan the directory'] },
    ];
    const c = buildCoverage({ inputs, rules: [], window: WINDOW, eventSpan: undefined, unread: [{ source: 'gone.log', reason: 'no such file or directory' }], sources: [] });
    expect(c).toMatchObject({
      files: 3,
      nonLogFiles: 1,
      lines: 110,
      recognised: 100,
      continuations: 6,
      unparsed: 4,
      span: { from: '2026-11-22T09:00:00Z', to: '2026-11-22T10:05:00Z' },
      unread: [
        { source: 'gone.log', reason: 'no such file or directory' },
        { source: 'b.zip:pods/a.log', reason: 'encrypted: cannot be read without the password; unpack it and scan the directory' },
      ],
    });
  });
});
