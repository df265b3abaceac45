#!/usr/bin/env node
// The line stage's keyword search against its alternatives, in one thread, per character: how
// fast each finds which lines hold a word of the rules' vocabularies (the words every analyzer
// declares, as the engine gathers them). Needs a build (`npm run build`) and a log:
//
//   node bench/keyword-bench.mjs bench/out/gen-200.log [MB]   # first MB megabytes (default 50)
//
// Rows: the automaton the line stage uses (src/engine/word-matcher.ts); a loop that only sums
// each line's bytes (what any per-character JavaScript loop costs here); a RegExp alternation of
// the same words with the `i` flag, and without it on lower-cased text; 0.1.0's 28 case-sensitive
// words, for reference. Each runs 3 times over the same 64 KiB pieces; lines found must agree.
import { closeSync, openSync, readSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [path, mb = '50'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/keyword-bench.mjs LOG [MB]   (a log from ../shared/tools/gen-log.mjs, e.g. bench/out/gen-200.log)');
  process.exit(2);
}
const { ANALYZERS } = await import(join(repo, 'dist/src/analyzers/index.js'));
const { Engine } = await import(join(repo, 'dist/src/engine/engine.js'));
const { WordMatcher } = await import(join(repo, 'dist/src/engine/word-matcher.js'));
const want = new Engine({ analyzers: ANALYZERS, now: Date.now() }).want;
const words = [...new Set(want.groups.flatMap((g) => [...g.keywords, ...(g.counts ?? [])]).map((w) => w.toLowerCase()))];

/** The file's first `limit` bytes as latin1 pieces of whole lines, about 64 KiB each (as the line stage decodes them). */
function pieces(limit) {
  const buf = Buffer.alloc(64 << 10);
  const out = [];
  const fd = openSync(path, 'r');
  let carry = Buffer.alloc(0);
  for (let total = 0; total < limit; ) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const b = Buffer.concat([carry, buf.subarray(0, n)]);
    const nl = b.lastIndexOf(10);
    out.push(b.subarray(0, nl + 1));
    carry = Buffer.from(b.subarray(nl + 1));
    total += n;
  }
  closeSync(fd);
  return out;
}
const bytes = pieces(Number(mb) * 1e6);
const texts = bytes.map((b) => b.toString('latin1'));
const chars = texts.reduce((a, s) => a + s.length, 0);

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const reI = new RegExp(words.map(esc).join('|'), 'i');
const reLower = new RegExp(words.map(esc).join('|'));
const v010 = /failed with: |econcil|Starting reflector|reated|pending|Pending|racked|light|utstanding|rphan|nreleased|held|equeu|nqueu|Trigger|ConfigMap|Secret|Selected|Acquired|Reserved|Allocated|Started|Released|Finished|Completed|Removed|ailed to|nable to/;
const matcher = new WordMatcher(want.groups);

/** Lines of each piece for which `hit(text, start, end)` is true. */
function perLine(hit, lower = false) {
  let n = 0;
  for (const t0 of texts) {
    const t = lower ? t0.toLowerCase() : t0;
    for (let st = 0; st < t.length; ) {
      let nl = t.indexOf('\n', st);
      if (nl < 0) nl = t.length;
      if (hit(t, st, nl)) n++;
      st = nl + 1;
    }
  }
  return n;
}
function sumBytes() {
  let x = 0;
  for (const b of bytes) for (let st = 0; st < b.length; ) {
    let nl = b.indexOf(10, st);
    if (nl < 0) nl = b.length;
    for (let i = st; i < nl; i++) x = (x + b[i]) | 0;
    st = nl + 1;
  }
  return x & 0;
}
const rows = [
  ['automaton (word-matcher.ts)', () => perLine((t, a, b) => matcher.flags(t, a, b) !== 0)],
  ['sum of bytes (loop floor)', sumBytes],
  [`RegExp of ${words.length} words, i flag`, () => perLine((t, a, b) => reI.test(t.slice(a, b)))],
  [`RegExp of ${words.length} words, lower-cased text`, () => perLine((t, a, b) => reLower.test(t.slice(a, b)), true)],
  ["0.1.0's 28 words, case-sensitive", () => perLine((t, a, b) => v010.test(t.slice(a, b)))],
];
console.log(`${path}: first ${(chars / 1e6).toFixed(1)} M characters, ${words.length} distinct words`);
for (let r = 0; r < 3; r++) {
  for (const [name, f] of rows) {
    const t0 = process.hrtime.bigint();
    const lines = f();
    const ns = Number(process.hrtime.bigint() - t0) / chars;
    console.log(`${name.padEnd(44)} ${ns.toFixed(2)} ns/char  ${lines} lines`);
  }
}
