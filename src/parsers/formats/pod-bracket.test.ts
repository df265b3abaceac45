// pod name in brackets (kubetail): the module's lines (provenance beside each in the module),
// parsed whole — format, wrapper, level, time, origin, logger, caller, message and fields,
// exactly — and near misses, other formats' bracketed lines, that must not be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { wrapper } from './pod-bracket.js';

const ingressLine = {
  format: 'zap-console',
  level: 'info',
  time: '2021-08-03T09:24:28.536Z',
  origin: 'ingress-operator-7b85cd998b-f4lj9',
  logger: 'operator.main',
  caller: 'ingress-operator/start.go:63',
  message: 'using operator namespace',
  fields: { namespace: 'openshift-ingress-operator' },
};

describe('pod name in brackets (kubetail)', () => {
  it('klog behind `[pod] `', () => {
    expect(view(wrapper.samples[0]!)).toEqual({
      format: 'klog',
      wrapper: 'pod-bracket',
      level: 'info',
      time: '2026-08-03T09:21:12.576Z',
      origin: 'cluster-baremetal-operator-69b68965d9-mv6ql',
      caller: 'main.go:133',
      message: 'starting manager',
      fields: {},
    });
  });

  it('zap console behind `[pod] ` and kubectl\'s --timestamps', () => {
    expect(view(wrapper.samples[1]!)).toEqual({ ...ingressLine, wrapper: 'pod-bracket' });
  });

  it('kubetail\'s colours as written to a file: `ESC[31m[pod container] … ESC(B ESC[m`', () => {
    expect(view(wrapper.samples[2]!)).toEqual({ ...ingressLine, wrapper: 'pod-bracket' });
    // `-k pod`: only the name coloured
    const podOnly = '\x1b[32m[ingress-operator-7b85cd998b-f4lj9]\x1b(B\x1b[m I0803 09:21:12.576766       1 main.go:133] starting manager';
    expect(view(podOnly)).toMatchObject({ format: 'klog', wrapper: 'pod-bracket', origin: 'ingress-operator-7b85cd998b-f4lj9', message: 'starting manager' });
    // a single pod: `tput sgr0` on both sides, the line's own text untouched
    const single = '\x1b(B\x1b[m[ingress-operator-7b85cd998b-f4lj9] I0803 09:21:12.576766       1 main.go:133] starting manager \x1b(B\x1b[m';
    expect(view(single)).toMatchObject({ format: 'klog', wrapper: 'pod-bracket', message: 'starting manager' });
  });

  it('kubetail\'s issue #13: a generated pod name before any text', () => {
    // https://github.com/johanhaleby/kubetail/issues/13 (description), the reporter's "(red) "
    // colour note left out: busybox ping output, no log format.
    const line = '[foo-221420571-tatcd] 64 bytes from 74.125.130.139: seq=177 ttl=47 time=2.001 ms';
    expect(detectLine(line)).toEqual({ format: 'unknown', wrapper: 'pod-bracket', level: 'unknown' });
    expect(view(line)).toMatchObject({ origin: 'foo-221420571-tatcd', message: '64 bytes from 74.125.130.139: seq=177 ttl=47 time=2.001 ms' });
  });

  it("Pebble's `TIME [service] ` before zap console with epoch seconds (Charmed Kubeflow)", () => {
    // https://github.com/kubeflow/notebooks/issues/62 (description): `kubectl logs` of a Juju
    // charm's workload container, whose Pebble service manager writes `TIME [service] line`.
    const line = '2024-10-01T13:07:25.847Z [jupyter-controller] 1.7277880458479142e+09\tERROR\tcontroller.notebook\tReconciler error\t{"reconciler group": "kubeflow.org", "reconciler kind": "Notebook", "name": "mini-notebook-gpu", "namespace": "<REDACTED>", "error": "Operation cannot be fulfilled on notebooks.kubeflow.org \\"mini-notebook-gpu\\": the object has been modified; please apply your changes to the latest version and try again"}';
    expect(view(line)).toEqual({
      format: 'zap-console',
      wrapper: 'timestamp', // the outermost wrapper names the line
      level: 'error',
      time: '2024-10-01T13:07:25.847Z',
      origin: 'jupyter-controller',
      logger: 'controller.notebook',
      message: 'Reconciler error',
      fields: {
        'reconciler group': 'kubeflow.org',
        'reconciler kind': 'Notebook',
        name: 'mini-notebook-gpu',
        namespace: '<REDACTED>',
        error: 'Operation cannot be fulfilled on notebooks.kubeflow.org "mini-notebook-gpu": the object has been modified; please apply your changes to the latest version and try again',
      },
    });
    // A bracketed name before a number that is no zap time stays text.
    expect(detectLine('[cert-manager] 3.5 certificates renewed').wrapper).toBe('none');
  });

  it('zap JSON and logfmt behind a StatefulSet pod', () => {
    expect(detectLine('[my-operator-0] {"level":"error","ts":1625968332.269727,"msg":"Reconciler error"}')).toEqual({ format: 'zap-json', wrapper: 'pod-bracket', level: 'error' });
    expect(detectLine('[prometheus-k8s-1] level=warn ts=2021-08-03T09:24:28.536Z msg=x')).toEqual({ format: 'logfmt', wrapper: 'pod-bracket', level: 'warning' });
  });

  it('other formats\' brackets and sentences are not pod names', () => {
    // Go `log` and CoreDNS levels, kopf and Kafka dates, kopf's `[ns/name]`, kubectl's prefix
    expect(detectLine('[INFO] plugin/reload: Running configuration MD5 = 4c9b8a8c').wrapper).toBe('none');
    expect(detectLine('[2024-01-01 12:00:00,123] kopf.objects [INFO    ] [ns/name] Handler succeeded.').wrapper).toBe('none');
    expect(detectLine('[2024-01-01 12:00:00,123] INFO Kafka version: 3.6.0 (org.apache.kafka.common.utils.AppInfoParser)').wrapper).toBe('none');
    expect(detectLine('[pod/web-0/nginx] 2024-01-01T00:00:00Z x').wrapper).toBe('kubectl-prefix');
    // a bracketed word that is not a generated pod name, before text that starts no record
    expect(detectLine('[kube-proxy] is starting').wrapper).toBe('none');
    expect(detectLine('[cert-manager] Certificate default/www is ready').wrapper).toBe('none');
    expect(detectLine('[-x-] I0803 09:21:12.576766       1 main.go:133] m').wrapper).toBe('none');
  });
});
