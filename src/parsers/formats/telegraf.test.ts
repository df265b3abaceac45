// telegraf: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { samples } from './telegraf.js';

describe('telegraf', () => {
  it('E! with a plugin: the plugin is the logger', () => {
    expect(view(samples[0]!)).toEqual({
      format: 'telegraf',
      wrapper: 'timestamp',
      level: 'error',
      time: '2020-05-26T11:13:11.000Z',
      logger: 'inputs.kibana',
      message: 'Error in plugin: Unable to list',
      fields: {},
    });
  });

  it('I! [agent]', () => {
    expect(view(samples[1]!)).toEqual({
      format: 'telegraf',
      wrapper: 'timestamp',
      level: 'info',
      time: '2020-05-26T11:13:01.000Z',
      logger: 'agent',
      message: 'Config: Interval:15s, Quiet:false, Hostname:"kibana-85f86c6778-fg92m", Flush Interval:10s',
      fields: {},
    });
  });

  it('a Go `log` stamp (telegraf 1.3)', () => {
    expect(view(samples[2]!)).toEqual({
      format: 'telegraf',
      wrapper: 'none',
      level: 'error',
      time: '2017-07-18T13:02:42.000Z',
      message: 'ERROR in input [inputs.exec]: Errors encountered: [unable to parse \'400 Error\': invalid field format], [unable to parse \'400 Error\': invalid field format], [unable to parse \'400 Error\': invalid field format]',
      fields: {},
    });
  });

  it('no stamp: no time', () => {
    expect(view(samples[3]!)).toEqual({
      format: 'telegraf',
      wrapper: 'none',
      level: 'debug',
      logger: 'inputs.influxdb',
      message: 'Error in plugin: [url=http://wrong.local:8086/debug/vars]: Get http://wrong.local:8086/debug/vars: dial tcp: lookup wrong.local: no such host',
      fields: {},
    });
  });

  it('near misses: no `!`, another letter, no space after it', () => {
    expect(detectLine('2020-05-26T11:13:11Z E [inputs.kibana]: x').format).toBe('plain');
    expect(detectLine('2020-05-26T11:13:11Z A! [inputs.kibana]: x').format).toBe('plain');
    expect(detectLine('E!x').format).toBe('unknown');
  });
});
