// JSON checks for messageOf without building objects: anchored regular expressions (run natively,
// no allocation with test/lastIndex) that accept only exact JSON grammar, for objects whose values
// are primitives or flat objects/arrays of primitives (one level of nesting, which covers zap and
// slog lines) with at most one space between tokens. Sound rather than complete: whatever they
// accept, JSON.parse accepts with the same meaning; anything else (deeper nesting, other
// whitespace, an escaped key, invalid JSON) is refused and callers fall back to JSON.parse.
import { MESSAGE_KEYS } from './keys.js';
import { unquote } from './util.js';

/** Whitespace between tokens: at most one space (Go encoders write none, Python's json one); other whitespace is refused. */
const WS = ' ?';
/** A JSON string, escapes included (no raw control characters). */
const STR = '"[^"\\\\\\x00-\\x1f]*(?:\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\\\\x00-\\x1f]*)*"';
const NUM = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
const PRIM = `(?:${STR}|${NUM}|true|false|null)`;
const FLAT_OBJECT = `\\{${WS}(?:${STR}${WS}:${WS}${PRIM}${WS}(?:,${WS}${STR}${WS}:${WS}${PRIM}${WS})*)?\\}`;
const FLAT_ARRAY = `\\[${WS}(?:${PRIM}${WS}(?:,${WS}${PRIM}${WS})*)?\\]`;
/** A value nested at most one level deep. */
const VALUE = `(?:${PRIM}|${FLAT_OBJECT}|${FLAT_ARRAY})`;
/** A top-level key without escapes (an escaped key could spell `msg`). */
const KEY = '"[^"\\\\\\x00-\\x1f]*"';
/** The message keys of the well-known keys table (keys.ts), as a regular expression alternation. */
const MESSAGE_ALT = MESSAGE_KEYS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
/** The message keys, quoted, as searched in a line. */
const QUOTED_MESSAGE_KEYS = MESSAGE_KEYS.map((k) => `"${k}"`);
/** A top-level key without escapes that is no message key. */
const OTHER_KEY = `"(?!(?:${MESSAGE_ALT})")[^"\\\\\\x00-\\x1f]*"`;
const MEMBER = `${KEY}${WS}:${WS}${VALUE}${WS}`;
const OTHER_MEMBER = `${OTHER_KEY}${WS}:${WS}${VALUE}${WS}`;

/** From `{` up to the value of the first top-level message member (lastIndex: the value's start). */
const TO_MESSAGE = new RegExp(`\\{${WS}(?:${OTHER_MEMBER},${WS})*"(?:${MESSAGE_ALT})"${WS}:${WS}`, 'y');
/** A JSON string (lastIndex: just past its closing quote). */
const STRING = new RegExp(STR, 'y');
/** The rest of an object after the message's value, with no second message key, to the end of the text. */
const REST = new RegExp(`${WS}(?:,${WS}${OTHER_MEMBER})*\\}${WS}$`, 'y');
/** A whole object (with optional surrounding whitespace), to the end of the text. */
const OBJECT = new RegExp(`${WS}\\{${WS}(?:${MEMBER}(?:,${WS}${MEMBER})*)?\\}${WS}$`, 'y');
/**
 * OBJECT without the anchor: for a line inside a larger text, a match that ends exactly at the
 * line's end says the same of the line (the pattern looks at nothing past what it matched).
 */
const OBJECT_AT = new RegExp(`${WS}\\{${WS}(?:${MEMBER}(?:,${WS}${MEMBER})*)?\\}${WS}`, 'y');

/** Whether s[i, end) is, as JSON.parse reads it, a JSON object; falls back to JSON.parse when the pattern refuses. */
export function isJsonObject(s: string, i: number, end: number): boolean {
  if (end === s.length) {
    OBJECT.lastIndex = i;
    if (OBJECT.test(s)) return true;
  } else {
    OBJECT_AT.lastIndex = i;
    if (OBJECT_AT.test(s) && OBJECT_AT.lastIndex === end) return true;
  }
  try {
    const v = JSON.parse(s.slice(i, end)) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * The message of the JSON log object that is all of s from p (s[p] === '{'), as zap-json's
 * fromObject picks it: of the top-level members whose key is a message key of the well-known
 * keys table (`msg`, `message`, hclog's `@message`), the first; '' when there is none. Returns
 * undefined when it cannot tell cheaply (not matched by the patterns above, a non-string message
 * value, a second top-level message key): use JSON.parse then.
 */
export function jsonMessage(s: string, p: number): string | undefined {
  TO_MESSAGE.lastIndex = p;
  if (!TO_MESSAGE.test(s)) {
    for (const k of QUOTED_MESSAGE_KEYS) if (s.indexOf(k, p) >= 0) return undefined;
    // No message key anywhere: '' if the line is a valid object.
    OBJECT.lastIndex = p;
    return OBJECT.test(s) ? '' : undefined;
  }
  const v = TO_MESSAGE.lastIndex;
  if (s.charCodeAt(v) !== 34) return undefined;
  STRING.lastIndex = v;
  if (!STRING.test(s)) return undefined;
  const close = STRING.lastIndex - 1;
  REST.lastIndex = close + 1;
  if (!REST.test(s)) return undefined;
  return unquote(s, v + 1, close);
}
