// Every registered format's and wrapper's real sample lines in one list: for the parser property
// tests, and for the line workers' warm-up (see line-worker.ts).
import { SAMPLES } from './registry.js';

/** Real lines of every format and wrapper the parsers read. */
export const SAMPLE_LINES: readonly string[] = SAMPLES.map((s) => s.line);
