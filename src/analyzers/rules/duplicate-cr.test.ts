import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject, ObjectEvent } from '../../core/event.js';
import { UserError } from '../../core/errors.js';
import type { FindingDraft } from '../../core/finding.js';
import { parseLine } from '../../parsers/index.js';
import { parseResources } from '../../parsers/resources.js';
import { duplicateCr, parseDuplicateCrOptions } from './duplicate-cr.js';
import type { Analyzer } from '../types.js';
import { analyzePaths } from '../../engine/run.js';
import { SEVERITY_RANK } from '../../core/finding.js';

const REAL = join(import.meta.dirname, '../../../../shared/real-data');
const FP = '41936071dfd7ad912fee8284fd2d7008dda69bbbf71372c9c634045ef3d9552f';

function start(options: Record<string, unknown> = {}, now?: number): Analyzer {
  return duplicateCr.create({ options, now });
}

function feedLog(a: Analyzer, text: string, source = 'gw.log'): void {
  text.split('\n').forEach((l, i) => {
    if (l) a.onEvent(parseLine(l, i + 1, { source, referenceYear: 2026 }));
  });
}

function feedDump(a: Analyzer, text: string, source: string, now?: number): string[] {
  const r = parseResources(text, source, { now });
  for (const o of r.objects) a.onEvent({ kind: 'object', change: 'snapshot', object: o.object, source, line: o.line, partial: o.partial });
  return r.problems;
}

function obj(name: string, fp: string | undefined, created: string, phase?: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'kubernaut.ai/v1alpha1',
    kind: 'RemediationRequest',
    metadata: { name, namespace: 'kubernaut-system', creationTimestamp: created },
    spec: fp ? { signalFingerprint: fp } : {},
    ...(phase ? { status: { overallPhase: phase } } : {}),
    ...extra,
  };
}

const snap = (object: KubeObject, change: ObjectEvent['change'] = 'snapshot'): ObjectEvent => ({ kind: 'object', change, object, source: 'cluster' });

const brief = (fs: FindingDraft[]) => fs.map((f) => ({ severity: f.severity, subject: f.subject, metrics: f.metrics }));

// The planted incident of gen-log.mjs: five creations of one fingerprint 14 ms apart from two pods.
const planted = [0, 1, 2, 3, 4]
  .map((i) =>
    JSON.stringify({
      level: 'info',
      ts: `2026-11-20T10:00:00.${String(100 + i * 14).padStart(3, '0')}123Z`,
      logger: 'gateway.server',
      caller: 'processing/crd_creator.go:199',
      msg: 'Created RemediationRequest CRD',
      name: `rr-${FP.slice(0, 12)}-0000000${i}`,
      namespace: 'kubernaut-system',
      fingerprint: FP,
      pod: i % 2 ? 'gateway-7d9f-abcde' : 'gateway-7d9f-fghij',
    }),
  )
  .join('\n');

describe('duplicate-cr from creator logs', () => {
  it('finds the planted race: 5 creations 14 ms apart from 2 pods (exact finding)', () => {
    const a = start();
    feedLog(a, planted);
    const fs = a.flush();
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f).toMatchObject({
      rule: 'duplicate-cr',
      severity: 'critical',
      title: `5 RemediationRequest objects share the dedup key ${FP.slice(0, 12)}…`,
      subject: { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: FP, controller: 'gateway.server' },
      metrics: { objects: 5, live: 0, terminal: 0, unknownPhase: 5, spreadMs: 56, creators: 2, minGapMs: 14 },
      firstSeen: '2026-11-20T10:00:00.100Z',
      lastSeen: '2026-11-20T10:00:00.156Z',
    });
    expect(f.summary).toContain('Created 56 ms apart by 2 different creators (gateway-7d9f-fghij, gateway-7d9f-abcde): a check-then-create race on a stale cache.');
    expect(f.evidence.map((e) => e.source)).toEqual(['gw.log:1', 'gw.log:2', 'gw.log:3', 'gw.log:4', 'gw.log:5']);
    expect(f.evidence[0]!.text).toContain('"msg":"Created RemediationRequest CRD"');
  });

  it.each([
    [
      'klog structured, same second, one pod → critical',
      `I1120 10:00:00.100000       1 crd_creator.go:201] "Created RemediationRequest CRD" name="rr-${FP.slice(0, 12)}-00000001" namespace="kubernaut-system" fingerprint="${FP}"\nI1120 10:00:00.700000       1 crd_creator.go:201] "Created RemediationRequest CRD" name="rr-${FP.slice(0, 12)}-00000002" namespace="kubernaut-system" fingerprint="${FP}"`,
      [{ severity: 'critical', metrics: { objects: 2, unknownPhase: 2, spreadMs: 600, creators: 1 } }],
    ],
    [
      'logfmt, 30 s apart → warning (phases unknown)',
      `time=2026-11-20T10:00:00Z level=info msg="Created RemediationRequest CRD" name=rr-a fingerprint=${FP}\ntime=2026-11-20T10:00:30Z level=info msg="Created RemediationRequest CRD" name=rr-b fingerprint=${FP}`,
      [{ severity: 'warning', metrics: { objects: 2, spreadMs: 30000 } }],
    ],
    [
      'slog text behind a Docker prefix, 3 h apart → info only',
      `2026-11-20T07:00:00.000000000Z 2026/11/20 07:00:00 INFO Created RemediationRequest CRD name=rr-a fingerprint=${FP}\n2026-11-20T10:00:00.000000000Z 2026/11/20 10:00:00 INFO Created RemediationRequest CRD name=rr-b fingerprint=${FP}`,
      [{ severity: 'info', metrics: { objects: 2, unknownPhase: 2, spreadMs: 10_800_000 } }],
    ],
    [
      'zap JSON, one creation per fingerprint → nothing',
      `{"level":"info","ts":"2026-11-20T10:00:00.000Z","msg":"Created RemediationRequest CRD","name":"rr-a","fingerprint":"aaaa"}\n{"level":"info","ts":"2026-11-20T10:00:00.010Z","msg":"Created RemediationRequest CRD","name":"rr-b","fingerprint":"bbbb"}`,
      [],
    ],
    [
      'the same object logged twice (retry of the log, same name) → nothing',
      `{"level":"info","ts":"2026-11-20T10:00:00.000Z","msg":"Created RemediationRequest CRD","name":"rr-a","fingerprint":"aaaa"}\n{"level":"info","ts":"2026-11-20T10:00:00.010Z","msg":"Created RemediationRequest CRD","name":"rr-a","fingerprint":"aaaa"}`,
      [],
    ],
    [
      '"Created" messages without a fingerprint-like field → nothing',
      `{"level":"info","ts":"2026-11-20T10:00:00.000Z","msg":"Created SignalProcessing CRD","name":"sp-a"}\n{"level":"info","ts":"2026-11-20T10:00:00.010Z","msg":"Created SignalProcessing CRD","name":"sp-b"}`,
      [],
    ],
  ])('%s', (_name, text, want) => {
    const a = start();
    feedLog(a, text);
    expect(a.flush().map((f) => ({ severity: f.severity, metrics: f.metrics }))).toMatchObject(want);
    expect(a.flush()).toHaveLength(want.length);
  });
});

