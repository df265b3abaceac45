// The rule registry: every rule ctrlscope knows, in report order, found in src/analyzers/rules/.
// The list of rule ids, the config schema (src/core/config.ts), the catalog of texts (`explain`,
// docs/rules.md, SARIF, remediation), the engine's prefilter and the live dashboard's panels and
// sparklines are all derived from the modules; nothing outside a rule's module names it.
//
// Adding a rule touches three files and nothing else:
//   1. src/analyzers/rules/<id>.ts — the module. It declares its id to the type system
//        declare module '../rule.js' { interface RuleIds { '<id>': true } }
//      and ends in `export default defineRule({ rule: '<id>', order, text, options, consumes,
//      vocabulary, minLevel?, live, create })` (see src/analyzers/rule.ts for each field).
//      The registry finds it by its file name (rules/index.ts; the bundle script does the same).
//   2. src/analyzers/rules/<id>.test.ts — its tests: the input and the exact findings.
//   3. src/analyzers/testdata/<id>/<case>/ — golden cases (input files and expected.json),
//      run by golden.test.ts through the real file source and engine.
// From then on `ctrlscope explain <id>`, `--rules <id>`, `rules.<id>` in the config file,
// suppressions, SARIF, JUnit, the dashboard panel and `npm run docs` all know the rule.
import type { AnalyzerDefinition } from './types.js';
import type { RuleId, RuleModule, RuleText } from './rule.js';
import { RULE_MODULES } from './rules/index.js';

export type { RuleId, RuleModule, RuleText } from './rule.js';

/** The rule modules in report order. */
export const RULES: readonly RuleModule[] = [...RULE_MODULES].sort((a, b) => a.order - b.order || (a.rule < b.rule ? -1 : 1));

/** Rule ids in report order. */
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.rule);

/** All analyzers (a rule module is its analyzer's definition). */
export const ANALYZERS: readonly AnalyzerDefinition[] = RULES;

const byId = new Map<string, RuleModule>(RULES.map((r) => [r.rule, r]));

/** The module of a rule id, or undefined for an unknown id. */
export function ruleModule(id: string): RuleModule | undefined {
  return byId.get(id);
}

/** Whether a string is a known rule id. */
export function isRuleId(id: string): id is RuleId {
  return byId.has(id);
}

/** Every rule's texts, by id. */
export const CATALOG: Readonly<Record<RuleId, RuleText>> = Object.fromEntries(RULES.map((r) => [r.rule, { rule: r.rule, ...r.text }])) as Record<RuleId, RuleText>;
