// Prometheus text exposition format (version 0.0.4) and the sample lines of OpenMetrics 1.0.
//
// Supported:
//   - `# HELP` / `# TYPE` / `# EOF` and other comments (skipped; they produce no sample);
//   - `name value`, `name{label="v",…} value`, with `\\`, `\"` and `\n` escapes in label values,
//     a trailing comma in the label set, and UTF-8 quoted names (`{"my.metric",a="b"}`);
//   - values as Go's ParseFloat reads them, including `NaN`, `+Inf`, `-Inf`;
//   - an optional sample timestamp: integer epoch milliseconds (Prometheus text), or epoch
//     seconds with a fraction (OpenMetrics) — a timestamp below 1e11 is read as seconds;
//   - several snapshots in one file: each one preceded by a comment naming its scrape time,
//     `# scrape 2026-11-20T10:00:00Z` (also `# time …`, `# timestamp …`, `# at …`, or an epoch
//     number), which becomes the time of the samples after it that carry no timestamp of their own.
// Not supported: exemplars (`# {…} v` after the value are ignored) and protobuf.
import type { MetricEvent } from '../core/event.js';

/** Real exposition lines (client-go workqueue metrics as a controller-runtime manager exposes them). */
export const samples: string[] = [
  '# HELP workqueue_depth Current depth of workqueue',
  '# TYPE workqueue_depth gauge',
  'workqueue_depth{controller="variantautoscaling",name="variantautoscaling"} 0',
  'workqueue_adds_total{controller="variantautoscaling",name="variantautoscaling"} 87',
  'workqueue_retries_total{controller="variantautoscaling",name="variantautoscaling"} 0',
  'workqueue_unfinished_work_seconds{controller="variantautoscaling",name="variantautoscaling"} 0',
  'workqueue_queue_duration_seconds_bucket{controller="variantautoscaling",name="variantautoscaling",le="+Inf"} 87',
  'controller_runtime_reconcile_total{controller="variantautoscaling",result="success"} 87',
  'rest_client_requests_total{code="200",host="172.30.0.1:443",method="GET"} 1033',
];

const SCRAPE_RE = /^#\s*(?:scrape|scraped|time|timestamp|at|snapshot)\b[\s:=@]*(?:at\s+)?(\S+)/i;

