// Which resources the cluster source watches, how a `--resources` argument names one, where its
// collection lives in the API, and which dashboard panel goes blind without it.
import type { KubeObject } from '../../core/event.js';
import { UserError } from '../../core/errors.js';
import type { RuleId } from '../../core/finding.js';
import { RULES } from '../../analyzers/index.js';

/** Dashboard panel a resource feeds (rule ids where it feeds one rule). */
export type Panel = RuleId | 'events' | 'leases' | 'logs';

/** One watched resource type. `namespaced` and `kind` may be filled in by discovery. */
export interface ResourceSpec {
  group: string;
  /** Empty when only `resource.group` was given: discovery picks the preferred version. */
  version: string;
  resource: string;
  kind?: string;
  namespaced?: boolean;
  panel: Panel;
  /** Gets the `-l/--selector` filter (the custom resources and the ConfigMaps). */
  selectable?: boolean;
}

/**
 * Watched by default: what each rule module asks for — first the rule that `--resources` adds
 * custom resources to (RemediationRequests for dedup), then the others in rule order (APIServices
 * for Available churn, ConfigMaps for triggers) — then Events and Leases.
 */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  ...[...RULES]
    .sort((a, b) => Number(!!b.live.customResources) - Number(!!a.live.customResources))
    .flatMap((r) => (r.live.watch ?? []).map((w) => ({ ...w, panel: r.rule }))),
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, panel: 'events' },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true, panel: 'leases' },
];

/** The panel that custom resources named with `--resources` feed (the rule that dedups them). */
const CUSTOM_PANEL: Panel = RULES.find((r) => r.live.customResources)?.rule ?? 'events';

const VERSION_RE = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/**
 * Parses a `--resources` entry naming a custom resource to dedup: `PLURAL.VERSION.GROUP`
 * (kubectl's spelling, e.g. `remediationrequests.v1alpha1.kubernaut.ai`), `PLURAL.GROUP`
 * (preferred version from discovery) or `GROUP/VERSION/PLURAL`.
 */
export function parseResourceArg(arg: string): ResourceSpec {
  const s = arg.trim();
  const bad = () =>
    new UserError(
      `--resources "${arg}": not a resource name`,
      'write PLURAL.VERSION.GROUP (e.g. remediationrequests.v1alpha1.kubernaut.ai), PLURAL.GROUP, or GROUP/VERSION/PLURAL',
    );
  if (s.includes('/')) {
    const parts = s.split('/');
    if (parts.length !== 3 || parts.some((p) => !p)) throw bad();
    const [group, version, resource] = parts as [string, string, string];
    if (!VERSION_RE.test(version)) throw bad();
    return { group: group === 'core' ? '' : group, version, resource: resource.toLowerCase(), panel: CUSTOM_PANEL, selectable: true };
  }
  const dot = s.indexOf('.');
  if (dot <= 0) throw bad();
  const resource = s.slice(0, dot).toLowerCase();
  const rest = s.slice(dot + 1);
  const d2 = rest.indexOf('.');
  const maybeVersion = d2 > 0 ? rest.slice(0, d2) : '';
  if (VERSION_RE.test(maybeVersion)) return { group: rest.slice(d2 + 1), version: maybeVersion, resource, panel: CUSTOM_PANEL, selectable: true };
  if (!/^[a-z0-9.-]+$/.test(rest)) throw bad();
  return { group: rest, version: '', resource, panel: CUSTOM_PANEL, selectable: true };
}

