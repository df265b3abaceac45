// The identities (apiVersion, kind, metadata.name, metadata.namespace) of the objects in a YAML
// resource dump, read line by line without building the objects, for dumps whose objects no
// analyzer reads beyond that (see Analyzer.objectKinds and slimObjects).
//
// Why: a must-gather's YAML is mostly `namespaces/*/core/events.yaml`, Lists of core Events that
// no analyzer studies; js-yaml reads them at 15-25 MB/s, which made a 100 MB must-gather of
// real shape scan at half the speed of one made of logs. This reader handles the shape kubectl and
// must-gather write (`kubectl get -o yaml`: one document, a `*List` whose `items:` are block
// mappings, or one object) and gives up, returning undefined, on anything else: several
// documents, anchors, aliases, tags, flow collections, tabs, CR line ends, identity values that
// are not plain strings, an item of a kind some analyzer reads whole, an Event some analyzer may
// study (its type, count and span meet an EventCondition; see Analyzer.objectWhen: most of a
// must-gather's Events happened once or twice and no rule reads those). The caller then parses the
// dump with js-yaml, so the result is the same either way (resource-identity.test.ts compares
// the two on every dump the tests and the real data hold, and on generated variants).
//
// Values that cannot matter to the identities are not parsed, only skipped: quoted scalars
// (which may span lines and hold text that looks like keys) are followed to their closing quote,
// the lines of plain and block scalars are skipped by their indentation. Every other line must
// fit the nesting js-yaml would build (each line continues an open mapping or sequence at its
// exact column, or opens one after a key or dash with nothing after it): a dump js-yaml would
// reject ("bad indentation", a key where a scalar's next line is, …) is left to js-yaml, so its
// problem is still reported. The tests damage kubectl dumps thousands of ways to hold it to that.
import type { EventCondition, KubeObject } from '../core/event.js';
import type { ParsedObject, ParsedResources } from './resources.js';

/** A plain scalar the core schema reads as a string and that needs no unescaping. */
const PLAIN_STRING = /^[A-Za-z][A-Za-z0-9._/-]*$/;
/** Plain scalars of that shape the core schema reads as null or a boolean instead. */
const NOT_STRINGS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
/** Characters (codes below 128) that start something other than a plain key or scalar at the start of a line's content. */
const INDICATOR = new Uint8Array(128);
for (const ch of '|>&*!%@`?{}[],:#') INDICATOR[ch.charCodeAt(0)] = 1;
/** Quoted scalars without escapes: their text is their value. */
const SINGLE_QUOTED = /^'([^']*)'$/;
const DOUBLE_QUOTED = /^"([^"\\]*)"$/;

/** The string an identity key holds, or GIVE_UP for anything else (null, a number, a boolean, an escape, a comment). */
const GIVE_UP = Symbol('give up');
function identityValue(raw: string): string | typeof GIVE_UP {
  const v = raw.trimEnd();
  if (PLAIN_STRING.test(v)) return NOT_STRINGS.has(v) ? GIVE_UP : v;
  const q = SINGLE_QUOTED.exec(v) ?? DOUBLE_QUOTED.exec(v);
  return q ? q[1]! : GIVE_UP;
}

interface Item {
  line: number;
  apiVersion?: string;
  kind?: string;
  /** undefined: no metadata key; null: `metadata:` seen, its mapping not (yet); else its identity keys. */
  metadata?: { name?: string; namespace?: string } | null;
  hasItems?: boolean;
  /**
   * What an Event item's conditions are checked against (see canMatter), from its own keys:
   * `type`, `count`, `firstTimestamp`, `lastTimestamp`, and `series` (events.k8s.io's way of
   * counting) with its `count`; null: there, but not a plain scalar this reader takes for what the
   * rules would read. `vague`: a key that changes the count or the times (`deprecatedCount`, or
   * one of these seen twice).
   */
  type?: string | null;
  count?: number | null;
  first?: number | null;
  last?: number | null;
  series?: boolean;
  seriesCount?: number | null;
  vague?: boolean;
}

/** An Event's count written as js-yaml reads a plain decimal integer. */
const PLAIN_COUNT = /^(?:0|[1-9][0-9]{0,14})$/;

