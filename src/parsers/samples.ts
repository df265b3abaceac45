// Every log parser's real sample lines in one list: for the parser property tests, and for the
// line workers' warm-up (see line-worker.ts).
import * as klog from './klog.js';
import * as logfmt from './logfmt.js';
import * as slogJson from './slog-json.js';
import * as slogText from './slog-text.js';
import * as wrappers from './wrappers.js';
import * as zapConsole from './zap-console.js';
import * as zapJson from './zap-json.js';

/** Real lines of every format and wrapper the parsers read. */
export const SAMPLE_LINES: readonly string[] = [
  ...klog.samples, ...zapJson.samples, ...zapConsole.samples, ...slogText.samples, ...slogJson.samples,
  ...logfmt.samples, ...wrappers.samples,
];
