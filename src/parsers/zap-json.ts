// JSON log lines: zap/logr (`level`, `ts` ISO or epoch seconds, `logger`, `caller`, `msg`), and the
// shared object-to-event mapping that slog-json.ts reuses. Also klog's JSON format (`"v": n`).
import type { FieldValue } from '../core/event.js';
import {
  F_JSON, F_SLOG_JSON, F_ZAP_JSON, L_DEBUG, L_ERROR, L_FATAL, L_INFO, L_TRACE, L_UNKNOWN, L_WARN,
  epochToMs, isDigit, matchLevel, parseIso, type Parsed,
} from './util.js';

/** Real zap JSON lines. */
export const samples: string[] = [
  // ../shared/real-data/kubernaut/gateway-ingestion.log lines 2-3.
  '{"level":"info","ts":"2026-10-02T22:07:06.314Z","logger":"gateway.server","caller":"processing/crd_creator.go:199","msg":"Created RemediationRequest CRD","name":"rr-34d70cf37c03-d7f0cb2c","namespace":"kubernaut-system","fingerprint":"34d70cf37c03fefc4ebe36560d42b94db1fbab39d27ae7f83d7f12134d135d75","severity":"critical","signal_name":"IstioHighDenyRate"}',
  '{"level":"info","ts":"2026-10-02T22:07:06.350Z","logger":"gateway.server","caller":"gateway/signal_ingestion_process.go:297","msg":"Signal processed successfully","request_id":"496238bd-3c5a-4491-8ec3-cbf3eb0d3850","source_ip":"10.244.0.19:49788","endpoint":"/api/v1/signals/prometheus","method":"POST","fingerprint":"34d70cf37c03fefc4ebe36560d42b94db1fbab39d27ae7f83d7f12134d135d75","crdName":"rr-34d70cf37c03-d7f0cb2c","duration_ms":81}',
  // zap.NewProduction() output (epoch-seconds ts) quoted in tonybai.com/2021/07/14/uber-zap-advanced-usage.
  '{"level":"info","ts":1625968332.269727,"caller":"zap/testzap1.go:12","msg":"failed to fetch URL","url":"localhost:8080","attempt":3,"backoff":1}',
];

/** Finds `"key":` in s[p, end) and returns the index of its value (spaces skipped), or -1. */
function valueOf(s: string, p: number, end: number, key: string): number {
  const k = s.indexOf(key, p);
  if (k < 0 || k >= end) return -1;
  let j = k + key.length;
  while (s.charCodeAt(j) === 32) j++;
  if (s.charCodeAt(j) !== 58) return -1;
  j++;
  while (s.charCodeAt(j) === 32) j++;
  return j;
}

/** Level code of a JSON level value at j (a string, or a pino/bunyan number). */
function levelAt(s: string, j: number, end: number): number {
  const c = s.charCodeAt(j);
  if (c === 34) {
    let k = j + 1;
    const lim = Math.min(end, j + 20);
    while (k < lim && s.charCodeAt(k) !== 34) k++;
    return matchLevel(s, j + 1, k);
  }
  if (isDigit(c)) {
    const n = (c - 48) * 10 + (s.charCodeAt(j + 1) - 48);
    if (n >= 60) return L_FATAL;
    if (n >= 50) return L_ERROR;
    if (n >= 40) return L_WARN;
    if (n >= 30) return L_INFO;
    if (n >= 20) return L_DEBUG;
    if (n >= 10) return L_TRACE;
  }
  return L_UNKNOWN;
}

/**
 * Detects a JSON object line at p (it must end with `}`); returns `format * 8 + level` or -1.
 * `{"time":` first means slog-json; a level, `v` or `msg` key means zap-json; else json.
 */
export function detect(s: string, p: number, end: number): number {
  if (s.charCodeAt(p) !== 123 || s.charCodeAt(end - 1) !== 125 || s.charCodeAt(p + 1) !== 34) return -1;
  let j = valueOf(s, p, end, '"level"');
  if (j < 0) j = valueOf(s, p, end, '"severity"');
  let lvl = L_UNKNOWN;
  let known = false;
  if (j >= 0) {
    lvl = levelAt(s, j, end);
    known = true;
  } else if (valueOf(s, p, end, '"v"') >= 0) {
    lvl = L_INFO; // klog JSON format: info lines carry a verbosity
    known = true;
  } else if (valueOf(s, p, end, '"msg"') >= 0) {
    known = true;
  }
  if (!known) return F_JSON * 8 + L_UNKNOWN;
  if (s.startsWith('{"time":', p)) return F_SLOG_JSON * 8 + lvl;
  return F_ZAP_JSON * 8 + lvl;
}

/** Maps a parsed JSON log object onto the event: time, logger, caller, message; the rest are fields. */
export function fromObject(o: Record<string, FieldValue>, out: Parsed): void {
  let timeDone = false;
  let levelDone = false;
  let msgDone = false;
  const fields: Record<string, FieldValue> = {};
  for (const k in o) {
    const v = o[k] as FieldValue;
    switch (k) {
      case 'ts':
      case 'time':
      case 'timestamp':
      case '@timestamp':
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
      case 'severity':
        if (!levelDone) {
          levelDone = true;
          continue;
        }
        break;
      case 'msg':
      case 'message':
        if (!msgDone && typeof v === 'string') {
          out.message = v;
          msgDone = true;
          continue;
        }
        break;
      case 'logger':
        if (typeof v === 'string' && out.logger === undefined) {
          out.logger = v;
          continue;
        }
        break;
      case 'caller':
        if (typeof v === 'string' && out.caller === undefined) {
          out.caller = v;
          continue;
        }
        break;
      case 'source': // slog AddSource: {"function","file","line"}
        if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.file === 'string' && out.caller === undefined) {
          out.caller = typeof v.line === 'number' ? `${v.file}:${v.line}` : v.file;
          continue;
        }
        break;
    }
    fields[k] = v;
  }
  out.fields = fields;
}

/** Parses a JSON log line s[p, end); a line that is not valid JSON keeps its text as the message. */
export function parse(s: string, p: number, end: number, out: Parsed): void {
  let o: unknown;
  try {
    o = JSON.parse(p === 0 && end === s.length ? s : s.slice(p, end));
  } catch {
    out.message = s.slice(p, end);
    return;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    out.message = s.slice(p, end);
    return;
  }
  fromObject(o as Record<string, FieldValue>, out);
}

/** Format names this module can report. */
export const formats = [F_ZAP_JSON, F_SLOG_JSON, F_JSON] as const;
