// The config file (ctrlscope.yaml): per-rule options and fail thresholds, dedup keys for other
// CRDs, and suppressions by rule and subject with a reason and an optional expiry. Parsed with
// `yaml` (keeping node ranges, so every error names its line) and validated with zod; a bad file
// is a UserError that names the file, the line, the key and what was expected.
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { describeError, UserError } from './errors.js';
import type { RuleId, Severity } from './finding.js';
import { RULE_IDS, RULES } from '../analyzers/index.js';
import * as kit from './schema.js';
import { text } from './schema.js';
import { readUserFile } from './user-file.js';

const SEVERITIES = ['critical', 'warning', 'info'] as const;

const severity = () => z.enum(SEVERITIES, { error: 'expected one of critical, warning, info' });

/** Keys every rule accepts: whether it runs, from which severity its findings fail `check`, extra words. */
const common = {
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  failOn: severity().optional(),
};

/**
 * `rules.<id>.vocabulary`: extra words for the rule's named word lists (see `ctrlscope explain
 * <id>`), added to the built-in ones; the prefilter keeps lines with them too.
 */
function vocabularySchema(lists: readonly string[]) {
  const words = z.array(text('a word'), { error: 'expected a list of words' });
  return z
    .strictObject(Object.fromEntries(lists.map((l) => [l, words.optional()])) as Record<string, z.ZodOptional<typeof words>>, {
      error: `expected a mapping of word lists (${lists.join(', ')})`,
    })
    .optional();
}

/**
 * The per-rule sections, from the rule modules (src/analyzers/rules/): known keys are typed,
 * unknown keys are errors. Everything but `enabled` and `failOn` is handed to the rule's
 * analyzer as its options (EngineOptions.ruleOptions); the keys and defaults are the modules' own.
 */
export const RULE_SCHEMAS = Object.fromEntries(
  RULES.map((r) => [r.rule, z.strictObject({ ...common, ...r.options(kit), vocabulary: vocabularySchema(Object.keys(r.vocabulary)) })]),
) as unknown as Record<RuleId, z.ZodObject>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const suppressionSchema = z.strictObject({
  rule: z.enum([...RULE_IDS, '*'] as unknown as readonly [RuleId | '*', ...(RuleId | '*')[]], { error: `expected a rule id (${RULE_IDS.join(', ')}) or *` }),
  subject: z.strictObject(
    {
      /** Exact name or glob (`*`, `?`). */
      name: text('a subject name or glob'),
      namespace: text('a namespace or glob').optional(),
      kind: text('a kind').optional(),
      controller: text('a controller name or glob').optional(),
    },
    { error: 'expected a mapping with at least name' },
  ),
  reason: text('a reason (why this finding is accepted)'),
  expires: z
    .string({ error: 'expected a date such as 2026-12-31' })
    .regex(DATE_RE, { error: 'expected a date such as 2026-12-31' })
    .refine((s) => !Number.isNaN(Date.parse(s)), { error: 'expected a real date such as 2026-12-31' })
    .optional(),
});

const configSchema = z.strictObject(
  {
    /** Schema version of the config file (1). */
    version: z.literal(1, { error: 'expected 1' }).optional(),
    /** Default fail threshold of `check` (the --fail-on flag overrides it). */
    failOn: severity().optional(),
    rules: z
      .strictObject(
        Object.fromEntries(Object.entries(RULE_SCHEMAS).map(([k, v]) => [k, v.nullish()])) as Record<RuleId, z.ZodOptional<z.ZodNullable<z.ZodObject>>>,
        { error: 'expected a mapping of rule ids' },
      )
      .nullish(),
    suppressions: z.array(suppressionSchema, { error: 'expected a list of suppressions' }).nullish(),
  },
  { error: 'expected a mapping (failOn, rules, suppressions)' },
);

