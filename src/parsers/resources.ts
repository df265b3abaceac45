// Resource dumps → Kubernetes objects: multi-document YAML, `kind: List` / `*List`, JSON objects
// and lists, and `kubectl get` tables (plain or `-o wide`, with or without a NAMESPACE column).
// Table rows become best-effort partial objects (name, namespace, phase, age → creation time).
// `kubectl get events` tables and the Events section of `kubectl describe` become Event objects
// (kubectl-events.ts). Never throws on bad input: what cannot be read is listed in `problems`.
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Event, EventCondition, KubeObject, LogEvent } from '../core/event.js';
import { detectLine, parseLine } from './index.js';
import { identities } from './resource-identity.js';
import { eventFromCells, eventRowAlone, isDescribeEventsHeader, isDescribeEventsRule, isEventsColumns } from './kubectl-events.js';

let yamlLib: typeof JsYaml | undefined;
/** js-yaml, loaded on first use: scans of logs alone never pay for loading it. */
function yaml(): typeof JsYaml {
  return (yamlLib ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);
}

/** One object read from a dump, with the 1-based line it starts on when known. */
export interface ParsedObject {
  object: KubeObject;
  line?: number;
  /** True when the object was rebuilt from a table row (only some fields are known). */
  partial?: boolean;
}

/** Result of reading one resource dump. */
export interface ParsedResources {
  objects: ParsedObject[];
  problems: string[];
  kind: 'manifests' | 'table' | 'events-table' | 'unknown';
  /** Log lines among the tables of a pasted text (`kubectl get …` then `kubectl logs …`), parsed. */
  logs?: LogEvent[];
}

/** Options for `parseResources`. */
export interface ParseResourcesOptions {
  /** Epoch ms that a table's AGE column is relative to (a bundle's capture time); without it, ages stay relative. */
  now?: number;
}

/** Column names (upper case) that carry an object's phase in a table. */
const PHASE_COLUMNS = ['PHASE', 'STATUS', 'STATE'];

/** Known table layouts that reveal the kind when rows do not carry `kind/name`. */
const KNOWN_TABLES: ReadonlyArray<{ columns: string[]; kind: string; apiVersion: string; namePattern?: RegExp }> = [
  // kubernaut.ai RemediationRequest printer columns (`kubectl get rr [-o wide]`).
  { columns: ['NAME', 'PHASE', 'OUTCOME'], kind: 'RemediationRequest', apiVersion: 'kubernaut.ai/v1alpha1', namePattern: /^rr-/ },
];

/** The names kubernaut gives RemediationRequests. */
const KUBERNAUT_RR_NAME = /^rr-[0-9a-f]{12}-[0-9a-f]{8}$/;

/** Resource names (plural, singular, short) in file names, `kind/name` row prefixes and `kubectl get KIND` prompts. */
const KIND_ALIASES: Record<string, { kind: string; apiVersion?: string }> = {
  remediationrequests: { kind: 'RemediationRequest', apiVersion: 'kubernaut.ai/v1alpha1' },
  remediationrequest: { kind: 'RemediationRequest', apiVersion: 'kubernaut.ai/v1alpha1' },
  rr: { kind: 'RemediationRequest', apiVersion: 'kubernaut.ai/v1alpha1' },
  ...aliases('Pod', 'v1', 'pods', 'pod'),
  ...aliases('Deployment', 'apps/v1', 'deployments', 'deployment'),
  ...aliases('StatefulSet', 'apps/v1', 'statefulsets', 'statefulset'),
  ...aliases('DaemonSet', 'apps/v1', 'daemonsets', 'daemonset'),
  ...aliases('ReplicaSet', 'apps/v1', 'replicasets', 'replicaset'),
  ...aliases('Node', 'v1', 'nodes', 'node'),
  ...aliases('Workflow', 'argoproj.io/v1alpha1', 'workflows', 'workflow'),
  ...aliases('PipelineRun', 'tekton.dev/v1', 'pipelineruns', 'pipelinerun'),
  ...aliases('TaskRun', 'tekton.dev/v1', 'taskruns', 'taskrun'),
  ...aliases('OperatorGroup', 'operators.coreos.com/v1', 'operatorgroups', 'operatorgroup'),
  ...aliases('CertificateRequest', 'cert-manager.io/v1', 'certificaterequests', 'certificaterequest'),
  ...aliases('MachineSet', 'cluster.x-k8s.io/v1beta1', 'machinesets', 'machineset'),
};

/** kubectl's short names, read in `kubectl get SHORT` prompts only (as words of a file name they would mislead). */
const SHORT_ALIASES: Record<string, { kind: string; apiVersion?: string }> = {
  ...aliases('Pod', 'v1', 'po'),
  ...aliases('Deployment', 'apps/v1', 'deploy'),
  ...aliases('StatefulSet', 'apps/v1', 'sts'),
  ...aliases('DaemonSet', 'apps/v1', 'ds'),
  ...aliases('ReplicaSet', 'apps/v1', 'rs'),
  ...aliases('Job', 'batch/v1', 'job', 'jobs'),
  ...aliases('Node', 'v1', 'no'),
  ...aliases('Workflow', 'argoproj.io/v1alpha1', 'wf'),
  ...aliases('OperatorGroup', 'operators.coreos.com/v1', 'og'),
};

