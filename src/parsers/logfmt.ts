// logfmt lines (`key=value key2="quoted value"`), as written by go-kit/log (Prometheus), logrus text
// and slog's TextHandler. Known keys: time/ts/t, level/lvl, msg/message, logger, caller/source.
import type { FieldValue } from '../core/event.js';
import {
  F_LOGFMT, L_UNKNOWN, epochToMs, keyEnd, matchLevel, pairs, parseIso, type Parsed,
} from './util.js';

/** Real logfmt lines. */
export const samples: string[] = [
  // Prometheus 2.x server log (go-kit logfmt), as printed at startup (prometheus/prometheus main.go).
  'level=info ts=2020-08-02T04:56:51.414Z caller=main.go:805 msg="Loading configuration file" filename=/etc/prometheus/prometheus.yml',
  'level=info ts=2018-08-13T20:39:24.905651509Z caller=main.go:500 msg="Server is ready to receive web requests."',
  // Go standard library log/slog package documentation (pkg.go.dev/log/slog), TextHandler example.
  'time=2022-11-08T15:28:26.000-05:00 level=INFO msg=hello count=3',
];

/** Index of the value of a `name=` key in s[p, end) at a token start, or -1. */
function keyValue(s: string, p: number, end: number, name: string): number {
  let from = p;
  for (;;) {
    const k = s.indexOf(name, from);
    if (k < 0 || k >= end) return -1;
    if (k === p || s.charCodeAt(k - 1) === 32) return k + name.length;
    from = k + 1;
  }
}

/** Detects a logfmt line at p (it starts with `key=`); returns `format * 8 + level` or -1. */
export function detect(s: string, p: number, end: number): number {
  if (keyEnd(s, p, end) < 0) return -1;
  let v = keyValue(s, p, end, 'level=');
  if (v < 0) v = keyValue(s, p, end, 'lvl=');
  if (v < 0) return F_LOGFMT * 8 + L_UNKNOWN;
  let a = v;
  if (s.charCodeAt(a) === 34) a++;
  let k = a;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === 32 || c === 34) break;
    k++;
  }
  return F_LOGFMT * 8 + matchLevel(s, a, k);
}

/** Parses a logfmt line at p. */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  const all: Record<string, FieldValue> = {};
  pairs(s, p, end, all, false);
  const fields: Record<string, FieldValue> = {};
  let timeDone = false;
  let levelDone = false;
  let msgDone = false;
  for (const k in all) {
    const v = all[k] as FieldValue;
    switch (k) {
      case 'time':
      case 'ts':
      case 't':
        if (!timeDone) {
          const t = typeof v === 'string' ? parseIso(v, 0) : typeof v === 'number' ? epochToMs(v) : NaN;
          if (!Number.isNaN(t)) {
            out.time = t;
            timeDone = true;
            continue;
          }
        }
        break;
      case 'level':
      case 'lvl':
        if (!levelDone) {
          levelDone = true;
          continue;
        }
        break;
      case 'msg':
      case 'message':
        if (!msgDone) {
          out.message = typeof v === 'string' ? v : String(v);
          msgDone = true;
          continue;
        }
        break;
      case 'logger':
        if (out.logger === undefined && typeof v === 'string') {
          out.logger = v;
          continue;
        }
        break;
      case 'caller':
      case 'source':
        if (out.caller === undefined && typeof v === 'string') {
          out.caller = v;
          continue;
        }
        break;
    }
    fields[k] = v;
  }
  out.fields = fields;
}
