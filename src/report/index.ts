// Picks a reporter by output format. Reporters are pure: (report) => string.
import type { Report } from '../core/finding.js';
import { UserError } from '../core/errors.js';
import { redactDeep } from '../core/redact.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderJunit, type JunitOptions } from './junit.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText, type TextOptions } from './text.js';

/** Output formats every reporting command accepts. */
export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Options a reporter may use. */
export type RenderOptions = TextOptions &
  JunitOptions &
  MarkdownOptions & {
    /** Mask secrets in every string of the report (default true; `--no-redact` sets false). */
    redact?: boolean;
  };

/**
 * Renders `report` in `format`. The one way a report becomes output: every string of the report
 * (evidence, subjects, summaries, input names, problems, the gate's copies) passes through the
 * redaction table (src/core/redact.ts) before any reporter sees it, so a reporter, or a new
 * format added here, cannot write an unmasked secret.
 */
export function renderReport<R extends Report>(format: string, report: R, opts: RenderOptions = {}): string {
  return renderFormat(format, opts.redact === false ? report : redactDeep(report), opts);
}

/**
 * renderReport's text in pieces, for writing a piece at a time: JSON is made entry by entry (the
 * report of a large must-gather lists tens of thousands of files), redacted the same way; other
 * formats come whole.
 */
export function* renderReportChunks<R extends Report>(format: string, report: R, opts: RenderOptions = {}): Generator<string> {
  if (format === 'json') yield* renderJsonChunks(report, opts.redact === false ? (v) => v : redactDeep);
  else yield renderReport(format, report, opts);
}

function renderFormat(format: string, report: Report, opts: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(report, opts);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report, opts);
    case 'markdown':
      return renderMarkdown(report, opts);
    default:
      throw new UserError(`unknown output format '${format}'`, `use one of: ${FORMATS.join(', ')}`);
  }
}
