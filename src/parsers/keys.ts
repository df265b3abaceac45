// The well-known keys of structured log formats (JSON, logfmt, and any format that carries
// key/value pairs): which key holds the time, the level, the message, the logger and the caller.
// One table, so that every structured format maps a record onto an event the same way.
import type { FieldValue } from '../core/event.js';
import { T, epochToMs, parseIso, type Parsed } from './util.js';

/** What a well-known key stands for. */
export const K_OTHER = 0;
export const K_TIME = 1;
export const K_LEVEL = 2;
export const K_MESSAGE = 3;
export const K_LOGGER = 4;
export const K_CALLER = 5;
/**
 * `name` is bunyan's and pino's logger, but controllers log the object they work on under the
 * same key (`"name":"rr-a","namespace":"shop"`), and the analyzers read it there: it stays a
 * field, and becomes the logger only when the record has no `logger` and no `namespace`.
 */
export const K_NAME = 6;

/**
 * The table: key → role. Time keys are tried in the record's order, the first that parses wins;
 * a key whose value does not fit its role (a `t` that is not a time) stays a field.
 */
export const WELL_KNOWN_KEYS: Readonly<Record<string, number>> = Object.freeze({
  time: K_TIME, ts: K_TIME, timestamp: K_TIME, '@timestamp': K_TIME, t: K_TIME,
  level: K_LEVEL, lvl: K_LEVEL, severity: K_LEVEL, '@level': K_LEVEL, 'log.level': K_LEVEL,
  msg: K_MESSAGE, message: K_MESSAGE, '@message': K_MESSAGE,
  logger: K_LOGGER, '@module': K_LOGGER, 'log.logger': K_LOGGER, name: K_NAME,
  caller: K_CALLER, source: K_CALLER, '@caller': K_CALLER,
});

/** The keys of one role, in the table's order. */
function keysOf(role: number): readonly string[] {
  return Object.freeze(Object.keys(WELL_KNOWN_KEYS).filter((k) => WELL_KNOWN_KEYS[k] === role));
}

/** Keys holding the time, the level, the message, the logger and the caller, in the table's order (detectors look for them in it). */
export const TIME_KEYS = keysOf(K_TIME);
export const LEVEL_KEYS = keysOf(K_LEVEL);
export const MESSAGE_KEYS = keysOf(K_MESSAGE);
export const LOGGER_KEYS = keysOf(K_LOGGER);
export const CALLER_KEYS = keysOf(K_CALLER);

/**
 * Keys some structured formats use for what the analyzers read under another name: Knative's
 * (and Tekton's) `knative.dev/key` is the work queue key (`namespace/name`, read as `key`) and
 * `knative.dev/traceid` identifies one reconcile of it, as controller-runtime's `reconcileID`
 * does. The record keeps its own key; the alias is added when the record has none of its own.
 */
export const FIELD_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'knative.dev/key': 'key',
  'knative.dev/traceid': 'reconcileID',
});

const ROLES: ReadonlyMap<string, number> = new Map(Object.entries(WELL_KNOWN_KEYS));

/** Role of key k (K_OTHER for any other key), from the table. */
export function keyRole(k: string): number {
  return ROLES.get(k) ?? K_OTHER;
}

/** A time value (RFC 3339 string, or epoch seconds/ms number) as epoch ms; NaN if it is none. */
export function timeValue(v: FieldValue): number {
  return typeof v === 'string' ? (v.length >= 19 ? parseIso(v, 0) : NaN) : typeof v === 'number' ? epochToMs(v) : NaN;
}

/**
 * Maps a structured record onto the event: the first time key that parses, the first string
 * message (a non-string `msg` is kept as a field unless `stringify`), the logger, the caller
 * (a string, or slog's AddSource object `{file, line}`); every other key is a field. The level
 * is the detector's business (so detectLine and parseLine agree) and is dropped from fields.
 */
export function fromObject(o: Record<string, FieldValue>, out: Parsed, stringify = false): void {
  let timeDone = false;
  let levelDone = false;
  let msgDone = false;
  let name: string | undefined;
  let hasLogger = false;
  let hasNamespace = false;
  const fields: Record<string, FieldValue> = {};
  for (const k in o) {
    const v = o[k] as FieldValue;
    switch (keyRole(k)) {
      case K_TIME:
        if (!timeDone) {
          const t = timeValue(v);
          if (!Number.isNaN(t)) {
            out.time = t;
            // A whole-second string time: a wrapper's time in the same second is finer.
            out.coarse = typeof v === 'string' && !T.frac;
            timeDone = true;
            continue;
          }
        }
        break;
      case K_LEVEL:
        if (!levelDone) {
          levelDone = true;
          continue;
        }
        break;
      case K_MESSAGE:
        if (!msgDone && (typeof v === 'string' || stringify)) {
          out.message = typeof v === 'string' ? v : String(v);
          msgDone = true;
          continue;
        }
        break;
      case K_LOGGER:
        hasLogger = true;
        if (typeof v === 'string' && out.logger === undefined) {
          out.logger = v;
          continue;
        }
        break;
      case K_NAME:
        if (typeof v === 'string' && name === undefined) name = v;
        break;
      case K_OTHER:
        if (k === 'namespace') hasNamespace = true;
        break;
      case K_CALLER:
        if (out.caller === undefined) {
          if (typeof v === 'string') {
            out.caller = v;
            continue;
          }
          if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.file === 'string') {
            out.caller = typeof v.line === 'number' ? `${v.file}:${v.line}` : v.file;
            continue;
          }
        }
        break;
    }
    fields[k] = v;
  }
  if (!hasLogger && !hasNamespace && name !== undefined && out.logger === undefined) out.logger = name;
  for (const k in FIELD_ALIASES) {
    const v = fields[k];
    const alias = FIELD_ALIASES[k]!;
    if (v !== undefined && fields[alias] === undefined) fields[alias] = v;
  }
  out.fields = fields;
}
