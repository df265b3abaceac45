// Telegraf and other InfluxData agents: `2020-05-26T11:13:11Z E! [inputs.kibana]: Error in plugin: …`
// — a one-letter level with `!` (E error, W warning, I info, D debug), after an RFC 3339 stamp (or
// a Go `log` stamp in releases before 1.5, or none). The plugin in brackets becomes the logger.
import { L_DEBUG, L_ERROR, L_INFO, L_WARN, isDigit, type Parsed } from '../util.js';
import { bracketName, isoEnd, slashEnd, stampedParsers, trimRight } from '../stamp.js';
import type { LineFormat } from '../registry.js';

/** Format name in reports. */
export const name = 'telegraf';

/** Real lines, as published. */
export const samples: string[] = [
  // https://github.com/influxdata/telegraf/issues/7588 (description): telegraf 1.9.1 in a k8s pod.
  '2020-05-26T11:13:11Z E! [inputs.kibana]: Error in plugin: Unable to list',
  '2020-05-26T11:13:01Z I! [agent] Config: Interval:15s, Quiet:false, Hostname:"kibana-85f86c6778-fg92m", Flush Interval:10s',
  // https://github.com/influxdata/telegraf/issues/3029 (description): the Go `log` stamp of 2017.
  '2017/07/18 13:02:42 E! ERROR in input [inputs.exec]: Errors encountered: [unable to parse \'400 Error\': invalid field format], [unable to parse \'400 Error\': invalid field format], [unable to parse \'400 Error\': invalid field format]',
  // https://github.com/influxdata/telegraf/issues/6666 (description): no stamp.
  'D! [inputs.influxdb] Error in plugin: [url=http://wrong.local:8086/debug/vars]: Get http://wrong.local:8086/debug/vars: dial tcp: lookup wrong.local: no such host',
];

/** Scratch: where the stamp starts (-1: none), whether it is a Go `log` one, where the message starts. */
const G = { stamp: -1, slash: false, msg: 0 };

/** Level code of the `X! ` at i, or -1. */
function mark(s: string, i: number, end: number): number {
  if (i + 1 >= end || s.charCodeAt(i + 1) !== 33) return -1;
  if (i + 2 < end && s.charCodeAt(i + 2) !== 32) return -1;
  switch (s.charCodeAt(i)) {
    case 69: return L_ERROR;
    case 87: return L_WARN;
    case 73: return L_INFO;
    case 68: return L_DEBUG;
    default: return -1;
  }
}

/** Level code of a telegraf line at p (G filled in), or -1. */
export function detect(s: string, p: number, end: number): number {
  G.stamp = -1;
  G.slash = false;
  let i = p;
  if (isDigit(s.charCodeAt(p))) {
    let j = slashEnd(s, p, end);
    if (j >= 0) G.slash = true;
    else j = isoEnd(s, p, end);
    if (j < 0 || j >= end || s.charCodeAt(j) !== 32) return -1;
    G.stamp = p;
    i = j + 1;
  }
  const lvl = mark(s, i, end);
  if (lvl < 0) return -1;
  G.msg = Math.min(end, i + 3);
  return lvl;
}

function body(s: string, end: number, out: Parsed | undefined): string {
  let m = G.msg;
  const e = trimRight(s, m, end);
  const b = bracketName(s, m, e);
  if (b > 0) {
    let k = b + 1;
    if (s.charCodeAt(k) === 58) k++;
    if (k === e || s.charCodeAt(k) === 32) {
      if (out !== undefined) out.logger = s.slice(m + 1, b);
      m = Math.min(e, k + 1);
    }
  }
  return s.slice(m, e);
}

/** Parses a line detect() accepted, and the message parse() sets. */
export const { parse, message } = stampedParsers(detect, G, body);

/** telegraf, for the registry. */
export const format: LineFormat = {
  names: [name],
  priority: 31,
  first: (c) => (c >= 48 && c <= 57) || c === 69 || c === 87 || c === 73 || c === 68, // digits E W I D
  bounded: true,
  detect,
  parse,
  message,
  samples,
};