describe('duplicate-cr from objects', () => {
  it.each([
    ['two live (Analyzing, Processing) → critical', [obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Analyzing'), obj('rr-2', FP, '2026-11-20T10:00:02Z', 'Processing')], 'critical', { objects: 2, live: 2, terminal: 0, spreadMs: 2000 }],
    ['two without status yet → critical', [obj('rr-1', FP, '2026-11-20T10:00:00Z'), obj('rr-2', FP, '2026-11-20T11:00:00Z')], 'critical', { objects: 2, live: 2 }],
    ['terminal then a new live one → info', [obj('rr-1', FP, '2026-11-20T08:00:00Z', 'TimedOut'), obj('rr-2', FP, '2026-11-20T10:00:00Z', 'Executing')], 'info', { objects: 2, live: 1, terminal: 1 }],
    ['a live one, then a later one that has ended since → warning', [obj('rr-1', FP, '2026-11-20T08:00:00Z', 'Executing'), obj('rr-2', FP, '2026-11-20T10:00:00Z', 'Failed')], 'warning', { objects: 2, live: 1, terminal: 1 }],
    ['every terminal phase counts (case-insensitive)', ['Completed', 'failed', 'TIMEDOUT', 'Skipped', 'Cancelled'].map((p, i) => obj(`rr-${i}`, FP, `2026-11-20T0${i}:00:00Z`, p)), 'info', { objects: 5, live: 0, terminal: 5 }],
    [
      'both terminal now, but the second was created before the first completed → warning',
      [obj('rr-1', FP, '2026-11-20T08:00:00Z', 'Failed', { status: { overallPhase: 'Failed', completedAt: '2026-11-20T08:10:00Z' } }), obj('rr-2', FP, '2026-11-20T08:01:00Z', 'Completed')],
      'warning',
      { objects: 2, live: 0, terminal: 2 },
    ],
  ])('%s', (_name, objects, severity, metrics) => {
    const a = start();
    for (const o of objects) a.onEvent(snap(o));
    const fs = a.flush();
    expect(fs.map((f) => f.severity)).toEqual([severity]);
    expect(fs[0]!.metrics).toMatchObject(metrics);
    expect(fs[0]!.subject).toEqual({ kind: 'RemediationRequest', namespace: 'kubernaut-system', name: FP, controller: null });
    expect(fs[0]!.evidence[0]!.source).toBe('kubernaut.ai/RemediationRequest kubernaut-system/rr-0'.replace('rr-0', (objects[0]!.metadata!.name as string)));
  });

  it('a deleted object no longer counts as live (watch events); that it was created next to a live one still shows', () => {
    const a = start();
    a.onEvent(snap(obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Analyzing')));
    a.onEvent(snap(obj('rr-2', FP, '2026-11-20T10:00:00Z', 'Analyzing'), 'added'));
    expect(a.flush().map((f) => f.severity)).toEqual(['critical']);
    a.onEvent(snap(obj('rr-2', FP, '2026-11-20T10:00:00Z', 'Analyzing'), 'deleted'));
    expect(brief(a.flush())).toEqual([
      {
        severity: 'warning',
        subject: { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: FP, controller: null },
        metrics: { objects: 2, live: 1, terminal: 0, unknownPhase: 0, spreadMs: 0, creators: 0 },
      },
    ]);
  });

  it('flush is idempotent and live updates change the verdict', () => {
    const a = start();
    a.onEvent(snap(obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Analyzing')));
    a.onEvent(snap(obj('rr-2', FP, '2026-11-20T10:05:00Z', 'Analyzing')));
    const first = a.flush();
    expect(a.flush()).toEqual(first);
    a.onEvent(snap(obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Completed'), 'modified'));
    expect(a.flush().map((f) => f.severity)).toEqual(['info']);
  });

  it('merges a creation log line with the table row of the same object (name-derived key meets the fingerprint)', () => {
    const a = start({}, Date.parse('2026-11-20T10:12:00Z'));
    feedLog(a, planted.split('\n').slice(0, 2).join('\n'));
    const table = `NAME                       PHASE        AGE\nrr-${FP.slice(0, 12)}-00000000   Analyzing    12m\nrr-${FP.slice(0, 12)}-00000001   Processing   12m\n`;
    feedDump(a, table, 'rrs.txt');
    const fs = a.flush();
    expect(brief(fs)).toEqual([
      {
        severity: 'critical',
        subject: { kind: 'RemediationRequest', namespace: 'kubernaut-system', name: FP, controller: 'gateway.server' },
        metrics: { objects: 2, live: 2, terminal: 0, unknownPhase: 0, spreadMs: 14, creators: 2, minGapMs: 14 },
      },
    ]);
    expect(fs[0]!.evidence.map((e) => e.source)).toEqual(['rrs.txt:2', 'gw.log:1', 'rrs.txt:3', 'gw.log:2']);
  });

  it.each([
    ['YAML multi-document', `apiVersion: kubernaut.ai/v1alpha1\nkind: RemediationRequest\nmetadata: {name: rr-1, namespace: ns, creationTimestamp: "2026-11-20T10:00:00Z"}\nspec: {signalFingerprint: ${FP}}\n---\napiVersion: kubernaut.ai/v1alpha1\nkind: RemediationRequest\nmetadata: {name: rr-2, namespace: ns, creationTimestamp: "2026-11-20T10:00:00Z"}\nspec: {signalFingerprint: ${FP}}\n`, 'critical'],
    ['JSON List', JSON.stringify({ kind: 'List', items: [obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Pending'), obj('rr-2', FP, '2026-11-20T09:00:00Z', 'Failed')] }), 'info'],
    ['table without a phase column', `NAME                       AGE\nrr-${FP.slice(0, 12)}-00000001   5m\nrr-${FP.slice(0, 12)}-00000002   5m\n`, 'critical'],
  ])('dump format: %s', (_n, text, severity) => {
    const a = start();
    expect(feedDump(a, text, 'dump')).toEqual([]);
    expect(a.flush().map((f) => f.severity)).toEqual([severity]);
  });
});

describe('duplicate-cr options', () => {
  it('keys any kind by a label', () => {
    const a = start({ dedupKeys: [{ kind: 'Job', label: 'example.com/run-key' }] });
    const job = (name: string): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'ci', creationTimestamp: '2026-11-20T10:00:00Z', labels: { 'example.com/run-key': 'build-42' } }, status: {} });
    a.onEvent(snap(job('build-42-a')));
    a.onEvent(snap(job('build-42-b')));
    a.onEvent(snap(obj('rr-1', FP, '2026-11-20T10:00:00Z', 'Pending')));
    a.onEvent(snap(obj('rr-2', FP, '2026-11-20T10:00:00Z', 'Pending')));
    // The default RemediationRequest key is replaced, so only the Jobs are grouped.
    expect(brief(a.flush())).toEqual([
      { severity: 'critical', subject: { kind: 'Job', namespace: 'ci', name: 'build-42', controller: null }, metrics: { objects: 2, live: 2, terminal: 0, unknownPhase: 0, spreadMs: 0, creators: 0, minGapMs: 0 } },
    ]);
  });

  it('keys by a JSONPath and by a log field, per namespace unless clusterWide', () => {
    const a = start({ dedupKeys: [{ kind: 'Certificate', group: 'cert-manager.io', jsonPath: "{.spec['secretName']}", logField: 'secret' }] });
    const cert = (name: string, ns: string): KubeObject => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: ns, creationTimestamp: '2026-11-20T09:00:00Z' }, spec: { secretName: 'tls-web' } });
    a.onEvent(snap(cert('web-a', 'shop')));
    a.onEvent(snap(cert('web-a', 'blog')));
    expect(a.flush()).toEqual([]);
    feedLog(a, '{"level":"info","ts":"2026-11-20T10:00:00.000Z","msg":"Created Certificate resource","name":"web-b","namespace":"shop","secret":"tls-web"}');
    expect(a.flush().map((f) => [f.severity, f.subject.namespace, f.subject.name, f.metrics.objects])).toEqual([['critical', 'shop', 'tls-web', 2]]);
  });

  it('reads whole only the objects of its keys\' kinds, or every object when a key has no kind', () => {
    // The built-in keys' kinds come after the configured ones (a configured kind replaces its built-in key).
    // Then the kinds the generic key (owner and template hash) reads whole.
    const builtins = ['certificaterequest', 'taskrun', 'job', 'workflow', 'machineset', 'backup', 'operatorgroup'];
    const generic = ['replicaset', 'controllerrevision'];
    expect(start().objectKinds?.()).toEqual(['remediationrequest', ...builtins, ...generic]);
    expect(start({ dedupKeys: [{ kind: 'Job', label: 'k' }, { kind: 'Certificate', jsonPath: 'spec.secretName' }] }).objectKinds?.()).toEqual([
      'job',
      'certificate',
      ...builtins.filter((k) => k !== 'job'),
      ...generic,
    ]);
    expect(start({ dedupKeys: [{ label: 'example.com/run-key' }] }).objectKinds?.()).toBe('all');
  });

  it('validates and explains bad options', () => {
    expect(parseDuplicateCrOptions({})).toMatchObject({ raceWindowMs: 5000, suspectWindowMs: 60000, dedupKeys: [{ kind: 'RemediationRequest', jsonPath: 'spec.signalFingerprint' }] });
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ dedupKeys: [] }, 'dedupKeys must be a non-empty list'],
      [{ dedupKeys: [{ kind: 'Job' }] }, 'dedupKeys[0] needs jsonPath, label, annotation, namePattern or logField'],
      [{ dedupKeys: [{ kind: 'Backup', namePattern: '-(\\d{14}' }] }, 'dedupKeys[0].namePattern is not a regular expression'],
      [{ dedupKeys: [{ jsonPath: 'spec..x[?(@.a)]' }] }, 'dedupKeys[0].jsonPath'],
      [{ dedupKeys: [{ label: 'a', colour: 'red' }] }, 'dedupKeys[0] has unknown key "colour"'],
      [{ raceWindowMs: -1 }, 'raceWindowMs must be a non-negative number'],
      [{ windows: 3 }, 'unknown key "windows"'],
    ];
    for (const [opts, msg] of bad) {
      expect(() => parseDuplicateCrOptions(opts)).toThrow(UserError);
      expect(() => parseDuplicateCrOptions(opts)).toThrow(msg);
    }
  });
});

describe.skipIf(!existsSync(REAL))('duplicate-cr on real data', () => {
  it('kubernaut/gateway-ingestion.log: one RR per fingerprint → no finding', () => {
    const a = start();
    feedLog(a, readFileSync(join(REAL, 'kubernaut/gateway-ingestion.log'), 'utf8'));
    expect(a.flush()).toEqual([]);
  });

  it('kubernaut/rr-dedup-working.yaml: dedup working as designed → no finding', () => {
    const a = start();
    expect(feedDump(a, readFileSync(join(REAL, 'kubernaut/rr-dedup-working.yaml'), 'utf8'), 'rr.yaml')).toEqual([]);
    expect(a.flush()).toEqual([]);
  });

  it('kubernaut/rr-recreated-after-terminal.txt: re-creation after terminal phases → info notes only', () => {
    const a = start({}, Date.parse('2026-10-02T00:00:00Z'));
    feedDump(a, readFileSync(join(REAL, 'kubernaut/rr-recreated-after-terminal.txt'), 'utf8'), 'remediationrequests.txt');
    expect(brief(a.flush())).toEqual([
      {
        severity: 'info',
        subject: { kind: 'RemediationRequest', namespace: null, name: '2bf3a5781f9d', controller: null },
        metrics: { objects: 6, live: 1, terminal: 5, unknownPhase: 0, spreadMs: 8520000, creators: 0 },
      },
      {
        severity: 'info',
        subject: { kind: 'RemediationRequest', namespace: null, name: '7f1635052972', controller: null },
        metrics: { objects: 3, live: 0, terminal: 3, unknownPhase: 0, spreadMs: 4680000, creators: 0 },
      },
    ]);
  });

  it('the whole kubernaut folder through the real sources and engine: nothing at warning or above', async () => {
    const { report } = await analyzePaths([join(REAL, 'kubernaut')], { analyzers: [duplicateCr] });
    expect(report.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning)).toEqual([]);
    const events = report.inputs.find((i) => i.source.endsWith('rr-dedup-working-events.txt'));
    expect([events?.format, events?.problems]).toEqual(['events-table', []]);
  });

  it('must-gather-aws (healthy cluster): no finding', async () => {
    const { report } = await analyzePaths([join(REAL, 'must-gather-aws')], { analyzers: [duplicateCr] });
    expect(report.findings).toEqual([]);
  });
});

describe('duplicate-cr: the controller says it itself', () => {
  it('reports cert-manager\'s "Multiple matching CertificateRequest resources exist" and "multiple CertificateRequests were found" as one warning', () => {
    // cert-manager/cert-manager#4956 (comment of 2022-10-03), the three klog lines as published.
    const a = start();
    feedLog(
      a,
      [
        'I0928 19:24:21.113681       1 requestmanager_controller.go:210] cert-manager/controller/certificates-request-manager "msg"="Multiple matching CertificateRequest resources exist, delete one of them. This is likely an error and should be reported on the issue tracker!" "key"="vmware-system-nsop/vmware-system-nsop-serving-cert"',
        'E0928 19:24:21.125432       1 controller.go:163] cert-manager/controller/certificates-readiness "msg"="re-queuing item due to error processing" "error"="multiple CertificateRequests were found for the \'next\' revision 1, issuance is skipped until there are no more duplicates" "key"="vmware-system-nsop/vmware-system-nsop-serving-cert"',
        'E0928 19:24:22.126395       1 controller.go:163] cert-manager/controller/certificates-readiness "msg"="re-queuing item due to error processing" "error"="multiple CertificateRequests were found for the \'next\' revision 1, issuance is skipped until there are no more duplicates" "key"="vmware-system-nsop/vmware-system-nsop-serving-cert"',
      ].join('\n'),
    );
    const f = a.flush();
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.signals, x.subject, x.metrics])).toEqual([
      [
        'warning',
        'high',
        'self-reported',
        ['controller-says-so', 'repeated'],
        { kind: 'CertificateRequest', namespace: 'vmware-system-nsop', name: 'vmware-system-nsop/vmware-system-nsop-serving-cert', controller: 'cert-manager/controller/certificates-request-manager' },
        { reports: 3, messages: 2 },
      ],
    ]);
    expect(f[0]!.evidence.map((e) => e.source)).toEqual(['gw.log:1', 'gw.log:2', 'gw.log:3']);
  });

  it('reads "found 2 …, expected 1" and leaves alone a create that failed because the object already exists', () => {
    const a = start();
    feedLog(
      a,
      [
        '{"level":"error","ts":"2026-11-20T10:00:00Z","logger":"controllers.Backup","msg":"Reconciler error","namespace":"ops","name":"nightly","error":"found 2 Backups for schedule nightly, expected 1"}',
        // velero-io/velero#2535: a deterministic name makes the second create fail — dedup working.
        'time="2020-05-14T04:07:43Z" level=error msg="Error in syncHandler, re-adding item to queue" controller=schedule error="error creating Backup: backups.velero.io \\"wargud-20200514040743\\" already exists" key=velero/wargud',
      ].join('\n'),
    );
    expect(a.flush().map((x) => [x.severity, x.confidence, x.subject.kind, x.subject.name])).toEqual([['warning', 'medium', 'Backup', 'ops/nightly']]);
  });
});

