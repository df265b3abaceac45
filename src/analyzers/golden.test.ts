// Golden cases as data: every directory src/analyzers/testdata/<rule>/<case>/ holds input files
// and an expected.json. The case is scanned through the real file source and engine, and the
// findings of <rule> must match: each expected finding present with its severity and the listed
// metrics exactly, and no other finding of that rule at warning or above.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK, type Finding, type Severity } from '../core/finding.js';
import { analyzePaths } from '../engine/run.js';

interface Expected {
  findings: {
    rule: string;
    severity: Severity;
    subject: Partial<Finding['subject']>;
    metrics?: Record<string, unknown>;
    evidenceSources?: string[];
  }[];
}

const root = join(import.meta.dirname, 'testdata');
const dirs = (p: string) => readdirSync(p).filter((d) => statSync(join(p, d)).isDirectory()).sort();
const rules = (() => {
  try {
    return dirs(root);
  } catch {
    return [];
  }
})();

describe.skipIf(rules.length === 0)('golden cases', () => {
  for (const rule of rules) {
    for (const name of dirs(join(root, rule))) {
      const dir = join(root, rule, name);
      it(`${rule}/${name}`, async () => {
        const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
        const inputs = readdirSync(dir).filter((f) => f !== 'expected.json' && !f.endsWith('.md')).sort().map((f) => join(dir, f));
        const { report, unreadable } = await analyzePaths(inputs, { generatedAt: new Date(0) });
        expect(unreadable).toEqual([]);
        expect(report.problems ?? []).toEqual([]);
        const mine = report.findings.filter((f) => f.rule === rule);
        for (const want of expected.findings) {
          const got = mine.find((f) => f.subject.name === want.subject.name);
          expect(got, `expected a ${rule} finding on ${want.subject.name}; got ${mine.map((f) => f.subject.name).join(', ') || 'none'}`).toBeDefined();
          expect(got!.severity).toBe(want.severity);
          expect(got!.subject).toMatchObject(want.subject);
          if (want.metrics) expect(got!.metrics).toMatchObject(want.metrics);
          if (want.evidenceSources) {
            const sources = got!.evidence.map((e) => e.source.replace(/^.*testdata\//, ''));
            for (const s of want.evidenceSources) expect(sources).toContain(s);
          }
        }
        const unexpected = mine.filter(
          (f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning && !expected.findings.some((w) => w.subject.name === f.subject.name),
        );
        expect(unexpected.map((f) => `${f.severity} ${f.subject.name}: ${f.summary}`)).toEqual([]);
      });
    }
  }
});
