// pod name prefix (stern): the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { wrapper } from './pod-prefix.js';

describe('pod name prefix (stern)', () => {
  it('Seldon: stern\'s pod and container before zap console', () => {
    expect(view(wrapper.samples[0]!)).toEqual({
      format: 'zap-console',
      wrapper: 'pod-prefix',
      level: 'error',
      time: '2020-07-08T23:24:30.623Z',
      origin: 'seldon-manager-ddd5ccf-dqxpf',
      logger: 'controller-runtime.controller',
      message: 'Reconciler error',
      fields: {
        controller: 'seldon-controller-manager',
        request: 'team-xxxx/xgboost-grpc',
        error: 'Operation cannot be fulfilled on deployments.apps "xgboost-grpc-xgboost-grpc-0-classifier": the object has been modified; please apply your changes to the latest version and try again',
      },
    });
  });

  it('Pulumi operator: the same with spaces for tabs', () => {
    expect(view(wrapper.samples[1]!)).toEqual({
      format: 'zap-console',
      wrapper: 'pod-prefix',
      level: 'error',
      time: '2024-10-16T01:47:32.082Z',
      origin: 'controller-manager-6f849dcb6b-4wscw',
      message: 'Reconciler error',
      fields: {
        controller: 'workspace',
        controllerGroup: 'auto.pulumi.com',
        controllerKind: 'Workspace',
        Workspace: { name: 'random-yaml', namespace: 'default' },
        namespace: 'default',
        name: 'random-yaml',
        reconcileID: '7cb6660a-508c-4392-80cd-749fe72def9f',
        error: 'Operation cannot be fulfilled on workspaces.auto.pulumi.com "random-yaml": the object has been modified; please apply your changes to the latest version and try again',
      },
    });
  });

  it('Dragonfly operator: the container\'s name alone before zap console', () => {
    expect(view(wrapper.samples[2]!)).toEqual({
      format: 'zap-console',
      wrapper: 'pod-prefix',
      level: 'info',
      time: '2026-08-06T08:44:10.000Z',
      origin: 'manager',
      logger: 'controller-runtime.metrics',
      message: 'Serving metrics server',
      fields: { bindAddress: '127.0.0.1:8080', secure: false },
    });
  });

  it('… and before klog', () => {
    expect(view(wrapper.samples[3]!)).toEqual({
      format: 'klog',
      wrapper: 'pod-prefix',
      level: 'info',
      time: '2026-08-06T08:44:26.877Z',
      origin: 'manager',
      caller: 'leaderelection.go:271',
      message: 'successfully acquired lease dragonfly-operator-system/31079dea.dragonflydb.io',
      fields: {},
    });
  });

  it('zap JSON and klog behind a pod name', () => {
    expect(detectLine('my-operator-7d4b9c-x2k4p {"level":"error","ts":1625968332.269727,"msg":"Reconciler error"}')).toMatchObject({
      format: 'zap-json', wrapper: 'pod-prefix', level: 'error',
    });
    expect(detectLine('kube-controller-manager-master-0 I0914 14:07:01.179189       1 controller.go:1] x').format).toBe('klog');
  });

  it('sentences are not pod names', () => {
    expect(detectLine('waiting for 2 pods 2021').wrapper).toBe('none');
    expect(detectLine('kube-rbac-proxy is starting').wrapper).toBe('none');
    expect(detectLine('level=info msg=x').format).toBe('logfmt');
  });
});
