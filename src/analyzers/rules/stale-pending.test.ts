import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../../core/finding.js';
import { SEVERITY_RANK, type RuleId } from '../../core/finding.js';
import { analyzePaths } from '../../engine/run.js';
import { parseLine } from '../../parsers/index.js';
import { PromReader } from '../../parsers/prometheus.js';
import { countersIn, stalePending, verbStem } from './stale-pending.js';
import type { Analyzer } from '../types.js';

const REAL = join(import.meta.dirname, '../../../../shared/real-data');

function run(text: string, source = 'app.log'): FindingDraft[] {
  const a: Analyzer = stalePending.create({ options: {} });
  text.split('\n').forEach((l, i) => {
    if (l) a.onEvent(parseLine(l, i + 1, { source, referenceYear: 2026 }));
  });
  return a.flush();
}

const brief = (fs: FindingDraft[]) => fs.map((f) => ({ severity: f.severity, subject: f.subject, metrics: f.metrics }));

/** Docker `--timestamps` prefix + Go slog text, as the acexy proxy writes. */
const slog = (min: number, level: string, msg: string) => {
  const t = new Date(Date.parse('2026-11-20T08:00:00Z') + min * 60_000).toISOString().replace('.000Z', '.000000000Z');
  return `${t} ${t.slice(0, 19).replace('T', ' ').replace(/-/g, '/')} ${level} ${msg}`;
};

