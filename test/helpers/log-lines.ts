// Log lines the parser property tests run over: every parser's real samples, and lines of a log
// made by ../shared/tools/gen-log.mjs (mixed formats with planted incidents) when it is there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_LINES } from '../../src/parsers/samples.js';

/** Every parser's sample lines. */
export const parserSamples: readonly string[] = SAMPLE_LINES;

/** The generator of benchmark logs, where the shared folder sits beside this repository on this machine. */
export const GEN_LOG = '/work/shared/tools/gen-log.mjs';

/** The first `count` lines of a generated log of `mb` MB (written under the run's private TMPDIR). */
export function generatedLines(count: number, mb: number): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'gen-log-')), 'g.log');
  execFileSync(process.execPath, [GEN_LOG, file, String(mb)], { stdio: 'ignore' });
  return readFileSync(file, 'utf8').split('\n').slice(0, count);
}

/** Whether generatedLines can run here. */
export const canGenerate = existsSync(GEN_LOG);
