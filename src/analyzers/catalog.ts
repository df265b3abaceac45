// The catalog of texts, gathered from the rule modules (src/analyzers/rules/): every rule's
// title, explanation, signals, variants, severity rules, remediation and references.
// `ctrlscope explain RULE`, the findings' remediation and docs/rules.md are all generated from
// it (a test checks the doc is current).
import type { FindingDraft, Remediation } from '../core/finding.js';
import { CATALOG, ruleModule } from './index.js';
import type { RuleId } from './rule.js';

export { CATALOG };
export type { RuleText } from './rule.js';

/**
 * The remediation a finding carries unless its analyzer gives a more specific one: the rule's
 * steps, filled in with the finding's names and fitted to its variant and severity (see
 * remediation.ts). Given a rule id alone, the rule's general text.
 */
export function remediationFor(d: RuleId | FindingDraft): Remediation {
  if (typeof d === 'string') return CATALOG[d].remediation;
  const general = CATALOG[d.rule as RuleId]?.remediation ?? { summary: '', steps: [], references: [] };
  return ruleModule(d.rule)?.remediate?.(d, general) ?? general;
}
