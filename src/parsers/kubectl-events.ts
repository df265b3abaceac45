// Events as kubectl prints them, read back as Event objects: the rows of `kubectl get events`
// (LAST SEEN TYPE REASON OBJECT MESSAGE; `-o wide` adds SUBOBJECT SOURCE … FIRST SEEN COUNT NAME;
// kubectl before 1.14 printed LAST SEEN FIRST SEEN COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE
// MESSAGE) and the Events section of `kubectl describe` (`Type  Reason  Age  From  Message` over a
// `----` row; before 1.9 `FirstSeen  LastSeen  Count  From  SubObjectPath  Type  Reason  Message`).
//
// kubectl prints a repeated event's times as ages: `74s (x107 over 9h)` is last seen 74 s ago,
// 107 times, first seen 9 h ago (the age after "over" is the first time's, not the span). Without
// the capture time the ages stay relative (Event.table.lastSeenSeconds / firstSeenSeconds); with
// it they become firstTimestamp / lastTimestamp. Rows come from the table readers of
// resources.ts; the line classifier (index.ts) asks describeEventsLine so that the indented lines
// of a describe Events section reach them instead of passing for continuation lines.
import type { KubeObject } from '../core/event.js';

/** A kubectl age (`66s`, `4m24s`, `3h1m`, `5d`, `2y3d`), as resources.ts reads it. */
const AGE = '(?:\\d+[ydhms])+';
const SEP = '(?: {2,}|\\t+)';
/** `74s (x107 over 9h)`, `4m24s`, `<unknown>`. */
const SEEN_RE = new RegExp(`^(${AGE}|<unknown>)(?: \\(x(\\d+) over (${AGE}|<unknown>)\\))?$`);

/** The header of a describe Events section, current and before kubectl 1.9. */
const DESCRIBE_HEADER_RE = new RegExp(`^\\s*(?:Type${SEP}Reason${SEP}(?:Age|Last Seen|Last|LastSeen)${SEP}From${SEP}Message|FirstSeen\\s+LastSeen\\s+Count\\s+From\\s+(?:SubObjectPath\\s+)?(?:Type\\s+)?Reason\\s+Message)\\s*$`);
/** Its dashes row. */
const DESCRIBE_RULE_RE = /^\s*(?:-{4}\s+-{6}\s+-{4}\s+-{4}\s+-{7}|-{9}\s+-{8}\s+-{5}\s+-{4}(?:\s+-+)+)\s*$/;
/** A describe Events row on its own (pasted without its header): type, reason, age, source, message. */
const DESCRIBE_ROW_RE = new RegExp(`^\\s*(Normal|Warning)${SEP}([A-Za-z][\\w.-]*)${SEP}((?:${AGE}|<unknown>)(?: \\(x\\d+ over (?:${AGE}|<unknown>)\\))?)${SEP}(\\S(?:[^\\t]*?\\S)?)${SEP}(\\S.*)$`);
/** A `kubectl get events` row on its own: [namespace], last seen, type, reason, kind/name, message. */
const GET_ROW_RE = new RegExp(`^(?:([a-z0-9][a-z0-9-]*)${SEP})?((?:${AGE}|<unknown>)(?: \\(x\\d+ over (?:${AGE}|<unknown>)\\))?)${SEP}(Normal|Warning)${SEP}([A-Za-z][\\w.-]*)${SEP}([\\w.-]+/[\\w.:-]+)${SEP}(\\S.*)$`);

/**
 * Whether an indented line belongs to a describe Events section (its header, its dashes, a row):
 * such a line is a row of a table, not the continuation of the record before it. Called by the
 * line classifier for indented lines only, at `p`, the first character after the indent.
 */
export function describeEventsLine(s: string, p: number, end: number): boolean {
  const c = s.charCodeAt(p);
  // N(ormal), W(arning), T(ype), F(irstSeen), '-': anything else is not one (the common case).
  if (c !== 78 && c !== 87 && c !== 84 && c !== 70 && c !== 45) return false;
  const line = s.slice(p, end);
  return DESCRIBE_ROW_RE.test(line) || DESCRIBE_HEADER_RE.test(line) || DESCRIBE_RULE_RE.test(line);
}

/** Whether a line is the header of a describe Events section. */
export function isDescribeEventsHeader(line: string): boolean {
  return DESCRIBE_HEADER_RE.test(line);
}

/** Whether a line is the dashes row under a describe Events header. */
export function isDescribeEventsRule(line: string): boolean {
  return DESCRIBE_RULE_RE.test(line);
}

/** Whether a table's columns (upper case) are those of `kubectl get events` or a describe Events section. */
export function isEventsColumns(names: ReadonlySet<string>): boolean {
  return names.has('LAST SEEN') || (names.has('REASON') && (names.has('OBJECT') || names.has('FROM') || names.has('KIND')) && names.has('MESSAGE'));
}

