// zerolog console: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from '../index.js';
import { samples } from './zerolog.js';

/** What a user relies on in a parsed line (time as ISO 8601; absent parts left out). */
function view(line: string): Record<string, unknown> {
  const ev = parseLine(line, 1, { source: 't', referenceYear: 2026 });
  const v: Record<string, unknown> = { format: ev.format, wrapper: ev.wrapper, level: ev.level };
  if (ev.time !== undefined) v.time = new Date(ev.time).toISOString();
  if (ev.origin !== undefined) v.origin = ev.origin;
  if (ev.logger !== undefined) v.logger = ev.logger;
  if (ev.caller !== undefined) v.caller = ev.caller;
  v.message = ev.message;
  v.fields = ev.fields;
  return v;
}

describe('zerolog console', () => {
  it('k8gb behind stern\'s prefix: caller, message, logr\'s JSON and key=value fields', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'zerolog',
      wrapper: 'pod-prefix',
      level: 'error',
      time: '2021-08-19T13:31:30.000Z',
      origin: 'k8gb-56c6795669-8l4kn',
      caller: 'workspace/controllers/logging/logr.go:60',
      message: 'gslb: Reconciler error',
      fields: {
        error: 'Operation cannot be fulfilled on gslbs.k8gb.absa.oss "test-gslb-failover": the object has been modified; please apply your changes to the latest version and try again',
        name: 'test-gslb-failover',
        namespace: 'test-gslb',
        'reconciler group': 'k8gb.absa.oss',
        'reconciler kind': 'Gslb',
      },
    });
  });

  it("zerolog's default kitchen clock gives no time", () => {
    expect(view('3:04PM INF hello world key=1')).toEqual({
      format: 'zerolog', wrapper: 'none', level: 'info', message: 'hello world', fields: { key: 1 },
    });
  });
});
