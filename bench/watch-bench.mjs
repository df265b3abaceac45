#!/usr/bin/env node
// Memory of the live cluster source: 50 000 watched RemediationRequests (realistic size, with
// managedFields, labels, annotations and status conditions) listed in pages of 500, then 5 000
// watch updates, all fed into the engine with every analyzer — as `watch` runs it. The fake
// apiserver runs in a child process so that only the client side is measured. Target (issue 6):
// peak RSS ≤ 512 MB.
//
//   npx tsc -p tsconfig.build.json      # the bench imports dist/
//   node bench/watch-bench.mjs          # 50 000 objects
//   node bench/watch-bench.mjs 100000   # another count
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 50_000);
const UPDATES = Math.min(5_000, N);

if (process.argv[2] === '--serve') {
  // Child: the fake apiserver with N objects.
  const { FakeApiServer } = await import('../test/fake-apiserver/server.mjs');
  const n = Number(process.argv[3]);
  const server = new FakeApiServer();
  for (let i = 0; i < n; i++) server.create('remediationrequests', rr(i));
  await server.start();
  process.send({ url: server.url, kubeconfig: server.kubeconfig('bench') });
  process.on('message', (m) => {
    if (m === 'update') {
      for (let i = 0; i < Math.min(5_000, n); i++) server.update('remediationrequests', 'bench', name(i), { status: { overallPhase: 'Executing', observedGeneration: 2 } });
      process.send({ updated: true });
    }
  });
} else {
  const dist = join(repo, 'dist/src/sources/cluster/index.js');
  if (!existsSync(dist)) {
    console.error('bench: build first (npx tsc -p tsconfig.build.json)');
    process.exit(2);
  }
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(N)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((r) => child.once('message', r));
  const { clusterSource, clusterOptionsFrom } = await import(dist);
  const { Engine } = await import(join(repo, 'dist/src/engine/engine.js'));
  const { ANALYZERS } = await import(join(repo, 'dist/src/analyzers/index.js'));
  const opts = { ...clusterOptionsFrom({ namespace: 'bench' }), kubeconfigOptions: ready.kubeconfig };
  // Only the custom resources: the other default types are empty in the fake.
  opts.resources = opts.resources.filter((r) => r.resource === 'remediationrequests');
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 50);
  const baseline = process.memoryUsage().rss;
  const ac = new AbortController();
  const engine = new Engine({ analyzers: ANALYZERS });
  let objects = 0;
  const t0 = performance.now();
  let tList;
  let updatedAsked = false;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const src = clusterSource(opts, ac.signal);
  const pump = (async () => {
    for await (const item of src) {
      engine.ingest(item);
      if (item.type !== 'events') continue;
      objects += item.events.length;
      sample();
      if (!updatedAsked && objects >= N) {
        updatedAsked = true;
        tList = performance.now();
        child.send('update');
      }
      if (objects >= N + UPDATES) resolveDone();
    }
  })();
  await done;
  const tAll = performance.now();
  const findings = engine.findings();
  sample();
  ac.abort();
  await pump.catch(() => {});
  clearInterval(timer);
  child.kill();
  const mb = (b) => (b / 1048576).toFixed(0);
  const heap = process.memoryUsage().heapUsed;
  console.log(`objects listed+watched: ${N} (+${UPDATES} updates), ${findings.length} findings`);
  console.log(`list: ${((tList - t0) / 1000).toFixed(1)} s (${Math.round(N / ((tList - t0) / 1000))} objects/s); updates: ${((tAll - tList) / 1000).toFixed(1)} s`);
  console.log(`RSS: baseline ${mb(baseline)} MB, peak ${mb(peak)} MB (target ≤ 512 MB) — heap used at end ${mb(heap)} MB`);
  process.exitCode = peak <= 512 * 1048576 ? 0 : 1;
}

function name(i) {
  return `rr-${i.toString(16).padStart(12, '0')}-${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}`;
}

function rr(i) {
  const fp = (i.toString(16).padStart(12, '0') + 'f'.repeat(52)).slice(0, 64);
  return {
    metadata: {
      name: name(i),
      namespace: 'bench',
      labels: { 'app.kubernetes.io/managed-by': 'gateway', 'kubernaut.ai/signal-type': 'prometheus', 'kubernaut.ai/severity': 'critical' },
      annotations: { 'kubernaut.ai/alert-name': `KubePodCrashLooping-${i % 97}`, 'kubernaut.ai/source': 'alertmanager' },
      managedFields: [
        { manager: 'gateway', operation: 'Update', apiVersion: 'kubernaut.ai/v1alpha1', time: '2026-11-20T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:signalFingerprint': {}, 'f:signalName': {}, 'f:severity': {}, 'f:targetResource': { '.': {}, 'f:kind': {}, 'f:name': {}, 'f:namespace': {} } } } },
        { manager: 'remediationorchestrator', operation: 'Update', apiVersion: 'kubernaut.ai/v1alpha1', time: '2026-11-20T10:00:05Z', fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { '.': {}, 'f:overallPhase': {}, 'f:conditions': {}, 'f:deduplication': { '.': {}, 'f:occurrenceCount': {} } } } },
      ],
    },
    spec: {
      signalFingerprint: fp,
      signalName: `KubePodCrashLooping-${i % 97}`,
      severity: 'critical',
      signalType: 'prometheus',
      targetResource: { kind: 'Pod', name: `app-${i % 1000}-7d9c8b6f5-x2k4j`, namespace: `team-${i % 20}` },
      signalLabels: { alertname: 'KubePodCrashLooping', container: 'app', namespace: `team-${i % 20}`, pod: `app-${i % 1000}` },
    },
    status: {
      overallPhase: 'Processing',
      deduplication: { occurrenceCount: 1, firstSeenAt: '2026-11-20T10:00:00Z', lastSeenAt: '2026-11-20T10:00:00Z' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'Processing', message: 'signal accepted and routed', lastTransitionTime: '2026-11-20T10:00:05Z' }],
    },
  };
}
