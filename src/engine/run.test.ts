import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePaths } from './run.js';

describe('analyzePaths lists every input', () => {
  it('an empty file and a file with no usable record still appear in the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-empty-'));
    writeFileSync(join(dir, 'empty.log'), '');
    writeFileSync(join(dir, 'audit.json'), '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get"\n');
    const { report } = await analyzePaths([dir]);
    expect(report.inputs.map((i) => [i.source.slice(dir.length + 1), i.kind, i.lines, i.unparsed])).toEqual([
      ['audit.json', 'audit', 1, 1],
      ['empty.log', 'log', 0, 0],
    ]);
  });
});
