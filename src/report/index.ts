// Picks a reporter by output format. Reporters are pure: (report) => string.
import type { Report } from '../core/finding.js';
import { UserError } from '../core/errors.js';
import { renderJson } from './json.js';
import { renderText, type TextOptions } from './text.js';

/** Output formats every reporting command accepts. */
export const FORMATS = ['text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Options a reporter may use. */
export type RenderOptions = TextOptions;

/** Renders `report` in `format`. */
export function renderReport(format: string, report: Report, opts: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, opts);
    case 'json':
      return renderJson(report);
    default:
      throw new UserError(`unknown output format '${format}'`, `use one of: ${FORMATS.join(', ')}`);
  }
}