describe('stale-pending', () => {
  it('finds the planted series 2,4,6,9,12,15 every 5 min (exact finding)', () => {
    const text = [2, 4, 6, 9, 12, 15].map((c, i) => slog(i * 5, 'WARN', `Pending streams still tracked count=${c} engines="map[abc:1]"`)).join('\n');
    const fs = run(text, 'big.log');
    expect(fs).toEqual([
      {
        rule: 'stale-pending',
        severity: 'critical',
        title: '"Pending streams still tracked" only grows: 2 → 15',
        subject: { kind: 'Counter', namespace: null, name: 'Pending streams still tracked', controller: null, origin: 'big.log' },
        summary:
          'The counter count went from 2 to 15 over 25 min (6 observations, logged every 5 min, +0.52/min) and never returned to its baseline 2; it rose at 6 consecutive observations; the message says the entries are still held.',
        metrics: { first: 2, last: 15, baseline: 2, observations: 6, rises: 5, slopePerMinute: 0.52, periodSeconds: 300 },
        evidence: [1, 2, 3, 4, 5, 6].map((n) => expect.objectContaining({ source: `big.log:${n}` })),
        firstSeen: '2026-11-20T08:00:00.000Z',
        lastSeen: '2026-11-20T08:25:00.000Z',
        confidence: 'high',
        signals: ['rising-series', 'held-message'],
        variant: 'still-held',
      },
    ]);
  });

  it.each([
    [
      'logfmt in-flight field rising 5 times, neutral message → warning',
      [1, 2, 3, 5, 8].map((v, i) => `time=2026-11-20T08:0${i}:00Z level=info logger=uploader msg="worker stats" inflight=${v}`).join('\n'),
      [{ severity: 'warning', subject: { kind: 'Counter', namespace: null, name: 'worker stats (inflight)', controller: 'uploader' }, metrics: { first: 1, last: 8, baseline: 1, observations: 5, rises: 4, slopePerMinute: 1.75, periodSeconds: 60 } }],
    ],
    [
      'zap JSON orphaned counter in a "still held" message → critical',
      [4, 6, 7, 9, 12].map((v, i) => `{"level":"info","ts":"2026-11-20T08:00:${String(i * 10).padStart(2, '0')}.000Z","logger":"slots","msg":"Reservations still held","orphaned":${v}}`).join('\n'),
      [{ severity: 'critical', subject: { kind: 'Counter', namespace: null, name: 'Reservations still held (orphaned)', controller: 'slots' }, metrics: { first: 4, last: 12, observations: 5, slopePerMinute: 12, periodSeconds: 10 } }],
    ],
    [
      'klog: two observations, the message says still held → warning',
      'I1120 08:00:00.000000       1 leases.go:120] "Leases still held by stopped workers" count=2\nI1120 08:01:00.000000       1 leases.go:120] "Leases still held by stopped workers" count=5',
      [{ severity: 'warning', subject: { name: 'Leases still held by stopped workers' }, metrics: { first: 2, last: 5, observations: 2, slopePerMinute: 3, periodSeconds: 60 } }],
    ],
    [
      'the number in the message itself ("3 pending requests")',
      [3, 4, 6, 7].map((v, i) => `time=2026-11-20T08:0${i}:00Z level=warn msg="waiting on ${v} pending requests"`).join('\n'),
      [{ severity: 'warning', subject: { name: 'waiting on # pending requests' }, metrics: { first: 3, last: 7, observations: 4 } }],
    ],
    ['negative: a gauge that goes back to zero', [0, 3, 5, 7, 2, 0, 4, 6].map((v, i) => `time=2026-11-20T08:0${i}:00Z level=info msg="queue stats" pending=${v}`).join('\n'), []],
    ['negative: back to its first value (not zero)', [3, 5, 8, 3, 9, 12, 15].map((v, i) => `time=2026-11-20T08:0${i}:00Z level=info msg="stats" outstanding=${v}`).join('\n'), []],
    ['negative: three rising observations, nothing else', [1, 2, 3].map((v, i) => `{"level":"info","ts":"2026-11-20T08:0${i}:00.000Z","msg":"Batch status","pendingItems":${v}}`).join('\n'), []],
    ['negative: flat "still tracked" count', [3, 3, 3, 3].map((v, i) => slog(i * 5, 'WARN', `Pending streams still tracked count=${v}`)).join('\n'), []],
    ['negative: falls about as often as it rises', [2, 5, 3, 6, 4, 7, 5].map((v, i) => `I1120 08:0${i}:00.000000       1 server.go:88] "Request stats" inflight=${v}`).join('\n'), []],
    ['negative: time-like fields never count', [1, 2, 3, 4, 5].map((v, i) => `time=2026-11-20T08:0${i}:00Z level=info msg="pending work" oldestPendingSeconds=${v * 60} pending_bytes=${v}`).join('\n'), []],
  ])('%s', (_name, text, want) => {
    const fs = run(text);
    expect(brief(fs)).toMatchObject(want);
    expect(fs).toHaveLength(want.length);
  });

  it('pairs acquisitions with releases and failures in the same log', () => {
    const lines: string[] = [];
    let m = 0;
    for (let i = 0; i < 5; i++) {
      lines.push(slog(m++, 'INFO', `Selected best available engine container_name=acestream-${i} active_streams=0`));
      lines.push(slog(m++, 'INFO', `Selected engine from orchestrator host=gluetun port=${19000 + i}`));
      lines.push(slog(m++, 'INFO', `Started new stream id="{id: ${i}}" clients=0`));
    }
    for (let i = 0; i < 6; i++) {
      lines.push(slog(m++, 'INFO', `Selected best available engine container_name=acestream-${i} active_streams=1`));
      lines.push(slog(m++, 'ERROR', `Failed to start stream stream="{id: ${i}}" error="connection refused"`));
    }
    lines.push(slog(m, 'WARN', 'Pending streams still tracked count=2'));
    lines.push(slog(m + 5, 'WARN', 'Pending streams still tracked count=6'));
    const fs = run(lines.join('\n'), 'proxy.log');
    expect(brief(fs)).toEqual([
      {
        severity: 'critical',
        subject: { kind: 'Counter', namespace: null, name: 'Pending streams still tracked', controller: null, origin: 'proxy.log' },
        metrics: { first: 2, last: 6, baseline: 2, observations: 2, rises: 1, slopePerMinute: 0.8, periodSeconds: 300, acquisitions: 11, releases: 5, failures: 6 },
      },
    ]);
    expect(fs[0]!.evidence.map((e) => e.source)).toEqual(['proxy.log:28', 'proxy.log:29', 'proxy.log:1', 'proxy.log:3', 'proxy.log:17']);
  });

  it('balanced acquisitions and releases do not corroborate a short series', () => {
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      lines.push(slog(i, 'INFO', 'Selected best available engine'));
      lines.push(slog(i, 'INFO', 'Started new stream'));
    }
    lines.push(slog(20, 'INFO', 'Stream stats pending=1'));
    lines.push(slog(21, 'INFO', 'Stream stats pending=2'));
    expect(run(lines.join('\n'))).toEqual([]);
  });

  it('keeps counters of different pods apart', () => {
    const a = stalePending.create({ options: {} });
    [1, 2, 3, 4].forEach((v, i) => {
      a.onEvent(parseLine(`time=2026-11-20T08:0${i}:00Z level=info msg=stats pending=${v}`, i + 1, { source: 'all.log', referenceYear: 2026, origin: 'ns/pod-a/c' }));
      a.onEvent(parseLine(`time=2026-11-20T08:0${i}:30Z level=info msg=stats pending=${5 - v}`, i + 1, { source: 'all.log', referenceYear: 2026, origin: 'ns/pod-b/c' }));
    });
    expect(a.flush().map((f) => [f.severity, f.subject.controller, f.metrics.first, f.metrics.last])).toEqual([['warning', 'ns/pod-a/c', 1, 4]]);
  });

  it('bounds its memory: counters past the cap are dropped and counted', () => {
    const a = stalePending.create({ options: {} });
    for (let k = 0; k < 5001; k++) {
      a.onEvent(parseLine(`time=2026-11-20T08:00:00Z level=info msg="stats ${'x'.repeat(k % 7)}" pending_${k}=1`, k + 1, { source: 'a.log', referenceYear: 2026 }));
    }
    for (let i = 1; i <= 4; i++) a.onEvent(parseLine(`time=2026-11-20T08:0${i}:00Z level=info msg="stats " pending_0=${i + 1}`, 6000 + i, { source: 'a.log', referenceYear: 2026 }));
    const fs = a.flush();
    expect(fs.map((f) => [f.subject.name, f.metrics.droppedCounters])).toEqual([['stats (pending_0)', 1]]);
  });

  it('flush is idempotent', () => {
    const a = stalePending.create({ options: {} });
    [1, 2, 3, 4].forEach((v, i) => a.onEvent(parseLine(`time=2026-11-20T08:0${i}:00Z level=info msg=stats pending=${v}`, i + 1, { source: 'a.log', referenceYear: 2026 })));
    const once = a.flush();
    expect(a.flush()).toEqual(once);
    expect(once).toHaveLength(1);
  });

  it('helpers: verb stems and counter extraction', () => {
    expect(['started', 'start', 'stopped', 'stop', 'released', 'release', 'freed', 'free', 'selected', 'acquired', 'acquire'].map(verbStem)).toEqual([
      'start', 'start', 'stop', 'stop', 'releas', 'releas', 'fre', 'fre', 'select', 'acquir', 'acquir',
    ]);
    const ev = parseLine('time=2026-11-20T08:00:00Z level=info msg="pool" inFlight=3 held_slots=2 active=9 count=4', 1, { source: 'x', referenceYear: 2026 });
    expect(countersIn(ev)).toEqual([
      ['inFlight', 3],
      ['held_slots', 2],
    ]);
  });
});

