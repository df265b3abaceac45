import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from '../index.js';

const opts = { source: 'prom.log', referenceYear: 2026 };

describe('logfmt', () => {
  it('go-kit (Prometheus): level, ts, caller, msg; the rest are fields', () => {
    const raw = 'level=info ts=2020-08-02T04:56:51.414Z caller=main.go:805 msg="Loading configuration file" filename=/etc/prometheus/prometheus.yml';
    expect(parseLine(raw, 2, opts)).toEqual({
      kind: 'log',
      time: Date.UTC(2020, 7, 2, 4, 56, 51, 414),
      level: 'info',
      caller: 'main.go:805',
      message: 'Loading configuration file',
      fields: { filename: '/etc/prometheus/prometheus.yml' },
      format: 'logfmt',
      wrapper: 'none',
      source: 'prom.log',
      line: 2,
      raw,
    });
  });

  it('slog TextHandler: time with offset, uppercase level, numbers, escapes', () => {
    const ev = parseLine('time=2022-11-08T15:28:26.000-05:00 level=WARN msg="say \\"hi\\"" count=3 ratio=0.5 logger=net', 1, opts);
    expect([ev.time, ev.level, ev.message, ev.logger, ev.fields]).toEqual([
      Date.UTC(2022, 10, 8, 20, 28, 26), 'warning', 'say "hi"', 'net', { count: 3, ratio: 0.5 },
    ]);
  });

  it('level found anywhere at a key boundary, quoted too; no level → unknown', () => {
    expect(detectLine('time="2024-01-01T00:00:00Z" level="error" msg=x').level).toBe('error');
    expect(detectLine('at=info method=GET path=/ status=200').level).toBe('unknown');
    expect(detectLine('at=info method=GET path=/ status=200').format).toBe('logfmt');
    expect(detectLine('loglevel=debug msg=x').level).toBe('unknown');
  });
});