describe('duplicate-cr: one schedule started twice', () => {
  it('finds a Job launched twice per schedule from the created name and its owner in fields (wercker/cronetes#10)', () => {
    const a = start();
    feedLog(
      a,
      [
        '2017-07-11T14:39:59.844938583Z time="2017-07-11T14:39:59Z" level=info msg="Launching Job" jobName=ospok8sdevsecretsync ',
        '2017-07-11T14:39:59.849117071Z time="2017-07-11T14:39:59Z" level=info msg="Launched Job" jobName=ospok8sdevsecretsync launchedJobName=ospok8sdevsecretsync-a66c03acc277 ',
        '2017-07-11T14:40:00.000767859Z time="2017-07-11T14:40:00Z" level=info msg="Launching Job" jobName=ospok8sdevsecretsync ',
        '2017-07-11T14:40:00.003940044Z time="2017-07-11T14:40:00Z" level=info msg="Launched Job" jobName=ospok8sdevsecretsync launchedJobName=ospok8sdevsecretsync-19c0f3ff5340 ',
        '2017-07-11T14:44:59.84474381Z time="2017-07-11T14:44:59Z" level=info msg="Launching Job" jobName=ospok8sdevsecretsync ',
        '2017-07-11T14:44:59.848350312Z time="2017-07-11T14:44:59Z" level=info msg="Launched Job" jobName=ospok8sdevsecretsync launchedJobName=ospok8sdevsecretsync-92ff10009ad7 ',
        '2017-07-11T14:45:00.000713555Z time="2017-07-11T14:45:00Z" level=info msg="Launching Job" jobName=ospok8sdevsecretsync ',
        '2017-07-11T14:45:00.006652323Z time="2017-07-11T14:45:00Z" level=info msg="Launched Job" jobName=ospok8sdevsecretsync launchedJobName=ospok8sdevsecretsync-63d1b45604b1 ',
      ].join('\n'),
    );
    const f = a.flush();
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.subject.kind, x.subject.name, x.metrics])).toEqual([
      ['warning', 'high', 'created-twice', 'Job', 'ospok8sdevsecretsync', { objects: 4, closePairs: 2, minGapMs: 154, usualPeriodMs: 299845, creators: 1 }],
    ]);
  });

  it('says nothing about one creation per schedule, and only notes two creations with nothing to compare them with', () => {
    const once = start();
    feedLog(
      once,
      [0, 1, 2]
        .map((i) => `{"level":"info","ts":"2026-11-20T10:0${i * 5}:00Z","logger":"cron","msg":"Created Job","namespace":"ops","job":"report-2926${i}0"}`)
        .join('\n'),
    );
    expect(once.flush()).toEqual([]);
    const pair = start();
    feedLog(
      pair,
      [
        'I1016 20:30:02.183093       1 event.go:281] Created job job-xxx-1602880200',
        'I1016 20:30:03.187624       1 event.go:281] Created job job-xxx-1602880201',
      ].join('\n'),
    );
    expect(pair.flush().map((x) => [x.severity, x.confidence, x.subject.name])).toEqual([['info', 'low', 'job-xxx']]);
  });
});

