// Python logging and kopf: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './python.js';

describe('Python logging and kopf', () => {
  it('kopf without an object', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'python',
      wrapper: 'none',
      level: 'info',
      time: '2019-11-04T17:49:25.365Z',
      logger: 'kopf.reactor.activit',
      message: 'Initial authentication has been initiated.',
      fields: {},
    });
  });

  it('kopf with [namespace/name]: fields namespace and name', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'python',
      wrapper: 'none',
      level: 'debug',
      time: '2019-11-04T17:49:25.650Z',
      logger: 'kopf.objects',
      message: '[default/kopf-example-1] Resuming is in progress: ...',
      fields: { namespace: 'default', name: 'kopf-example-1' },
    });
  });

  it('tornado/traitlets (dask-gateway)', () => {
    expect(view(samples[2]!)).toEqual({
      format: 'python',
      wrapper: 'none',
      level: 'info',
      time: '2023-10-25T11:13:50.178Z',
      logger: 'KubeController',
      message: 'Cluster prod.b3a990d302d84720aae27404f6153ade scaled to 15 - creating 15 workers, deleting 0 stopped workers',
      fields: {},
    });
  });

  it('tuned behind the kubelet\'s stamp', () => {
    expect(view(samples[3]!)).toEqual({
      format: 'python',
      wrapper: 'timestamp',
      level: 'info',
      time: '2021-09-14T14:27:26.598Z',
      logger: 'tuned.daemon.application',
      message: 'dynamic tuning is globally disabled',
      fields: {},
    });
  });

  it("basicConfig's default layout `LEVEL:name:message`", () => {
    expect(view('WARNING:root:disk almost full')).toEqual({
      format: 'python', wrapper: 'none', level: 'warning', logger: 'root', message: 'disk almost full', fields: {},
    });
  });

  it('`asctime - name - levelname - message`', () => {
    expect(view('2024-01-02 03:04:05,678 - operator - ERROR - reconcile failed')).toEqual({
      format: 'python', wrapper: 'none', level: 'error', time: '2024-01-02T03:04:05.678Z', logger: 'operator', message: 'reconcile failed', fields: {},
    });
  });

  it('near misses: a Java `Class:line - ` logger, an unknown one-letter level', () => {
    expect(detectLine('2021-02-26 06:43:06 INFO  AbstractOperator:318 - Reconciliation #4854(timer) Kafka(default/tom-kafka): reconciled').format).toBe('log4j');
    expect(detectLine('[X 2023-10-25 11:13:50.178 KubeController] x').format).toBe('unknown');
  });
});
