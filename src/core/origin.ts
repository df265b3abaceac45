// Where a log-derived finding comes from, reduced to what survives a rollout, a copy or
// repackaging: a pod's workload, a file's name.

/**
 * An origin as it goes into an id. A pod's generated suffixes are dropped (a ReplicaSet's
 * `-<hash>-<5>`, a StatefulSet keeps its ordinal), so a rollout keeps the id; a file keeps its
 * name only (`/tmp/x/gateway.log`, `bundle.tar.gz:logs/gateway.log` → `gateway.log`), so the
 * same data as a folder, an archive or a copy elsewhere keeps it too.
 */
export function canonicalOrigin(origin: string | null | undefined): string | undefined {
  if (!origin) return undefined;
  const o = origin.replace(/\\/g, '/');
  if (looksLikeFile(o)) {
    const member = o.slice(o.lastIndexOf(':') + 1);
    return member.slice(member.lastIndexOf('/') + 1);
  }
  // namespace/pod/container or pod/container: strip the pod's generated suffixes.
  const parts = o.split('/');
  const podAt = parts.length >= 3 ? parts.length - 2 : parts.length === 2 ? 0 : -1;
  if (podAt >= 0) parts[podAt] = workloadOf(parts[podAt]!);
  return parts.join('/');
}

/** Whether an origin names a file (a path, an archive member) rather than a pod/container. */
export function looksLikeFile(o: string): boolean {
  return /\.(log|txt|out|json|jsonl|gz|ya?ml)$/i.test(o) || o.includes(':') || o.startsWith('/') || o.startsWith('.');
}

/** `gateway-7d9c6b5f4-x2kq9` → `gateway`; `gateway-x2kq9` (a DaemonSet's) → `gateway`. */
export function workloadOf(pod: string): string {
  const rs = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (rs && /\d/.test(pod.slice(rs[1]!.length))) return rs[1]!;
  const ds = /^(.+)-[a-z0-9]{5}$/.exec(pod);
  if (ds && /\d/.test(pod.slice(ds[1]!.length)) && /[a-z]/.test(pod.slice(ds[1]!.length + 1))) return ds[1]!;
  return pod;
}
