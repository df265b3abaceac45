// The JSON reporter in pieces: scan and check write it a piece at a time, and what they write is
// the same text as the whole document, redacted the same way.
import { describe, expect, it } from 'vitest';
import type { InputReport } from '../core/finding.js';
import { DUPLICATE, QUEUE_LEAK, reportOf } from '../../test/fixtures/reports.js';
import { renderReport, renderReportChunks } from './index.js';
import { renderJson, renderJsonChunks } from './json.js';

/** A must-gather's report: thousands of inputs, one with a password in its name and a problem. */
const inputs: InputReport[] = Array.from({ length: 3000 }, (_, i) => ({
  source: `must-gather/namespaces/ns-${i}/pods/p-${i}/c/c/logs/current.log`,
  kind: 'log',
  format: i % 2 ? 'klog' : 'empty',
  lines: i,
  unparsed: 0,
  problems: i === 7 ? ['line 2: cannot decode "tab\there", 😀 and\nnewline'] : [],
}));
inputs.push({ source: 'https://loki:s3cretPw@logs.example.com/loki', kind: 'log', format: 'klog', lines: 3, unparsed: 0, problems: [] });
const report = reportOf([QUEUE_LEAK, DUPLICATE], { inputs, problems: [] });

describe('renderJsonChunks', () => {
  it('gives renderJson’s text in pieces of about 64 KiB', () => {
    const chunks = [...renderJsonChunks(report)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(renderJson(report));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
    const small = reportOf([]);
    expect([...renderJsonChunks(small)].join('')).toBe(renderJson(small));
  });

  it('redacts as renderReport does, and leaves the text alone with --no-redact', () => {
    const masked = [...renderReportChunks('json', report)].join('');
    expect(masked).toBe(renderReport('json', report));
    expect(masked).not.toContain('s3cretPw');
    expect([...renderReportChunks('json', report, { redact: false })].join('')).toBe(renderReport('json', report, { redact: false }));
    expect([...renderReportChunks('text', report, { width: 100 })].join('')).toBe(renderReport('text', report, { width: 100 }));
  });
});
