// kubectl-style flags, --resources and --logs parsing, durations, and the preflight's answers
// from the fake apiserver.
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../../test/fake-apiserver/server.mjs';
import { addClusterFlags, clusterOptionsFrom, parseDuration, parseRequestTimeout } from './flags.js';
import { loadKube } from './kube.js';
import { parseLogTarget, selectorString } from './log-targets.js';
import { neededPermissions, preflight } from './preflight.js';
import { parseResourceArg, resourcePath } from './resources.js';

describe('--request-timeout (kubectl semantics)', () => {
  it('takes a bare number of seconds or a duration; 0 (the default) is no limit; anything else is a usage error', () => {
    expect(clusterOptionsFrom({}).requestTimeoutMs).toBe(0);
    expect(['0', '5', '30', '500ms', '5s', '2m', '1h'].map(parseRequestTimeout)).toEqual([0, 5_000, 30_000, 500, 5_000, 120_000, 3_600_000]);
    expect(() => parseRequestTimeout('soon')).toThrow('--request-timeout "soon": not a timeout');
    expect(() => parseRequestTimeout('-1')).toThrow('--request-timeout "-1": not a timeout');
  });
});

describe('cluster flags', () => {
  it('parses kubectl-style flags, repeatable --logs/--metrics-url/--resources, and durations', () => {
    const cmd = addClusterFlags(new Command('collect').exitOverride());
    cmd.parse(
      ['-n', 'kubernaut-system', '-l', 'team=sre', '--logs', 'deploy/gateway', '--logs', '-l app=orchestrator', '--metrics-url', 'http://127.0.0.1:8080/metrics', '--metrics-url', 'http://127.0.0.1:8081/metrics', '--resources', 'widgets.v1.example.com,gadgets.example.com', '--history', '1h30m', '--scrape-interval', '5s'],
      { from: 'user' },
    );
    const o = clusterOptionsFrom(cmd.opts());
    expect(o).toMatchObject({ namespace: 'kubernaut-system', allNamespaces: false, selector: 'team=sre', historyMs: 5_400_000, scrapeIntervalMs: 5_000 });
    expect(o.logs).toEqual([
      { kind: 'workload', resource: 'deployments', name: 'gateway', text: 'deploy/gateway' },
      { kind: 'selector', selector: 'app=orchestrator', text: '-l app=orchestrator' },
    ]);
    expect(o.metricsUrls).toEqual(['http://127.0.0.1:8080/metrics', 'http://127.0.0.1:8081/metrics']);
    expect(o.resources.map((r) => `${r.resource}.${r.version || '?'}.${r.group || 'core'}`)).toEqual([
      'remediationrequests.v1alpha1.kubernaut.ai',
      'apiservices.v1.apiregistration.k8s.io',
      'configmaps.v1.core',
      'events.v1.core',
      'leases.v1.coordination.k8s.io',
      'widgets.v1.example.com',
      'gadgets.?.example.com',
    ]);
  });

  it('rejects -n with -A, bad durations, bad URLs, bad targets and bad resource names with what to try', () => {
    expect(() => clusterOptionsFrom({ namespace: 'a', allNamespaces: true })).toThrow('-n/--namespace and -A/--all-namespaces cannot be used together');
    expect(() => parseDuration('15 minutes', '--history')).toThrow('--history "15 minutes": not a duration');
    expect(() => clusterOptionsFrom({ metricsUrl: ['localhost:8080'] })).toThrow('"localhost:8080" is not an http(s) URL');
    expect(() => parseLogTarget('svc/gateway')).toThrow('--logs "svc/gateway": not a log target');
    expect(() => parseResourceArg('widgets')).toThrow('--resources "widgets": not a resource name');
  });

  it('parseDuration reads every duration flag of watch and collect: units, compounds, bare seconds', () => {
    const table: [string, number][] = [
      ['500ms', 500],
      ['2s', 2_000],
      ['1.5s', 1_500],
      ['15m', 900_000],
      ['1h30m', 5_400_000],
      ['2d', 172_800_000],
      ['3', 3_000],
      [' 10s ', 10_000],
      ['0s', 0],
    ];
    expect(table.map(([v]) => parseDuration(v, '--settle'))).toEqual(table.map(([, ms]) => ms));
    for (const bad of ['', 's', '10 s', '-1s', '5x', '1h-30m']) expect(() => parseDuration(bad, '--settle'), bad).toThrow(`--settle "${bad}": not a duration`);
  });

  it('reads every resource spelling kubectl users write', () => {
    expect(parseResourceArg('remediationrequests.v1alpha1.kubernaut.ai')).toMatchObject({ group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests' });
    expect(parseResourceArg('kubernaut.ai/v1alpha1/RemediationRequests')).toMatchObject({ group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests' });
    expect(parseResourceArg('widgets.example.com')).toMatchObject({ group: 'example.com', version: '', resource: 'widgets' });
    expect(resourcePath({ group: '', version: 'v1', resource: 'configmaps', namespaced: true }, 'demo')).toBe('/api/v1/namespaces/demo/configmaps');
    expect(resourcePath({ group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices', namespaced: false }, 'demo')).toBe('/apis/apiregistration.k8s.io/v1/apiservices');
    expect(resourcePath({ group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests', namespaced: true })).toBe('/apis/kubernaut.ai/v1alpha1/remediationrequests');
  });

  it('reads log targets and workload selectors', () => {
    expect(parseLogTarget('pod/gw-1')).toEqual({ kind: 'pod', name: 'gw-1', text: 'pod/gw-1' });
    expect(parseLogTarget('sts/etcd')).toMatchObject({ kind: 'workload', resource: 'statefulsets', name: 'etcd' });
    expect(parseLogTarget('app=gateway,tier!=web')).toEqual({ kind: 'selector', selector: 'app=gateway,tier!=web', text: 'app=gateway,tier!=web' });
    expect(
      selectorString({ matchLabels: { app: 'gw' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] }),
    ).toBe('app=gw,tier in (a,b),!canary');
  });
});

describe('loadKube', () => {
  it('names an unknown context and lists the known ones', async () => {
    await expect(loadKube({ options: { clusters: [{ name: 'c', server: 'https://x' }], users: [{ name: 'u' }], contexts: [{ name: 'prod', cluster: 'c', user: 'u' }], currentContext: 'prod' }, context: 'staging' })).rejects.toMatchObject({
      message: 'context "staging" not found in the given kubeconfig',
      tryMessage: 'known contexts: prod',
    });
  });

  it('names a missing --kubeconfig file', async () => {
    await expect(loadKube({ kubeconfig: '/nonexistent/kubeconfig' })).rejects.toThrow('kubeconfig /nonexistent/kubeconfig: no such file');
  });
});

describe('preflight', () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = new FakeApiServer();
    await server.start();
  });
  afterEach(() => server.close());

  it('asks one SelfSubjectAccessReview per permission and names the blind panels', async () => {
    server.forbidden.add('leases');
    server.forbidden.add('pods/log');
    const client = await loadKube({ options: server.kubeconfig('demo') });
    const opts = clusterOptionsFrom({ namespace: 'demo', logs: ['deploy/gateway'] });
    const perms = neededPermissions(opts, 'demo');
    const res = await preflight(client, perms);
    expect(res.checks).toHaveLength(14);
    expect(res.blind).toEqual(['leases: cannot list, watch leases.coordination.k8s.io in demo', 'logs: cannot get pods/log in demo']);
    expect(res.problem).toBeUndefined();
    const reviews = server.requests.filter((r) => r.method === 'POST');
    expect(reviews).toHaveLength(14);
    expect(reviews.every((r) => r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toBe(true);
  });
});
