import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLine } from './index.js';
import { eventFromCells, eventRowAlone } from './kubectl-events.js';
import { parseResources, tablesIn } from './resources.js';

const REAL = join(import.meta.dirname, '../../../shared/real-data/kubernaut');
const CORPUS = join(import.meta.dirname, '../../test/real-world');

describe('kubectl-printed Events read back as Event objects', () => {
  it('a describe Events section (rabbitmq/cluster-operator#488): count from "(x107 …)", ages relative without a capture time', () => {
    const text = readFileSync(join(CORPUS, 'queue-leak/rabbitmq-replicaset-scc-forbidden/describe-replicaset.txt'), 'utf8');
    const r = tablesIn(text, 'describe.txt');
    expect(r.kind).toBe('events-table');
    expect(r.problems).toEqual([]);
    expect(r.objects).toEqual([
      {
        line: 4,
        partial: true,
        object: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: {},
          type: 'Warning',
          reason: 'FailedCreate',
          message: 'Error creating: pods "rabbitmq-cluster-operator-79888fd8c8-" is forbidden: unable to validate against any security context constraint: []',
          count: 107,
          source: { component: 'replicaset-controller' },
          table: {
            TYPE: 'Warning',
            REASON: 'FailedCreate',
            AGE: '74s (x107 over 9h)',
            FROM: 'replicaset-controller',
            MESSAGE: 'Error creating: pods "rabbitmq-cluster-operator-79888fd8c8-" is forbidden: unable to validate against any security context constraint: []',
            lastSeenSeconds: 74,
            firstSeenSeconds: 9 * 3600,
          },
        },
      },
    ]);
  });

  it('with a capture time, the ages become first and last timestamps ("over" is the age of the first time)', () => {
    const ev = eventFromCells({ TYPE: 'Warning', REASON: 'ErrInitIssuer', AGE: '2m41s (x44 over 3h12m)', FROM: 'cert-manager-issuers', MESSAGE: 'x' }, Date.parse('2024-01-29T12:00:00Z'));
    expect([ev?.count, ev?.firstTimestamp, ev?.lastTimestamp]).toEqual([44, '2024-01-29T08:48:00Z', '2024-01-29T11:57:19Z']);
  });

  it('the object a describe names above its Events section is what the events are about', () => {
    const text = 'Name:         web-7c54856575\nNamespace:    shop\nEvents:\n  Type     Reason        Age   From                   Message\n  ----     ------        ----  ----                   -------\n  Warning  FailedCreate  2m1s  replicaset-controller  Error creating: pods "web-7c54856575-7jqsn" is forbidden: exceeded quota\n';
    const [o] = tablesIn(text, 'd.txt').objects;
    expect(o?.object.involvedObject).toEqual({ name: 'web-7c54856575', namespace: 'shop' });
  });

  it('a `kubectl get events` row without its header (try-kubernetes#129): kind/name, type, reason', () => {
    const row = '4m38s       Normal   SuccessfulCreate          replicaset/nginx-deployment-7759cfdc55   Created pod: nginx-deployment-7759cfdc55-2xczh';
    expect(eventRowAlone(row)).toEqual({ 'LAST SEEN': '4m38s', TYPE: 'Normal', REASON: 'SuccessfulCreate', OBJECT: 'replicaset/nginx-deployment-7759cfdc55', MESSAGE: 'Created pod: nginx-deployment-7759cfdc55-2xczh' });
    expect(eventFromCells(eventRowAlone(row)!)?.involvedObject).toEqual({ kind: 'ReplicaSet', name: 'nginx-deployment-7759cfdc55' });
    // Not a row: a log line, a pod table row.
    expect(eventRowAlone('4m38s  info  started')).toBeUndefined();
    expect(eventRowAlone('web-1   1/1     Running   0          5m')).toBeUndefined();
  });

  it('the old `kubectl get events` columns (before 1.14): KIND and the event NAME give the object', () => {
    const text = 'LAST SEEN   FIRST SEEN   COUNT     NAME                                        KIND        SUBOBJECT   TYPE      REASON         SOURCE                 MESSAGE\n1h          1h           11        prometheus-node-exporter.154de828052b9931   DaemonSet               Warning   FailedCreate   daemonset-controller   Error creating: pods "prometheus-node-exporter-" is forbidden\n';
    const [o] = parseResources(text, 'events.txt').objects;
    expect([o?.object.involvedObject, o?.object.count, o?.object.source]).toEqual([{ kind: 'DaemonSet', name: 'prometheus-node-exporter' }, 11, { component: 'daemonset-controller' }]);
  });

  it('the indented lines of a describe Events section are table rows, not continuations of the line above', () => {
    for (const l of ['  Type     Reason        Age   From   Message', '  ----     ------        ----  ----   -------', '  Warning  FailedCreate  74s (x107 over 9h)  replicaset-controller  Error creating: x']) {
      expect(detectLine(l).format, l).toBe('unknown');
    }
    expect(detectLine('  Warning: this is a stack frame').format).toBe('continuation');
    expect(detectLine('        /usr/local/go/src/runtime/proc.go:250 +0x1d').format).toBe('continuation');
  });

  it('a row whose TYPE is not Normal or Warning is no Event', () => {
    expect(eventFromCells({ TYPE: 'Error', REASON: 'X', MESSAGE: 'y' })).toBeUndefined();
  });
});

describe.skipIf(!existsSync(REAL))('the real kubernaut events table (kubectl get events -o wide)', () => {
  it('rr-dedup-working-events.txt: six Events of one RemediationRequest, with source, count and times', () => {
    const r = parseResources(readFileSync(join(REAL, 'rr-dedup-working-events.txt'), 'utf8'), 'events.txt', { now: Date.parse('2026-10-02T00:50:00Z') });
    expect(r.kind).toBe('events-table');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => `${o.object.type} ${o.object.reason} ×${o.object.count} ${(o.object.source as { component: string }).component} ${o.object.lastTimestamp}`)).toEqual([
      'Normal RemediationCreated ×1 remediationorchestrator-controller 2026-10-02T00:45:36Z',
      'Normal PhaseTransition ×1 remediationorchestrator-controller 2026-10-02T00:45:36Z',
      'Normal PhaseTransition ×1 remediationorchestrator-controller 2026-10-02T00:45:36Z',
      'Normal PhaseTransition ×1 remediationorchestrator-controller 2026-10-02T00:46:45Z',
      'Normal NotificationCreated ×1 remediationorchestrator-controller 2026-10-02T00:48:54Z',
      'Warning RemediationFailed ×1 remediationorchestrator-controller 2026-10-02T00:48:54Z',
    ]);
  });
});