describe('duplicate-cr: built-in keys of other operators', () => {
  const cr = (name: string, revision: string, created: string, ready?: 'True' | 'False') => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'CertificateRequest',
    metadata: {
      name,
      namespace: 'web',
      creationTimestamp: created,
      annotations: { 'cert-manager.io/certificate-name': 'site-tls', 'cert-manager.io/certificate-revision': revision },
      ownerReferences: [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'site-tls', uid: 'u1', controller: true }],
    },
    ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'Issued' : 'Pending' }] } } : {}),
  });
  const feed = (objects: KubeObject[], options: Record<string, unknown> = {}) => {
    const a = start(options);
    for (const o of objects) a.onEvent({ kind: 'object', change: 'snapshot', object: o, source: 'dump.yaml' } as ObjectEvent);
    return a.flush();
  };

  it('groups cert-manager CertificateRequests by their Certificate and revision: two pending for one revision are live duplicates', () => {
    const f = feed([cr('site-tls-x7k2p', '2', '2026-11-20T10:00:00Z'), cr('site-tls-b4n6q', '2', '2026-11-20T10:00:01Z', 'False'), cr('site-tls-old', '1', '2026-10-01T10:00:00Z', 'True')] as KubeObject[]);
    expect(f.map((x) => [x.severity, x.subject.kind, x.subject.name, x.metrics['live']])).toEqual([['critical', 'CertificateRequest', 'Certificate/site-tls @ 2', 2]]);
  });

  it('does not count an issued request and the next revision as duplicates; Jobs without a scheduled time are only compared by when they were made', () => {
    expect(feed([cr('site-tls-a', '1', '2026-10-01T10:00:00Z', 'True'), cr('site-tls-b', '2', '2026-11-20T10:00:00Z')] as KubeObject[])).toEqual([]);
    const job = (name: string, created: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'ops', creationTimestamp: created, ownerReferences: [{ kind: 'CronJob', name: 'report', controller: true }] },
    });
    // An hour apart: one per schedule, nothing to say.
    expect(feed([job('report-29260001', '2026-11-20T10:00:00Z'), job('report-29260061', '2026-11-20T11:00:00Z')] as KubeObject[])).toEqual([]);
    // In the same second under time-stamped names: a note, not a warning (the stamps say two slots).
    const f = feed([job('report-29260001', '2026-11-20T10:00:00Z'), job('report-29260002', '2026-11-20T10:00:00Z')] as KubeObject[]);
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.subject.name, x.signals, x.metrics])).toEqual([
      ['info', 'low', 'created-twice', 'report', ['same-owner', 'created-together', 'live-together'], { objects: 2, closePairs: 1, minGapMs: 0, creators: 1, live: 2 }],
    ]);
  });

  it('finds two Jobs of one CronJob for the same scheduled time; a user key for a kind replaces the built-in one', () => {
    const job = (name: string, at: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'ops', creationTimestamp: '2026-11-20T10:00:00Z', annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': at }, ownerReferences: [{ kind: 'CronJob', name: 'report', controller: true }] },
    });
    const jobs = [job('report-29260001', '2026-11-20T10:00:00Z'), job('report-29260002', '2026-11-20T10:00:00Z')] as KubeObject[];
    expect(feed(jobs).map((x) => [x.severity, x.subject.name])).toEqual([['critical', 'CronJob/report @ 2026-11-20T10:00:00Z']]);
    // Keyed by a label they lack, the two Jobs are only compared by when they were made (an info note).
    expect(feed(jobs, { dedupKeys: [{ kind: 'Job', label: 'team' }] }).map((x) => [x.severity, x.variant])).toEqual([['info', 'created-twice']]);
  });
});

