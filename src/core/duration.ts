// The one duration parser of every command: `--settle`, `--interval`, `--history`,
// `--scrape-interval`, and the relative form of `--since`/`--until`.
import { UserError } from './errors.js';

/**
 * Parses a duration flag — `500ms`, `90s`, `15m`, `1h30m`, `2d` (Go-style units ms, s, m, h, d),
 * or a bare number of seconds — into milliseconds. The one duration parser of every command.
 */
export function parseDuration(value: string, flag: string): number {
  const s = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]!]!;
    end = re.lastIndex;
  }
  if (!s || end !== s.length) throw new UserError(`${flag} "${value}": not a duration`, 'write it like 500ms, 90s, 15m or 1h30m');
  return total;
}

/** Whether a value is written as a duration with units (`15m`, `1h30m`), not a bare number or a date. */
export function isDurationWithUnits(value: string): boolean {
  return /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(value.trim());
}
