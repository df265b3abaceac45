// Lines that continue the record before them. Real lines from ../shared/real-data/
// must-gather-metal.tar.xz (openshift/must-gather-clean test/files/must-gather-metal.tar.xz @
// cb2f7e580bde628058a2f14b9ea1033ba3804c5b); paths as in the samples of continuation.ts.
import { describe, expect, it } from 'vitest';
import { detectLine, formatRole, parseLine } from '../index.js';

const opts = { source: 'x.log', referenceYear: 2021 };
const role = (raw: string) => formatRole(detectLine(raw).format);

describe('continuation lines', () => {
  it('a Go goroutine dump behind --timestamps: header, frames, file lines, created by', () => {
    for (const raw of [
      '2021-09-14T14:21:04.386673529Z goroutine 37 [chan receive]:',
      '2021-09-14T14:21:04.386673529Z k8s.io/apimachinery/pkg/watch.(*Broadcaster).loop(0xc0003fa3c0)',
      '2021-09-14T14:21:04.386673529Z \t/go/src/github.com/kubernetes-csi/external-snapshotter/vendor/k8s.io/klog/v2/klog.go:1026 +0xb9',
      '2021-09-14T14:21:04.386705830Z sync.runtime_notifyListWait(0xc0002f2028, 0x0)',
      '2021-09-14T14:21:04.386673529Z created by k8s.io/klog/v2.init.0',
    ]) {
      expect(role(raw), raw).toBe('continuation');
    }
    // The time is the wrapper's, the text the line's.
    const ev = parseLine('2021-09-14T14:21:04.386673529Z goroutine 37 [chan receive]:', 1, opts);
    expect([ev.format, ev.time, ev.message]).toEqual(['continuation', Date.UTC(2021, 8, 14, 14, 21, 4, 386), 'goroutine 37 [chan receive]:']);
  });

  it('struct and YAML dumps, closing brackets, trace steps', () => {
    for (const raw of [
      '2021-09-14T14:17:44.967815646Z  LastFailedRevision: (int32) 0,',
      '2021-09-14T14:17:36.618617388Z })',
      '2021-09-14T14:12:49.581986787Z - lastTransitionTime: "2021-09-14T14:12:49Z"',
      '2021-09-14T14:18:49.288319322Z Trace[708802667]: [30.001196561s] [30.001196561s] END',
    ]) {
      expect(role(raw), raw).toBe('continuation');
    }
  });

  it('a blank line after a wrapper is a continuation; an empty raw line is unknown to detectLine', () => {
    expect(role('2021-09-14T14:21:04.386673529Z ')).toBe('continuation');
    expect(role('')).toBe('unknown');
  });

  it('free text with a wrapper time is a record (plain), without one unparsed; records are never continuations', () => {
    // must-gather-metal: namespaces/openshift-multus/pods/…/kube-multus/kube-multus/logs/current.log
    expect(detectLine('2021-09-14T14:27:20.521604292Z Successfully copied files in /usr/src/multus-cni/rhel8/bin/ to /host/opt/cni/bin/').format).toBe('plain');
    expect(role('Successfully copied files in /usr/src/multus-cni/rhel8/bin/ to /host/opt/cni/bin/')).toBe('unknown');
    // ../shared/real-data/acexy/log_sample.txt lines 1-2: junk before the log stays unparsed.
    expect(role('Timestamps')).toBe('unknown');
    expect(role('Poll')).toBe('unknown');
    // A sentence ending in a parenthesis is no Go frame; a word list is no YAML item.
    expect(role('Waiting for leader election (attempt 3)')).toBe('unknown');
    expect(role('-- some text')).toBe('unknown');
    expect(role('I0914 14:12:49.061345       1 observer_polling.go:159] Starting file observer')).toBe('record');
    // A level padded with spaces starts a record (Rust tracing of a kube-rs controller, quoted in
    // https://github.com/influxdata/sinker/pull/174): not a continuation.
    expect(detectLine('2025-02-21T11:41:10.533585Z  WARN sinker::controller: reconcile failed name="06a8ee86-clusterrolebinding" error=Kube Error: ApiError: the server could not find the requested resource: NotFound').format).not.toBe('continuation');
  });
});

describe('stack traces printed after a record, without a wrapper', () => {
  it("zap's stacktrace function lines and a Java exception heading its trace are continuations", async () => {
    const { format } = await import('./continuation.js');
    for (const raw of format.samples.slice(-3)) expect(role(raw), raw).toBe('continuation');
    expect(role('k8s.io/apimachinery/pkg/util/wait.JitterUntil.func1')).toBe('continuation');
    expect(role('java.lang.IllegalStateException')).toBe('continuation');
  });

  it('leaves paths, URLs, hosts and sentences that look alike to the other formats', () => {
    for (const raw of [
      '/usr/local/bin/manager',
      'https://github.com/seaweedfs/seaweedfs-operator/issues/90',
      'example.com/foo bar',
      'registry.example.com/app:1.2',
      'org.example.Something happened: here',
      'io.fabric8.kubernetes.client.KubernetesClientException:Failure',
    ]) {
      expect(role(raw), raw).not.toBe('continuation');
    }
  });
});
