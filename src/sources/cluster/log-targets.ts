// `--logs` targets (deploy/NAME, sts/NAME, ds/NAME, rs/NAME, pod/NAME, -l SELECTOR) and their
// resolution into a pod query: a label selector read from the workload, or one pod by name.
import { UserError } from '../../core/errors.js';
import type { KubeClient } from './kube.js';

/** One `--logs` value. */
export type LogTarget =
  | { kind: 'pod'; name: string; text: string }
  | { kind: 'workload'; resource: 'deployments' | 'statefulsets' | 'daemonsets' | 'replicasets'; name: string; text: string }
  | { kind: 'selector'; selector: string; text: string };

const WORKLOADS: Record<string, 'deployments' | 'statefulsets' | 'daemonsets' | 'replicasets'> = {
  deploy: 'deployments',
  deployment: 'deployments',
  deployments: 'deployments',
  sts: 'statefulsets',
  statefulset: 'statefulsets',
  statefulsets: 'statefulsets',
  ds: 'daemonsets',
  daemonset: 'daemonsets',
  daemonsets: 'daemonsets',
  rs: 'replicasets',
  replicaset: 'replicasets',
  replicasets: 'replicasets',
};

/** Parses a `--logs` value. */
export function parseLogTarget(raw: string): LogTarget {
  const text = raw.trim();
  const sel = /^(?:-l\s*|--selector[=\s]|selector[=:])(.+)$/.exec(text);
  if (sel) return { kind: 'selector', selector: sel[1]!.trim(), text };
  const slash = text.indexOf('/');
  if (slash > 0) {
    const type = text.slice(0, slash).toLowerCase();
    const name = text.slice(slash + 1);
    if (name && !name.includes('/')) {
      if (type === 'pod' || type === 'po' || type === 'pods') return { kind: 'pod', name, text };
      const resource = WORKLOADS[type];
      if (resource) return { kind: 'workload', resource, name, text };
    }
  } else if (/^[^\s=]+!?==?[^\s]*(,.*)?$/.test(text)) {
    return { kind: 'selector', selector: text, text };
  }
  throw new UserError(`--logs "${raw}": not a log target`, 'write deploy/NAME, sts/NAME, ds/NAME, pod/NAME, or "-l app=NAME"');
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Turns a metav1.LabelSelector into selector syntax. */
export function selectorString(s: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of s?.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** The pod query a target stands for: `labelSelector` or `fieldSelector`, in `namespace` (undefined: all). */
export interface PodQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Resolves a target into a pod query (reads the workload's selector with one GET). */
export async function resolveLogTarget(client: KubeClient, t: LogTarget, namespace: string | undefined, signal?: AbortSignal): Promise<PodQuery> {
  if (t.kind === 'selector') return { namespace, labelSelector: t.selector };
  const ns = namespace ?? client.namespace;
  if (t.kind === 'pod') return { namespace: ns, fieldSelector: `metadata.name=${t.name}` };
  const w = await client.getJson<{ spec?: { selector?: LabelSelector } }>(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/${t.resource}/${encodeURIComponent(t.name)}`, {}, signal);
  const sel = selectorString(w.spec?.selector);
  if (!sel) throw new UserError(`--logs ${t.text}: the ${t.resource.slice(0, -1)} has no pod selector`, 'name the pods with -l SELECTOR instead');
  return { namespace: ns, labelSelector: sel };
}
