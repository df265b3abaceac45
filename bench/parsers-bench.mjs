#!/usr/bin/env node
// Micro-benchmark of the line parsers: ns/line for detectLine (every line), parseLine and messageOf
// (every line, and per format, messageOf's share of parseLine's time beside it), plus
// CriJoiner.push pass-through cost. Build first:
//   node /work/shared/tools/gen-log.mjs /tmp/x.log 50 && npx tsc -p tsconfig.build.json
//   node bench/parsers-bench.mjs [/tmp/x.log] [ROUNDS]
import { readFileSync } from 'node:fs';
import { CriJoiner, detectLine, messageOf, parseLine } from '../dist/src/parsers/index.js';

const file = process.argv[2] ?? '/tmp/x.log';
const rounds = Number(process.argv[3] ?? 5);
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
if (lines.at(-1) === '') lines.pop();
const bytes = Buffer.byteLength(text);
const opts = { source: file, referenceYear: 2026 };

// CPU time (user + system) rather than wall time, so that other processes on a shared machine
// inflate the numbers less; the best of `rounds` runs is reported.
function time(label, fn, n, b) {
  fn(); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    const ns = (c.user + c.system) * 1000;
    if (ns < best) best = ns;
  }
  const perLine = best / n;
  const mbs = b / 1048576 / (best / 1e9);
  process.stdout.write(`${label.padEnd(40)} ${perLine.toFixed(1).padStart(8)} ns/line ${mbs.toFixed(0).padStart(6)} MB/s  (${n} lines)\n`);
}

let sink = 0;
// Baselines: on a shared or throttled machine, read the parser numbers relative to these.
time('baseline: loop + 2 charCodeAt', () => {
  for (let i = 0; i < lines.length; i++) sink += lines[i].charCodeAt(3) + lines[i].charCodeAt(40);
}, lines.length, bytes);
const jsonLines = lines.filter((l) => l.charCodeAt(0) === 123);
if (jsonLines.length > 0) {
  time('baseline: JSON.parse ({…} lines)', () => {
    for (let i = 0; i < jsonLines.length; i++) sink += JSON.parse(jsonLines[i]) === null ? 0 : 1;
  }, jsonLines.length, jsonLines.reduce((a, l) => a + l.length + 1, 0));
}
time('detectLine (all lines)', () => {
  for (let i = 0; i < lines.length; i++) sink += detectLine(lines[i]).level.length;
}, lines.length, bytes);

time('CriJoiner.push (no P lines)', () => {
  const j = new CriJoiner();
  for (let i = 0; i < lines.length; i++) sink += j.push(lines[i], i + 1) === undefined ? 0 : 1;
}, lines.length, bytes);

// parseLine and messageOf alternate within each round, so load from other processes falls on both.
function pair(label, ls, b) {
  const parse = () => {
    for (let i = 0; i < ls.length; i++) sink += parseLine(ls[i], i + 1, opts).message.length;
  };
  const message = () => {
    for (let i = 0; i < ls.length; i++) sink += messageOf(ls[i]).length;
  };
  parse();
  message();
  let bestParse = Infinity;
  let bestMessage = Infinity;
  for (let r = 0; r < rounds; r++) {
    for (const [fn, isParse] of [[parse, true], [message, false]]) {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      const ns = (c.user + c.system) * 1000;
      if (isParse) bestParse = Math.min(bestParse, ns);
      else bestMessage = Math.min(bestMessage, ns);
    }
  }
  const row = (name, best, extra) => {
    const mbs = b / 1048576 / (best / 1e9);
    process.stdout.write(`${name.padEnd(40)} ${(best / ls.length).toFixed(1).padStart(8)} ns/line ${mbs.toFixed(0).padStart(6)} MB/s  (${ls.length} lines)${extra}\n`);
  };
  row(`parseLine ${label}`, bestParse, '');
  row(`messageOf ${label}`, bestMessage, `  ${((100 * bestMessage) / bestParse).toFixed(0).padStart(3)} % of parseLine`);
}

pair('(all lines)', lines, bytes);

const byFormat = new Map();
for (const l of lines) {
  const d = detectLine(l);
  const k = `${d.wrapper}+${d.format}`;
  if (!byFormat.has(k)) byFormat.set(k, []);
  byFormat.get(k).push(l);
}
for (const [k, ls] of byFormat) pair(k, ls, ls.reduce((a, l) => a + l.length + 1, 0));
process.stdout.write(`(sink ${sink % 7}, ${(bytes / 1048576).toFixed(0)} MB, avg ${(bytes / lines.length).toFixed(0)} B/line)\n`);
