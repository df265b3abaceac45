import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const opts = { source: 'gateway.log', referenceYear: 2026 };

describe('zap JSON', () => {
  it('maps level, ts, logger, caller, msg; the rest are fields with numbers as numbers', () => {
    const raw =
      '{"level":"info","ts":"2026-10-02T22:07:06.350Z","logger":"gateway.server","caller":"gateway/signal_ingestion_process.go:297","msg":"Signal processed successfully","request_id":"496238bd-3c5a-4491-8ec3-cbf3eb0d3850","fingerprint":"34d70cf3","crdName":"rr-34d70cf37c03-d7f0cb2c","duration_ms":81}';
    expect(parseLine(raw, 3, opts)).toEqual({
      kind: 'log',
      time: Date.UTC(2026, 9, 2, 22, 7, 6, 350),
      level: 'info',
      logger: 'gateway.server',
      caller: 'gateway/signal_ingestion_process.go:297',
      message: 'Signal processed successfully',
      fields: { request_id: '496238bd-3c5a-4491-8ec3-cbf3eb0d3850', fingerprint: '34d70cf3', crdName: 'rr-34d70cf37c03-d7f0cb2c', duration_ms: 81 },
      format: 'zap-json',
      wrapper: 'none',
      source: 'gateway.log',
      line: 3,
      raw,
    });
  });

  it('epoch-seconds ts and zap levels', () => {
    const ev = parseLine('{"level":"info","ts":1625968332.269727,"caller":"zap/testzap1.go:12","msg":"failed to fetch URL","url":"localhost:8080","attempt":3,"backoff":1}', 1, opts);
    expect([ev.time, ev.level, ev.caller, ev.message]).toEqual([1625968332269, 'info', 'zap/testzap1.go:12', 'failed to fetch URL']);
    expect(ev.fields).toEqual({ url: 'localhost:8080', attempt: 3, backoff: 1 });
    const lv = (l: string) => detectLine(`{"level":"${l}","ts":1,"msg":"x"}`).level;
    expect(['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal', 'Level(-2)'].map(lv)).toEqual([
      'debug', 'info', 'warning', 'error', 'error', 'fatal', 'fatal', 'debug',
    ]);
  });

  it('`message` key, `severity` level, klog JSON `v`', () => {
    const ev = parseLine('{"severity":"ERROR","time":"2024-01-02T03:04:05Z","message":"oops","code":500}', 1, opts);
    expect([ev.level, ev.message, ev.time, ev.fields]).toEqual(['error', 'oops', Date.UTC(2024, 0, 2, 3, 4, 5), { code: 500 }]);
    const k = parseLine('{"ts":1580306777.04728,"caller":"x/y.go:42","msg":"Pod status updated","v":0}', 1, opts);
    expect([k.format, k.level, k.caller, k.fields]).toEqual(['zap-json', 'info', 'x/y.go:42', { v: 0 }]);
  });

  it('JSON without log keys is json; broken JSON keeps its text', () => {
    expect(detectLine('{"a":1}').format).toBe('json');
    const ev = parseLine('{"level":"info","msg":"trunc"}}', 1, opts);
    expect(ev.format).toBe('zap-json');
    expect(ev.message).toBe('{"level":"info","msg":"trunc"}}');
    expect(detectLine('{"level":"info","msg":"cut off').format).toBe('unknown');
  });
});

describe('slog JSON', () => {
  it('time with offset, INFO+2 style levels, source → caller', () => {
    const ev = parseLine('{"time":"2022-11-08T15:28:26.000000000-05:00","level":"INFO","msg":"hello","count":3}', 1, opts);
    expect([ev.format, ev.level, ev.message, ev.time, ev.fields]).toEqual([
      'slog-json', 'info', 'hello', Date.UTC(2022, 10, 8, 20, 28, 26), { count: 3 },
    ]);
    const w = parseLine('{"time":"2023-08-04T16:09:59Z","level":"WARN+2","source":{"function":"main.main","file":"/app/main.go","line":17},"msg":"disk"}', 1, opts);
    expect([w.level, w.caller, w.fields]).toEqual(['warning', '/app/main.go:17', {}]);
  });
});
