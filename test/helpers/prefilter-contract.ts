// The prefilter's contract: a scan with the engine's keyword prefilter on must report exactly
// what the same scan with it off reports (every line parsed and routed). Shared by the unit test
// over the golden cases and the conformance test over real data and a generated log.
import type { AnalyzerDefinition } from '../../src/analyzers/types.js';
import type { Finding } from '../../src/core/finding.js';
import { analyzePaths } from '../../src/engine/run.js';

/** Findings of one scan, as the report holds them. */
export async function findingsOf(paths: readonly string[], prefilter: boolean, analyzers?: readonly AnalyzerDefinition[]): Promise<Finding[]> {
  const { report } = await analyzePaths(paths, { prefilter, analyzers, generatedAt: new Date(0) });
  return report.findings;
}

/** Scans `paths` with the prefilter on and off; both findings lists, for an exact comparison. */
export async function bothWays(paths: readonly string[], analyzers?: readonly AnalyzerDefinition[]): Promise<{ on: Finding[]; off: Finding[] }> {
  const on = await findingsOf(paths, true, analyzers);
  const off = await findingsOf(paths, false, analyzers);
  return { on, off };
}

/** One line per finding (rule, severity, subject), for a readable difference when the contract breaks. */
export function headlines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.severity} ${f.subject.namespace ?? ''}/${f.subject.name}: ${f.summary}`);
}

/**
 * A log in which one trigger, a ConfigMap update with `count=20`, is followed by 20 reconciles
 * (distinct reconcileIDs) that each touch the same 20 objects: a reconcile-burst fan-out.
 * `word` spells the trigger's resource ("ConfigMap", "configmap", "CONFIGMAP").
 */
export function fanOutLog(word: string): string {
  const t0 = Date.parse('2026-11-20T12:00:00Z');
  let ms = 0;
  const at = () => new Date(t0 + (ms += 100)).toISOString();
  const lines = [`time=2026-11-20T12:00:00.000Z level=info msg="${word} va-config updated" count=20`];
  for (let r = 0; r < 20; r++) {
    lines.push(`time=${at()} level=info msg="Reconciling" reconcileID=rec-${r}`);
    for (let o = 0; o < 20; o++) lines.push(`time=${at()} level=info msg="Optimizing variant" variant=va-${o} reconcileID=rec-${r}`);
  }
  return `${lines.join('\n')}\n`;
}
