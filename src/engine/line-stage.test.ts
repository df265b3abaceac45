import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/event.js';
import { newTally, processChunk, processLines, type LineWant } from './line-stage.js';

const opts = { source: 'test.log', referenceYear: 2025 };
const want: LineWant = { all: false, minRank: 4, groups: [{ keywords: ['Pending', 'econcil'], counts: ['Started'] }] };

function run(text: string, w = want) {
  const tally = newTally();
  const events: LogEvent[] = [];
  const out = processChunk(Buffer.from(text, 'utf8'), 1, { opts, want: w, tally, emit: (e) => events.push(e) });
  return { tally, events, out };
}

describe('processChunk', () => {
  it('numbers lines continuously across the pieces a large chunk is decoded in', () => {
    // ~1.6 MB: far more than one decoding piece; keyword lines at known numbers.
    const lines: string[] = [];
    for (let i = 1; i <= 20_000; i++) {
      lines.push(i % 4999 === 0 ? `I1102 10:00:00.000000       1 q.go:1] "Pending work" n=${i}` : `I1102 10:00:00.000000       1 noise.go:7] "nothing here" i=${i} pad=${'x'.repeat(50)}`);
    }
    const { tally, events } = run(lines.join('\n') + '\n');
    expect(tally).toMatchObject({ lines: 20_000, unparsed: 0, formats: { klog: 20_000 } });
    expect(events.map((e) => [e.line, e.fields.n])).toEqual([[4999, 4999], [9998, 9998], [14997, 14997], [19996, 19996]]);
  });

  it('matches keywords and counted keywords regardless of case', () => {
    const text = [
      'I1102 10:00:00.000000       1 q.go:1] "PENDING work" n=1',
      'I1102 10:00:01.000000       1 q.go:1] "reconciling" n=2',
      'I1102 10:00:02.000000       1 q.go:1] "started stream" n=3',
      'I1102 10:00:03.000000       1 q.go:1] "STARTED stream" n=4',
      'I1102 10:00:04.000000       1 q.go:1] "nothing here" n=5',
    ].join('\n');
    const { events, out } = run(text);
    expect(events.map((e) => e.fields.n)).toEqual([1, 2]);
    expect(out.counted.map((c) => [c.count, c.first.message])).toEqual([[1, 'started stream'], [1, 'STARTED stream']]);
  });

  it('decodes UTF-8 text (a chunk that is not pure ASCII) into the same lines', () => {
    const text = 'I1102 10:00:00.000000       1 q.go:1] "Pending für Größe" n=1\nI1102 10:00:01.000000       1 q.go:1] "Pending ✓" n=2\n';
    const { events, tally } = run(text);
    expect(events.map((e) => e.message)).toEqual(['Pending für Größe', 'Pending ✓']);
    expect(tally.lines).toBe(2);
  });

  it('finds a wanted keyword after a counted one on the same line, and counts lines with only counted ones', () => {
    const text = [
      '2025/11/02 10:00:01 INFO Started new stream id=1',
      '2025/11/02 10:00:02 INFO Started new stream id=2',
      '2025/11/02 10:00:03 INFO Started stream while Pending count=3',
      '2025/11/02 10:00:04 ERROR boom',
    ].join('\n');
    const { events, out } = run(text);
    expect(events.map((e) => [e.line, e.message])).toEqual([
      [3, 'Started stream while Pending'],
      [4, 'boom'],
    ]);
    expect(out.counted.map((c) => [c.first.message, c.count, c.first.line])).toEqual([['Started new stream', 2, 1]]);
  });

  it('cuts a line over the cap, counts it, and strips a trailing CR', () => {
    const { tally, events } = run(`${'z'.repeat((1 << 20) + 10)} Pending\nI1102 10:00:00.000000       1 q.go:1] "Pending" n=1\r\n`);
    expect(tally.truncated).toBe(1);
    expect(tally.lines).toBe(2);
    // The keyword beyond the cap is not seen; the CRLF line is parsed without its CR.
    expect(events.map((e) => [e.line, e.raw.endsWith('\r')])).toEqual([[2, false]]);
  });
});

describe('processLines', () => {
  it('counts empty lines, a trailing one too', () => {
    const tally = newTally();
    processLines(['a', '', 'b', ''], 1, { opts, want, tally, emit: () => {} });
    expect(tally.lines).toBe(4);
  });
});

describe('origins within one input', () => {
  it('counts lines per origin when a prefix names the pod (kubectl logs --prefix)', () => {
    const text = [
      '[pod/a-1/c] 2025/11/02 10:00:01 INFO Started new stream id=1',
      '[pod/b-2/c] 2025/11/02 10:00:01 INFO Started new stream id=2',
      '[pod/a-1/c] 2025/11/02 10:00:02 INFO Started new stream id=3',
    ].join('\n');
    const { out } = run(text);
    expect(out.counted.map((c) => [c.first.origin, c.first.message, c.count])).toEqual([
      ['a-1/c', 'Started new stream', 2],
      ['b-2/c', 'Started new stream', 1],
    ]);
  });
});

describe('terminal colours', () => {
  it('classifies and emits a coloured line as the line without its colours, wherever it lies in the text', () => {
    // Khoa280703/comacode:plans/reports/debugger-260109-0841-slow-connection-double-framing-bug.md@82f8600a9e3b1049b34aee732652e88bae8dcc54:
    // Rust tracing whose escape characters a paste lost; one line with and one without ESC.
    const eaten = '[2m2026-01-09T01:44:34.008953Z[0m [31mERROR[0m [2mhostagent::quic_server[0m[2m:[0m Failed to decode message: Invalid message format: Buffer too small for payload';
    const esc = eaten.replace(/\[(\d)/g, '\x1b[$1');
    const plain = 'I1102 10:00:00.000000       1 q.go:1] "nothing here" n=1';
    const text = [plain, eaten, plain, esc, plain].join('\n');
    const { tally, events } = run(text);
    expect(tally).toMatchObject({ lines: 5, recognised: 5, unparsed: 0, formats: { klog: 3, tracing: 2 } });
    expect(events.map((e) => [e.line, e.level, e.logger, e.raw])).toEqual([
      [2, 'error', 'hostagent::quic_server', '2026-01-09T01:44:34.008953Z ERROR hostagent::quic_server: Failed to decode message: Invalid message format: Buffer too small for payload'],
      [4, 'error', 'hostagent::quic_server', '2026-01-09T01:44:34.008953Z ERROR hostagent::quic_server: Failed to decode message: Invalid message format: Buffer too small for payload'],
    ]);
  });
});
