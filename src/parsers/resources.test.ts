import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listHeader, parseAge, parseResources, resourceEvents, slimObjects, sniffResources, TableReader, tablesIn } from './resources.js';

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
      ['Deployment', 'apps/v1', 'web'],
    ]);
    const byFile = parseResources('NAME                       AGE\nrr-aaaaaaaaaaaa-11111111   5m\n', 'hub/remediationrequests.txt');
    expect(byFile.objects[0]!.object.kind).toBe('RemediationRequest');
  });

  it('reads an events table as Event objects', () => {
    const ev = 'LAST SEEN   TYPE      REASON               OBJECT                    MESSAGE\n4m24s       Normal    RemediationCreated   remediationrequest/rr-1   accepted\n';
    expect(parseResources(ev, 'events.txt')).toEqual({
      objects: [
        {
          line: 2,
          partial: true,
          object: {
            apiVersion: 'v1',
            kind: 'Event',
            metadata: {},
            involvedObject: { kind: 'remediationrequest', name: 'rr-1' },
            type: 'Normal',
            reason: 'RemediationCreated',
            message: 'accepted',
            count: 1,
            table: { 'LAST SEEN': '4m24s', TYPE: 'Normal', REASON: 'RemediationCreated', OBJECT: 'remediationrequest/rr-1', MESSAGE: 'accepted', lastSeenSeconds: 264, firstSeenSeconds: 264 },
          },
        },
      ],
      problems: [],
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
    // A JSON array of manifests, a table behind a `[user@host dir]$` prompt, a log with bracketed stamps.
    ['[\n  {"apiVersion": "v1", "kind": "Pod"}\n]', 'x.json', true],
    ['[sre@bastion graph]$ argo list\nNAME                 STATUS    AGE\nnightly-x7k2p        Running   21s\n', 'wf.txt', true],
    ['[2026-11-20 10:00:00] INFO started\n', 'x.log', false],
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

  it('rr-dedup-working-events.txt: an events table, read as six Events (details in kubectl-events.test.ts)', () => {
    const r = parseResources(readFileSync(join(REAL, 'rr-dedup-working-events.txt'), 'utf8'), 'events.txt');
    expect(r.kind).toBe('events-table');
    expect(r.objects.map((o) => o.object.kind)).toEqual(['Event', 'Event', 'Event', 'Event', 'Event', 'Event']);
    expect(r.problems).toEqual([]);
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

describe('tables inside pasted text (TableReader, tablesIn)', () => {
  // inquisitivefrog/kubernetes:control-panel/kube-apiserver/README.kube-apiserver.plugins.txt@824e58339a21a9e28623212b495fd55bd5c8637e
  // (the whole file): a `kubectl get pods -A -o wide` table, then `kubectl logs` of the apiserver, then prose.
  const wide = [
    '',
    'sre@k8s-controller-01:~$ kubectl get pods --all-namespaces=true -o wide',
    'NAMESPACE     NAME                                        READY   STATUS    RESTARTS       AGE   IP              NODE                NOMINATED NODE   READINESS GATES',
    'kube-system   coredns-5dd5756b68-2zrhr                    0/1     Pending   0              20h   <none>          <none>              <none>           <none>',
    'kube-system   coredns-5dd5756b68-wcs5x                    0/1     Pending   0              20h   <none>          <none>              <none>           <none>',
    'kube-system   etcd-k8s-controller-01                      1/1     Running   1 (120m ago)   20h   192.168.1.105   k8s-controller-01   <none>           <none>',
    'kube-system   kube-apiserver-k8s-controller-01            1/1     Running   1 (120m ago)   20h   192.168.1.105   k8s-controller-01   <none>           <none>',
    'kube-system   kube-controller-manager-k8s-controller-01   1/1     Running   1 (120m ago)   20h   192.168.1.105   k8s-controller-01   <none>           <none>',
    'kube-system   kube-proxy-p4jmn                            1/1     Running   1 (120m ago)   20h   192.168.1.105   k8s-controller-01   <none>           <none>',
    'kube-system   kube-scheduler-k8s-controller-01            1/1     Running   1 (120m ago)   20h   192.168.1.105   k8s-controller-01   <none>           <none>',
    '',
    'sre@k8s-controller-01:~$ kubectl --namespace=kube-system logs kube-apiserver-k8s-controller-01 --container=kube-apiserver',
    'I1025 16:06:02.224736       1 options.go:220] external host was not specified, using 192.168.1.105',
    'I1025 16:06:02.237575       1 server.go:148] Version: v1.28.15',
    'I1025 16:06:02.237647       1 server.go:150] "Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""',
    'I1025 16:06:03.201043       1 shared_informer.go:311] Waiting for caches to sync for node_authorizer',
    'I1025 16:06:03.237813       1 plugins.go:158] Loaded 12 mutating admission controller(s) successfully in the following order: NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,TaintNodesByCondition,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,RuntimeClass,DefaultIngressClass,MutatingAdmissionWebhook.',
    'I1025 16:06:03.238497       1 plugins.go:161] Loaded 13 validating admission controller(s) successfully in the following order: LimitRanger,ServiceAccount,PodSecurity,Priority,PersistentVolumeClaimResize,RuntimeClass,CertificateApproval,CertificateSigning,ClusterTrustBundleAttest,CertificateSubjectRestriction,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota.',
    '',
    'Plug-Ins',
    '--------',
    '01. LimitRanger',
    '02. ServiceAccount',
    '03. PodSecurity',
    '04. Priority',
    '05. PersistentVolumeClaimResize',
    '06. RuntimeClass',
    '07. CertificateApproval',
    '08. CertificateSigning',
    '09. ClusterTrustBundleAttest',
    '10. CertificateSubjectRestriction',
    '11. ValidatingAdmissionPolicy',
    '12. ValidatingAdmissionWebhook',
    '13. ResourceQuota',
    '',
  ].join('\n');

  it('a -o wide table after a prompt: Pods with namespace, phase and every cell; the klog lines after it stay log lines', () => {
    expect(sniffResources(wide, 'README.kube-apiserver.plugins.txt')).toBe(true);
    const now = Date.parse('2024-10-26T12:00:00Z');
    const r = parseResources(wide, 'README.kube-apiserver.plugins.txt', { now });
    expect(r.kind).toBe('table');
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.line, o.object.kind, o.object.apiVersion, o.object.metadata?.namespace, o.object.metadata?.name, o.object.status?.phase])).toEqual([
      [4, 'Pod', 'v1', 'kube-system', 'coredns-5dd5756b68-2zrhr', 'Pending'],
      [5, 'Pod', 'v1', 'kube-system', 'coredns-5dd5756b68-wcs5x', 'Pending'],
      [6, 'Pod', 'v1', 'kube-system', 'etcd-k8s-controller-01', 'Running'],
      [7, 'Pod', 'v1', 'kube-system', 'kube-apiserver-k8s-controller-01', 'Running'],
      [8, 'Pod', 'v1', 'kube-system', 'kube-controller-manager-k8s-controller-01', 'Running'],
      [9, 'Pod', 'v1', 'kube-system', 'kube-proxy-p4jmn', 'Running'],
      [10, 'Pod', 'v1', 'kube-system', 'kube-scheduler-k8s-controller-01', 'Running'],
    ]);
    expect(r.objects[0]!.object.metadata?.creationTimestamp).toBe('2024-10-25T16:00:00Z');
    expect(r.objects[2]!.object.table).toEqual({
      NAMESPACE: 'kube-system', NAME: 'etcd-k8s-controller-01', READY: '1/1', STATUS: 'Running', RESTARTS: '1 (120m ago)', AGE: '20h',
      IP: '192.168.1.105', NODE: 'k8s-controller-01', 'NOMINATED NODE': '<none>', 'READINESS GATES': '<none>', ageSeconds: 72000,
    });
    expect(r.logs?.map((e) => [e.line, e.format, e.level, e.message])).toEqual([
      [13, 'klog', 'info', 'external host was not specified, using 192.168.1.105'],
      [14, 'klog', 'info', 'Version: v1.28.15'],
      [15, 'klog', 'info', 'Golang settings'],
      [16, 'klog', 'info', 'Waiting for caches to sync for node_authorizer'],
      [17, 'klog', 'info', expect.stringMatching(/^Loaded 12 mutating admission controller/)],
      [18, 'klog', 'info', expect.stringMatching(/^Loaded 13 validating admission controller/)],
    ]);
    expect(resourceEvents(r, 'x').filter((e) => e.kind === 'log')).toHaveLength(6);
  });

  it('https://github.com/dapr/cli/issues/396 (description): a pod table, then the operator log', () => {
    const text = [
      'youngp@MININT-Q8GQR8F deploy % kubectl get pods',
      'NAME                                     READY   STATUS             RESTARTS   AGE',
      'dapr-dashboard-79b4ffd5bb-75526          1/1     Running            0          77s',
      'dapr-operator-fc75bb46d-hd5tx            0/1     CrashLoopBackOff   3          77s',
      '',
      'kubectl logs dapr-operator-fc75bb46d-hd5tx',
      '...',
      'time="2020-07-14T16:21:09.032151661Z" level=fatal msg="configurations.dapr.io \\"daprsystem\\" not found" instance=dapr-operator-fc75bb46d-hd5tx scope=dapr.operator type=log ver=0.9.0-rc.0',
    ].join('\n');
    const r = parseResources(text, 'issue.txt');
    expect(r.objects.map((o) => [o.object.kind, o.object.metadata?.name, o.object.status?.phase])).toEqual([
      ['Pod', 'dapr-dashboard-79b4ffd5bb-75526', 'Running'],
      ['Pod', 'dapr-operator-fc75bb46d-hd5tx', 'CrashLoopBackOff'],
    ]);
    expect(r.logs?.map((e) => [e.line, e.format, e.level, e.message])).toEqual([[8, 'logfmt', 'fatal', 'configurations.dapr.io "daprsystem" not found']]);
  });

  it('https://github.com/argoproj/argo-workflows/issues/4048 (comment by BlackRider97, 2020-10-10): rows under `kubectl get KIND | grep`, no header', () => {
    const text = [
      'kubectl get workflows | grep internal-data-ingestionlz5g4',
      'internal-data-ingestionlz5g4              Running   13h',
      '',
      'kubectl get pod | grep internal-data-ingestionlz5g4-918231932',
      'internal-data-ingestionlz5g4-918231932               0/2     Completed         0          13h',
      '',
      'kubectl get pod | grep internal-data-ingestionlz5g4-1950258784',
      'internal-data-ingestionlz5g4-1950258784              0/2     Completed   0          13h',
    ].join('\n');
    expect(sniffResources(text, 'x.txt')).toBe(true);
    const r = parseResources(text, 'x.txt');
    expect(r.objects.map((o) => [o.line, o.object.kind, o.object.apiVersion, o.object.metadata?.name, o.object.status?.phase, (o.object.table as Record<string, unknown>).ageSeconds])).toEqual([
      [2, 'Workflow', 'argoproj.io/v1alpha1', 'internal-data-ingestionlz5g4', 'Running', 46800],
      [5, 'Pod', 'v1', 'internal-data-ingestionlz5g4-918231932', 'Completed', 46800],
      [8, 'Pod', 'v1', 'internal-data-ingestionlz5g4-1950258784', 'Completed', 46800],
    ]);
  });

  it('star-whale/starwhale:docs/docs/quickstart/on-premises.md@0509fa1d: a markdown table after the command that printed it', () => {
    const text = [
      '```bash',
      'kubectl get deployments -n starwhale',
      '```',
      '',
      '| NAME | READY | UP-TO-DATE| AVAILABLE | AGE |',
      '|------|-------|--------|----------|-----|',
      '|controller|1/1|1|1|5m|',
      '|minio|1/1|1|1|5m|',
      '|mysql|1/1|1|1|5m|',
    ].join('\n');
    const objs = tablesIn(text, 'on-premises.md').objects;
    expect(objs.map((o) => [o.line, o.object.metadata?.name, o.object.table])).toEqual([
      [7, 'controller', { NAME: 'controller', READY: '1/1', 'UP-TO-DATE': '1', AVAILABLE: '1', AGE: '5m', ageSeconds: 300 }],
      [8, 'minio', { NAME: 'minio', READY: '1/1', 'UP-TO-DATE': '1', AVAILABLE: '1', AGE: '5m', ageSeconds: 300 }],
      [9, 'mysql', { NAME: 'mysql', READY: '1/1', 'UP-TO-DATE': '1', AVAILABLE: '1', AGE: '5m', ageSeconds: 300 }],
    ]);
  });

  it('markdown cells lose their **bold**, __bold__ and `code` marks; argo list and helm-style headers with NAME anywhere', () => {
    const r = new TableReader('t.md');
    r.line('| Name | Status |', 1);
    r.line('| --- | :---: |', 2);
    expect(r.line('| **web-1** | `Running` |', 3)?.object).toMatchObject({ metadata: { name: 'web-1' }, status: { phase: 'Running' } });
    expect(listHeader('NAME                STATUS      AGE   DURATION   PRIORITY   MESSAGE')?.map((c) => c.name)).toEqual(['NAME', 'STATUS', 'AGE', 'DURATION', 'PRIORITY', 'MESSAGE']);
    expect(listHeader('REVISION  NAME   STATUS')?.length).toBe(3);
    expect(listHeader('TYPE  REASON  MESSAGE')).toBeUndefined();
  });

  it('log lines and prose never become objects', () => {
    const r = new TableReader('t.log');
    expect(r.line('I1025 16:06:02.224736       1 options.go:220] external host was not specified', 1)).toBeUndefined();
    expect(r.line('Waiting for the controller  to  start', 2)).toBeUndefined();
    r.line('NAME    READY   STATUS', 3);
    expect(r.line('web-1   1/1     Running', 4)).toBeDefined();
    expect(r.line('this is a sentence that goes on and on', 5)).toBeUndefined();
    expect(r.line('and another sentence that goes on', 6)).toBeUndefined();
    expect(r.line('web-2   1/1     Running', 7)).toBeUndefined(); // the table ended at the prose
  });
});
