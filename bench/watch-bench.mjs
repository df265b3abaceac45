#!/usr/bin/env node
// Memory of live mode against a cluster with many objects. The fake apiserver (test/fake-apiserver)
// serves N RemediationRequests of a realistic size (managedFields, labels, annotations, status
// conditions) from a child process, so that only ctrlscope is measured. Three measurements:
//
//   cli         `ctrlscope watch --once -n bench -o json` as a user runs it: lists N objects in
//               pages of 500, settles, reports; peak RSS of that process (/usr/bin/time, else
//               the kernel's VmHWM). Target: 100 000 objects ≤ 512 MiB.
//   in-process  the cluster source and the engine with every analyzer in this process: the list,
//               then 5 000 watch updates. Peak RSS sampled every 50 ms.
//   huge        one watch event of 1.5 GB without a line end: the watch is cut at the 16 MiB event
//               cap; peak RSS of the process that watched it.
//
//   npm run build                              # the bench runs dist/
//   node bench/watch-bench.mjs                 # cli with 100 000 objects
//   node bench/watch-bench.mjs 50000 in-process
//   node bench/watch-bench.mjs 0 huge
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 100_000);
const MODE = process.argv[3] ?? 'cli';
const UPDATES = Math.min(5_000, N);
const mb = (b) => (b / 1048576).toFixed(0);

if (process.argv[2] === '--serve') {
  // Child: the fake apiserver with N objects.
  const { FakeApiServer } = await import('../test/fake-apiserver/server.mjs');
  const n = Number(process.argv[3]);
  const server = new FakeApiServer({ keepHistory: false });
  for (let i = 0; i < n; i++) server.create('remediationrequests', rr(i));
  await server.start();
  process.send({ url: server.url, kubeconfig: server.kubeconfig('bench'), yaml: server.kubeconfigYaml('bench') });
  process.on('message', (m) => {
    if (m === 'update') {
      for (let i = 0; i < Math.min(5_000, n); i++) server.update('remediationrequests', 'bench', name(i), { status: { overallPhase: 'Executing', observedGeneration: 2 } });
      process.send({ updated: true });
    }
    if (m === 'huge') {
      server.injectWatchFault('remediationrequests', { kind: 'huge', bytes: 1.5e9 });
      server.dropAll();
    }
  });
} else {
  if (!existsSync(join(repo, 'dist/src/sources/cluster/index.js')) || !existsSync(join(repo, 'dist/cli/ctrlscope.js'))) {
    console.error('bench: build first (npm run build)');
    process.exit(2);
  }
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(N)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((r) => child.once('message', r));
  try {
    if (MODE === 'cli') await cli(ready);
    else if (MODE === 'in-process') await inProcess(ready, child);
    else if (MODE === 'huge') await huge(ready, child);
    else throw new Error(`unknown mode ${MODE}`);
  } finally {
    child.kill();
  }
}

/** `ctrlscope watch --once` in its own process; its peak RSS. */
async function cli(ready) {
  const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-watch-bench-'));
  const kc = join(dir, 'kubeconfig');
  writeFileSync(kc, ready.yaml);
  // CTRLSCOPE_BENCH_REPO: another checkout's build, to compare builds against the same server.
  const cliRepo = process.env.CTRLSCOPE_BENCH_REPO ?? repo;
  const args = [join(cliRepo, 'dist/cli/ctrlscope.js'), 'watch', '--once', '--kubeconfig', kc, '-n', 'bench', '-o', 'json', '--settle', '2s'];
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = performance.now();
  const proc = timeBin ? spawn(timeBin, ['-f', 'maxrss %M', process.execPath, ...args]) : spawn(process.execPath, args);
  let out = '';
  let err = '';
  let hwm = 0;
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
    } catch {
      /* ended */
    }
  }, 100);
  const code = await new Promise((r) => proc.on('close', r));
  clearInterval(poll);
  rmSync(dir, { recursive: true, force: true });
  const secs = (performance.now() - t0) / 1000;
  const m = /maxrss (\d+)/.exec(err);
  const peak = m ? Number(m[1]) * 1024 : hwm;
  const rep = JSON.parse(out);
  const listed = rep.inputs.find((i) => i.source.endsWith('remediationrequests.kubernaut.ai'))?.lines;
  console.log(`cli: watch --once over ${N} RemediationRequests (listed ${listed}), exit ${code}, ${secs.toFixed(1)} s`);
  console.log(`peak RSS ${mb(peak)} MiB (target for 100 000: ≤ 512 MiB)`);
  process.exitCode = listed === N && peak <= 512 * 1048576 ? 0 : 1;
}

/** One watch event of 1.5 GB without a line end, read by a list-watch in this process. */
async function huge(ready, child) {
  const { listWatch, loadKube } = await import(join(repo, 'dist/src/sources/cluster/index.js'));
  const client = await loadKube({ options: ready.kubeconfig });
  const ac = new AbortController();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const baseline = process.memoryUsage().rss;
  let statusText = '';
  let synced = 0;
  const t0 = performance.now();
  for await (const ev of listWatch({
    client,
    path: '/apis/kubernaut.ai/v1alpha1/namespaces/bench/remediationrequests',
    signal: ac.signal,
    tuning: { backoffBaseMs: 10, backoffCapMs: 50 },
    onStatus: (s) => {
      if (s.state === 'retrying') statusText = s.detail ?? '';
    },
  })) {
    if (ev.type !== 'synced') continue;
    synced++;
    if (synced === 1) child.send('huge');
    else break;
  }
  ac.abort();
  clearInterval(timer);
  console.log(`huge: one 1.5 GB watch event without a line end, cut and re-listed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`reported: ${statusText}`);
  console.log(`RSS: baseline ${mb(baseline)} MiB, peak ${mb(peak)} MiB`);
}

/** The cluster source and the engine in this process: the list, then 5 000 updates. */
async function inProcess(ready, child) {
  const dist = join(repo, 'dist/src/sources/cluster/index.js');
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
  const src = clusterSource(opts, ac.signal, { objectKinds: engine.objectKindsRead() });
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
  const heap = process.memoryUsage().heapUsed;
  console.log(`in-process: objects listed+watched: ${N} (+${UPDATES} updates), ${findings.length} findings`);
  console.log(`list: ${((tList - t0) / 1000).toFixed(1)} s (${Math.round(N / ((tList - t0) / 1000))} objects/s); updates: ${((tAll - tList) / 1000).toFixed(1)} s`);
  console.log(`RSS: baseline ${mb(baseline)} MiB, peak ${mb(peak)} MiB (target ≤ 512 MiB) — heap used at end ${mb(heap)} MiB`);
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
