// Remediation an on-call can run, for the rule modules to fit to their findings: the catalog's steps, filled in with the finding's real names
// and namespaces, what to do now first and the code change second, fitted to the finding's
// variant and severity (an info note that says "not a race" does not print the race fix).
// Pure: (finding draft, the rule's general remediation) => remediation.
import type { FindingDraft, Remediation } from '../core/finding.js';
import { looksLikeFile, workloadOf } from '../core/origin.js';

/** `-n ns` for a namespaced name, nothing for a cluster-scoped one. */
const nsFlag = (ns: string | null | undefined) => (ns ? ` -n ${ns}` : '');
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** queue-leak's remediation for one finding (see RuleModule.remediate). */
export function queueLeakRemediation(d: FindingDraft, g: Remediation): Remediation {
  const s = d.subject;
  const code = num(d.metrics.statusCode);
  const auth = code === 401 || code === 403 || (num(d.metrics.authErrors) ?? 0) > 0;
  const now: string[] = [];
  // The catalog's code steps: the auth step only for errors that cannot heal.
  const codeSteps = g.steps.filter((step) => auth || !/401\/403/.test(step));
  if (s.kind === 'APIService') {
    now.push(`Look at the APIService and what it points to: kubectl get apiservice ${s.name} -o yaml (status.conditions says why it is unavailable; spec.service names the backend).`);
    if (auth) {
      now.push(
        `The backend answers ${code ?? '401/403'}: it refuses kube-apiserver's front-proxy client certificate, so every retry fails the same way. ` +
          `Check the backend's logs for authentication errors (kubectl get apiservice ${s.name} -o jsonpath='{.spec.service.namespace}/{.spec.service.name}' names its Service) ` +
          `and that it trusts the request-header CA in kubectl get configmap extension-apiserver-authentication -n kube-system -o yaml; fix its credentials or restart it so it reloads them.`,
      );
    }
    now.push(`If the extension behind ${s.name} was uninstalled and nothing serves it any more: kubectl delete apiservice ${s.name} stops the retries (re-installing the extension brings it back).`);
  } else if (s.kind === 'WorkQueue') {
    now.push(
      `Find the keys queue ${s.name} keeps retrying in its controller's logs (lines with "Reconciler error" or "error syncing"); watch workqueue_depth{name="${s.name}"} and workqueue_retries_total{name="${s.name}"} to see whether it drains.`,
    );
  } else if (d.variant === 'hot-object') {
    now.push(
      `Find the client sending these requests${s.controller ? ` (user agent ${s.controller})` : ''} and read its logs for the ${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name} it keeps re-processing; kubectl get ${s.kind.toLowerCase()} ${s.name}${nsFlag(s.namespace)} -o yaml shows the object it reads.`,
    );
  } else {
    const kind = s.kind === 'Object' ? '<kind>' : s.kind.toLowerCase();
    now.push(
      s.kind === 'Event'
        ? // An Event read where it named no object (a describe section or table row without one):
          // the subject is the Event's reason, and the cluster's Events say which object it is about.
          `Find the object the ${s.controller ?? 'controller'} keeps failing on: kubectl get events -A --field-selector reason=${s.name} (its OBJECT column), then kubectl describe that object for the full error.`
        : `Look at the object the ${s.controller ?? 'controller'} keeps failing on: kubectl get ${kind} ${s.name}${nsFlag(s.namespace)} -o yaml, and kubectl describe ${kind} ${s.name}${nsFlag(s.namespace)} for its events.`,
    );
    if (auth) now.push(`The failures are ${code ?? '401/403'}: check the controller's credentials and RBAC, e.g. kubectl auth can-i --list --as=system:serviceaccount:<namespace>:<service account> for the account it runs as.`);
  }
  if (d.severity === 'info') {
    return {
      summary: `Nothing to do now: the key keeps failing but within what the rate limiter allows. ${fixFirstWord(g.summary)}`,
      steps: [...now.slice(0, 1), ...codeSteps],
      references: g.references,
    };
  }
  return { summary: g.summary, steps: ordered(now, codeSteps), references: g.references };
}

/** One object of a duplicate group, read back from the finding's evidence. */
interface Obj {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  created?: string;
  phase?: string;
}

/**
 * Objects named by object-reference evidence: `kubernaut.ai/RemediationRequest ns/name created
 * 2026-11-22T10:01:15.310Z phase Pending`.
 */