/** Keys of an Event that say how often and over how long it happened (see Item). */
function readEventKey(item: Item, key: string, raw: string): boolean {
  switch (key) {
    case 'type': {
      if (item.type !== undefined) item.vague = true;
      const v = identityValue(raw);
      item.type = v === GIVE_UP ? null : v;
      return v !== GIVE_UP;
    }
    case 'count': {
      if (item.count !== undefined) item.vague = true;
      const v = raw.trimEnd();
      item.count = PLAIN_COUNT.test(v) ? Number(v) : null;
      return item.count !== null;
    }
    case 'firstTimestamp':
    case 'lastTimestamp': {
      const which = key === 'firstTimestamp' ? 'first' : 'last';
      if (item[which] !== undefined) item.vague = true;
      const v = identityValue(raw);
      const t = v === GIVE_UP ? NaN : Date.parse(v);
      item[which] = Number.isNaN(t) ? null : t;
      return item[which] !== null;
    }
    case 'deprecatedCount':
      item.vague = true;
      return false;
  }
  return false;
}

/**
 * Whether an Event item may meet one of `when` (its type is one of theirs, its count and span
 * reach theirs) as eventFacts() would read it: anything this reader cannot tell counts as met.
 */
function canMatter(it: Item, when: readonly EventCondition[]): boolean {
  const vague = it.vague === true;
  // With `series` the count is its `count` and the span ends at its lastObservedTime (not read
  // here); else the count is `count` (1 without it) and the span runs from firstTimestamp to
  // lastTimestamp when both are times.
  const count = vague ? Infinity : it.series ? (it.seriesCount ?? Infinity) : it.count === null ? Infinity : (it.count ?? 1);
  const span = vague || it.series || it.first == null || it.last == null ? Infinity : Math.max(0, (it.last - it.first) / 1000);
  for (const c of when) {
    if (c.kind !== 'event') continue;
    if (it.type !== null && it.type !== c.type) continue;
    if (count >= c.minCount && span >= c.minSpanS) return true;
  }
  return false;
}

/** Keys read where an object's identity is: their value must be a plain string on the key's line. */
function isIdentityKey(key: string): key is 'apiVersion' | 'kind' {
  return key === 'apiVersion' || key === 'kind';
}

/**
 * The objects of a YAML dump cut to their identity, exactly as slimObjects(parseResources(text))
 * would give them, or undefined when the dump is not in the shape this reader handles (see the
 * top of this file), holds an object whose kind (lower case) is in `whole`, or an Event that may
 * meet one of `when` (see canMatter).
 */
