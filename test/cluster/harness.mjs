// Process and cluster plumbing for the cluster test tier: builds the Go
// binaries, starts etcd and kube-apiserver on 127.0.0.1, runs the controllers,
// and stops every process it started by its pid. Used by cluster.mjs (the CLI
// behind `npm run cluster:*`) and by the vitest files next to it.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const STATE = path.join(ROOT, '.cluster');
export const BIN = path.join(HERE, 'bin');
export const LOGS = path.join(STATE, 'logs');
export const PIDS = path.join(STATE, 'pids');
export const K8S_VERSION = 'v1.33.13';
export const ADMIN_KUBECONFIG = path.join(STATE, 'kubeconfig');
export const RO_KUBECONFIG = path.join(STATE, 'ctrlscope.kubeconfig');
export const AUDIT_LOG = path.join(STATE, 'audit.log');
export const RO_USER = 'system:serviceaccount:ctrlscope-system:ctrlscope';
export const CONTROLLERS = ['apiservice-availability', 'gateway', 'stream-proxy', 'va-controller'];

const log = (...a) => console.error('[cluster]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Children of long steps (clusterctl bootstrap, the vitest run), killed on shutdown. */
const running = new Set();
let shuttingDown = false;

/**
 * Marks the tier as stopping (no process may start from now on) and stops the long steps in
 * progress. A signal handler calls it before down(), so that an `up` still under way cannot start
 * a process after down() has read the pid files.
 */
export function beginShutdown() {
  shuttingDown = true;
  for (const c of running) c.kill('SIGTERM');
}

/**
 * Runs a command to its end without blocking the event loop (spawnSync would hold a signal
 * handler back until the command ends, minutes for a bootstrap or a test run). Resolves with its
 * exit status and captured output (none when stdio is 'inherit').
 */
export function runAsync(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      running.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

export function goBinary() {
  for (const c of [process.env.GO, '/usr/local/go/bin/go']) if (c && fs.existsSync(c)) return c;
  const r = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error('go not found: install Go (>= 1.24) or set GO=/path/to/go');
}

/** Builds every binary into test/cluster/bin (incremental after the first time). */
export function build() {
  const go = goBinary();
  const ldflags = [
    `-X k8s.io/component-base/version.gitVersion=${K8S_VERSION}`,
    '-X k8s.io/component-base/version.gitMajor=1',
    '-X k8s.io/component-base/version.gitMinor=33',
    '-X k8s.io/component-base/version.gitTreeState=clean',
    '-X k8s.io/component-base/version.gitCommit=0000000000000000000000000000000000000000',
    '-X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z',
  ].join(' ');
  const t0 = Date.now();
  fs.mkdirSync(BIN, { recursive: true });
  log(`go build (${go}) …`);
  const r = spawnSync(go, ['build', '-o', BIN + '/', '-ldflags', ldflags, './cmd/...'], {
    cwd: HERE,
    stdio: 'inherit',
    env: { ...process.env, GOFLAGS: '-buildvcs=false' },
  });
  if (r.status !== 0) throw new Error(`go build failed (exit ${r.status})`);
  log(`go build done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

/** The pid recorded for name, if that process is alive and runs one of our binaries. */
export function runningPid(name) {
  const f = path.join(PIDS, `${name}.pid`);
  if (!fs.existsSync(f)) return null;
  const pid = Number(fs.readFileSync(f, 'utf8').trim());
  if (!pid || !alive(pid)) return null;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.startsWith(BIN)) return null; // pid reused by something else
  } catch {
    /* not Linux: trust the pid */
  }
  return pid;
}

/** Starts BIN/binary detached, output to .cluster/logs/<name>.log, pid to .cluster/pids/<name>.pid. */
export function startProcess(name, binary, args) {
  if (shuttingDown) throw new Error(`shutting down: ${name} not started`);
  fs.mkdirSync(LOGS, { recursive: true });
  fs.mkdirSync(PIDS, { recursive: true });
  const logFile = path.join(LOGS, `${name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = spawn(path.join(BIN, binary), args, { detached: true, stdio: ['ignore', fd, fd], cwd: STATE });
  fs.closeSync(fd);
  child.unref();
  fs.writeFileSync(path.join(PIDS, `${name}.pid`), String(child.pid));
  return { pid: child.pid, logFile };
}

/** Stops the process recorded for name: SIGTERM, then SIGKILL after graceMs. */
export async function stopProcess(name, graceMs = 15_000) {
  const f = path.join(PIDS, `${name}.pid`);
  const pid = runningPid(name);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + graceMs;
    while (alive(pid) && Date.now() < until) await sleep(100);
    if (alive(pid)) {
      log(`${name} (pid ${pid}) ignored SIGTERM; SIGKILL`);
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await sleep(50);
    }
    log(`stopped ${name} (pid ${pid})`);
  }
  fs.rmSync(f, { force: true });
}

/** clusterctl without blocking the event loop, for its long steps (bootstrap waits for the apiserver). */
export async function clusterctlAsync(args) {
  const r = await runAsync(path.join(BIN, 'clusterctl'), args, { cwd: STATE });
  if (r.status !== 0) throw new Error(`clusterctl ${args[0]} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function clusterctl(args, opts = {}) {
  const r = spawnSync(path.join(BIN, 'clusterctl'), args, { encoding: 'utf8', cwd: STATE, ...opts });
  if (r.status !== 0) throw new Error(`clusterctl ${args[0]} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function readPorts() {
  const f = path.join(STATE, 'ports.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
}

export function status() {
  const procs = {};
  if (fs.existsSync(PIDS)) {
    for (const f of fs.readdirSync(PIDS)) {
      const name = f.replace(/\.pid$/, '');
      procs[name] = runningPid(name);
    }
  }
  return { ports: readPorts(), processes: procs };
}

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
`;

/** Starts etcd and kube-apiserver (if not already running) and bootstraps the cluster. Idempotent. */
export async function up() {
  for (const b of ['etcd', 'kube-apiserver', 'clusterctl']) {
    if (!fs.existsSync(path.join(BIN, b))) build();
  }
  fs.mkdirSync(STATE, { recursive: true });
  let ports = readPorts();
  const etcdUp = runningPid('etcd');
  const apiUp = runningPid('kube-apiserver');
  if (!ports || (!etcdUp && !apiUp)) {
    ports = { etcdClient: await freePort(), etcdPeer: await freePort(), apiserver: await freePort() };
    fs.writeFileSync(path.join(STATE, 'ports.json'), JSON.stringify(ports, null, 2));
  }
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const pki = path.join(STATE, 'pki');
  clusterctl(['pki', '--dir', pki, '--server', server, '--kubeconfig', ADMIN_KUBECONFIG]);
  fs.writeFileSync(path.join(STATE, 'audit-policy.yaml'), AUDIT_POLICY);

  if (!etcdUp) {
    const peer = `http://127.0.0.1:${ports.etcdPeer}`;
    const client = `http://127.0.0.1:${ports.etcdClient}`;
    startProcess('etcd', 'etcd', [
      '--name=ctrlscope-test',
      `--data-dir=${path.join(STATE, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=ctrlscope-test=${peer}`,
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ]);
    log(`etcd on 127.0.0.1:${ports.etcdClient}`);
  }
  if (!apiUp) {
    startProcess('kube-apiserver', 'kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${pki}`,
      `--tls-cert-file=${path.join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${path.join(pki, 'apiserver.key')}`,
      `--client-ca-file=${path.join(pki, 'ca.crt')}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      `--audit-policy-file=${path.join(STATE, 'audit-policy.yaml')}`,
      `--audit-log-path=${AUDIT_LOG}`,
      '--audit-log-format=json',
      '--audit-log-mode=blocking',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ]);
    log(`kube-apiserver ${K8S_VERSION} on ${server}`);
  }
  try {
    await clusterctlAsync(['bootstrap', '--kubeconfig', ADMIN_KUBECONFIG, '--readonly-kubeconfig', RO_KUBECONFIG, '--timeout=3m']);
    await clusterctlAsync(['seed', '--kubeconfig', ADMIN_KUBECONFIG]);
  } catch (e) {
    const tail = (n) => {
      const f = path.join(LOGS, `${n}.log`);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').slice(-15).join('\n') : '';
    };
    throw new Error(`${e.message}\n--- etcd.log ---\n${tail('etcd')}\n--- kube-apiserver.log ---\n${tail('kube-apiserver')}`);
  }
  log(`ready: admin ${ADMIN_KUBECONFIG}, read-only ${RO_KUBECONFIG}, audit ${AUDIT_LOG}`);
  return { server, ports };
}

/** Stops every process recorded under .cluster/pids, controllers first. */
export async function down({ purge = false } = {}) {
  const order = (n) => (n === 'etcd' ? 2 : n === 'kube-apiserver' ? 1 : 0);
  // Read the pid files again after each round: a process may have been recorded meanwhile.
  for (let round = 0; round < 5; round++) {
    const names = fs.existsSync(PIDS) ? fs.readdirSync(PIDS).map((f) => f.replace(/\.pid$/, '')) : [];
    if (names.length === 0) break;
    for (const n of names.sort((a, b) => order(a) - order(b))) await stopProcess(n);
  }
  if (purge) {
    for (const d of ['etcd', 'logs', 'dumps', 'pki', 'results']) fs.rmSync(path.join(STATE, d), { recursive: true, force: true });
    for (const f of ['audit.log', 'ports.json', 'kubeconfig', 'ctrlscope.kubeconfig']) fs.rmSync(path.join(STATE, f), { force: true });
  }
}

/** Polls url until it answers 200. */
export async function waitHttp(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready: ${last}`);
}

/**
 * Starts the four controllers in one mode against the cluster.
 * Returns { [controller]: { pid, logFile, metricsUrl, ... } }.
 */
export async function startControllers(mode) {
  const out = {};
  const common = ['--kubeconfig', ADMIN_KUBECONFIG, `--mode=${mode}`];
  for (const c of CONTROLLERS) {
    const port = await freePort();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const args = [...common.filter((a) => c !== 'stream-proxy' || a.startsWith('--mode')), `--metrics-bind-address=127.0.0.1:${port}`];
    const extra = {};
    if (c === 'apiservice-availability') args.push('--resync=30s', '--v=3');
    if (c === 'gateway') {
      extra.signalUrl = `http://127.0.0.1:${await freePort()}/api/v1/signals/prometheus`;
      // A wide enrichment window, so that a burst of concurrent signals reliably meets a stale cache
      // even when the requests reach the gateway tens of milliseconds apart.
      args.push(`--listen=${new URL(extra.signalUrl).host}`, '--namespace=kubernaut-system', '--enrichment-delay=500ms');
    }
    if (c === 'va-controller') args.push('--namespace=llm-d-sim');
    const p = startProcess(`${c}-${mode}`, c, args);
    out[c] = { ...p, metricsUrl, ...extra };
  }
  for (const c of CONTROLLERS) await waitHttp(out[c].metricsUrl);
  if (out.gateway.signalUrl) await waitHttp(out.gateway.signalUrl.replace(/\/api\/.*/, '/healthz'));
  fs.mkdirSync(path.join(STATE, 'results'), { recursive: true });
  fs.writeFileSync(path.join(STATE, 'results', `controllers-${mode}.json`), JSON.stringify(out, null, 2));
  return out;
}

export async function stopControllers(mode) {
  for (const c of CONTROLLERS) await stopProcess(`${c}-${mode}`);
}

/** One AlertManager webhook with one alert. */
export async function sendAlert(signalUrl, { alertname, namespace, pod, severity = 'critical' }) {
  const r = await fetch(signalUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ alerts: [{ status: 'firing', labels: { alertname, namespace, pod, severity } }] }),
  });
  return r.status;
}

export const STORM_ALERT = { alertname: 'KubePodCrashLooping', namespace: 'payments', pod: 'payments-api-7d9f8b6c5-x2x9q' };

/**
 * Drives one phase: concurrent alerts with one fingerprint at the gateway,
 * ConfigMap changes for the VariantAutoscaling controller, while the APIService
 * controller and the stream proxy run on their own. Lasts durationMs.
 */
export async function drivePhase(ctrls, durationMs) {
  const t0 = Date.now();
  const at = async (ms) => {
    const wait = t0 + ms - Date.now();
    if (wait > 0) await sleep(wait);
  };
  const schedule = [
    [3_000, 'burst'],
    [10_000, 'configmap'],
    [15_000, 'burst'],
    [20_000, 'single'],
    [30_000, 'configmap'],
    [35_000, 'burst'],
    [50_000, 'configmap'],
    [55_000, 'single'],
  ];
  for (const [ms, what] of schedule) {
    if (ms > durationMs) break;
    await at(ms);
    if (what === 'burst') {
      await Promise.all(Array.from({ length: 6 }, () => sendAlert(ctrls.gateway.signalUrl, STORM_ALERT)));
    } else if (what === 'single') {
      await sendAlert(ctrls.gateway.signalUrl, { alertname: 'KubeMemoryPressure', namespace: 'checkout', pod: `checkout-${ms}` });
    } else {
      clusterctl(['touch-configmap', '--kubeconfig', ADMIN_KUBECONFIG]);
    }
  }
  await at(durationMs);
}

/** `kubectl get -o yaml` dumps, read with the read-only identity. */
export function dumpResources(mode) {
  const out = path.join(STATE, 'dumps', mode);
  fs.rmSync(out, { recursive: true, force: true });
  clusterctl(['dump', '--kubeconfig', RO_KUBECONFIG, '--out', out]);
  return out;
}

export function cleanPhase() {
  clusterctl(['clean', '--kubeconfig', ADMIN_KUBECONFIG]);
}

/** The gateway's fingerprint of an alert: SHA-256 of alertname:namespace:Pod:pod, hex. */
export function fingerprint({ alertname, namespace, pod }) {
  return crypto.createHash('sha256').update(`${alertname}:${namespace}:Pod:${pod}`).digest('hex');
}

export function logPath(controller, mode) {
  return path.join(LOGS, `${controller}-${mode}.log`);
}
