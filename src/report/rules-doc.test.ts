import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../analyzers/catalog.js';
import { RULE_IDS } from '../analyzers/index.js';
import { renderRuleText } from './explain.js';
import { rulesDocument } from './rules-doc.js';

describe('the rules reference', () => {
  it('docs/rules.md is generated from the catalog and current (run `npm run docs` after editing texts)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '../../docs/rules.md'), 'utf8');
    expect(onDisk).toBe(rulesDocument());
  });

  it.each(RULE_IDS)('explain %s prints every part of its catalog entry', (id) => {
    const t = CATALOG[id];
    const text = renderRuleText(t);
    expect(text.startsWith(`${id} — ${t.title}\n`)).toBe(true);
    for (const s of [...t.severity, ...t.notFlagged, ...t.remediation.steps, ...t.remediation.references]) expect(text).toContain(s);
    expect(t.remediation.steps.length).toBeGreaterThanOrEqual(3);
    expect(t.remediation.references.length).toBeGreaterThanOrEqual(1);
  });
});
