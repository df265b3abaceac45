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
      'From logs ctrlscope reads per-key failure records: kube-aggregator\'s "<key> failed with: …" (plain klog and the structured "Unhandled Error" err="…" form; subject APIService), controller-runtime "Reconciler error" with the request\'s namespace/name (subject the controllerKind, controller from the controller field or the logger), and other error lines naming a key ("Error syncing \'ns/name\'", "Error syncing deployment" deployment="ns/name"). Lines with a reconcileID show which reconcile of a key is in flight.',
      'Failures are counted per key in resync windows: the period of "Starting reflector *v1.<Kind> (30s)" for that kind, aligned to the time the reflector started, else 30 s aligned to the clock. Each failure is checked against a model of per-item exponential backoff (5 ms doubling per requeue, capped at 30 s for kube-aggregator and 1000 s otherwise): a failure sooner than half the expected delay was not a scheduled retry. One such early failure per window is the resync; more is excess.',
      'From Prometheus samples (text exposition, one or many snapshots) it reads, per queue `name` label: the workqueue_depth trend (a least-squares slope over snapshots, never rate() on a gauge), workqueue_adds_total against workqueue_retries_total, the growth of retries per interval, and workqueue_unfinished_work_seconds growth (a stuck worker).',
      'From Kubernetes audit logs (audit.k8s.io/v1) it finds request amplification: one object read or written far more often than the other objects of its resource (at least 30 requests and 10× their median), the footprint of a key re-processed in a loop; leader-election Leases, renewed every few seconds by design, are left out.',
      'State is bounded: at most 10 000 keys and queues are tracked; the least recently updated is dropped first and the number dropped is reported as metrics.droppedKeys.',
    ],
    severity: [
      'critical: failures per window grow for at least three consecutive windows to at least 4× the first and at least 8 (1 → 2 → 4 → 8); or a 401/403 is retried in at least 5 windows (10+ failures) and faster than backoff allows in at least 2 of them; from metrics, depth rising across snapshots to ≥ 100 and ≥ 4× its start, retries per interval growing three times in a row to ≥ 4× (and ≥ 8), or unfinished work above 600 s and growing in every snapshot.',
      'warning: growth over two consecutive windows (to ≥ 8 and ≥ 4×); a 401/403 retried in at least 3 windows (5+ failures); excess over backoff plus one resync (3+ early failures) in at least 2 windows with 10+ failures; a newer reconcile of a key starting while an older one still logs, twice or more; from metrics, depth rising to ≥ 10, retries ≥ 50 and at least half of all adds, or unfinished work above 60 s growing in every snapshot.',
      'audit logs: warning when one object gets at least 30 requests and 10× the median of its peers; critical at 100× and at least one request a second.',
      'info: a key failed 10 times or more, in at least two resync windows, but within what the rate limiter allows, one overlapping reconcile, or (single metrics snapshot) retries ≥ 1000 and at least half of all adds.',
    ],
    notFlagged: [
      'a key that fails a few times and then passes (a backoff burst within one window that does not come back, such as 13 failures in 3 s, is not reported)',
      'a key that keeps failing at the rate limiter\'s pace (one retry plus one resync per window) — info only',
      'a queue whose depth stays low (below 10), or a single metrics snapshot (no trend)',
    ],
    remediation: {
      summary: 'Stop re-adding a key that is already queued, processing or backing off, and do not retry errors that cannot heal.',
      steps: [
        'In the resync/event handlers, skip queue.Add/AddRateLimited while the key is queued, being processed or backing off (queue.NumRequeues(key) > 0); let the rate limiter own retries. In kube-aggregator-style controllers, do not call AddRateLimited from the sync function and again from the resync handler for the same key.',
        'Lengthen the informer resync period (NewSharedInformerFactory(client, 10*time.Minute) or 0 to disable) — resync is a safety net, not a retry loop; rely on watch events and the rate limiter.',
        'For 401/403 (apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err), or an HTTP status 401/403 from a backend) call queue.Forget(key) and return without requeueing, or requeue after a long fixed delay with queue.AddAfter(key, 5*time.Minute); in controller-runtime return reconcile.Result{RequeueAfter: 5 * time.Minute}, nil (or reconcile.TerminalError(err)). Then fix the credentials or RBAC.',
        'Alert on queue health per name label: workqueue_depth > 100 for 10m, rate(workqueue_retries_total[5m]) / rate(workqueue_adds_total[5m]) > 0.5, and workqueue_unfinished_work_seconds growing.',
      ],
      references: [
        'https://pkg.go.dev/k8s.io/client-go/util/workqueue',
        'https://github.com/kubernetes/sample-controller/blob/master/controller.go',
        'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kube-aggregator/pkg/controllers/status/remote/remote_available_controller.go',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/reconcile#TerminalError',
      ],
    },
  },
  'duplicate-cr': {
    rule: 'duplicate-cr',
    title: 'Several live custom resources share one dedup key',
    meaning:
      'two or more live custom resources stand for the same logical thing (same fingerprint/dedup key) — typically a check-then-create race against a stale cache; legitimate re-creation after the earlier one reached a terminal phase is not a duplicate',
    explanation: [
      'A creator that first looks in its informer cache ("is there already a RemediationRequest for this fingerprint?") and then creates one races with itself: the cache lags the API server, so concurrent signals — or replicas of the creator — all see "none" and all create. Every duplicate is then processed in full: double remediations, double notifications.',
      'ctrlscope reads objects from resource dumps (YAML/JSON, single objects and Lists), `kubectl get -o wide` tables (best effort: name, phase, age) and the live API, and creations from creator logs ("Created RemediationRequest CRD" lines with a fingerprint field, name and pod). Log records and objects are merged by name and grouped by a dedup key: by default spec.signalFingerprint of kubernaut.ai RemediationRequests (kubernaut puts the first 12 hex characters of it in the name, rr-<12 hex>-<8 hex>, which is used when only a table is given).',
      'For each key with two or more objects it reports how many are live (phase not terminal), how far apart they were created and by which pods or loggers. Created in the same second, or milliseconds apart from different pods, is the signature of a check-then-create race on a stale cache.',
      'The key is configurable for any kind in the config file under rules.duplicate-cr: dedupKeys: [{ kind, group, jsonPath | label | logField, clusterWide }] (jsonPath like spec.signalFingerprint, {.spec.x} or metadata.labels[\'a/b\']), plus raceWindowMs (default 5000) and suspectWindowMs (default 60000).',
    ],
    severity: [
      'critical: two or more objects with one key are live (their phase is not terminal, or they have no phase yet); or a creation whose phase is unknown (a creation log line only) happened while an older object of the key was live; or two creations with unknown phases lie within raceWindowMs (5 s) of each other.',
      'warning: creations with unknown phases lie within suspectWindowMs (60 s) of each other, or have no times at all; or an object was created while an older one was live and has ended since; or a later object was created before an earlier one completed (status.completedAt), so they were live together even though all are terminal now.',
      'info: a key was created again only after the earlier objects reached a terminal phase (Completed, Failed, TimedOut, Skipped, Cancelled), or creations with unknown phases lie far apart.',
    ],
    notFlagged: [
      'a new object created after the earlier one reached a terminal phase (reported as info at most)',
      'one object whose dedup counter (status.deduplication.occurrenceCount) grows: that is deduplication working',
    ],
    remediation: {
      summary: 'Make creation idempotent: read through an uncached client, use a deterministic name, or serialise creators with a Lease; then delete the extras.',
      steps: [
        'Do the existence check through the uncached API reader (controller-runtime mgr.GetAPIReader(), a client.Reader that bypasses the informer cache) instead of the cached client, listing by the dedup key (a field index or a label carrying the fingerprint).',
        'Or create with a deterministic name derived from the key (e.g. rr-<fingerprint[:12]>-<hash of the key and the occurrence window>) and treat apierrors.IsAlreadyExists(err) as success: fetch the existing object and update its occurrence count instead of failing.',
        'Or serialise creators per key with a coordination.k8s.io/v1 Lease (client-go leaderelection/resourcelock.LeaseLock) held around check-and-create when several replicas receive the same signal.',
        'Delete the extra live objects, keeping the oldest: kubectl delete <kind> <name> -n <namespace> for each later one listed in the evidence.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/manager#Manager',
        'https://pkg.go.dev/k8s.io/apimachinery/pkg/api/errors#IsAlreadyExists',
        'https://pkg.go.dev/k8s.io/client-go/tools/leaderelection/resourcelock#LeaseLock',
        'https://github.com/kubernetes-sigs/controller-runtime/blob/main/FAQ.md',
      ],
    },
  },
  'stale-pending': {
    rule: 'stale-pending',
    title: 'An in-flight/pending counter only grows',
    meaning:
      'an in-flight/pending/tracked counter that only grows: acquisitions without releases, orphaned reservations, a "still tracked" count that never returns to its baseline',
    explanation: [
      'A component that reserves something (a stream slot, a lock, an engine) and releases it only on the success path leaks a reservation on every failure. Its pending / in-flight / tracked count climbs and never returns to its baseline, until capacity runs out and new work is refused — or retried in a storm against the same failing backend.',
      'ctrlscope follows counters in periodic log lines: numeric fields named like pending, in-flight/inflight, outstanding, tracked, held, orphaned, unreleased, or a generic count/total/size field (or the message\'s only number) when the message itself names what is counted. A counter is one message template plus field name, per input and pod. It reports the first and last value, the baseline (first value), the slope per minute and the logging period.',
      'Where the same log shows them, it pairs acquisitions with releases: messages that start with selected/acquired/reserved/allocated against released/started/finished/completed/removed ("Started" resolves a pending entry; for in-flight counters it is the acquisition), preferring the release whose verb a "Failed to …" line names ("Failed to start stream" ↔ "Started new stream"). Such failures are counted as paths that release nothing. Only the most frequent message of each side is used, since one action often logs two lines.',
    ],
    severity: [
      'A finding needs one of three signals: four or more rising observations (the first value plus at least three increases) and never a fall; the message says the entries are still held (still, held, orphaned, unreleased, stuck, stale, leak); or acquisitions outnumber releases in the same log by at least max(2, 5 %).',
      'critical: two or more of these signals (e.g. "still tracked" 3 → 9 while 49 acquisitions face 37 releases).',
      'warning: exactly one signal.',
    ],
    notFlagged: [
      'a gauge that goes back to zero or to its first value at any point in the input',
      'a counter that falls about as often as it rises',
      'two or three rising observations with nothing else saying the entries are held',
    ],
    remediation: {
      summary: 'Release the reservation on every path, sweep entries that outlive their owner, and stop the retry storm that feeds the leak.',
      steps: [
        'Release right where you acquire: in Go `slot := acquire(); defer release(slot)` (or a finally block), so that every error return — "Failed to start stream" included — releases too; move the decrement out of the success-only branch.',
        'Add a periodic sweep (time.Ticker) that removes entries older than their maximum lifetime from the pending map, decrements the counter and logs how many it removed.',
        'Put a circuit breaker with exponential backoff (e.g. github.com/sony/gobreaker) in front of the failing backend so repeated failures stop selecting — and reserving — new engines.',
        'Export the counter as a gauge metric and alert when it stays above its baseline for longer than the longest legitimate operation.',
      ],
      references: [
        'https://go.dev/blog/defer-panic-and-recover',
        'https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker',
        'https://pkg.go.dev/github.com/sony/gobreaker',
      ],
    },
  },
  'reconcile-burst': {
    rule: 'reconcile-burst',
    title: 'One trigger fans out into N reconciles that each process all N objects',
    meaning:
      'one trigger fans out into N reconciles that each process all N objects (N² work), or any reconcile storm far above the object count',
    explanation: [
      'A watch on a shared input (a ConfigMap or Secret) that maps every change to one request per object, while each reconcile processes every object anyway, does N reconciles × N objects = N² work for a single change: API calls, metric queries and status writes multiply, and the queue is busy for minutes.',
      'From logs ctrlscope finds a trigger — a ConfigMap or Secret change, "requeueing all", "enqueueing all", "Triggering reconciliation for all <Kind> … count=N" — and opens a window (60 s, option windowSeconds). Every reconcile that starts in it is attributed to the trigger: a distinct reconcileID, or a "Reconciling" line when the controller logs no ids. Objects per reconcile are the distinct values of object-naming fields under one reconcileID (variant, object, target, resource, item, *Name …) or a count=N field. N is the trigger\'s count, else the larger of the distinct requests and the objects per reconcile.',
      'It reports N (objects), the reconciles, the median objects per reconcile, the total operations and the window from the trigger to the last attributed line.',
      'Without a trigger it flags a storm: 100 or more reconciles of one controller in a window and at least 10 per distinct object. From Prometheus samples it compares the per-interval increase of controller_runtime_reconcile_total (summed over result labels) with the object count (objects of the matching kind in the input) and with the usual increase.',
      'Memory is bounded: reconcile ids are kept in an LRU of 10 000, reconciles per trigger and objects per reconcile are capped at 5 000.',
    ],
    severity: [
      'critical: N ≥ 20, at least N/2 reconciles each touching at least N/2 objects (median), and total operations ≥ N²/2 within the window; from metrics, an interval with ≥ N²/2 reconciles when the object count N ≥ 20 is known.',
      'warning: the same shape with N ≥ 5 (or fewer operations); a storm of ≥ 100 reconciles at ≥ 10 per object in one window; from metrics, an interval with ≥ 100 reconciles and ≥ 10× both the object count and the usual increase.',
    ],
    notFlagged: [
      'one object per reconcile, spread in time (a periodic resync of N objects is N operations, not N²)',
      'one sentinel reconcile that processes all objects once after a trigger',
      'a trigger line followed by no reconciles (a ConfigMap reloaded in place)',
    ],
    remediation: {
      summary: 'Enqueue one request for a shared trigger, not one per object.',
      steps: [
        'Map the ConfigMap/Secret event to a single sentinel request: handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request { return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: "__global__"}}} }) and, in Reconcile, process all objects once when req.Name == "__global__".',
        'Or keep one request per object but make each reconcile process only its own object (r.Get the request\'s object, not a List of all).',
        'Add predicates so irrelevant updates trigger nothing: builder.WithPredicates(predicate.ResourceVersionChangedPredicate{}, a predicate.Funcs that compares a hash of the ConfigMap data, or predicate.NewPredicateFuncs filtering by name).',
        'Or move the ConfigMap handling into a separate reconciler (ctrl.NewControllerManagedBy(mgr).For(&corev1.ConfigMap{})) that updates shared state once, instead of fanning out.',
      ],
      references: [
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/handler#EnqueueRequestsFromMapFunc',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/predicate',
        'https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/builder#WithPredicates',
      ],
    },
  },
};

/** The remediation a finding of `rule` carries unless its analyzer gives a more specific one. */
export function remediationFor(rule: RuleId): Remediation {
  return CATALOG[rule].remediation;
}
