import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAge, parseResources, slimObjects, sniffResources } from './resources.js';

const REAL = join(import.meta.dirname, '../../../shared/real-data/kubernaut');

describe('parseResources: manifests', () => {
  it('reads multi-document YAML with the line each object starts on', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: a',
      '  namespace: ns1',
      '---',
      '# a comment',
      'apiVersion: kubernaut.ai/v1alpha1',
      'kind: RemediationRequest',
      'metadata:',
      '  name: rr-1',
      'status:',
      '  overallPhase: Failed',
      '',
    ].join('\n');
    const r = parseResources(text, 'dump.yaml');
    expect(r.kind).toBe('manifests');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.object.kind, o.object.metadata?.name, o.line, o.partial])).toEqual([
      ['ConfigMap', 'a', 1, undefined],
      ['RemediationRequest', 'rr-1', 8, undefined],
    ]);
    expect(r.objects[1]!.object.status).toEqual({ overallPhase: 'Failed' });
  });

  it('unwraps kind: List and *List with one line per item', () => {
    const text = [
      'apiVersion: v1',
      'kind: RemediationRequestList',
      'items:',
      '- apiVersion: kubernaut.ai/v1alpha1',
      '  kind: RemediationRequest',
      '  metadata: {name: rr-a}',
      '- apiVersion: kubernaut.ai/v1alpha1',
      '  kind: RemediationRequest',
      '  metadata: {name: rr-b}',
    ].join('\n');
    const r = parseResources(text, 'list.yaml');
    expect(r.objects.map((o) => [o.object.metadata?.name, o.line])).toEqual([
      ['rr-a', 4],
      ['rr-b', 7],
    ]);
  });

  it('reads a JSON List and a single JSON object; the line is that of metadata.name', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p1' } }, { kind: 'Pod', metadata: { name: 'p2' } }] }, null, 2);
    const r = parseResources(list, 'pods.json');
    expect(r.kind).toBe('manifests');
    expect(r.objects.map((o) => [o.object.metadata?.name, o.line])).toEqual([
      ['p1', 8],
      ['p2', 14],
    ]);
    const one = parseResources('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"solo"}}', 'pod.json');
    expect(one.objects.map((o) => [o.object.metadata?.name, o.line])).toEqual([['solo', 1]]);
  });

  it('keeps the readable documents when one YAML document is broken, and never throws', () => {
    const text = 'kind: Pod\nmetadata:\n  name: ok\n---\nkind: Pod\nmetadata: [unclosed\n---\nkind: Pod\nmetadata:\n  name: ok2\n';
    const r = parseResources(text, 'mixed.yaml');
    expect(r.objects.map((o) => o.object.metadata?.name)).toEqual(['ok', 'ok2']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^mixed\.yaml:\d+: YAML document skipped: /);
  });

  it('finds List item lines past comments, in CRLF files and in flow documents', () => {
    const text = [
      '# kubectl get pods -o yaml',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  # the first pod',
      '  - kind: Pod',
      '    metadata: {name: p1}',
      '',
      '  - kind: Pod',
      '    metadata:',
      '      name: p2',
      '--- {kind: ConfigMap, metadata: {name: cm}}',
    ].join('\r\n');
    const r = parseResources(text, 'pods.yaml');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.object.kind, o.object.metadata?.name, o.line])).toEqual([
      ['Pod', 'p1', 6],
      ['Pod', 'p2', 9],
      ['ConfigMap', 'cm', 12],
    ]);
  });

  it('keeps timestamps as strings and takes the last of duplicated keys', () => {
    const r = parseResources('kind: Pod\nmetadata:\n  name: a\n  name: b\n  creationTimestamp: 2026-11-20T08:00:00Z\n', 'pod.yaml');
    expect(r.objects.map((o) => o.object.metadata)).toEqual([{ name: 'b', creationTimestamp: '2026-11-20T08:00:00Z' }]);
  });

  it('reads each aliased list once: an alias bomb yields its few objects, not billions', () => {
    // Level k is three aliases of level k-1: walked naively, 3^40 visits.
    const levels = ['- &l0 [{kind: Pod, metadata: {name: p0}}, {kind: Pod, metadata: {name: p1}}]'];
    for (let k = 1; k <= 40; k++) levels.push(`- &l${k} [*l${k - 1}, *l${k - 1}, *l${k - 1}]`);
    const r = parseResources(levels.join('\n'), 'bomb.yaml');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => o.object.metadata?.name)).toEqual(['p0', 'p1']);
  });

  it('slimObjects keeps the kinds asked for whole and cuts the others to apiVersion, kind, name, namespace', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Event',
      '  metadata: {name: e1, namespace: ns, uid: u1, creationTimestamp: "2026-11-20T08:00:00Z"}',
      '  reason: Scheduled',
      '  message: a long message nobody reads',
      '- apiVersion: kubernaut.ai/v1alpha1',
      '  kind: RemediationRequest',
      '  metadata: {name: rr-1, namespace: ns}',
      '  spec: {signalFingerprint: abc}',
      '- kind: Node',
      '  metadata: {name: n1}',
      '  status: {capacity: {cpu: "4"}}',
      '- apiVersion: v1',
      '  kind: Secret',
    ].join('\n');
    const parsed = parseResources(text, 'dump.yaml');
    const slim = slimObjects(parsed, new Set(['remediationrequest']));
    expect(slim.problems).toEqual(parsed.problems);
    expect(slim.objects).toEqual([
      { object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'ns' } }, line: 4 },
      parsed.objects[1],
      { object: { kind: 'Node', metadata: { name: 'n1' } }, line: 13 },
      { object: { apiVersion: 'v1', kind: 'Secret' }, line: 16 },
    ]);
  });

  it('reports text that is neither YAML objects nor a table', () => {
    expect(parseResources('', 'empty.yaml')).toEqual({ objects: [], problems: ['empty.yaml: empty file'], kind: 'unknown' });
    const r = parseResources('just some words\nand more\n', 'notes.txt');
    expect(r.objects).toEqual([]);
    expect(r.kind).toBe('unknown');
    expect(r.problems).toEqual(['notes.txt:1: not a Kubernetes object, skipped']);
  });
});

