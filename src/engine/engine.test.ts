import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../analyzers/index.js';
import type { Event, EventCondition, LogEvent } from '../core/event.js';
import type { AnalyzerDefinition } from '../analyzers/types.js';
import { openPaths } from '../sources/index.js';
import { newInput, type SourceItem } from '../sources/types.js';
import { Engine, findingId } from './engine.js';
import { analyzePaths } from './run.js';
import { LinePool } from './line-pool.js';

/** Writes `lines` as the log file `name` in a fresh directory (under the run's private TMPDIR). */
function logFile(name: string, lines: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ctrlscope-engine-')), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** An analyzer that records what it is given and reports one finding per distinct message. */
function recorder(seen: Event[], over: Partial<AnalyzerDefinition> = {}): AnalyzerDefinition {
  return {
    rule: 'stale-pending',
    consumes: ['log'],
    create: () => ({
      onEvent: (e) => void seen.push(e),
      flush: () => [
        {
          rule: 'stale-pending',
          severity: 'warning',
          title: 'seen',
          subject: { kind: 'Counter', namespace: null, name: `events=${seen.length}` },
          summary: 'token=abc123 seen',
          metrics: { n: seen.length },
          evidence: seen.slice(0, 1).map((e) => ({ source: `${e.source}:${(e as LogEvent).line}`, text: (e as LogEvent).raw })),
        },
      ],
    }),
    ...over,
  };
}

const lines = (ls: string[], source = 'a.log'): SourceItem => ({ type: 'lines', input: newInput(source, 'log'), lines: ls, firstLine: 1 });
async function* items(...xs: SourceItem[]) {
  yield* xs;
}

describe('Engine', () => {
  it('parses only the lines an analyzer wants, counting formats and unparsed lines', async () => {
    const seen: Event[] = [];
    const e = new Engine({ analyzers: [recorder(seen, { interest: { keywords: ['still tracked'], minLevel: 'error' } })] });
    await e.run(
      items(
        lines([
          '2025/11/02 10:37:57 WARN Pending streams still tracked count=3',
          '2025/11/02 10:38:00 INFO Started new stream clients=0',
          'E1122 10:00:00.000000       1 available_controller.go:524] v1 failed with: 401',
          'this line is nobody\'s format',
          '',
        ]),
      ),
    );
    expect(seen.map((x) => (x as LogEvent).line)).toEqual([1, 3]);
    expect((seen[0] as LogEvent).fields.count).toBe(3);
    const [input] = e.inputReports();
    expect(input).toMatchObject({ source: 'a.log', kind: 'log', format: 'slog-text', lines: 5, unparsed: 1 });
  });

  it('drops events outside --since/--until but keeps untimed ones', async () => {
    const seen: Event[] = [];
    const e = new Engine({ analyzers: [recorder(seen)], since: Date.parse('2025-11-02T10:37:00Z'), until: Date.parse('2025-11-02T10:38:00Z') });
    e.ingest(lines(['2025/11/02 10:36:59 WARN early count=1', '2025/11/02 10:37:30 WARN inside count=2', '2025/11/02 10:38:01 WARN late count=3', 'no time at all']));
    expect(seen.map((x) => (x as LogEvent).message)).toEqual(['inside', 'no time at all']);
  });

  it('isolates a throwing analyzer: reported as a problem, the others go on', async () => {
    const seen: Event[] = [];
    const broken: AnalyzerDefinition = {
      rule: 'queue-leak',
      consumes: ['log'],
      create: () => ({
        onEvent: () => {
          throw new Error('boom');
        },
        flush: () => [],
      }),
    };
    const e = new Engine({ analyzers: [broken, recorder(seen)] });
    e.ingest(lines(['I1122 10:00:00.000000       1 x.go:1] one', 'I1122 10:00:01.000000       1 x.go:1] two']));
    const r = e.report(new Date('2026-11-22T10:00:00Z'));
    expect(seen.length).toBe(2);
    expect(r.findings.map((f) => f.rule)).toEqual(['stale-pending']);
    expect(r.problems).toEqual([
      'analyzer queue-leak failed on event from a.log:1: boom — its findings are missing from this report. This is a bug in ctrlscope; please report it with this message.',
    ]);
    expect(r.generatedAt).toBe('2026-11-22T10:00:00Z');
  });

  it('completes findings: stable id, catalog remediation, redacted evidence', () => {
    const seen: Event[] = [];
    const e = new Engine({ analyzers: [recorder(seen)] });
    e.ingest(lines(['2025/11/02 10:37:57 WARN login failed token=abc123']));
    const [f] = e.findings();
    expect(f!.id).toBe(findingId({ rule: 'stale-pending', subject: f!.subject }));
    expect(f!.id).toMatch(/^stale-pending-[0-9a-f]{12}$/);
    expect(f!.remediation.steps.length).toBeGreaterThan(0);
    expect(f!.evidence[0]!.text).toBe('2025/11/02 10:37:57 WARN login failed token=***');
    const e2 = new Engine({ analyzers: [recorder([])], redact: false });
    e2.ingest(lines(['2025/11/02 10:37:57 WARN login failed token=abc123']));
    expect(e2.findings()[0]!.evidence[0]!.text).toContain('token=abc123');
  });

  it('joins CRI partial lines before parsing', () => {
    const seen: Event[] = [];
    const e = new Engine({ analyzers: [recorder(seen)] });
    e.ingest(
      lines([
        '2026-11-22T10:00:00.000000001Z stdout P {"level":"info","ts":"2026-11-22T10:00:00Z","msg":"Created',
        '2026-11-22T10:00:00.000000002Z stdout F  RemediationRequest CRD","name":"rr-1"}',
      ]),
    );
    expect(seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ format: 'zap-json', wrapper: 'cri', message: 'Created RemediationRequest CRD', line: 1, fields: { name: 'rr-1' } });
  });

  it('gives the same finding id for the same rule and subject, different ids otherwise', () => {
    const a = findingId({ rule: 'queue-leak', subject: { kind: 'APIService', namespace: null, name: 'v1.x' } });
    expect(findingId({ rule: 'queue-leak', subject: { kind: 'APIService', namespace: null, name: 'v1.x' } })).toBe(a);
    expect(findingId({ rule: 'queue-leak', subject: { kind: 'APIService', namespace: null, name: 'v1.y' } })).not.toBe(a);
  });
});

