// Docker json-file envelope: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { wrapper } from './docker-json.js';

describe('Docker json-file envelope', () => {
  it('Loki\'s docs: plain text inside, the envelope\'s time', () => {
    expect(view(wrapper.samples[0]!)).toEqual({
      format: 'plain',
      wrapper: 'docker-json',
      level: 'unknown',
      time: '2019-04-30T02:12:41.844Z',
      message: 'log message',
      fields: {},
    });
  });

  it('the line inside is read in its own format, the envelope gives the time', () => {
    expect(view('{"log":"I0324 03:42:44.573965       1 httplog.go:90] POST /apis/apps/v1/namespaces/default/deployments: (13.177203ms) 201\\n","stream":"stderr","time":"2020-03-24T03:42:44.574561651Z"}')).toEqual({
      format: 'klog', wrapper: 'docker-json', level: 'info', time: '2020-03-24T03:42:44.573Z', caller: 'httplog.go:90',
      message: 'POST /apis/apps/v1/namespaces/default/deployments: (13.177203ms) 201', fields: {},
    });
  });

  it('near misses: JSON that is no envelope', () => {
    expect(detectLine('{"log":1,"time":"2020-03-24T03:42:44Z"}').wrapper).toBe('none');
    expect(detectLine('{"level":"info","msg":"x"}').wrapper).toBe('none');
  });
});
