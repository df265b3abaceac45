import { describe, expect, it } from 'vitest';
import { CriJoiner, detectLine, parseLine } from './index.js';

const opts = { source: 'x.log', referenceYear: 2026 };

describe('wrappers', () => {
  it('CRI: time from the prefix when the inner line has none (free text: plain); stream and tag stripped', () => {
    const ev = parseLine('2016-10-06T00:17:09.669794202Z stdout F log content 2', 1, opts);
    expect([ev.wrapper, ev.format, ev.level, ev.time, ev.message]).toEqual(['cri', 'plain', 'unknown', Date.UTC(2016, 9, 6, 0, 17, 9, 669), 'log content 2']);
    const k = parseLine('2024-04-20T18:39:20.57606443Z stderr F E0420 18:39:20.576000       1 x.go:9] failed', 1, opts);
    expect([k.wrapper, k.format, k.level, k.time, k.caller]).toEqual(['cri', 'klog', 'error', Date.UTC(2024, 3, 20, 18, 39, 20, 576), 'x.go:9']);
    expect(parseLine('2025-01-15T10:30:03.000000000Z stdout F ', 1, opts).message).toBe('');
  });

  it('CRI partial lines are joined with the F line that ends them', () => {
    const j = new CriJoiner();
    expect(j.push('I0118 14:11:54.123456       1 file.go:408] msg', 1)).toEqual({ raw: 'I0118 14:11:54.123456       1 file.go:408] msg', line: 1 });
    expect(j.push('2024-01-15T10:30:00Z stdout P {"level":"info",', 2)).toBeUndefined();
    expect(j.push('2024-01-15T10:30:00.5Z stderr F other stream', 3)).toEqual({ raw: '2024-01-15T10:30:00.5Z stderr F other stream', line: 3 });
    expect(j.push('2024-01-15T10:30:00Z stdout P "msg":"hel', 4)).toBeUndefined();
    const joined = j.push('2024-01-15T10:30:01Z stdout F lo"}', 5);
    expect(joined).toEqual({ raw: '2024-01-15T10:30:00Z stdout F {"level":"info","msg":"hello"}', line: 2 });
    const ev = parseLine(joined!.raw, joined!.line, opts);
    expect([ev.format, ev.message, ev.wrapper]).toEqual(['zap-json', 'hello', 'cri']);
    expect(j.push('2024-01-15T10:30:02Z stderr P dangling', 6)).toBeUndefined();
    expect(j.flush()).toEqual([{ raw: '2024-01-15T10:30:02Z stderr F dangling', line: 6 }]);
    expect(j.flush()).toEqual([]);
  });

  it('kubectl --timestamps prefix; a glued next-line prefix is cut from the message', () => {
    const ev = parseLine('2021-08-03T09:45:19.860146567Z Acquiring exclusive lock /var/log/kube-apiserver/.lock2021-08-03T09:45:19.861139627Z ', 1, opts);
    expect([ev.wrapper, ev.format, ev.time]).toEqual(['timestamp', 'plain', Date.UTC(2021, 7, 3, 9, 45, 19, 860)]);
    expect(ev.message).toBe('Acquiring exclusive lock /var/log/kube-apiserver/.lock');
    expect(ev.raw).toBe('2021-08-03T09:45:19.860146567Z Acquiring exclusive lock /var/log/kube-apiserver/.lock2021-08-03T09:45:19.861139627Z ');
  });

  it('kubectl logs --prefix: origin from pod/container, inner format and --timestamps time', () => {
    const ev = parseLine('[pod/gateway-7d9f-fghij/gateway] {"level":"error","ts":"2026-11-20T08:00:00.019123Z","msg":"Created RemediationRequest CRD","name":"rr-1"}', 1, opts);
    expect([ev.wrapper, ev.format, ev.level, ev.origin, ev.message, ev.fields.name, ev.time]).toEqual([
      'kubectl-prefix', 'zap-json', 'error', 'gateway-7d9f-fghij/gateway', 'Created RemediationRequest CRD', 'rr-1', Date.UTC(2026, 10, 20, 8, 0, 0, 19),
    ]);
    const t = parseLine('[pod/kube-controller-manager-0/kcm] 2026-11-20T08:00:01.500000000Z I1120 08:00:01.499000       1 controller.go:9] "Reconciler error" err="boom"', 1, opts);
    expect([t.wrapper, t.format, t.level, t.origin, t.time, t.message]).toEqual([
      'kubectl-prefix', 'klog', 'info', 'kube-controller-manager-0/kcm', Date.UTC(2026, 10, 20, 8, 0, 1, 499), 'Reconciler error',
    ]);
    expect(detectLine('[pod/a/b] plain text')).toEqual({ format: 'unknown', wrapper: 'kubectl-prefix', level: 'unknown' });
    // Not the kubectl prefix: no container part, no closing `] `, or another bracketed word.
    for (const raw of ['[pod/only-a-pod] x', '[pod/a/b]x', '[node/n1] x', '[pod/a/b]']) expect(detectLine(raw).wrapper).toBe('none');
  });

  it('compose prefix, and junk lines that are not wrappers', () => {
    expect(detectLine('acexy  | 2025-10-12T22:34:39.725663265Z 2025/10/12 22:34:39 INFO x=1')).toEqual({ format: 'slog-text', wrapper: 'compose', level: 'info' });
    expect(detectLine('acexy-1  | {"level":"error","msg":"x"}')).toEqual({ format: 'zap-json', wrapper: 'compose', level: 'error' });
    for (const junk of ['Timestamps', 'Poll', '', 'a | b', '[-]poststarthook/rbac/bootstrap-roles failed: not finished']) {
      const d = detectLine(junk);
      expect(d.format).toBe('unknown');
      const ev = parseLine(junk, 1, opts);
      expect([ev.format, ev.level, ev.message]).toEqual(['unknown', 'unknown', junk.startsWith('a |') ? 'b' : junk]);
    }
  });
});