describe('parseResources: kubectl tables', () => {
  const table = [
    'NAMESPACE          NAME                       PHASE       OUTCOME      AGE',
    'kubernaut-system   rr-2bf3a5781f9d-3d5c6ebd   Failed                   174m',
    'kubernaut-system   rr-2bf3a5781f9d-7092189b   Blocked                  39m',
    'kubernaut-system   rr-7f1635052972-b4f2963f   Completed   Remediated   4h26m',
  ].join('\n');

  it('turns rows into partial objects: kind from the printer columns, phase, namespace, age → creationTimestamp', () => {
    const now = Date.parse('2026-10-02T00:00:00Z');
    const r = parseResources(table, 'out.txt', { now });
    expect(r.kind).toBe('table');
    expect(r.problems).toEqual([]);
    expect(r.objects).toEqual([
      {
        line: 2,
        partial: true,
        object: {
          apiVersion: 'kubernaut.ai/v1alpha1',
          kind: 'RemediationRequest',
          metadata: { name: 'rr-2bf3a5781f9d-3d5c6ebd', namespace: 'kubernaut-system', creationTimestamp: '2026-10-01T21:06:00Z' },
          status: { overallPhase: 'Failed' },
          table: { NAMESPACE: 'kubernaut-system', NAME: 'rr-2bf3a5781f9d-3d5c6ebd', PHASE: 'Failed', OUTCOME: '', AGE: '174m', ageSeconds: 10440 },
        },
      },
      expect.objectContaining({ line: 3 }),
      expect.objectContaining({ line: 4 }),
    ]);
    expect(r.objects[2]!.object.status).toEqual({ overallPhase: 'Completed' });
    expect(r.objects[2]!.object.metadata?.creationTimestamp).toBe('2026-10-01T19:34:00Z');
  });

  it('without a reference time keeps only the relative age', () => {
    const r = parseResources(table, 'out.txt');
    expect(r.objects[0]!.object.metadata).toEqual({ name: 'rr-2bf3a5781f9d-3d5c6ebd', namespace: 'kubernaut-system' });
    expect((r.objects[0]!.object.table as Record<string, unknown>).ageSeconds).toBe(10440);
  });

  it('takes the kind from `resource.group/name` rows or from the file name', () => {
    const multi = 'NAME                                                      AGE\nremediationrequest.kubernaut.ai/rr-aaaaaaaaaaaa-11111111   5m\ndeployment.apps/web                                       2d\n';
    const r = parseResources(multi, 'all.txt');
    expect(r.objects.map((o) => [o.object.kind, o.object.apiVersion, o.object.metadata?.name])).toEqual([
      ['RemediationRequest', 'kubernaut.ai/v1alpha1', 'rr-aaaaaaaaaaaa-11111111'],
      ['deployment', 'apps', 'web'],
    ]);
    const byFile = parseResources('NAME                       AGE\nrr-aaaaaaaaaaaa-11111111   5m\n', 'hub/remediationrequests.txt');
    expect(byFile.objects[0]!.object.kind).toBe('RemediationRequest');
  });

  it('recognises an events table and skips it with a note', () => {
    const ev = 'LAST SEEN   TYPE      REASON               OBJECT                   MESSAGE\n4m24s       Normal    RemediationCreated   remediationrequest/rr-1   accepted\n';
    expect(parseResources(ev, 'events.txt')).toEqual({
      objects: [],
      problems: ['events.txt: events table: skipped (events are not analysed from tables; use `kubectl get events -o yaml` for object-level detail)'],
      kind: 'events-table',
    });
  });

  it('counts rows that do not line up instead of guessing', () => {
    const r = parseResources('NAME    PHASE\nrr-1    Failed\nthis row has far too many words in it\n', 't.txt');
    expect(r.objects.map((o) => o.object.metadata?.name)).toEqual(['rr-1']);
    expect(r.problems).toEqual(['t.txt: 1 table row(s) did not line up with the header and were skipped']);
  });
});