function aliases(kind: string, apiVersion: string, ...names: string[]): Record<string, { kind: string; apiVersion: string }> {
  return Object.fromEntries(names.map((n) => [n, { kind, apiVersion }]));
}

/**
 * Cheap check on the first bytes of a file: does it look like a resource dump (YAML/JSON
 * manifests or a `kubectl get` table) rather than a log? `name` is the file name, used as a hint.
 */
export function sniffResources(head: string, name: string): boolean {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    // A JSON log line also starts with '{': require apiVersion/kind near the top and no newline
    // before them that would make it line-delimited records.
    const firstLine = trimmed.split('\n', 1)[0] ?? '';
    if (/"apiVersion"\s*:/.test(trimmed.slice(0, 4096)) && /"kind"\s*:/.test(trimmed.slice(0, 4096))) {
      // `{` alone on its line (pretty-printed) or a single-line object that is a manifest.
      return firstLine.trim() === '{' || /^\{\s*"(apiVersion|kind|items|metadata)"/.test(trimmed);
    }
    return false;
  }
  // A JSON array of manifests; `[user@host dir]$ kubectl get …` (a shell prompt) is read below.
  if (/^\[\s*[{[\]]/.test(trimmed)) return /"apiVersion"\s*:/.test(trimmed.slice(0, 4096));
  const lines = text.split('\n', 40).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const first = lines[0];
  if (first === undefined) return false;
  if (/^(---\s*$|apiVersion:\s|kind:\s|items:\s*$)/.test(first)) return true;
  if (lines.slice(0, 20).some((l) => /^apiVersion:\s*\S/.test(l)) && lines.slice(0, 20).some((l) => /^kind:\s*\S/.test(l))) return true;
  if (isTableHeader(first)) return true;
  if (startsTable(text.split('\n', 40))) return true;
  return /\.(ya?ml)$/i.test(name) && /^\w[\w.-]*:\s/.test(first);
}

/**
 * The object events of a parsed dump: a snapshot of each object, with its line when known and,
 * given the bundle's capture time `now`, that time.
 */
export function resourceEvents(parsed: ParsedResources, source: string, now?: number): Event[] {
  const events: Event[] = parsed.objects.map((o) => {
    const ev: Event = { kind: 'object', change: 'snapshot', object: o.object, source };
    if (o.line !== undefined) ev.line = o.line;
    if (o.partial) ev.partial = true;
    if (now !== undefined) ev.time = now;
    return ev;
  });
  if (parsed.logs) for (const l of parsed.logs) events.push(l);
  return events;
}

/**
 * `parsed` with every object whose kind (lower case) is not in `whole` cut down to apiVersion,
 * kind, metadata.name and metadata.namespace: all that analyzers read of kinds they do not
 * study (see Analyzer.objectKinds). Workers do this before sending a dump's objects back.
 */
export function slimObjects(parsed: ParsedResources, whole: ReadonlySet<string>): ParsedResources {
  const objects = parsed.objects.map((o): ParsedObject => {
    const obj = o.object;
    if (typeof obj.kind === 'string' && whole.has(obj.kind.toLowerCase())) return o;
    const slim: KubeObject = {};
    if (obj.apiVersion !== undefined) slim.apiVersion = obj.apiVersion;
    if (obj.kind !== undefined) slim.kind = obj.kind;
    const md = obj.metadata;
    if (md && typeof md === 'object') {
      slim.metadata = {};
      if (md.name !== undefined) slim.metadata.name = md.name;
      if (md.namespace !== undefined) slim.metadata.namespace = md.namespace;
    }
    return { ...o, object: slim };
  });
  return { ...parsed, objects };
}

/** A resource dump as the engine takes it in: its objects and problems, and its number of lines. */
export interface ParsedDump {
  parsed: ParsedResources;
  lines: number;
}

/**
 * A dump's text as the engine takes it in, on a worker or on its own thread: parsed with the
 * bundle's capture time `now`, objects of kinds outside `whole` cut to their identity (no
 * `whole`: every object whole), and its number of lines for its input's report. With `when`
 * (Events are in `whole` only for those: see Analyzer.objectWhen), a dump none of whose Events
 * meets one is read as if Events were not in `whole`.
 */
export function parseDump(text: string, source: string, now?: number, whole?: readonly string[], when?: readonly EventCondition[]): ParsedDump {
  const lines = countLines(text);
  if (!whole) return { parsed: parseResources(text, source, now !== undefined ? { now } : {}), lines };
  const keep = new Set(whole);
  // Most of a must-gather's YAML is Lists of kinds no analyzer reads whole (core Events above
  // all, nearly all of them too rare for any rule): their identities are read without js-yaml
  // when the dump has kubectl's shape.
  const fast = when?.length ? new Set(whole.filter((k) => k !== 'event')) : keep;
  const parsed = identities(text, fast, when?.length ? when : undefined) ?? slimObjects(parseResources(text, source, now !== undefined ? { now } : {}), keep);
  return { parsed, lines };
}

/** Lines of a text: newlines, plus one for a last line without one. */
export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

/** Reads a resource dump. `source` names the input (used in problems and for kind hints). */
export function parseResources(text: string, source: string, opts: ParseResourcesOptions = {}): ParsedResources {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed === '') return { objects: [], problems: [`${source}: empty file`], kind: 'unknown' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJson(body, source);
    if (json) return json;
  }
  const firstLine = body.split('\n', 1)[0] ?? '';
  if (isTableHeader(firstLine)) return parseTable(body, source, opts);
  if (startsTable(body.split('\n', 40))) return tablesIn(body, source, opts);
  return parseYaml(body, source);
}

// ---------------------------------------------------------------------------------------------
// JSON

function parseJson(body: string, source: string): ParsedResources | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // Not one JSON document: YAML is a superset of JSON, let the YAML reader try (it also
    // handles several concatenated documents) and report what it cannot read.
    return undefined;
  }
  const objects: ParsedObject[] = [];
  const problems: string[] = [];
  const lines = lineIndexOfNames(body);
  collect(value, objects, problems, source, (obj) => lines(obj));
  return { objects, problems, kind: objects.length ? 'manifests' : 'unknown' };
}

