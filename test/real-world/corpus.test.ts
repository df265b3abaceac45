// The real-world corpus: excerpts of logs, tables, metric dumps and resource dumps that real
// controllers and operators published (GitHub issues, pull requests, docs, other projects' test
// fixtures), each kept exactly as published in test/real-world/<rule-or-neg>/<case-id>/ beside a
// case.json that says where it comes from and what ctrlscope must and must not find in it
// (format: README.md in this folder).
//
// Every case is scanned by the built CLI, exactly as a user would (`ctrlscope scan FILES -o json`),
// and scored: an expected finding is detected when a finding of its rule reaches its minimum
// severity (and names its subject, when one is given); a false alarm is a finding at warning or
// above that a case rules out (`mustNot`, and every rule on a case that expects nothing). The
// score is printed, and the run fails when it falls below the floor below: raise the floor
// whenever the detectors get better, never lower it to let a change through.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/** What the corpus reached when the floor was last raised. */
const FLOOR = { detected: 46, falseAlarms: 0 };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = fileURLToPath(new URL('.', import.meta.url));
/** The CLI to score; CTRLSCOPE_CLI scores another build (e.g. an older dist/) on the same corpus. */
const BIN = process.env.CTRLSCOPE_CLI ?? join(ROOT, 'dist/cli/ctrlscope.js');

const SEVERITIES = ['info', 'warning', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];
const rank = (s: string): number => SEVERITIES.indexOf(s as Severity);

interface Expectation {
  rule: string;
  minSeverity: Severity;
  subject?: string;
}
interface Exclusion {
  rule: string;
  atOrAbove: Severity;
}
interface Case {
  id: string;
  dir: string;
  files: string[];
  source: string;
  what: string;
  /** The excerpt's format as published (klog, zap-json, kubectl-table, prometheus-text, …). */
  format?: string;
  expect: Expectation[];
  mustNot: Exclusion[];
}
interface Finding {
  rule: string;
  severity: string;
  subject: { name: string };
  title: string;
}
interface Report {
  inputs: { source: string; kind: string; format?: string }[];
  findings: Finding[];
}

const dirs = (p: string): string[] => readdirSync(p).filter((d) => statSync(join(p, d)).isDirectory()).sort();

/** Reads and checks every case.json; a malformed one is an error naming the file and the field. */
function loadCases(): Case[] {
  const out: Case[] = [];
  for (const group of dirs(CORPUS)) {
    for (const name of dirs(join(CORPUS, group))) {
      const dir = join(CORPUS, group, name);
      const id = `${group}/${name}`;
      const file = join(dir, 'case.json');
      if (!existsSync(file)) throw new Error(`${id}: case.json is missing`);
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const need = (k: string) => {
        if (typeof raw[k] !== 'string' || !(raw[k] as string).trim()) throw new Error(`${id}/case.json: "${k}" must be a non-empty string`);
        return raw[k] as string;
      };
      const source = need('source');
      need('retrieved');
      const what = need('what');
      const expectations = (raw.expect ?? []) as Expectation[];
      const exclusions = (raw.mustNot ?? []) as Exclusion[];
      if (!Array.isArray(expectations) || !Array.isArray(exclusions)) throw new Error(`${id}/case.json: "expect" and "mustNot" must be arrays`);
      for (const e of expectations) {
        if (typeof e.rule !== 'string' || rank(e.minSeverity) < 0) throw new Error(`${id}/case.json: each expect needs "rule" and "minSeverity" (info|warning|critical)`);
      }
      for (const e of exclusions) {
        if (typeof e.rule !== 'string' || rank(e.atOrAbove) < 0) throw new Error(`${id}/case.json: each mustNot needs "rule" and "atOrAbove" (info|warning|critical)`);
      }
      const files = readdirSync(dir)
        .filter((f) => f !== 'case.json' && !f.endsWith('.md') && statSync(join(dir, f)).isFile())
        .sort()
        .map((f) => join(dir, f));
      if (!files.length) throw new Error(`${id}: no excerpt beside case.json`);
      const format = typeof raw.format === 'string' ? raw.format : undefined;
      out.push({ id, dir, files, source, what, format, expect: expectations, mustNot: exclusions });
    }
  }
  return out;
}