export function identities(text: string, whole: ReadonlySet<string>, when?: readonly EventCondition[]): ParsedResources | undefined {
  const n = text.length;
  if (n === 0 || text.indexOf('\r') !== -1 || text.indexOf('\t') !== -1) return undefined;
  const c0 = text.charCodeAt(0);
  // A letter (a root key) or `---`; anything else (BOM, JSON, comments, a table) is left to the parser.
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || text.startsWith('---\n'))) return undefined;

  nextAt.fill(-1);
  const root: Item = { line: 0 };
  const items: Item[] = [];
  /** Inside the root's `items:` sequence, its dashes' column (-1 until the first), the current item and its keys' column. */
  let inItems = false;
  let dash = -1;
  let item: Item | undefined;
  let itemCol = -1;
  /** Inside a `metadata:` mapping: whose, the column of its `metadata` key, the column of its keys (-1 until the first). */
  let meta: Item | undefined;
  let metaKeyCol = -1;
  let metaCol = -1;
  /** Inside a `series:` mapping: whose, the column of its `series` key, the column of its keys (-1 until the first). */
  let series: Item | undefined;
  let seriesKeyCol = -1;
  let seriesCol = -1;
  /**
   * The open block collections, as js-yaml would nest them: the column of each and whether it is
   * a sequence. Every line must continue one of them at its exact column, or open a nested one
   * right after a key or dash with nothing after it (`expect`); else js-yaml reports bad
   * indentation, and the dump is left to it so that the problem is reported.
   */
  const cols = new Int32Array(1024);
  const seqs = new Uint8Array(1024);
  let depth = 1; // cols[0] = 0, seqs[0] = 0: the root mapping
  /** Column of a key or dash whose value starts on the next lines; -1: none. */
  let expect = -1;
  /** `expect` came from a key: its value may also be a sequence at the key's own column (yaml.v2). */
  let expectFromKey = false;
  /** Skip lines indented more than this (continuation of a plain or block scalar); -1: none. */
  let skipDeeper = -1;
  /** What is skipped: 0 a block scalar, 1 a plain scalar, 2 a plain identity value (no continuation allowed). */
  let skipping = 0;
  /** A block scalar's content column, set by its first line; -1 until then. */
  let blockIndent = -1;
  /** Inside a quoted scalar spanning lines: its quote character code; 0: none. */
  let quote = 0;
  let lineNo = 0;
  let sawContent = false;
  /** The line of the document's first content (js-yaml's line for a lone object). */
  let docLine = 1;
  for (let start = 0; start < n; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    const ls = start;
    start = end + 1;
    lineNo++;
    // A document marker at column 0 is one wherever it stands, even inside a quoted scalar: only
    // a first `---` before any content is read here (several documents go to js-yaml).
    if ((text.startsWith('---', ls) || text.startsWith('...', ls)) && (end - ls === 3 || text.charCodeAt(ls + 3) === 32)) {
      if (lineNo !== 1 || end - ls !== 3 || text.charCodeAt(ls) !== 45) return undefined;
      continue;
    }
    if (quote !== 0) {
      const close = closingQuote(text, ls, end, quote);
      if (close === -2) return undefined;
      if (close === -1) continue;
      quote = 0;
      if (!restIsBlank(text, close + 1, end)) return undefined;
      continue;
    }
    let p = ls;
    while (p < end && text.charCodeAt(p) === 32) p++;
    const indent = p - ls;
    if (p === end) continue; // an empty line
    if (skipDeeper >= 0) {
      if (indent > skipDeeper) {
        // A plain scalar's next line: js-yaml reads it as part of the scalar, or fails on it when
        // it looks like a key or a comment; either way only js-yaml can say.
        if (skipping === 2 || (skipping === 1 && plainMark(text, p, end) !== NO_MARK)) return undefined;
        if (skipping === 0) {
          // A block scalar's first line sets its indentation; a line less indented but still past
          // the key is bad indentation to js-yaml.
          if (blockIndent === -1) blockIndent = indent;
          else if (indent < blockIndent) return undefined;
        }
        continue;
      }
      skipDeeper = -1;
    }
    const c = text.charCodeAt(p);
    if (c === 35) continue; // a comment line
    if (!sawContent) docLine = lineNo;
    sawContent = true;
    // A sequence entry: `- ` and what follows it on the line (keyCol: where that starts).
    let entry = false;
    let keyCol = indent;
    if (c === 45 && (p + 1 === end || text.charCodeAt(p + 1) === 32)) {
      entry = true;
      p++;
      while (p < end && text.charCodeAt(p) === 32) p++;
      keyCol = p - ls;
    }
    // The key, plain or quoted, and where its value starts; a line without `key:` holds a scalar.
    let key: string | undefined;
    let v = p;
    /** Where the key ends (-1: a scalar line); the key itself is sliced out only where it is read. */
    let k = -1;
    if (p < end) {
      const fc = text.charCodeAt(p);
      if (fc < 128 && INDICATOR[fc] === 1) return undefined; // a block scalar, flow, tag, anchor… where a key would be
      k = keyEnd(text, p, end);
      if (k >= 0) {
        v = k + 1;
        while (v < end && text.charCodeAt(v) === 32) v++;
      }
    }
    const hasKey = k >= 0;

    // The line's place among the open collections.
    const seq = entry ? 1 : 0;
    if (expect >= 0) {
      if (indent > expect || (indent === expect && entry && expectFromKey)) {
        if (depth === cols.length) return undefined; // nested deeper than any dump
        cols[depth] = indent;
        seqs[depth++] = seq;
      }
      expect = -1;
    }
    // A key at the column of a yaml.v2 sequence (dashes at their key's column) closes the sequence.
    while (depth > 0 && (cols[depth - 1]! > indent || (cols[depth - 1] === indent && seqs[depth - 1] === 1 && !entry && depth > 1 && cols[depth - 2] === indent))) depth--;
    if (depth === 0 || cols[depth - 1] !== indent || seqs[depth - 1] !== seq) return undefined;
    if (!entry && !hasKey) return undefined; // a scalar where keys are
    if (entry && hasKey) {
      // `- key: value`: a mapping whose keys are at keyCol.
      if (depth === cols.length) return undefined;
      cols[depth] = keyCol;
      seqs[depth++] = 0;
    }

    // Where the line sits among the root, the items and an item's keys.
    if (meta && indent <= metaKeyCol) meta = undefined;
    if (series && indent <= seriesKeyCol) series = undefined;
    let target: Item | undefined;
    if (indent === 0 && !entry) {
      inItems = false;
      item = undefined;
      target = root;
    } else if (inItems && entry && (dash === -1 || indent <= dash)) {
      if (indent !== dash && dash !== -1) return undefined;
      if (!hasKey) return undefined; // an item that is not a mapping on its dash's line
      dash = indent;
      item = { line: lineNo };
      items.push(item);
      itemCol = keyCol;
      target = item;
    } else if (inItems && (dash === -1 || indent < itemCol)) {
      return undefined; // neither an item nor inside one
    } else if (entry && indent === 0) {
      return undefined; // a sequence at the root
    } else if (item && indent === itemCol && !entry) {
      target = item;
    }
    let identity = false;
    if (hasKey && (target || series || (meta && (metaCol === -1 || indent === metaCol)))) key = text.slice(p, k);
    if (target && key !== undefined) {
      if (!isPlainKey(key)) return undefined;
      if (isIdentityKey(key)) {
        const val = identityValue(text.slice(v, end));
        if (val === GIVE_UP) return undefined;
        // An object some analyzer reads whole: js-yaml reads the dump, so stop here.
        if (key === 'kind' && whole.has(val.toLowerCase())) return undefined;
        target[key] = val;
        identity = true;
      } else if (key === 'metadata') {
        const rest = text.slice(v, end).trimEnd();
        if (rest === '{}') target.metadata = {};
        else if (rest !== '') return undefined;
        else {
          target.metadata = null;
          meta = target;
          metaKeyCol = keyCol;
          metaCol = -1;
        }
      } else if (key === 'items') {
        if (target === root && root.hasItems) return undefined; // a second `items:` replaces the first
        target.hasItems = true;
        if (target === root) {
          const rest = text.slice(v, end).trimEnd();
          if (rest === '') {
            inItems = true;
            dash = -1;
          } else if (rest !== '[]') return undefined;
        }
      } else if (key === 'series') {
        if (target.series) target.vague = true;
        target.series = true;
        if (v >= end) {
          series = target;
          seriesKeyCol = keyCol;
          seriesCol = -1;
        }
      } else if (readEventKey(target, key, text.slice(v, end))) {
        identity = true; // a value read must not go on to a next line
      }
    } else if (series && indent > seriesKeyCol) {
      // The count of a `series` mapping; anything else in it leaves its count unknown.
      if (seriesCol === -1) seriesCol = indent;
      if (indent === seriesCol && !entry && key === 'count') {
        const raw = text.slice(v, end).trimEnd();
        if (series.seriesCount !== undefined) series.vague = true;
        series.seriesCount = PLAIN_COUNT.test(raw) ? Number(raw) : null;
        identity = series.seriesCount !== null;
      }
    } else if (meta && indent > metaKeyCol) {
      if (metaCol === -1) {
        if (entry || !hasKey) return undefined; // metadata is not a mapping
        metaCol = indent;
        meta.metadata = {};
      }
      if (indent < metaCol) return undefined;
      if (indent === metaCol && !entry) {
        if (key === undefined || !isPlainKey(key)) return undefined;
        if (key === 'name' || key === 'namespace') {
          const val = identityValue(text.slice(v, end));
          if (val === GIVE_UP) return undefined;
          meta.metadata![key] = val;
          identity = true;
        }
      }
    }

    // The value: nested lines follow, or a scalar whose further lines are skipped.
    if (v >= end) {
      // Nothing after the key or dash: the value is on the next lines (or null).
      expect = hasKey ? keyCol : indent;
      expectFromKey = hasKey;
      continue;
    }
    const vc = text.charCodeAt(v);
    if (vc === 35) return undefined; // `key: # comment`
    if (vc === 39 || vc === 34) {
      const close = closingQuote(text, v + 1, end, vc);
      if (close === -2) return undefined;
      if (close === -1) quote = vc;
      else if (!restIsBlank(text, close + 1, end)) return undefined;
      continue;
    }
    if (vc === 123 || vc === 91) {
      const rest = text.slice(v, end).trimEnd();
      if (rest !== '{}' && rest !== '[]') return undefined;
      continue;
    }
    if (vc < 128 && INDICATOR[vc] === 1 && vc !== 124 && vc !== 62) {
      return undefined; // anchors, aliases, tags, reserved characters, flow indicators, complex keys
    }
    if (vc === 45 && (v + 1 === end || text.charCodeAt(v + 1) === 32)) return undefined; // `- - x`, `key: - x`
    // A plain scalar holding `: ` is a key where none may be: js-yaml rejects the document.
    if (vc !== 124 && vc !== 62 && plainMark(text, v, end) === COLON) return undefined;
    // A plain or block scalar: the lines indented more than its key (or its dash) belong to it.
    skipDeeper = !hasKey && entry ? indent : keyCol;
    skipping = vc === 124 || vc === 62 ? 0 : identity ? 2 : 1;
    if (skipping === 0) {
      blockIndent = -1;
      // Only the plain headers (`|`, `|-`, `>+`, …): an explicit indentation is left to js-yaml.
      if (!/^[|>][-+]?\s*$/.test(text.slice(v, end))) return undefined;
    }
  }
  if (quote !== 0) return undefined;
  return assemble(root, items, docLine, when);
}

