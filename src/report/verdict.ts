// The sentences every reporter shares about coverage: what was read, what the time window left
// out, what was not read, and which rules saw nothing. "No findings" is never said alone when
// a rule was blind. Pure.
import type { Coverage, Report, RuleCoverage } from '../core/finding.js';
import { describeSeen } from '../engine/coverage.js';
import { grouped } from './shorten.js';

/** Rules whose status is not `ok`. */
export function notOk(c: Coverage | undefined): RuleCoverage[] {
  return (c?.rules ?? []).filter((r) => r.status !== 'ok');
}

/** `read 944 173 lines in 3 681 files: 99.6 % recognised; data 14:02:58 → 14:44:10 UTC`. */
export function coverageLine(c: Coverage): string {
  const files = `${grouped(c.files)} file${c.files === 1 ? '' : 's'}`;
  const other = c.nonLogFiles ? ` (${grouped(c.nonLogFiles)} not logs)` : '';
  const pct = c.lines ? `: ${percent((c.recognised + c.continuations) / c.lines)} recognised` : '';
  const data = c.span ? `; data ${spanText(c.span.from, c.span.to)}` : c.lines ? '; no timestamps' : '';
  return `read ${grouped(c.lines)} line${c.lines === 1 ? '' : 's'} in ${files}${other}${pct}${data}`;
}

/**
 * What the window left out, or undefined without a window:
 * `--since excluded 271 of 271 timed records (counted back from the data's last timestamp 2025-10-03 09:12:44 UTC); the data spans …`.
 */
export function windowLine(c: Coverage): string | undefined {
  const w = c.window;
  if (w.since === null && w.until === null) return undefined;
  const flags = [w.since !== null ? '--since' : '', w.until !== null ? '--until' : ''].filter(Boolean).join('/');
  const bounds = [w.since !== null ? `from ${timeText(w.since)}` : '', w.until !== null ? `to ${timeText(w.until)}` : ''].filter(Boolean).join(' ');
  const anchor = w.anchor
    ? `, counted back from ${w.anchor.from === 'capture-time' ? "the bundle's capture time" : w.anchor.from === 'last-timestamp' ? "the data's last timestamp" : 'the clock (standard input or no timestamps)'} ${timeText(w.anchor.time)}`
    : '';
  const spans = c.span ? `; the data spans ${spanText(c.span.from, c.span.to)}` : '';
  return `${flags} (${bounds}${anchor}) excluded ${grouped(w.excluded)} of ${grouped(w.total)} timed records${spans}`;
}

/** `stale-pending (no-data: 0 counter observations), …` */
export function blindList(rules: readonly RuleCoverage[], detail = true): string {
  return rules.map((r) => `${r.rule} (${r.status}${detail && r.reason ? `: ${r.reason}` : ''})`).join(', ');
}

/**
 * The verdict's words for the findings: `2 findings` or `no findings`, qualified when rules saw
 * nothing or the window left everything out, so that "no findings" never stands alone on
 * nothing.
 */
export function findingsVerdict(report: Report): string {
  const { critical, warning, info } = report.summary;
  const total = critical + warning + info;
  const c = report.coverage;
  const counted = total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'}`;
  if (!c) return counted;
  const blind = notOk(c);
  const notes: string[] = [];
  if (c.window.total > 0 && c.window.excluded === c.window.total) notes.push(`the time window excluded all ${grouped(c.window.total)} timed records`);
  if (c.lines === 0 && c.files === 0 && c.sources.every((s) => s.status !== 'connected')) notes.push('nothing was read');
  else if (c.lines === 0 && !c.rules.some((r) => r.status === 'ok')) notes.push('no log line or object was read');
  if (c.unread.length) notes.push(`${c.unread.length} input${c.unread.length === 1 ? '' : 's'} not read`);
  if (blind.length === c.rules.length && c.rules.length > 0) notes.push(`no rule saw any input (${blind.map((r) => `${r.rule} ${r.status}`).join(', ')})`);
  else if (blind.length) notes.push(`${blind.length} rule${blind.length === 1 ? '' : 's'} saw no input: ${blind.map((r) => `${r.rule} (${r.status})`).join(', ')}`);
  return notes.length ? `${counted}, but ${notes.join('; ')}` : counted;
}

/** A per-rule line: `queue-leak ok (63 failure records, 0 workqueue series)`. */
export function ruleLine(r: RuleCoverage): string {
  if (r.status === 'ok') return `${r.rule}: ok (saw ${describeSeen(r.seen)})`;
  return `${r.rule}: ${r.status.toUpperCase()}, ${r.reason ?? describeSeen(r.seen)}`;
}

function percent(x: number): string {
  const p = x * 100;
  return `${p >= 99.95 && x < 1 ? '99.9' : p.toFixed(1).replace(/\.0$/, '')} %`;
}

/** `2026-11-22T10:00:03Z` → `2026-11-22 10:00:03 UTC`. */
export function timeText(t: string): string {
  return t.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

/** A span, with the date said once when both ends share it: `2026-11-22 10:00:03 → 10:02:58 UTC`. */
export function spanText(from: string, to: string): string {
  const a = timeText(from).replace(/ UTC$/, '');
  const b = timeText(to).replace(/ UTC$/, '');
  if (a.slice(0, 10) === b.slice(0, 10)) return `${a} → ${b.slice(11)} UTC`;
  return `${a} → ${b} UTC`;
}
