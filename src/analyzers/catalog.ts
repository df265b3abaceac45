// The one catalog of texts: every rule's title, explanation, severity rules, remediation and
// references live here. `ctrlscope explain RULE`, the findings' remediation and docs/rules.md are
// all generated from it (a test checks the doc is current).
import type { Remediation, RuleId } from '../core/finding.js';

/** Everything ctrlscope says about one rule. */
export interface RuleText {
  rule: RuleId;
  title: string;
  /** The contract's one-line meaning. */
  meaning: string;
  /** What happens in the controller, why it hurts, how the detector recognises it. */
  explanation: string[];
  /** How severity is decided. */
  severity: string[];
  /** What is not flagged, on purpose. */
  notFlagged: string[];
  remediation: Remediation;
}

/** Catalog entries in rule order. */
export const CATALOG: Record<RuleId, RuleText> = {
  'queue-leak': {
    rule: 'queue-leak',
    title: 'Workqueue re-adds a key faster than its rate limiter allows',
    meaning:
      'a workqueue holds or re-processes the same key more than its rate limiter allows: resync or event re-adds while the key is in backoff or in flight, duplicate in-flight processing, retry counts that grow from resync window to resync window, retries of errors that cannot heal (401/403)',
    explanation: [
      'client-go workqueues deduplicate a key only while it waits in the queue. A controller that calls Add or AddRateLimited from a periodic resync, an event handler and its own failure path puts the key back while it is still backing off or being processed, so each resync window adds another copy and its retries: failures per window grow 1, 2, 4, 8.',
      'Errors that cannot heal (401 Unauthorized, 403 Forbidden) make it worse: every retry fails the same way, forever, and each one costs an API call or a backend request.',
      'ctrlscope counts failures and processing per key in resync windows (the period from "Starting reflector … (30s)", else 30 s), compares the rate with what per-item exponential backoff plus one resync per window allows, and reads workqueue_depth, workqueue_adds_total, workqueue_retries_total and workqueue_unfinished_work_seconds when metrics are given.',
    ],
    severity: [
      'critical: failures per window keep growing (at least three consecutive increases, roughly doubling), or a 401/403 is retried across several windows.',
      'warning: a key is re-processed above the backoff-plus-resync allowance, or the queue depth / unfinished work grows steadily.',
      'info: a key fails repeatedly but within what the rate limiter allows.',
    ],
    notFlagged: ['a key that fails a few times and then succeeds', 'a queue whose depth stays low'],
    remediation: {
      summary: 'Stop re-adding a key that is already queued, processing or backing off, and do not retry errors that cannot heal.',
      steps: [
        'In the resync/event handlers, skip queue.Add/AddRateLimited while the key is queued, being processed or has queue.NumRequeues(key) > 0; let the rate limiter own retries.',
        'Lengthen the informer resync period (or disable it) — resync is a safety net, not a retry loop.',
        'For 401/403 (and other permanent errors) call queue.Forget(key) and do not requeue, or requeue after a long fixed delay with queue.AddAfter; fix the credentials instead.',
        'Alert on workqueue_depth and rate(workqueue_retries_total[5m]) per queue name.',
      ],
      references: [
        'https://pkg.go.dev/k8s.io/client-go/util/workqueue',
        'https://github.com/kubernetes/sample-controller/blob/master/controller.go',
        'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kube-aggregator/pkg/apiserver/handler_proxy.go',
      ],
    },
  },
  'duplicate-cr': {
    rule: 'duplicate-cr',
    title: 'Several live custom resources share one dedup key',
    meaning:
      'two or more live custom resources stand for the same logical thing (same fingerprint/dedup key) — typically a check-then-create race against a stale cache; legitimate re-creation after the earlier one reached a terminal phase is not a duplicate',
    explanation: [
      'A creator that first looks in its informer cache ("is there already a RemediationRequest for this fingerprint?") and then creates one races with itself: the cache lags the API server, so concurrent signals — or replicas of the creator — all see "none" and all create.',
      'ctrlscope groups objects (from dumps, tables, the live API, and "Created … CRD" log lines) by a dedup key — by default spec.signalFingerprint of kubernaut.ai RemediationRequests, configurable for any kind — and flags keys held by two or more non-terminal objects, with how far apart and by whom they were created.',
    ],
    severity: [
      'critical: two or more live (non-terminal) objects share the key.',
      'info: a key was re-created only after the earlier object reached a terminal phase (Completed, Failed, TimedOut, Skipped, Cancelled).',
    ],
    notFlagged: ['a new object created after the earlier one reached a terminal phase'],
    remediation: {
      summary: 'Make creation idempotent: read through an uncached client or use a deterministic name, then delete the extras.',
      steps: [
        'Read through the uncached API reader (controller-runtime mgr.GetAPIReader()) for the existence check instead of the informer cache.',
        'Or create with a deterministic name derived from the dedup key and treat AlreadyExists (apierrors.IsAlreadyExists) as success, updating the existing object instead.',
        'Or serialise creators for one key with a coordination.k8s.io Lease.',
        'Delete the extra objects (keep the oldest) once the creator is fixed.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/manager#Manager',
        'https://pkg.go.dev/k8s.io/apimachinery/pkg/api/errors#IsAlreadyExists',
      ],
    },
  },
  'stale-pending': {
    rule: 'stale-pending',
    title: 'An in-flight/pending counter only grows',
    meaning:
      'an in-flight/pending/tracked counter that only grows: acquisitions without releases, orphaned reservations, a "still tracked" count that never returns to its baseline',
    explanation: [
      'A component that reserves something (a stream slot, a lock, an engine) and releases it only on the success path leaks a reservation on every failure. Its pending / in-flight / tracked count climbs and never returns to its baseline, until capacity runs out and new work is refused or retried in a storm.',
      'ctrlscope follows counters in periodic log lines (pending, in-flight, outstanding, tracked, held, orphaned, unreleased …) and pairs acquisition lines with release lines where the log shows both.',
    ],
    severity: [
      'critical: the counter rose at least four times without returning to baseline, or the log says entries are still held and acquisitions outnumber releases.',
      'warning: fewer rising observations, backed by the message saying entries are still held, or by unpaired acquisitions.',
    ],
    notFlagged: ['a gauge that goes back to zero (or its baseline)'],
    remediation: {
      summary: 'Release the reservation on every path, and clean up entries that outlive their owner.',
      steps: [
        'Release in a defer right after the acquisition (or in a finally), so failure paths release too.',
        'Add a periodic sweep that drops entries older than their maximum lifetime and logs how many it dropped.',
        'Put a circuit breaker (with backoff) in front of the failing backend so failures do not turn into a retry storm.',
      ],
      references: ['https://go.dev/blog/defer-panic-and-recover', 'https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker'],
    },
  },
  'reconcile-burst': {
    rule: 'reconcile-burst',
    title: 'One trigger fans out into N reconciles that each process all N objects',
    meaning:
      'one trigger fans out into N reconciles that each process all N objects (N² work), or any reconcile storm far above the object count',
    explanation: [
      'A watch on a shared input (a ConfigMap or Secret) that maps every change to one request per object, while each reconcile processes every object anyway, does N reconciles × N objects = N² work for a single change.',
      'ctrlscope looks for a trigger ("ConfigMap change", "requeueing all", "Triggering reconciliation for all … count=N") followed within a short window by many reconciles (distinct reconcileID values) that each touch about N objects, and for controller_runtime_reconcile_total bursts far above the object count.',
    ],
    severity: [
      'critical: N ≥ 20 and total operations ≥ N²/2 within the window.',
      'warning: N ≥ 5 with the same shape, or a reconcile rate far above the object count.',
    ],
    notFlagged: ['one object per reconcile, spread in time'],
    remediation: {
      summary: 'Enqueue one request for a shared trigger, not one per object.',
      steps: [
        'Map the ConfigMap/Secret event to a single sentinel request (a fixed "global" key) whose reconcile processes all objects once.',
        'Or keep per-object requests but make each reconcile process only its own object.',
        'Add predicates (e.g. predicate.GenerationChangedPredicate, or a data-hash check) so irrelevant ConfigMap updates do not trigger anything.',
        'Or move the ConfigMap handling into a separate reconciler.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/handler#EnqueueRequestsFromMapFunc',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/predicate',
      ],
    },
  },
};

/** The remediation a finding of `rule` carries unless its analyzer gives a more specific one. */
export function remediationFor(rule: RuleId): Remediation {
  return CATALOG[rule].remediation;
}
