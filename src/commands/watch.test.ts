// `ctrlscope watch --once` over a cluster, in-process through the commander program, against the
// fake apiserver: the permission preflight runs once, its missing permissions are said on stderr
// before the report and land in the report's `problems`, and the session stays read-only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../test/fake-apiserver/server.mjs';
import { buildProgram, type Io } from '../cli.js';

let server: FakeApiServer;
let dir: string;
let kubeconfig: string;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-watch-test-'));
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, server.kubeconfigYaml('demo'));
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process on memory streams (not a TTY, CI set: no dashboard). */
async function ctrlscope(args: string[]): Promise<{ stdout: string; stderr: string; code: number; order: string[] }> {
  let stdout = '';
  let stderr = '';
  // Which stream each write went to, in order: the warnings must come before the report.
  const order: string[] = [];
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        add(chunk.toString('utf8'));
        cb();
      },
    });
  const io: Io = {
    stdout: sink((s) => {
      stdout += s;
      order.push('stdout');
    }),
    stderr: sink((s) => {
      stderr += s;
      order.push('stderr');
    }),
    stdin: new PassThrough(),
    env: { CI: 'true', NO_COLOR: '1' },
    exitCode: 0,
  };
  await buildProgram(io).parseAsync(args, { from: 'user' });
  return { stdout, stderr, code: io.exitCode, order };
}

const SSAR = 'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const RR_LINE =
  "missing permission: list, watch remediationrequests.kubernaut.ai in namespace demo; blind: duplicate-cr. Fix: grant list, watch on remediationrequests.kubernaut.ai — see the README's minimal ClusterRole";
const LOG_LINE = "missing permission: get pods/log in namespace demo; blind: logs (stale-pending). Fix: grant get on pods/log — see the README's minimal ClusterRole";

describe('watch --once against a cluster with missing permissions', () => {
  it('reports each missing permission in problems (json) and on stderr before the report, and only reads', async () => {
    server.forbidden.add('remediationrequests');
    server.forbidden.add('pods/log');
    server.create('configmaps', { metadata: { name: 'cfg', namespace: 'demo' }, data: { k: 'v' } });
    server.create('deployments', { metadata: { name: 'gateway', namespace: 'demo' }, spec: { selector: { matchLabels: { app: 'gateway' } } } });
    server.create('pods', { metadata: { name: 'gw-1', namespace: 'demo', labels: { app: 'gateway' } }, spec: { containers: [{ name: 'manager' }] } });
    server.setLog('demo', 'gw-1', 'manager', [{ time: '2026-11-20T10:00:00.000000000Z', text: 'I1120 10:00:00.000000       1 controller.go:1] started' }]);

    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--logs', 'deploy/gateway', '--settle', '0s', '-o', 'json']);

    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`ctrlscope: warning: ${RR_LINE}\nctrlscope: warning: ${LOG_LINE}\n`);
    expect(r.order).toEqual(['stderr', 'stderr', 'stdout']);
    const report = JSON.parse(r.stdout) as { problems?: string[]; inputs: { source: string }[] };
    expect(report.problems!.slice(0, 2)).toEqual([RR_LINE, LOG_LINE]);
    // With --settle 0s the log streams may not have opened yet: then the report says so.
    expect(report.problems!.slice(2)).toEqual(report.problems!.length > 2 ? ['source logs deploy/gateway: SYNCING — not connected yet'] : []);
    // The readable resources were still read.
    expect(report.inputs.map((i) => i.source)).toContain('fake:configmaps');
    // Read-only: the reviews (5 resources × list, watch; pods × list, watch; get pods/log; get deployments) are the only non-GETs.
    const writes = server.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);
    expect(writes).toEqual(Array.from({ length: 14 }, () => SSAR));
  });

  it('text output: the same lines on stderr, and the report lists them as problems', async () => {
    server.forbidden.add('apiservices');
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--settle', '0s']);
    const line =
      "missing permission: list, watch apiservices.apiregistration.k8s.io cluster-wide; blind: queue-leak. Fix: grant list, watch on apiservices.apiregistration.k8s.io — see the README's minimal ClusterRole";
    expect(r.stderr).toBe(`ctrlscope: warning: ${line}\n`);
    expect(r.stdout).toContain(`! ${line}`);
  });

  it('with every permission granted, says nothing on stderr and adds no problems', async () => {
    const r = await ctrlscope(['watch', '--once', '--kubeconfig', kubeconfig, '-n', 'demo', '--settle', '0s', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { problems?: string[] }).problems).toBeUndefined();
    expect(server.requests.filter((q) => q.path.endsWith('/selfsubjectaccessreviews'))).toHaveLength(10);
  });
});
