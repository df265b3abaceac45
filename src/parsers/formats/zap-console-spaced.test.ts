// zap console with spaces for tabs: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './zap-console-spaced.js';

describe('zap console with spaces for tabs', () => {
  it('storageos: one-space gap on a tab stop after a lower-case logger', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'zap-console',
      wrapper: 'timestamp',
      level: 'info',
      time: '2019-06-27T10:45:49.713Z',
      logger: 'cluster',
      message: 'Reconciling Cluster',
      fields: { 'Request.Namespace': 'default', 'Request.Name': 'example-storageoscluster' },
    });
  });

  it('rhobs: trailing spaces, two-space gap', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'zap-console',
      wrapper: 'timestamp',
      level: 'info',
      time: '2022-09-22T21:18:41.000Z',
      logger: 'observability-operator',
      message: 'Reconciling monitoring stack',
      fields: { stack: 'openshift-operators/sample-monitoring-stack' },
    });
  });

  it("controller-runtime's development logger: zap's epoch-seconds time", () => {
    expect(view(samples[2]!)).toEqual({
      format: 'zap-console',
      wrapper: 'none',
      level: 'error',
      time: '2023-05-09T15:50:19.559Z',
      message: 'Reconciler error',
      fields: {
        controller: 'repository',
        controllerGroup: 'settings.github.com',
        controllerKind: 'Repository',
        repository: { name: 'test-repo-delete', namespace: 'default' },
        namespace: 'default',
        name: 'test-repo-delete',
        reconcileID: 'f1038b55-0332-442f-885f-62acb053e3ae',
        error: 'failed to get repo: GET https://api.github.com/repos/delete: 401 Bad credentials []',
      },
    });
  });

  it('cosi runtime: no time column', () => {
    expect(view(samples[3]!)).toEqual({
      format: 'zap-console',
      wrapper: 'none',
      level: 'error',
      message: 'reconcile failed',
      fields: {
        controller: 'QFailingController',
        namespace: 'q-fail-in',
        type: 'test/str',
        id: 'id1',
        job: 'reconcile',
        error: 'failing as requested',
        interval: '373.67479ms',
        busy: '29.626µs',
      },
    });
  });

  it('near misses: a Java layout pads its level with one or two spaces; a level word alone', () => {
    expect(detectLine('2024-01-01T12:00:00.123Z stdout F 2024-01-01 12:00:00 INFO  Operator:94 - Started').format).toBe('log4j');
    expect(detectLine('ERROR   something').format).toBe('unknown');
    // A number that names no time between 2000 and 2100, or without a fraction, is no zap stamp.
    expect(detectLine('3.14  ERROR   Reconciler error        {"a": 1}').format).toBe('unknown');
    expect(detectLine('1683647419  ERROR   Reconciler error        {"a": 1}').format).toBe('unknown');
  });
});
