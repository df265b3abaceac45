// Health of live sources and what it means for each rule: the vocabulary shared by the sources
// (which report their state), the live session (which judges each rule) and the reporters and
// dashboard (which show it). Pure types and functions, no I/O.

/** Connection state of one source (a watch, a log target, a scrape, a followed file). */
export type HealthState =
  | 'connecting'
  /** Connected, its first list (or first read) not finished yet. */
  | 'syncing'
  | 'connected'
  | 'following'
  | 'retrying'
  | 'forbidden'
  | 'ended'
  | 'failed'
  /** A followed file that does not exist. */
  | 'missing';

/** Health of one source. */
export interface SourceHealth {
  name: string;
  state: HealthState;
  /** Short reason (last error, "rotated", "403 on pods/log"). */
  detail?: string;
  /** Rules this source feeds; undefined: every rule (logs, files). */
  feeds?: readonly string[];
  /** The server or file behind it, for messages ("https://10.0.0.1:6443"). */
  target?: string;
  /** Objects, lines or samples delivered so far, when the source counts them. */
  events?: number;
}

/** An input the session may not read, and what cannot see it (from the permission preflight). */
export interface BlindSpot {
  /** What the input feeds: a rule id, or `events`, `leases`, `logs`. */
  panel: string;
  /** Missing verbs, in the order asked: `list`, `watch`, `get`. */
  verbs: string[];
  /** kubectl's short name of what is read: `remediationrequests.kubernaut.ai`, `pods/log`. */
  resource: string;
  /** Namespace asked about; undefined for all namespaces or a cluster-scoped resource. */
  namespace?: string;
  /** Rule panels left without their input. */
  rules: string[];
}

/** What the permission preflight found: blind spots, or why it could not tell. */
export interface AccessReport {
  blind: BlindSpot[];
  /** Set when the access reviews themselves failed (forbidden, unreachable): nothing is known. */
  problem?: string;
}

/** A source's status in a report's `coverage.sources`. */
export type SourceStatus = 'connected' | 'disconnected' | 'forbidden' | 'syncing' | 'missing';

/** A rule's status as far as live sources decide it (`ok` and `no-data` come from what it saw). */
export type LiveRuleStatus = 'disconnected' | 'blind' | 'syncing' | 'no-data';

/** One entry of `coverage.sources`. */
export interface SourceCoverage {
  source: string;
  status: SourceStatus;
  reason?: string;
}

/** One rule's live status with its reason; undefined status: its sources are all healthy. */
export interface RuleLiveStatus {
  rule: string;
  status?: LiveRuleStatus;
  reason?: string;
}

/** How a source's state reads in a report. */
export function sourceStatus(state: HealthState): SourceStatus {
  switch (state) {
    case 'connected':
    case 'following':
    case 'ended':
      return 'connected';
    case 'connecting':
    case 'syncing':
      return 'syncing';
    case 'forbidden':
      return 'forbidden';
    case 'missing':
      return 'missing';
    case 'retrying':
    case 'failed':
      return 'disconnected';
  }
}

/** `coverage.sources` of a live session. */
export function sourceCoverage(health: readonly SourceHealth[]): SourceCoverage[] {
  return health.map((h) => {
    const status = sourceStatus(h.state);
    const reason = h.detail && status !== 'connected' ? h.detail : h.state === 'syncing' ? 'first list not finished' : h.state === 'connecting' ? 'not connected yet' : undefined;
    return reason ? { source: h.name, status, reason } : { source: h.name, status };
  });
}

/**
 * What the live sources say about `rule`: `disconnected` when a source it depends on cannot be
 * reached, `blind` when one is forbidden (or the preflight found a permission missing), `syncing`
 * while one has not finished its first list, `no-data` when no source feeds it at all; undefined
 * when every source it depends on is healthy (then what it saw decides between ok and no-data).
 */
export function ruleLiveStatus(rule: string, health: readonly SourceHealth[], access?: AccessReport): RuleLiveStatus {
  const deps = health.filter((h) => h.feeds === undefined || h.feeds.includes(rule));
  const with_ = (status: LiveRuleStatus, hs: readonly SourceHealth[], what: string): RuleLiveStatus => ({
    rule,
    status,
    reason: hs.map((h) => `${h.name} ${what}${h.detail ? ` (${h.detail})` : ''}`).join('; '),
  });
  const by = (s: SourceStatus) => deps.filter((h) => sourceStatus(h.state) === s);
  const down = [...by('disconnected'), ...by('missing')];
  if (down.length) return with_('disconnected', down, down.every((h) => h.state === 'missing') ? 'missing' : 'disconnected');
  const forbidden = by('forbidden');
  if (forbidden.length) return with_('blind', forbidden, 'forbidden');
  const blind = access?.blind.filter((b) => b.rules.includes(rule)) ?? [];
  if (blind.length) {
    return { rule, status: 'blind', reason: blind.map((b) => `cannot ${b.verbs.join(', ')} ${b.resource}${b.namespace ? ` in ${b.namespace}` : ''}`).join('; ') };
  }
  const syncing = by('syncing');
  if (syncing.length) return with_('syncing', syncing, 'not synced yet');
  if (health.length && !deps.length) return { rule, status: 'no-data', reason: 'no source of this session feeds this rule' };
  if (deps.length && deps.every((h) => h.events === 0)) {
    return { rule, status: 'no-data', reason: `its sources delivered nothing yet (${deps.map((h) => h.name).join(', ')})` };
  }
  return { rule };
}

/** What the live sources say about a session: `coverage.sources` and each rule's live status. */
export interface LiveCoverage {
  sources: SourceCoverage[];
  rules: RuleLiveStatus[];
}

/** The live coverage of a session running `rules` over sources in `health`. */
export function liveCoverage(rules: readonly string[], health: readonly SourceHealth[], access?: AccessReport): LiveCoverage {
  return { sources: sourceCoverage(health), rules: rules.map((r) => ruleLiveStatus(r, health, access)) };
}

/** One line per source that is not healthy, for a report's `problems`. */
export function sourceProblems(health: readonly SourceHealth[]): string[] {
  const out: string[] = [];
  for (const c of sourceCoverage(health)) {
    if (c.status === 'connected') continue;
    out.push(`source ${c.source}: ${c.status.toUpperCase()}${c.reason ? ` — ${c.reason}` : ''}`);
  }
  return out;
}
