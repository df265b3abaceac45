// The engine's keyword prefilter must never change a report: every golden case gives the same
// findings with it on and off, and a trigger line is kept whatever the capitalisation of its
// words (the detectors match them case-insensitively). The same contract over real data and a
// generated log is in test/conformance/prefilter-contract.test.ts.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../analyzers/index.js';
import { bothWays, fanOutLog, findingsOf, headlines } from '../../test/helpers/prefilter-contract.js';

const testdata = join(import.meta.dirname, '../analyzers/testdata');
const dirs = (p: string) => readdirSync(p).filter((d) => statSync(join(p, d)).isDirectory()).sort();
const cases = dirs(testdata).flatMap((rule) => dirs(join(testdata, rule)).map((c) => join(rule, c)));

describe('prefilter contract: golden cases', () => {
  it('has golden cases to run', () => {
    expect(cases.length).toBeGreaterThan(10);
  });
  it.each(cases)('%s: the same findings with the prefilter on and off', async (c) => {
    const dir = join(testdata, c);
    const inputs = readdirSync(dir).filter((f) => f !== 'expected.json' && !f.endsWith('.md')).sort().map((f) => join(dir, f));
    const { on, off } = await bothWays(inputs);
    expect(headlines(on)).toEqual(headlines(off));
    expect(on).toEqual(off);
  });
});

describe('prefilter contract: capitalisation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-prefilter-'));
  it.each(['ConfigMap', 'configmap', 'CONFIGMAP'])('a "%s va-config updated" trigger before 20 reconciles of 20 objects: one critical fan-out either way', async (word) => {
    const file = join(dir, `fan-out-${word}.log`);
    writeFileSync(file, fanOutLog(word));
    const { on, off } = await bothWays([file]);
    expect(on).toEqual(off);
    expect(on.map((f) => [f.rule, f.severity, f.metrics['reconciles'], f.metrics['objectsPerReconcile']])).toEqual([['reconcile-burst', 'critical', 20, 20]]);
  });

  it('the comparison catches a prefilter that drops the trigger line', async () => {
    // An interest without the trigger's word (what a case-sensitive `ConfigMap` was for a
    // `configmap` line): the prefilter drops the line, and only the run without it finds the burst.
    const file = join(dir, 'fan-out-lower.log');
    writeFileSync(file, fanOutLog('configmap'));
    const blind = ANALYZERS.map((a) =>
      a.rule === 'reconcile-burst' && a.interest
        ? { ...a, interest: { ...a.interest, keywords: a.interest.keywords.filter((k) => !/configmap/i.test(k)) }, interestFor: undefined }
        : a,
    );
    const on = await findingsOf([file], true, blind);
    const off = await findingsOf([file], false, blind);
    expect(headlines(on)).toEqual([]);
    expect(headlines(off)).toEqual([expect.stringMatching(/^reconcile-burst critical /)]);
  });
});