/** The time a `# scrape <RFC3339 or epoch>` comment names, or undefined for any other line. */
export function scrapeTime(line: string): number | undefined {
  const m = SCRAPE_RE.exec(line.trim());
  if (!m) return undefined;
  const v = m[1]!;
  if (/^\d+(?:\.\d+)?$/.test(v)) return epochMs(Number(v));
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function epochMs(v: number): number {
  return Math.round(v < 1e11 ? v * 1000 : v);
}

/** Go ParseFloat-compatible value parsing (NaN, ±Inf, hex and underscores not used by exporters). */
function parseValue(s: string): number | undefined {
  switch (s) {
    case 'NaN':
    case 'nan':
      return NaN;
    case '+Inf':
    case 'Inf':
    case '+inf':
    case 'inf':
      return Infinity;
    case '-Inf':
    case '-inf':
      return -Infinity;
  }
  if (s === '' || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/** Reads a quoted string starting at s[i] === '"'; returns [value, index after closing quote]. */
function readQuoted(s: string, i: number): [string, number] | undefined {
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') {
      const n = s[j + 1];
      out += n === 'n' ? '\n' : n === undefined ? '' : n;
      j += 2;
      continue;
    }
    if (c === '"') return [out, j + 1];
    out += c;
    j++;
  }
  return undefined;
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:]/;

/**
 * One exposition line to a sample; undefined for comments, blank lines and lines that are not a
 * sample. `defaultTime` (a snapshot's scrape time) is used when the sample has no timestamp.
 */
export function parsePromLine(line: string, lineNo: number, source: string, defaultTime?: number): MetricEvent | undefined {
  let s = line;
  if (s.endsWith('\r')) s = s.slice(0, -1);
  let i = 0;
  while (s[i] === ' ' || s[i] === '\t') i++;
  if (i >= s.length || s[i] === '#') return undefined;
  let name = '';
  const labels: Record<string, string> = {};
  if (s[i] === '{') {
    // OpenMetrics 2 / UTF-8: the name is the first, quoted, entry of the label set.
  } else {
    if (!NAME_START.test(s[i]!)) return undefined;
    const st = i;
    while (i < s.length && NAME_CHAR.test(s[i]!)) i++;
    name = s.slice(st, i);
  }
  if (s[i] === '{') {
    i++;
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === '}') {
        i++;
        break;
      }
      let key: string;
      if (s[i] === '"') {
        const q = readQuoted(s, i);
        if (!q) return undefined;
        [key, i] = q;
        while (s[i] === ' ') i++;
        if (s[i] === ',' || s[i] === '}') {
          // A bare quoted string is the metric name.
          if (name) return undefined;
          name = key;
          if (s[i] === ',') i++;
          continue;
        }
      } else {
        const st = i;
        while (i < s.length && NAME_CHAR.test(s[i]!)) i++;
        key = s.slice(st, i);
        if (!key) return undefined;
      }
      while (s[i] === ' ') i++;
      if (s[i] !== '=') return undefined;
      i++;
      while (s[i] === ' ') i++;
      if (s[i] !== '"') return undefined;
      const q = readQuoted(s, i);
      if (!q) return undefined;
      labels[key] = q[0];
      i = q[1];
      while (s[i] === ' ') i++;
      if (s[i] === ',') i++;
      else if (s[i] !== '}') return undefined;
    }
  }
  if (!name) return undefined;
  if (s[i] !== ' ' && s[i] !== '\t') return undefined;
  const rest = s.slice(i).trim();
  const hash = rest.indexOf(' # '); // OpenMetrics exemplar
  const parts = (hash >= 0 ? rest.slice(0, hash) : rest).split(/[ \t]+/);
  if (parts.length < 1 || parts.length > 2) return undefined;
  const value = parseValue(parts[0]!);
  if (value === undefined) return undefined;
  let time = defaultTime;
  if (parts.length === 2) {
    const ts = Number(parts[1]);
    if (!Number.isFinite(ts)) return undefined;
    time = epochMs(ts);
  }
  const ev: MetricEvent = { kind: 'metric', name, labels, value, source, line: lineNo };
  if (time !== undefined) ev.time = time;
  return ev;
}

/** Stateful reader of one exposition file: tracks `# scrape …` snapshot times between lines. */
export class PromReader {
  private scrape: number | undefined;
  /** Samples read and lines that were neither samples nor comments. */
  samples = 0;
  unparsed = 0;

  constructor(
    private readonly source: string,
    defaultTime?: number,
  ) {
    this.scrape = defaultTime;
  }

  /** One line in; a sample out when the line is one. */
  line(raw: string, lineNo: number): MetricEvent | undefined {
    const t = raw.charCodeAt(0) === 35 ? scrapeTime(raw) : undefined;
    if (t !== undefined) {
      this.scrape = t;
      return undefined;
    }
    const ev = parsePromLine(raw, lineNo, this.source, this.scrape);
    if (ev) this.samples++;
    else if (raw.trim() !== '' && !raw.trimStart().startsWith('#')) this.unparsed++;
    return ev;
  }
}

/**
 * Whether the beginning of a file looks like a Prometheus exposition: `# HELP`/`# TYPE` lines, or
 * most non-comment lines parse as samples (and not as log lines with a timestamp first).
 */
export function isPromExposition(head: string): boolean {
  const lines = head.split('\n').slice(0, 50);
  let samplesSeen = 0;
  let other = 0;
  for (const l of lines) {
    const t = l.trim();
    if (!t) continue;
    if (/^# (?:HELP|TYPE|UNIT) [A-Za-z_:][A-Za-z0-9_:]* /.test(t)) return true;
    if (t.startsWith('#')) continue;
    if (parsePromLine(t, 0, '') && !/^\d/.test(t)) samplesSeen++;
    else other++;
  }
  return samplesSeen >= 1 && samplesSeen >= 4 * other;
}