describe('robustness', () => {
  it('strips a trailing \\r', () => {
    const ev = parseLine('I0118 14:11:54.123456       1 file.go:408] hello count=3\r', 1, opts);
    expect([ev.message, ev.fields, ev.raw]).toEqual(['hello count=3', { count: 3 }, 'I0118 14:11:54.123456       1 file.go:408] hello count=3']);
    expect(detectLine('{"level":"warn","msg":"x"}\r').level).toBe('warning');
  });

  it('never throws and agrees with detectLine on odd input', () => {
    const odd = [
      '', ' ', '{', '{"', '}', 'I', 'I0118', 'I0118 14:11:54', 'I0118 14:11:54.1', 'I9999 99:99:99.999999 1 x] y',
      '2025-', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z ', '2025-01-01T00:00:00Z stdout', '2025-01-01T00:00:00Z stdout F',
      '2025/01/01 00:00:00', '2025/01/01', '2025-13-45T99:99:99Z x', 'x=', 'x="unterminated', 'a=1 b={"c":', '\t\t', 'LEVEL(-',
      '2026-01-01T00:00:00Z\tINFO\t', '2026-01-01T00:00:00Z\tINFO', 'n  |', 'I0118 14:11:54.123456 1 f.go:1] "unterminated k="v',
      'I0118 14:11:54.123456 1 f.go:1] "m" k="a \\"b\\"" j={"x":[1,2,{"y":"}"}]}', '\uFFFD\u0000{"level":"info"}',
    ];
    for (const raw of odd) {
      const ev = parseLine(raw, 1, opts);
      const d = detectLine(raw);
      expect({ format: ev.format, wrapper: ev.wrapper, level: ev.level }).toEqual({ ...d });
    }
    const ev = parseLine('I0118 14:11:54.123456 1 f.go:1] "m" k="a \\"b\\"" j={"x":[1,2,{"y":"}"}]}', 1, opts);
    expect(ev.fields).toEqual({ k: 'a "b"', j: { x: [1, 2, { y: '}' }] } });
  });

  it('detectLine returns shared frozen objects', () => {
    const a = detectLine('I0118 14:11:54.123456       1 file.go:408] a');
    expect(a).toBe(detectLine('I0118 14:11:54.123456       1 file.go:999] b'));
    expect(Object.isFrozen(a)).toBe(true);
  });
});
