// The well-known keys table (keys.ts) on real JSON records of other structured loggers: Knative
// and Tekton controllers (zap with `severity`, `timestamp`, `message` and the knative.dev/ keys),
// kopf's JSON format, and hclog (`@level`, `@message`, `@timestamp`). detectLine, parseLine and
// messageOf must agree.
import { describe, expect, it } from 'vitest';
import { detectLine, messageOf, parseLine } from './index.js';

const opts = { source: 't', referenceYear: 2026 };

describe('structured records of other loggers, through the well-known keys', () => {
  it('Tekton operator (Knative zap): severity, timestamp, message; knative.dev/key → key, knative.dev/traceid → reconcileID', () => {
    // https://github.com/tektoncd/operator/issues/3125 (description), the first line of the excerpt.
    const raw = '{"severity":"INFO","timestamp":"2025-12-18T16:11:27.893988113Z","logger":"tekton-operator-lifecycle","caller":"tektonconfig/tektonconfig.go:186","message":"TektonPruner is disabled. Shutting down event based pruner","commit":"e2e528b","knative.dev/pod":"tekton-operator-fb67b66f7-zt8v8","knative.dev/controller":"github.com.tektoncd.operator.pkg.reconciler.shared.tektonconfig.Reconciler","knative.dev/kind":"operator.tekton.dev.TektonConfig","knative.dev/traceid":"0b28c7cf-1bca-4233-81ad-e6b711afd7e6","knative.dev/key":"config","tektonconfig":"config"}';
    const ev = parseLine(raw, 1, opts);
    expect([ev.format, ev.level, ev.time, ev.logger, ev.caller, ev.message]).toEqual([
      'zap-json', 'info', Date.UTC(2025, 11, 18, 16, 11, 27, 893), 'tekton-operator-lifecycle', 'tektonconfig/tektonconfig.go:186',
      'TektonPruner is disabled. Shutting down event based pruner',
    ]);
    expect(ev.fields).toEqual({
      commit: 'e2e528b',
      'knative.dev/pod': 'tekton-operator-fb67b66f7-zt8v8',
      'knative.dev/controller': 'github.com.tektoncd.operator.pkg.reconciler.shared.tektonconfig.Reconciler',
      'knative.dev/kind': 'operator.tekton.dev.TektonConfig',
      'knative.dev/traceid': '0b28c7cf-1bca-4233-81ad-e6b711afd7e6',
      'knative.dev/key': 'config',
      tektonconfig: 'config',
      key: 'config',
      reconcileID: '0b28c7cf-1bca-4233-81ad-e6b711afd7e6',
    });
    expect(messageOf(raw)).toBe(ev.message);
  });

  it('Knative eventing (level/ts/msg zap): a namespaced key', () => {
    // https://github.com/knative/eventing/issues/1353 (description).
    const raw = '{"level":"info","ts":"2019-06-05T14:52:50.764Z","logger":"controller.channel-default-controller","caller":"controller/controller.go:338","msg":"Reconcile succeeded. Time taken: 57.596µs.","knative.dev/controller":"channel-default-controller","knative.dev/traceid":"2d3f0065-45a8-4555-a21d-d4316b478c1a","knative.dev/key":"default/default-broker-gzxg2"}';
    const ev = parseLine(raw, 1, opts);
    expect([ev.level, ev.message, ev.fields.key, ev.fields.reconcileID]).toEqual([
      'info', 'Reconcile succeeded. Time taken: 57.596µs.', 'default/default-broker-gzxg2', '2d3f0065-45a8-4555-a21d-d4316b478c1a',
    ]);
  });

  it("kopf's JSON format: message, severity, a timestamp without a zone (UTC)", () => {
    // nolar/kopf:docs/configuration.rst@e3b43241fbaffab7fd9dffd0d240322145ed7e8a (`--log-format=json`).
    const raw = '{"message": "Resuming is in progress: ...", "object": {"apiVersion": "kopf.dev/v1", "kind": "KopfExample", "name": "kopf-example-1", "uid": "...", "namespace": "default"}, "severity": "debug", "timestamp": "2020-12-31T23:59:59.123456"}';
    const ev = parseLine(raw, 1, opts);
    expect([ev.format, ev.level, ev.time, ev.message]).toEqual(['zap-json', 'debug', Date.UTC(2020, 11, 31, 23, 59, 59, 123), 'Resuming is in progress: ...']);
    expect(ev.fields).toEqual({ object: { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'kopf-example-1', uid: '...', namespace: 'default' } });
  });

  it('hclog JSON (@level, @message, @timestamp) behind the kubelet stamp', () => {
    // ../shared/real-data/must-gather-metal.tar.xz, namespaces/openshift-monitoring/pods/grafana-546688f5c6-n7gdq/
    // grafana/grafana/logs/current.log (a Grafana plugin's hclog).
    const raw = '2021-09-14T14:27:44.491906388Z {"@level":"debug","@message":"datasource: registering query type handler","@timestamp":"2021-09-14T14:27:44.491871Z","queryType":"exponential_heatmap_bucket_data"}';
    const ev = parseLine(raw, 1, opts);
    expect([ev.format, ev.wrapper, ev.level, ev.time, ev.message, ev.fields]).toEqual([
      'zap-json', 'timestamp', 'debug', Date.UTC(2021, 8, 14, 14, 27, 44, 491), 'datasource: registering query type handler',
      { queryType: 'exponential_heatmap_bucket_data' },
    ]);
    expect(detectLine(raw).level).toBe('debug');
    expect(messageOf(raw)).toBe(ev.message);
  });
});
