// The line shapes of the benchmark generator (../shared/tools/gen-log.mjs), end to end through
// parseLine, plus origin handling.
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from './index.js';

const opts = { source: 'bench.log', referenceYear: 2026, origin: 'ns/pod/c' };

describe('benchmark generator shapes', () => {
  it('klog structured HTTP line: typed resp, year from options', () => {
    const ev = parseLine(
      'I1120 08:00:00.000123      20 httplog.go:132] "HTTP" verb="GET" URI="/apis/apps/v1/namespaces/ns-3/deployments?limit=500" latency="3.123ms" userAgent="kube-controller-manager/v1.33.2" audit-ID="0a1b2c3d-4e5f" srcIP="10.0.1.2:40000" resp=200',
      1, opts,
    );
    expect([ev.time, ev.message, ev.caller, ev.origin]).toEqual([Date.UTC(2026, 10, 20, 8, 0, 0, 0), 'HTTP', 'httplog.go:132', 'ns/pod/c']);
    expect(ev.fields).toEqual({
      verb: 'GET', URI: '/apis/apps/v1/namespaces/ns-3/deployments?limit=500', latency: '3.123ms',
      userAgent: 'kube-controller-manager/v1.33.2', 'audit-ID': '0a1b2c3d-4e5f', srcIP: '10.0.1.2:40000', resp: 200,
    });
  });

  it('klog error line of the queue-leak incident', () => {
    const raw = 'E1120 09:00:00.000456       1 available_controller.go:524] v1beta1.metrics.example.io failed with: failing or missing response from https://10.96.12.7:443/apis/metrics.example.io/v1beta1: bad status from https://10.96.12.7:443/apis/metrics.example.io/v1beta1: 401';
    expect(detectLine(raw)).toEqual({ format: 'klog', wrapper: 'none', level: 'error' });
    const ev = parseLine(raw, 1, opts);
    expect(ev.message.endsWith(': 401')).toBe(true);
    expect(ev.fields).toEqual({});
  });

  it('kubelet prefix + zap console reconcile line; docker prefix + slog stale-pending line', () => {
    const z = parseLine(
      '2026-11-20T12:00:05.000123Z 2026-11-20T12:00:05Z\tINFO\tcontrollers.VariantAutoscaling\tcontroller/variantautoscaling_controller.go:212\tProcessing VariantAutoscaling\t{"controller": "variantautoscaling", "namespace": "llm-d", "name": "va-0", "reconcileID": "0a1b2c3d-0000-1111-2222-333344445555", "variant": "va-7"}',
      1, opts,
    );
    expect([z.time, z.logger, z.message, z.fields.reconcileID, z.fields.variant]).toEqual([
      Date.UTC(2026, 10, 20, 12, 0, 5, 0), 'controllers.VariantAutoscaling', 'Processing VariantAutoscaling', '0a1b2c3d-0000-1111-2222-333344445555', 'va-7',
    ]);
    const sl = parseLine('2026-11-20T11:05:00.000123Z 2026/11/20 11:05:00 WARN Pending streams still tracked count=4 engines="map[0a1b2c3d4e5f:1]"', 1, opts);
    expect([sl.format, sl.level, sl.message, sl.fields]).toEqual(['slog-text', 'warning', 'Pending streams still tracked', { count: 4, engines: 'map[0a1b2c3d4e5f:1]' }]);
  });

  it('a compose name overrides the input origin', () => {
    expect(parseLine('web-1  | hello', 1, opts).origin).toBe('web-1');
    expect(parseLine('hello', 1, opts).origin).toBe('ns/pod/c');
  });
});