describe('Engine count-only interests', () => {
  it('delivers lines matched only by countKeywords as one tally per message, whole lines otherwise', () => {
    const seen: Event[] = [];
    const counter: AnalyzerDefinition = {
      rule: 'stale-pending',
      consumes: ['log', 'tally'],
      interest: { keywords: ['tracked'], countKeywords: ['Started', 'Selected'] },
      create: () => ({ onEvent: (e) => void seen.push(e), flush: () => [] }),
    };
    const e = new Engine({ analyzers: [counter] });
    e.ingest(
      lines([
        '2025/11/02 10:00:01 INFO Selected best available engine host=a',
        '2025/11/02 10:00:02 INFO Started new stream id=1',
        '2025/11/02 10:00:03 INFO Started new stream id=2',
        '2025/11/02 10:00:04 INFO Selected best available engine host=b',
        '2025/11/02 10:00:05 INFO Started new stream id=3 tracked=4',
        '2025/11/02 10:00:06 INFO Started new stream id=4',
        '2025/11/02 10:00:07 INFO nothing to see',
      ]),
    );
    const logs = seen.filter((x) => x.kind === 'log') as LogEvent[];
    const tallies = seen.filter((x) => x.kind === 'tally');
    expect(logs.map((l) => l.line)).toEqual([5]);
    expect(tallies.map((t) => (t.kind === 'tally' ? [t.first.message, t.count, t.first.line] : []))).toEqual([
      ['Selected best available engine', 2, 1],
      ['Started new stream', 3, 2],
    ]);
  });
});

