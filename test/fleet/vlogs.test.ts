// The fleet tier against a real VictoriaLogs: real log lines (../shared/real-data and the
// generated benchmark log with its four planted incidents) are pushed through VictoriaLogs'
// Loki-compatible endpoint; then
// - every exported vlogs rule is evaluated through the stats query API at every minute of the
//   data, as vmalert would, and must fire exactly where the offline detector reports its rule at
//   warning or above, and stay quiet where it does not;
// - `ctrlscope scan --logs-from` must give the same findings as scanning the files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EMPTY_CONFIG } from '../../src/core/config.js';
import { exportRules } from '../../src/fleet/rules.js';
import { parseLine } from '../../src/parsers/index.js';
import { startVictoriaLogs, type VictoriaLogs } from './harness.js';

const repo = resolve(import.meta.dirname, '..', '..');
const cli = join(repo, 'dist', 'cli', 'ctrlscope.js');
const real = resolve(process.env['CTRLSCOPE_REAL_DATA'] ?? join(repo, '..', 'shared', 'real-data'));
const genLog = [resolve(repo, '../shared/tools/gen-log.mjs')].find(existsSync);

interface Input {
  name: string;
  path: string;
  entries: { ms: number; line: string }[];
}

/** The file's lines with the times ctrlscope parses from them (a line without one takes the previous time). */
function entriesOf(path: string): { ms: number; line: string }[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Year-less times (klog) take the year of the file's first full date, as a bundle's capture year would give.
  const referenceYear = Number(/\b(20\d\d)[-/]\d\d[-/]\d\d/.exec(lines.slice(0, 200).join('\n'))?.[1] ?? 2025);
  const times = lines.map((l, i) => parseLine(l, i + 1, { source: path, referenceYear }).time);
  const first = times.find((t) => t !== undefined) ?? Date.parse('2025-01-01T00:00:00Z');
  let last = first;
  return lines.map((line, i) => ({ ms: (last = times[i] ?? last), line }));
}

/** Rules the offline detector reports at warning or above on a file. */
function offline(path: string): { rules: Set<string>; findings: string[] } {
  const out = execFileSync('node', [cli, 'scan', path, '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const r = JSON.parse(out) as { findings: { rule: string; severity: string; title: string; subject: { kind: string; name: string } }[] };
  return {
    rules: new Set(r.findings.filter((f) => f.severity !== 'info').map((f) => f.rule)),
    findings: r.findings.map((f) => `${f.rule} ${f.severity} ${f.subject.kind}/${f.subject.name}: ${f.title}`).sort(),
  };
}

const inputs: Input[] = [];
let vl: VictoriaLogs;

beforeAll(async () => {
  const files = [
    'acexy/degradation.log',
    'acexy/log_sample.txt',
    'kubernaut/gateway-ingestion.log',
    'wva/controller-baseline.log',
  ].map((f) => join(real, f));
  const mg = join(real, 'must-gather-aws');
  if (existsSync(mg)) {
    for (const p of execFileSync('find', [mg, '-name', 'current.log'], { encoding: 'utf8' }).split('\n').filter(Boolean)) files.push(p);
  }
  if (genLog) {
    const p = join(mkdtempSync(join(tmpdir(), 'ctrlscope-fleet-')), 'generated.log');
    execFileSync('node', [genLog, p, '3']);
    files.push(p);
  }
  for (const path of files.filter(existsSync)) {
    const name = path.includes('must-gather-aws') ? `mg-${path.split('/pods/')[1]!.split('/')[0]}` : basename(path).replace(/\W+/g, '-');
    inputs.push({ name, path, entries: entriesOf(path) });
  }
  vl = await startVictoriaLogs();
  for (const i of inputs) await vl.push({ input: i.name }, i.entries);
});

afterAll(async () => {
  await vl?.stop();
});

describe('exported vlogs rules on a real VictoriaLogs', () => {
  it('has the inputs: real data and the generated log with its planted incidents', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(5);
    if (genLog) expect(offline(inputs.find((i) => i.name === 'generated-log')!.path).rules).toEqual(new Set(['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst']));
  });

  it('each rule fires on an input exactly when the offline detector reports that rule at warning or above', async () => {
    const table: string[] = [];
    let fired = 0;
    for (const input of inputs) {
      const doc = parse(exportRules('vlogs', { config: EMPTY_CONFIG, vlogsFilter: `{input="${input.name}"}` })) as {
        groups: { type: string; rules: { alert: string; expr: string; labels: { rule: string } }[] }[];
      };
      expect(doc.groups[0]!.type).toBe('vlogs');
      const want = offline(input.path).rules;
      const start = Math.floor(input.entries[0]!.ms / 1000);
      const end = Math.ceil(input.entries[input.entries.length - 1]!.ms / 1000) + 1800;
      for (const rule of doc.groups[0]!.rules) {
        let fires = false;
        for (let t = start + 60; t <= end && !fires; t += 60) fires = (await vl.statsQuery(rule.expr, t)).length > 0;
        if (fires) fired++;
        table.push(`${input.name} ${rule.alert}: ${fires ? 'fires' : 'quiet'}, offline ${want.has(rule.labels.rule) ? 'reports' : 'silent'}`);
        expect(fires, `${rule.alert} on ${input.name}`).toBe(want.has(rule.labels.rule));
      }
    }
    console.log(table.join('\n'));
    // Not vacuous: the planted incidents make rules fire.
    if (genLog) expect(fired).toBeGreaterThanOrEqual(4);
  });
});

describe('scan --logs-from a real VictoriaLogs', () => {
  // A small page size makes the time windows adapt (halve on busy stretches, double on quiet ones):
  // the line counts show nothing is lost or read twice across them.
  it('gives the same findings as scanning the files', () => {
    for (const input of inputs) {
      const files = offline(input.path).findings;
      const first = new Date(input.entries[0]!.ms - 1000).toISOString();
      const last = new Date(input.entries[input.entries.length - 1]!.ms + 1000).toISOString();
      const out = execFileSync('node', [cli, 'scan', '--logs-from', vl.url, '--query', `{input="${input.name}"}`, '--since', first, '--until', last, '--logs-page-size', '500', '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const r = JSON.parse(out) as { inputs: { source: string; lines: number }[]; findings: { rule: string; severity: string; title: string; subject: { kind: string; name: string } }[] };
      expect(r.inputs.reduce((n, i) => n + i.lines, 0), input.name).toBe(input.entries.length);
      expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.subject.kind}/${f.subject.name}: ${f.title}`).sort(), input.name).toEqual(files);
    }
  });

  it('names the server and what to try when the query is not LogsQL', () => {
    let err = '';
    try {
      execFileSync('node', [cli, 'scan', '--logs-from', vl.url, '--query', '{input=', '--logs-engine', 'vlogs'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
      expect((e as { status: number }).status).toBe(2);
    }
    expect(err).toContain(vl.url);
    expect(err).toContain('400');
    expect(err).toContain('--query');
  });
});
