// A fault-injecting stand-in for kube-apiserver: a real HTTP server on 127.0.0.1 that serves
// list (with limit/continue), watch (NDJSON, bookmarks, timeoutSeconds, 410 on compacted
// resourceVersions), pod logs (follow, timestamps, sinceTime), SelfSubjectAccessReviews, a
// Prometheus text endpoint and the Prometheus query API. Tests drive it through the real
// @kubernetes/client-node stack; faults are injected per resource. Plain .mjs so the benchmark
// can use it without a build; types in server.d.mts.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const GONE_MESSAGE = 'too old resource version';

/** Apiserver-shaped Status body. */
function status(code, reason, message) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function keyOf(obj) {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** Equality-only label selector (`a=b,c!=d,e`), enough for tests. */
function matchSelector(sel, labels = {}) {
  if (!sel) return true;
  for (const part of sel.split(',').map((s) => s.trim()).filter(Boolean)) {
    let m;
    if ((m = /^([^!=]+)!=(.*)$/.exec(part))) {
      if (labels[m[1].trim()] === m[2].trim()) return false;
    } else if ((m = /^([^!=]+)==?(.*)$/.exec(part))) {
      if (labels[m[1].trim()] !== m[2].trim()) return false;
    } else if (!(part in labels)) return false;
  }
  return true;
}

/** The fake server. */
export class FakeApiServer {
  constructor(opts = {}) {
    this.rv = 1000;
    this.resources = new Map();
    this.requests = [];
    this.forbidden = new Set();
    /** Resources whose reads answer 403 although the access reviews say yes (a webhook authorizer, a change of RBAC). */
    this.forbiddenUnpredicted = new Set();
    this.watchFaults = new Map();
    this.listFaults = new Map();
    this.logFaults = new Map();
    this.logs = new Map();
    this.watchers = new Set();
    this.openResponses = new Set();
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 0;
    this.maxPageSize = opts.maxPageSize ?? Infinity;
    /** Keep the watch history (tests); the benchmark turns it off to measure the client only. */
    this.keepHistory = opts.keepHistory ?? true;
    this.metricsText = '';
    this.promSeries = [];
    this.server = createServer((req, res) => this.handle(req, res));
    for (const r of DEFAULT_RESOURCES) this.addResource(r);
  }

  /** Registers a resource type. */
  addResource({ group = '', version, resource, kind, namespaced = true }) {
    const id = `${group}/${version}/${resource}`;
    this.resources.set(id, { group, version, resource, kind, namespaced, objects: new Map(), history: [], compactedRv: 0 });
    return id;
  }

  res(resource, group) {
    for (const r of this.resources.values()) if (r.resource === resource && (group === undefined || r.group === group)) return r;
    throw new Error(`fake apiserver: unknown resource ${resource}`);
  }

  /** Creates an object (fills uid, resourceVersion, creationTimestamp) and notifies watchers. */
  create(resource, obj, group) {
    const r = this.res(resource, group);
    const o = structuredClone(obj);
    o.apiVersion ??= r.group ? `${r.group}/${r.version}` : r.version;
    o.kind ??= r.kind;
    o.metadata ??= {};
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (r.namespaced) o.metadata.namespace ??= 'default';
    o.metadata.resourceVersion = String(++this.rv);
    r.objects.set(keyOf(o), o);
    this.emit(r, 'ADDED', o);
    return o;
  }

  /** Replaces an object's fields (shallow merge of spec/status/metadata.labels) with a new resourceVersion. */
  update(resource, namespace, name, patch, group) {
    const r = this.res(resource, group);
    const cur = r.objects.get(`${r.namespaced ? namespace : ''}/${name}`);
    if (!cur) throw new Error(`fake apiserver: no ${resource} ${namespace}/${name}`);
    const o = structuredClone(cur);
    for (const [k, v] of Object.entries(patch)) o[k] = typeof v === 'object' && v && !Array.isArray(v) ? { ...(o[k] ?? {}), ...v } : v;
    o.metadata.resourceVersion = String(++this.rv);
    r.objects.set(keyOf(o), o);
    this.emit(r, 'MODIFIED', o);
    return o;
  }

  /** Deletes an object. */
  delete(resource, namespace, name, group) {
    const r = this.res(resource, group);
    const k = `${r.namespaced ? namespace : ''}/${name}`;
    const cur = r.objects.get(k);
    if (!cur) return;
    r.objects.delete(k);
    r.sortedKeys = undefined;
    const o = structuredClone(cur);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit(r, 'DELETED', o);
  }

  /** Makes every resourceVersion up to now too old: watches from them get 410. */
  compact(resource) {
    for (const r of this.resources.values()) {
      if (resource && r.resource !== resource) continue;
      r.compactedRv = this.rv;
      r.history = [];
    }
  }

  /** Queues a fault for the next watch on `resource`: gone (ERROR 410 event), http410, drop, hang, http500. */
  injectWatchFault(resource, fault) {
    const q = this.watchFaults.get(resource) ?? [];
    q.push({ afterEvents: 0, ...fault });
    this.watchFaults.set(resource, q);
  }

  /**
   * Simulates an API server restored from an etcd backup taken at `rv`: the current
   * resourceVersion goes back, and a watch from any later resourceVersion answers 504
   * ResourceVersionTooLarge (every time, as the real one does until the client re-lists).
   */
  restoreTo(rv) {
    this.rv = rv;
    for (const r of this.resources.values()) r.history = r.history.filter((ev) => ev.rv <= rv);
  }

  /**
   * Queues a fault for the next list of `resource`: gone on the given page (1-based), http500,
   * hang (no response headers, ever). `persistent: true` keeps it for every later list too.
   */
  injectListFault(resource, fault) {
    const q = this.listFaults.get(resource) ?? [];
    q.push(fault);
    this.listFaults.set(resource, q);
  }

  /** Sets the lines of a container log; each is `{ time: ISO string, text }`. */
  setLog(namespace, pod, container, lines) {
    this.logs.set(`${namespace}/${pod}/${container}`, { lines: [...lines], followers: new Set() });
  }

  /** Appends a line to a container log and pushes it to followers. */
  appendLog(namespace, pod, container, line) {
    const k = `${namespace}/${pod}/${container}`;
    if (!this.logs.has(k)) this.setLog(namespace, pod, container, []);
    const log = this.logs.get(k);
    log.lines.push(line);
    for (const f of log.followers) f(line);
  }

  /** Drops the next log stream of a container after `afterLines` lines. */
  injectLogFault(namespace, pod, container, fault) {
    const k = `${namespace}/${pod}/${container}`;
    const q = this.logFaults.get(k) ?? [];
    q.push({ afterLines: 0, ...fault });
    this.logFaults.set(k, q);
  }

  /** Sends a bookmark with the current resourceVersion to every open watch that asked for them. */
  bookmark() {
    for (const w of this.watchers) w.bookmark();
  }

  /** Cuts every open watch and log stream (as a restarting apiserver would). */
  dropAll() {
    for (const res of this.openResponses) res.destroy();
  }

  /** Runs `fn` with watchers deaf: the changes happen while nobody is watching. */
  silently(fn) {
    this.muted = true;
    try {
      fn();
    } finally {
      this.muted = false;
    }
  }

  emit(r, type, object) {
    const ev = { rv: Number(object.metadata.resourceVersion), type, object };
    if (this.keepHistory) r.history.push(ev);
    if (this.muted) return;
    for (const w of this.watchers) if (w.r === r) w.send(ev);
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address();
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close() {
    for (const w of this.watchers) w.close();
    for (const res of this.openResponses) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig (as loadFromOptions takes it) pointing at this server. */
  kubeconfig(namespace = 'default') {
    return {
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace }],
      currentContext: 'fake',
    };
  }

  /** The same kubeconfig as YAML text (for --kubeconfig files). */
  kubeconfigYaml(namespace = 'default') {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake`,
      `  cluster: { server: "${this.url}", insecure-skip-tls-verify: true }`,
      'users:',
      '- name: tester',
      '  user: { token: fake-token }',
      'contexts:',
      `- name: fake`,
      `  context: { cluster: fake, user: tester, namespace: ${namespace} }`,
      'current-context: fake',
      '',
    ].join('\n');
  }

  handle(req, res) {
    const url = new URL(req.url, 'http://x');
    this.requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), userAgent: req.headers['user-agent'] });
    try {
      if (this.hangAll) return this.hangRequest(req, res);
      if (url.pathname === '/metrics') return this.text(res, 200, this.metricsText);
      if (url.pathname === '/version') return this.json(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake' });
      if (url.pathname.startsWith('/api/v1/query')) return this.prom(url, res);
      if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return this.ssar(req, res);
      if (req.method !== 'GET') return this.json(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not allowed here`));
      const disc = this.discovery(url.pathname);
      if (disc) return this.json(res, 200, disc);
      const route = this.route(url.pathname);
      if (!route) return this.json(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
      if ((this.forbidden.has(route.r.resource) || this.forbiddenUnpredicted.has(route.r.resource)) && !route.log) {
        return this.json(res, 403, status(403, 'Forbidden', `${route.r.resource} is forbidden: User "tester" cannot list resource "${route.r.resource}" in API group "${route.r.group}"`));
      }
      if (route.log) return this.podLog(route, url, req, res);
      if (route.name) {
        const o = route.r.objects.get(`${route.namespace ?? ''}/${route.name}`);
        return o ? this.json(res, 200, o) : this.json(res, 404, status(404, 'NotFound', `${route.r.resource} "${route.name}" not found`));
      }
      const w = url.searchParams.get('watch');
      if (w === 'true' || w === '1') return this.watch(route, url, req, res);
      return this.list(route, url, res);
    } catch (err) {
      this.json(res, 500, status(500, 'InternalError', String(err)));
    }
  }

  /** Discovery documents: /apis/GROUP (preferred version) and /apis/GROUP/VERSION, /api/v1 (resources). */
  discovery(pathname) {
    const p = pathname.split('/').filter(Boolean);
    const all = [...this.resources.values()];
    if (p[0] === 'apis' && p.length === 2) {
      const vs = all.filter((r) => r.group === p[1]);
      if (!vs.length) return undefined;
      return { kind: 'APIGroup', name: p[1], versions: vs.map((r) => ({ version: r.version })), preferredVersion: { groupVersion: `${p[1]}/${vs[0].version}`, version: vs[0].version } };
    }
    const gv = p[0] === 'api' && p.length === 2 ? ['', p[1]] : p[0] === 'apis' && p.length === 3 ? [p[1], p[2]] : undefined;
    if (!gv) return undefined;
    const rs = all.filter((r) => r.group === gv[0] && r.version === gv[1]);
    if (!rs.length) return undefined;
    return { kind: 'APIResourceList', groupVersion: gv[0] ? `${gv[0]}/${gv[1]}` : gv[1], resources: rs.map((r) => ({ name: r.resource, kind: r.kind, namespaced: r.namespaced, verbs: ['get', 'list', 'watch'] })) };
  }

  route(pathname) {
    const p = pathname.split('/').filter(Boolean);
    let group;
    let version;
    let rest;
    if (p[0] === 'api' && p.length >= 3) {
      group = '';
      version = p[1];
      rest = p.slice(2);
    } else if (p[0] === 'apis' && p.length >= 4) {
      group = p[1];
      version = p[2];
      rest = p.slice(3);
    } else return undefined;
    let namespace;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const r = this.resources.get(`${group}/${version}/${rest[0]}`);
    if (!r) return undefined;
    return { r, namespace, name: rest[1], log: rest[2] === 'log' };
  }

  visible(route, o, sel, fieldSel) {
    if (route.namespace !== undefined && o.metadata.namespace !== route.namespace) return false;
    if (!matchSelector(sel, o.metadata.labels)) return false;
    for (const part of (fieldSel ?? '').split(',').filter(Boolean)) {
      const [k, v] = part.split('=');
      if (k === 'metadata.name' && o.metadata.name !== v) return false;
      if (k === 'metadata.namespace' && o.metadata.namespace !== v) return false;
    }
    return true;
  }

  list(route, url, res) {
    const r = route.r;
    const sel = url.searchParams.get('labelSelector') ?? '';
    const limit = Math.min(Number(url.searchParams.get('limit') || Infinity), this.maxPageSize);
    const cont = url.searchParams.get('continue');
    let after = '';
    let listRv = this.rv;
    let page = 1;
    if (cont) {
      const t = JSON.parse(Buffer.from(cont, 'base64').toString());
      after = t.after;
      listRv = t.rv;
      page = t.page;
      if (listRv < r.compactedRv) {
        return this.json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      }
    }
    const fault = this.listFaults.get(r.resource)?.[0];
    if (fault && (fault.kind === 'http500' || fault.kind === 'hang' || (fault.kind === 'gone' && fault.page === page))) {
      if (!fault.persistent) this.listFaults.get(r.resource).shift();
      if (fault.kind === 'hang') return this.hangRequest(undefined, res);
      if (fault.kind === 'http500') return this.json(res, 500, status(500, 'InternalError', 'injected list failure'));
      return this.json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.'));
    }
    // Sorted keys, cached until the next create or delete (a 100 000-object list has 200 pages).
    if (!r.sortedKeys || r.sortedKeys.length !== r.objects.size) r.sortedKeys = [...r.objects.keys()].sort();
    const keys = r.sortedKeys;
    let start = 0;
    if (after) {
      // Binary search for the first key after the continue token's.
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid] <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const items = [];
    let next;
    for (let i = start; i < keys.length; i++) {
      const k = keys[i];
      const o = r.objects.get(k);
      if (!this.visible(route, o, sel, url.searchParams.get('fieldSelector'))) continue;
      if (items.length >= limit) {
        next = Buffer.from(JSON.stringify({ rv: listRv, after: keyOf(items[items.length - 1]), page: page + 1 })).toString('base64');
        break;
      }
      // Typed lists omit kind/apiVersion on items, as the real apiserver does for built-ins.
      const { kind: _k, apiVersion: _a, ...rest } = o;
      items.push(r.group === '' || r.group === 'apps' || r.group === 'coordination.k8s.io' || r.group === 'apiregistration.k8s.io' ? rest : o);
    }
    const metadata = { resourceVersion: String(listRv) };
    if (next) metadata.continue = next;
    this.json(res, 200, { kind: `${r.kind}List`, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata, items });
  }

  watch(route, url, req, res) {
    const r = route.r;
    const sel = url.searchParams.get('labelSelector') ?? '';
    const rvParam = url.searchParams.get('resourceVersion');
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') || 0);
    const fault = this.watchFaults.get(r.resource)?.shift();
    if (rvParam && Number(rvParam) > this.rv) {
      return this.json(res, 504, {
        ...status(504, 'Timeout', `Timeout: Too large resource version: ${rvParam}, current: ${this.rv}`),
        details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
      });
    }
    if (fault?.kind === 'headersHang') return this.hangRequest(req, res);
    if (fault?.kind === 'http410') return this.json(res, 410, status(410, 'Expired', GONE_MESSAGE));
    if (fault?.kind === 'http500') return this.json(res, 500, status(500, 'InternalError', 'injected watch failure'));
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    this.openResponses.add(res);
    res.on('close', () => this.openResponses.delete(res));
    if (fault?.kind === 'hang') {
      res.flushHeaders();
      return; // never writes, never ends: only a client-side timeout gets out of this
    }
    if (fault?.kind === 'huge') {
      // One event line that never ends: `bytes` of a JSON string, no newline, then silence.
      res.write('{"type":"ADDED","object":{"metadata":{"name":"huge","annotations":{"a":"');
      const chunk = 'x'.repeat(1 << 20);
      let left = fault.bytes ?? 64 << 20;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left -= chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
      };
      return pump();
    }
    let sent = 0;
    let closed = false;
    /** Applies the injected fault once `afterEvents` events went out. */
    const checkFault = () => {
      if (closed || !fault || sent < fault.afterEvents) return;
      if (fault.kind === 'gone') {
        res.write(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', GONE_MESSAGE) }) + '\n');
        w.close();
      } else if (fault.kind === 'drop') {
        closed = true;
        this.watchers.delete(w);
        res.destroy();
      }
    };
    const w = {
      r,
      send: (ev) => {
        if (closed || !this.visible(route, ev.object, sel, url.searchParams.get('fieldSelector'))) return;
        res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
        sent++;
        checkFault();
      },
      bookmark: () => {
        if (closed || !bookmarks) return;
        res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: { resourceVersion: String(this.rv) } } }) + '\n');
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.watchers.delete(w);
        clearInterval(timer);
        clearTimeout(deadline);
        res.end();
      },
    };
    const timer = this.bookmarkIntervalMs > 0 ? setInterval(() => w.bookmark(), this.bookmarkIntervalMs) : undefined;
    const deadline = timeoutSeconds > 0 ? setTimeout(() => w.close(), timeoutSeconds * 1000) : undefined;
    req.on('close', () => {
      closed = true;
      this.watchers.delete(w);
      clearInterval(timer);
      clearTimeout(deadline);
    });
    if (rvParam && rvParam !== '0' && Number(rvParam) < r.compactedRv) {
      res.write(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', GONE_MESSAGE) }) + '\n');
      return w.close();
    }
    if (!rvParam || rvParam === '0') {
      for (const o of r.objects.values()) w.send({ type: 'ADDED', object: o });
    } else {
      for (const ev of r.history) if (ev.rv > Number(rvParam)) w.send(ev);
    }
    if (!closed) {
      this.watchers.add(w);
      checkFault();
    }
  }

  podLog(route, url, req, res) {
    const container = url.searchParams.get('container') ?? '';
    const k = `${route.namespace}/${route.name}/${container}`;
    const log = this.logs.get(k);
    if (!log) return this.json(res, 400, status(400, 'BadRequest', `container "${container}" in pod "${route.name}" is waiting to start: ContainerCreating`));
    const ts = url.searchParams.get('timestamps') === 'true';
    const follow = url.searchParams.get('follow') === 'true';
    const sinceTime = url.searchParams.get('sinceTime');
    const sinceSeconds = url.searchParams.get('sinceSeconds');
    const since = sinceTime ? Date.parse(sinceTime) : sinceSeconds ? Date.now() - Number(sinceSeconds) * 1000 : -Infinity;
    const fault = this.logFaults.get(k)?.shift();
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    this.openResponses.add(res);
    let sent = 0;
    const write = (line) => {
      if (Date.parse(line.time) < since) return;
      if (fault && sent >= fault.afterLines) return res.destroy();
      res.write(`${ts ? `${line.time} ` : ''}${line.text}\n`);
      sent++;
    };
    for (const line of log.lines) write(line);
    if (!follow) return res.end();
    log.followers.add(write);
    req.on('close', () => log.followers.delete(write));
    res.on('close', () => {
      log.followers.delete(write);
      this.openResponses.delete(res);
    });
  }

  /** Accepts the request and never answers it (no status line, no headers). */
  hangRequest(req, res) {
    this.openResponses.add(res);
    res.on('close', () => this.openResponses.delete(res));
  }

  ssar(req, res) {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const review = JSON.parse(body);
      const ra = review.spec?.resourceAttributes ?? {};
      const resource = ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource;
      const allowed = !this.forbidden.has(resource);
      this.json(res, 201, { ...review, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC rule allows it' }) } });
    });
  }

  prom(url, res) {
    const query = url.searchParams.get('query') ?? '';
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(query);
    const name = m?.[0];
    const series = this.promSeries.filter((s) => s.metric.__name__ === name);
    if (url.pathname === '/api/v1/query_range') {
      const start = Number(url.searchParams.get('start'));
      const end = Number(url.searchParams.get('end'));
      const result = series.map((s) => ({ metric: s.metric, values: s.values.filter(([t]) => t >= start && t <= end) }));
      return this.json(res, 200, { status: 'success', data: { resultType: 'matrix', result } });
    }
    const result = series.filter((s) => s.values.length).map((s) => ({ metric: s.metric, value: s.values[s.values.length - 1] }));
    return this.json(res, 200, { status: 'success', data: { resultType: 'vector', result } });
  }

  json(res, code, body) {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  text(res, code, body) {
    res.writeHead(code, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  }
}

/** Resource types the fake knows from the start. */
export const DEFAULT_RESOURCES = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod' },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' },
  { group: '', version: 'v1', resource: 'events', kind: 'Event' },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease' },
  { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices', kind: 'APIService', namespaced: false },
  { group: 'kubernaut.ai', version: 'v1alpha1', resource: 'remediationrequests', kind: 'RemediationRequest' },
];
