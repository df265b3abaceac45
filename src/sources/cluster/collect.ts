// `collect`: a must-gather-like bundle from a live cluster, which `check` reads back.
//   ctrlscope-collect-<UTC stamp>/
//     timestamp                                   start and end, Go time format (as must-gather)
//     namespaces/NS/GROUP/RESOURCE.yaml           kind: List of that namespace's objects (GROUP
//                                                 "core" for the core group)
//     namespaces/NS/pods/POD/POD.yaml             the pod
//     namespaces/NS/pods/POD/CONTAINER/CONTAINER/logs/current.log   RFC3339Nano-prefixed lines
//     cluster-scoped-resources/GROUP/RESOURCE/NAME.yaml             one object per file
//     metrics/NAME.prom                           scrapes and Prometheus history (text format)
//     version                                     the tool that wrote it (as must-gather)
//     .ctrlscope-collect.json                     what was asked, what could not be read
// Reads only (GET, plus the preflight's SelfSubjectAccessReviews); writes only into a temp
// directory, then the archive.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { KubeObject } from '../../core/event.js';
import { UserError, describeError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import type { ClusterOptions } from './flags.js';
import { errorText, isGone, loadKube, type KubeClient } from './kube.js';
import { resolveLogTarget } from './log-targets.js';
import { neededPermissions, preflight, type PreflightResult } from './preflight.js';
import { apiVersionOf, discover, groupResource, resourcePath, stripFor, type ResourceSpec } from './resources.js';

/** Options of `collect`. */
export interface CollectOptions extends ClusterOptions {
  /** Archive to write (.tar.gz). */
  output: string;
  /** Largest log read per container (bytes). */
  logLimitBytes?: number;
  /** Wall clock (tests pin it). */
  now?: () => Date;
}

/** What was written. */
export interface CollectSummary {
  output: string;
  objects: number;
  logs: number;
  metrics: number;
  problems: string[];
  preflight: PreflightResult;
}

/** Go's time.Time.String() in UTC: `2021-08-03 09:56:48.048185296 +0000 UTC`. */
export function goTime(d: Date): string {
  const iso = d.toISOString(); // 2021-08-03T09:56:48.048Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000000 +0000 UTC`;
}

interface ListBody {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

/** Lists a whole collection in pages, restarting once a continue token expires. */
export async function listAll(client: KubeClient, path: string, query: Record<string, string | undefined>, pageSize = 500, signal?: AbortSignal): Promise<ListBody & { items: KubeObject[] }> {
  for (let attempt = 0; ; attempt++) {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let first: ListBody | undefined;
    try {
      do {
        const body = await client.getJson<ListBody>(path, { ...query, limit: pageSize, continue: cont }, signal);
        first ??= body;
        items.push(...(body.items ?? []));
        cont = body.metadata?.continue || undefined;
      } while (cont);
      return { ...first, items };
    } catch (err) {
      if (isGone(err) && cont && attempt < 3) continue;
      throw err;
    }
  }
}

/** YAML of one value (lazy `yaml` import: only collect needs it). */
async function toYaml(v: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(v, { lineWidth: 0 });
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

/** Collects the bundle and writes the archive. */
export async function collectBundle(opts: CollectOptions, signal: AbortSignal, hooks: { client?: KubeClient; onProgress?: (msg: string) => void } = {}): Promise<CollectSummary> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const client = hooks.client ?? (await loadKube({ kubeconfig: opts.kubeconfig, context: opts.context, options: opts.kubeconfigOptions }));
  if (opts.requestTimeoutMs !== undefined) client.requestTimeoutMs = opts.requestTimeoutMs;
  const ns = opts.allNamespaces ? undefined : (opts.namespace ?? client.namespace);
  const problems: string[] = [];
  const say = (m: string) => hooks.onProgress?.(m);

  // Fail early, before any work, when the cluster cannot be reached at all.
  try {
    await client.getJson('/version', {}, signal);
  } catch (err) {
    throw new UserError(`cannot reach the cluster of context "${client.context}" (${client.server}): ${errorText(err)}`, 'check the context with `kubectl get --raw /version`, or pick another with --context');
  }
  const pf = await preflight(client, neededPermissions(opts, ns), signal);
  if (pf.problem) problems.push(pf.problem);
  for (const b of pf.blind) problems.push(`missing permission, not collected: ${b}`);

  const tmp = await mkdtemp(join(tmpdir(), 'ctrlscope-collect-'));
  const rootName = `ctrlscope-collect-${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  const root = join(tmp, rootName);
  let objects = 0;
  let logs = 0;
  let metrics = 0;
  const write = async (rel: string, text: string) => {
    const p = join(root, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, text);
  };
  try {
    await mkdir(root, { recursive: true });
    // Resources.
    for (const spec of opts.resources) {
      if (signal.aborted) break;
      let r: ResourceSpec;
      try {
        r = await discover(client, spec, signal);
      } catch (err) {
        problems.push(`${groupResource(spec)}: ${errorText(err)}`);
        continue;
      }
      say(`listing ${groupResource(r)}`);
      let list;
      try {
        list = await listAll(client, resourcePath(r, ns), { labelSelector: r.selectable ? opts.selector : undefined }, opts.tuning?.pageSize ?? 500, signal);
      } catch (err) {
        problems.push(`${groupResource(r)}: ${errorText(err)}`);
        continue;
      }
      const strip = stripFor(r);
      const items = list.items.map((o) => ({ apiVersion: apiVersionOf(r), kind: r.kind, ...strip(o) }));
      objects += items.length;
      const group = r.group || 'core';
      if (r.namespaced === false) {
        for (const o of items) await write(join('cluster-scoped-resources', group, r.resource, `${safe(o.metadata?.name ?? 'unnamed')}.yaml`), await toYaml(o));
      } else {
        const byNs = new Map<string, KubeObject[]>();
        for (const o of items) {
          const n = o.metadata?.namespace ?? ns ?? 'default';
          byNs.set(n, [...(byNs.get(n) ?? []), o]);
        }
        for (const [n, objs] of byNs) {
          await write(join('namespaces', safe(n), group, `${r.resource}.yaml`), await toYaml({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: list.metadata?.resourceVersion ?? '' }, items: objs }));
        }
      }
    }
    // Pod logs.
    for (const target of opts.logs) {
      if (signal.aborted) break;
      try {
        const q = await resolveLogTarget(client, target, opts.allNamespaces && target.kind === 'selector' ? undefined : (opts.namespace ?? client.namespace), signal);
        const path = q.namespace ? `/api/v1/namespaces/${encodeURIComponent(q.namespace)}/pods` : '/api/v1/pods';
        const pods = await listAll(client, path, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector }, 500, signal);
        if (!pods.items.length) problems.push(`--logs ${target.text}: no pods matched`);
        for (const pod of pods.items) {
          const pns = pod.metadata?.namespace ?? q.namespace ?? 'default';
          const pname = pod.metadata?.name ?? '';
          await write(join('namespaces', safe(pns), 'pods', safe(pname), `${safe(pname)}.yaml`), await toYaml({ apiVersion: 'v1', kind: 'Pod', ...stripFor({ group: '', resource: 'pods' })(pod) }));
          const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
          for (const c of containers) {
            say(`reading logs of ${pns}/${pname}/${c}`);
            const file = join(root, 'namespaces', safe(pns), 'pods', safe(pname), safe(c), safe(c), 'logs', 'current.log');
            try {
              const res = await client.open('GET', `/api/v1/namespaces/${encodeURIComponent(pns)}/pods/${encodeURIComponent(pname)}/log`, { container: c, timestamps: 'true', limitBytes: opts.logLimitBytes ?? 100 * 1024 * 1024 }, { signal });
              await mkdir(dirname(file), { recursive: true });
              await pipeline(res, createWriteStream(file));
              logs++;
            } catch (err) {
              problems.push(`logs of ${pns}/${pname}/${c}: ${errorText(err)}`);
            }
          }
        }
      } catch (err) {
        if (err instanceof UserError) throw err;
        problems.push(`--logs ${target.text}: ${errorText(err)}`);
      }
    }
    // Metrics.
    if (opts.metricsUrls.length) {
      const { fetchExposition } = await import('../metrics-scrape.js');
      for (const url of opts.metricsUrls) {
        try {
          const at = now();
          const text = await fetchExposition(url, signal);
          const u = new URL(url);
          await write(join('metrics', `${safe(`${u.host}${u.pathname}`)}.prom`), `# scrape ${at.toISOString()}\n# source ${url}\n${text}${text.endsWith('\n') ? '' : '\n'}`);
          metrics++;
        } catch (err) {
          problems.push(`scrape ${url}: ${describeError(err)}`);
        }
      }
    }
    if (opts.prometheus) {
      const { DEFAULT_PROM_QUERIES, queryRange } = await import('../prometheus-range.js');
      const end = now().getTime();
      const step = Math.max(opts.scrapeIntervalMs, Math.ceil(opts.historyMs / 10_000));
      for (const q of opts.promQueries ?? DEFAULT_PROM_QUERIES) {
        try {
          const series = await queryRange(opts.prometheus, q, end - opts.historyMs, end, step, signal);
          if (!series.length) continue;
          const lines = [`# source ${opts.prometheus} query_range ${q}`];
          for (const s of series) {
            const { __name__: name, ...labels } = s.metric ?? {};
            const ls = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
            const metric = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name ?? q) ? (name ?? q) : `ctrlscope_query_${safe(q)}`;
            for (const [t, v] of s.values ?? []) lines.push(`${metric}${ls.length ? `{${ls.join(',')}}` : ''} ${v} ${Math.round(t * 1000)}`);
          }
          await write(join('metrics', `prometheus-${safe(q)}.prom`), lines.join('\n') + '\n');
          metrics++;
        } catch (err) {
          problems.push(`prometheus ${q}: ${describeError(err)}`);
        }
      }
    }
    const ended = now();
    await write('timestamp', `${goTime(started)}\n${goTime(ended)}\n`);
    await write('version', `ctrlscope ${VERSION}\n`);
    // Hidden, so that readers of the bundle do not take it for a log.
    await write(
      '.ctrlscope-collect.json',
      JSON.stringify(
        {
          tool: { name: 'ctrlscope', version: VERSION },
          context: client.context,
          server: client.server,
          namespace: ns ?? null,
          selector: opts.selector ?? null,
          resources: opts.resources.map((r) => groupResource(r)),
          logs: opts.logs.map((t) => t.text),
          metricsUrls: opts.metricsUrls,
          prometheus: opts.prometheus ?? null,
          started: started.toISOString(),
          ended: ended.toISOString(),
          problems,
          missingPermissions: pf.blind,
        },
        null,
        2,
      ) + '\n',
    );
    if (signal.aborted) throw new UserError('collect interrupted; no bundle written', 'run it again and let it finish');
    const tar = await import('tar');
    await mkdir(dirname(opts.output), { recursive: true });
    await tar.create({ gzip: true, file: opts.output, cwd: tmp, portable: true }, [rootName]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { output: opts.output, objects, logs, metrics, problems, preflight: pf };
}
