// The catalog of texts, gathered from the rule modules (src/analyzers/rules/): every rule's
// title, explanation, signals, variants, severity rules, remediation and references.
// `ctrlscope explain RULE`, the findings' remediation and docs/rules.md are all generated from
// it (a test checks the doc is current).
import type { Remediation } from '../core/finding.js';
import { CATALOG } from './index.js';
import type { RuleId } from './rule.js';

export { CATALOG };
export type { RuleText } from './rule.js';

/** The remediation a finding of `rule` carries unless its analyzer gives a more specific one. */
export function remediationFor(rule: RuleId): Remediation {
  return CATALOG[rule].remediation;
}