function scan(files: string[]): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'scan', ...files, '-o', 'json'],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: 'true' }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`ctrlscope scan failed (${(err as { code?: unknown }).code}): ${stderr.trim()}`));
        else resolve(JSON.parse(stdout) as Report);
      },
    );
  });
}

/** Runs fn over items with at most `limit` at a time, keeping the order of the results. */
async function pool<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Scored {
  c: Case;
  report: Report;
  hits: boolean[];
  alarms: Finding[];
}

/** Scores one case's report against its manifest. */
function score(c: Case, report: Report): Omit<Scored, 'c' | 'report'> {
  const hits = c.expect.map((e) =>
    report.findings.some((f) => f.rule === e.rule && rank(f.severity) >= rank(e.minSeverity) && (!e.subject || f.subject.name.includes(e.subject))),
  );
  const excluded = c.expect.length === 0 ? [{ rule: '*', atOrAbove: 'warning' as Severity }, ...c.mustNot] : c.mustNot;
  const alarms = report.findings.filter(
    (f) => rank(f.severity) >= rank('warning') && excluded.some((x) => (x.rule === '*' || x.rule === f.rule) && rank(f.severity) >= rank(x.atOrAbove)),
  );
  return { hits, alarms };
}

const cases = loadCases();
let results: Scored[] = [];

describe('real-world corpus', () => {
  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
    results = await pool(cases, 2, async (c) => {
      const report = await scan(c.files);
      return { c, report, ...score(c, report) };
    });
  }, 600_000);

  it('every case has provenance and at least one expectation or exclusion', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c.expect.length + c.mustNot.length + (c.id.startsWith('neg/') ? 1 : 0), c.id).toBeGreaterThan(0);
  });

  it('scores at least the floor, and prints the score', () => {
    const expected = results.reduce((n, r) => n + r.hits.length, 0);
    const detected = results.reduce((n, r) => n + r.hits.filter(Boolean).length, 0);
    const falseAlarms = results.reduce((n, r) => n + r.alarms.length, 0);
    const formats = new Set(results.map((r) => r.c.format ?? r.report.inputs.map((i) => i.format ?? i.kind).join('+')));
    const lines = [`real-world corpus: ${detected}/${expected} expected findings detected, ${falseAlarms} false alarms at warning or above`];
    lines.push(`  ${cases.length} cases, ${cases.filter((c) => !c.expect.length).length} negatives, ${formats.size} formats: ${[...formats].sort().join(', ')}`);
    for (const r of results) {
      r.c.expect.forEach((e, i) => {
        if (!r.hits[i]) {
          const got = r.report.findings.filter((f) => f.rule === e.rule).map((f) => `${f.severity} ${f.subject.name}`);
          lines.push(`  missed  ${r.c.id}: ${e.rule} ≥ ${e.minSeverity}${e.subject ? ` on "${e.subject}"` : ''} (got: ${got.join('; ') || 'nothing'})`);
        }
      });
      for (const f of r.alarms) lines.push(`  alarm   ${r.c.id}: ${f.severity} ${f.rule} on "${f.subject.name}": ${f.title}`);
    }
    console.log(lines.join('\n'));
    expect(detected, `detected fell below the floor of ${FLOOR.detected}`).toBeGreaterThanOrEqual(FLOOR.detected);
    expect(falseAlarms, `false alarms rose above the ceiling of ${FLOOR.falseAlarms}`).toBeLessThanOrEqual(FLOOR.falseAlarms);
  });

  it('scans every case without an unreadable input', () => {
    for (const r of results) expect(r.report.inputs.length, relative(CORPUS, r.c.dir)).toBeGreaterThan(0);
  });
});