/** The objects of the dump from what was read, as collect() and slimObjects() would make them. */
function assemble(root: Item, items: Item[], docLine: number, when: readonly EventCondition[] | undefined): ParsedResources | undefined {
  const isList = root.hasItems === true && (root.kind === undefined || root.kind.endsWith('List'));
  const found = isList ? items : [root];
  if (!isList && (items.length > 0 || root.hasItems)) {
    // An object with an `items` field of its own: collect() keeps it whole; leave it to the parser.
    return undefined;
  }
  const objects: ParsedObject[] = [];
  for (const it of found) {
    if (it.hasItems) return undefined; // a List inside a List
    if (it.kind === undefined && it.metadata === undefined) return undefined; // reported by the parser
    if (it.metadata === null) return undefined; // `metadata:` with nothing under it is null, not a mapping
    if (when && it.kind !== undefined && it.kind.toLowerCase() === 'event' && canMatter(it, when)) return undefined;
    const object: KubeObject = {};
    if (it.apiVersion !== undefined) object.apiVersion = it.apiVersion;
    if (it.kind !== undefined) object.kind = it.kind;
    if (it.metadata) {
      object.metadata = {};
      if (it.metadata.name !== undefined) object.metadata.name = it.metadata.name;
      if (it.metadata.namespace !== undefined) object.metadata.namespace = it.metadata.namespace;
    }
    objects.push({ object, line: isList ? it.line : docLine });
  }
  return { objects, problems: [], kind: 'manifests' };
}

