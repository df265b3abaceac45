// The live-mode service behind `watch` and `demo`: builds the engine and the live session over a
// source, then picks how to show it — the ink dashboard on a terminal, plain periodic snapshots
// when the output is not a TTY or CI is set, or one report after a settle period (`--once`).
import { ANALYZERS } from '../analyzers/index.js';
import type { RuleId } from '../core/finding.js';
import { Engine } from '../engine/engine.js';
import { LiveSession, accessProblems, type AccessReport, type SourceHealth } from '../engine/live.js';
import { sourceProblems, type LiveCoverage } from '../core/live-status.js';
import type { Report, RuleCoverage } from '../core/finding.js';
import { UserError } from '../core/errors.js';
import { renderReport } from '../report/index.js';
import type { Source } from '../sources/types.js';
import type { RunMeta } from './view-model.js';
import { sleep } from '../core/clock.js';

/** What a source factory gets from the service. */
export interface SourceContext {
  signal: AbortSignal;
  onHealth: (h: SourceHealth) => void;
  /** Kinds (lower case) of objects the analyzers read whole; others may be cut to their identity. Undefined: all. */
  objectKinds?: readonly string[];
}

/** A started source and a promise that settles when its initial content is in (lists done, files read). */
export interface StartedSource {
  source: Source;
  ready: Promise<void>;
}

/** The streams and environment live mode writes to. */
export interface LiveIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** How to run live mode. */
export interface LiveRunOptions {
  start: (ctx: SourceContext) => StartedSource;
  /**
   * The permission preflight (cluster mode), run once at start beside the source. Its blind spots
   * go to the header, to stderr and the report's `problems` (--once, plain); it must not throw.
   */
  access?: (signal: AbortSignal) => Promise<AccessReport>;
  meta: RunMeta;
  rules?: readonly RuleId[];
  since?: number;
  until?: number;
  redact?: boolean;
  /** Print one report after the initial content and `settleMs`, then stop. */
  once: boolean;
  settleMs: number;
  /**
   * --once: the longest wait for the initial content (default 60 s). When it passes, the report is
   * printed with the sources still syncing or disconnected listed as problems — or, when no source
   * delivered anything at all, the run ends with a usage error naming the sources and why.
   */
  onceTimeoutMs?: number;
  /** Report format for --once and plain snapshots. */
  output: string;
  /** Plain snapshots: at most one per this many ms. */
  intervalMs: number;
  /** Series sample period (ms). */
  sampleMs?: number;
  /** Force the plain mode (else chosen from TTY and CI). */
  plain?: boolean;
  /** Stop by itself once the source has ended (plain mode, demo). */
  exitWhenEnded?: boolean;
  colour: boolean;
  io: LiveIo;
}

/** Whether the dashboard can be shown: output and input are terminals and CI is not set. */
export function dashboardPossible(io: LiveIo): boolean {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false' && io.env.CI !== '0';
  return Boolean(io.stdout.isTTY) && Boolean(io.stdin.isTTY) && !ci;
}

