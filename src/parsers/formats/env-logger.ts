// Rust's env_logger (the `log` crate's usual backend, as kube-rs controllers and other Rust
// operators used it before `tracing`): `[2018-11-03T06:09:06Z INFO  default] starting up` — the
// time, the level padded to five columns and the target (the module path) in brackets, then the
// message. The target becomes the logger.
import { L_DEBUG, L_ERROR, L_INFO, L_TRACE, L_WARN, type Parsed } from '../util.js';
import { isoEnd, stampedParsers, trimRight } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'env-logger';

/** Real lines, as published. */
export const samples: string[] = [
  // rust-cli/env_logger:README.md@52a3e69b38f69469b77502651992f91bdfebb48a (its usage example).
  '[2018-11-03T06:09:06Z INFO  default] starting up',
];

/** Scratch: where the stamp starts, the target's span and where the message starts. */
const G = { stamp: -1, target: 0, targetEnd: 0, msg: 0 };

/** Level code of env_logger's level word at i (`ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE`), and its end in G.msg, or -1. */
function levelAt(s: string, i: number, end: number): number {
  const w = s.slice(i, Math.min(end, i + 5));
  let lvl: number;
  let n = 5;
  if (w === 'ERROR') lvl = L_ERROR;
  else if (w === 'DEBUG') lvl = L_DEBUG;
  else if (w === 'TRACE') lvl = L_TRACE;
  else if (w.startsWith('INFO')) {
    lvl = L_INFO;
    n = 4;
  } else if (w.startsWith('WARN')) {
    lvl = L_WARN;
    n = 4;
  } else return -1;
  G.msg = i + n;
  return lvl;
}

/** Level code of an env_logger line at p (G filled in), or -1. */
export function detect(s: string, p: number, end: number): number {
  G.stamp = -1;
  if (s.charCodeAt(p) !== 91 || s.charCodeAt(p + 11) !== 84) return -1; // `[` and the stamp's `T`
  const t = isoEnd(s, p + 1, end);
  if (t < 0 || s.charCodeAt(t) !== 32) return -1;
  const lvl = levelAt(s, t + 1, end);
  if (lvl < 0) return -1;
  // one or two blanks (the level padded to five), then the target up to `] `
  let k = G.msg;
  if (s.charCodeAt(k) !== 32) return -1;
  while (k < end && s.charCodeAt(k) === 32 && k < G.msg + 2) k++;
  const close = s.indexOf('] ', k);
  const stop = s.indexOf(' ', k);
  if (close <= k || close >= end || (stop >= 0 && stop < close)) return -1;
  G.stamp = p + 1;
  G.target = k;
  G.targetEnd = close;
  G.msg = close + 2;
  return lvl;
}

function body(s: string, end: number, out: Parsed | undefined): string {
  if (out !== undefined) out.logger = s.slice(G.target, G.targetEnd);
  return s.slice(G.msg, trimRight(s, G.msg, end));
}

/** Parses a line detect() accepted, and the message parse() sets. */
export const { parse, message } = stampedParsers(detect, G, body);

/** env_logger, for the registry. */
export const format: LineFormat = {
  names: [name],
  priority: 33,
  first: (c) => c === 91, // [
  bounded: true,
  detect,
  parse,
  message,
  samples,
};
