import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const opts = { source: 'kube-apiserver.log', referenceYear: 2021 };
const parse = (raw: string) => parseLine(raw, 7, opts);

describe('klog', () => {
  it('plain line: header, caller, whole text as message, year from options', () => {
    const raw = 'I0807 20:20:19.509309       1 leaderelection.go:257] attempting to acquire leader lease dhl-wva-209/72dd1cf1.llm-d.ai...';
    expect(parse(raw)).toEqual({
      kind: 'log',
      time: Date.UTC(2021, 7, 7, 20, 20, 19, 509),
      level: 'info',
      caller: 'leaderelection.go:257',
      message: 'attempting to acquire leader lease dhl-wva-209/72dd1cf1.llm-d.ai...',
      fields: {},
      format: 'klog',
      wrapper: 'none',
      source: 'kube-apiserver.log',
      line: 7,
      raw,
    });
  });

  it('structured line: quoted message, typed fields (NetworkStack=1 → 1), year from the wrapper', () => {
    const raw =
      '2021-08-03T09:21:12.192299976Z I0803 09:21:12.192133       1 provisioning_controller.go:431] "Network stack calculation" APIServerInternalHost="api-int.ci-ln-5ylibmb-d5d6b.origin-ci-int-aws.dev.rhcloud.com" NetworkStack=1';
    const ev = parseLine(raw, 3, { source: 'cbo.log', referenceYear: 1999 });
    expect(ev.time).toBe(Date.UTC(2021, 7, 3, 9, 21, 12, 192));
    expect(ev.wrapper).toBe('timestamp');
    expect(ev.level).toBe('info');
    expect(ev.caller).toBe('provisioning_controller.go:431');
    expect(ev.message).toBe('Network stack calculation');
    expect(ev.fields).toEqual({
      APIServerInternalHost: 'api-int.ci-ln-5ylibmb-d5d6b.origin-ci-int-aws.dev.rhcloud.com',
      NetworkStack: 1,
    });
  });

  it('logr klog sink: logger before "msg"=, quoted keys', () => {
    const ev = parse('I0803 09:20:59.099941       1 listener.go:44] controller-runtime/metrics "msg"="metrics server is starting to listen"  "addr"=":8080"');
    expect(ev.logger).toBe('controller-runtime/metrics');
    expect(ev.message).toBe('metrics server is starting to listen');
    expect(ev.fields).toEqual({ addr: ':8080' });
    const ev2 = parse(
      'I0803 09:21:12.577308       1 controller.go:158] controller-runtime/manager/controller/provisioning "msg"="Starting EventSource" "reconciler group"="metal3.io" "reconciler kind"="Provisioning" "source"={"Type":{"metadata":{"creationTimestamp":null},"spec":{},"status":{"readyReplicas":0}}}',
    );
    expect(ev2.fields).toEqual({
      'reconciler group': 'metal3.io',
      'reconciler kind': 'Provisioning',
      source: { Type: { metadata: { creationTimestamp: null }, spec: {}, status: { readyReplicas: 0 } } },
    });
  });

  it('structured error line with escaped quotes and a JSON object value', () => {
    const ev = parse(
      'E0807 20:42:36.955971       1 event.go:442] "Could not construct reference, will not report event" err="no kind is registered in scheme \\"pkg/runtime/scheme.go:110\\"" object={"metadata":{"name":"va-1"},"spec":{"minReplicas":1}} eventType="Normal"',
    );
    expect(ev.level).toBe('error');
    expect(ev.message).toBe('Could not construct reference, will not report event');
    expect(ev.fields).toEqual({
      err: 'no kind is registered in scheme "pkg/runtime/scheme.go:110"',
      object: { metadata: { name: 'va-1' }, spec: { minReplicas: 1 } },
      eventType: 'Normal',
    });
  });

  it('plain line with trailing key=value pairs keeps the whole text as message', () => {
    const ev = parse('I1120 08:00:00.000123      20 stream.go:12] Pending streams still tracked count=3 engines="map[a:1]"');
    expect(ev.message).toBe('Pending streams still tracked count=3 engines="map[a:1]"');
    expect(ev.fields).toEqual({ count: 3, engines: 'map[a:1]' });
  });

  it('key=value pairs in the middle of prose are not fields', () => {
    const ev = parse('W0803 09:45:19.980831      20 feature_gate.go:236] Setting GA feature gate SupportPodPidsLimit=true. It will be removed in a future release.');
    expect(ev.level).toBe('warning');
    expect(ev.fields).toEqual({});
  });

  it('a leading quoted word followed by prose is plain, not structured', () => {
    const raw = 'W0803 09:45:20.619526      20 reader.go:82] "audit.k8s.io/v1beta1" is deprecated and will be removed in a future release, use "audit.k8s.io/v1" instead';
    const ev = parse(raw);
    expect(ev.message).toBe('"audit.k8s.io/v1beta1" is deprecated and will be removed in a future release, use "audit.k8s.io/v1" instead');
    expect(ev.fields).toEqual({});
  });

  it('levels E and F; klog times are UTC; December line under a January wrapper is last year', () => {
    expect(detectLine('E0118 14:11:54.123456       1 file.go:408] boom').level).toBe('error');
    expect(detectLine('F0118 14:11:54.123456       1 file.go:408] boom').level).toBe('fatal');
    const ev = parseLine('2026-01-01T00:00:00.100000000Z I1231 23:59:59.900000       1 a.go:1] tick', 1, opts);
    expect(ev.time).toBe(Date.UTC(2025, 11, 31, 23, 59, 59, 900));
  });
});
