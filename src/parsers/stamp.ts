// Shape checks shared by the text formats that lead with a time stamp or a level word: where an
// ISO 8601 or Go `log` stamp ends, and the level code of an upper-case level word. Shapes only:
// parseIso / parseSlash validate the digits when a parser reads the time.
import { L_UNKNOWN, T, isDigit, matchLevel, parseIso, parseSlash, type Parsed } from './util.js';

/**
 * Index just past an ISO 8601 date-time at i — `YYYY-MM-DD[T ]hh:mm:ss[(.|,)frac][Z|±hh[:]mm]` —
 * or -1. Nothing at or past `end` is read to decide.
 */
export function isoEnd(s: string, i: number, end: number): number {
  if (
    end - i < 19 ||
    s.charCodeAt(i + 4) !== 45 ||
    s.charCodeAt(i + 7) !== 45 ||
    s.charCodeAt(i + 13) !== 58 ||
    s.charCodeAt(i + 16) !== 58 ||
    !isDigit(s.charCodeAt(i)) ||
    !isDigit(s.charCodeAt(i + 3)) ||
    !isDigit(s.charCodeAt(i + 11)) ||
    !isDigit(s.charCodeAt(i + 18))
  ) {
    return -1;
  }
  const sep = s.charCodeAt(i + 10);
  if (sep !== 84 && sep !== 32) return -1; // 'T' | ' '
  let j = i + 19;
  let c = j < end ? s.charCodeAt(j) : -1;
  if (c === 46 || c === 44) {
    j++;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
    c = j < end ? s.charCodeAt(j) : -1;
  }
  if (c === 90) return j + 1; // Z
  if ((c === 43 || c === 45) && j + 3 <= end && isDigit(s.charCodeAt(j + 1)) && isDigit(s.charCodeAt(j + 2))) {
    j += 3;
    if (j < end && s.charCodeAt(j) === 58) j++;
    if (j + 2 <= end && isDigit(s.charCodeAt(j)) && isDigit(s.charCodeAt(j + 1))) return j + 2;
    return -1;
  }
  return j;
}

/** Index just past a Go `log` stamp `YYYY/MM/DD hh:mm:ss[.frac]` at i, or -1. */
export function slashEnd(s: string, i: number, end: number): number {
  if (
    end - i < 19 ||
    s.charCodeAt(i + 4) !== 47 ||
    s.charCodeAt(i + 7) !== 47 ||
    s.charCodeAt(i + 10) !== 32 ||
    s.charCodeAt(i + 13) !== 58 ||
    s.charCodeAt(i + 16) !== 58 ||
    !isDigit(s.charCodeAt(i)) ||
    !isDigit(s.charCodeAt(i + 18))
  ) {
    return -1;
  }
  let j = i + 19;
  if (j < end && s.charCodeAt(j) === 46) {
    j++;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
  }
  return j;
}

/** True for an ASCII upper-case letter code. */
export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** End of the run of upper-case letters at i (at most `max` long), or -1 when there is none or it is longer. */
export function upperEnd(s: string, i: number, end: number, max: number): number {
  let j = i;
  const lim = Math.min(end, i + max + 1);
  while (j < lim && isUpper(s.charCodeAt(j))) j++;
  if (j === i || j - i > max) return -1;
  return j;
}

/** Level code of the upper-case level word s[i, j) (INFO, WARNING, ERR, …), or L_UNKNOWN. */
export function upperLevel(s: string, i: number, j: number): number {
  return j - i < 3 ? L_UNKNOWN : matchLevel(s, i, j);
}

/** Index of the first non-space at or after i (at most `end`). */
export function skipSpaces(s: string, i: number, end: number): number {
  while (i < end && s.charCodeAt(i) === 32) i++;
  return i;
}

/** End of s[i, end) without trailing spaces and tabs. */
export function trimRight(s: string, i: number, end: number): number {
  while (end > i) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end;
}

/**
 * When the message s[i, end) starts with a bracketed name — `[inputs.kibana]`, `[core]`,
 * `[mgmt-auth-crtb-controller]` — the index of its `]`, else -1. The name has no spaces and is at
 * most 80 characters; a `:` may follow the `]` (telegraf writes `[inputs.kibana]: `).
 */
export function bracketName(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) !== 91) return -1;
  const lim = Math.min(end, i + 82);
  for (let j = i + 1; j < lim; j++) {
    const c = s.charCodeAt(j);
    if (c === 93) return j > i + 1 ? j : -1;
    if (c === 32 || c === 91) return -1;
  }
  return -1;
}

/**
 * parse() and message() of a text format whose recogniser leaves the offset of the line's ISO
 * stamp in `g.stamp` (-1: none) and whose `body` cuts the message (filling `out`'s fields, logger
 * and caller when given one). The time is the stamp's, coarse when it has no fraction.
 */
export function stampedParsers(
  recognise: (s: string, p: number, end: number) => unknown,
  g: { readonly stamp: number; readonly slash?: boolean },
  body: (s: string, end: number, out: Parsed | undefined) => string,
): { parse: (s: string, p: number, end: number, out: Parsed) => void; message: (s: string, p: number, end: number) => string } {
  return {
    parse(s, p, end, out) {
      recognise(s, p, end);
      if (g.stamp >= 0) {
        const t = g.slash ? parseSlash(s, g.stamp) : parseIso(s, g.stamp);
        if (!Number.isNaN(t)) {
          out.time = t;
          out.coarse = !T.frac;
        }
      }
      out.message = body(s, end, out);
    },
    message(s, p, end) {
      recognise(s, p, end);
      return body(s, end, undefined);
    },
  };
}
