#!/usr/bin/env node
// The live dashboard under an event storm: a LiveSession over the real engine and analyzers, the
// real ink App rendering to a counting stdout (120×40, maxFps 10), fed 5 000 log lines per
// second for ~10 s. Reports frames per second and how long a key (tab) takes to show on screen.
//
//   node bench/dashboard-bench.mjs            # 5000 lines/s for 10 s
//   node bench/dashboard-bench.mjs 20000 5    # other rate and duration
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(process.env.CTRLSCOPE_DIST ?? join(repo, 'dist'));
if (!existsSync(join(dist, 'src/ui/App.js'))) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const [{ ANALYZERS }, { Engine }, { LiveSession }, { App }, { newInput }, React, { render }] = await Promise.all([
  load('src/analyzers/index.js'),
  load('src/engine/engine.js'),
  load('src/engine/live.js'),
  load('src/ui/App.js'),
  load('src/sources/types.js'),
  import('react'),
  import('ink'),
]);

const rate = Number(process.argv[2] ?? 5000);
const seconds = Number(process.argv[3] ?? 10);

class Stdout extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  frames = [];
  write(s) {
    const t = performance.now();
    // ink writes a frame as several chunks (synchronized-output markers around the content);
    // a frame is the chunk that carries the drawing.
    if (s.includes('╮') || s.includes('╗')) this.frames.push({ t, s });
    // Checked synchronously: the chunks of one frame are written back to back.
    this.waiters = this.waiters.filter((w) => !(w.test(s) && (w.done(t), true)));
    return true;
  }
  /** Resolves with the time of the first write for which `test` holds. */
  when(test) {
    return new Promise((done) => this.waiters.push({ test, done }));
  }
  waiters = [];
}
class Stdin extends EventEmitter {
  isTTY = true;
  data = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  press(s) {
    this.data = s;
    this.emit('readable');
  }
}

// Lines in real formats that keep every analyzer busy: 401 retries over many APIServices,
// rising pending counters, reconciles with many reconcileIDs, and plain noise.
let seq = 0;
const pad = (n, w = 2) => String(n).padStart(w, '0');
function line(t) {
  const d = new Date(t);
  const k = seq++;
  const klogTs = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000`;
  switch (k % 5) {
    case 0:
      return `E${klogTs}       1 available_controller.go:524] v1.svc${k % 200}.example.io failed with: failing or missing response from https://10.96.0.${k % 250}:443/apis/svc${k % 200}.example.io/v1: bad status from https://10.96.0.${k % 250}:443/apis/svc${k % 200}.example.io/v1: 401`;
    case 1:
      return `${d.toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' ')} WARN Pending streams still tracked count=${Math.floor(k / 50)}`;
    case 2:
      return `${d.toISOString()}\tINFO\tcontroller/reconciler.go:142\tReconciling VariantAutoscaling\t{"controller": "va", "namespace": "ns", "name": "obj-${k % 300}", "reconcileID": "r-${k}"}`;
    case 3:
      return `{"level":"info","ts":"${d.toISOString()}","logger":"gateway.server","msg":"Signal processed successfully","fingerprint":"fp${k % 1000}","duration_ms":12}`;
    default:
      return `I${klogTs}       1 reflector.go:376] watch of *v1.Pod ended with: too old resource version: ${k}`;
  }
}

const engine = new Engine({ analyzers: ANALYZERS });
const session = new LiveSession({ engine, intervalMs: 100, sampleMs: 1000 });
const stdout = new Stdout();
const stdin = new Stdin();
const inst = render(React.createElement(App, { session, meta: { mode: 'bench' }, colour: true }), {
  stdout,
  stdin,
  stderr: stdout,
  exitOnCtrlC: false,
  patchConsole: false,
  maxFps: 10,
});
session.startSampler();
const input = newInput('bench.log', 'log');

const tickMs = 10;
const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
const t0 = performance.now();
let dataTime = Date.UTC(2026, 10, 22, 10, 0, 0);
let lineNo = 1;
let sent = 0;
const lags = [];
let maxLoopLag = 0;

// Producer: a batch every 10 ms, catching up if the loop fell behind.
const producer = setInterval(() => {
  const due = Math.floor(((performance.now() - t0) / 1000) * rate);
  while (sent < due) {
    const n = Math.min(perTick, due - sent);
    const lines = [];
    for (let i = 0; i < n; i++) {
      dataTime += 1000 / rate;
      lines.push(line(dataTime));
    }
    session.ingest({ type: 'lines', input, lines, firstLine: lineNo });
    lineNo += n;
    sent += n;
  }
}, tickMs);

// Event-loop lag probe.
let last = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  maxLoopLag = Math.max(maxLoopLag, now - last - 50);
  last = now;
}, 50);

const strip = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const RULES = ['queue-leak', 'duplicate-cr', 'stale-pending', 'reconcile-burst'];
let panel = 0;
async function pressTab() {
  const want = RULES[(panel + 1) % RULES.length];
  // The selected panel has the double border: its title line reads `║ RULE … ║`.
  const re = new RegExp(`║ ${want}\\s`);
  const shown = stdout.when((s) => {
    const lines = strip(s).split('\n');
    const i = lines.findIndex((l) => l.includes('╔'));
    return i >= 0 && re.test(lines[i + 1] ?? '');
  });
  const t = performance.now();
  stdin.press('\t');
  lags.push((await shown) - t);
  panel = (panel + 1) % RULES.length;
}

await new Promise((r) => setTimeout(r, 500));
const keyLoop = (async () => {
  while (performance.now() - t0 < seconds * 1000 - 600) {
    await pressTab();
    await new Promise((r) => setTimeout(r, 400));
  }
})();
await new Promise((r) => setTimeout(r, seconds * 1000));
clearInterval(producer);
clearInterval(probe);
await keyLoop;
const elapsed = (performance.now() - t0) / 1000;
const frames = stdout.frames.filter((f) => f.t >= t0).length;
// Busiest one-second window of frames.
let peak = 0;
for (let i = 0, j = 0; i < stdout.frames.length; i++) {
  while (stdout.frames[i].t - stdout.frames[j].t > 1000) j++;
  peak = Math.max(peak, i - j + 1);
}
lags.sort((a, b) => a - b);
const pct = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? NaN;
inst.unmount();
session.stop();
const findings = engine.findings();
console.log(
  JSON.stringify(
    {
      linesPerSecondAsked: rate,
      linesPerSecondDone: Math.round(sent / elapsed),
      seconds: Number(elapsed.toFixed(1)),
      frames,
      framesPerSecond: Number((frames / elapsed).toFixed(2)),
      peakFramesInOneSecond: peak,
      keyPresses: lags.length,
      keyToScreenMs: { p50: Math.round(pct(0.5)), p90: Math.round(pct(0.9)), max: Math.round(lags[lags.length - 1] ?? NaN) },
      maxEventLoopLagMs: Math.round(maxLoopLag),
      findings: findings.length,
    },
    null,
    2,
  ),
);
process.exit(0);