/** One suppression, as the gate uses it. */
export interface Suppression {
  rule: RuleId | '*';
  subject: { name: string; namespace?: string; kind?: string; controller?: string };
  reason: string;
  /** As written in the file. */
  expires?: string;
  /** Epoch ms from which the suppression no longer applies (the day after a date-only `expires`). */
  expiresAt?: number;
  /** `file:line` of the entry, for messages. */
  where: string;
}

/** Per-rule settings of the gate and the analyzer. */
export interface RuleConfig {
  enabled: boolean;
  failOn?: Severity;
  /** Everything else in the rule's section, handed to its analyzer. */
  options: Record<string, unknown>;
}

/** A validated config file. */
export interface Config {
  /** The file it came from (as given). */
  source: string;
  failOn?: Severity;
  rules: Partial<Record<RuleId, RuleConfig>>;
  suppressions: Suppression[];
}

/** The config used when no file is given. */
export const EMPTY_CONFIG: Config = { source: '(none)', rules: {}, suppressions: [] };

/**
 * Largest config file read: a config with a rule section per rule and a thousand suppressions is
 * about 200 KiB; a 10 MB one took 933 MiB to parse and validate.
 */
export const MAX_CONFIG_BYTES = 1 << 20;

/**
 * Most aliases (`*name`) expanded when the YAML becomes data: a 353-byte file of nested aliases
 * (a "billion laughs") otherwise expands to millions of nodes. A config needs none; yaml's own
 * default is the same 100, named here so its refusal is reported as the file's problem.
 */
const MAX_ALIASES = 100;

/** Reads and validates a config file; any problem is a UserError naming the file and line. */
export async function loadConfig(path: string): Promise<Config> {
  const content = await readUserFile(path, {
    what: 'config file',
    maxBytes: MAX_CONFIG_BYTES,
    tryMessage: 'check the --config path: it must name a regular YAML file of at most 1 MiB; see docs/config.md for the format',
  });
  return parseConfig(content, path);
}

/** Parses and validates config text; `name` is used in messages (`name:line: key: problem`). */
export function parseConfig(content: string, name: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const label = name;
  if (doc.errors.length) {
    const lines = doc.errors.map((e) => `${label}:${lc.linePos(e.pos[0]).line}: ${firstLine(e.message)}`);
    throw new UserError(`invalid config file:\n${lines.join('\n')}`, 'fix the YAML syntax; see docs/config.md for the format');
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (err) {
    // yaml throws a ReferenceError for too many or unresolvable aliases.
    throw new UserError(
      `invalid config file ${label}: ${firstLine(describeError(err))} (at most ${MAX_ALIASES} alias expansions are allowed)`,
      'write the values out instead of using YAML anchors and aliases (&name, *name); see docs/config.md for the format',
    );
  }
  const parsed = configSchema.safeParse(data, { error: defaultMessage });
  if (!parsed.success) {
    const problems: { line: number; text: string }[] = [];
    for (const issue of parsed.error.issues) {
      const path = issue.path as (string | number)[];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const known = knownKeys(path);
          const what = path.length === 1 && path[0] === 'rules' ? 'unknown rule' : 'unknown key';
          problems.push({
            line: keyLine(doc, lc, path, key),
            text: `${formatPath([...path, key])}: ${what}${known.length ? `; known: ${known.join(', ')}` : ''}`,
          });
        }
        continue;
      }
      problems.push({ line: nodeLine(doc, lc, path), text: `${formatPath(path) || '(top level)'}: ${issue.message}` });
    }
    problems.sort((a, b) => a.line - b.line);
    throw new UserError(
      `invalid config file:\n${problems.map((p) => `${label}:${p.line}: ${p.text}`).join('\n')}`,
      'see docs/config.md for every key and an example',
    );
  }
  return build(parsed.data, doc, lc, label);
}

type Parsed = z.infer<typeof configSchema>;

