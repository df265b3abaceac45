// Go log/slog default handler text (through the standard `log` package):
// `YYYY/MM/DD hh:mm:ss[.uuuuuu] LEVEL msg key=value ...`. The same timestamp followed by anything
// but a level word is left to formats/go-log.ts (`[ERROR]`, `WARNING:`, and plain Go `log`
// output, format `plain`) and formats/telegraf.ts (`E!`).
import type { LineFormat } from './registry.js';
import {
  L_UNKNOWN, T, isDigit, matchLevel, parseSlash, trailingPairs, type Parsed,
} from './util.js';

/** Real slog default-handler lines. */
export const samples: string[] = [
  // ../shared/real-data/acexy/degradation.log (inside its Docker prefix).
  '2025/11/02 10:32:57 WARN Health check failed error="Get \\"http://orchestrator:8000/orchestrator/status\\": dial tcp 172.18.0.5:8000: connect: connection refused"',
  '2025/11/02 10:33:45 INFO Started new stream id="{id: 4b528d10eaad747ddf52251206177573ee3e9f74}" clients=0',
  // Go standard library log/slog package documentation (pkg.go.dev/log/slog), default handler.
  '2022/11/08 15:28:26 INFO hello count=3',
];

/** The one variant. */
const V_SLOG_TEXT = 0;

/** Detects a Go `log` timestamp and a level word at p; returns the level code, or -1. */
export function detect(s: string, p: number, end: number): number {
  if (
    end - p < 19 || // `YYYY/MM/DD hh:mm:ss` at least
    s.charCodeAt(p + 4) !== 47 ||
    s.charCodeAt(p + 7) !== 47 ||
    s.charCodeAt(p + 10) !== 32 ||
    s.charCodeAt(p + 13) !== 58 ||
    s.charCodeAt(p + 16) !== 58 ||
    !isDigit(s.charCodeAt(p)) ||
    !isDigit(s.charCodeAt(p + 18))
  ) {
    return -1;
  }
  let j = p + 19;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (isDigit(s.charCodeAt(j))) j++;
  }
  // No level word: another layout of Go's `log` stamp reads it (formats/go-log.ts: `[ERROR]`,
  // telegraf's `E!`, or plain Go `log` output).
  if (s.charCodeAt(j) !== 32) return -1;
  const a = j + 1;
  let k = a;
  const lim = Math.min(end, a + 12);
  while (k < lim && s.charCodeAt(k) !== 32) k++;
  const lvl = k === end || s.charCodeAt(k) === 32 ? matchLevel(s, a, k) : L_UNKNOWN;
  return lvl === L_UNKNOWN ? -1 : V_SLOG_TEXT * 8 + lvl;
}

/** Where the message starts: after the `YYYY/MM/DD hh:mm:ss[.frac]` at p (by position) and the level word. */
function messageStart(s: string, p: number, end: number, withLevel: boolean): number {
  let j = p + 19;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (isDigit(s.charCodeAt(j))) j++;
  }
  j++;
  if (withLevel) {
    while (j < end && s.charCodeAt(j) !== 32) j++;
    j++;
  }
  return j;
}

/** End of the message s[j, run) without the spaces before the key=value run. */
function trimEnd(s: string, j: number, run: number): number {
  while (run > j && s.charCodeAt(run - 1) === 32) run--;
  return run;
}

/** Parses a slog text (or plain Go log) line at p: message up to the trailing key=value run. */
export function parse(s: string, p: number, end: number, out: Parsed, withLevel: boolean): void {
  const t = parseSlash(s, p);
  out.time = Number.isNaN(t) ? undefined : t;
  out.coarse = !T.frac;
  const j = messageStart(s, p, end, withLevel);
  if (j >= end) {
    out.message = '';
    return;
  }
  if (!withLevel) {
    out.message = s.slice(j, end);
    return;
  }
  const eq = s.indexOf('=', j);
  const run = eq >= 0 && eq < end ? trailingPairs(s, j, end, out.fields) : end;
  out.message = s.slice(j, trimEnd(s, j, run));
}

/** The message parse() sets, without the time or the fields. */
export function message(s: string, p: number, end: number, withLevel: boolean): string {
  const j = messageStart(s, p, end, withLevel);
  if (j >= end) return '';
  if (!withLevel) return s.slice(j, end);
  const eq = s.indexOf('=', j);
  const run = eq >= 0 && eq < end ? trailingPairs(s, j, end, undefined) : end;
  return s.slice(j, trimEnd(s, j, run));
}

/** Go log / slog default handler text, for the registry. */
export const format: LineFormat = {
  names: ['slog-text'],
  priority: 10,
  first: (c) => c >= 48 && c <= 57,
  bounded: true,
  detect,
  parse: (s, p, end, out) => parse(s, p, end, out, true),
  message: (s, p, end) => message(s, p, end, true),
  samples,
};
