// log4j / logback / Quarkus layouts: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './log4j.js';

describe('log4j / logback / Quarkus layouts', () => {
  it('Strimzi: Class:line - message', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'log4j',
      wrapper: 'none',
      level: 'info',
      time: '2021-02-26T06:43:06.000Z',
      logger: 'AbstractOperator',
      caller: 'AbstractOperator:318',
      message: 'Reconciliation #4854(timer) Kafka(default/tom-kafka): reconciled',
      fields: { reconciliation: '4854', trigger: 'timer', kind: 'Kafka', namespace: 'default', name: 'tom-kafka' },
    });
  });

  it("Strimzi's reconciliation prefix names the reconciliation and its object; other messages keep no such fields", () => {
    // https://github.com/strimzi/strimzi-kafka-operator/issues/10576 (description by wSedlacek, 2024-09-12).
    const watch = view('2024-09-12 19:26:30 INFO  CrdOperator:123 - Reconciliation #4622(watch) Kafka(prod/eventing): Status of Kafka eventing in namespace prod has been updated');
    expect(watch.fields).toEqual({ reconciliation: '4622', trigger: 'watch', kind: 'Kafka', namespace: 'prod', name: 'eventing' });
    expect(watch.message).toBe('Reconciliation #4622(watch) Kafka(prod/eventing): Status of Kafka eventing in namespace prod has been updated');
    // https://github.com/strimzi/strimzi-kafka-operator/issues/2715 (comment by carlobongiovanni, 2020-03-19).
    expect(view('2020-03-19 08:35:36 INFO  ClusterOperator:125 - Triggering periodic reconciliation for namespace *...').fields).toEqual({});
    expect(view('2020-03-19 08:35:36 INFO  ClusterOperator:125 - Reconciliation #35 started').fields).toEqual({});
  });

  it('log4j %d %p %c:%L - %m', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'log4j',
      wrapper: 'none',
      level: 'error',
      time: '2019-04-26T21:31:26.355Z',
      logger: 'org.apache.kafka.connect.runtime.WorkerSinkTask',
      caller: 'org.apache.kafka.connect.runtime.WorkerSinkTask:261',
      message: 'WorkerSinkTask{id=foobar-4} Commit of offsets threw an unexpected exception for sequence number 29: {foobar-topic-7=OffsetAndMetadata{offset=288227113, leaderEpoch=null, metadata=\'\'}}',
      fields: {},
    });
  });

  it('Quarkus (JOSDK): [logger] (thread)', () => {
    expect(view(samples[2]!)).toEqual({
      format: 'log4j',
      wrapper: 'none',
      level: 'error',
      time: '2023-01-02T18:00:49.355Z',
      logger: 'io.jav.ope.pro.eve.ReconciliationDispatcher',
      message: 'Error during event processing ExecutionScope{ resource id: ResourceID{name=\'teis-app-proactivanet\', namespace=\'teis-proactivanet-soriana-demo\'}, version: 803492499} failed.: io.javaoperatorsdk.operator.AggregatedOperatorException: Exception(s) during workflow execution. Details:',
      fields: { thread: 'ReconcilerExecutor-teis-app-controller-287' },
    });
  });

  it('logback default: no date, thread field', () => {
    expect(view(samples[3]!)).toEqual({
      format: 'log4j',
      wrapper: 'none',
      level: 'info',
      logger: 'c.h.p.o.h.HiveMQPlatformReconcilerRollingRestartHandler',
      message: '[operator] Stopping surge Pod',
      fields: { thread: 'ReconcilerExecutor-hivemq-controller-524' },
    });
  });

  it('Kafka Connect: [date] LEVEL msg (logger:line)', () => {
    expect(view(samples[4]!)).toEqual({
      format: 'log4j',
      wrapper: 'none',
      level: 'info',
      time: '2023-05-01T22:47:59.990Z',
      logger: 'org.apache.kafka.connect.runtime.WorkerSinkTask',
      caller: 'org.apache.kafka.connect.runtime.WorkerSinkTask:310',
      message: 'WorkerSinkTask{id=http-sink-0} Sink task finished initialization and start',
      fields: {},
    });
  });

  it('near misses: Python layouts, zap console with its tabs turned into spaces, zerolog levels', () => {
    expect(detectLine('2021-09-14 14:27:26,598 INFO     tuned.daemon.application: dynamic tuning is globally disabled').format).toBe('python');
    expect(detectLine('2019-06-27T10:45:49.713Z        INFO    cluster Reconciling Cluster').format).toBe('zap-console');
    expect(detectLine('2021-08-19 13:31:30 ERR something').format).toBe('unknown');
    expect(detectLine('11:20:19.705 INFO x').format).toBe('unknown');
  });
});