describe('duplicate-cr: Velero Backups of a Schedule', () => {
  const backup = (name: string, phase: string, created: string): KubeObject => ({
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: 'velero', creationTimestamp: created, labels: { 'velero.io/schedule-name': 'nightly' } },
    status: { phase },
  });

  it('groups Backups by the schedule-name label and the time stamp in their names: two for one run are live duplicates', () => {
    const a = start();
    for (const o of [
      backup('nightly-20261120020000', 'InProgress', '2026-11-20T02:00:00Z'),
      backup('nightly-20261120020000-x7k2p', 'New', '2026-11-20T02:00:01Z'),
      backup('nightly-20261119020000', 'Completed', '2026-11-19T02:00:00Z'),
    ])
      a.onEvent(snap(o));
    expect(brief(a.flush())).toEqual([
      {
        severity: 'critical',
        subject: { kind: 'Backup', namespace: 'velero', name: 'nightly @ 20261120020000', controller: null },
        metrics: { objects: 2, live: 2, terminal: 0, unknownPhase: 0, spreadMs: 1000, creators: 0, minGapMs: 1000 },
      },
    ]);
  });

  it('one Backup per run, a manual backup without the label, and a PartiallyFailed run are no duplicates', () => {
    const a = start();
    for (const o of [
      backup('nightly-20261119020000', 'PartiallyFailed', '2026-11-19T02:00:00Z'),
      backup('nightly-20261120020000', 'InProgress', '2026-11-20T02:00:00Z'),
      { ...backup('before-upgrade', 'InProgress', '2026-11-20T02:00:00Z'), metadata: { name: 'before-upgrade', namespace: 'velero' } },
    ])
      a.onEvent(snap(o as KubeObject));
    expect(a.flush()).toEqual([]);
  });
});

