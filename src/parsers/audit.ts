// Kubernetes audit log lines (audit.k8s.io/v1 and v1beta1 `Event` objects, one JSON document per
// line, as the API server's log backend writes them) turned into AuditEvents. Pure: no I/O,
// never throws; a line that is not an audit event returns undefined and is counted as unparsed.
import type { AuditEvent } from '../core/event.js';

/**
 * An AuditEvent plus the two fields needed to count each request once: the audit stage
 * (`RequestReceived`, `ResponseStarted`, `ResponseComplete`, `Panic`) and the request's audit ID.
 * Structurally an AuditEvent, so it flows through the engine unchanged.
 */
export interface AuditRecord extends AuditEvent {
  stage?: string;
  auditID?: string;
  /** `objectRef.apiVersion` (e.g. `v1alpha1`), when given. */
  apiVersion?: string;
}

const API_VERSION_RE = /"apiVersion"\s*:\s*"audit\.k8s\.io\/v1(?:beta1|alpha1)?"/;

/** True when the first non-empty line of `head` is an audit.k8s.io Event in JSON. */
export function sniffAudit(head: string): boolean {
  let start = 0;
  while (start < head.length) {
    let end = head.indexOf('\n', start);
    if (end === -1) end = head.length;
    const line = head.slice(start, end).trim();
    if (line.length > 0) {
      const brace = line.indexOf('{');
      return brace !== -1 && brace < 64 && API_VERSION_RE.test(line) && /"(?:auditID|verb)"\s*:/.test(line);
    }
    start = end + 1;
  }
  return false;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/**
 * Parses one audit log line. Accepts a short prefix before the JSON (a log shipper's timestamp or
 * file name) and both `audit.k8s.io/v1` and `v1beta1`. Returns undefined for anything else.
 */
export function parseAuditLine(raw: string, lineNo: number, source: string): AuditRecord | undefined {
  const brace = raw.indexOf('{');
  if (brace === -1 || brace > 64) return undefined;
  // Cheap pre-check before paying for JSON.parse on a line that is not audit at all.
  if (raw.indexOf('audit.k8s.io/', brace) === -1) return undefined;
  let doc: Json | undefined;
  try {
    doc = obj(JSON.parse(brace === 0 ? raw : raw.slice(brace)));
  } catch {
    return undefined;
  }
  if (!doc) return undefined;
  const apiVersion = str(doc.apiVersion);
  if (!apiVersion?.startsWith('audit.k8s.io/') || (doc.kind !== undefined && doc.kind !== 'Event')) return undefined;
  const verb = str(doc.verb);
  if (!verb) return undefined;
  const user = obj(doc.user);
  const ref = obj(doc.objectRef);
  const status = obj(doc.responseStatus);
  const ts = str(doc.requestReceivedTimestamp) ?? str(doc.stageTimestamp) ?? str(doc.timestamp);
  const t = ts ? Date.parse(ts) : NaN;
  const ev: AuditRecord = {
    kind: 'audit',
    verb,
    user: str(user?.username) ?? 'unknown',
    source,
    line: lineNo,
    raw,
  };
  if (!Number.isNaN(t)) ev.time = t;
  const ua = str(doc.userAgent);
  if (ua) ev.userAgent = ua;
  if (ref) {
    const resource = str(ref.resource);
    if (resource) ev.resource = resource;
    const sub = str(ref.subresource);
    if (sub) ev.subresource = sub;
    const ns = str(ref.namespace);
    if (ns) ev.namespace = ns;
    const name = str(ref.name);
    if (name) ev.name = name;
    const group = str(ref.apiGroup);
    if (group) ev.apiGroup = group;
    const v = str(ref.apiVersion);
    if (v) ev.apiVersion = v;
  }
  if (typeof status?.code === 'number') ev.code = status.code;
  const stage = str(doc.stage);
  if (stage) ev.stage = stage;
  const id = str(doc.auditID);
  if (id) ev.auditID = id;
  return ev;
}

/** Audit lines in the exact shape the API server's log backend writes (values made up), for the sample test. */
export const samples: readonly string[] = [
  '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"7e0cbccf-8d8a-4f5f-b0b4-2a3b1a4f1c11","stage":"ResponseComplete","requestURI":"/apis/kubernaut.ai/v1alpha1/namespaces/kubernaut-system/remediationrequests/rr-2bf3a5781f9d-1","verb":"get","user":{"username":"system:serviceaccount:kubernaut-system:gateway","groups":["system:serviceaccounts","system:authenticated"]},"sourceIPs":["10.128.0.12"],"userAgent":"gateway/v0.0.0 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"remediationrequests","namespace":"kubernaut-system","name":"rr-2bf3a5781f9d-1","apiGroup":"kubernaut.ai","apiVersion":"v1alpha1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-10-02T18:07:01.120000Z","stageTimestamp":"2026-10-02T18:07:01.123000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}',
  '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"0b9a7f8e-3f25-4bb0-9a56-1d9c3c1b2f77","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/openshift-kube-apiserver/configmaps/cert-regeneration-controller-lock","verb":"update","user":{"username":"system:serviceaccount:openshift-kube-apiserver:localhost-recovery-client"},"sourceIPs":["::1"],"userAgent":"cluster-kube-apiserver-operator/v0.0.0 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"configmaps","namespace":"openshift-kube-apiserver","name":"cert-regeneration-controller-lock","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2021-08-03T09:21:51.101563Z","stageTimestamp":"2021-08-03T09:21:51.107436Z"}',
];
