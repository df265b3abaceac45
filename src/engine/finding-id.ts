// Finding ids: a hash of the rule and a canonical subject, so that a baseline or a suppression
// keeps matching a finding whatever window, input order, packaging (folder or archive) or
// evidence the run had. Only what names the subject goes in: kind, namespace, name, and for a
// log-derived subject its origin (the workload and container, else the file's name). Never the
// controller (known only when a line naming it is in the window), never evidence or numbers.
import { createHash } from 'node:crypto';
import type { Finding, FindingDraft, Subject } from '../core/finding.js';
import { canonicalOrigin, looksLikeFile, workloadOf } from '../core/origin.js';

const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** The stable id of a finding of `rule` about `subject`. */
export function findingId(d: Pick<FindingDraft, 'rule' | 'subject'>): string {
  const s = d.subject;
  const parts = [d.rule, s.kind, s.namespace ?? '', s.name];
  const origin = canonicalOrigin(s.origin);
  if (origin) parts.push(origin);
  return `${d.rule}-${hash(parts.join('\u0000'))}`;
}

/**
 * The id ctrlscope 0.1 gave the same finding (rule, kind, namespace, name and controller): a
 * baseline written by 0.1 still matches through it wherever the subject is unchanged.
 */
export function legacyFindingId(d: Pick<FindingDraft, 'rule' | 'subject'>): string {
  const s = d.subject;
  return `${d.rule}-${hash([d.rule, s.kind, s.namespace ?? '', s.name, s.controller ?? ''].join('\u0000'))}`;
}

export { canonicalOrigin, looksLikeFile, workloadOf };

/**
 * Gives each finding its id. Two findings of one report never share one: when two subjects
 * differ only in what the canonical form drops (two replicas of one workload, two files of one
 * name in different folders), the colliding ones hash their full origin instead, and if that
 * still collides, their first evidence source too.
 */
export function assignIds(findings: Finding[]): Finding[] {
  for (const f of findings) f.id ||= findingId(f);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.id, [...(groups.get(f.id) ?? []), f]);
  for (const [id, group] of groups) {
    if (group.length < 2) continue;
    const used = new Set<string>();
    for (const f of group) {
      const parts = [id, f.subject.origin ?? '', f.subject.controller ?? ''];
      let next = `${f.rule}-${hash(parts.join('\u0000'))}`;
      if (used.has(next)) next = `${f.rule}-${hash([...parts, f.evidence[0]?.source ?? ''].join('\u0000'))}`;
      for (let i = 2; used.has(next); i++) next = `${f.rule}-${hash([...parts, String(i)].join('\u0000'))}`;
      used.add(next);
      f.id = next;
    }
  }
  return findings;
}

/** The subject as people read it: `Kind ns/name (controller c) in origin`. */
export function subjectText(s: Subject): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}${s.controller ? ` (controller ${s.controller})` : ''}${s.origin ? ` in ${s.origin}` : ''}`;
}
