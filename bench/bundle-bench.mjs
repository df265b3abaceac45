#!/usr/bin/env node
// Throughput and memory of `ctrlscope scan` on a must-gather bundle, as a directory and as a
// .tar.gz, beside `grep -c ''` over the same data in the same run (the machine is shared and
// noisy: ratios travel, absolute numbers don't).
//
//   node bench/bundle-bench.mjs          # a ~100 MB (unpacked) bundle
//   node bench/bundle-bench.mjs 600      # another size, in MB
//   CTRLSCOPE_BENCH_OUT=/tmp/b node bench/bundle-bench.mjs 600   # build the inputs elsewhere
//
// The bundle is built in bench/out/ with the OpenShift must-gather layout: `timestamp`, an image
// folder, 10 pods whose `current.log` come from ../shared/tools/gen-log.mjs (mixed formats with
// planted incidents, a different seed per pod) and a RemediationRequest dump. Target (issue 5):
// ≥ 100 MB/s and peak RSS ≤ 256 MB for both forms. Peak RSS is read with GNU time. Each scan runs
// BENCH_RUNS times (default 5): the best and the median wall time, and the highest peak RSS.
//
// That bundle is nearly all log text. Real must-gathers hold as much YAML as logs, so when
// ../shared/real-data/must-gather-aws is there (or CTRLSCOPE_REAL_MG names one) a second bundle,
// `real-copies-MB`, is made of copies of its namespaces (renamed ns-1, ns-2, …) up to the same
// size, and scanned the same way. Its rows are reported beside the target, not counted in it.
// Likewise, when ../shared/real-data/must-gather-metal.tar.xz is there, `metal-copies-MB`: that
// whole real must-gather (3 605 files in 95 MB: logs, YAML, journald host logs, HTML) unpacked,
// with its namespaces copied until the bundle weighs MB. It is the shape whose memory grew with
// size (many files per megabyte), so its peak RSS is the one to watch against 256 MiB (issue 14:
// a 600 MB one, `node bench/bundle-bench.mjs 600`). Set BENCH_ONLY=metal to scan only that row.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.env.CTRLSCOPE_BENCH_OUT ?? join(repo, 'bench/out'));
const cli = join(repo, 'dist/cli/ctrlscope.js');
const gen = process.env.CTRLSCOPE_GEN_LOG ?? [resolve(repo, '../shared/tools/gen-log.mjs'), '/work/shared/tools/gen-log.mjs'].find(existsSync);
const mb = Number(process.argv[2] ?? 100);
const PODS = 10;
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
if (!gen || !existsSync(gen)) {
  console.error('bench: gen-log.mjs not found; set CTRLSCOPE_GEN_LOG to its path');
  process.exit(2);
}

const dir = join(out, `bundle-${mb}`);
const image = join(dir, 'quay-io-example-must-gather-sha256-bench');
const tgz = join(out, `bundle-${mb}.tar.gz`);
const onlyMetal = process.env.BENCH_ONLY === 'metal';
if (!onlyMetal && !existsSync(join(dir, 'timestamp'))) {
  process.stderr.write(`building a ${mb} MB must-gather in ${dir}…\n`);
  for (let p = 0; p < PODS; p++) {
    const logs = join(image, `namespaces/ns-${p % 3}/pods/controller-${p}-7d9f8b6c5d-x2k4p/manager/manager/logs`);
    mkdirSync(logs, { recursive: true });
    execFileSync('node', [gen, join(logs, 'current.log'), String(mb / PODS), String(p + 1)], { stdio: 'inherit' });
  }
  const rr = join(image, 'namespaces/kubernaut-system/kubernaut.ai');
  mkdirSync(rr, { recursive: true });
  const item = (i) => `- apiVersion: kubernaut.ai/v1alpha1\n  kind: RemediationRequest\n  metadata:\n    name: rr-0123456789ab-${String(i).padStart(8, '0')}\n    namespace: kubernaut-system\n    creationTimestamp: "2026-11-20T0${i % 10}:00:00Z"\n  spec:\n    signalFingerprint: ${String(i).padStart(64, '0')}\n  status:\n    overallPhase: Completed\n`;
  writeFileSync(join(rr, 'remediationrequests.yaml'), `apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: 50 }, (_, i) => item(i)).join('')}`);
  writeFileSync(join(image, 'timestamp'), '2026-11-20 14:00:00.000000000 +0000 UTC m=+0.1\n2026-11-20 14:00:05.000000000 +0000 UTC m=+5.1\n');
  writeFileSync(join(dir, 'timestamp'), '2026-11-20 13:59:59.000000000 +0000 UTC m=+0.2\n2026-11-20 14:00:06.000000000 +0000 UTC m=+6.2\n');
}
if (!onlyMetal && !existsSync(tgz)) {
  process.stderr.write(`packing ${tgz}…\n`);
  const tar = await import('tar');
  await tar.c({ gzip: true, file: tgz, cwd: out, portable: true }, [`bundle-${mb}`]);
}

