// JSON log lines: zap/logr (`level`, `ts` ISO or epoch seconds, `logger`, `caller`, `msg`), Go
// slog's JSONHandler (`{"time":…`, reported as slog-json) and any other JSON object line (json).
// Also klog's JSON format (`"v": n`). Keys are mapped by the shared table in keys.ts.
import type { FieldValue } from '../core/event.js';
import { jsonMessage } from './json-scan.js';
import { fromObject, LEVEL_KEYS } from './keys.js';
import type { LineFormat } from './registry.js';
import * as slogJson from './slog-json.js';
import { L_DEBUG, L_ERROR, L_FATAL, L_INFO, L_TRACE, L_UNKNOWN, L_WARN, isDigit, matchLevel, type Parsed } from './util.js';

/** Variants (index into format.names). */
const V_ZAP_JSON = 0;
const V_SLOG_JSON = 1;
const V_JSON = 2;

/** Quoted level keys, as searched in the line. */
const QUOTED_LEVEL_KEYS = LEVEL_KEYS.map((k) => `"${k}"`);

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
  let j = -1;
  for (let k = 0; k < QUOTED_LEVEL_KEYS.length && j < 0; k++) j = valueOf(s, p, end, QUOTED_LEVEL_KEYS[k]!);
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
  if (!known) return V_JSON * 8 + L_UNKNOWN;
  if (s.startsWith('{"time":', p)) return V_SLOG_JSON * 8 + lvl;
  return V_ZAP_JSON * 8 + lvl;
}

export { fromObject };

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

/** Scratch event part for message(). */
const msgOut: Parsed = { time: undefined, coarse: false, logger: undefined, caller: undefined, message: '', fields: {} };

/** The message parse() sets, through the allocation-free scan of json-scan.ts when it can. */
export function message(s: string, p: number, end: number): string {
  if (end === s.length) {
    const m = jsonMessage(s, p);
    if (m !== undefined) return m;
  }
  msgOut.message = '';
  msgOut.logger = undefined;
  msgOut.caller = undefined;
  parse(s, p, end, msgOut);
  msgOut.fields = {};
  return msgOut.message;
}

/** JSON object lines, for the registry. */
export const format: LineFormat = {
  names: ['zap-json', 'slog-json', 'json'],
  priority: 10,
  first: (c) => c === 123,
  bounded: false,
  detect,
  parse: (s, p, end, out) => parse(s, p, end, out),
  message: (s, p, end) => message(s, p, end),
  samples: [...samples, ...slogJson.samples],
};