/** Runs live mode until the user quits, the source ends (when asked to stop then) or `--once` is done. */
export async function runLive(o: LiveRunOptions): Promise<void> {
  const ac = new AbortController();
  const engine = new Engine({ analyzers: ANALYZERS, rules: o.rules, since: o.since, until: o.until, redact: o.redact });
  const session = new LiveSession({ engine, rules: o.rules, sampleMs: o.sampleMs });
  const started = o.start({ signal: ac.signal, onHealth: (h) => session.setHealth(h), objectKinds: engine.objectKindsRead() });
  const pump = session.run(started.source, ac.signal).catch((err: unknown) => {
    session.setHealth({ name: 'source', state: 'failed', detail: err instanceof Error ? err.message : String(err) });
    if (o.once || !dashboardPossible(o.io) || o.plain) throw err;
  });
  const accessDone: Promise<AccessReport | undefined> = o.access
    ? o.access(ac.signal).then(
        (a) => {
          session.setAccess(a);
          return a;
        },
        (err: unknown) => {
          const a: AccessReport = { blind: [], problem: `could not check permissions (${err instanceof Error ? err.message : String(err)}); going on without knowing` };
          session.setAccess(a);
          return a;
        },
      )
    : Promise.resolve(undefined);
  const write = (s: string) => o.io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  // Missing permissions and unhealthy sources are run-level problems of the report, beside failed
  // analyzers; each source's status and each rule's live status go into its coverage section.
  const report = () => {
    const rep = engine.report();
    const live = session.liveCoverage();
    const access = session.accessReport();
    const extra = [...accessProblems(access), ...sourceProblems(session.snapshot().health.filter((h) => !predicted(h, access)))];
    if (extra.length) rep.problems = [...(rep.problems ?? []), ...extra];
    applyLiveCoverage(rep, live);
    return renderReport(o.output, rep, { color: o.colour, redact: o.redact !== false });
  };
  /** Says on stderr, once and before any report, what cannot be seen and how to fix it. */
  const warnAccess = async () => {
    for (const line of accessProblems(await accessDone)) o.io.stderr.write(`ctrlscope: warning: ${line}\n`);
  };
  try {
    if (o.once) {
      const timeoutMs = o.onceTimeoutMs ?? 60_000;
      let timedOut = false;
      const deadline = sleep(timeoutMs, ac.signal).then(() => (timedOut = true));
      await Promise.race([started.ready, pump, deadline]);
      if (!timedOut) await Promise.race([sleep(o.settleMs, ac.signal), deadline]);
      // A source that could not start at all (no kubeconfig, unreachable API) is the user's error.
      const failed = session.error();
      const snap = session.snapshot();
      if (failed !== undefined && snap.ingested === 0) throw failed;
      const cov = session.liveCoverage();
      if (snap.ingested === 0 && cov.sources.length && cov.sources.every((c) => c.status !== 'connected')) {
        throw new UserError(
          `no source could be read${timedOut ? ` within ${fmtMs(timeoutMs)} (--timeout)` : ''}: ${cov.sources.map((c) => `${c.source}${targetOf(snap.health, c.source)}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`).join('; ')}`,
          'check that the server is reachable (`kubectl get --raw /version`), the kubeconfig and the file paths; --timeout waits longer for the first lists',
        );
      }
      if (timedOut) o.io.stderr.write(`ctrlscope: warning: --timeout (${fmtMs(timeoutMs)}) passed before every source was read; the report says which were not\n`);
      await warnAccess();
      write(report());
      return;
    }
    if (!o.plain && dashboardPossible(o.io)) {
      const { runDashboard } = await import('./run.js');
      await runDashboard(session, o.meta, {
        stdout: o.io.stdout as NodeJS.WriteStream,
        stdin: o.io.stdin as NodeJS.ReadStream,
        colour: o.colour,
      });
      return;
    }
    await warnAccess();
    await plainSnapshots(o, session, engine, pump, write, report);
  } finally {
    ac.abort();
    session.stop();
    await pump.catch(() => undefined);
    await accessDone;
  }
}

/** A forbidden source the preflight already named as a missing permission (said once, not twice). */
function predicted(h: SourceHealth, access: AccessReport | undefined): boolean {
  if (h.state !== 'forbidden' || !access) return false;
  return access.blind.some((b) => h.name === `watch ${b.resource}` || (h.name.startsWith('logs ') && b.panel === 'logs'));
}

/** ` (https://10.0.0.1:6443)`: the server or file behind a source, when its name does not say it. */
function targetOf(health: readonly SourceHealth[], name: string): string {
  const t = health.find((h) => h.name === name)?.target;
  return t && !name.includes(t) ? ` (${t})` : '';
}

function fmtMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Puts the live sources' statuses into the report's `coverage.sources`, and each rule's live
 * status (disconnected, blind, syncing, no-data) over the status the rule's own counts gave it in
 * `coverage.rules` — a rule whose source is down is never `ok`.
 */
export function applyLiveCoverage(rep: Report, live: LiveCoverage): void {
  const cov = rep.coverage;
  if (!cov) return;
  cov.sources = live.sources.map((x) => ({ ...x }));
  for (const l of live.rules) {
    if (!l.status) continue; // every source healthy: what the rule saw decides (the engine's status)
    const cur = cov.rules.find((x) => x.rule === l.rule);
    if (cur) {
      cur.status = l.status;
      if (l.reason) cur.reason = l.reason;
      else delete cur.reason;
    } else cov.rules.push({ rule: l.rule as RuleCoverage['rule'], status: l.status, ...(l.reason ? { reason: l.reason } : {}), seen: {} });
  }
}

/** Non-TTY / CI: prints the report whenever the findings changed, at most once per interval. */
async function plainSnapshots(
  o: LiveRunOptions,
  session: LiveSession,
  engine: Engine,
  pump: Promise<void>,
  write: (s: string) => void,
  report: () => string,
): Promise<void> {
  let lastKey = '';
  let stopped = false;
  const onSignal = () => {
    stopped = true;
    wake?.();
  };
  let wake: (() => void) | undefined;
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ended = pump.then(
    () => undefined,
    () => undefined,
  );
  void ended.then(() => wake?.());
  try {
    for (;;) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.intervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
      const done = stopped || (o.exitWhenEnded !== false && session.hasEnded());
      const findings = engine.findings();
      const key = findings.map((f) => `${f.id}:${f.severity}:${f.summary}`).join('\n');
      if (done || key !== lastKey) {
        lastKey = key;
        if (o.output === 'text') write(`── ctrlscope ${o.meta.mode} · ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}${done ? ' · final' : ''} ──`);
        write(report());
      }
      if (done) return;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

