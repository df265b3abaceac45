// Flags shared by the commands that analyse inputs (scan, check, watch), validated at the
// boundary into typed options.
import { Option, type Command } from 'commander';
import { isDurationWithUnits, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { RULE_IDS } from '../analyzers/index.js';
import type { RuleId } from '../core/finding.js';

/** Raw values commander collects for the shared analysis flags. */
export interface AnalysisFlags {
  since?: string;
  until?: string;
  rules?: string;
  redact?: boolean;
  output?: string;
  /** `--no-prefilter` (scan and check): false. */
  prefilter?: boolean;
  brief?: boolean;
}

/**
 * Adds --since/--until/--rules/--no-redact/-o to a command. On offline data (`offline`), a
 * duration counts back from the end of the data, as must-gather tools count; live, from now.
 */
export function addAnalysisFlags(cmd: Command, formats: readonly string[], offline = false): Command {
  const since = offline
    ? 'only events at or after TIME: RFC3339 (2026-11-20T08:00:00Z) or a duration (15m, 2h, 1d) counted back from the end of the data — a bundle\'s capture time, else the last timestamp read (standard input: from now)'
    : 'only events at or after TIME: RFC3339 (2026-11-20T08:00:00Z) or a duration before now (15m, 2h, 1d)';
  return cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices([...formats]).default('text'))
    .option('--since <time>', since)
    .option('--until <time>', 'only events at or before TIME (same forms as --since)')
    .option('--rules <ids>', `comma-separated rules to run (default: all): ${RULE_IDS.join(', ')}`)
    .option('--no-redact', 'show secrets in evidence as they are (default: tokens, passwords, keys masked)');
}

/** Adds --no-prefilter (scan and check: the commands that read inputs to their end). */
export function addPrefilterFlag(cmd: Command): Command {
  return cmd.option('--no-prefilter', 'parse and analyse every line, not only lines holding a word some rule looks for (slower; the findings must be the same — use it to check)');
}

/** Parses `--since`/`--until`: an absolute time or a duration before `now`. */
export function parseTime(flag: string, value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (isDurationWithUnits(value)) return now - parseDuration(value, flag);
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new UserError(`${flag} '${value}' is not a time`, `give an RFC3339 time such as 2026-11-20T08:00:00Z, or a duration such as 15m, 2h or 1d`);
  }
  return t;
}

/** A window as the scan service takes it: absolute bounds, or durations before the end of the data. */
export interface OfflineWindow {
  since?: number;
  until?: number;
  sinceAgo?: number;
  untilAgo?: number;
}

/** Parses `--since`/`--until` for offline data: a duration stays relative (to the end of the data). */
export function parseWindow(flags: { since?: string; until?: string }): OfflineWindow {
  const w: OfflineWindow = {};
  const one = (flag: string, value: string | undefined, abs: 'since' | 'until', ago: 'sinceAgo' | 'untilAgo') => {
    if (value === undefined) return;
    if (isDurationWithUnits(value)) w[ago] = parseDuration(value, flag);
    else w[abs] = parseTime(flag, value);
  };
  one('--since', flags.since, 'since', 'sinceAgo');
  one('--until', flags.until, 'until', 'untilAgo');
  return w;
}

/** Parses `--rules a,b` into known rule ids. */
export function parseRules(value: string | undefined): RuleId[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !(RULE_IDS as readonly string[]).includes(id));
  if (unknown.length) {
    throw new UserError(`unknown rule${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, `known rules: ${RULE_IDS.join(', ')}`);
  }
  return ids as RuleId[];
}

/** Whether colour may be used on a stream: a TTY and NO_COLOR unset. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}