/** `PLURAL.GROUP` (or `PLURAL` for the core group), kubectl's short form. */
export function groupResource(r: Pick<ResourceSpec, 'group' | 'resource'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** `apiVersion` of a resource's objects. */
export function apiVersionOf(r: Pick<ResourceSpec, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Collection path; `namespace` undefined means all namespaces (or a cluster-scoped resource). */
export function resourcePath(r: Pick<ResourceSpec, 'group' | 'version' | 'resource' | 'namespaced'>, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced !== false && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.resource}`;
}

/**
 * Trims each object of a resource to what the analyzers read, before it is held or passed on:
 * managedFields and kubectl's last-applied-configuration annotation (a second copy of the object)
 * everywhere, ConfigMap and Secret payloads; and, when `wholeKinds` is given and the resource's
 * kind is not in it, everything but the object's identity (apiVersion, kind, name, namespace,
 * uid, resourceVersion, creation and deletion time).
 */
export function stripFor(r: Pick<ResourceSpec, 'group' | 'resource' | 'kind'>, wholeKinds?: readonly string[]): (o: KubeObject) => KubeObject {
  const kind = r.kind?.toLowerCase();
  if (wholeKinds && kind && !wholeKinds.includes(kind)) return identityOf;
  if (r.group === '' && (r.resource === 'configmaps' || r.resource === 'secrets')) {
    return (o) => {
      const { data: _d, binaryData: _b, stringData: _s, ...rest } = stripManagedFields(o) as KubeObject & { data?: unknown; binaryData?: unknown; stringData?: unknown };
      return rest;
    };
  }
  return stripManagedFields;
}

/** An object's identity: what analyzers read of kinds they do not study, and what a watch needs to diff. */
export function identityOf(o: KubeObject): KubeObject {
  const out: KubeObject = {};
  if (o.apiVersion !== undefined) out.apiVersion = o.apiVersion;
  if (o.kind !== undefined) out.kind = o.kind;
  const m = o.metadata;
  if (m) {
    const md: NonNullable<KubeObject['metadata']> = {};
    for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'] as const) if (m[k] !== undefined) md[k] = m[k];
    out.metadata = md;
  }
  return out;
}

/** Adds `extra` to `base`, skipping duplicates (same group and resource). */
export function mergeResources(base: readonly ResourceSpec[], extra: readonly ResourceSpec[]): ResourceSpec[] {
  const out = [...base];
  for (const r of extra) if (!out.some((b) => b.group === r.group && b.resource === r.resource)) out.push(r);
  return out;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/**
 * Fills version (preferred, when not given), kind and scope of a resource from API discovery
 * (GET /apis/GROUP and /apis/GROUP/VERSION — reads only). Throws KubeApiError 404 when the
 * group, version or resource is not served (the CRD is not installed).
 */
export async function discover(client: import('./kube.js').KubeClient, r: ResourceSpec, signal?: AbortSignal): Promise<ResourceSpec> {
  if (r.version && r.kind && r.namespaced !== undefined) return r;
  const { KubeApiError } = await import('./kube.js');
  let version = r.version;
  if (!version) {
    const g = await client.getJson<{ preferredVersion?: { version?: string } }>(`/apis/${r.group}`, {}, signal);
    version = g.preferredVersion?.version ?? '';
    if (!version) throw new KubeApiError(404, 'NotFound', `the server serves no version of ${r.group}`, `/apis/${r.group}`);
  }
  const path = r.group ? `/apis/${r.group}/${version}` : `/api/${version}`;
  const list = await client.getJson<ApiResourceList>(path, {}, signal);
  const found = list.resources?.find((x) => x.name === r.resource);
  if (!found) throw new KubeApiError(404, 'NotFound', `the server does not serve ${groupResource(r)} in ${r.group || 'core'}/${version}`, path);
  return { ...r, version, kind: found.kind, namespaced: found.namespaced };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Strips the bulky metadata.managedFields and last-applied-configuration annotation (never read by the analyzers). */
export function stripManagedFields(o: KubeObject): KubeObject {
  const m = o.metadata;
  if (!m) return o;
  const lastApplied = m.annotations !== undefined && LAST_APPLIED in m.annotations;
  if (!('managedFields' in m) && !lastApplied) return o;
  const { managedFields: _m, ...meta } = m;
  if (lastApplied) {
    const { [LAST_APPLIED]: _l, ...annotations } = m.annotations!;
    meta.annotations = annotations;
  }
  return { ...o, metadata: meta };
}
