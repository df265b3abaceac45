// Pure mapping from a live snapshot (engine findings + series) and the UI's own state (selection,
// filter, open view) to what the dashboard draws. No React, no I/O: unit-tested on its own.
import type { Finding, RuleId, Severity } from '../core/finding.js';
import { SEVERITY_RANK } from '../core/finding.js';
import { RULE_IDS, RULES } from '../analyzers/index.js';
import { CATALOG } from '../analyzers/catalog.js';
import type { BlindSpot, HealthState, LiveSnapshot } from '../engine/live.js';
import { liveCoverage } from '../core/live-status.js';

/** Colour names ink understands; undefined when colour is off (NO_COLOR). */
export type Colour = 'red' | 'yellow' | 'blue' | 'green' | 'gray' | 'magenta' | 'cyan' | undefined;

/** Which screen is open. */
export type View = 'dashboard' | 'detail' | 'explain';

/** What the user has selected and opened; owned by the root component. */
export interface UiState {
  /** Index of the selected panel (rule). */
  panel: number;
  /** Index of the selected offender within the panel. */
  row: number;
  view: View;
  /** Finding shown in the detail view (kept by id so it does not jump as findings change). */
  detailId?: string;
  /** Rule shown by `e`. */
  explainRule?: RuleId;
  /** Case-insensitive substring the offenders must contain. */
  filter: string;
  /** The `/` prompt is open and keys go into the filter. */
  filtering: boolean;
  /** Scroll offset of the detail/explain view. */
  scroll: number;
}

/** The state the dashboard opens with. */
export const INITIAL_UI: UiState = { panel: 0, row: 0, view: 'dashboard', filter: '', filtering: false, scroll: 0 };

/** Static facts about the run, shown in the header. */
export interface RunMeta {
  /** What runs: `watch`, `demo`. */
  mode: string;
  /** kube context, when watching a cluster. */
  context?: string;
  /** Namespaces watched (empty: all). */
  namespaces?: string[];
}

export interface HealthModel {
  name: string;
  label: string;
  colour: Colour;
}

export interface HeaderModel {
  title: string;
  context?: string;
  namespaces?: string;
  sources: HealthModel[];
  /** "1 234 lines/s", from the last complete sample. */
  rate: string;
  ingested: number;
  /** Latest time in the data, RFC3339. */
  dataTime?: string;
  counts: Record<Severity, number>;
  paused: boolean;
  ended: boolean;
  problems: string[];
  /** `blind: duplicate-cr (list, watch remediationrequests.kubernaut.ai), logs (get pods/log)`; absent when nothing is missing. */
  blind?: string;
}

export interface OffenderModel {
  id: string;
  name: string;
  severity: Severity;
  colour: Colour;
  text: string;
  selected: boolean;
}

/**
 * Panel status: a severity when firing; when quiet, `ok` only if every source it depends on is
 * healthy and delivered something — else `disconnected` (a source cannot be reached or a file is
 * missing), `blind` (a permission to read its input is missing), `syncing` (a first list is not
 * finished), `no-data` (nothing feeds it, or its sources delivered nothing); `off` when the rule
 * is not run, `failed` when its analyzer broke.
 */
export type PanelStatus = Severity | 'ok' | 'off' | 'failed' | 'blind' | 'disconnected' | 'syncing' | 'no-data';

/** What a quiet panel says instead of OK. */
const QUIET_LABEL: Record<'ok' | 'off' | 'failed' | 'blind' | 'disconnected' | 'syncing' | 'no-data', string> = {
  ok: 'OK',
  off: 'OFF',
  failed: 'FAILED',
  blind: 'BLIND',
  disconnected: 'DISCONNECTED',
  syncing: 'SYNCING',
  'no-data': 'NO DATA',
};

