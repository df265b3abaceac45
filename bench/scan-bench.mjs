#!/usr/bin/env node
// Throughput and memory of `ctrlscope scan` with every analyzer, beside `grep -c ''` on the same
// file in the same run (the machine is shared and noisy: ratios travel, absolute numbers don't).
//
//   npm run bench                 # 200 MB and 1000 MB generated logs
//   npm run bench -- 50 200       # other sizes, in MB
//   BENCH_AGAINST=../other/dist/cli/ctrlscope.js npm run bench -- 200
//                                 # beside another build: rounds alternate grep, that build,
//                                 # this one (the machine is shared: compare within a round)
//
// Inputs come from ../shared/tools/gen-log.mjs (mixed klog / zap JSON / zap console / slog, with
// four planted incidents) and are cached in bench/out/. Peak RSS is read with GNU time. Each scan
// runs BENCH_RUNS times (default 5): the best and the median wall time, and the highest peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'bench/out');
const cli = join(repo, 'dist/cli/ctrlscope.js');
const gen = process.env.CTRLSCOPE_GEN_LOG ?? resolve(repo, '../shared/tools/gen-log.mjs');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(200, 1000);
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
if (!existsSync(gen)) {
  console.error(`bench: generator not found at ${gen}; set CTRLSCOPE_GEN_LOG to gen-log.mjs`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });


/** Runs a command under GNU time; returns wall seconds, CPU seconds (user + system), peak RSS in MiB and stdout. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: rssKb / 1024, stdout: r.stdout, status: r.status };
}
const best = (n, f) => Array.from({ length: n }, f).sort((a, b) => a.wall - b.wall)[0];
/** Runs f n times: the best and the median run, and the highest peak RSS of all (the machine is noisy). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
function sample(f) {
  const all = Array.from({ length: RUNS }, f).sort((a, b) => a.wall - b.wall);
  return { ...all[0], median: all[all.length >> 1].wall, rssMiB: Math.max(...all.map((r) => r.rssMiB)) };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const against = process.env.BENCH_AGAINST;
if (against) {
  // Alternating rounds: grep -c '' (its output written to a file), the other build, this build.
  const rows = [];
  for (const mb of sizes) {
    const file = join(out, `gen-${mb}.log`);
    if (!existsSync(file)) execFileSync('node', [gen, file, String(mb)], { stdio: 'inherit' });
    const runs = { grep: [], against: [], this: [] };
    for (let i = 0; i < RUNS; i++) {
      const g = timed('sh', ['-c', `grep -c '' '${file}' > '${join(out, 'grep.out')}'`]);
      runs.grep.push(g);
      for (const [k, c] of [['against', resolve(against)], ['this', cli]]) {
        const r = timed('node', [c, 'scan', file, '-o', 'json']);
        if (r.status !== 0) throw new Error(`${k}: scan exited ${r.status}`);
        runs[k].push(r);
      }
    }
    const g = median(runs.grep.map((r) => r.wall));
    for (const [k, rs] of Object.entries(runs)) {
      const w = median(rs.map((r) => r.wall));
      rows.push({
        sizeMB: mb,
        build: k === 'against' ? against : k === 'this' ? 'this build' : "grep -c ''",
        'wall s (rounds)': rs.map((r) => r.wall.toFixed(2)).join(' '),
        'median s': w.toFixed(2),
        'x grep': (w / g).toFixed(1),
        'CPU s median': median(rs.map((r) => r.cpu)).toFixed(2),
        'peak RSS MiB': Math.max(...rs.map((r) => r.rssMiB)).toFixed(0),
      });
    }
  }
  console.table(rows);
  process.exit(0);
}

const rows = [];
for (const mb of sizes) {
  const file = join(out, `gen-${mb}.log`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${mb} MB…\n`);
    execFileSync('node', [gen, file, String(mb)], { stdio: 'inherit' });
  }
  const bytes = statSync(file).size;
  const grep = best(3, () => timed('grep', ['-c', '', file]));
  const lines = Number(grep.stdout.trim());
  const scan = sample(() => timed('node', [cli, 'scan', file, '-o', 'json']));
  if (scan.status !== 0) throw new Error(`scan exited ${scan.status}`);
  const report = JSON.parse(scan.stdout);
  const rules = [...new Set(report.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))].sort();
  rows.push({
    sizeMB: (bytes / 1e6).toFixed(0),
    lines,
    'grep -c s': grep.wall.toFixed(2),
    'scan s': scan.wall.toFixed(2),
    'scan MB/s': (bytes / 1e6 / scan.wall).toFixed(0),
    'median s': scan.median.toFixed(2),
    'median MB/s': (bytes / 1e6 / scan.median).toFixed(0),
    'scan lines/s': Math.round(lines / scan.wall),
    'scan/grep': (scan.wall / grep.wall).toFixed(1),
    'peak RSS MiB': scan.rssMiB.toFixed(0),
    found: rules.join(' '),
  });
}
console.table(rows);
if (rows.length > 1) {
  const rss = rows.map((r) => Number(r['peak RSS MiB']));
  console.log(`RSS from ${rows[0].sizeMB} MB to ${rows.at(-1).sizeMB} MB: ${(((rss.at(-1) - rss[0]) / rss[0]) * 100).toFixed(0)}%`);
}
const help = best(5, () => timed('node', [cli, '--help']));
console.log(`ctrlscope --help: ${(help.wall * 1000).toFixed(0)} ms (best of 5)`);
