// The SARIF 2.1.0 reporter, for code-scanning dashboards (GitHub, GitLab, Azure DevOps): one rule
// per rule id with its help text from the catalog, one result per finding located at the bundle
// path and line of its evidence, the finding id as a partial fingerprint, and the baseline state
// when `check` compared with a baseline. Pure: (report) => string.
import { CATALOG, type RuleText } from '../analyzers/catalog.js';
import type { Evidence, Finding, Report, RuleId, Severity } from '../core/finding.js';
import type { GateSummary } from '../engine/gate.js';
import { notOk, windowLine } from './verdict.js';
import { subjectText } from '../engine/finding-id.js';

/** Where the SARIF schema lives (the OASIS 2.1.0 errata 01 release). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Where people learn about the tool. */
export const INFORMATION_URI = 'https://www.npmjs.com/package/ctrlscope';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', warning: 'warning', info: 'note' };
/** Related locations kept per result (the rest are in `-o json`). */
const MAX_RELATED = 20;

/** Renders the report as a SARIF 2.1.0 log with one run. */
export function renderSarif(report: Report & { gate?: GateSummary }): string {
  const ruleIds = Object.keys(CATALOG) as RuleId[];
  for (const f of report.findings) if (!ruleIds.includes(f.rule)) ruleIds.push(f.rule);
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const cov = report.coverage;
  const window = cov ? windowLine(cov) : undefined;
  const notifications = [
    ...(report.problems ?? []).map((text) => ({ level: 'error', message: { text } })),
    // Coverage: a rule that saw nothing, an input not read, what the window left out.
    ...notOk(cov).map((r) => ({
      level: report.gate?.failOnBlind ? 'error' : 'warning',
      message: { text: `${r.rule} saw none of its inputs (${r.status}): ${r.reason ?? ''}`.trim() },
      associatedRule: { id: r.rule, ...(index.has(r.rule) ? { index: index.get(r.rule) } : {}) },
      properties: { status: r.status, seen: r.seen },
    })),
    ...(cov?.unread ?? []).map((u) => ({ level: 'warning', message: { text: `not read: ${u.source}: ${u.reason}` }, locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(u.source) } } }] })),
    ...(window ? [{ level: 'note', message: { text: window } }] : []),
    ...report.inputs.flatMap((i) => i.problems.map((p) => ({ level: 'warning', message: { text: `${i.source}: ${p}` } }))),
  ];
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ctrlscope',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFORMATION_URI,
            rules: ruleIds.map((id) => ruleDescriptor(id, CATALOG[id])),
          },
        },
        invocations: [
          {
            executionSuccessful: (report.problems ?? []).length === 0,
            endTimeUtc: report.generatedAt,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results: report.findings.map((f) => result(f, index.get(f.rule)!, report.gate)),
        properties: { summary: report.summary, ...(cov ? { coverage: cov } : {}), ...(report.gate ? { gate: gateProperties(report.gate) } : {}) },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleDescriptor(id: RuleId, text: RuleText | undefined) {
  if (!text) return { id, name: pascal(id) };
  return {
    id,
    name: pascal(id),
    shortDescription: { text: text.title },
    fullDescription: { text: sentence(text.meaning) },
    help: { text: helpText(text), markdown: helpMarkdown(text) },
    properties: { tags: ['kubernetes', 'controller', 'reliability'] },
  };
}

function helpText(t: RuleText): string {
  return [
    sentence(t.meaning),
    '',
    ...t.explanation,
    '',
    'Severity:',
    ...t.severity.map((s) => `- ${s}`),
    '',
    `Fix: ${t.remediation.summary}`,
    ...t.remediation.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    'References:',
    ...t.remediation.references.map((r) => `- ${r}`),
  ].join('\n');
}

function helpMarkdown(t: RuleText): string {
  return [
    `**${t.title}** — ${sentence(t.meaning)}`,
    '',
    ...t.explanation.flatMap((p) => [p, '']),
    '**Severity**',
    '',
    ...t.severity.map((s) => `- ${s}`),
    '',
    `**Fix:** ${t.remediation.summary}`,
    '',
    ...t.remediation.steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    '**References**',
    '',
    ...t.remediation.references.map((r) => `- <${r}>`),
  ].join('\n');
}

function result(f: Finding, ruleIndex: number, gate: GateSummary | undefined) {
  const located = f.evidence.map((e) => ({ e, at: fileLine(e.source) })).filter((x) => x.at !== undefined);
  const logical = { name: f.subject.name, fullyQualifiedName: subjectRef(f), kind: 'resource' };
  const first = located[0];
  const primary = first
    ? { physicalLocation: physical(first.at!), logicalLocations: [logical], message: { text: first.e.text } }
    : { logicalLocations: [logical] };
  const related = located.slice(1, 1 + MAX_RELATED).map((x, i) => ({ id: i + 1, physicalLocation: physical(x.at!), message: { text: x.e.text } }));
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}: ${f.summary} (${subjectRef(f)})` },
    locations: [primary],
    ...(related.length ? { relatedLocations: related } : {}),
    partialFingerprints: { 'ctrlscopeFindingId/v1': f.id },
    ...(gate?.baseline !== undefined ? { baselineState: gate.baselined.includes(f.id) ? 'unchanged' : 'new' } : {}),
    properties: {
      id: f.id,
      severity: f.severity,
      subject: f.subject,
      metrics: f.metrics,
      ...(f.firstSeen ? { firstSeen: f.firstSeen } : {}),
      ...(f.lastSeen ? { lastSeen: f.lastSeen } : {}),
      ...(gate ? { failsCheck: gate.failing.includes(f.id) } : {}),
      evidence: f.evidence.filter((e) => fileLine(e.source) === undefined).map((e: Evidence) => `${e.source}: ${e.text}`),
    },
  };
}

function gateProperties(g: GateSummary) {
  return {
    passed: g.passed,
    failOn: g.failOn,
    failing: g.failing.length,
    ...(g.blind?.length ? { blind: g.blind, failOnBlind: g.failOnBlind } : {}),
    ...(g.baseline !== undefined ? { baseline: g.baseline, baselined: g.baselined.length } : {}),
    suppressed: g.suppressed.map((s) => ({ id: s.id, rule: s.rule, subject: s.subject.name, reason: s.reason, where: s.where })),
  };
}

/** Splits `path:line` evidence sources; object references (no trailing line number) give undefined. */
export function fileLine(source: string): { path: string; line: number } | undefined {
  const m = /^(.+?):(\d+)$/.exec(source);
  if (!m || /\s/.test(m[1]!)) return undefined;
  const line = Number(m[2]);
  return line >= 1 ? { path: m[1]!, line } : undefined;
}

/** A path as given on the command line → a SARIF artifact URI (relative stays relative). */
export function artifactUri(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const encoded = p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  if (p.startsWith('/')) return `file://${encoded}`;
  if (/^[A-Za-z]:\//.test(p)) return `file:///${p.slice(0, 2)}${encoded.slice(encoded.indexOf('/'))}`;
  return encoded;
}

function physical(at: { path: string; line: number }) {
  return { artifactLocation: { uri: artifactUri(at.path) }, region: { startLine: at.line } };
}

function subjectRef(f: Finding): string {
  return subjectText(f.subject);
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
