// logrus text (terminal layout): the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './logrus.js';

describe('logrus text (terminal layout)', () => {
  it('operator-sdk: padding trimmed', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'logrus',
      wrapper: 'none',
      level: 'info',
      message: 'Running the operator locally in namespace bdunne-miq.',
      fields: {},
    });
  });

  it('Docker daemon', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'logrus',
      wrapper: 'none',
      level: 'info',
      message: 'GET /v1.18/containers/json?all=1',
      fields: {},
    });
  });

  it('pinact: fields after the padded message, empty values kept', () => {
    expect(view(samples[2]!)).toEqual({
      format: 'logrus',
      wrapper: 'none',
      level: 'error',
      message: 'parse a line',
      fields: {
        action: 'actions/checkout@v2',
        error: 'action isn\'t pinned',
        pinact_version: '',
        program: 'pinact',
        workflow_file: 'testdata/foo.yaml',
      },
    });
  });

  it("logrus's other text layout is logfmt (https://github.com/kubernetes/kubernetes/issues/23556, /var/log/docker.log)", () => {
    const ev = parseLine('time="2016-03-30T03:55:38.740313086Z" level=error msg="Handler for POST /containers/create returned error: sql: database is closed" ', 1, { source: 't', referenceYear: 2026 });
    expect([ev.format, ev.level, ev.message, new Date(ev.time!).toISOString()]).toEqual([
      'logfmt', 'error', 'Handler for POST /containers/create returned error: sql: database is closed', '2016-03-30T03:55:38.740Z',
    ]);
  });

  it('FullTimestamp: the time in the bracket', () => {
    expect(view('WARN[2024-01-02T03:04:05Z] disk almost full                         free=3%')).toEqual({
      format: 'logrus', wrapper: 'none', level: 'warning', time: '2024-01-02T03:04:05.000Z', message: 'disk almost full', fields: { free: '3%' },
    });
  });

  it('near misses: not four letters, a space before the bracket, no bracket', () => {
    expect(detectLine('INF[0000] x').format).not.toBe('logrus');
    expect(detectLine('INFO [0000] x').format).not.toBe('logrus');
    expect(detectLine('INFO x').format).not.toBe('logrus');
  });
});
