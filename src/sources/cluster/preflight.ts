// Preflight: asks the apiserver, with one SelfSubjectAccessReview per permission, whether the
// current user may get/list/watch what the session needs, and says which panels go blind
// without it. SelfSubjectAccessReview is a POST (a `create` of a review object), the same call
// `kubectl auth can-i` makes: it asks a question and stores nothing. We prefer it to
// SelfSubjectRulesReview because its answer is exact for each question, also with webhook
// authorizers, where a rules review may be incomplete.
import { RULES } from '../../analyzers/index.js';
import type { RuleId } from '../../core/finding.js';
import type { AccessReport, BlindSpot } from '../../core/live-status.js';
import type { ClusterOptions } from './flags.js';
import { errorText, type KubeClient } from './kube.js';
import { groupResource, type Panel, type ResourceSpec } from './resources.js';

/** One permission the session needs. */
export interface Permission {
  verb: 'get' | 'list' | 'watch';
  group: string;
  resource: string;
  subresource?: string;
  /** Undefined for all namespaces or a cluster-scoped resource. */
  namespace?: string;
  panel: Panel;
}

/** The answer for one permission. */
export interface PermissionCheck extends Permission {
  allowed: boolean;
  reason?: string;
}

/** What the preflight found. */
export interface PreflightResult {
  checks: PermissionCheck[];
  missing: PermissionCheck[];
  /** One line per blind panel: `duplicate-cr: cannot list, watch remediationrequests.kubernaut.ai in demo`. */
  blind: string[];
  /** Set when the reviews themselves could not be made (the session goes on and finds out). */
  problem?: string;
}

/** The permissions a session with these options needs. */
export function neededPermissions(opts: Pick<ClusterOptions, 'resources' | 'logs'>, namespace: string | undefined): Permission[] {
  const out: Permission[] = [];
  const add = (r: Pick<ResourceSpec, 'group' | 'resource' | 'namespaced' | 'panel'>, verbs: Permission['verb'][], subresource?: string) => {
    for (const verb of verbs) out.push({ verb, group: r.group, resource: r.resource, subresource, namespace: r.namespaced === false ? undefined : namespace, panel: r.panel });
  };
  for (const r of opts.resources) add(r, ['list', 'watch']);
  if (opts.logs.length) {
    add({ group: '', resource: 'pods', panel: 'logs' }, ['list', 'watch']);
    add({ group: '', resource: 'pods', panel: 'logs' }, ['get'], 'log');
    if (opts.logs.some((t) => t.kind === 'workload')) {
      for (const res of new Set(opts.logs.flatMap((t) => (t.kind === 'workload' ? [t.resource] : [])))) add({ group: 'apps', resource: res, panel: 'logs' }, ['get']);
    }
  }
  return out;
}

/** Runs the reviews (in parallel) and summarises what is missing. */
export async function preflight(client: KubeClient, perms: Permission[], signal?: AbortSignal): Promise<PreflightResult> {
  let problem: string | undefined;
  const checks = await mapLimit(
    perms,
    4,
    async (p): Promise<PermissionCheck> => {
      try {
        const review = await client.postJson<{ status?: { allowed?: boolean; reason?: string; evaluationError?: string } }>(
          '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, subresource: p.subresource, namespace: p.namespace } },
          },
          signal,
        );
        const allowed = review.status?.allowed === true;
        return { ...p, allowed, reason: allowed ? undefined : review.status?.reason || review.status?.evaluationError || undefined };
      } catch (err) {
        problem ??= `could not check permissions (SelfSubjectAccessReview failed: ${errorText(err)}); going on without knowing`;
        return { ...p, allowed: true };
      }
    },
  );
  const missing = checks.filter((c) => !c.allowed);
  const blind = byTarget(missing).map((ms) => {
    const m = ms[0]!;
    return `${m.panel}: cannot ${ms.map((x) => x.verb).join(', ')} ${resourceName(m)} ${m.namespace ? `in ${m.namespace}` : 'cluster-wide'}`;
  });
  return { checks, missing, blind, problem };
}

/**
 * Rule panels left without input when a panel's input is missing. Pod logs feed every rule, but
 * stale-pending reads nothing else; events and leases feed no rule panel of their own.
 */
export const RULES_OF_PANEL: Readonly<Record<Panel, RuleId[]>> = {
  ...(Object.fromEntries(RULES.filter((r) => r.live.watch?.length).map((r) => [r.rule, [r.rule]])) as Record<RuleId, RuleId[]>),
  events: [],
  leases: [],
  logs: RULES.filter((r) => !r.live.watch?.length).map((r) => r.rule),
};

/** The missing permissions as blind spots: one per panel and resource, with the verbs missing. */
export function blindSpots(result: Pick<PreflightResult, 'missing'>): BlindSpot[] {
  return byTarget(result.missing).map((ms) => {
    const m = ms[0]!;
    return { panel: m.panel, verbs: ms.map((x) => x.verb), resource: resourceName(m), namespace: m.namespace, rules: RULES_OF_PANEL[m.panel] ?? [] };
  });
}

/**
 * The preflight as live mode wants it: asks what a session with `opts` needs in `namespace`
 * (undefined: all), gives up after `timeoutMs` (a hanging apiserver must not stall the start),
 * and never throws — a failed review is reported in `problem`.
 */
export async function checkAccess(
  client: KubeClient,
  opts: Pick<ClusterOptions, 'resources' | 'logs'>,
  namespace: string | undefined,
  signal: AbortSignal,
  timeoutMs = 10_000,
): Promise<AccessReport> {
  try {
    const r = await preflight(client, neededPermissions(opts, namespace), AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
    return { blind: blindSpots(r), ...(r.problem ? { problem: r.problem } : {}) };
  } catch (err) {
    return { blind: [], problem: `could not check permissions (${errorText(err)}); going on without knowing` };
  }
}

/** `pods/log`, `remediationrequests.kubernaut.ai`: kubectl's name of what a permission reads. */
function resourceName(p: Pick<Permission, 'group' | 'resource' | 'subresource'>): string {
  return `${groupResource(p)}${p.subresource ? `/${p.subresource}` : ''}`;
}

/** Groups missing checks by panel, resource and namespace, keeping the order they were asked in. */
function byTarget(missing: readonly PermissionCheck[]): PermissionCheck[][] {
  const groups = new Map<string, PermissionCheck[]>();
  for (const m of missing) {
    const key = `${m.panel}\u0000${m.group}\u0000${m.resource}\u0000${m.subresource ?? ''}\u0000${m.namespace ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}

/** Maps with at most `n` calls in flight, keeping order. */
async function mapLimit<T, R>(xs: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker));
  return out;
}

/** The minimal read-only ClusterRole for the default resources plus pod logs (for the README). */
export const MINIMAL_CLUSTER_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ctrlscope-reader
rules:
- apiGroups: ["kubernaut.ai"]            # plus the group of every --resources CRD
  resources: ["remediationrequests"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["apiregistration.k8s.io"]
  resources: ["apiservices"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps", "events", "pods", "pods/log"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
  verbs: ["get"]
`;