export interface PanelModel {
  rule: RuleId;
  title: string;
  status: PanelStatus;
  statusLabel: string;
  /** Why a quiet panel is not OK ("watch apiservices… disconnected (ECONNREFUSED …)"). */
  reason?: string;
  colour: Colour;
  /** What the sparkline shows ("queue retries"). */
  seriesLabel: string;
  spark: string;
  /** Last value of the series. */
  sparkLast: number;
  offenders: OffenderModel[];
  /** Offenders not shown (beyond the panel's rows). */
  more: number;
  /** Findings hidden by the filter. */
  filtered: number;
  selected: boolean;
}

export interface DetailModel {
  id: string;
  rule: RuleId;
  title: string;
  severity: Severity;
  colour: Colour;
  subject: string;
  summary: string;
  metrics: string[];
  evidence: { source: string; time?: string; text: string }[];
  remediation: { summary: string; steps: string[]; references: string[] };
  seen?: string;
}

export interface ExplainModel {
  rule: RuleId;
  title: string;
  meaning: string;
  paragraphs: string[];
  severity: string[];
}

export interface DashboardModel {
  header: HeaderModel;
  panels: PanelModel[];
  view: View;
  detail?: DetailModel;
  explain?: ExplainModel;
  filter: string;
  filtering: boolean;
  scroll: number;
  /** Key help for the current view. */
  help: string;
}

/** What each rule's sparkline is about. */
export const SERIES_LABEL: Readonly<Record<RuleId, string>> = Object.fromEntries(RULES.map((r) => [r.rule, r.live.seriesLabel])) as Record<RuleId, string>;

const SPARK = '▁▂▃▄▅▆▇█';

/** Unicode sparkline of the last `width` values, scaled to the largest one; zeros draw as a base line. */
export function sparkline(values: readonly number[], width: number): string {
  const v = values.slice(-width);
  const max = Math.max(0, ...v);
  let out = '';
  for (const x of v) {
    if (max <= 0 || x <= 0) out += SPARK[0];
    else out += SPARK[Math.min(7, Math.max(1, Math.round((x / max) * 7)))];
  }
  return out.padStart(width, ' ');
}

const SEV_COLOUR: Record<Severity, Colour> = { critical: 'red', warning: 'yellow', info: 'blue' };

const HEALTH_COLOUR: Record<HealthState, Colour> = {
  connecting: 'gray',
  syncing: 'gray',
  missing: 'red',
  connected: 'green',
  following: 'green',
  retrying: 'yellow',
  forbidden: 'red',
  ended: 'gray',
  failed: 'red',
};

/** The header's one compact line of missing permissions, each with the panel it blinds; undefined when none. */
export function blindLine(blind: readonly BlindSpot[] | undefined): string | undefined {
  if (!blind?.length) return undefined;
  return `blind: ${blind.map((b) => `${b.panel} (${b.verbs.join(', ')} ${b.resource})`).join(', ')}`;
}

/** Finding matches the filter text (subject, summary, title; case-insensitive). */
export function matchesFilter(f: Finding, filter: string): boolean {
  if (!filter) return true;
  const q = filter.toLowerCase();
  const s = f.subject;
  return [s.name, s.kind, s.namespace ?? '', s.controller ?? '', f.summary, f.title].some((t) => t.toLowerCase().includes(q));
}

/** Findings of one rule that pass the filter, most severe first (engine order). */
export function panelFindings(snapshot: LiveSnapshot, rule: RuleId, filter: string): Finding[] {
  return snapshot.findings.filter((f) => f.rule === rule && matchesFilter(f, filter));
}

/** The rules shown as panels: the four required ones always, plus any other rule that has findings. */
export function panelRules(snapshot: LiveSnapshot): RuleId[] {
  const out: RuleId[] = [...RULE_IDS];
  for (const f of snapshot.findings) if (!out.includes(f.rule)) out.push(f.rule);
  return out;
}