/** Best-effort line numbers for JSON objects: the line of their `"name": "…"` in metadata. */
function lineIndexOfNames(body: string): (obj: KubeObject) => number | undefined {
  let starts: number[] | undefined;
  const cursor = new Map<string, number>();
  return (obj) => {
    const name = obj.metadata?.name;
    if (typeof name !== 'string') return undefined;
    const needle = `"name": ${JSON.stringify(name)}`;
    const compact = `"name":${JSON.stringify(name)}`;
    const from = cursor.get(name) ?? 0;
    let at = body.indexOf(needle, from);
    if (at < 0) at = body.indexOf(compact, from);
    if (at < 0) return undefined;
    cursor.set(name, at + 1);
    starts ??= lineStarts(body);
    return lineOf(starts, at);
  };
}

function lineStarts(s: string): number[] {
  const out = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Adds `value` (an object, a List, or an array of either) to `out`. Each array and List is
 * entered once (`seen`): YAML aliases can make one nested many times, which would make this
 * walk exponential in the text.
 */
function collect(
  value: unknown,
  out: ParsedObject[],
  problems: string[],
  source: string,
  lineFor: (obj: KubeObject, fallback?: number) => number | undefined,
  fallbackLine?: number,
  seen: WeakSet<object> = new WeakSet(),
): void {
  if (Array.isArray(value)) {
    if (seen.has(value)) return;
    seen.add(value);
    for (const v of value) collect(v, out, problems, source, lineFor, undefined, seen);
    return;
  }
  if (value === null || typeof value !== 'object') {
    if (value !== null && value !== undefined) problems.push(`${source}${fallbackLine ? `:${fallbackLine}` : ''}: not a Kubernetes object (a ${typeof value}), skipped`);
    return;
  }
  const obj = value as KubeObject;
  const items = (obj as { items?: unknown }).items;
  if (Array.isArray(items) && (typeof obj.kind !== 'string' || obj.kind.endsWith('List'))) {
    if (seen.has(items)) return;
    seen.add(items);
    for (const it of items) collect(it, out, problems, source, lineFor, undefined, seen);
    return;
  }
  if (typeof obj.kind !== 'string' && typeof obj.metadata !== 'object') {
    problems.push(`${source}${fallbackLine ? `:${fallbackLine}` : ''}: document has neither kind nor metadata, skipped`);
    return;
  }
  out.push({ object: obj, line: lineFor(obj, fallbackLine) ?? fallbackLine });
}

// ---------------------------------------------------------------------------------------------
// YAML

/** js-yaml's parser state as its listener sees it: `depth` is 1 for a document's root node. */
interface ListenerState extends JsYaml.State {
  depth: number;
}

/** The documents of a YAML text, with the 1-based line each starts on and the lines of List items. */
interface YamlDocs {
  docs: unknown[];
  docLines: number[];
  /** Lines of the entries of each sequence that is a value in a document's root mapping (`items:`). */
  itemLines: Map<unknown, number[]>;
}

/**
 * Loads every document of `body` with js-yaml (core schema: timestamps stay strings, no merge
 * keys; duplicate keys keep the last value, as kubectl does). Aliases stay shared references:
 * nothing here copies or walks an object graph whole, so an alias bomb costs what its text does.
 * Throws js-yaml's exception on the first syntax error.
 */
function loadDocs(body: string, lineOffset: number): YamlDocs {
  const { loadAll, CORE_SCHEMA } = yaml();
  const out: YamlDocs = { docs: [], docLines: [], itemLines: new Map() };
  let entries: number[] = [];
  out.docs = loadAll(body, null, {
    schema: CORE_SCHEMA,
    json: true,
    listener(event, state) {
      const { depth, line } = state as ListenerState;
      if (event === 'open') {
        if (depth === 1) out.docLines.push(lineOffset + line + 1);
        else if (depth === 2) entries = [];
        else if (depth === 3) entries.push(lineOffset + line + 1);
      } else if (depth === 2 && Array.isArray(state.result) && state.result.length === entries.length) {
        out.itemLines.set(state.result, entries);
      }
    },
  });
  return out;
}

/** Splits a YAML stream into its documents at `---` / `...` lines: the text and first line of each. */
function splitDocuments(body: string): { text: string; line: number }[] {
  const parts: { text: string; line: number }[] = [];
  const lines = body.split('\n');
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    const l = lines[i];
    if (l === undefined || /^(?:---|\.\.\.)(?:\s|$)/.test(l)) {
      if (i > start) parts.push({ text: lines.slice(start, i).join('\n'), line: start });
      // A `--- value` line starts a document with its content on the same line.
      start = l !== undefined && l.startsWith('---') && l.slice(3).trim() !== '' ? i : i + 1;
    }
  }
  return parts;
}