/** Where the key on a line ends (the index of its `:`), or -1 when the line holds a scalar. */
function keyEnd(s: string, p: number, end: number): number {
  const c = s.charCodeAt(p);
  let i = p;
  if (c === 34 || c === 39) {
    const close = closingQuote(s, p + 1, end, c);
    if (close < 0) return -1; // a quoted scalar starting here, not a key (a bad escape is found again as a value)
    i = close + 1;
    while (i < end && s.charCodeAt(i) === 32) i++;
    return i < end && s.charCodeAt(i) === 58 && (i + 1 === end || s.charCodeAt(i + 1) === 32) ? i : -1;
  }
  for (; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 58 && (i + 1 === end || s.charCodeAt(i + 1) === 32)) return i;
    if (ch === 35 && i > p && s.charCodeAt(i - 1) === 32) return -1; // a comment starts
  }
  return -1;
}

/** A key read as written: plain, without characters that make js-yaml read it differently. */
function isPlainKey(key: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key);
}

/** Escapes js-yaml reads in double-quoted scalars (others are an error): the character after `\`, and the hex digits it takes. */
const ESCAPE_HEX = new Int8Array(128).fill(-1);
for (const ch of '0abt\tnvfre "/\\N_LP') ESCAPE_HEX[ch.charCodeAt(0)] = 0;
ESCAPE_HEX[0x78] = 2; // \xXX
ESCAPE_HEX[0x75] = 4; // \uXXXX
ESCAPE_HEX[0x55] = 8; // \UXXXXXXXX

/**
 * Where the next `'`, `"` and `\` of the text being read are, at or after where they were last
 * looked for (the text's length when there is none); reset for each text. Searching from each
 * line of a long quoted scalar for its distant closing quote would be quadratic; remembered, the
 * searches cost one pass over the text.
 */