describe('parseAge', () => {
  it.each([
    ['66s', 66],
    ['4m24s', 264],
    ['3h1m', 10860],
    ['5d', 432000],
    ['2y3d', 2 * 365 * 86400 + 3 * 86400],
    ['<unknown>', undefined],
    ['', undefined],
  ])('%s → %s', (s, want) => expect(parseAge(s)).toBe(want));
});

describe('sniffResources', () => {
  it.each([
    ['apiVersion: v1\nkind: Pod\n', 'x', true],
    ['---\napiVersion: v1\n', 'x', true],
    ['{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": []\n}', 'x.json', true],
    ['NAME    READY   STATUS\nweb-1   1/1     Running\n', 'pods.txt', true],
    ['LAST SEEN   TYPE     REASON\n', 'events.txt', true],
    ['{"level":"info","ts":"2026-10-02T22:07:05.694Z","msg":"Incoming request"}\n', 'gw.log', false],
    ['I1002 10:00:00.000000       1 main.go:1] "hello"\n', 'x.log', false],
    ['2025-11-02T10:32:57.784730516Z 2025/11/02 10:32:57 INFO Starting server addr=:8080\n', 'x.log', false],
  ])('%j (%s) → %s', (head, name, want) => expect(sniffResources(head, name)).toBe(want));
});

describe.skipIf(!existsSync(REAL))('parseResources on the real kubernaut evidence', () => {
  it('rr-dedup-working.yaml: one RemediationRequest with its fingerprint and phase', () => {
    const r = parseResources(readFileSync(join(REAL, 'rr-dedup-working.yaml'), 'utf8'), 'rr-dedup-working.yaml');
    expect(r.problems).toEqual([]);
    expect(r.objects).toHaveLength(1);
    const o = r.objects[0]!.object;
    expect([o.kind, o.metadata?.name, o.spec?.signalFingerprint, o.status?.overallPhase]).toEqual([
      'RemediationRequest',
      'rr-4309bc63be09-59d3c641',
      '4309bc63be0928489c55f1846a36c4cc92435f5e9dd6b1fe9cb4e27dbdfb1040',
      'Failed',
    ]);
  });

  it('rr-dedup-working-events.txt: an events table, skipped with a note', () => {
    const r = parseResources(readFileSync(join(REAL, 'rr-dedup-working-events.txt'), 'utf8'), 'events.txt');
    expect(r.kind).toBe('events-table');
    expect(r.objects).toEqual([]);
    expect(r.problems[0]).toContain('events table: skipped');
  });

  it('rr-recreated-after-terminal.txt: ten rows of the -o wide table with their phases', () => {
    const r = parseResources(readFileSync(join(REAL, 'rr-recreated-after-terminal.txt'), 'utf8'), 'remediationrequests.txt');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => `${o.object.metadata?.name} ${o.object.status?.overallPhase}`)).toEqual([
      'rr-2bf3a5781f9d-3d5c6ebd Failed',
      'rr-2bf3a5781f9d-3dc16f2b Failed',
      'rr-2bf3a5781f9d-6513b6fa Failed',
      'rr-2bf3a5781f9d-7092189b Blocked',
      'rr-2bf3a5781f9d-98b9507e TimedOut',
      'rr-2bf3a5781f9d-a70a09f3 TimedOut',
      'rr-7f1635052972-0a08bdf0 Completed',
      'rr-7f1635052972-b2a6da7f Failed',
      'rr-7f1635052972-b4f2963f Completed',
      'rr-83590664d599-85a38d73 Failed',
    ]);
    const t = r.objects[3]!.object.table as Record<string, unknown>;
    expect([t['SIGNAL NS'], t['RCA TARGET'], t.AGE]).toEqual(['demo-shipping', '', '39m']);
  });
});
