import { describe, expect, it } from 'vitest';
import { COUNT_SHIFT, WordMatcher } from './word-matcher.js';

/** One group: its kept words give bit 1, its counted words COUNT. */
const KEEP = 1;
const COUNT = 1 << COUNT_SHIFT;
const one = (keep: string[], count: string[]) => new WordMatcher([{ keywords: keep, counts: count }]);

const flags = (m: WordMatcher, s: string) => m.flags(s, 0, s.length);

describe('WordMatcher', () => {
  it('finds kept and counted words regardless of case, anywhere in the line', () => {
    const m = one(['ConfigMap', 'pending'], ['Started']);
    expect(flags(m, 'msg="configmap va-config updated" count=20')).toBe(KEEP);
    expect(flags(m, 'WARN Pending streams still tracked count=9')).toBe(KEEP);
    expect(flags(m, 'INFO Started new stream id="{id: 7f}" clients=2')).toBe(COUNT);
    expect(flags(m, 'INFO STARTED')).toBe(COUNT);
    expect(flags(m, 'INFO Incoming request')).toBe(0);
  });

  it('tells the groups apart: each line gets the bits of the groups whose words it holds', () => {
    const m = new WordMatcher([
      { keywords: ['failed with: ', 'equeu'] },
      { keywords: ['queued', 'pending'], counts: ['Started'] },
      { keywords: ['configmap', 'requeu'] },
    ]);
    expect(flags(m, 'cacher (configmaps): 1234 objects queued in incoming channel.')).toBe(0b110);
    expect(flags(m, 'cacher (pods): 1234 objects queued in incoming channel.')).toBe(0b010);
    // Words overlapping at one place: each group whose word ends there.
    expect(flags(m, 'Reconciler error, requeuing')).toBe(0b101);
    expect(flags(m, 'Started new stream')).toBe(0b010 << COUNT_SHIFT);
    expect(flags(m, 'Started: 3 pending')).toBe(0b010 | (0b010 << COUNT_SHIFT));
    expect(flags(m, 'Incoming request')).toBe(0);
  });

  it('gives groups past the fifteenth the last bit', () => {
    const groups = Array.from({ length: 17 }, (_, i) => ({ keywords: [`word${String.fromCharCode(97 + i)}`] }));
    const m = new WordMatcher(groups);
    expect(flags(m, 'worda')).toBe(1);
    expect(flags(m, 'wordo')).toBe(1 << 14);
    expect(flags(m, 'wordq')).toBe(1 << 14);
  });

  it('reports both when a counted word comes before a kept one', () => {
    const m = one(['pending'], ['started']);
    expect(flags(m, 'started: 3 pending')).toBe(KEEP | COUNT);
  });

  it('finds words that overlap or end inside another (the automaton falls back, it does not restart)', () => {
    const m = one(['he', 'she', 'his', 'hers'], []);
    expect(flags(m, 'ushers')).toBe(KEEP);
    const q = one(['queued'], ['equeu']);
    expect(flags(q, 're-queue of the item; requeued')).toBe(KEEP | COUNT);
    expect(flags(q, 'requeue')).toBe(COUNT);
    const r = one(['abcd'], ['bc']);
    expect(flags(r, 'abce abcd')).toBe(KEEP | COUNT);
    expect(flags(r, 'xabcx')).toBe(COUNT);
  });

  it('looks only at text[start, end)', () => {
    const m = one(['held'], []);
    const text = 'slots held: 3\nnothing here\n';
    expect(m.flags(text, 14, 26)).toBe(0);
    expect(m.flags(text, 0, 13)).toBe(KEEP);
    expect(m.flags(text, 0, 8)).toBe(0);
  });

  it('matches punctuation, digits and spaces as themselves', () => {
    const m = one(['failed with: ', 'knative.dev/traceid', "handler '"], ['expected 1']);
    expect(flags(m, 'v1beta1.metrics.example.io failed with: 401')).toBe(KEEP);
    expect(flags(m, 'v1beta1.metrics.example.io failed with:401')).toBe(0);
    expect(flags(m, '{"knative.dev/traceid":"x"}')).toBe(KEEP);
    expect(flags(m, "Handler 'on_create' succeeded")).toBe(KEEP);
    expect(flags(m, 'expected 1, got 2')).toBe(COUNT);
    expect(flags(m, 'expected 2')).toBe(0);
  });

  it('treats cases of non-ASCII letters as a RegExp with the i flag does', () => {
    const m = one(['überfällig'], ['kelvin']);
    expect(flags(m, 'ÜBERFÄLLIG: 3')).toBe(KEEP);
    expect(flags(m, 'Überfällig: 3')).toBe(KEEP);
    expect(/kelvin/i.test('\u212Aelvin')).toBe(false);
    expect(flags(m, '\u212Aelvin')).toBe(0);
    expect(flags(m, 'KELVIN')).toBe(COUNT);
  });

  it('agrees with a case-insensitive RegExp over real lines', () => {
    const keep = ['econcil', 'equeu', 'queued', 'in-flight', 'held', 'configmap', 'status update', 'knative.dev/traceid'];
    const count = ['Started', 'Completed', 'ailed to', 'imeout'];
    const m = one(keep, count);
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const keepRe = new RegExp(keep.map(esc).join('|'), 'i');
    const countRe = new RegExp(count.map(esc).join('|'), 'i');
    const lines = [
      'I1120 08:00:00.123456      20 cacher.go:412] cacher (configmaps): 1234 objects queued in incoming channel.',
      '2026-11-20T08:00:00.123Z 2026-11-20T08:00:00Z\tINFO\tcontrollers.VariantAutoscaling\tcontroller/variantautoscaling_controller.go:123\tOptimization completed successfully\t{"model": "model-3", "durationMs": 12}',
      '2026-11-20T08:00:00.123Z 2026/11/20 08:00:00 INFO Started new stream id="{id: 0a1b}" clients=2',
      'E1120 08:00:00.123456       1 available_controller.go:524] v1beta1.metrics.example.io failed with: failing or missing response',
      '{"level":"info","ts":"2026-11-20T08:00:00.123Z","logger":"gateway.server","msg":"Incoming request","endpoint":"/api/v1/signals/prometheus"}',
      'time="2024-01-01T00:00:00Z" level=warning msg="Reconciler error: Operation cannot be fulfilled, requeuing" controller=foo',
      'Timeout waiting for status update of pod x; 3 requests in-flight',
    ];
    for (const l of lines) {
      const want = keepRe.test(l) ? KEEP : 0;
      const f = flags(m, l);
      expect(f & KEEP, l).toBe(want);
      if (!want) expect(f & COUNT, l).toBe(countRe.test(l) ? COUNT : 0);
    }
  });
});