describe('Engine with worker threads', () => {
  it('reports exactly what a single-threaded run reports', async () => {
    const out: string[] = [];
    // ~6 MB of mixed formats, with a growing pending counter and a CRI partial run at the end.
    for (let i = 0; i < 40_000; i++) {
      const s = String(i % 60).padStart(2, '0');
      out.push(`2025-11-02T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:${s}.000000000Z 2025/11/02 10:00:${s} INFO Started new stream id=${i} clients=0`);
      out.push(`I1102 10:00:${s}.000000       1 cacher.go:400] cacher (pods): ${i} objects queued in incoming channel.`);
      if (i % 5000 === 0) out.push(`2025-11-02T10:00:${s}.000000000Z 2025/11/02 10:00:${s} WARN Pending streams still tracked count=${i / 1000 + 2}`);
      if (i % 7000 === 0) out.push(`this line is in no format ${i}`);
    }
    out.push('2025-11-02T11:00:00.000000001Z stdout P 2025/11/02 11:00:00 WARN Pending streams still ');
    out.push('2025-11-02T11:00:00.000000002Z stdout F tracked count=50');
    const file = logFile('mixed.log', out);
    const at = new Date(0);
    const one = await analyzePaths([file], { workers: 0, generatedAt: at });
    const two = await analyzePaths([file], { workers: 2, generatedAt: at });
    expect(two.report.inputs).toEqual(one.report.inputs);
    expect(two.report.findings).toEqual(one.report.findings);
    expect(one.report.inputs[0]).toMatchObject({ lines: out.length, unparsed: 6 });
    expect(one.report.findings.find((f) => f.rule === 'stale-pending')?.metrics).toMatchObject({ first: 2, last: 50 });
  });

  it('reads the container logs of a must-gather directory in ranges and reports what a single-threaded run reports', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ctrlscope-par-mg-'));
    writeFileSync(join(root, 'timestamp'), '2025-11-02 12:00:00.000000000 +0000 UTC m=+0.1\n');
    // A resource dump, parsed on a worker in the parallel runs: two live RRs with one fingerprint.
    mkdirSync(join(root, 'namespaces/kubernaut-system/kubernaut.ai'), { recursive: true });
    const rr = (n: number) => [
      '- apiVersion: kubernaut.ai/v1alpha1', '  kind: RemediationRequest', '  metadata:', `    name: rr-0123456789ab-0000000${n}`,
      '    namespace: kubernaut-system', `    creationTimestamp: "2025-11-02T10:0${n}:00Z"`, '  spec:', '    signalFingerprint: "f00d"',
      '  status:', '    overallPhase: Processing',
    ];
    writeFileSync(join(root, 'namespaces/kubernaut-system/kubernaut.ai/remediationrequests.yaml'), ['apiVersion: v1', 'kind: List', 'items:', ...rr(1), ...rr(2)].join('\n') + '\n');
    for (const [pod, partial] of [['a', false], ['b', true]] as const) {
      const logs = join(root, `namespaces/ns/pods/${pod}/manager/manager/logs`);
      mkdirSync(logs, { recursive: true });
      const out: string[] = [];
      for (let i = 0; i < 30_000; i++) {
        const s = String(i % 60).padStart(2, '0');
        out.push(`2025-11-02T10:00:${s}.000000000Z stdout F 2025/11/02 10:00:${s} INFO Started new stream id=${i}`);
        if (i % 6000 === 0) out.push(`2025-11-02T10:00:${s}.000000000Z stdout F 2025/11/02 10:00:${s} WARN Pending streams still tracked count=${i / 1000 + 2}`);
      }
      if (partial) out.push('2025-11-02T11:00:00.000000001Z stdout P 2025/11/02 11:00:00 WARN Pending streams still ', '2025-11-02T11:00:00.000000002Z stdout F tracked count=90');
      writeFileSync(join(logs, 'current.log'), out.join('\n') + '\n');
    }
    const at = new Date(0);
    const one = await analyzePaths([root], { workers: 0, generatedAt: at });
    const two = await analyzePaths([root], { workers: 2, generatedAt: at });
    expect(two.report.inputs).toEqual(one.report.inputs);
    expect(two.report.findings).toEqual(one.report.findings);
    expect(one.report.inputs.filter((i) => i.kind === 'log').map((i) => [i.lines, i.wrapper])).toEqual([
      [30_005, 'cri'],
      [30_007, 'cri'],
    ]);
    expect(one.report.findings.filter((f) => f.rule === 'stale-pending').map((f) => f.metrics.last)).toEqual(expect.arrayContaining([90]));
    expect(one.report.inputs.find((i) => i.kind === 'resources')).toMatchObject({ format: 'manifests', lines: 23, problems: [] });
    expect(one.report.findings.find((f) => f.rule === 'duplicate-cr')?.metrics).toMatchObject({ live: 2 });

    // The same must-gather as a .tar.gz: its members reach the workers as byte chunks, and the
    // scan counts it by what it unpacks to when deciding on workers.
    const tgz = join(mkdtempSync(join(tmpdir(), 'ctrlscope-par-tgz-')), 'must-gather.tar.gz');
    await tar.c({ gzip: true, cwd: root, file: tgz }, ['.']);
    const opened = await openPaths([tgz]);
    expect(opened.workBytes).toBeGreaterThan(opened.totalBytes * 4);
    const packed = [await analyzePaths([tgz], { workers: 0, generatedAt: at }), await analyzePaths([tgz], { workers: 2, generatedAt: at })];
    expect(packed[1]!.report.inputs).toEqual(packed[0]!.report.inputs);
    expect(packed[1]!.report.findings).toEqual(packed[0]!.report.findings);
    expect(packed[0]!.report.findings.map((f) => [f.rule, f.metrics.last])).toEqual(one.report.findings.map((f) => [f.rule, f.metrics.last]));
  });

  it('sends back whole the objects of kinds a dedup key names, and only the identity of the rest', async () => {
    // Workers cut objects of kinds no analyzer reads down to their identity (slimObjects): a
    // dedup key configured for Jobs must still see their labels, on a worker as here.
    const root = mkdtempSync(join(tmpdir(), 'ctrlscope-par-slim-'));
    writeFileSync(join(root, 'timestamp'), '2025-11-02 12:00:00.000000000 +0000 UTC m=+0.1\n');
    mkdirSync(join(root, 'namespaces/ci/batch'), { recursive: true });
    const job = (name: string) => [
      `- apiVersion: batch/v1`, `  kind: Job`, `  metadata:`, `    name: ${name}`, `    namespace: ci`, `    creationTimestamp: "2025-11-02T10:00:00Z"`,
      `    labels: {example.com/run-key: build-42}`, `  status: {active: 1}`,
    ];
    writeFileSync(join(root, 'namespaces/ci/batch/jobs.yaml'), ['apiVersion: v1', 'kind: List', 'items:', ...job('build-42-a'), ...job('build-42-b')].join('\n') + '\n');
    const at = new Date(0);
    const ruleOptions = { 'duplicate-cr': { dedupKeys: [{ kind: 'Job', label: 'example.com/run-key' }] } };
    const read = [0, 0];
    const one = await analyzePaths([root], { workers: 0, generatedAt: at, ruleOptions, onProgress: (p) => (read[0] = p.bytesRead) });
    const two = await analyzePaths([root], { workers: 2, generatedAt: at, ruleOptions, onProgress: (p) => (read[1] = p.bytesRead) });
    expect(two.report).toEqual(one.report);
    // Progress counts the dump once either way (by the worker's path or read here).
    expect(read[1]).toBe(read[0]);
    expect(read[0]).toBeGreaterThan(300);
    expect(one.report.findings.map((f) => [f.rule, f.severity, f.subject.name, f.metrics.objects])).toEqual([['duplicate-cr', 'critical', 'build-42', 2]]);
  });

  it('reports a file range the worker cannot read as a problem of that input, not a bug', async () => {
    const input = newInput('/nonexistent/ctrlscope/gone.log', 'log');
    const engine = new Engine({ analyzers: ANALYZERS, stage: new LinePool(1) });
    async function* source(): AsyncGenerator<SourceItem> {
      yield { type: 'file', input, path: '/nonexistent/ctrlscope/gone.log', size: 5 << 20, chunks: async function* () {} };
    }
    await engine.run(source());
    const report = engine.report(new Date(0));
    expect(report.problems).toBeUndefined();
    expect(report.inputs[0]!.problems).toEqual([expect.stringMatching(/^read failed: ENOENT: no such file or directory, open '\/nonexistent\/ctrlscope\/gone.log'; the rest of the file was analysed$/)]);
  });

  it('parses a resource dump given as UTF-8 bytes (an archive member) on a worker or here, alike', async () => {
    // Archive members' dumps travel as bytes, moved to the worker, which decodes them: a value
    // with multi-byte characters must come out whole either way.
    const rr = (n: number) => [
      '- apiVersion: kubernaut.ai/v1alpha1', '  kind: RemediationRequest', '  metadata:', `    name: rr-0123456789ab-0000000${n}`,
      '    namespace: kubernaut-system', `    creationTimestamp: "2025-11-02T10:0${n}:00Z"`, '  spec:', '    signalFingerprint: "fp-Zoë-運用"',
      '  status:', '    overallPhase: Processing',
    ];
    const yaml = ['apiVersion: v1', 'kind: List', 'items:', ...rr(1), ...rr(2)].join('\n') + '\n';
    const reports = [];
    for (const workers of [1, 0]) {
      const input = newInput('mg.tar.gz:namespaces/kubernaut-system/kubernaut.ai/remediationrequests.yaml', 'resources');
      const engine = new Engine({ analyzers: ANALYZERS, stage: workers ? new LinePool(workers) : undefined, now: Date.parse('2025-11-02T12:00:00Z') });
      const bytes = new Uint8Array(Buffer.from(yaml, 'utf8'));
      async function* source(): AsyncGenerator<SourceItem> {
        yield { type: 'resources', input, bytes };
      }
      await engine.run(source());
      // Moved to the worker, not copied; kept here without one.
      expect(bytes.byteLength).toBe(workers ? 0 : Buffer.byteLength(yaml));
      reports.push(engine.report(new Date(0)));
    }
    expect(reports[0]).toEqual(reports[1]);
    expect(reports[0]!.inputs[0]).toMatchObject({ kind: 'resources', format: 'manifests', lines: 23, problems: [] });
    expect(reports[0]!.findings.map((f) => [f.rule, f.subject.kind, f.subject.name, f.metrics.live])).toEqual([['duplicate-cr', 'RemediationRequest', 'fp-Zoë-運用', 2]]);
  });

  it('sends Events whole only from a dump holding one an analyzer may read (Analyzer.objectWhen), on a worker or here', async () => {
    const event = (name: string, count: number) => [
      '- apiVersion: v1', `  count: ${count}`, '  firstTimestamp: "2021-08-03T08:00:00Z"', '  kind: Event', '  lastTimestamp: "2021-08-03T09:00:00Z"',
      '  metadata:', `    name: ${name}`, '    namespace: ns', '  reason: BackOff', '  type: Warning',
    ];
    const list = (...items: string[][]) => ['apiVersion: v1', 'items:', ...items.flat(), 'kind: EventList'].join('\n') + '\n';
    const dumps = [list(event('a', 1), event('b', 3)), list(event('c', 1), event('d', 44))];
    const when: EventCondition[] = [{ kind: 'event', type: 'Warning', minCount: 5, minSpanS: 600 }];
    /** An analyzer reading Events whole, with or without conditions, that records which came whole. */
    const reader = (rule: 'queue-leak' | 'reconcile-burst', seen: string[], conditions?: EventCondition[]): AnalyzerDefinition => ({
      rule,
      consumes: ['object'],
      create: () => ({
        onEvent: (e) => void (e.kind === 'object' && seen.push(`${e.object.metadata?.name}${e.object.reason !== undefined ? ' whole' : ''}`)),
        flush: () => [],
        objectKinds: () => ['event'],
        ...(conditions ? { objectWhen: () => conditions } : {}),
      }),
    });
    for (const workers of [1, 0]) {
      const seen: Record<string, string[]> = { when: [], all: [], both: [] };
      for (const [what, analyzers] of [
        ['when', [reader('queue-leak', seen.when!, when)]],
        ['all', [reader('queue-leak', seen.all!)]],
        ['both', [reader('queue-leak', seen.both!, when), reader('reconcile-burst', [])]],
      ] as const) {
        const engine = new Engine({ analyzers, stage: workers ? new LinePool(workers) : undefined });
        async function* source(): AsyncGenerator<SourceItem> {
          for (const [i, text] of dumps.entries()) yield { type: 'resources', input: newInput(`ns-${i}/core/events.yaml`, 'resources'), text };
        }
        await engine.run(source());
        expect(engine.report(new Date(0)).inputs.map((r) => r.problems), what).toEqual([[], []]);
      }
      // Count 1 and 3 meet no condition: that dump's Events come cut to their identity. One with
      // a Warning 44 times over an hour comes whole, all of it; without conditions, every dump does.
      expect(seen.when).toEqual(['a', 'b', 'c whole', 'd whole']);
      expect(seen.all).toEqual(['a whole', 'b whole', 'c whole', 'd whole']);
      expect(seen.both).toEqual(['a whole', 'b whole', 'c whole', 'd whole']);
    }
  });

  it('reports a resource dump that cannot be read where it is parsed, on a worker or here', async () => {
    for (const workers of [1, 0]) {
      const input = newInput('/nonexistent/ctrlscope/rrs.yaml', 'resources');
      const engine = new Engine({ analyzers: ANALYZERS, stage: workers ? new LinePool(workers) : undefined });
      async function* source(): AsyncGenerator<SourceItem> {
        yield { type: 'resources', input, path: '/nonexistent/ctrlscope/rrs.yaml' };
      }
      await engine.run(source());
      const report = engine.report(new Date(0));
      expect(report.problems).toBeUndefined();
      expect(report.inputs[0]).toMatchObject({ kind: 'resources', lines: 0, problems: [expect.stringMatching(/^cannot read: ENOENT: no such file or directory, open '\/nonexistent\/ctrlscope\/rrs.yaml'$/)] });
    }
  });

});