/** The first line of a js-yaml error, and its 1-based line within the whole dump when known. */
function yamlError(err: unknown, lineOffset: number): { at?: number; message: string } {
  const e = err as { reason?: string; message?: string; mark?: { line?: number } };
  const line = e.mark?.line;
  return { at: line !== undefined ? lineOffset + line + 1 : undefined, message: (e.reason ?? e.message ?? String(err)).split('\n', 1)[0]! };
}

function parseYaml(body: string, source: string): ParsedResources {
  const objects: ParsedObject[] = [];
  const problems: string[] = [];
  let loaded: YamlDocs;
  try {
    loaded = loadDocs(body, 0);
  } catch {
    // A syntax error stops js-yaml for the whole stream: read the documents one by one so the
    // readable ones are kept and only the broken one is reported.
    loaded = { docs: [], docLines: [], itemLines: new Map() };
    for (const part of splitDocuments(body)) {
      try {
        const one = loadDocs(part.text, part.line);
        loaded.docs.push(...one.docs);
        loaded.docLines.push(...one.docLines);
        for (const [k, v] of one.itemLines) loaded.itemLines.set(k, v);
      } catch (e) {
        const { at, message } = yamlError(e, part.line);
        problems.push(`${source}:${at ?? part.line + 1}: YAML document skipped: ${message}`);
      }
    }
  }
  let sawMapping = false;
  const seen = new WeakSet<object>();
  loaded.docs.forEach((value, d) => {
    const docLine = loaded.docLines[d];
    if (value === null || value === undefined) return;
    if (typeof value !== 'object') {
      problems.push(`${source}${docLine ? `:${docLine}` : ''}: not a Kubernetes object, skipped`);
      return;
    }
    sawMapping = true;
    // Line of each List item: the entries of the root mapping's `items` sequence, in order.
    const items = Array.isArray(value) ? undefined : (value as { items?: unknown }).items;
    const itemLines = items !== undefined ? loaded.itemLines.get(items) : undefined;
    let k = 0;
    collect(value, objects, problems, source, () => (itemLines ? itemLines[k++] : docLine), docLine, seen);
  });
  if (!sawMapping && objects.length === 0) {
    return { objects, problems: problems.length ? problems : [`${source}: not a resource dump (no YAML/JSON objects, no kubectl table header)`], kind: 'unknown' };
  }
  return { objects, problems, kind: 'manifests' };
}

// ---------------------------------------------------------------------------------------------
// kubectl tables

/** A header line of `kubectl get`: upper-case column names separated by two or more spaces, starting with NAME/NAMESPACE/LAST SEEN. */
function isTableHeader(line: string): boolean {
  const l = line.replace(/\s+$/, '');
  if (!/^(NAME|NAMESPACE|LAST SEEN)( {2,}|\t|$)/.test(l)) return false;
  return /^[A-Z][A-Z0-9()%./_-]*(?: [A-Z][A-Z0-9()%./_-]*)*(?:(?: {2,}|\t+)[A-Z][A-Z0-9()%./_-]*(?: [A-Z][A-Z0-9()%./_-]*)*)*$/.test(l);
}

interface Column {
  name: string;
  start: number;
}

/** Column starts from the header: a column begins at the header word that follows 2+ spaces (or a tab). */
function columnsOf(header: string): Column[] {
  const cols: Column[] = [];
  const re = /(?:^|(?: {2,}|\t+))([A-Z][^ \t]*(?: [A-Z][^ \t]*)*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    cols.push({ name: m[1]!, start: m.index + m[0].length - m[1]!.length });
  }
  return cols;
}

