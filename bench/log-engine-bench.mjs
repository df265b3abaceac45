#!/usr/bin/env node
// Throughput of `scan --logs-from` on a real VictoriaLogs (test/fleet/bin, `npm run fleet:build`)
// beside `scan FILE` on the same lines, and `grep -c ''` on the file, in lines per second; runs
// alternate. The lines are the generated benchmark log (../shared/tools/gen-log.mjs), pushed once
// through VictoriaLogs' Loki-compatible endpoint with their own times.
//
//   npm run build && npm run fleet:build && node bench/log-engine-bench.mjs [MB=50] [RUNS=3]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = Number(process.argv[2] ?? 50);
const RUNS = Number(process.argv[3] ?? 3);
const cli = join(repo, 'dist/cli/ctrlscope.js');
const vlBin = join(repo, 'test/fleet/bin/victoria-logs');
const gen = [resolve(repo, '../shared/tools/gen-log.mjs'), '/work/shared/tools/gen-log.mjs'].find(existsSync);
if (!existsSync(vlBin) || !gen || !existsSync(cli)) {
  console.error('bench: needs npm run build, npm run fleet:build and ../shared/tools/gen-log.mjs');
  process.exit(2);
}
const { parseLine } = await import(join(repo, 'dist/src/parsers/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-logengine-bench-'));
const log = join(dir, 'generated.log');
execFileSync('node', [gen, log, String(MB)]);
const lines = readFileSync(log, 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();

const port = await new Promise((r) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const url = `http://127.0.0.1:${port}`;
const vl = spawn(vlBin, [`-storageDataPath=${join(dir, 'vl')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'], { stdio: 'ignore' });
for (;;) {
  try {
    if ((await fetch(`${url}/health`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
let last = 0;
const year = Number(/\b(20\d\d)-\d\d-\d\d/.exec(lines.slice(0, 200).join('\n'))?.[1] ?? 2026);
const values = lines.map((l, i) => [String(BigInt((last = parseLine(l, i + 1, { source: log, referenceYear: year }).time ?? last)) * 1_000_000n), l]);
const first = Number(BigInt(values[0][0]) / 1_000_000n);
for (let i = 0; i < values.length; i += 20_000) {
  const r = await fetch(`${url}/insert/loki/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ streams: [{ stream: { job: 'bench' }, values: values.slice(i, i + 20_000) }] }) });
  if (!r.ok) throw new Error(`push: ${r.status}`);
}
await fetch(`${url}/internal/force_flush`);

const time = (cmd, args, out) => {
  const t = performance.now();
  execFileSync(cmd, args, { stdio: ['ignore', out ? 'pipe' : 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  return (performance.now() - t) / 1000;
};
const since = new Date(first - 1000).toISOString();
const until = new Date(last + 1000).toISOString();
const res = { engine: [], file: [], grep: [] };
for (let i = 0; i < RUNS; i++) {
  res.grep.push(time('sh', ['-c', `grep -c '' ${log} > ${join(dir, 'grep.out')}`]));
  res.file.push(time('node', [cli, 'scan', log, '-o', 'json'], true));
  res.engine.push(time('node', [cli, 'scan', '--logs-from', url, '--query', '{job="bench"}', '--since', since, '--until', until, '-o', 'json'], true));
}
vl.kill();
rmSync(dir, { recursive: true, force: true });
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (s) => `${Math.round(lines.length / s).toLocaleString('en')} lines/s`;
console.log(`${lines.length.toLocaleString('en')} lines (${MB} MB), median of ${RUNS} alternating runs:`);
console.log(`  scan --logs-from VictoriaLogs  ${med(res.engine).toFixed(2)} s  ${rate(med(res.engine))}`);
console.log(`  scan FILE                      ${med(res.file).toFixed(2)} s  ${rate(med(res.file))}`);
console.log(`  grep -c '' FILE                ${med(res.grep).toFixed(3)} s`);
