// logrus's text formatter on a terminal (and wherever ForceColors/DisableQuote layouts are chosen):
// `INFO[0000] message padded to 44 columns   key=value key2="v"` — a four-letter level (TRAC,
// DEBU, INFO, WARN, ERRO, FATA, PANI), then seconds since start or, with FullTimestamp, the time in
// brackets. logrus's other text layout (`time="…" level=info msg="…"`) is logfmt and read as such.
import {
  L_DEBUG, L_ERROR, L_FATAL, L_INFO, L_TRACE, L_WARN, T, isDigit, keyEnd, pairs, parseIso, skipToken, valueEnd,
  type Parsed,
} from '../util.js';
import { isoEnd, trimRight } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'logrus';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/ManageIQ/manageiq-pods/pull/662 (description): operator-sdk run --local.
  'INFO[0000] Running the operator locally in namespace bdunne-miq. ',
  // https://github.com/moby/moby/issues/11482 (description): the Docker daemon's own log.
  'INFO[0003] GET /v1.18/containers/json?all=1             ',
  // suzuki-shunsuke/pinact:README.md@e5ed9075c668679f25d0ca96d3483012bea136fe (`pinact run --check`).
  'ERRO[0000] parse a line                                  action=actions/checkout@v2 error="action isn\'t pinned" pinact_version= program=pinact workflow_file=testdata/foo.yaml',
];

/** Level code of logrus's four-letter level at i, or -1. */
function level4(s: string, i: number): number {
  switch (s.slice(i, i + 4)) {
    case 'INFO': return L_INFO;
    case 'WARN': return L_WARN;
    case 'ERRO': return L_ERROR;
    case 'DEBU': return L_DEBUG;
    case 'TRAC': return L_TRACE;
    case 'FATA':
    case 'PANI': return L_FATAL;
    default: return -1;
  }
}

/** Index of the `]` that closes logrus's time bracket at i+4, or -1. */
function close(s: string, p: number, end: number): number {
  if (end - p < 7 || s.charCodeAt(p + 4) !== 91 || !isDigit(s.charCodeAt(p + 5))) return -1;
  const lim = Math.min(end, p + 45);
  for (let j = p + 6; j < lim; j++) {
    const c = s.charCodeAt(j);
    if (c === 93) return j + 1 === end || s.charCodeAt(j + 1) === 32 ? j : -1;
    if (c === 32) return -1;
  }
  return -1;
}

/** Level code of a logrus text line at p, or -1. */
export function detect(s: string, p: number, end: number): number {
  if (close(s, p, end) < 0) return -1;
  return level4(s, p);
}

/** Where the message starts and ends (before the key=value run); with `out`, fields are filled in. */
function body(s: string, p: number, end: number, out: Parsed | undefined): string {
  const c = close(s, p, end);
  let m = c + 1;
  while (m < end && s.charCodeAt(m) === 32) m++;
  const e = trimRight(s, m, end);
  if (m >= e) return '';
  const run = fieldsStart(s, m, e);
  if (out !== undefined && run < e) pairs(s, run, e, out.fields, false);
  return s.slice(m, trimRight(s, m, run));
}

/**
 * Where logrus's fields start in s[m, e): the first `key=` token after which every token is a
 * `key=value` (logrus writes `key=` for an empty value, and quotes values with spaces); e if none.
 */
function fieldsStart(s: string, m: number, e: number): number {
  let run = e;
  let j = m;
  while (j < e) {
    while (j < e && s.charCodeAt(j) === 32) j++;
    if (j >= e) break;
    const eq = j > m ? keyEnd(s, j, e) : -1; // the message's first word is never a field
    if (eq > 0) {
      if (run === e) run = j;
      j = eq + 1 < e && s.charCodeAt(eq + 1) !== 32 ? valueEnd(s, eq + 1, e) : eq + 1;
      continue;
    }
    run = e;
    j = skipToken(s, j, e);
  }
  return run;
}

/** Parses a line detect() accepted: the bracket's time when it holds one (FullTimestamp). */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  const c = close(s, p, end);
  if (isoEnd(s, p + 5, c) === c) {
    const t = parseIso(s, p + 5);
    if (!Number.isNaN(t)) {
      out.time = t;
      out.coarse = !T.frac;
    }
  }
  out.message = body(s, p, end, out);
}

/** The message parse() sets. */
export function message(s: string, p: number, end: number): string {
  return body(s, p, end, undefined);
}

/** logrus text, for the registry. */
export const format: LineFormat = {
  names: [name],
  priority: 36,
  first: (c) => c === 73 || c === 87 || c === 69 || c === 68 || c === 84 || c === 70 || c === 80, // I W E D T F P
  bounded: true,
  detect,
  parse: (s, p, end, out) => parse(s, p, end, out),
  message: (s, p, end) => message(s, p, end),
  samples,
};
