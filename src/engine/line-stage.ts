// The per-line hot path shared by the engine and its worker threads: classify every line
// (format, wrapper, level), count what was seen, join CRI partial lines, build full events for
// lines some analyzer wants, and aggregate lines that analyzers only count. Pure apart from the
// tally and joiner it is handed.
import { LEVEL_RANK, type LogEvent } from '../core/event.js';
import { CriJoiner, detectLine, isCriPartial, messageOf, parseLine, type ParseOptions } from '../parsers/index.js';

/** Which lines deserve a full parse: every line, those at or above a level, or those with a keyword. */
export interface LineWant {
  all: boolean;
  /** Source of a RegExp matching any keyword (kept as a string so it crosses to workers). */
  keywords?: string;
  minRank: number;
  /** Source of a RegExp matching keywords of lines that are only counted per message. */
  counts?: string;
}

/** Counts of one input's lines, merged into its InputReport. */
export interface LineTally {
  lines: number;
  unparsed: number;
  truncated: number;
  formats: Record<string, number>;
  wrappers: Record<string, number>;
}

/** Lines counted per message in one batch (see LogInterest.countKeywords). */
export interface MessageCount {
  count: number;
  first: LogEvent;
}

/** A fresh, empty tally. */
export function newTally(): LineTally {
  return { lines: 0, unparsed: 0, truncated: 0, formats: {}, wrappers: {} };
}

/** Longest line kept, in characters; longer lines are cut here and counted. */
export const MAX_LINE_CHARS = 1 << 20;
/** Distinct counted messages kept per batch; past it, each line is passed on by itself. */
const MAX_COUNTED_MESSAGES = 1000;

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

interface Compiled {
  full?: RegExp;
  /** Full and counted keywords in one pattern, so most lines are scanned once. */
  any?: RegExp;
}
const compiled = new WeakMap<LineWant, Compiled>();
function compile(want: LineWant): Compiled {
  let c = compiled.get(want);
  if (!c) {
    const full = want.keywords ? new RegExp(want.keywords) : undefined;
    const any = want.counts ? new RegExp(want.keywords ? `${want.keywords}|${want.counts}` : want.counts) : full;
    compiled.set(want, (c = { full, any }));
  }
  return c;
}

/** What processLines reports back. */
export interface LineOutcome {
  /** Index of a CRI partial line met without a joiner (worker mode): the batch must be redone in order. */
  stoppedAt?: number;
  counted: MessageCount[];
}

/**
 * Classifies and counts `lines` (numbered from `firstLine`), emits a full event for each wanted
 * one and aggregates counted ones per message. `joiner` returns the input's CRI joiner; without
 * one (on a worker thread) a CRI partial line stops processing so the caller can redo the batch
 * in order on the engine thread.
 */
export function processLines(
  lines: readonly string[],
  firstLine: number,
  opts: ParseOptions,
  want: LineWant,
  tally: LineTally,
  joiner: (() => CriJoiner) | undefined,
  emit: (e: LogEvent) => void,
): LineOutcome {
  const { full, any } = compile(want);
  const { formats, wrappers } = tally;
  const counted = new Map<string, MessageCount>();
  const out: LineOutcome = { counted: [] };
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    let ln = firstLine + i;
    if (raw.length === 0) {
      tally.lines++;
      continue;
    }
    let d = detectLine(raw);
    if (d.wrapper === 'cri') {
      // CRI splits long lines into `P` parts ended by an `F` part: analyse the joined line.
      if (!joiner) {
        if (isCriPartial(raw)) {
          out.stoppedAt = i;
          return out;
        }
      } else {
        const joined = joiner().push(raw, ln);
        if (!joined) {
          tally.lines++;
          continue;
        }
        if (joined.raw !== raw) {
          raw = joined.raw;
          ln = joined.line;
          d = detectLine(raw);
        }
      }
    }
    tally.lines++;
    if (d.format === 'unknown') tally.unparsed++;
    else formats[d.format] = (formats[d.format] ?? 0) + 1;
    if (d.wrapper !== 'none') wrappers[d.wrapper] = (wrappers[d.wrapper] ?? 0) + 1;
    if (want.all || LEVEL_RANK[d.level] >= want.minRank) {
      emit(parseLine(raw, ln, opts));
      continue;
    }
    if (any === undefined) continue;
    const m = any.exec(raw);
    if (m === null) continue;
    // The first keyword found may be a counted one while a wanted one comes later in the line.
    if (full !== undefined && (full === any || full.test(raw))) {
      emit(parseLine(raw, ln, opts));
      continue;
    }
    // Counted lines need only their message; the first of each message is parsed whole.
    const msg = messageOf(raw);
    const c = counted.get(msg);
    if (c) c.count++;
    else if (counted.size < MAX_COUNTED_MESSAGES) counted.set(msg, { count: 1, first: parseLine(raw, ln, opts) });
    else out.counted.push({ count: 1, first: parseLine(raw, ln, opts) });
  }
  for (const c of counted.values()) out.counted.push(c);
  return out;
}