function fmtNum(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

function fmtMetric(v: number | string | boolean | number[]): string {
  if (Array.isArray(v)) return v.map(fmtNum).join(' → ');
  if (typeof v === 'number') return fmtNum(v);
  return String(v);
}

function iso(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, Math.max(0, max - 1))}…` : t;
}

/** Options of the mapping that depend on the terminal. */
export interface ModelOptions {
  colour: boolean;
  /** Offender rows per panel. */
  rows: number;
  /** Characters for the sparkline. */
  sparkWidth: number;
  /** Characters for an offender's text. */
  textWidth: number;
}

const DEFAULT_MODEL_OPTIONS: ModelOptions = { colour: true, rows: 3, sparkWidth: 30, textWidth: 60 };

/** Builds everything the dashboard draws from a snapshot and the UI state. */
export function buildModel(snapshot: LiveSnapshot, ui: UiState, meta: RunMeta, opts: Partial<ModelOptions> = {}): DashboardModel {
  const o = { ...DEFAULT_MODEL_OPTIONS, ...opts };
  const col = (c: Colour): Colour => (o.colour ? c : undefined);
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of snapshot.findings) counts[f.severity]++;
  const lastRate = snapshot.rate.length ? Math.round((snapshot.rate[snapshot.rate.length - 1]! * 1000) / (snapshot.sampleMs || 1000)) : 0;

  const header: HeaderModel = {
    title: `ctrlscope ${meta.mode}`,
    context: meta.context,
    namespaces: meta.namespaces === undefined ? undefined : meta.namespaces.length ? meta.namespaces.join(',') : 'all namespaces',
    sources: snapshot.health.map((h) => ({
      name: h.name,
      label: h.detail ? `${h.state} (${h.detail})` : h.state,
      colour: col(HEALTH_COLOUR[h.state]),
    })),
    rate: `${lastRate} lines/s`,
    ingested: snapshot.ingested,
    dataTime: iso(snapshot.dataTime),
    counts,
    paused: snapshot.paused,
    ended: snapshot.ended,
    problems: snapshot.access?.problem ? [...snapshot.problems, snapshot.access.problem] : snapshot.problems,
  };
  const blind = blindLine(snapshot.access?.blind);
  if (blind) header.blind = blind;
  const blindRules = new Set(snapshot.access?.blind.flatMap((b) => b.rules) ?? []);
  const live = snapshot.live ?? liveCoverage(snapshot.rules, snapshot.health, snapshot.access);

  const rules = panelRules(snapshot);
  const panelIdx = clamp(ui.panel, 0, rules.length - 1);
  const panels: PanelModel[] = rules.map((rule, i) => {
    const all = snapshot.findings.filter((f) => f.rule === rule);
    const shown = all.filter((f) => matchesFilter(f, ui.filter));
    const failed = snapshot.problems.some((p) => p.startsWith(`analyzer ${rule} `));
    const enabled = snapshot.rules.includes(rule) || all.length > 0;
    let status: PanelStatus;
    let reason: string | undefined;
    if (failed) status = 'failed';
    else if (!enabled) status = 'off';
    else if (all.length === 0) {
      const l = live.rules.find((r) => r.rule === rule);
      status = l?.status ?? (blindRules.has(rule) ? 'blind' : 'ok');
      reason = l?.reason;
    } else status = all.reduce<Severity>((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), 'info');
    const statusLabel = status in QUIET_LABEL ? QUIET_LABEL[status as keyof typeof QUIET_LABEL] : `${status.toUpperCase()} ×${all.length}`;
    const colour: Colour =
      status === 'ok'
        ? 'green'
        : status === 'off' || status === 'syncing' || status === 'no-data'
          ? 'gray'
          : status === 'failed' || status === 'blind' || status === 'disconnected'
            ? 'magenta'
            : SEV_COLOUR[status as Severity];
    const series = snapshot.series[rule] ?? [];
    const selected = i === panelIdx;
    const rowIdx = clamp(ui.row, 0, shown.length - 1);
    // Window of offenders that keeps the selected row visible.
    const start = selected ? Math.max(0, Math.min(rowIdx - o.rows + 1, shown.length - o.rows)) : 0;
    const offenders = shown.slice(start, start + o.rows).map((f, k) => ({
      id: f.id,
      name: oneLine(f.subject.name, Math.max(20, Math.floor(o.textWidth * 0.75))),
      severity: f.severity,
      colour: col(SEV_COLOUR[f.severity]),
      text: oneLine(f.summary, o.textWidth),
      selected: selected && start + k === rowIdx,
    }));
    return {
      rule,
      title: CATALOG[rule]?.title ?? rule,
      status,
      statusLabel,
      ...(reason ? { reason } : {}),
      colour: col(colour),
      seriesLabel: SERIES_LABEL[rule] ?? 'findings',
      spark: sparkline(series, o.sparkWidth),
      sparkLast: series.length ? series[series.length - 1]! : 0,
      offenders,
      more: Math.max(0, shown.length - offenders.length),
      filtered: all.length - shown.length,
      selected,
    };
  });

  const model: DashboardModel = {
    header,
    panels,
    view: ui.view,
    filter: ui.filter,
    filtering: ui.filtering,
    scroll: ui.scroll,
    help: '',
  };
  if (ui.view === 'detail') {
    const f = snapshot.findings.find((x) => x.id === ui.detailId);
    if (f) model.detail = detailModel(f, o.colour);
    else model.view = 'dashboard';
  }
  if (ui.view === 'explain') {
    const rule = ui.explainRule ?? rules[panelIdx]!;
    const c = CATALOG[rule];
    if (c) model.explain = { rule, title: c.title, meaning: c.meaning, paragraphs: c.explanation, severity: c.severity };
    else model.view = 'dashboard';
  }
  model.help =
    model.view === 'dashboard'
      ? ui.filtering
        ? 'type to filter · enter keep · esc clear'
        : '←→/tab panel · ↑↓ finding · enter open · e explain · / filter · p pause · q quit'
      : '↑↓ scroll · esc/backspace back · e explain · p pause · q quit';
  return model;
}

/** The detail view of one finding: evidence, numbers, remediation. */
export function detailModel(f: Finding, colour = true): DetailModel {
  const s = f.subject;
  const subject = [
    s.kind,
    s.namespace ? `${s.namespace}/${s.name}` : s.name,
    s.controller ? `(controller ${s.controller})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const seen = f.firstSeen ? (f.lastSeen && f.lastSeen !== f.firstSeen ? `${f.firstSeen} … ${f.lastSeen}` : f.firstSeen) : undefined;
  return {
    id: f.id,
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    colour: colour ? SEV_COLOUR[f.severity] : undefined,
    subject,
    summary: f.summary,
    metrics: Object.entries(f.metrics).map(([k, v]) => `${k}: ${fmtMetric(v)}`),
    evidence: f.evidence.map((e) => ({ source: e.source, time: e.time, text: e.text })),
    remediation: f.remediation,
    seen,
  };
}

function clamp(n: number, lo: number, hi: number): number {
  if (hi < lo) return lo;
  return Math.min(hi, Math.max(lo, n));
}

/** Cuts `text` into lines of `width` characters, keeping every character (for raw evidence). */
export function hardWrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  const w = Math.max(8, width);
  let rest = text;
  out.push(rest.slice(0, w));
  rest = rest.slice(w);
  while (rest.length) {
    const room = Math.max(4, w - indent.length);
    out.push(indent + rest.slice(0, room));
    rest = rest.slice(room);
  }
  return out;
}

/** Word-wraps `text` to `width` columns, continuing lines with `indent`; words longer than a line are cut. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    for (;;) {
      const prefix = line ? `${line} ` : out.length ? indent : '';
      if ((prefix + rest).length <= w) {
        line = prefix + rest;
        break;
      }
      if (line) {
        out.push(line);
        line = '';
        continue;
      }
      const room = w - prefix.length;
      out.push(prefix + rest.slice(0, room));
      rest = rest.slice(room);
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}