const nextAt = new Int32Array(3);
const SINGLE = 0;
const DOUBLE = 1;
const BACKSLASH = 2;
const SEARCHED = ["'", '"', '\\'];
function next(s: string, which: number, from: number): number {
  if (nextAt[which]! < from) {
    const at = s.indexOf(SEARCHED[which]!, from);
    nextAt[which] = at === -1 ? s.length : at;
  }
  return nextAt[which]!;
}

/**
 * Index of the quote closing a scalar, searching [from, end); -1 when it does not close there, -2
 * when a double-quoted scalar holds an escape js-yaml rejects (the dump is then left to it).
 */
function closingQuote(s: string, from: number, end: number, q: number): number {
  if (q === 39) {
    for (let i = next(s, SINGLE, from); i < end; i = next(s, SINGLE, i + 1)) {
      if (i + 1 < end && s.charCodeAt(i + 1) === 39) {
        i++; // '' is an escaped quote
        continue;
      }
      return i;
    }
    return -1;
  }
  const close = next(s, DOUBLE, from);
  const lim = close < end ? close : end;
  if (next(s, BACKSLASH, from) >= lim) return close < end ? close : -1;
  for (let i = nextAt[BACKSLASH]!; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 34) return i;
    if (ch !== 92) continue;
    if (i + 1 === end) return -1; // an escaped line break
    const e = s.charCodeAt(i + 1);
    const hex = e < 128 ? ESCAPE_HEX[e]! : -1;
    if (hex < 0) return -2;
    for (let h = 0; h < hex; h++) if (!isHex(s.charCodeAt(i + 2 + h))) return -2;
    i += 1 + hex;
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** What plainMark finds first in a plain scalar's text. */
const NO_MARK = 0;
const COLON = 1;
const COMMENT = 2;

/**
 * The first `: ` (or trailing `:`), which js-yaml reads as a key, or ` #`, which starts a
 * comment, in [from, end) of a plain scalar's line: COLON, COMMENT or NO_MARK. A value on its
 * key's line may hold a comment but no colon; a continuation line may hold neither.
 */
function plainMark(s: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 58 && (i + 1 === end || s.charCodeAt(i + 1) === 32)) return COLON;
    if (ch === 35 && s.charCodeAt(i - 1) === 32) return COMMENT;
  }
  return NO_MARK;
}

/** Whether [from, end) holds only spaces, or spaces and a comment. */
function restIsBlank(s: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 32) continue;
    return ch === 35 && i > from;
  }
  return true;
}

/**
 * Dumps that take every branch of identities() that kubectl output takes: yaml.v2 sequences at
 * their key's column and indented ones, quoted keys, escapes, scalars quoted over several lines,
 * plain and block scalars, flow `{}` and `[]`, nulls, comments, a List and a lone object. The
 * line workers read them before their first job (see line-worker.ts): met for the first time in
 * the middle of a scan, each such branch made V8 throw away the compiled reader and compile it
 * again, five times in a scan of a 100 MB must-gather.
 */
export const WARM_UP_DUMPS: readonly string[] = [
  `---
apiVersion: v1
items:
- apiVersion: v1
  count: 1
  eventTime: null
  involvedObject:
    kind: Endpoints
    name: apiserver
  kind: Event
  message: 'Failed to update endpoint: Operation cannot be fulfilled on endpoints "apiserver":
    the object has been modified; it''s stale'
  metadata:
    annotations:
      "quoted/key": "tab\\there \\"quoted\\" \\u00e9\\x41 back\\\\slash"
      long: "a double-quoted value
        over two lines"
      script: |
        #!/bin/sh
        echo "name: not-a-key"
      folded: >-
        folded
        text
    creationTimestamp: "2021-08-03T09:36:24Z"
    finalizers:
    - a
    - b
    labels: {}
    name: apiserver.1697c24355762ea3
    namespace: openshift-kube-apiserver
    ownerReferences:
    - apiVersion: v1
      kind: ConfigMap
      name: owner
  note: a plain value
    continued on a second line
  related: null
  spec:
    list:
      - indented
      - name: entry
        value: 1
    empty: []
  type: Warning
- kind: Pod
  metadata: {}
kind: EventList
metadata:
  resourceVersion: ""
`,
  `apiVersion: v1
kind: Namespace
metadata:
  name: 'openshift-etcd'
  namespace: "x"
# a comment
spec:
  finalizers:
  - kubernetes
`,
];
