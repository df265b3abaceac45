// The per-line hot path shared by the engine and its worker threads: classify every line
// (format, wrapper, level), count what was seen, join CRI partial lines, and build full events
// only for lines some analyzer wants. Pure apart from the tally and joiner it is handed.
import { LEVEL_RANK, type LogEvent } from '../core/event.js';
import { CriJoiner, detectLine, parseLine, type ParseOptions } from '../parsers/index.js';

/** Which lines deserve a full parse: every line, those at or above a level, or those with a keyword. */
export interface LineWant {
  all: boolean;
  /** Source of a RegExp matching any keyword (kept as a string so it crosses to workers). */
  keywords?: string;
  minRank: number;
}

/** Counts of one input's lines, merged into its InputReport. */
export interface LineTally {
  lines: number;
  unparsed: number;
  truncated: number;
  formats: Record<string, number>;
  wrappers: Record<string, number>;
}

/** A fresh, empty tally. */
export function newTally(): LineTally {
  return { lines: 0, unparsed: 0, truncated: 0, formats: {}, wrappers: {} };
}

/** Longest line kept, in characters; longer lines are cut here and counted. */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Splits decoded text that ends at a line boundary (or at end of input) into lines, without the
 * newline and a trailing CR; lines over MAX_LINE_CHARS are cut and counted in the tally.
 */
export function splitText(text: string, tally: LineTally): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const n = l.length;
    if (n === 0) continue;
    if (n > MAX_LINE_CHARS) {
      lines[i] = l.slice(0, MAX_LINE_CHARS);
      tally.truncated++;
    } else if (l.charCodeAt(n - 1) === 13) lines[i] = l.slice(0, n - 1);
  }
  return lines;
}

/** Compiles the keyword source once per want. */
const compiled = new WeakMap<LineWant, RegExp | undefined>();
function keywordRe(want: LineWant): RegExp | undefined {
  if (!compiled.has(want)) compiled.set(want, want.keywords ? new RegExp(want.keywords) : undefined);
  return compiled.get(want);
}

/**
 * Classifies and counts `lines` (numbered from `firstLine`) and emits a full event for each
 * wanted one. `joiner` returns the input's CRI joiner, created on first need. Returns false,
 * without side effects beyond lines already processed, only when `stopAtCriPartial` is set and a
 * CRI partial line is met (the caller then handles the chunk sequentially).
 */
export function processLines(
  lines: readonly string[],
  firstLine: number,
  opts: ParseOptions,
  want: LineWant,
  tally: LineTally,
  joiner: () => CriJoiner,
  emit: (e: LogEvent) => void,
): void {
  const re = keywordRe(want);
  const { formats, wrappers } = tally;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    let ln = firstLine + i;
    tally.lines++;
    if (raw.length === 0) continue;
    let d = detectLine(raw);
    if (d.wrapper === 'cri') {
      // CRI splits long lines into `P` parts ended by an `F` part: analyse the joined line.
      const joined = joiner().push(raw, ln);
      if (!joined) continue;
      if (joined.raw !== raw) {
        raw = joined.raw;
        ln = joined.line;
        d = detectLine(raw);
      }
    }
    if (d.format === 'unknown') tally.unparsed++;
    else formats[d.format] = (formats[d.format] ?? 0) + 1;
    if (d.wrapper !== 'none') wrappers[d.wrapper] = (wrappers[d.wrapper] ?? 0) + 1;
    if (want.all || LEVEL_RANK[d.level] >= want.minRank || (re !== undefined && re.test(raw))) {
      emit(parseLine(raw, ln, opts));
    }
  }
}

/** True when some line of `text` is a CRI partial (`<ts> stdout P `): such chunks stay in order on one thread. */
export function hasCriPartial(text: string): boolean {
  return text.indexOf(' stdout P ') !== -1 || text.indexOf(' stderr P ') !== -1;
}
