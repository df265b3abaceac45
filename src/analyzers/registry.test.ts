// The rule registry: every module in src/analyzers/rules/ is a rule, and everything about a rule
// outside its module is derived from it, so a new rule needs its module, its test and its golden
// data only (see the header of src/analyzers/index.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG, RULE_IDS, RULES } from './index.js';
import { RULE_FILE_RE } from './rules/index.js';
import { interestOf } from './rule.js';
import { renderRuleText } from '../report/explain.js';
import { parseConfig, RULE_SCHEMAS } from '../core/config.js';
import { SERIES_METRICS } from '../engine/live.js';
import { SERIES_LABEL } from '../ui/view-model.js';
import { RULES_OF_PANEL } from '../sources/cluster/preflight.js';
import { DEFAULT_RESOURCES } from '../sources/cluster/resources.js';

const SRC = join(import.meta.dirname, '..');
const RULES_DIR = join(import.meta.dirname, 'rules');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== 'testdata') out.push(...sources(p));
    } else if (/\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f)) out.push(p);
  }
  return out;
}

describe('rule registry', () => {
  it('registers every module file in src/analyzers/rules/, in report order', () => {
    const files = readdirSync(RULES_DIR).filter((f) => RULE_FILE_RE.test(f) && !f.startsWith('index.'));
    expect(RULES.map((r) => `${r.rule}.ts`).sort()).toEqual(files.sort());
    expect(RULE_IDS).toEqual(['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst']);
  });

  it('names a rule id nowhere in the sources outside its module', () => {
    // `rules export` translates detections into other engines' rules one by one; a rule it has
    // no translation for is simply not exported, so a new rule needs no edit there.
    const optional = new Set([join(SRC, 'fleet/rules.ts')]);
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      if (file.startsWith(RULES_DIR) || optional.has(file)) continue;
      const text = readFileSync(file, 'utf8');
      for (const id of RULE_IDS) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) offenders.push(`${relative(SRC, file)}: ${id}`);
    }
    expect(offenders).toEqual([]);
  });

  it('derives the config schema, catalog, live series, panels and watched resources from the modules', () => {
    for (const r of RULES) {
      expect(Object.keys(RULE_SCHEMAS[r.rule].shape).sort()).toEqual(['enabled', 'failOn', 'vocabulary', ...Object.keys(r.options(kitStub))].sort());
      expect(CATALOG[r.rule]).toEqual({ rule: r.rule, ...r.text });
      expect(SERIES_METRICS[r.rule]).toEqual(r.live.series);
      expect(SERIES_LABEL[r.rule]).toBe(r.live.seriesLabel);
      if (r.live.watch?.length) expect(RULES_OF_PANEL[r.rule]).toEqual([r.rule]);
      else expect(RULES_OF_PANEL.logs).toContain(r.rule);
      for (const w of r.live.watch ?? []) expect(DEFAULT_RESOURCES).toContainEqual({ ...w, panel: r.rule });
    }
  });

  it('explains each rule’s signals and variants, the hot loop among them', () => {
    const text = renderRuleText(CATALOG['reconcile-burst']);
    expect(text).toContain('\nSignals:\n');
    expect(text).toContain('  - hot-loop: one object reconciled every few milliseconds or seconds');
    expect(text).toMatch(/same-object, short-gaps, sustained, for-minutes, status-write/);
  });

  it('derives each rule’s prefilter interest from its vocabulary, with the config’s extra words', () => {
    for (const r of RULES) {
      for (const list of Object.values(r.vocabulary)) {
        const target = list.prefilter === 'count' ? [...(r.interest.countKeywords ?? []), ...r.interest.keywords] : r.interest.keywords;
        if (list.prefilter !== 'none') for (const w of list.words) expect(target).toContain(w);
      }
    }
    expect(interestOf({ a: { about: 'x', words: ['Foo'] }, b: { about: 'y', words: ['bar'], prefilter: 'count' } }, 'error', { a: ['baz'] })).toEqual({
      keywords: ['Foo', 'baz'],
      countKeywords: ['bar'],
      minLevel: 'error',
    });
    const config = parseConfig('rules:\n  reconcile-burst:\n    vocabulary:\n      markers: [Sweeping shard]\n', 'c.yaml');
    const options = config.rules['reconcile-burst']!.options;
    const burst = RULES.find((r) => r.rule === 'reconcile-burst')!;
    expect(burst.interestFor(options).keywords).toContain('Sweeping shard');
    expect(() => parseConfig('rules:\n  reconcile-burst:\n    vocabulary:\n      nosuchlist: [x]\n', 'c.yaml')).toThrow(/nosuchlist: unknown key; known: /);
  });
});

/** The schema kit as the modules get it, enough to list their option keys. */
const kitStub = await import('../core/schema.js');