/** Bytes of all files under a directory. */
function du(d) {
  let n = 0;
  for (const e of readdirSync(d, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

/** Runs a command under GNU time; returns wall seconds, peak RSS in MiB and stdout. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const [wall, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssMiB: rssKb / 1024, stdout: r.stdout, stderr: r.stderr, status: r.status };
}
const best = (n, f) => Array.from({ length: n }, f).sort((a, b) => a.wall - b.wall)[0];
/** Runs f n times: the best and the median run, and the highest peak RSS of all (the machine is noisy). */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
function sample(f) {
  const all = Array.from({ length: RUNS }, f).sort((a, b) => a.wall - b.wall);
  return { ...all[0], median: all[all.length >> 1].wall, rssMiB: Math.max(...all.map((r) => r.rssMiB)) };
}

/** A must-gather of copies of a real one's namespaces, about `mb` MB; undefined without the real one. */
async function realCopies() {
  const real = process.env.CTRLSCOPE_REAL_MG ?? [resolve(repo, '../shared/real-data/must-gather-aws'), '/work/shared/real-data/must-gather-aws'].find(existsSync);
  if (!real || !existsSync(real)) return undefined;
  const rdir = join(out, `real-copies-${mb}`);
  const rtgz = join(out, `real-copies-${mb}.tar.gz`);
  if (!existsSync(join(rdir, 'timestamp'))) {
    process.stderr.write(`building a ${mb} MB must-gather of copies of ${real} in ${rdir}…\n`);
    const image = readdirSync(real, { withFileTypes: true }).find((e) => e.isDirectory());
    if (!image) return undefined;
    const from = join(real, image.name);
    const to = join(rdir, image.name);
    mkdirSync(join(to, 'namespaces'), { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.name !== 'namespaces') cpSync(join(from, e.name), join(to, e.name), { recursive: true });
    }
    const namespaces = readdirSync(join(from, 'namespaces'));
    for (let i = 1; du(rdir) < mb * 1e6; i++) {
      for (const ns of namespaces) cpSync(join(from, 'namespaces', ns), join(to, 'namespaces', `${ns}-${i}`), { recursive: true });
    }
    cpSync(join(real, 'timestamp'), join(rdir, 'timestamp'));
  }
  if (!existsSync(rtgz)) {
    const tar = await import('tar');
    await tar.c({ gzip: true, file: rtgz, cwd: out, portable: true }, [`real-copies-${mb}`]);
  }
  return { rdir, rtgz };
}

/** A must-gather of must-gather-metal with its namespaces copied up to `mb` MB; undefined without it. */
function metalCopies() {
  const xz = [resolve(repo, '../shared/real-data/must-gather-metal.tar.xz'), '/work/shared/real-data/must-gather-metal.tar.xz'].find(existsSync);
  if (!xz) return undefined;
  const mdir = join(out, `metal-copies-${mb}`);
  if (!existsSync(join(mdir, 'timestamp'))) {
    process.stderr.write(`building a ${mb} MB must-gather of copies of ${xz} in ${mdir}…\n`);
    const unpacked = join(out, 'metal-unpacked');
    if (!existsSync(unpacked)) {
      mkdirSync(unpacked, { recursive: true });
      execFileSync('tar', ['-xJf', xz, '-C', unpacked]);
    }
    const real = join(unpacked, readdirSync(unpacked)[0]);
    const image = readdirSync(real, { withFileTypes: true }).find((e) => e.isDirectory());
    const from = join(real, image.name);
    const to = join(mdir, image.name);
    mkdirSync(join(to, 'namespaces'), { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.name !== 'namespaces') cpSync(join(from, e.name), join(to, e.name), { recursive: true });
    }
    let size = du(mdir);
    const namespaces = readdirSync(join(from, 'namespaces'));
    for (let i = 1; size < mb * 1e6; i++) {
      for (const ns of namespaces) {
        if (size >= mb * 1e6) break;
        cpSync(join(from, 'namespaces', ns), join(to, 'namespaces', `${ns}-${i}`), { recursive: true });
        size += du(join(from, 'namespaces', ns));
      }
    }
    cpSync(join(real, 'timestamp'), join(mdir, 'timestamp'));
  }
  return mdir;
}

const rows = [];
const forms = [];
if (!onlyMetal) {
  const bytes = du(dir);
  const real = await realCopies();
  forms.push(['directory', dir, bytes], ['tar.gz', tgz, bytes]);
  if (real) forms.push(['real-copies dir', real.rdir, du(real.rdir)], ['real-copies tar.gz', real.rtgz, du(real.rdir)]);
}
const metal = metalCopies();
if (metal) forms.push(['metal-copies dir', metal, du(metal)]);
for (const [form, target, bytes] of forms) {
  const grepCmd = target.endsWith('.tar.gz') ? ['sh', ['-c', `gzip -dc '${target}' | grep -c ''`]] : ['sh', ['-c', `find '${target}' -type f -exec cat {} + | grep -c ''`]];
  const grep = best(3, () => timed(...grepCmd));
  const scan = sample(() => timed('node', [cli, 'scan', target, '-o', 'json']));
  if (scan.status !== 0 && scan.status !== 1) throw new Error(`scan ${target} exited ${scan.status}: ${scan.stderr.slice(0, 2000)}`);
  const report = JSON.parse(scan.stdout);
  const bundle = report.inputs.find((i) => i.kind === 'bundle');
  const rules = [...new Set(report.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))].sort();
  const lines = report.inputs.filter((i) => i.kind === 'log').reduce((n, i) => n + i.lines, 0);
  rows.push({
    form,
    'unpacked MB': (bytes / 1e6).toFixed(0),
    'on disk MB': (statSync(target).isDirectory() ? bytes / 1e6 : statSync(target).size / 1e6).toFixed(1),
    layout: bundle?.format ?? '-',
    'log lines': lines,
    'grep -c s': grep.wall.toFixed(2),
    'scan s': scan.wall.toFixed(2),
    'scan MB/s': (bytes / 1e6 / scan.wall).toFixed(0),
    'median s': scan.median.toFixed(2),
    'median MB/s': (bytes / 1e6 / scan.median).toFixed(0),
    'scan/grep': (scan.wall / grep.wall).toFixed(1),
    'peak RSS MiB': scan.rssMiB.toFixed(0),
    found: rules.join(' '),
  });
}
console.table(rows);
const ok = !onlyMetal && rows.slice(0, 2).every((r) => Number(r['scan MB/s']) >= 100 && Number(r['peak RSS MiB']) <= 256);
if (!onlyMetal) console.log(`target ≥ 100 MB/s and ≤ 256 MiB RSS for both forms of the generated bundle: ${ok ? 'met' : 'NOT met'}`);
const m = rows.find((r) => r.form === 'metal-copies dir');
if (m) console.log(`peak RSS of a ${m['unpacked MB']} MB must-gather directory of must-gather-metal copies: ${m['peak RSS MiB']} MiB (target ≤ 256 MiB at any size: ${Number(m['peak RSS MiB']) <= 256 ? 'met' : 'NOT met'})`);
