// What the rules read of one Kubernetes Event (core/v1 or events.k8s.io/v1; a dump's object or
// a row kubectl printed, see parsers/kubectl-events.ts): type, reason, message, the component
// that wrote it, how often and over how long, and the object it is about. Shared by the rules
// that read Events (queue-leak: Warnings that cannot heal; reconcile-burst: a Normal event of
// one object repeated in a loop). Pure: no I/O.
import type { KubeObject } from '../core/event.js';
import type { Evidence, Subject } from '../core/finding.js';

/** One Event as the rules read it. */
export interface EventFacts {
  type: string;
  reason: string;
  message: string;
  component: string | null;
  /** The kubelet wrote it (its pod workers, not a controller's workqueue). */
  kubelet: boolean;
  count: number;
  /** Epoch ms of the first and last time, when the Event carries them. */
  first?: number;
  last?: number;
  /** Seconds from first to last: from the times, else from a table's ages. */
  spanS?: number;
  /** The involved object; the event itself (kind Event, named by its reason) when none is named. */
  subject: Subject;
  /** Whether the Event names its object. */
  named: boolean;
  evidence: Evidence;
}

/**
 * The kubelet's Events: its pod workers (probes, image pulls, container back-off, mounts,
 * sandboxes) retry on their own schedule. A table without a SOURCE column names no component:
 * the kubelet's reasons (pkg/kubelet/events) tell them apart.
 */
const KUBELET_COMPONENTS = new Set(['kubelet']);
const KUBELET_REASONS = new Set([
  'Created', 'Started', 'Failed', 'Killing', 'Preempting', 'BackOff', 'ExceededGracePeriod', 'FailedKillPod', 'FailedCreatePodContainer',
  'NetworkNotReady', 'Pulling', 'Pulled', 'InspectFailed', 'ErrImageNeverPull', 'Unhealthy', 'ProbeWarning', 'ProbeError', 'FailedSync',
  'FailedValidation', 'FailedPostStartHook', 'FailedPreStopHook', 'FailedMount', 'FailedMapVolume', 'AlreadyMountedVolume',
  'SuccessfulMountVolume', 'FailedCreatePodSandBox', 'FailedPodSandBoxStatus', 'SandboxChanged', 'HostPortConflict', 'NodeNotReady',
  'NodeReady', 'Rebooted', 'ContainerGCFailed', 'ImageGCFailed', 'FailedNodeAllocatableEnforcement', 'Evicted', 'OOMKilling',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const timeOf = (v: unknown): number | undefined => {
  const s = str(v);
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
const rfc3339 = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, 'Z'));

/** A duration in kubectl's words: `52s`, `14m`, `3h9m`, `2d3h`. */
export function humanSpan(s: number): string {
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 3 * 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h}h${m}m` : `${h}h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  return h ? `${d}d${h}h` : `${d}d`;
}

/** The facts of an Event object (`source`, `line`: where it was read); undefined for any other object. */
export function eventFacts(o: KubeObject, source: string, line: number | undefined): EventFacts | undefined {
  if (o.kind !== 'Event') return undefined;
  const type = str(o.type);
  const reason = str(o.reason);
  if (!type || !reason) return undefined;
  const src = rec(o.source) ?? rec(o.deprecatedSource);
  const component = str(src?.component) ?? str(o.reportingController) ?? str(o.reportingComponent) ?? null;
  const kubelet = component !== null ? KUBELET_COMPONENTS.has(component) : KUBELET_REASONS.has(reason);
  const message = str(o.message) ?? str(o.note) ?? '';
  const series = rec(o.series);
  const count = num(series?.count) ?? num(o.count) ?? num(o.deprecatedCount) ?? 1;
  const first = timeOf(o.firstTimestamp) ?? timeOf(o.deprecatedFirstTimestamp) ?? timeOf(o.eventTime);
  const last = timeOf(series?.lastObservedTime) ?? timeOf(o.lastTimestamp) ?? timeOf(o.deprecatedLastTimestamp) ?? first;
  const table = rec(o.table);
  let spanS = first !== undefined && last !== undefined ? Math.max(0, (last - first) / 1000) : undefined;
  const firstAgo = num(table?.firstSeenSeconds);
  const lastAgo = num(table?.lastSeenSeconds);
  if (spanS === undefined && firstAgo !== undefined && lastAgo !== undefined) spanS = Math.max(0, firstAgo - lastAgo);
  const ref = rec(o.involvedObject) ?? rec(o.regarding) ?? {};
  const namespace = str(ref.namespace) ?? str(o.metadata?.namespace) ?? null;
  // A describe Events section pasted without its object's name: the subject is the event itself.
  const name = str(ref.name);
  const subject: Subject = name ? { kind: str(ref.kind) ?? 'Object', namespace, name, controller: component } : { kind: 'Event', namespace, name: reason, controller: component };
  // A table row is shown as kubectl printed it; an object by its fields.
  const seen = table ? str(table['LAST SEEN']) ?? str(table.AGE) : undefined;
  const text = seen !== undefined
    ? `${type}  ${reason}  ${seen}  ${component ?? ''}  ${name ? `${subject.kind}/${name}  ` : ''}${message}`.replace(/ {4}/g, '  ')
    : `${type} ${reason} count=${count}${first !== undefined ? ` firstTimestamp=${rfc3339(first)}` : ''}${last !== undefined ? ` lastTimestamp=${rfc3339(last)}` : ''} source=${component ?? '-'} involvedObject=${subject.kind} ${namespace ? `${namespace}/` : ''}${subject.name}: ${message}`;
  const facts: EventFacts = {
    type, reason, message, component, kubelet, count, subject, named: name !== undefined,
    evidence: { source: line !== undefined ? `${source}:${line}` : source, time: rfc3339(last), text },
  };
  if (first !== undefined) facts.first = first;
  if (last !== undefined) facts.last = last;
  if (spanS !== undefined) facts.spanS = spanS;
  return facts;
}

/** Where a set of repeats of one Event is kept: per component, object and reason. */
export function eventKey(f: EventFacts): string {
  return `${f.component ?? ''}|${f.subject.kind}|${f.subject.namespace ?? ''}/${f.subject.name}|${f.reason}`;
}
