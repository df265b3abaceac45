// detectCodeAt classifies a line where it lies inside a larger text, and messageAt finds its
// message there; they must give exactly what detectCode and messageOf give for the line sliced
// out (messageAt also the origin name, from `wrap`). The risk is a detector reading past the line's end
// into the next line, so every line is also cut at every length, with the cut-off rest (or the
// whole line again) following as the next line: the characters a wrong detector would need to
// accept a line that is too short are right there.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canGenerate, generatedLines, parserSamples } from '../../test/helpers/log-lines.js';
import { detectCode, detectCodeAt, detected, messageAt, messageOf } from './index.js';
import { wrap } from './registry.js';

const DEMO = new URL('../../samples/demo/', import.meta.url);

/** Every sample bare and behind each wrapper, plus lines made to sit on detector boundaries. */
function corpus(): string[] {
  const lines: string[] = [];
  for (const l of parserSamples) {
    lines.push(l, `2026-01-02T03:04:05.123456789Z stdout F ${l}`, `2026-01-02T03:04:05.123456789Z stderr P ${l}`,
      `2026-01-02T03:04:05.123Z ${l}`, `svc-1  | ${l}`, `svc-1  | 2026-01-02T03:04:05.123Z ${l}`,
      `[pod/web-0/app] ${l}`, `[pod/web-0/app] 2026-01-02T03:04:05.123456789Z ${l}`);
  }
  lines.push(
    '1\tINFO\tx', '1700000000.5\tinfo\tmsg', '2026-08-07T20:20:19Z\tWARN\tm', '2025/11/02 10:32:57', '2025/11/02 10:32:57.5 INFO+2 m',
    'I0807 20:20', 'level=info msg=x', 'lvl=warn', 'a=b', '{"msg":"x"}', '{"v":1,"msg":"x"}', '{"time":"t","level":"INFO"}',
    '[pod/a/b] ', '[pod/a/b]', '[pod/ab] x', 'svc  |', 'svc  | ', 'svc |x', '2026-01-02T03:04:05Z stdout F', '2026-01-02T03:04:05Z stdout P x',
  );
  for (const name of readdirSync(DEMO)) {
    if (name.endsWith('.log')) lines.push(...readFileSync(new URL(name, DEMO), 'utf8').split('\n'));
  }
  return lines;
}

/** Cases where detectCodeAt disagrees with detectCode on the line by itself (at most 5). */
function disagreements(lines: readonly string[]): string[] {
  const bad: string[] = [];
  const check = (text: string, start: number, end: number, line: string) => {
    const want = detectCode(line);
    const got = detectCodeAt(text, start, end);
    if (got !== want && bad.length < 5) {
      bad.push(`${JSON.stringify(line.slice(0, 120))}: ${JSON.stringify(detected(got))} instead of ${JSON.stringify(detected(want))}`);
    }
  };
  const prev = 'I0807 20:20:19.509309       1 x.go:1] the line before';
  for (const l of lines) {
    for (let k = 0; k <= l.length; k++) {
      const cut = l.slice(0, k);
      const s = prev.length + 1;
      // The rest of the line follows the cut, in place (one character replaced) and shifted.
      check(`${prev}\n${cut}\n${l.slice(k + 1)}`, s, s + k, cut);
      check(`${cut}\n${l.slice(k)}`, 0, k, cut);
      // A CR before the newline: the stage hands it over (or drops one of two) with the line.
      check(`${cut}\r${l.slice(k + 1)}`, 0, k, cut);
      check(`${prev}\n${cut}\r\n${l}`, s, s + k + 1, `${cut}\r`);
    }
  }
  return bad;
}

describe('detectCodeAt equals detectCode on the sliced line', () => {
  it('for every sample, wrapped every way, cut at every length, with the rest as the next line', () => {
    const lines = corpus();
    expect(lines.length).toBeGreaterThan(300);
    expect(disagreements(lines)).toEqual([]);
  });

  it.runIf(canGenerate)('for 2 000 lines of a generated mixed-format log, cut the same way', () => {
    const lines = generatedLines(2000, 1);
    expect(lines.length).toBe(2000);
    expect(disagreements(lines)).toEqual([]);
  }, 60_000);

  it('classifies a line in the middle of a text by its own characters only', () => {
    const text = 'I0807 20:20:19.509309       1 x.go:1] a\n2025/11/02 10:32:57 WARN b n=1\r\n{"level":"error","msg":"c"}';
    const [a, b, c] = [[0, 39], [40, 71], [72, text.length]].map(([s, e]) => detected(detectCodeAt(text, s!, e!)));
    expect([a, b, c]).toEqual([
      { format: 'klog', wrapper: 'none', level: 'info' },
      { format: 'slog-text', wrapper: 'none', level: 'warning' },
      { format: 'zap-json', wrapper: 'none', level: 'error' },
    ]);
  });
});

/** The message and origin name messageAt finds, or messageOf on the sliced line. */
function messageAndName(text: string, start: number, end: number, inPlace: boolean): [string, string | undefined] {
  if (inPlace) {
    const m = messageAt(text, start, end);
    return [m, wrap.nameEnd < 0 ? undefined : text.slice(wrap.nameStart, wrap.nameEnd)];
  }
  const line = text.slice(start, end);
  const m = messageOf(line);
  return [m, wrap.nameEnd < 0 ? undefined : line.slice(wrap.nameStart, wrap.nameEnd)];
}

describe('messageAt equals messageOf on the sliced line', () => {
  it('for every sample, wrapped every way, cut at every length, with the rest as the next line', () => {
    const bad: string[] = [];
    const check = (text: string, start: number, end: number) => {
      const got = messageAndName(text, start, end, true);
      const want = messageAndName(text, start, end, false);
      if ((got[0] !== want[0] || got[1] !== want[1]) && bad.length < 5) bad.push(`${JSON.stringify(text.slice(start, end).slice(0, 120))}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`);
    };
    const prev = 'svc-9  | 2025/11/02 10:32:57 INFO the line before n=1';
    for (const l of corpus()) {
      for (let k = 0; k <= l.length; k++) {
        const cut = l.slice(0, k);
        const s = prev.length + 1;
        check(`${prev}\n${cut}\n${l.slice(k + 1)}`, s, s + k);
        check(`${cut}\n${l.slice(k)}`, 0, k);
        check(`${cut}\r${l.slice(k + 1)}`, 0, k);
        check(`${prev}\n${cut}\r\n${l}`, s, s + k + 1);
      }
    }
    expect(bad).toEqual([]);
  });

  it('reads a slog line in place, with its compose service as the origin name', () => {
    const text = 'x\nacexy  | 2025/11/02 10:33:45 INFO Started new stream id="{id: 4b52}" clients=0\ny';
    const start = 2;
    const end = text.lastIndexOf('\n');
    expect(messageAndName(text, start, end, true)).toEqual(['Started new stream', 'acexy']);
  });
});
