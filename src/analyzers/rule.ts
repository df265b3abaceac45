// What one rule is, in one module: its id, its texts, its options, what it consumes and which
// log lines it wants, its words, its live series and panel, and its analyzer. Everything else
// (the config schema, the list of rule ids, `explain`, docs/rules.md, the engine's prefilter,
// the dashboard's panels and sparklines) is derived from the modules in src/analyzers/rules/.
import type { z } from 'zod';
import type * as SchemaKit from '../core/schema.js';
import type { EventKind, Level } from '../core/event.js';
import type { FindingDraft, Remediation } from '../core/finding.js';
import type { Analyzer, AnalyzerContext, LogInterest } from './types.js';

/**
 * The known rule ids. Each rule module adds its own id to this interface from inside its file
 * (`declare module '../rule.js' { interface RuleIds { 'my-rule': true } }`), so the type of a
 * rule id grows with the modules and no shared list needs an edit.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RuleIds {}

/** A rule id: stable, kebab-case, one per module in src/analyzers/rules/. */
export type RuleId = keyof RuleIds & string;

/** Everything ctrlscope says about one rule (`explain`, docs/rules.md, SARIF, remediation). */
export interface RuleText {
  rule: RuleId;
  title: string;
  /** The contract's one-line meaning. */
  meaning: string;
  /** What happens in the controller, why it hurts, how the detector recognises it. */
  explanation: string[];
  /** The signals the detector combines, and how confidence follows from them. */
  signals?: string[];
  /** Variants of the finding (stable ids in `variant`), each with one line on what it means. */
  variants?: { id: string; text: string }[];
  /** How severity is decided. */
  severity: string[];
  /** What is not flagged, on purpose. */
  notFlagged: string[];
  remediation: Remediation;
}

/**
 * A rule's vocabulary: the words its detector really matches, as data. Each list has a name
 * (the config extends it by that name under `rules.<id>.vocabulary.<name>`) and its words,
 * plain substrings matched case-insensitively unless the list says otherwise. The detector
 * builds its matchers from these lists, and the engine's prefilter keeps every line holding a
 * word of a `keep` list (or tallies it, for a `count` list), so the prefilter cannot drop a
 * line the detector would have matched.
 */
export interface VocabularyList {
  /** What the words are for (shown in `explain` and docs). */
  about: string;
  words: readonly string[];
  /**
   * What the prefilter does with a line that has one of the words: `keep` it whole (default),
   * `count` it (a TallyEvent per message), or nothing (`none`: the list only refines lines that
   * another list or the level already lets through).
   */
  prefilter?: 'keep' | 'count' | 'none';
  /** The detector matches these words case-sensitively (default false). */
  caseSensitive?: boolean;
}

export type Vocabulary = Record<string, VocabularyList>;

/** What the live dashboard shows for a rule. */
export interface LiveSpec {
  /** Metric keys, in preference order, whose value drives the rule's sparkline. */
  series: readonly string[];
  /** What the sparkline is about ("failures", "live duplicates"). */
  seriesLabel: string;
  /**
   * Resources a live session watches for this rule (its panel goes blind without them). A rule
   * with none reads pod logs only: its panel goes blind when logs cannot be read.
   */
  watch?: readonly {
    group: string;
    version: string;
    resource: string;
    kind: string;
    namespaced: boolean;
    /** Gets the `-l/--selector` filter. */
    selectable?: boolean;
  }[];
  /** Custom resources named with `--resources` feed this rule's panel (one rule at most). */
  customResources?: boolean;
}