/** Cells of one row sliced at the header's column starts (kubectl aligns cells under their header). */
function cellsOf(row: string, cols: Column[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const end = i + 1 < cols.length ? cols[i + 1]!.start : row.length;
    out[c.name] = row.slice(c.start, end).trim();
  }
  return out;
}

/** Rows whose cells do not sit under the header (e.g. tabs): split on runs of 2+ spaces instead. */
function cellsBySplit(row: string, cols: Column[]): Record<string, string> | undefined {
  const parts = row.trim().split(/ {2,}|\t+/);
  if (parts.length !== cols.length) return undefined;
  const out: Record<string, string> = {};
  cols.forEach((c, i) => (out[c.name] = parts[i]!));
  return out;
}

function parseTable(body: string, source: string, opts: ParseResourcesOptions): ParsedResources {
  const lines = body.split(/\r?\n/);
  const header = lines[0]!;
  const cols = columnsOf(header);
  const names = new Set(cols.map((c) => c.name));
  // Events tables (and tables after them) are read row by row as Event objects.
  if (isEventsColumns(names)) return tablesIn(body, source, opts);
  const objects: ParsedObject[] = [];
  const problems: string[] = [];
  const known = KNOWN_TABLES.find((t) => t.columns.every((c) => names.has(c)));
  const fileHint = kindFromFileName(source);
  let misaligned = 0;
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i]!;
    if (row.trim() === '') continue;
    if (isTableHeader(row)) {
      // Several tables in one file (`kubectl get a,b`): a new header restarts the columns.
      const sub = parseTable(lines.slice(i).join('\n'), source, opts);
      for (const o of sub.objects) objects.push({ ...o, line: o.line !== undefined ? o.line + i : undefined });
      problems.push(...sub.problems);
      break;
    }
    let cells = cellsOf(row, cols);
    if (!cells.NAME || /\s/.test(cells.NAME) || (cells.NAMESPACE !== undefined && /\s/.test(cells.NAMESPACE))) {
      const split = cellsBySplit(row, cols);
      if (!split || !split.NAME) {
        misaligned++;
        continue;
      }
      cells = split;
    }
    objects.push({ object: rowObject(cells, known, fileHint, opts.now), line: i + 1, partial: true });
  }
  if (misaligned) problems.push(`${source}: ${misaligned} table row(s) did not line up with the header and were skipped`);
  if (!objects.length && !problems.length) problems.push(`${source}: table has a header but no rows`);
  return { objects, problems, kind: 'table' };
}

function kindFromFileName(source: string): { kind: string; apiVersion?: string } | undefined {
  const base = source.split(/[\\/]/).pop()?.toLowerCase().replace(/\.(txt|out|log|table)$/, '') ?? '';
  for (const part of base.split(/[^a-z]+/)) {
    const k = KIND_ALIASES[part];
    if (k) return k;
  }
  return undefined;
}