describe('duplicate-cr: the generic key (same owner, same template hash)', () => {
  const rs = (name: string, hash: string, replicas: number, created: string, owner = 'web'): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: created,
      labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: 'd-1', controller: true }],
    },
    spec: { replicas, template: { metadata: { labels: { app: 'web', 'pod-template-hash': hash } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  });
  const run = (objects: KubeObject[]) => {
    const a = start();
    for (const o of objects) a.onEvent(snap(o));
    return a.flush();
  };

  it('two live ReplicaSets of one Deployment with one pod-template-hash: a warning of medium confidence', () => {
    const f = run([rs('web-5d8f7c9b4', '5d8f7c9b4', 3, '2026-11-20T10:00:00Z'), rs('web-5d8f7c9b4-x7k2p', '5d8f7c9b4', 3, '2026-11-20T10:05:00Z')]);
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.signals, x.title, x.subject, x.metrics])).toEqual([
      [
        'warning',
        'medium',
        'same-owner-spec',
        ['same-owner', 'same-template-hash', 'live-together'],
        '2 ReplicaSet objects of Deployment/web were made from one template',
        { kind: 'ReplicaSet', namespace: 'shop', name: 'Deployment/web @ pod-template-hash=5d8f7c9b4', controller: null },
        { objects: 2, live: 2, terminal: 0, unknownPhase: 0, spreadMs: 300000, creators: 0, minGapMs: 300000 },
      ],
    ]);
    expect(f[0]!.summary).toContain('they share their owner and the template hash it stamped on them');
  });

  it('a rollout (old ReplicaSet scaled to zero, new hash), another owner, and Pods of one ReplicaSet are no duplicates', () => {
    expect(run([rs('web-5d8f7c9b4', '5d8f7c9b4', 0, '2026-11-19T10:00:00Z'), rs('web-6c4b8d7f5', '6c4b8d7f5', 3, '2026-11-20T10:00:00Z')])).toEqual([]);
    expect(run([rs('web-5d8f7c9b4', '5d8f7c9b4', 3, '2026-11-20T10:00:00Z'), rs('api-5d8f7c9b4', '5d8f7c9b4', 3, '2026-11-20T10:00:00Z', 'api')])).toEqual([]);
    // Mid-rollout, both ReplicaSets live and sharing a config-hash label their template copied: the pod-template-hash decides.
    const withConfig = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { 'config-hash': 'c0ffee', ...o.metadata!.labels } } });
    expect(run([withConfig(rs('web-5d8f7c9b4', '5d8f7c9b4', 2, '2026-11-19T10:00:00Z')), withConfig(rs('web-6c4b8d7f5', '6c4b8d7f5', 2, '2026-11-20T10:00:00Z'))])).toEqual([]);
    const pod = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', creationTimestamp: '2026-11-20T10:00:00Z', labels: { 'pod-template-hash': '5d8f7c9b4' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f7c9b4', controller: true }] },
      spec: { containers: [{ name: 'web', image: 'web:1' }] },
    });
    expect(run([pod('web-5d8f7c9b4-x7k2p'), pod('web-5d8f7c9b4-b4n6q'), pod('web-5d8f7c9b4-c8d9f')])).toEqual([]);
  });

  it('an identical spec without a hash label: an info note far apart, a warning when made at once', () => {
    const widget = (name: string, created: string): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name, namespace: 'shop', creationTimestamp: created, ownerReferences: [{ kind: 'Shop', name: 'main', controller: true }] },
      spec: { size: 3, colour: 'red' },
    });
    const far = run([widget('main-widget-a', '2026-11-20T10:00:00Z'), widget('main-widget-b', '2026-11-20T11:00:00Z')]);
    expect(far.map((x) => [x.severity, x.confidence, x.signals])).toEqual([['info', 'low', ['same-owner', 'same-spec', 'live-together']]]);
    expect(far[0]!.subject.name).toMatch(/^Shop\/main @ spec [0-9a-f]{12}$/);
    const together = run([widget('main-widget-a', '2026-11-20T10:00:00Z'), widget('main-widget-b', '2026-11-20T10:00:01Z')]);
    expect(together.map((x) => [x.severity, x.confidence, x.signals])).toEqual([['warning', 'medium', ['same-owner', 'same-spec', 'live-together', 'created-together']]]);
    // A Ready condition means live here (for a CertificateRequest it would mean done).
    const ready = (w: KubeObject): KubeObject => ({ ...w, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    const readyPair = run([ready(widget('main-widget-a', '2026-11-20T10:00:00Z')), ready(widget('main-widget-b', '2026-11-20T10:00:01Z'))]);
    expect(readyPair.map((x) => [x.severity, x.metrics['live']])).toEqual([['warning', 2]]);
    // A different spec is a different thing.
    expect(run([widget('main-widget-a', '2026-11-20T10:00:00Z'), { ...widget('main-widget-b', '2026-11-20T10:00:01Z'), spec: { size: 4, colour: 'red' } }])).toEqual([]);
  });
});

