// messageOf must give exactly parseLine's message for every line: property checks over every
// parser's samples, the real logs under /work/shared/real-data (when present) and a generated
// mixed-format log, plus edge cases with their exact expected messages.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canGenerate, generatedLines, parserSamples } from '../../test/helpers/log-lines.js';
import { messageOf, parseLine } from './index.js';

const opts = { source: 'x', referenceYear: 2026 };
const REAL_DATA = '/work/shared/real-data';

/** Lines whose messageOf differs from parseLine's message (at most 5, for a readable failure). */
function mismatches(lines: readonly string[]): { line: string; messageOf: string; parseLine: string }[] {
  const bad: { line: string; messageOf: string; parseLine: string }[] = [];
  for (const l of lines) {
    const fast = messageOf(l);
    const full = parseLine(l, 1, opts).message;
    if (fast !== full) {
      bad.push({ line: l.slice(0, 300), messageOf: fast, parseLine: full });
      if (bad.length >= 5) break;
    }
  }
  return bad;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}


describe('messageOf equals parseLine(…).message', () => {
  it('on every parser sample, bare, wrapped and with a CR', () => {
    const lines: string[] = [];
    for (const l of parserSamples) {
      lines.push(l, `${l}\r`, `2026-01-02T03:04:05.123456789Z stdout F ${l}`, `2026-01-02T03:04:05.123Z ${l}`, `svc-1  | ${l}`);
    }
    expect(lines.length).toBeGreaterThan(50);
    expect(mismatches(lines)).toEqual([]);
  });

  const files = existsSync(REAL_DATA) ? filesUnder(REAL_DATA) : [];
  it.runIf(files.length > 0)('on every line of every file under real-data', () => {
    let n = 0;
    for (const f of files) {
      const lines = readFileSync(f, 'utf8').split('\n');
      n += lines.length;
      expect({ file: f, bad: mismatches(lines) }).toEqual({ file: f, bad: [] });
    }
    expect(n).toBeGreaterThan(1000);
  });

  it.runIf(canGenerate)('on the first 50 000 lines of a generated log', () => {
    const lines = generatedLines(50_000, 12);
    expect(lines.length).toBe(50_000);
    expect(mismatches(lines)).toEqual([]);
  }, 60_000);
});

describe('messageOf edge cases', () => {
  const cases: [string, string, string][] = [
    ['klog plain keeps trailing key=value',
      'I0807 20:20:19.509309       1 leaderelection.go:257] successfully acquired lease ns/lock id=abc',
      'successfully acquired lease ns/lock id=abc'],
    ['structured klog, quoted msg unescaped',
      'E0807 20:42:36.955971       1 event.go:442] "Could not \\"construct\\" reference" err="x y"',
      'Could not "construct" reference'],
    ['logr klog sink',
      'I0803 09:20:59.099941       1 listener.go:44] controller-runtime/metrics "msg"="metrics server\\tlistening"  "addr"=":8080"',
      'metrics server\tlistening'],
    ['zap JSON with escapes and a nested msg first',
      '{"level":"info","obj":{"msg":"inner"},"msg":"a \\"b\\" \\u00e9\\n\\ud83d\\ude00","n":[1,2.5e3,-0.1,null,true]}',
      'a "b" é\n😀'],
    ['JSON: a non-string msg gives way to message',
      '{"level":"error","msg":42,"message":"real one"}',
      'real one'],
    ['JSON: duplicate msg keeps the last value',
      '{"level":"info","msg":"first","msg":"second"}',
      'second'],
    ['JSON: invalid JSON keeps the whole line',
      '{"level":"info","msg":"unterminated \\x41"}',
      '{"level":"info","msg":"unterminated \\x41"}'],
    ['JSON: no message key',
      '{"level":"info","ts":1625968332.269727,"count":3}',
      ''],
    ['JSON: escaped key falls back and is still right',
      '{"level":"info","m\\u0073g":"escaped key"}',
      'escaped key'],
    ['slog JSON',
      '{"time":"2022-11-08T15:28:26.000000000-05:00","level":"INFO","msg":"hello","count":3}',
      'hello'],
    ['zap console: logger and caller, JSON context dropped',
      '2026-08-07T20:20:19Z\tINFO\tsetup\tcmd/main.go:345\tWatching single namespace\t{"namespace": "dhl-wva-209"}',
      'Watching single namespace'],
    ['zap console: no logger, no caller, JSON context',
      '2026-08-07T20:20:19Z\tINFO\tplain message\t{"a": 1}',
      'plain message'],
    ['zap console: trailing non-JSON stays in the message',
      '2026-08-07T20:20:19Z\tINFO\tcmd/main.go:1\tmsg\t{not json}',
      'msg\t{not json}'],
    ['slog text: message up to the trailing pairs',
      '2025/11/02 10:32:57 WARN Health check failed error="Get \\"http://o:8000\\": refused" n=2',
      'Health check failed'],
    ['plain Go log line',
      '2025/11/02 10:32:57 starting up x=1',
      'starting up x=1'],
    ['logfmt msg, CRI wrapper, CR at end',
      '2026-01-02T03:04:05.123456789Z stderr F level=info msg="Loading \\"config\\"" file=/etc/x\r',
      'Loading "config"'],
    ['logfmt: message key, bare number value',
      'level=warn message=404 path=/x',
      '404'],
    ['logfmt: no msg key',
      'level=info ts=2020-08-02T04:56:51.414Z caller=main.go:805',
      ''],
    ['compose wrapper, unknown format',
      'acexy  | just some text',
      'just some text'],
    ['glued must-gather timestamp cut off',
      'lock is held by ip-10-0-1-2 and has not yet expired at /var/lock/kube-apiserver/.lock2021-08-03T09:45:19.861139627Z ',
      'lock is held by ip-10-0-1-2 and has not yet expired at /var/lock/kube-apiserver/.lock'],
    ['empty line', '', ''],
    ['CRI wrapper with nothing after it', '2026-01-02T03:04:05.123Z stdout F', ''],
  ];
  for (const [name, line, want] of cases) {
    it(name, () => {
      expect(messageOf(line)).toBe(want);
      expect(parseLine(line, 1, opts).message).toBe(want);
    });
  }

  it('klog and slog lines with out-of-range time digits keep a message independent of the previous line', () => {
    // The time parsers return NaN early on these; the message start used to come from the
    // previous line's time end (here far to the right, after a long compose name).
    const klogBad = 'I1399 20:20:19.509309       1 x.go:1] month thirteen in a line long enough to matter';
    const slogBad = '2025/13/02 10:32:57 INFO bad month in a line long enough to matter n=1';
    const prevs = [
      'I0807 20:20:19.5       1 y.go:2] short frac',
      'a-rather-long-compose-service-name  | 2025/11/02 10:32:57.123456789 INFO long frac',
    ];
    for (const prev of prevs) {
      parseLine(prev, 1, opts);
      expect(parseLine(klogBad, 2, opts).message).toBe('month thirteen in a line long enough to matter');
      parseLine(prev, 1, opts);
      expect(parseLine(slogBad, 2, opts).message).toBe('bad month in a line long enough to matter');
      parseLine(prev, 1, opts);
      expect(messageOf(klogBad)).toBe('month thirteen in a line long enough to matter');
      expect(messageOf(slogBad)).toBe('bad month in a line long enough to matter');
    }
  });
});
