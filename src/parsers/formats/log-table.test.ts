// A log viewer's table rows (time | columns | line): the module's real line (provenance beside it in
// the module), parsed whole — format, wrapper, level, time, origin, message and fields, exactly.
// Near misses must not be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { wrapper } from './log-table.js';

describe("a log viewer's table rows", () => {
  it('cert-manager: time | node | container | klog line', () => {
    expect(view(wrapper.samples[0]!)).toEqual({
      format: 'klog',
      wrapper: 'log-table',
      level: 'info',
      time: '2020-05-18T08:10:03.095Z',
      origin: 'cert-manager-controller',
      caller: 'controller.go:144',
      logger: 'cert-manager/controller/certificates',
      message: 'finished processing work item',
      fields: { key: 'default/dada-card.com' },
    });
  });

  it('takes the columns only before a log record: a message that holds " | " stays whole', () => {
    expect(detectLine('2020-05-18T08:10:03.097Z | a table of results | 3 rows').wrapper).not.toBe('log-table');
    expect(detectLine('2020-05-18T08:10:03.097Z | node-1 | app | just some words').wrapper).not.toBe('log-table');
    // The Markdown separator row is no record.
    expect(detectLine('-- | -- | -- | --').wrapper).not.toBe('log-table');
  });

  it('reads JSON and logfmt records behind the columns too', () => {
    const json = view('2024-03-01T10:00:00.000Z | web-7d9f | {"level":"error","ts":"2024-03-01T10:00:00.000Z","msg":"Reconciler error","name":"a","namespace":"b"}');
    expect([json.wrapper, json.format, json.origin, json.level, json.message]).toEqual(['log-table', 'zap-json', 'web-7d9f', 'error', 'Reconciler error']);
    const logfmt = view('2024-03-01T10:00:00.000Z | ip-10-0-0-1 | argocd-application-controller | time="2024-03-01T10:00:00Z" level=info msg="Refreshing app status" application=guestbook');
    expect([logfmt.wrapper, logfmt.format, logfmt.origin, logfmt.message]).toEqual(['log-table', 'logfmt', 'argocd-application-controller', 'Refreshing app status']);
  });
});
