// Rust's env_logger: the module's real line (provenance beside it in the module), parsed whole —
// format, level, time, logger and message, exactly — and lines of other bracketed formats that
// must not be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './env-logger.js';

describe("Rust's env_logger", () => {
  it('env_logger\'s own example: time, a padded level, the target as the logger', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'env-logger',
      wrapper: 'none',
      level: 'info',
      time: '2018-11-03T06:09:06.000Z',
      logger: 'default',
      message: 'starting up',
      fields: {},
    });
  });

  it('reads every level and a target with a module path', () => {
    expect(view('[2018-11-03T06:09:06Z ERROR my_operator::controller] reconcile failed: ApiError: Forbidden')).toMatchObject({
      format: 'env-logger', level: 'error', logger: 'my_operator::controller', message: 'reconcile failed: ApiError: Forbidden',
    });
    expect(detectLine('[2018-11-03T06:09:06Z WARN  kube::runtime] x').level).toBe('warning');
    expect(detectLine('[2018-11-03T06:09:06.123Z DEBUG a] x').level).toBe('debug');
    expect(detectLine('[2018-11-03T06:09:06Z TRACE a] x').level).toBe('trace');
  });

  it("leaves kopf's and Kafka's bracketed dates, and brackets around words, to their formats", () => {
    expect(detectLine('[2019-11-04 17:49:25,650] kopf.objects         [DEBUG   ] [default/kopf-example-1] Resuming is in progress: ...').format).not.toBe('env-logger');
    expect(detectLine('[2024-01-01 12:00:00,123] INFO Kafka version: 3.6.0 (org.apache.kafka.common.utils.AppInfoParser)').format).not.toBe('env-logger');
    expect(detectLine('[2018-11-03T06:09:06Z NOTICE a] x').format).not.toBe('env-logger');
    expect(detectLine('[2018-11-03T06:09:06Z INFO  a b] x').format).not.toBe('env-logger');
  });
});