describe.skipIf(!existsSync(REAL))('stale-pending on real data', () => {
  it('acexy/degradation.log: "still tracked" 3 → 9, 49 acquisitions against 37 releases, 18 failures', () => {
    const fs = run(readFileSync(join(REAL, 'acexy/degradation.log'), 'utf8'), 'degradation.log');
    expect(brief(fs)).toEqual([
      {
        severity: 'critical',
        subject: { kind: 'Counter', namespace: null, name: 'Pending streams still tracked', controller: null, origin: 'degradation.log' },
        metrics: { first: 3, last: 9, baseline: 3, observations: 2, rises: 1, slopePerMinute: 1.2, periodSeconds: 300, acquisitions: 49, releases: 37, failures: 18 },
      },
    ]);
    const f = fs[0]!;
    expect(f.evidence.slice(0, 2).map((e) => e.source)).toEqual(['degradation.log:251', 'degradation.log:270']);
    expect(f.evidence[0]!.text).toContain('WARN Pending streams still tracked count=3');
    expect(f.evidence[1]!.text).toContain('WARN Pending streams still tracked count=9');
    expect(f.summary).toContain('49 acquisitions ("Selected best available engine") against 37 releases ("Started new stream"), and 18 "Failed to start stream" lines release nothing');
    expect([f.firstSeen, f.lastSeen]).toEqual(['2025-11-02T18:02:57.786Z', '2025-11-02T18:07:57.786Z']);
  });

  it('acexy/log_sample.txt (healthy): no finding', () => {
    expect(run(readFileSync(join(REAL, 'acexy/log_sample.txt'), 'utf8'), 'log_sample.txt')).toEqual([]);
  });

  it('through the real sources and engine: acexy degradation found, nothing on the healthy inputs', async () => {
    const { report } = await analyzePaths([join(REAL, 'acexy'), join(REAL, 'kubernaut'), join(REAL, 'wva')], { analyzers: [stalePending] });
    expect(report.findings.map((f) => [f.severity, f.subject.name, f.evidence[0]!.source.replace(/^.*real-data\//, '')])).toEqual([
      ['critical', 'Pending streams still tracked', 'acexy/degradation.log:251'],
    ]);
  });

  it('must-gather-aws (healthy cluster): no finding', async () => {
    const { report } = await analyzePaths([join(REAL, 'must-gather-aws')], { analyzers: [stalePending] });
    expect(report.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.info)).toEqual([]);
  });
});

describe('stale-pending: amounts in other words and shapes', () => {
  const at = (s: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + s * 1000).toISOString();
  type Full = FindingDraft & { confidence?: string; signals?: string[]; variant?: string };

  it('"label: N" in free text: a queue depth that only grows is a warning', () => {
    const fs = run([3336, 3339, 3339, 3341, 3343, 3345].map((v, i) => `time="${at(i * 30)}" level=info msg="serf: Query queue depth: ${v}"`).join('\n')) as Full[];
    expect(fs.map((f) => [f.severity, f.subject.name, f.metrics.first, f.metrics.last, f.variant, f.confidence])).toEqual([
      ['warning', 'serf: Query queue depth: #', 3336, 3345, 'growing', 'medium'],
    ]);
  });

  it('a gauge among cumulative counters and a high-water mark: only the gauge counts', () => {
    const lines = [0, 0, 6657, 36963, 66137, 94697].map(
      (v, i) => `2016-11-19 20:3${i}:11 main Q: origin=core.queue size=${v} enqueued=${28000 + i * 500} discarded.full=${i} maxqsize=${Math.max(1975, v)}`,
    );
    const fs = run(lines.join('\n'));
    expect(fs.map((f) => [f.severity, f.metrics.first, f.metrics.last, f.metrics.observations])).toEqual([['warning', 0, 94697, 6]]);
    expect(fs[0]!.subject.name).toContain('main Q: origin=core.queue size=#');
  });

  it('cumulative sent/done grow legitimately; the in-flight gauge returns to 0', () => {
    const lines = ['sent=1 done=0 inflight=1', 'sent=1 done=1 inflight=0', 'sent=2 done=1 inflight=1', 'sent=2 done=2 inflight=0', 'sent=3 done=2 inflight=1'];
    expect(run(lines.map((l, i) => `[${at(i).slice(0, 19).replace('T', ' ')}] DEBUG [REQ] ${l}`).join('\n'))).toEqual([]);
  });

  it('N / CAPACITY: N is the value, and reaching the capacity raises confidence', () => {
    const fs = run([3, 5, 8, 10].map((v, i) => `time=${at(i * 60)} level=info msg="pool stats: connections in use: ${v}/10"`).join('\n')) as Full[];
    expect(fs.map((f) => [f.severity, f.metrics.first, f.metrics.last, f.metrics.capacity, f.confidence, f.signals])).toEqual([
      ['warning', 3, 10, 10, 'high', ['rising-series', 'at-capacity']],
    ]);
  });

  it('failure lines in the same stream while it grows confirm the leak', () => {
    const lines: string[] = [];
    [1, 2, 3, 5].forEach((v, i) => {
      lines.push(`time=${at(i * 60)} level=info msg="worker stats" inflight=${v}`);
      lines.push(`time=${at(i * 60 + 5)} level=error msg="write tcp 10.0.0.1:80: i/o timeout"`);
    });
    const fs = run(lines.join('\n')) as Full[];
    expect(fs.map((f) => [f.severity, f.confidence, f.signals])).toEqual([['warning', 'high', ['rising-series', 'failures-in-stream']]]);
    expect(fs[0]!.summary).toContain('3 failure lines in the same log while it grew');
  });

  it('values logged within a second are one burst: a channel filling for a moment is not a leak', () => {
    const lines = [
      [0, 1], [0.1, 2], [120, 3], [120.1, 4], [1560, 5], [1560.1, 6],
    ].map(([s, v]) => `${at(s!)} I1120 08:00:00.000000      20 cacher.go:801] cacher (*core.ConfigMap): ${v} objects queued in incoming channel.`);
    expect(run(lines.join('\n'))).toEqual([]);
  });

  it('a wait that grows in seconds is a time, not an amount', () => {
    expect(run([5, 10, 20, 40].map((v, i) => `time=${at(i * 60)} level=info msg="still waiting ${v} seconds for pending leases"`).join('\n'))).toEqual([]);
  });

  it('the config extends the words: a counter named in a team\'s own word', () => {
    const a = stalePending.create({ options: { vocabulary: { counterWords: ['parked'] } } });
    [1, 2, 4, 7].forEach((v, i) => a.onEvent(parseLine(`time=${at(i * 60)} level=info msg="stats" parked=${v}`, i + 1, { source: 'x.log', referenceYear: 2026 })));
    expect(a.flush().map((f) => [f.severity, f.subject.name])).toEqual([['warning', 'stats (parked)']]);
    expect(run([1, 2, 4, 7].map((v, i) => `time=${at(i * 60)} level=info msg="stats" parked=${v}`).join('\n'))).toEqual([]);
  });
});

describe('stale-pending: N/CAPACITY as the message\'s only numbers', () => {
  it('"busy workers 3/8" rising to 8/8 is the amount 3 → 8 against a capacity of 8', () => {
    const at = (s: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + s * 1000).toISOString();
    const fs = run([3, 4, 6, 8].map((v, i) => `time=${at(i * 60)} level=info msg="busy workers ${v}/8"`).join('\n')) as (FindingDraft & { signals?: string[] })[];
    expect(fs.map((f) => [f.severity, f.subject.name, f.metrics.first, f.metrics.last, f.metrics.capacity, f.signals])).toEqual([
      ['warning', 'busy workers #/#', 3, 8, 8, ['rising-series', 'at-capacity']],
    ]);
  });
});

describe('stale-pending: bare counter lines and metrics dumps', () => {
  /** Feeds Prometheus text (or bare `name value` lines) through the exposition reader, as a metrics input is read. */
  const prom = (text: string, source = 'm.prom', rules?: RuleId[]) => {
    const a: Analyzer = stalePending.create({ options: {}, rules });
    const r = new PromReader(source);
    text.split('\n').forEach((l, i) => {
      const ev = r.line(l, i + 1);
      if (ev) a.onEvent(ev);
    });
    return a.flush() as (FindingDraft & { confidence?: string; signals?: string[] })[];
  };

  it('a gauge sample that only grows across scrapes is a warning; the counters beside it never count (exact finding, queue-leak off)', () => {
    const scrape = (min: number, depth: number, adds: number) =>
      [
        `# scrape 2026-11-20T08:0${min}:00Z`,
        `workqueue_depth{name="certificates"} ${depth}`,
        `workqueue_adds_total{name="certificates"} ${adds}`,
        `workqueue_queue_duration_seconds_count{name="certificates"} ${adds}`,
        `workqueue_longest_running_processor_seconds{name="certificates"} ${min * 60}`,
      ].join('\n');
    const text = [scrape(0, 42, 100), scrape(1, 50, 200), scrape(2, 61, 300), scrape(3, 77, 400)].join('\n');
    // With queue-leak on, a named queue's depth is its (one finding per queue: queue-leak.test.ts).
    expect(prom(text)).toEqual([]);
    expect(prom(text, 'm.prom', ['queue-leak', 'stale-pending'])).toEqual([]);
    // A series with no queue name is no workqueue of queue-leak's: read here.
    expect(prom(text.replace(/\{name="certificates"\}/g, '')).map((f) => [f.severity, f.subject.name])).toEqual([['warning', 'workqueue_depth']]);
    const fs = prom(text, 'm.prom', ['stale-pending']);
    expect(fs).toEqual([
      {
        rule: 'stale-pending',
        severity: 'warning',
        title: '"workqueue_depth{name="certificates"}" only grows: 42 → 77',
        subject: { kind: 'Counter', namespace: null, name: 'workqueue_depth{name="certificates"}', controller: 'certificates', origin: 'm.prom' },
        summary:
          'The counter went from 42 to 77 over 3 min (4 observations, logged every 60 s, +11.67/min) and never returned to its baseline 42; it rose at 4 consecutive observations.',
        metrics: { first: 42, last: 77, baseline: 42, observations: 4, rises: 3, slopePerMinute: 11.667, periodSeconds: 60 },
        evidence: [2, 7, 12, 17].map((n) => ({ source: `m.prom:${n}`, time: expect.any(String), text: expect.stringMatching(/^workqueue_depth\{name="certificates"\} \d+$/) })),
        firstSeen: '2026-11-20T08:00:00.000Z',
        lastSeen: '2026-11-20T08:03:00.000Z',
        confidence: 'medium',
        signals: ['rising-series'],
        variant: 'growing',
      },
    ]);
  });

  it('bare `name value` lines without a time: pending / inflight that only grow, one series per name', () => {
    expect(prom('pending: 12\npending: 15\npending: 19\npending: 25\npending: 31').map((f) => [f.severity, f.subject.name, f.metrics.first, f.metrics.last])).toEqual([
      ['warning', 'pending', 12, 31],
    ]);
    expect(prom('inflight 37\ninflight 40\ninflight 45\ninflight 52').map((f) => [f.severity, f.subject.name, f.metrics.last])).toEqual([['warning', 'inflight', 52]]);
  });

  it('counters in bare lines grow legitimately: *_total, processed, handled, sent never count', () => {
    const text = [1, 2, 3, 4, 5].map((i) => `requests_pending_total ${i * 10}\nmessages_processed ${i * 7}\nrequests_handled ${i * 9}\nbytes_sent ${i * 1000}\nqueue_items_sent ${i}`).join('\n');
    expect(prom(text)).toEqual([]);
  });

  it('the config adds counter endings for metric names', () => {
    const text = 'pending_seen 1\npending_seen 5\npending_seen 9\npending_seen 12';
    expect(prom(text).map((f) => [f.severity, f.subject.name])).toEqual([['warning', 'pending_seen']]);
    const a: Analyzer = stalePending.create({ options: { vocabulary: { metricCounterSuffixes: ['_seen'] } } });
    const r = new PromReader('m.prom');
    text.split('\n').forEach((l, i) => {
      const ev = r.line(l, i + 1);
      if (ev) a.onEvent(ev);
    });
    expect(a.flush()).toEqual([]);
  });

  it('a single snapshot, or a gauge that falls back, is no finding', () => {
    expect(prom('workqueue_depth{name="a"} 111\nworkqueue_depth{name="b"} 81', 'm.prom', ['stale-pending'])).toEqual([]);
    expect(prom('queue_length 5\nqueue_length 9\nqueue_length 14\nqueue_length 3\nqueue_length 8')).toEqual([]);
  });

  it('`queue_length=120` alone on a logfmt line: the name says what holds the items', () => {
    const fs = run([120, 130, 150, 170].map((v) => `queue_length=${v}`).join('\n'));
    expect(fs.map((f) => [f.severity, f.subject.name, f.metrics.first, f.metrics.last])).toEqual([['warning', 'queue_length', 120, 170]]);
  });

  it('Telegraf\'s "Buffer fullness: N / CAPACITY metrics" growing while every write fails (influxdata/telegraf#9712)', () => {
    const fs = run(
      [
        '2021-09-02T07:58:04Z D! [outputs.influxdb] Buffer fullness: 220 / 1000000 metrics',
        '2021-09-02T07:58:04Z E! [agent] Error writing to outputs.influxdb: could not write any address',
        '2021-09-02T07:58:05Z D! [outputs.influxdb] Buffer fullness: 319 / 1000000 metrics',
        '2021-09-02T07:58:05Z E! [agent] Error writing to outputs.influxdb: could not write any address',
        '2021-09-02T07:58:06Z D! [outputs.influxdb] Buffer fullness: 438 / 1000000 metrics',
        '2021-09-02T07:58:06Z E! [agent] Error writing to outputs.influxdb: could not write any address',
        '2021-09-02T07:58:07Z D! [outputs.influxdb] Buffer fullness: 440 / 1000000 metrics',
      ].join('\n'),
      'telegraf.log',
    ) as (FindingDraft & { confidence?: string; signals?: string[] })[];
    expect(fs.map((f) => [f.severity, f.confidence, f.title, f.metrics.capacity, f.signals])).toEqual([
      ['warning', 'high', '"Buffer fullness: # / # metrics" only grows: 220 → 440', 1000000, ['rising-series', 'failures-in-stream']],
    ]);
  });
});

describe('stale-pending: the number beside the words that name the amount', () => {
  it('mongod\'s "(N connections now open)" among ports and ids: 1 → 4 connections never closed (nosqlclient/nosqlclient#82, exact finding)', () => {
    const fs = run(
      [
        '2016-05-11T18:40:14.617+0000 [initandlisten] connection accepted from <ip>:39068 #1 (1 connection now open)',
        '2016-05-11T18:40:14.636+0000 [conn1] end connection <ip>:39068 (0 connections now open)',
        '2016-05-11T18:40:14.639+0000 [initandlisten] connection accepted from <ip>:39074 #2 (1 connection now open)',
        '2016-05-11T18:40:40.463+0000 [initandlisten] connection accepted from <ip>:39654 #3 (2 connections now open)',
        '2016-05-11T18:40:40.482+0000 [conn3] end connection <ip>:39654 (1 connection now open)',
        '2016-05-11T18:40:40.490+0000 [initandlisten] connection accepted from <ip>:39656 #4 (2 connections now open)',
        '2016-05-11T18:40:43.665+0000 [initandlisten] connection accepted from <ip>:39734 #5 (3 connections now open)',
        '2016-05-11T18:40:49.691+0000 [initandlisten] connection accepted from <ip>:39868 #6 (4 connections now open)',
      ].join('\n'),
      'mongod.log',
    );
    expect(fs).toEqual([
      {
        rule: 'stale-pending',
        severity: 'warning',
        title: '"[initandlisten] connection accepted from <ip>:# ## (# connection now open)" only grows: 1 → 4',
        subject: { kind: 'Counter', namespace: null, name: '[initandlisten] connection accepted from <ip>:# ## (# connection now open)', controller: null, origin: 'mongod.log' },
        summary:
          'The counter went from 1 to 4 over 35 s (4 observations, logged every 6 s, +5.13/min) and never returned to its baseline 1; it rose at 4 consecutive observations.',
        metrics: { first: 1, last: 4, baseline: 1, observations: 4, rises: 3, slopePerMinute: 5.132, periodSeconds: 6 },
        evidence: [1, 3, 4, 6, 7, 8].map((n) => expect.objectContaining({ source: `mongod.log:${n}` })),
        firstSeen: '2016-05-11T18:40:14.617Z',
        lastSeen: '2016-05-11T18:40:49.691Z',
        confidence: 'medium',
        signals: ['rising-series'],
        variant: 'growing',
      },
    ]);
  });

  it('connections opened and closed one by one (12 → 13 → 12 …) are no finding', () => {
    const lines = [28, 29, 31, 35, 36].flatMap((s, i) => [
      `2018-11-14T17:10:${s}.729+0800 I NETWORK  [listener] connection accepted from 127.0.0.1:${1813 + i} #${8211258 + i} (13 connections now open)`,
      `2018-11-14T17:10:${s}.730+0800 I NETWORK  [conn${8211258 + i}] end connection 127.0.0.1:${1813 + i} (12 connections now open)`,
    ]);
    expect(run(lines.join('\n'))).toEqual([]);
  });

  it('a number followed by a unit of time or size is not the amount', () => {
    expect(run([5, 10, 20, 40].map((v, i) => `2026-11-20T08:0${i}:00Z worker 7: waited ${v} s for requests still pending on 10.0.0.1:443`).join('\n'))).toEqual([]);
  });
});