describe('duplicate-cr: real excerpts of other shapes', () => {
  it('argo list (argoproj/argo-workflows#2773): two Workflows of one CronWorkflow 1 s apart, both Running, against its usual period', () => {
    const a = start();
    const text = [
      '[vilmosnagy@vnagy-dell graph]$ argo list',
      'NAME                             STATUS      AGE   DURATION   PRIORITY',
      'test-cron-wf-g6rdh               Running     21s   21s        0',
      'test-cron-wf-jzn5g               Running     22s   21s        0',
      'test-cron-wf-dn6j8               Running     1m    1m         0',
      'test-cron-wf-28skf               Running     1m    1m         0',
      'test-cron-wf-mz7vf               Error       2m    1m         0',
      '',
    ].join('\n');
    expect(feedDump(a, text, 'argo-list.txt')).toEqual([]);
    const f = a.flush();
    // The two "1m" ones may be a pair too, but a minute is too coarse to tell: only 21s/22s counts.
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.subject, x.signals, x.metrics, x.firstSeen])).toEqual([
      [
        'warning',
        'high',
        'created-twice',
        { kind: 'Workflow', namespace: null, name: 'test-cron-wf', controller: null },
        // The owner is read off the names only (no ownerReference in a table): no one-per-slot signal.
        ['same-owner', 'created-together', 'usual-period', 'live-together'],
        { objects: 5, closePairs: 1, minGapMs: 1000, usualPeriodMs: 49000, creators: 1, live: 4 },
        undefined,
      ],
    ]);
    expect(f[0]!.evidence.map((e) => e.source)).toEqual(['argo-list.txt:4', 'argo-list.txt:3']);
  });

  it('kubectl get jobs (kubernetes/kubernetes#35508): one Job a minute is no duplicate', () => {
    const a = start();
    const rows = [['1859028810', '11m'], ['1934853965', '12m'], ['1934985037', '9m'], ['1935116109', '6m'], ['2010810192', '10m'], ['2010941264', '7m'], ['2011072336', '4m'], ['2011203408', '1m']];
    const text = ['kubectl get jobs', 'NAME                     DESIRED   SUCCESSFUL   AGE', ...rows.map(([n, age]) => `hello-${n}         1         1            ${age}`)].join('\n');
    expect(feedDump(a, text, 'jobs.txt')).toEqual([]);
    expect(a.flush()).toEqual([]);
  });

  it('MachineSets created twice 186 ms apart (kubernetes-sigs/cluster-api#12551): the created object and its owner in fields named after their kinds', () => {
    const a = start();
    feedLog(
      a,
      [
        'I0730 07:49:49.770971       1 machinedeployment_sync.go:183] "MachineSet created (RolloutAfter on MachineDeployment set to 2025-07-30T07:49:49Z, no MachineSet has been created afterwards)" controllr="machinedeployment" controllerGroup="cluster.x-k8s.io" controllerKind="MachineDeployment" MachineDeployment="fake/np-0" namespace="fake" name="np-0" reconcileID="fa4fe555-7ef9-4a99-b1df-41fc83a2d61a" Cluster="fake/cluster-0" MachineSet="fake/np-0-69r4v"',
        'I0730 07:49:49.956062       1 machinedeployment_sync.go:183] "MachineSet created (RolloutAfter on MachineDeployment set to 2025-07-30T07:49:49Z, no MachineSet has been created afterwards)" controller="machinedeployment" controllerGroup="cluster.x-k8s.io" controllerKind="MachineDeployment" MachineDeployment="fake/np-0" namespace="fake" name="np-0" reconcileID="103cedf1-b481-47d2-a5d4-e00f29652646" Cluster="fake/cluster-0" MachineSet="fake/np-0-n8bjp"',
      ].join('\n'),
      'capi.log',
    );
    const f = a.flush();
    expect(f.map((x) => [x.severity, x.confidence, x.variant, x.subject, x.signals, x.metrics])).toEqual([
      ['warning', 'medium', 'created-twice', { kind: 'MachineSet', namespace: 'fake', name: 'np-0', controller: null }, ['same-owner', 'created-together', 'one-per-slot'], { objects: 2, closePairs: 1, minGapMs: 186, creators: 1 }],
    ]);
    expect(f[0]!.summary).toBe(
      'np-0 had MachineSet objects created 186 ms apart: np-0-69r4v and np-0-n8bjp 186 ms apart: a MachineSet stands one per owner and slot, so two made at once are one too many (a check-then-create race or two controllers).',
    );
  });

  it('OLM\'s "csv created in namespace with multiple operatorgroups" (opendatahub-io/opendatahub-operator#128) names the kind in lower case', () => {
    const a = start();
    feedLog(a, "Failed: csv created in namespace with multiple operatorgroups, can't pick one automatically", 'csv-status.txt');
    expect(a.flush().map((x) => [x.severity, x.confidence, x.variant, x.title, x.subject.kind, x.subject.name])).toEqual([
      ['warning', 'medium', 'self-reported', 'The controller reports more than one OperatorGroup', 'OperatorGroup', '(unnamed)'],
    ]);
  });
});