/** The cells of an events row printed without its header, by the column names kubectl uses; undefined if it is none. */
export function eventRowAlone(line: string): Record<string, string> | undefined {
  let m = GET_ROW_RE.exec(line);
  if (m) {
    const cells: Record<string, string> = { 'LAST SEEN': m[2]!, TYPE: m[3]!, REASON: m[4]!, OBJECT: m[5]!, MESSAGE: m[6]! };
    if (m[1]) cells.NAMESPACE = m[1];
    return cells;
  }
  m = DESCRIBE_ROW_RE.exec(line);
  if (m) return { TYPE: m[1]!, REASON: m[2]!, AGE: m[3]!, FROM: m[4]!, MESSAGE: m[5]! };
  return undefined;
}

/** Parses a kubectl age into seconds (see resources.ts parseAge); undefined for `<unknown>` and anything else. */
function ageSeconds(s: string | undefined): number | undefined {
  const m = s === undefined ? null : /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s.trim());
  if (!m || s!.trim() === '') return undefined;
  const [, y, d, h, mi, se] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (y! * 365 + d!) * 86400 + h! * 3600 + mi! * 60 + se!;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Event object one printed row stands for (cells by upper-case column name), or undefined
 * when the row is not one (its TYPE is not Normal or Warning, or it has no REASON). `now` (epoch
 * ms: a bundle's capture time) turns the ages into timestamps.
 */
export function eventFromCells(cells: Record<string, string>, now?: number): KubeObject | undefined {
  const type = cells.TYPE;
  const reason = cells.REASON;
  if ((type !== 'Normal' && type !== 'Warning') || !reason || !/^[A-Za-z][\w.-]*$/.test(reason)) return undefined;
  const seenCell = cells['LAST SEEN'] ?? cells.AGE ?? cells.LAST ?? cells.LASTSEEN ?? '';
  const seen = SEEN_RE.exec(seenCell.trim());
  let last = seen ? ageSeconds(seen[1]) : undefined;
  let first = seen?.[3] !== undefined ? ageSeconds(seen[3]) : undefined;
  let count = seen?.[2] !== undefined ? Number(seen[2]) : undefined;
  if (cells['FIRST SEEN'] ?? cells.FIRSTSEEN) first = ageSeconds(cells['FIRST SEEN'] ?? cells.FIRSTSEEN);
  if (cells.COUNT && /^\d+$/.test(cells.COUNT)) count = Number(cells.COUNT);
  if (last === undefined && !seen && seenCell) last = ageSeconds(seenCell);
  count ??= 1;
  first ??= count === 1 ? last : undefined;

  const obj: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: {} };
  // The involved object: `kind/name` (OBJECT), else the old table's KIND and NAME (`name.<hex>`).
  const ref = cells.OBJECT ?? '';
  const slash = ref.indexOf('/');
  const involved: Record<string, string> = {};
  if (slash > 0) {
    involved.kind = kindOfResource(ref.slice(0, slash));
    involved.name = ref.slice(slash + 1);
  } else if (cells.KIND && cells.NAME) {
    involved.kind = cells.KIND;
    involved.name = cells.NAME.replace(/\.[0-9a-f]{8,}$/, '');
  }
  if (cells.NAMESPACE) {
    obj.metadata!.namespace = cells.NAMESPACE;
    if (involved.name) involved.namespace = cells.NAMESPACE;
  }
  if (cells.NAME && (slash > 0 || cells.KIND)) obj.metadata!.name = cells.NAME;
  const sub = cells.SUBOBJECT ?? cells.SUBOBJECTPATH;
  if (sub) involved.fieldPath = sub;
  if (involved.name) obj.involvedObject = involved;
  obj.type = type;
  obj.reason = reason;
  obj.message = cells.MESSAGE ?? '';
  obj.count = count;
  // SOURCE / From: `component` or `component, host` (kubectl before 1.14).
  const from = (cells.SOURCE ?? cells.FROM ?? '').trim();
  if (from) {
    const comma = from.indexOf(', ');
    obj.source = comma > 0 ? { component: from.slice(0, comma), host: from.slice(comma + 2) } : { component: from };
  }
  if (now !== undefined) {
    if (first !== undefined) obj.firstTimestamp = rfc3339(now - first * 1000);
    if (last !== undefined) obj.lastTimestamp = rfc3339(now - last * 1000);
  }
  const table: Record<string, unknown> = { ...cells };
  if (last !== undefined) table.lastSeenSeconds = last;
  if (first !== undefined) table.firstSeenSeconds = first;
  obj.table = table;
  return obj;
}

/** `replicaset` → `ReplicaSet`: kubectl prints the involved object's kind in lower case. */
const KINDS: Record<string, string> = {
  pod: 'Pod', replicaset: 'ReplicaSet', deployment: 'Deployment', daemonset: 'DaemonSet', statefulset: 'StatefulSet', job: 'Job',
  cronjob: 'CronJob', node: 'Node', service: 'Service', endpoints: 'Endpoints', persistentvolumeclaim: 'PersistentVolumeClaim',
  persistentvolume: 'PersistentVolume', namespace: 'Namespace', configmap: 'ConfigMap', secret: 'Secret', ingress: 'Ingress',
  horizontalpodautoscaler: 'HorizontalPodAutoscaler', serviceaccount: 'ServiceAccount', lease: 'Lease',
};

function kindOfResource(res: string): string {
  const base = res.split('.')[0]!;
  return KINDS[base.toLowerCase()] ?? base;
}
