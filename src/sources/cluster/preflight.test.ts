// The permission preflight against the fake apiserver (which answers SelfSubjectAccessReviews from
// its `forbidden` set), and against an apiserver that forbids the reviews themselves.
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../../test/fake-apiserver/server.mjs';
import { clusterOptionsFrom } from './flags.js';
import { loadKube } from './kube.js';
import { blindSpots, checkAccess, neededPermissions, preflight } from './preflight.js';

let server: FakeApiServer;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
});

afterEach(async () => {
  await server.close();
});

describe('preflight', () => {
  it('asks one review per verb and resource, and turns the denied ones into blind spots per panel', async () => {
    server.forbidden.add('remediationrequests');
    server.forbidden.add('pods/log');
    const opts = clusterOptionsFrom({ namespace: 'demo', logs: ['deploy/gateway'] });
    const client = await loadKube({ options: server.kubeconfig('demo') });
    const perms = neededPermissions(opts, 'demo');
    const r = await preflight(client, perms, new AbortController().signal);
    expect(r.problem).toBeUndefined();
    expect(r.checks).toHaveLength(perms.length);
    expect(r.missing.map((m) => `${m.verb} ${m.resource}${m.subresource ? `/${m.subresource}` : ''}`)).toEqual([
      'list remediationrequests',
      'watch remediationrequests',
      'get pods/log',
    ]);
    expect(r.blind).toEqual(['duplicate-cr: cannot list, watch remediationrequests.kubernaut.ai in demo', 'logs: cannot get pods/log in demo']);
    expect(blindSpots(r)).toEqual([
      { panel: 'duplicate-cr', verbs: ['list', 'watch'], resource: 'remediationrequests.kubernaut.ai', namespace: 'demo', rules: ['duplicate-cr'] },
      { panel: 'logs', verbs: ['get'], resource: 'pods/log', namespace: 'demo', rules: ['stale-pending'] },
    ]);
    // Reviews are the only non-GET: a POST that asks and stores nothing.
    expect(new Set(server.requests.map((q) => `${q.method} ${q.path}`))).toEqual(new Set(['POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews']));
  });

  it('checkAccess: a cluster-scoped resource is asked about cluster-wide, and nothing missing gives no blind spots', async () => {
    server.forbidden.add('apiservices');
    const client = await loadKube({ options: server.kubeconfig('demo') });
    const access = await checkAccess(client, clusterOptionsFrom({}), undefined, new AbortController().signal);
    expect(access).toEqual({
      blind: [{ panel: 'queue-leak', verbs: ['list', 'watch'], resource: 'apiservices.apiregistration.k8s.io', namespace: undefined, rules: ['queue-leak'] }],
    });
    server.forbidden.clear();
    expect(await checkAccess(client, clusterOptionsFrom({}), 'demo', new AbortController().signal)).toEqual({ blind: [] });
  });
});

describe('checkAccess when the reviews themselves are forbidden', () => {
  let denying: Server;
  afterEach(async () => {
    await new Promise((r) => denying.close(r));
  });

  it('says it could not check and goes on, without blind spots it does not know of', async () => {
    denying = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "tester" cannot create resource "selfsubjectaccessreviews"',
        }),
      );
    });
    await new Promise<void>((r) => denying.listen(0, '127.0.0.1', r));
    const port = (denying.address() as { port: number }).port;
    const kubeconfig = { ...server.kubeconfig('demo'), clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }] };
    const client = await loadKube({ options: kubeconfig });
    const access = await checkAccess(client, clusterOptionsFrom({}), 'demo', new AbortController().signal);
    expect(access).toEqual({
      blind: [],
      problem:
        'could not check permissions (SelfSubjectAccessReview failed: 403 Forbidden: selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "tester" cannot create resource "selfsubjectaccessreviews"); going on without knowing',
    });
  });
});
