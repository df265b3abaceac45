// Lines that continue a record (dumps, stack traces, `, Header: map[…]`) travel with the record's
// event: a detector matching `raw` sees them, evidence quoting `raw` shows them, and a keyword
// that only a continuation line holds makes the record wanted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHED_LINES, type LogEvent } from '../core/event.js';
import { parseLine } from '../parsers/index.js';
import { newTally, processChunk, type LineWant } from './line-stage.js';
import { analyzePaths } from './run.js';

const opts = { source: 'current.log', referenceYear: 2021 };

function run(text: string, want: LineWant) {
  const tally = newTally();
  const events: LogEvent[] = [];
  const out = processChunk(Buffer.from(text, 'utf8'), 1, { opts, want, tally, emit: (e) => events.push(e) });
  return { tally, events, out };
}

// ../shared/real-data/must-gather-metal.tar.xz (openshift/must-gather-clean test/files @ cb2f7e58),
// namespaces/openshift-network-operator/pods/network-operator-79b659c6bb-lzv42/network-operator/
// network-operator/logs/current.log, lines 72-78: a klog record and the YAML it dumped.
const NETWORK_OPERATOR = [
  '2021-09-14T14:12:49.581986787Z I0914 14:12:49.581975       1 log.go:184] Set ClusterOperator conditions:',
  '2021-09-14T14:12:49.581986787Z - lastTransitionTime: "2021-09-14T14:12:49Z"',
  '2021-09-14T14:12:49.581986787Z   message: No networks.operator.openshift.io cluster found',
  '2021-09-14T14:12:49.581986787Z   reason: NoOperConfig',
  '2021-09-14T14:12:49.581986787Z   status: "True"',
  '2021-09-14T14:12:49.581986787Z   type: Degraded',
  '2021-09-14T14:12:49.584664795Z I0914 14:12:49.584654       1 log.go:184] Set operator conditions:',
].join('\n');

describe('continuation lines', () => {
  it('go with their record: a keyword only the dump holds makes the record wanted, whole', () => {
    const { events, tally } = run(NETWORK_OPERATOR, { all: false, minRank: 4, groups: [{ keywords: ['NoOperConfig'] }] });
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({ line: 1, format: 'klog', level: 'info', message: 'Set ClusterOperator conditions:' });
    expect(e!.raw.split('\n')).toEqual(NETWORK_OPERATOR.split('\n').slice(0, 6));
    // Counted as before: one record, five continuations, the next record.
    expect(tally).toMatchObject({ lines: 7, recognised: 2, continuations: 5, unparsed: 0 });
  });

  it('the same events with the prefilter off: the record with its dump, then the next record', () => {
    const { events } = run(NETWORK_OPERATOR, { all: true, minRank: -1 });
    expect(events.map((e) => [e.line, e.message, e.raw.split('\n').length])).toEqual([
      [1, 'Set ClusterOperator conditions:', 6],
      [7, 'Set operator conditions:', 1],
    ]);
  });

  it('parseLine reads the first line of a record carrying its continuation', () => {
    const e = parseLine(NETWORK_OPERATOR.split('\n').slice(0, 4).join('\n'), 72, opts);
    expect(e).toMatchObject({ format: 'klog', message: 'Set ClusterOperator conditions:', time: Date.parse('2021-09-14T14:12:49.581975Z') });
    expect(e.raw.endsWith('  reason: NoOperConfig')).toBe(true);
  });

  it('are attached up to MAX_ATTACHED_LINES; later ones stay lines of their own', () => {
    const frames = Array.from({ length: MAX_ATTACHED_LINES + 3 }, (_, i) => `\t/go/src/app/file${i}.go:${i + 1} +0x1b`);
    const text = ['E0914 14:20:57.450115       1 main.go:38] Failed to start operator: leader election lost', ...frames].join('\n');
    const { events } = run(text, { all: true, minRank: -1 });
    expect(events.map((e) => [e.line, e.format, e.raw.split('\n').length])).toEqual([
      [1, 'klog', 1 + MAX_ATTACHED_LINES],
      [MAX_ATTACHED_LINES + 2, 'continuation', 1],
      [MAX_ATTACHED_LINES + 3, 'continuation', 1],
      [MAX_ATTACHED_LINES + 4, 'continuation', 1],
    ]);
  });

  it('an indented record pasted with a border is a record, not the continuation of the one before', () => {
    // test/real-world/neg/olm-csv-no-operatorgroups/olm-operator.log (operator-framework/operator-lifecycle-manager#1063).
    const text = readFileSync(new URL('../../test/real-world/neg/olm-csv-no-operatorgroups/olm-operator.log', import.meta.url), 'utf8');
    const { events, tally } = run(text, { all: true, minRank: -1 });
    expect(events.map((e) => [e.line, e.format, e.level, e.message])).toEqual([
      [1, 'logfmt', 'warning', 'csv in namespace with no operatorgroups'],
      [2, 'logfmt', 'info', 'operatorgroup incorrect'],
      [3, 'logfmt', 'info', 'not in operatorgroup namespace'],
    ]);
    expect(tally).toMatchObject({ recognised: 3, continuations: 0 });
  });

  it("show in a finding's evidence: the apiserver's `, Header: map[…]` line with its failure", async () => {
    // test/real-world/queue-leak/metrics-server-aggregator-unreachable (kubernetes-sigs/metrics-server#157).
    const path = new URL('../../test/real-world/queue-leak/metrics-server-aggregator-unreachable/kube-apiserver.log', import.meta.url).pathname;
    const { report } = await analyzePaths([path], { generatedAt: new Date(0) });
    const f = report.findings.find((x) => x.rule === 'queue-leak');
    expect(f?.subject.name).toBe('v1beta1.metrics.k8s.io');
    expect(f!.evidence[0]!.text).toBe(
      'E1012 08:23:25.282353       1 controller.go:111] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: service unavailable\n' +
        ', Header: map[Content-Type:[text/plain; charset=utf-8] X-Content-Type-Options:[nosniff]]',
    );
  });
});
