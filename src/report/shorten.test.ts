import { describe, expect, it } from 'vitest';
import { grouped, outputWidth, shorten, wrap } from './shorten.js';

// samples/demo/kube-apiserver.log:4, kube-aggregator's line for an APIService whose backend answers 401.
const LINE =
  'E1122 10:00:03.000000       1 available_controller.go:524] v0alpha1.provisioning.grafana.app failed with: failing or missing response from https://10.96.141.27:443/apis/provisioning.grafana.app/v0alpha1: bad status from https://10.96.141.27:443/apis/provisioning.grafana.app/v0alpha1: 401';

describe('shorten', () => {
  it('keeps the decisive status code when it cuts a line', () => {
    const s = shorten(LINE, 120);
    expect(s.length).toBeLessThanOrEqual(120);
    expect(s.startsWith('E1122 10:00:03.000000')).toBe(true);
    expect(s.endsWith(': 401')).toBe(true);
    expect(s).toContain('…');
  });

  it('keeps a counter value and an error reason', () => {
    const counter = '2025-11-02T18:02:57.786196777Z 2025/11/02 18:02:57 WARN Pending streams still tracked count=3';
    expect(shorten(counter, 70)).toMatch(/count=3$/);
    const reason = `${'x'.repeat(100)} reason=Unauthorized more text here`;
    expect(shorten(reason, 60)).toContain('reason=Unauthorized');
  });

  it('cuts plainly when nothing decisive lies past the cut, and leaves short lines alone', () => {
    expect(shorten('a'.repeat(50), 10)).toBe('aaaaaaaaa…');
    expect(shorten('short', 10)).toBe('short');
  });
});

describe('wrap', () => {
  it('wraps at spaces, never inside a word, with a hanging indent', () => {
    const lines = wrap('Release the reservation on every path, sweep entries that outlive their owner', 30, '  ', '    ');
    expect(lines).toEqual(['  Release the reservation on', '    every path, sweep entries', '    that outlive their owner']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });

  it('gives a word longer than the width a line of its own', () => {
    expect(wrap(`see ${'x'.repeat(40)} now`, 20)).toEqual(['see', 'x'.repeat(40), 'now']);
  });
});

describe('output width and numbers', () => {
  it('uses the terminal width on a TTY, COLUMNS elsewhere, else 100', () => {
    expect(outputWidth({ isTTY: true, columns: 132 })).toBe(132);
    expect(outputWidth({ isTTY: false }, { COLUMNS: '80' })).toBe(80);
    expect(outputWidth({ isTTY: false }, {})).toBe(100);
  });
  it('groups thousands with spaces', () => {
    expect(grouped(944173)).toBe('944 173');
    expect(grouped(3681)).toBe('3 681');
    expect(grouped(12)).toBe('12');
  });
});
