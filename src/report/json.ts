// The JSON reporter: the contract's schemaVersion 1 document, pretty-printed.
import type { Report } from '../core/finding.js';

/** Renders the report as the contract's JSON. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