export function objectsOf(d: FindingDraft): Obj[] {
  const out: Obj[] = [];
  const seen = new Set<string>();
  for (const e of d.evidence) {
    const m = /^(?:([\w.-]+)\/)?([A-Z]\w*) (?:([\w.-]+)\/)?([\w.-]+)(?: created (\S+))?(?: phase (\S+))?/.exec(e.text);
    if (!m) continue;
    const key = `${m[3] ?? ''}/${m[4]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group: m[1], kind: m[2]!, namespace: m[3], name: m[4]!, created: m[5], phase: m[6] });
  }
  return out;
}

const TERMINAL = /^(completed|failed|timedout|timed-out|skipped|cancelled|canceled|succeeded|done|blocked)$/i;

/** duplicate-cr's remediation for one finding. */
export function duplicateCrRemediation(d: FindingDraft, g: Remediation): Remediation {
  const s = d.subject;
  const objs = objectsOf(d).sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  const kind = objs[0]?.kind ?? s.kind;
  const group = objs[0]?.group;
  const resource = `${kind.toLowerCase()}${group ? `.${group}` : ''}`;
  const ns = objs.find((o) => o.namespace)?.namespace ?? s.namespace ?? undefined;
  const live = objs.filter((o) => !o.phase || !TERMINAL.test(o.phase));
  const codeSteps = g.steps.filter((step) => !/^Delete the extra/i.test(step));
  const list = `kubectl get ${resource}${nsFlag(ns)} -o wide${s.name.length >= 12 ? ` | grep ${s.name.slice(0, 12)}` : ''}`;
  const names = objs.map((o) => `${o.name}${o.phase ? ` (${o.phase})` : ''}`).join(', ');
  if (d.severity === 'info') {
    // Re-created after the earlier one ended: not a race, nothing to delete.
    return {
      summary: `Not a race: each ${kind} with this key was created after the earlier one had ended, so nothing needs deleting. If one object per key is wanted even across occurrences, make the creator update the existing one instead of creating another.`,
      steps: [`See them: ${list}${names ? ` (${names})` : ''}.`],
      references: g.references,
    };
  }
  const now: string[] = [];
  const keep = live[0];
  const extras = live.slice(1);
  if (extras.length && keep) {
    now.push(`Keep the oldest live one, ${keep.name}, and delete the later live duplicates before they are processed again:`);
    for (const o of extras) now.push(`kubectl delete ${resource} ${o.name}${nsFlag(o.namespace ?? ns)}`);
  } else {
    now.push(`No duplicate is live any more (${names || 'see the evidence'}): nothing to delete now; check what the duplicates did twice (notifications, remediations). ${list}`);
  }
  return {
    summary: extras.length ? `Delete ${extras.map((o) => o.name).join(', ')} now (keep ${keep!.name}); then make creation idempotent so the race cannot recur.` : g.summary,
    steps: ordered(now, codeSteps),
    references: g.references,
  };
}

/** stale-pending's remediation for one finding. */
export function stalePendingRemediation(d: FindingDraft, g: Remediation): Remediation {
  const origin = d.subject.origin ?? undefined;
  const pod = origin && !looksLikeFile(origin) ? /^([\w.-]+)\/([\w.-]+)\/([\w.-]+)$/.exec(origin) : null;
  const now: string[] = [];
  if (pod) {
    now.push(
      `The held entries are only released by a restart until the code is fixed: kubectl rollout restart deployment/${workloadOf(pod[2]!)} -n ${pod[1]} (or delete pod ${pod[2]} -n ${pod[1]} for one replica); the count starts again from ${String(d.metrics.baseline ?? 'its baseline')}.`,
    );
  } else {
    now.push(
      `The held entries are only released by restarting the process${origin ? ` that wrote ${origin}` : ''} until the code is fixed; the count starts again from ${String(d.metrics.baseline ?? 'its baseline')}.`,
    );
  }
  if ((num(d.metrics.failures) ?? 0) > 0 || d.signals?.includes('failures-in-stream')) {
    now.push('Fix or stop the failing backend first: the failures in the evidence are the paths that reserve and never release.');
  }
  return { summary: g.summary, steps: ordered(now, g.steps), references: g.references };
}

/** reconcile-burst's remediation for one finding. */
export function reconcileBurstRemediation(d: FindingDraft, g: Remediation): Remediation {
  const s = d.subject;
  const trigger = /A trigger \(([^)]+)\)/.exec(d.summary)?.[1];
  const now: string[] = [];
  if (d.variant === 'hot-loop') {
    now.push(
      `Look at what changes on every reconcile of ${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}: kubectl get ${s.kind.toLowerCase()} ${s.name}${nsFlag(s.namespace)} -o yaml --show-managed-fields (a status or annotation written each time re-triggers the watch).`,
    );
    return {
      summary: 'Stop the loop: a reconcile must not write what triggers the next one.',
      steps: ordered(now, [
        'Write status only when it changed (compare before Update/Patch), never a timestamp or a counter on every pass; filter the object\'s own status updates with builder.WithPredicates(predicate.GenerationChangedPredicate{}).',
        'Return reconcile.Result{RequeueAfter: …} with a real delay instead of Requeue: true when waiting for something.',
      ]),
      references: g.references,
    };
  }
  if (trigger) {
    const kind = /ConfigMap/i.test(d.evidence[0]?.text ?? '') ? 'configmap' : /Secret/i.test(d.evidence[0]?.text ?? '') ? 'secret' : 'configmap';
    now.push(
      `Find what changes ${trigger}: kubectl get ${kind} ${trigger}${nsFlag(s.namespace)} -o yaml --show-managed-fields and kubectl get events${nsFlag(s.namespace)} --field-selector involvedObject.name=${trigger}; while it keeps changing, every change costs ${String(d.metrics.operations ?? 'N²')} operations.`,
    );
  } else {
    now.push(`Watch the rate: controller_runtime_reconcile_total{controller="${s.controller ?? s.name}"} and the controller's logs show what keeps enqueueing ${s.kind} objects.`);
  }
  return { summary: g.summary, steps: ordered(now, g.steps), references: g.references };
}

/**
 * What to do now first, then the code change: the first step of each says which it is; commands
 * stay alone on their steps, ready to paste.
 */
function ordered(now: readonly string[], code: readonly string[]): string[] {
  return [...now.map((x, i) => (i === 0 ? `Now: ${x}` : x)), ...code.map((x, i) => (i === 0 ? `Then, in the code: ${x}` : x))];
}

function fixFirstWord(s: string): string {
  return `To make it heal without retries: ${s.charAt(0).toLowerCase()}${s.slice(1)}`;
}
