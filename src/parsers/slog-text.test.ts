import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const opts = { source: 'acexy.log', referenceYear: 2026 };

describe('slog text (default handler)', () => {
  it('docker prefix + slog: message up to the pairs, typed fields, escaped quotes', () => {
    const raw =
      '2025-11-02T10:32:57.785789456Z 2025/11/02 10:32:57 WARN Health check failed error="Get \\"http://orchestrator:8000/orchestrator/status\\": dial tcp 172.18.0.5:8000: connect: connection refused"';
    expect(parseLine(raw, 3, opts)).toEqual({
      kind: 'log',
      time: Date.UTC(2025, 10, 2, 10, 32, 57, 785),
      level: 'warning',
      message: 'Health check failed',
      fields: { error: 'Get "http://orchestrator:8000/orchestrator/status": dial tcp 172.18.0.5:8000: connect: connection refused' },
      format: 'slog-text',
      wrapper: 'timestamp',
      source: 'acexy.log',
      line: 3,
      raw,
    });
  });

  it('count=3 → 3; quoted values unquoted; booleans typed', () => {
    const ev = parseLine('2025/11/02 18:02:57 WARN Pending streams still tracked count=3 engines="map[abc:1]" forwarded=true', 1, opts);
    expect([ev.time, ev.message, ev.fields]).toEqual([
      Date.UTC(2025, 10, 2, 18, 2, 57), 'Pending streams still tracked', { count: 3, engines: 'map[abc:1]', forwarded: true },
    ]);
  });

  it('compose prefix: origin is the service name', () => {
    const ev = parseLine('acexy  | 2025-10-12T22:34:39.725934485Z 2025/10/12 22:34:39 INFO Starting server addr=:8080', 4, opts);
    expect([ev.wrapper, ev.origin, ev.format, ev.message, ev.fields, ev.time]).toEqual([
      'compose', 'acexy', 'slog-text', 'Starting server', { addr: ':8080' }, Date.UTC(2025, 9, 12, 22, 34, 39, 725),
    ]);
  });

  it('values that only look numeric stay strings; INFO+2 levels; Go log without level is plain', () => {
    const ev = parseLine('2025/11/02 10:33:45 INFO+2 Selected best available engine container_id=749e25c4 port=19000 id=007 last=0001-01-01T00:00:00Z', 1, opts);
    expect(ev.level).toBe('info');
    expect(ev.fields).toEqual({ container_id: '749e25c4', port: 19000, id: '007', last: '0001-01-01T00:00:00Z' });
    const plain = parseLine('2025/11/02 10:33:45 listening on :8080', 1, opts);
    expect([plain.format, plain.level, plain.message]).toEqual(['plain', 'unknown', 'listening on :8080']);
    expect(detectLine('2025/11/02 10:33:45 Done here').format).toBe('plain');
  });
});
