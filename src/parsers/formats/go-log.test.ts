// go-log (Go `log` with a level word) and plain Go `log`: the module's real lines (provenance beside each in the module), parsed whole —
// format, wrapper, level, time, logger, caller, message and fields, exactly. Near misses must not
// be taken.
import { describe, expect, it } from 'vitest';
import { detectLine } from '../index.js';
import { view } from '../../../test/helpers/parsed-view.js';
import { plain, samples } from './go-log.js';

describe('go-log (Go `log` with a level word) and plain Go `log`', () => {
  it('rancher/wrangler: [ERROR] error syncing', () => {
    expect(view([...samples, ...plain.samples][0]!)).toEqual({
      format: 'go-log',
      wrapper: 'none',
      level: 'error',
      time: '2023-05-17T06:20:32.000Z',
      message: 'error syncing \'integrationp-bj-l19-002a-cl01/prtb-user-center-operator\': handler mgmt-auth-prtb-controller: clusters.management.cattle.io "bj-l19-002a-cl01" not found, requeuing',
      fields: {},
    });
  });

  it('wrangler: a bracketed controller name becomes the logger', () => {
    expect(view([...samples, ...plain.samples][1]!)).toEqual({
      format: 'go-log',
      wrapper: 'none',
      level: 'info',
      time: '2021-09-08T16:23:11.000Z',
      logger: 'mgmt-auth-crtb-controller',
      message: 'Creating clusterRoleBinding for membership in cluster local for subject u-mo773yttt4',
      fields: {},
    });
  });

  it('CoreDNS behind a Go `log` stamp: plugin/NAME becomes the logger', () => {
    expect(view([...samples, ...plain.samples][2]!)).toEqual({
      format: 'go-log',
      wrapper: 'none',
      level: 'info',
      time: '2018-05-04T06:09:56.000Z',
      logger: 'plugin/reload',
      message: 'Running configuration MD5 = 109b60e2cdb26c982b894055ee3d1112',
      fields: {},
    });
  });

  it('CoreDNS with its own RFC 3339 stamp', () => {
    expect(view([...samples, ...plain.samples][3]!)).toEqual({
      format: 'go-log',
      wrapper: 'timestamp',
      level: 'error',
      time: '2021-08-12T05:09:08.093Z',
      logger: 'plugin/errors',
      message: '2 bobft-cce-api-svc.cce-system. A: read udp 10.51.163.14:38406->10.51.51.51:53: i/o timeout',
      fields: {},
    });
  });

  it('CoreDNS with no stamp: no time', () => {
    expect(view([...samples, ...plain.samples][4]!)).toEqual({ format: 'go-log', wrapper: 'none', level: 'info', message: 'Reloading', fields: {} });
  });

  it('grpc-go `WARNING: <Go log stamp>` behind the kubelet\'s stamp', () => {
    expect(view([...samples, ...plain.samples][5]!)).toEqual({
      format: 'go-log',
      wrapper: 'timestamp',
      level: 'warning',
      time: '2021-09-14T14:27:12.858Z',
      logger: 'core',
      message: 'grpc: addrConn.createTransport failed to connect to {147.75.195.141:2379 147.75.195.141 <nil> 0 <nil>}. Err: connection error: desc = "transport: Error while dialing dial tcp 147.75.195.141:2379: connect: connection refused". Reconnecting...',
      fields: {},
    });
  });

  it('a script\'s `INFO:` after `date -Iseconds`', () => {
    expect(view([...samples, ...plain.samples][6]!)).toEqual({
      format: 'go-log',
      wrapper: 'timestamp',
      level: 'info',
      time: '2021-09-14T14:27:04.414Z',
      message: 'sdn-metrics-certs mounted, starting kube-rbac-proxy',
      fields: {},
    });
  });

  it('multus\'s [verbose] (debug) in CRI-O\'s journal', () => {
    expect(view([...samples, ...plain.samples][7]!)).toEqual({
      format: 'go-log',
      wrapper: 'syslog',
      level: 'debug',
      time: '2021-09-14T14:13:56.000Z',
      message: 'Del: openshift-kube-scheduler:installer-2-master-0.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com:9a3c03de-07ba-4f41-87ee-ebfb0118d28d:openshift-sdn:eth0 {"cniVersion":"0.3.1","name":"openshift-sdn","type":"openshift-sdn"}',
      fields: {},
    });
  });

  it('plain Go `log` (no level word)', () => {
    expect(view([...samples, ...plain.samples][8]!)).toEqual({
      format: 'plain',
      wrapper: 'timestamp',
      level: 'unknown',
      time: '2021-09-14T14:27:44.498Z',
      message: 'provider.go:128: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main',
      fields: {},
    });
  });

  it('a Go `log` stamp without a level word is plain, with its time; slog text stays slog text', () => {
    expect(view('2025/11/02 10:33:45 listening on :8080')).toEqual({
      format: 'plain', wrapper: 'none', level: 'unknown', time: '2025-11-02T10:33:45.000Z', message: 'listening on :8080', fields: {},
    });
    expect(detectLine('2022/11/08 15:28:26 INFO hello count=3').format).toBe('slog-text');
  });

  it('near misses: a bracket that is no level, a capitalised word with a colon', () => {
    expect(detectLine('[core] grpc: addrConn.createTransport failed').format).toBe('unknown');
    expect(detectLine('Error: connection refused').format).toBe('unknown');
    expect(detectLine('[INFO]Reloading').format).toBe('unknown');
  });
});
