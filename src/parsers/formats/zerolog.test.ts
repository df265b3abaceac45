// zerolog console: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './zerolog.js';

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
