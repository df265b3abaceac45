// The JUnit XML reporter, for CI test tabs (GitLab, Jenkins, Azure DevOps, GitHub test-report
// actions): one testsuite per rule, one testcase per (rule, subject) with a failure when the
// finding fails the check, a passing "no <rule> found" case for a rule without findings that saw
// its inputs, a skipped case for one that saw none (a failure with --fail-on-blind), what each
// rule saw as suite properties, inputs not read as skipped cases of a `coverage` suite, and the
// evidence in system-out. Pure: (report) => string.
import { RULE_IDS } from '../analyzers/index.js';
import { SEVERITY_RANK, type Finding, type Report, type RuleId, type Severity } from '../core/finding.js';
import type { GateSummary, SuppressedFinding } from '../engine/gate.js';
import { describeSeen } from '../engine/coverage.js';
import { subjectText } from '../engine/finding-id.js';
import { coverageLine, windowLine } from './verdict.js';

/** Options of the JUnit reporter. */
export interface JunitOptions {
  /** Threshold when the report has not been through the gate (default warning). */
  failOn?: Severity;
}

/** Evidence lines written per testcase. */
const MAX_EVIDENCE = 50;

interface Case {
  name: string;
  body: string[];
  failures: number;
  skipped: number;
}

/** Renders the report as JUnit XML. */
export function renderJunit(report: Report & { gate?: GateSummary }, opts: JunitOptions = {}): string {
  const gate = report.gate;
  const rules: RuleId[] = [...(gate?.rules ?? RULE_IDS)];
  for (const f of report.findings) if (!rules.includes(f.rule)) rules.push(f.rule);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const rule of rules) {
    const cases: Case[] = [];
    for (const f of report.findings.filter((x) => x.rule === rule)) cases.push(findingCase(f, gate, opts.failOn ?? 'warning'));
    for (const s of gate?.suppressed.filter((x) => x.rule === rule) ?? []) cases.push(suppressedCase(s));
    const cov = report.coverage?.rules.find((r) => r.rule === rule);
    if (cases.length === 0) {
      if (!cov || cov.status === 'ok') cases.push({ name: `no ${rule} found`, body: [], failures: 0, skipped: 0 });
      else {
        const msg = `${rule} saw none of its inputs (${cov.status}): ${cov.reason ?? describeSeen(cov.seen)}`;
        cases.push(
          gate?.failOnBlind
            ? { name: `${rule} saw no input`, body: [`<failure message="${attr(msg)}" type="${cov.status}">${text(`${msg}\n--fail-on-blind makes this fail the check.`)}</failure>`], failures: 1, skipped: 0 }
            : { name: `${rule} saw no input`, body: [`<skipped message="${attr(msg)}"/>`], failures: 0, skipped: 1 },
        );
      }
    }
    const f = cases.reduce((n, c) => n + c.failures, 0);
    const s = cases.reduce((n, c) => n + c.skipped, 0);
    tests += cases.length;
    failures += f;
    skipped += s;
    const props = cov ? [`    <properties>`, `      <property name="status" value="${attr(cov.status)}"/>`, ...Object.entries(cov.seen).map(([k, v]) => `      <property name="seen.${attr(k)}" value="${v}"/>`), `    </properties>`] : [];
    suites.push(
      `  <testsuite name="${attr(rule)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" time="0" timestamp="${attr(report.generatedAt.replace(/Z$/, ''))}">`,
      ...props,
      ...cases.flatMap((c) => testcase(rule, c)),
      '  </testsuite>',
    );
  }
  const c = report.coverage;
  if (c) {
    // What the verdict rests on, and every input that was not read, as a suite of its own.
    const cases: Case[] = c.unread.map((u) => ({ name: `read ${u.source}`, body: [`<skipped message="${attr(`not read: ${u.reason}`)}"/>`], failures: 0, skipped: 1 }));
    const lines = [coverageLine(c), ...(windowLine(c) ? [windowLine(c)!] : [])];
    cases.unshift({ name: 'inputs read', body: [`<system-out>${text(lines.join('\n'))}</system-out>`], failures: 0, skipped: 0 });
    const s = cases.reduce((n, x) => n + x.skipped, 0);
    tests += cases.length;
    skipped += s;
    suites.push(
      `  <testsuite name="coverage" tests="${cases.length}" failures="0" errors="0" skipped="${s}" time="0" timestamp="${attr(report.generatedAt.replace(/Z$/, ''))}">`,
      ...cases.flatMap((x) => testcase('coverage', x)),
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ctrlscope" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(rule: RuleId | 'coverage', c: Case): string[] {
  const open = `    <testcase name="${attr(c.name)}" classname="ctrlscope.${attr(rule)}" time="0"`;
  if (c.body.length === 0) return [`${open}/>`];
  return [`${open}>`, ...c.body.map((l) => `      ${l}`), '    </testcase>'];
}

function findingCase(f: Finding, gate: GateSummary | undefined, failOn: Severity): Case {
  const threshold = gate?.thresholds[f.rule] ?? gate?.failOn ?? failOn;
  const known = gate?.baselined.includes(f.id) ?? false;
  const fails = gate ? gate.failing.includes(f.id) : SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold];
  const details = [
    `${f.severity}: ${f.summary}`,
    `id: ${f.id}`,
    ...(f.firstSeen || f.lastSeen ? [`seen: ${f.firstSeen ?? '?'} → ${f.lastSeen ?? '?'}`] : []),
    '',
    `fix: ${f.remediation.summary}`,
    ...f.remediation.steps.map((s, i) => `  ${i + 1}. ${s}`),
    ...(f.remediation.references.length ? ['references:', ...f.remediation.references.map((r) => `  ${r}`)] : []),
    `more: ctrlscope explain ${f.rule}`,
  ];
  const why = known
    ? `already in the baseline ${gate?.baseline}: reported, not failing`
    : fails
      ? undefined
      : `${f.severity} is below the fail threshold ${threshold}: reported, not failing`;
  const out = [
    ...f.evidence.slice(0, MAX_EVIDENCE).map((e) => `${e.source}${e.time ? ` ${e.time}` : ''}  ${e.text}`),
    ...(f.evidence.length > MAX_EVIDENCE ? [`… ${f.evidence.length - MAX_EVIDENCE} more evidence lines (-o json shows all)`] : []),
  ];
  const body: string[] = [];
  if (fails) body.push(`<failure message="${attr(`${f.severity}: ${f.title}`)}" type="${f.severity}">${text(details.join('\n'))}</failure>`);
  const sysout = [...(why ? [why, ...details, ''] : []), ...out];
  if (sysout.length) body.push(`<system-out>${text(sysout.join('\n'))}</system-out>`);
  return { name: caseName(f.subject), body, failures: fails ? 1 : 0, skipped: 0 };
}

function suppressedCase(s: SuppressedFinding): Case {
  const msg = `suppressed by ${s.where}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ''}`;
  return {
    name: caseName(s.subject),
    body: [`<skipped message="${attr(msg)}"/>`, `<system-out>${text(`${s.severity}: ${s.title}\nid: ${s.id}`)}</system-out>`],
    failures: 0,
    skipped: 1,
  };
}

function caseName(s: Finding['subject']): string {
  return subjectText(s);
}

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates
// and U+FFFE/U+FFFF; logs carry ANSI escapes and other control bytes, which are dropped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes element text. */
export function text(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (newlines kept as character references). */
export function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
