import { describe, expect, it } from 'vitest';
import { PromReader, isPromExposition, parsePromLine, samples, scrapeTime } from './prometheus.js';

describe('parsePromLine', () => {
  it('parses every real sample line (comments yield nothing)', () => {
    for (const s of samples) {
      const ev = parsePromLine(s, 1, 'm.prom');
      if (s.startsWith('#')) expect(ev).toBeUndefined();
      else expect(ev, s).toBeDefined();
    }
  });

  it('reads a client-go workqueue sample', () => {
    expect(parsePromLine('workqueue_depth{controller="variantautoscaling",name="variantautoscaling"} 3', 7, 'm.prom')).toEqual({
      kind: 'metric',
      name: 'workqueue_depth',
      labels: { controller: 'variantautoscaling', name: 'variantautoscaling' },
      value: 3,
      source: 'm.prom',
      line: 7,
    });
  });

  it.each([
    ['up 1', 'up', {}, 1, undefined],
    ['workqueue_depth{name="AvailableConditionController"} 0 1763632800000', 'workqueue_depth', { name: 'AvailableConditionController' }, 0, 1763632800000],
    ['x{a="q\\"uote",b="back\\\\slash",c="new\\nline",} 2.5e3', 'x', { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, 2500, undefined],
    ['x{le="+Inf"} +Inf', 'x', { le: '+Inf' }, Infinity, undefined],
    ['x -Inf', 'x', {}, -Infinity, undefined],
    ['x{ a = "1" , b="2"}   7   1763632800.5', 'x', { a: '1', b: '2' }, 7, 1763632800500],
    ['{"my.metric",code="200"} 4', 'my.metric', { code: '200' }, 4, undefined],
    ['x{a="b"} 1 # {trace_id="abc"} 1.0', 'x', { a: 'b' }, 1, undefined],
  ])('%s', (line, name, labels, value, time) => {
    const ev = parsePromLine(line, 1, 's');
    expect(ev).toBeDefined();
    expect(ev!.name).toBe(name);
    expect(ev!.labels).toEqual(labels);
    expect(ev!.value).toBe(value);
    expect(ev!.time).toBe(time);
  });

  it('reads NaN', () => {
    expect(parsePromLine('go_gc_duration_seconds{quantile="0"} NaN', 1, 's')!.value).toBeNaN();
  });

  it.each(['# HELP x y', '# TYPE x counter', '', '   ', 'x{a="unterminated} 1', 'x{a=1} 1', 'x one', '2026-11-20T10:00:00Z INFO hello', 'x 1 2 3', 'I1120 10:00:00.000000 1 a.go:1] hi'])(
    'rejects %j',
    (line) => {
      expect(parsePromLine(line, 1, 's')).toBeUndefined();
    },
  );

  it('uses the default time only when the sample has none', () => {
    expect(parsePromLine('x 1', 1, 's', 5000)!.time).toBe(5000);
    expect(parsePromLine('x 1 1763633000000', 1, 's', 5000)!.time).toBe(1763633000000);
  });
});

describe('snapshots', () => {
  it('reads `# scrape` comments as the time of the samples that follow', () => {
    expect(scrapeTime('# scrape 2026-11-20T10:00:00Z')).toBe(Date.parse('2026-11-20T10:00:00Z'));
    expect(scrapeTime('# timestamp: 1763632800')).toBe(1763632800000);
    expect(scrapeTime('# HELP x y')).toBeUndefined();
    const r = new PromReader('m.prom');
    const text = [
      '# scrape 2026-11-20T10:00:00Z',
      '# TYPE workqueue_depth gauge',
      'workqueue_depth{name="a"} 1',
      '# scrape 2026-11-20T10:01:00Z',
      'workqueue_depth{name="a"} 4',
      'workqueue_depth{name="a"} 9 1763633000000',
      'garbage here',
    ];
    const evs = text.map((l, i) => r.line(l, i + 1)).filter((e) => e !== undefined);
    expect(evs.map((e) => [e.value, e.time, e.line])).toEqual([
      [1, Date.parse('2026-11-20T10:00:00Z'), 3],
      [4, Date.parse('2026-11-20T10:01:00Z'), 5],
      [9, 1763633000000, 6],
    ]);
    expect([r.samples, r.unparsed]).toEqual([3, 1]);
  });
});

describe('isPromExposition', () => {
  it('recognises expositions', () => {
    expect(isPromExposition('# HELP workqueue_depth Current depth of workqueue\n# TYPE workqueue_depth gauge\nworkqueue_depth{name="x"} 0\n')).toBe(true);
    expect(isPromExposition('workqueue_depth{name="x"} 0\nworkqueue_adds_total{name="x"} 12\n')).toBe(true);
    expect(isPromExposition('# scrape 2026-11-20T10:00:00Z\nup 1\n')).toBe(true);
  });
  it('does not take logs for metrics', () => {
    expect(isPromExposition('I0807 20:20:19.509309       1 leaderelection.go:257] attempting to acquire leader lease\n')).toBe(false);
    expect(isPromExposition('2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:159\tLogger initialized\n')).toBe(false);
    expect(isPromExposition('{"level":"info","msg":"x"}\n')).toBe(false);
    expect(isPromExposition('time=2026-11-20T10:00:00Z level=INFO msg=hello\nstarting up 1\n')).toBe(false);
    expect(isPromExposition('')).toBe(false);
  });
});
