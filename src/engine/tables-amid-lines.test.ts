// Tables of objects between log lines (`kubectl get` output pasted or collected into a log) are
// read as objects by the line stage, from the lines no log format took; the log lines around them
// stay log lines. Real excerpt: test/fixtures/tables-amid-logs (provenance in its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnalyzerDefinition } from '../analyzers/types.js';
import type { Event, LogEvent, ObjectEvent } from '../core/event.js';
import { newSink, runJob } from './line-job.js';
import { newTally, processChunk } from './line-stage.js';
import { analyzePaths } from './run.js';

const FILE = fileURLToPath(new URL('../../test/fixtures/tables-amid-logs/readiness.txt', import.meta.url));
const TEXT = readFileSync(FILE);

/**
 * Name and line of each object, in order: the deployments, the endpoints, and the pod row printed
 * without its header, which the reader takes as one more row of the table before it (one line
 * that does not fit, the `=== … ===` section line, does not end a table).
 */
const OBJECTS = [
  ['gateway', 3],
  ['fleetmetadatacache', 4],
  ['apifrontend', 5],
  ['authwebhook', 6],
  ['fleetmetadatacache-service', 9],
  ['authwebhook', 10],
  ['authwebhook-75699f564b-bg8zk', 12],
];

describe('tables amid log lines', () => {
  it('are read as objects; the log lines after them stay log lines', () => {
    const tally = newTally();
    const events: LogEvent[] = [];
    const objects: { name?: string; line?: number; table: Record<string, unknown> }[] = [];
    processChunk(TEXT, 1, {
      opts: { source: 'readiness.txt', referenceYear: 2026 },
      want: { all: false, minRank: 2 },
      tally,
      emit: (e) => events.push(e),
      emitObject: (o) => objects.push({ name: o.object.metadata?.name, line: o.line, table: o.object.table as Record<string, unknown> }),
    });
    expect(objects.map((o) => [o.name, o.line])).toEqual(OBJECTS);
    // A row keeps every column of its table.
    expect(objects[3]!.table).toEqual({
      NAME: 'authwebhook', READY: '0/1', 'UP-TO-DATE': '1', AVAILABLE: '0', AGE: '10h', ageSeconds: 36_000,
      CONTAINERS: 'authwebhook', IMAGES: 'quay.io/kubernaut-ai/authwebhook:1.6.0-rc20', SELECTOR: 'app=authwebhook',
    });
    // The zap JSON lines after the tables, as before.
    expect(events.filter((e) => e.format === 'zap-json').map((e) => [e.line, e.message])).toEqual([
      [14, 'cluster added'],
      [15, 'EAIGWRegistry started and synced'],
      [16, 'FMC ready'],
      [17, 'New cluster discovered, syncing immediately'],
    ]);
    // Two headers and seven rows are recognised as tables; the four section lines are not.
    expect(tally).toMatchObject({ lines: 17, recognised: 13, unparsed: 4, formats: { 'zap-json': 4, table: 9 } });
  });

  it('the same objects when a worker runs the chunk (numbered within it)', () => {
    const r = runJob({ id: 1, bytes: Buffer.from(TEXT), want: { all: false, minRank: 4 }, source: '', referenceYear: 2026 }, newSink());
    expect(r.objects?.map((o) => [o.object.metadata?.name, o.line])).toEqual(OBJECTS);
  });

  it('reach the analyzers as partial object snapshots of their file and line', async () => {
    const seen: Event[] = [];
    const collector: AnalyzerDefinition = {
      rule: 'duplicate-cr',
      consumes: ['object', 'log'],
      create: () => ({ onEvent: (e) => void seen.push(e), flush: () => [] }),
    };
    const { report } = await analyzePaths([FILE], { analyzers: [collector], generatedAt: new Date(0) });
    const objects = seen.filter((e): e is ObjectEvent => e.kind === 'object');
    expect(objects.map((e) => [e.object.metadata?.name, e.line])).toEqual(OBJECTS);
    expect(objects.every((e) => e.partial === true && e.change === 'snapshot' && e.source === FILE)).toBe(true);
    expect(report.inputs[0]).toMatchObject({ kind: 'log', format: 'table', lines: 17, recognised: 13, unparsed: 4 });
  });
});