function rowObject(
  cells: Record<string, string>,
  known: (typeof KNOWN_TABLES)[number] | undefined,
  fileHint: { kind: string; apiVersion?: string } | undefined,
  now: number | undefined,
): KubeObject {
  let name = cells.NAME!;
  let kind: string | undefined;
  let apiVersion: string | undefined;
  // `kubectl get a,b` prints `resource.group/name`.
  const slash = name.indexOf('/');
  if (slash > 0) {
    const res = name.slice(0, slash);
    name = name.slice(slash + 1);
    const [plural, ...group] = res.split('.');
    const alias = KIND_ALIASES[plural!];
    kind = alias?.kind ?? plural;
    apiVersion = alias?.apiVersion ?? (group.length ? group.join('.') : undefined);
  }
  if (!kind && known && (!known.namePattern || known.namePattern.test(name))) {
    kind = known.kind;
    apiVersion = known.apiVersion;
  }
  if (!kind && fileHint) {
    kind = fileHint.kind;
    apiVersion = fileHint.apiVersion;
  }
  if (!kind && KUBERNAUT_RR_NAME.test(name)) {
    // kubernaut names RemediationRequests rr-<12 hex of the fingerprint>-<8 hex>.
    kind = 'RemediationRequest';
    apiVersion = 'kubernaut.ai/v1alpha1';
  }
  const obj: KubeObject = { metadata: { name } };
  if (kind) obj.kind = kind;
  if (apiVersion) obj.apiVersion = apiVersion;
  if (cells.NAMESPACE) obj.metadata!.namespace = cells.NAMESPACE;
  const phaseCol = PHASE_COLUMNS.find((c) => cells[c] !== undefined && cells[c] !== '');
  if (phaseCol) {
    const phase = cells[phaseCol]!;
    // kubernaut RRs keep their phase in status.overallPhase; everything else in status.phase.
    obj.status = kind === 'RemediationRequest' ? { overallPhase: phase } : { phase };
  }
  const age = cells.AGE !== undefined ? parseAge(cells.AGE) : undefined;
  if (age !== undefined) {
    if (now !== undefined) obj.metadata!.creationTimestamp = new Date(now - age * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  // Everything the table said, for analyzers that want more than the usual fields.
  obj.table = { ...cells, ...(age !== undefined ? { ageSeconds: age } : {}) };
  return obj;
}

/** Parses a kubectl age (`66s`, `4m24s`, `3h1m`, `5d`, `2y3d`, `<unknown>`) into seconds. */
export function parseAge(s: string): number | undefined {
  const m = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s.trim());
  if (!m || s.trim() === '') return undefined;
  const [, y, d, h, mi, se] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (y! * 365 + d!) * 86400 + h! * 3600 + mi! * 60 + se!;
}

// ---------------------------------------------------------------------------------------------
// Tables inside other text

/** Upper-case column names separated by two or more spaces (or tabs); undefined if the line is no such header. */
function upperColumns(line: string): Column[] | undefined {
  const l = line.replace(/\s+$/, '');
  if (!/^[A-Z][A-Z0-9()%./_-]*(?: [A-Z][A-Z0-9()%./_-]*)*(?:(?: {2,}|\t+)[A-Z][A-Z0-9()%./_-]*(?: [A-Z][A-Z0-9()%./_-]*)*)+$/.test(l)) return undefined;
  return columnsOf(l);
}

/**
 * The header of a list of objects as CLIs print it: `kubectl get` (NAME or NAMESPACE first, or an
 * events table's LAST SEEN), and other tools' lists that have a NAME column anywhere (`argo list`,
 * `helm list`, `tkn pr list`, `flux get`).
 */
export function listHeader(line: string): Column[] | undefined {
  if (line.length > 4000) return undefined;
  const cols = upperColumns(line);
  if (!cols) return undefined;
  const first = cols[0]!.name;
  if (first === 'NAME' || first === 'NAMESPACE' || first === 'LAST SEEN' || cols.some((c) => c.name === 'NAME')) return cols;
  return undefined;
}

/** Cells of a markdown table row (`| a | **b** | \`c\` |`), emphasis and code marks stripped; undefined if none. */
function markdownCells(line: string): string[] | undefined {
  const t = line.trim();
  if (t.length < 3 || t.charCodeAt(0) !== 124) return undefined;
  const inner = t.endsWith('|') ? t.slice(1, -1) : t.slice(1);
  return inner.split('|').map((c) => c.trim().replace(/^\*\*(.*)\*\*$/, '$1').replace(/^__(.*)__$/, '$1').replace(/^`(.*)`$/, '$1').trim());
}

/** Whether markdown cells are a header separator (`---`, `:--:`). */
function isSeparator(cells: string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-{3,}:?$/.test(c));
}

/** What a `kubectl get KIND` (or `oc get`, `argo list`) prompt line says about the rows after it. */
interface Prompt {
  kind?: { kind: string; apiVersion?: string };
  allNamespaces: boolean;
}