describe('duplicate-cr: Tekton creation records and counts in the other order', () => {
  // Lines in the shape of tekton-pipelines-controller's zap JSON ("Creating a new TaskRun object
  // %s for pipeline task %s", knative.dev/key naming the PipelineRun); the names are made up.
  const line = (ts: string, tr: string, task: string) =>
    JSON.stringify({
      level: 'info',
      ts,
      logger: 'tekton-pipelines-controller',
      caller: 'pipelinerun/pipelinerun.go:759',
      msg: `Creating a new TaskRun object ${tr} for pipeline task ${task}`,
      'knative.dev/controller': 'github.com.tektoncd.pipeline.pkg.reconciler.pipelinerun.Reconciler',
      'knative.dev/kind': 'tekton.dev.PipelineRun',
      'knative.dev/key': 'ci/build-run-4xk2p',
    });

  it('one pipeline task with two TaskRuns at once is a warning; TaskRuns of different tasks made at once are not', () => {
    const a = start();
    feedLog(
      a,
      [
        line('2026-11-20T10:00:00.100Z', 'build-run-4xk2p-lint-m964j', 'lint'),
        line('2026-11-20T10:00:00.102Z', 'build-run-4xk2p-unit-tests-zzfkw', 'unit-tests'),
        line('2026-11-20T10:00:00.350Z', 'build-run-4xk2p-unit-tests-b7q2d', 'unit-tests'),
      ].join('\n'),
    );
    expect(a.flush().map((x) => [x.severity, x.confidence, x.variant, x.subject.kind, x.subject.name, x.metrics])).toEqual([
      ['warning', 'medium', 'created-twice', 'TaskRun', 'build-run-4xk2p-unit-tests', { objects: 2, closePairs: 1, minGapMs: 248, creators: 1 }],
    ]);
  });

  it('reads "expected exactly one …, found 2" as a self-report, and not "expected 1 …, found 1"', () => {
    const a = start();
    feedLog(
      a,
      [
        'time="2026-11-20T10:00:00Z" level=error msg="expected exactly one Backup for schedule velero/nightly, found 2" controller=schedule key=velero/nightly',
        'time="2026-11-20T10:05:00Z" level=info msg="expected 1 Restore for backup velero/nightly, found 1" controller=restore key=velero/other',
      ].join('\n'),
    );
    expect(a.flush().map((x) => [x.severity, x.variant, x.subject.kind, x.subject.name])).toEqual([['warning', 'self-reported', 'Backup', 'velero/nightly']]);
  });
});

describe('duplicate-cr: creations of one owner read off names only', () => {
  it('Workflows of one generateName submitted together, with nothing periodic about them, are an info note at most', () => {
    const a = start();
    const text = [
      '$ argo list',
      'NAME          STATUS      AGE   DURATION   PRIORITY',
      'build-x7k2p   Running     12s   12s        0',
      'build-b4n6q   Running     12s   12s        0',
      'build-c8d9f   Running     13s   13s        0',
    ].join('\n');
    expect(feedDump(a, text, 'wf.txt')).toEqual([]);
    expect(a.flush().map((x) => [x.severity, x.confidence, x.signals])).toEqual([['info', 'low', ['same-owner', 'created-together', 'live-together', 'recurring']]]);
  });
});

describe('duplicate-cr: kinds named after their owner', () => {
  it('two CertificateRequests of one Certificate made 2 s apart in a kubectl table are a warning; a day apart, nothing', () => {
    const table = (ages: [string, string]) =>
      [
        '$ kubectl get certificaterequests -n web',
        'NAME             APPROVED   DENIED   READY   ISSUER        AGE',
        `site-tls-x7k2p   True                False   letsencrypt   ${ages[0]}`,
        `site-tls-b4n6q   True                False   letsencrypt   ${ages[1]}`,
      ].join('\n');
    const a = start();
    expect(feedDump(a, table(['41s', '43s']), 'crs.txt')).toEqual([]);
    expect(a.flush().map((x) => [x.severity, x.confidence, x.subject.kind, x.subject.name, x.signals])).toEqual([
      // Neither is Ready yet: both live.
      ['warning', 'high', 'CertificateRequest', 'site-tls', ['same-owner', 'created-together', 'one-per-slot', 'live-together']],
    ]);
    const b = start();
    feedDump(b, table(['41s', '25h']), 'crs.txt');
    expect(b.flush()).toEqual([]);
  });
});