/** One rule, whole. */
export interface RuleModule<Id extends RuleId = RuleId> {
  /** Stable kebab-case id. */
  rule: Id;
  /** Report order among the rules (ascending; the four required rules use 10-40). */
  order: number;
  /** Texts of `explain`, docs/rules.md and the remediation of its findings (rule id added). */
  text: Omit<RuleText, 'rule'>;
  /**
   * The rule's options in the config file (`rules.<id>`), besides `enabled`, `failOn` and
   * `vocabulary`, which every rule accepts; unknown keys are errors. Built from the kit handed
   * in (zod and the config's building blocks), so zod loads only when a config is read.
   */
  options(kit: typeof SchemaKit): z.ZodRawShape;
  /** Event kinds the analyzer receives. */
  consumes: readonly EventKind[];
  /** Words and patterns the detector matches; the prefilter derives from them. */
  vocabulary: Vocabulary;
  /** Log lines at or above this level are kept whatever their words. */
  minLevel?: Level;
  /** What the live dashboard shows. */
  live: LiveSpec;
  /** The prefilter's interest, derived from the vocabulary (set by defineRule). */
  interest: LogInterest;
  /** The same with the config's extra words (`rules.<id>.vocabulary`) added (set by defineRule). */
  interestFor(options: Record<string, unknown>): LogInterest;
  create(ctx: AnalyzerContext): Analyzer;
  /**
   * Fits the rule's remediation to one finding: real names and namespaces, what to do now first,
   * the code change second, steps fitted to the finding's variant and severity. Absent: the
   * rule's general text.
   */
  remediate?(d: FindingDraft, general: Remediation): Remediation;
}

/** A module as written in its file: the interest is derived, not written. */
export type RuleModuleSpec<Id extends RuleId> = Omit<RuleModule<Id>, 'interest' | 'interestFor'>;

/**
 * Builds a rule module from its spec, deriving the prefilter's interest from the vocabulary.
 * Every rule module's file ends in `export default defineRule({ … })`.
 */
export function defineRule<Id extends RuleId>(spec: RuleModuleSpec<Id>): RuleModule<Id> {
  return {
    ...spec,
    interest: interestOf(spec.vocabulary, spec.minLevel),
    interestFor: (options) => interestOf(spec.vocabulary, spec.minLevel, vocabularyOption(options)),
  };
}

/**
 * The prefilter's interest from a vocabulary, with a config's extra words merged in. Words go
 * to the line stage as written; it matches them case-insensitively, like the detectors.
 */
export function interestOf(vocabulary: Vocabulary, minLevel?: Level, extra?: Readonly<Record<string, readonly string[]>>): LogInterest {
  const keywords = new Set<string>();
  const counts = new Set<string>();
  for (const [name, list] of Object.entries(vocabulary)) {
    const mode = list.prefilter ?? 'keep';
    if (mode === 'none') continue;
    const target = mode === 'count' ? counts : keywords;
    for (const w of [...list.words, ...(extra?.[name] ?? [])]) if (w) target.add(w);
  }
  for (const k of keywords) counts.delete(k);
  const out: LogInterest = { keywords: [...keywords] };
  if (counts.size) out.countKeywords = [...counts];
  if (minLevel) out.minLevel = minLevel;
  return out;
}

/** The extra words a rule's options carry (`vocabulary: { list: [words] }`), or undefined. */
export function vocabularyOption(options: Record<string, unknown>): Record<string, readonly string[]> | undefined {
  const v = options['vocabulary'];
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, readonly string[]> = {};
  for (const [k, words] of Object.entries(v as Record<string, unknown>)) {
    if (Array.isArray(words)) out[k] = words.filter((w): w is string => typeof w === 'string' && w !== '');
  }
  return out;
}

/** The words of one vocabulary list with the config's extras for it. */
export function wordsOf(vocabulary: Vocabulary, name: string, options: Record<string, unknown>): readonly string[] {
  const base = vocabulary[name]?.words ?? [];
  const extra = vocabularyOption(options)?.[name];
  return extra?.length ? [...base, ...extra] : base;
}

/** A vocabulary list's words as one case-insensitive (unless said) alternation, for detectors. */
export function wordsRe(list: VocabularyList, extra: readonly string[] = [], wrap: (alt: string) => string = (a) => a): RegExp {
  const alts = [...list.words, ...extra].map(escapeRe);
  return new RegExp(wrap(`(?:${alts.join('|')})`), list.caseSensitive ? '' : 'i');
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
