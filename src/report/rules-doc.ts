// docs/rules.md, generated from the rule modules' texts (`npm run docs`); a test keeps the file current.
import { CATALOG } from '../analyzers/catalog.js';
import { RULE_IDS } from '../analyzers/index.js';
import { renderRuleMarkdown } from './explain.js';

/** The whole rules reference as Markdown. */
export function rulesDocument(): string {
  const head = [
    '# Rules',
    '',
    '<!-- Generated from the rule modules (src/analyzers/rules/) by `npm run docs`; do not edit by hand. -->',
    '',
    'Rule ids are stable. `ctrlscope explain RULE` prints the same text in the terminal.',
    '',
    ...RULE_IDS.map((id) => `- [\`${id}\`](#${id}) — ${CATALOG[id].title}`),
    '',
  ];
  return [...head, ...RULE_IDS.map((id) => `<a id="${id}"></a>\n\n${renderRuleMarkdown(CATALOG[id])}`)].join('\n');
}
