// What `ctrlscope serve` exposes on /metrics, in the Prometheus text exposition format: one
// series per finding, finding counts per rule and severity, each source's state, each rule's
// status, and scan counters. Pure: a live snapshot and coverage in, text out.
import type { Finding, RuleId, Severity } from '../core/finding.js';
import { sourceStatus, type LiveCoverage, type SourceHealth } from '../core/live-status.js';
import { VERSION } from '../core/version.js';

/** What one /metrics answer is made of. */
export interface ExpositionInput {
  findings: readonly Finding[];
  rules: readonly RuleId[];
  health: readonly SourceHealth[];
  live?: LiveCoverage;
  ingested: number;
  inputs: number;
  /** Epoch ms of the snapshot. */
  at: number;
  /** Whether every source has delivered its initial content. */
  ready: boolean;
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** A label value escaped as the exposition format wants it (backslash, quote, newline). */
export function labelValue(v: string | null | undefined): string {
  return (v ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const labels = (l: Record<string, string | null | undefined>): string =>
  `{${Object.entries(l).map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;

/** The /metrics text. */
export function exposition(x: ExpositionInput): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family('ctrlscope_build_info', 'gauge', 'ctrlscope version; always 1.');
  out.push(`ctrlscope_build_info${labels({ version: VERSION })} 1`);

  family('ctrlscope_finding', 'gauge', 'One series per current finding; 1 while it stands. Alert on it, or on ctrlscope_findings.');
  for (const f of x.findings) {
    out.push(
      `ctrlscope_finding${labels({
        rule: f.rule, severity: f.severity, kind: f.subject.kind, namespace: f.subject.namespace, name: f.subject.name,
        controller: f.subject.controller, id: f.id,
      })} 1`,
    );
  }

  family('ctrlscope_findings', 'gauge', 'Current findings per rule and severity.');
  for (const rule of x.rules) {
    for (const sev of SEVERITIES) {
      out.push(`ctrlscope_findings${labels({ rule, severity: sev })} ${x.findings.filter((f) => f.rule === rule && f.severity === sev).length}`);
    }
  }

  family('ctrlscope_source_up', 'gauge', '1 when a source (watch, log target, scrape, file, log engine) is connected and delivering, else 0.');
  for (const h of x.health) out.push(`ctrlscope_source_up${labels({ source: h.name, state: h.state })} ${sourceStatus(h.state) === 'connected' ? 1 : 0}`);

  if (x.live) {
    family('ctrlscope_rule_status', 'gauge', 'Each rule\'s status: 1 for the status it is in (ok, no-data, blind, disconnected, syncing).');
    for (const r of x.live.rules) out.push(`ctrlscope_rule_status${labels({ rule: r.rule, status: r.status ?? 'ok' })} 1`);
  }

  family('ctrlscope_ingested_total', 'counter', 'Log lines and events analysed since start.');
  out.push(`ctrlscope_ingested_total ${x.ingested}`);
  family('ctrlscope_inputs', 'gauge', 'Inputs (log streams, files, resource kinds) seen since start.');
  out.push(`ctrlscope_inputs ${x.inputs}`);
  family('ctrlscope_ready', 'gauge', '1 once every source has delivered its initial content (lists done, history read).');
  out.push(`ctrlscope_ready ${x.ready ? 1 : 0}`);
  family('ctrlscope_last_refresh_timestamp_seconds', 'gauge', 'When the findings above were computed.');
  out.push(`ctrlscope_last_refresh_timestamp_seconds ${(x.at / 1000).toFixed(3)}`);
  return out.join('\n') + '\n';
}