/** A command line that prints a table: `$ kubectl get pods -A`, `oc get wf | grep x`, `argo list`. */
function promptOf(line: string): Prompt | undefined {
  if (line.length > 2000) return undefined;
  const m = /(?:^|[\s$#%>])(?:kubectl|oc)\s+(?:-[-\w=./]+\s+)*get\s+([\w.-]+(?:,[\w.-]+)*)([^|]*)/.exec(line);
  if (m) {
    const res = m[1]!.toLowerCase();
    const base = res.split('.')[0]!;
    const kind = res.includes(',') ? undefined : KIND_ALIASES[base] ?? SHORT_ALIASES[base];
    return { kind, allNamespaces: /(?:^|\s)(?:-A|--all-namespaces(?:=true)?)(?:\s|$)/.test(m[2]!) };
  }
  if (/(?:^|[\s$#%>])argo\s+list\b/.test(line)) return { kind: KIND_ALIASES.workflows, allNamespaces: /(?:^|\s)(?:-A|--all-namespaces)(?:\s|$)/.test(line) };
  return undefined;
}

/** `Name:  x`, `Namespace:  y`, `Kind:  Issuer` at the margin of `kubectl describe` output. */
const DESCRIBE_FIELD_RE = /^(Name|Namespace|Kind):\s+([\w.:-]+)\s*$/;

/** Phases and statuses a headerless row's cells may carry. */
const PHASE_WORDS = /^(?:Pending|Running|Succeeded|Failed|Unknown|Completed|Error|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|ContainerCreating|Terminating|Init:\S+|Evicted|OOMKilled|Ready|NotReady|Blocked|TimedOut|Skipped)$/;

/**
 * Reads tables of objects out of text, one line at a time: `kubectl get` tables (plain, `-o wide`,
 * `-A`), other CLIs' lists with a NAME column (`argo list`, `helm list`), markdown tables (the
 * pipes, `**bold**` and backticks stripped) and the rows a `kubectl get KIND | grep …` prompt
 * printed without their header. Rows become partial objects as parseResources makes them (kind
 * from `resource/name`, the prompt, known printer columns or the file name).
 *
 * Feed it the lines no log format recognised: a recognised log line, a blank line or a line that
 * does not fit ends the table, so log lines never become objects.
 */
export class TableReader {
  /** Rows that did not line up with their header, and events tables (`kubectl get events`, describe Events sections) read. */
  misaligned = 0;
  eventsTables = 0;
  /** Whether the last line read was part of a table: a header, a markdown separator or a row read as an object. */
  took = false;
  private cols: Column[] | undefined;
  private names: Set<string> | undefined;
  private events = false;
  private md: string[] | undefined;
  private mdPending: string[] | undefined;
  private prompt: Prompt | undefined;
  /** Rows may follow the prompt without a header (`kubectl get wf | grep x`). */
  private headerlessOk = false;
  private bad = 0;
  private readonly fileHint: { kind: string; apiVersion?: string } | undefined;
  /** The object a `kubectl describe` above names (`Name:`, `Namespace:`, `Kind:` at the margin): what its Events section is about. */
  private described: { name?: string; namespace?: string; kind?: string } = {};

  constructor(source: string, private readonly now?: number) {
    this.fileHint = kindFromFileName(source);
  }

  /** Ends the current table (a recognised log line, a blank line, the end of the text). */
  end(): void {
    this.prompt = undefined;
    this.headerlessOk = false;
    this.cols = undefined;
    this.names = undefined;
    this.events = false;
    this.md = undefined;
    this.mdPending = undefined;
    this.bad = 0;
  }

  /** Reads one line (1-based number `n`): the object its row stands for, if it is a row. */
  line(raw: string, n: number): ParsedObject | undefined {
    this.took = false;
    const o = this.read(raw, n);
    if (o) this.took = true;
    return o;
  }

  private read(raw: string, n: number): ParsedObject | undefined {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      this.end();
      return undefined;
    }
    const md = markdownCells(line);
    if (md) return this.markdown(md, n);
    this.md = undefined;
    this.mdPending = undefined;
    // The Events section of `kubectl describe`: `Type  Reason  Age  From  Message`, then dashes.
    const describe = isDescribeEventsHeader(line);
    const header = describe ? columnsOf(line).map((c) => ({ ...c, name: c.name.toUpperCase() })) : listHeader(line);
    if (header) {
      this.cols = header;
      this.names = new Set(header.map((c) => c.name));
      this.events = describe || isEventsColumns(this.names);
      if (this.events) this.eventsTables++;
      this.bad = 0;
      this.headerlessOk = false;
      this.took = true;
      return undefined;
    }
    if (this.events && isDescribeEventsRule(line)) {
      this.took = true;
      return undefined;
    }
    const field = DESCRIBE_FIELD_RE.exec(line);
    if (field) {
      if (field[1] === 'Name') this.described = { name: field[2]! };
      else if (field[1] === 'Namespace') this.described.namespace = field[2]!;
      else this.described.kind = field[2]!;
    }
    const prompt = promptOf(line);
    if (prompt) {
      this.end();
      this.prompt = prompt;
      this.headerlessOk = true;
      return undefined;
    }
    if (this.cols) return this.row(line, n);
    // An events row pasted without its header (`kubectl get events | grep …`, one describe row).
    const alone = eventRowAlone(line);
    if (alone) {
      const ev = this.event(alone);
      if (ev) return { object: ev, line: n, partial: true };
    }
    if (this.headerlessOk) return this.headerless(line, n);
    return undefined;
  }

  /** An Event read from a row, about the described object when the row names none. */
  private event(cells: Record<string, string>): KubeObject | undefined {
    const ev = eventFromCells(cells, this.now);
    if (ev && !ev.involvedObject && this.described.name) {
      const d = this.described;
      ev.involvedObject = { ...(d.kind ? { kind: d.kind } : {}), name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}) };
    }
    return ev;
  }

  /** A row of an events table: the Event it prints. */
  private eventRow(line: string, n: number): ParsedObject | undefined {
    const cols = this.cols!;
    let ev = this.event(cellsOf(line, cols));
    if (!ev) {
      // Cells that do not sit under their header: split at runs of spaces, the message taking the rest.
      const parts = line.trim().split(/ {2,}|\t+/);
      const last = cols.length - 1;
      if (parts.length >= cols.length && (parts.length === cols.length || cols[last]!.name === 'MESSAGE')) {
        const cells: Record<string, string> = {};
        cols.forEach((c, i) => (cells[c.name] = i < last ? parts[i]! : parts.slice(last).join('  ')));
        ev = this.event(cells);
      }
    }
    if (!ev) {
      this.misaligned++;
      if (++this.bad >= 2) this.end();
      return undefined;
    }
    this.bad = 0;
    return { object: ev, line: n, partial: true };
  }

  private row(line: string, n: number): ParsedObject | undefined {
    const cols = this.cols!;
    if (this.events) return this.eventRow(line, n);
    let cells: Record<string, string> | undefined = cellsOf(line, cols);
    if (!cells.NAME || /\s/.test(cells.NAME) || (cells.NAMESPACE !== undefined && /\s/.test(cells.NAMESPACE))) cells = cellsBySplit(line, cols);
    if (!cells || !cells.NAME || !/^[\w.:/@-]+$/.test(cells.NAME)) {
      this.misaligned++;
      if (++this.bad >= 2) this.end(); // the table is over: prose or log lines follow
      return undefined;
    }
    this.bad = 0;
    return this.object(cells, n);
  }

  private markdown(cells: string[], n: number): ParsedObject | undefined {
    if (this.md) {
      if (isSeparator(cells)) {
        this.took = true;
        return undefined;
      }
      if (cells.length !== this.md.length) {
        this.misaligned++;
        return undefined;
      }
      const rec: Record<string, string> = {};
      this.md.forEach((h, i) => (rec[h] = cells[i]!));
      if (!rec.NAME || /\s/.test(rec.NAME)) {
        this.misaligned++;
        return undefined;
      }
      return this.object(rec, n);
    }
    if (this.mdPending && isSeparator(cells) && cells.length === this.mdPending.length) {
      const heads = this.mdPending.map((h) => h.toUpperCase());
      this.mdPending = undefined;
      if (heads.includes('NAME')) {
        this.md = heads;
        this.took = true;
      }
      return undefined;
    }
    this.mdPending = cells;
    return undefined;
  }

  /** A row under a `kubectl get KIND | grep …` prompt, printed without its header. */
  private headerless(line: string, n: number): ParsedObject | undefined {
    const parts = line.trim().split(/ {2,}|\t+/);
    const allNs = this.prompt!.allNamespaces;
    if (parts.length < (allNs ? 3 : 2)) {
      this.end();
      return undefined;
    }
    const cells: Record<string, string> = {};
    let i = 0;
    if (allNs) cells.NAMESPACE = parts[i++]!;
    cells.NAME = parts[i++]!;
    if (!/^[a-z0-9][a-z0-9.:-]*$/.test(cells.NAME) || (cells.NAMESPACE !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(cells.NAMESPACE))) {
      this.end();
      return undefined;
    }
    for (; i < parts.length; i++) {
      const c = parts[i]!;
      if (cells.STATUS === undefined && PHASE_WORDS.test(c)) cells.STATUS = c;
      else if (i === parts.length - 1 && parseAge(c) !== undefined) cells.AGE = c;
    }
    return this.object(cells, n);
  }

  private object(cells: Record<string, string>, n: number): ParsedObject {
    const known = this.names ? KNOWN_TABLES.find((t) => t.columns.every((c) => this.names!.has(c))) : undefined;
    return { object: rowObject(cells, known, this.prompt?.kind ?? this.fileHint, this.now), line: n, partial: true };
  }
}

/**
 * Whether a text opens with a table of objects rather than a log: its first line is a list
 * header, a markdown table's header or a `kubectl get` prompt, and the rows that follow are read as
 * objects (or it is an events table).
 */
export function startsTable(lines: readonly string[]): boolean {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const first = lines[i];
  if (first === undefined) return false;
  if (!listHeader(first) && !markdownCells(first) && !promptOf(first)) return false;
  const reader = new TableReader('');
  for (let k = i; k < Math.min(lines.length, i + 8); k++) if (reader.line(lines[k]!, k + 1)) return true;
  return reader.eventsTables > 0;
}

/** Every table's rows in a text (see TableReader), for a dump that holds tables among other lines. */
export function tablesIn(text: string, source: string, opts: ParseResourcesOptions = {}): ParsedResources {
  const reader = new TableReader(source, opts.now);
  const objects: ParsedObject[] = [];
  const logs: LogEvent[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const year = new Date(opts.now ?? Date.now()).getUTCFullYear();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    // A line in a log format ends the table and is kept as a log line.
    const d = raw.length < 65536 ? detectLine(raw) : undefined;
    if (d !== undefined && d.format !== 'unknown' && d.format !== 'plain' && d.level !== 'unknown') {
      reader.end();
      logs.push(parseLine(raw, i + 1, { source, referenceYear: year }));
      continue;
    }
    const o = reader.line(raw, i + 1);
    if (o) objects.push(o);
  }
  const problems: string[] = [];
  if (reader.misaligned) problems.push(`${source}: ${reader.misaligned} table row(s) did not line up with the header and were skipped`);
  if (!objects.length && !problems.length) problems.push(`${source}: table has a header but no rows`);
  const onlyEvents = reader.eventsTables > 0 && objects.every((o) => o.object.kind === 'Event');
  const out: ParsedResources = { objects, problems, kind: onlyEvents ? 'events-table' : 'table' };
  if (logs.length) out.logs = logs;
  return out;
}
