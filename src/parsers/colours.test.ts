// Terminal colours in a line: escape sequences a program writes when it colours its output, and
// the same sequences with their ESC lost, as pasted lines show them. A coloured line reads as the
// line a terminal shows.
import { describe, expect, it } from 'vitest';
import { view } from '../../test/helpers/parsed-view.js';
import { detectLine, hasColours, parseLine, withoutColours } from './index.js';

// Rust `tracing` with its default ANSI colours, the ESC characters lost in a paste:
// Khoa280703/comacode:plans/reports/debugger-260109-0841-slow-connection-double-framing-bug.md@82f8600a9e3b1049b34aee732652e88bae8dcc54 ("TRACE Log Snippet").
const eaten = '[2m2026-01-09T01:44:34.008953Z[0m [31mERROR[0m [2mhostagent::quic_server[0m[2m:[0m Failed to decode message: Invalid message format: Buffer too small for payload';
// A controller-runtime line of ../shared/real-data/wva/controller-baseline.log's shape (tab-separated
// zap console) with its level coloured as zap's CapitalColorLevelEncoder writes it (blue INFO,
// `ESC[34m…ESC[0m`): built, not published.
const zapColoured = '2026-08-07T20:20:19Z\t\x1b[34mINFO\x1b[0m\tsetup\tcmd/main.go:345\tWatching single namespace\t{"namespace": "dhl-wva-209"}';

describe('terminal colours', () => {
  it('reads a tracing line whose escape characters were lost', () => {
    expect(hasColours(eaten)).toBe(true);
    expect(withoutColours(eaten)).toBe('2026-01-09T01:44:34.008953Z ERROR hostagent::quic_server: Failed to decode message: Invalid message format: Buffer too small for payload');
    expect(view(eaten)).toEqual({
      format: 'tracing',
      wrapper: 'timestamp',
      level: 'error',
      time: '2026-01-09T01:44:34.008Z',
      logger: 'hostagent::quic_server',
      message: 'Failed to decode message: Invalid message format: Buffer too small for payload',
      fields: {},
    });
    // The event's text is what a terminal shows: evidence quotes it without the codes.
    expect(parseLine(eaten, 1, { source: 's', referenceYear: 2026 }).raw).toBe(withoutColours(eaten));
  });

  it('reads a line with its escape sequences as the line without them', () => {
    // (The line stage classifies a coloured line after taking its colours off, as parseLine reads it.)
    expect(detectLine(withoutColours(zapColoured))).toEqual({ format: 'zap-console', wrapper: 'none', level: 'info' });
    expect(view(zapColoured)).toEqual(view(withoutColours(zapColoured)));
    expect(view(zapColoured)).toMatchObject({ level: 'info', logger: 'setup', caller: 'cmd/main.go:345', message: 'Watching single namespace', fields: { namespace: 'dhl-wva-209' } });
    // kubetail's trailing ` ESC(B ESC[m` goes with the space before it.
    expect(withoutColours('\x1b[31m[web-0] {"msg":"x"} \x1b(B\x1b[m')).toBe('[web-0] {"msg":"x"}');
    expect(withoutColours('\x1b[1;31mERROR\x1b[0m \x1b(Bx\x1b]0;title\x07')).toBe('ERROR x');
  });

  it("keeps the level of free text behind a time that opens with an upper-case level word (tracing without its target)", () => {
    // The snippet's second line: no target after TRACE, so no format takes it; it is free text
    // with the wrapper's time, and its level word still says TRACE.
    const trace = '[2m2026-01-09T01:44:34.008878Z[0m [35mTRACE[0m ... got stream frame id=client bidirectional stream 0 offset=0 len=50 fin=false';
    expect(view(trace)).toEqual({
      format: 'plain',
      wrapper: 'timestamp',
      level: 'trace',
      time: '2026-01-09T01:44:34.008Z',
      message: '... got stream frame id=client bidirectional stream 0 offset=0 len=50 fin=false',
      fields: {},
    });
    // A right-aligned level, as tracing pads INFO and WARN; a capitalised word is no level word.
    expect(view('2024-02-13T09:18:40.770253Z  INFO reconciling object')).toMatchObject({ format: 'plain', level: 'info', message: 'reconciling object' });
    expect(view('2021-09-14T14:27:20.521604292Z Successfully copied files')).toMatchObject({ format: 'plain', level: 'unknown', message: 'Successfully copied files' });
    expect(view('2021-09-14T14:27:20.521604292Z OK then')).toMatchObject({ level: 'unknown', message: 'OK then' });
    expect(view('2021-09-14T14:27:20.521604292Z ERROR')).toMatchObject({ level: 'unknown', message: 'ERROR' });
  });

  it('leaves brackets alone: no reset, no colours', () => {
    for (const line of ['[mongo] connection accepted', 'backoff [10m] reached', 'I0803 09:21:12.576766       1 main.go:133] [2m] x']) {
      expect(hasColours(line)).toBe(false);
      expect(withoutColours(line)).toBe(line);
    }
  });
});
