#!/usr/bin/env node
// Memory of `ctrlscope serve` holding N watched RemediationRequests (realistic objects, from the
// fake apiserver of bench/watch-bench.mjs run as a child): serve runs as its own process, as in a
// pod; the bench waits until /metrics says it is ready and has ingested every object and 5 000
// watch updates, then reads serve's peak RSS (VmHWM). Target: 50 000 objects within 512 MiB.
//
//   npm run build && node bench/serve-bench.mjs [N=50000]
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 50_000);
const UPDATES = Math.min(5_000, N);
const cli = join(repo, 'dist/cli/ctrlscope.js');

const api = fork(join(repo, 'bench/watch-bench.mjs'), ['--serve', String(N)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ready = await new Promise((r) => api.once('message', r));
const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-serve-bench-'));
const kubeconfig = join(dir, 'kubeconfig');
// The fake's kubeconfig comes in client-node's loadFromOptions shape; serve reads a file.
const o = ready.kubeconfig;
const file = {
  apiVersion: 'v1', kind: 'Config', 'current-context': o.currentContext,
  clusters: o.clusters.map((c) => ({ name: c.name, cluster: { server: c.server, 'insecure-skip-tls-verify': c.skipTLSVerify ?? undefined } })),
  users: o.users.map((u) => ({ name: u.name, user: { ...(u.token ? { token: u.token } : {}) } })),
  contexts: o.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user, namespace: c.namespace } })),
};
writeFileSync(kubeconfig, JSON.stringify(file));
const port = await new Promise((r) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const t0 = performance.now();
const serve = spawn('node', [cli, 'serve', '--kubeconfig', kubeconfig, '-n', 'bench', '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
const metric = (text, name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
const scrape = async () => {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    return '';
  }
};
let tList;
let asked = false;
for (;;) {
  const m = await scrape();
  const ingested = metric(m, 'ctrlscope_ingested_total');
  if (!asked && ingested >= N) {
    asked = true;
    tList = performance.now();
    api.send('update');
  }
  if (asked && ingested >= N + UPDATES) break;
  await new Promise((r) => setTimeout(r, 200));
}
const tAll = performance.now();
const status = readFileSync(`/proc/${serve.pid}/status`, 'utf8');
const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
const findings = (await scrape()).split('\n').filter((l) => l.startsWith('ctrlscope_finding{')).length;
serve.kill('SIGTERM');
api.kill();
const mib = (k) => (k / 1024).toFixed(0);
console.log(`serve: ${N} objects listed and watched (+${UPDATES} updates), ${findings} finding series on /metrics`);
console.log(`list to ingested: ${((tList - t0) / 1000).toFixed(1)} s; updates: ${((tAll - tList) / 1000).toFixed(1)} s`);
console.log(`serve RSS: peak ${mib(kb('VmHWM'))} MiB, now ${mib(kb('VmRSS'))} MiB (target ≤ 512 MiB)`);
process.exitCode = kb('VmHWM') <= 512 * 1024 ? 0 : 1;