describe('kubectl logs --prefix input', () => {
  it('keeps the counters of different pods apart', async () => {
    const lines: string[] = [];
    for (let m = 0; m < 7; m++) {
      const t = `2025-11-02T10:0${m}:00.000000000Z 2025/11/02 10:0${m}:00`;
      lines.push(`[pod/proxy-a/proxy] ${t} WARN Pending streams still tracked count=${m + 3}`);
      lines.push(`[pod/proxy-b/proxy] ${t} WARN Pending streams still tracked count=2`);
    }
    const file = logFile('kubectl-logs.txt', lines);
    const { report } = await analyzePaths([file], { rules: ['stale-pending'], generatedAt: new Date(0) });
    expect(report.inputs[0]).toMatchObject({ wrapper: 'kubectl-prefix', format: 'slog-text', lines: 14, unparsed: 0 });
    const found = report.findings.filter((f) => f.severity !== 'info');
    expect(found.map((f) => [f.rule, f.subject.controller, f.metrics.first, f.metrics.last])).toEqual([['stale-pending', 'proxy-a/proxy', 3, 9]]);
  });

  it('analyses a CRI partial run left open at the end of the input', async () => {
    const lines: string[] = [];
    for (let m = 0; m < 5; m++) lines.push(`2025-11-02T10:0${m}:00.000000000Z stderr F 2025/11/02 10:0${m}:00 WARN Pending streams still tracked count=${m + 3}`);
    lines.push('2025-11-02T10:09:00.000000000Z stderr P 2025/11/02 10:09:00 WARN Pending streams still ', '2025-11-02T10:09:00.000000001Z stderr P tracked count=40');
    const file = logFile('cut.log', lines);
    for (const workers of [0, 2]) {
      const { report } = await analyzePaths([file], { rules: ['stale-pending'], workers, generatedAt: new Date(0) });
      expect(report.inputs[0]).toMatchObject({ lines: 7, unparsed: 0, wrapper: 'cri' });
      expect(report.findings.find((f) => f.rule === 'stale-pending')?.metrics).toMatchObject({ first: 3, last: 40 });
    }
  });
});