function build(data: Parsed, doc: Document, lc: LineCounter, label: string): Config {
  const rules: Partial<Record<RuleId, RuleConfig>> = {};
  for (const [rule, section] of Object.entries(data.rules ?? {}) as [RuleId, Record<string, unknown> | undefined][]) {
    if (!section) continue;
    const { enabled, failOn, ...options } = section as { enabled?: boolean; failOn?: Severity };
    rules[rule] = { enabled: enabled ?? true, failOn, options };
  }
  const suppressions: Suppression[] = (data.suppressions ?? []).map((s, i) => {
    const out: Suppression = {
      rule: s.rule,
      subject: s.subject,
      reason: s.reason,
      where: `${label}:${nodeLine(doc, lc, ['suppressions', i])}`,
    };
    if (s.expires !== undefined) {
      out.expires = s.expires;
      out.expiresAt = expiryOf(s.expires);
    }
    return out;
  });
  return { source: label, failOn: data.failOn, rules, suppressions };
}

/** A date-only expiry holds through that whole day (UTC); a timestamp holds until that instant. */
export function expiryOf(expires: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) return Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
  return Date.parse(expires);
}

/** Rules the config turns off. */
export function disabledRules(config: Config): RuleId[] {
  return (Object.entries(config.rules) as [RuleId, RuleConfig][]).filter(([, r]) => !r.enabled).map(([id]) => id);
}

/** The per-rule analyzer options, as EngineOptions.ruleOptions wants them. */
export function ruleOptionsOf(config: Config): Partial<Record<RuleId, Record<string, unknown>>> {
  const out: Partial<Record<RuleId, Record<string, unknown>>> = {};
  for (const [id, r] of Object.entries(config.rules) as [RuleId, RuleConfig][]) {
    if (Object.keys(r.options).length) out[id] = r.options;
  }
  return out;
}

function defaultMessage(issue: { code?: string; expected?: string; input?: unknown }): string | undefined {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${kindOf(issue.input)}`;
  return undefined;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function knownKeys(path: (string | number)[]): string[] {
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path.length === 1 && path[0] === 'rules') return [...RULE_IDS];
  if (path.length === 2 && path[0] === 'rules') return Object.keys(RULE_SCHEMAS[path[1] as RuleId]?.shape ?? {});
  if (path[0] === 'rules' && path.length >= 3) return keysAt(RULE_SCHEMAS[path[1] as RuleId], path.slice(2));
  if (path[0] === 'suppressions' && path.length === 2) return Object.keys(suppressionSchema.shape);
  if (path[0] === 'suppressions' && path.length === 3 && path[2] === 'subject') return Object.keys(suppressionSchema.shape.subject.shape);
  return [];
}

/** The keys of the mapping at `path` inside a rule's schema (lists and optional values looked through). */
function keysAt(schema: z.ZodType | undefined, path: (string | number)[]): string[] {
  let cur: z.ZodType | undefined = schema;
  for (const p of [...path, undefined]) {
    // Look through optional, nullable and list wrappers to the object beneath.
    for (let i = 0; i < 8 && cur; i++) {
      const def = (cur as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } }).def;
      if (def.type === 'optional' || def.type === 'nullable') cur = def.innerType;
      else if (def.type === 'array' && typeof p === 'number') {
        cur = def.element;
        break;
      } else break;
    }
    if (p === undefined || typeof p === 'number') continue;
    cur = cur instanceof z.ZodObject ? (cur.shape as Record<string, z.ZodType>)[p] : undefined;
  }
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}

/** `rules.queue-leak.windowSeconds`, `suppressions[2].reason`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out ? '.' : '') + String(p);
  }
  return out;
}

/** Line of the node at `path`, or of its nearest ancestor present in the file. */
function nodeLine(doc: Document, lc: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return 1;
}

/** Line of `key` inside the mapping at `path`. */
function keyLine(doc: Document, lc: LineCounter, path: (string | number)[], key: string): number {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return lc.linePos(pair.key.range[0]).line;
    }
  }
  return nodeLine(doc, lc, path);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
