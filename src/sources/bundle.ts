// Bundles an SRE is handed instead of a cluster: an OpenShift must-gather, a Troubleshoot support
// bundle or a `kubectl cluster-info dump --output-directory`. This module detects the layout,
// attributes each log to namespace/pod/container, reads resource dumps as objects, finds audit
// logs and Prometheus text dumps anywhere, and takes the bundle's capture time as "now".
// The member logic here is shared with archive.ts, which feeds it archive members as streams.
import { createReadStream, readFileSync, type Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { describeError } from '../core/errors.js';
import { sniffResources } from '../parsers/resources.js';
import {
  contentItems, crLineEnds, fileItem, gunzip, isGzip, kindToInput, readHead, readLines, RESOURCE_DOC_CAP, SNIFF_BYTES, sniffKind, type ContentKind,
  type ReadOptions,
} from './files.js';
import type { InputHandle, ResourcesItem, SourceItem } from './types.js';
import { newInput } from './types.js';
import { walkTree, type TreeFile } from './walk.js';

/** Bundle layouts ctrlscope recognises; the name is reported as the bundle input's `format`. */
export type BundleLayoutName = 'must-gather' | 'support-bundle' | 'cluster-info-dump';

/** What `detectBundle` found: the layout and, when the name of a folder says so, the capture time. */
export interface BundleLayout {
  name: BundleLayoutName;
  /** Capture time read from the bundle's folder name (support bundles), epoch ms. */
  nameTime?: number;
}

/**
 * Safety limits for reading bundles and archives. Archives are never extracted: members are read
 * as streams, so nothing is written to disk; these limits bound CPU and memory.
 */
export interface BundleLimits {
  /** Total bytes all members may expand to (tar stream bytes or zip/gzip output). Default 1 GiB. */
  maxTotalBytes: number;
  /** Decompressed : compressed ratio above which a stream is treated as a decompression bomb. Default 1000. */
  maxRatio: number;
  /** The ratio is only judged once this many bytes were expanded (small files compress oddly). Default 32 MiB. */
  ratioMinBytes: number;
}

/** Default limits: 1 GiB expanded in total, ratio 1000:1 judged after 32 MiB. */
export const DEFAULT_LIMITS: Readonly<BundleLimits> = { maxTotalBytes: 1 << 30, maxRatio: 1000, ratioMinBytes: 32 << 20 };

/** Options of the bundle and archive sources. */
export interface BundleOptions extends ReadOptions {
  limits?: Partial<BundleLimits>;
}

/** Thrown when a stream passes a safety limit; the member or archive is refused. */
export class LimitError extends Error {
  /**
   * `member`: one gzipped member expands at a bomb's ratio; it is refused and the reader goes on
   * to the next member. `bundle`: the bundle's total is passed; the rest is refused.
   */
  readonly scope: 'member' | 'bundle';
  constructor(message: string, scope: 'member' | 'bundle' = 'bundle') {
    super(message);
    this.name = 'LimitError';
    this.scope = scope;
  }
}

// ---------------------------------------------------------------------------------------------
// Layout detection

const MG_LOG_RE = /(?:^|\/)namespaces\/([^/]+)\/pods\/([^/]+)\/([^/]+)\/[^/]+\/logs\/(?:[^/]+\/)*[^/]+\.log(?:\.gz)?$/;
const SB_LOG_RE = /(?:^|\/)cluster-resources\/pods\/logs\/([^/]+)\/([^/]+)\/([^/]+?)(?:-previous)?\.log$/;
const CID_LOG_RE = /(?:^|\/)([^/]+)\/([^/]+)\/logs\.txt$/;
const SB_NAME_TIME_RE = /(\d{4})-(\d{2})-(\d{2})T(\d{2})_(\d{2})_(\d{2})/;

/** Picks a layout from a list of bundle-relative paths ('/'-separated). Used for archives too. */
export function detectLayout(paths: Iterable<string>): BundleLayout | undefined {
  let mg = false;
  let sb = false;
  let nodes = false;
  let podsJson = false;
  let sbName: string | undefined;
  for (const p of paths) {
    if (/(?:^|\/)(?:namespaces\/[^/]+\/(?:pods|core)\/|cluster-scoped-resources\/)/.test(p) || MG_LOG_RE.test(p)) mg = true;
    else if (/(?:^|\/)cluster-resources\//.test(p)) {
      sb = true;
      sbName ??= p.split('/').find((s) => SB_NAME_TIME_RE.test(s));
    } else if (/^(?:[^/]+\/)?nodes\.json$/.test(p)) nodes = true;
    else if (/^(?:[^/]+\/)?[^/]+\/(?:pods|events|replicasets|deployments)\.json$/.test(p)) podsJson = true;
  }
  if (mg) return { name: 'must-gather' };
  if (sb) {
    const t = sbName ? nameTime(sbName) : undefined;
    return t === undefined ? { name: 'support-bundle' } : { name: 'support-bundle', nameTime: t };
  }
  if (nodes && podsJson) return { name: 'cluster-info-dump' };
  return undefined;
}

function nameTime(name: string): number | undefined {
  const m = SB_NAME_TIME_RE.exec(name);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Tells whether a directory is a bundle, looking only at its top two levels (cheap on any
 * directory): must-gather (`namespaces/`, `cluster-scoped-resources/`, usually under an image
 * folder), support bundle (`cluster-resources/`), cluster-info dump (`nodes.json` beside
 * namespace folders holding `pods.json`).
 */
export async function detectBundle(dir: string): Promise<BundleLayout | undefined> {
  const paths: string[] = [];
  const top = await readdirSafe(dir);
  for (const e of top) {
    if (!e.isDirectory()) {
      paths.push(e.name);
      continue;
    }
    for (const c of await readdirSafe(join(dir, e.name))) {
      if (!c.isDirectory()) {
        paths.push(`${e.name}/${c.name}`);
        continue;
      }
      paths.push(`${e.name}/${c.name}/`);
      if (c.name === 'namespaces' || c.name === 'cluster-scoped-resources' || c.name === 'cluster-resources') {
        paths.push(`${e.name}/${c.name}/x/pods/`);
      }
    }
    if (e.name === 'namespaces' || e.name === 'cluster-scoped-resources' || e.name === 'cluster-resources') paths.push(`${e.name}/x/pods/`);
  }
  const layout = detectLayout(paths);
  if (layout?.name === 'support-bundle' && layout.nameTime === undefined) {
    const t = nameTime(basename(dir));
    if (t !== undefined) layout.nameTime = t;
  }
  return layout;
}

async function readdirSafe(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Capture time

/**
 * Parses a must-gather `timestamp` file: one Go `time.Time` string per line, such as
 * `2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668` (or RFC3339). Returns the latest
 * time in epoch ms, or undefined.
 */
export function parseTimestampFile(text: string): number | undefined {
  let best: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?/.exec(line);
    if (!m) continue;
    const frac = m[3] ? m[3].slice(0, 4) : '';
    let zone = m[4] ?? 'Z';
    if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const t = Date.parse(`${m[1]}T${m[2]}${frac}${zone}`);
    if (!Number.isNaN(t) && (best === undefined || t > best)) best = t;
  }
  return best;
}

/** True for a must-gather `timestamp` file at the bundle root or one image folder down. */
export function isTimestampPath(rel: string): boolean {
  return /^(?:[^/]+\/){0,2}timestamp$/.test(rel);
}

// ---------------------------------------------------------------------------------------------
// Member classification and reading (shared by directories and archives)

/** How one bundle member is to be read, decided from its path alone. */
export type MemberPlan =
  | { read: 'skip' }
  | { read: 'log'; origin: string; containers?: boolean }
  | { read: 'resources' }
  | { read: 'sniff'; logByName: boolean };

const SKIP_EXT_RE = /\.(?:png|jpe?g|gif|svg|ico|pdf|html?|css|js|tar|tgz|zip|xz|bz2|zst|7z|so|bin|exe|db|sqlite|pprof|pb|der|crt|pem|key|p12)$/i;
const LOG_NAME_RE = /\.(?:log|txt|out|err)(?:\.\d+)?(?:\.gz)?$|(?:^|\/)[^/.]+\.log\.\d{4}-\d{2}-\d{2}[^/]*$/i;

/** Decides from its bundle-relative path how a member is read. */
export function planMember(rel: string): MemberPlan {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (name === 'timestamp' || name === 'version' || name.startsWith('.') || SKIP_EXT_RE.test(name)) return { read: 'skip' };
  let m = MG_LOG_RE.exec(rel) ?? SB_LOG_RE.exec(rel);
  if (m) return { read: 'log', origin: `${m[1]}/${m[2]}/${m[3]}` };
  m = CID_LOG_RE.exec(rel);
  if (m) return { read: 'log', origin: `${m[1]}/${m[2]}`, containers: true };
  if (/\.(?:ya?ml|json)$/i.test(name) && /(?:^|\/)(?:namespaces|cluster-scoped-resources|cluster-resources)\//.test(rel)) return { read: 'resources' };
  return { read: 'sniff', logByName: LOG_NAME_RE.test(name) };
}

/** Running state of one bundle read: its own input, limits, and what is known about time. */
export interface BundleContext {
  bundle: InputHandle;
  limits: BundleLimits;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  /** Capture time, once known. */
  now?: number;
  referenceYear?: number;
  /** Bytes expanded so far (across all members), for the total cap. */
  expanded: number;
  /** Inputs created so far, so a capture year found late can still be set before they are parsed. */
  inputs: InputHandle[];
  /** Members passed over unread (by name: HTML, images…), still to be listed as `other` inputs. */
  notRead: { display: string; rel: string }[];
  /** Distinct problems recorded on the bundle input, capped. */
  problemCount: number;
  /** Hand plain container logs to the engine whole (ReadOptions.fileItems). */
  fileItems?: boolean;
}

/** Makes the running state for one bundle read. */
export function newContext(source: string, opts: BundleOptions): BundleContext {
  const bundle = newInput(source, 'bundle');
  bundle.report.format = 'bundle';
  return {
    bundle,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    signal: opts.signal,
    onBytes: opts.onBytes,
    referenceYear: opts.referenceYear,
    expanded: 0,
    inputs: [],
    notRead: [],
    problemCount: 0,
    fileItems: opts.fileItems,
  };
}

const MAX_PROBLEMS = 50;

/** Records a problem on the bundle's own input (at most MAX_PROBLEMS, then a count). */
export function bundleProblem(ctx: BundleContext, text: string): void {
  ctx.problemCount++;
  const probs = ctx.bundle.report.problems;
  if (ctx.problemCount <= MAX_PROBLEMS) probs.push(text);
  else {
    const more = `… and ${ctx.problemCount - MAX_PROBLEMS} more problems`;
    if (probs.length > MAX_PROBLEMS) probs[probs.length - 1] = more;
    else probs.push(more);
  }
}

/** Sets the bundle's capture time; fills the year of inputs that were created before it was known. */
export function setCaptureTime(ctx: BundleContext, t: number): void {
  if (ctx.now !== undefined && ctx.now >= t) return;
  ctx.now = t;
  const year = new Date(t).getUTCFullYear();
  ctx.referenceYear = year;
  for (const h of ctx.inputs) h.referenceYear = year;
}

/** Splits an async byte stream into its first `n` bytes and a stream that replays them first. */
export async function peek(stream: AsyncIterable<Buffer>, n = SNIFF_BYTES): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const it = stream[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    got.push(b);
    size += b.length;
  }
  const head = got.length === 1 ? got[0]!.subarray(0, n) : Buffer.concat(got).subarray(0, n);
  async function* rest(): AsyncGenerator<Buffer> {
    for (const b of got) yield b;
    if (done) return;
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      await it.return?.();
    }
  }
  return { head, rest: rest() };
}

/**
 * Counts expanded bytes against the bundle's limits. `compressed()` tells how many input bytes
 * produced them (for the ratio); throws LimitError when a limit is passed.
 */
export async function* metered(
  stream: AsyncIterable<Buffer>,
  ctx: BundleContext,
  what: string,
  compressed?: () => number,
  ratioScope: LimitError['scope'] = 'bundle',
): AsyncGenerator<Buffer> {
  let out = 0;
  const { maxTotalBytes, maxRatio, ratioMinBytes } = ctx.limits;
  for await (const chunk of stream) {
    out += chunk.length;
    ctx.expanded += chunk.length;
    if (ctx.expanded > maxTotalBytes) {
      throw new LimitError(`${what} expands past the ${formatBytes(maxTotalBytes)} limit for a bundle; refused the rest as a possible decompression bomb`);
    }
    if (compressed && out > ratioMinBytes) {
      const c = compressed();
      if (c > 0 && out / c > maxRatio) {
        throw new LimitError(`${what} expands ${Math.round(out / c)}:1 (limit ${maxRatio}:1); refused as a decompression bomb`, ratioScope);
      }
    }
    yield chunk;
  }
}

/** Human size: 1 GiB, 32 MiB, 512 KiB. */
export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20) return `${Math.round(n / (1 << 20))} MiB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KiB`;
  return `${n} B`;
}

async function* countBytes(stream: AsyncIterable<Buffer>, counter: { n: number }): AsyncGenerator<Buffer> {
  for await (const c of stream) {
    counter.n += c.length;
    yield c;
  }
}

/** Gunzips a member stream, metered against the limits; the inflater is torn down however the read ends. */
async function* gunzipMember(rest: AsyncIterable<Buffer>, ctx: BundleContext, what: string): AsyncGenerator<Buffer> {
  const counter = { n: 0 };
  const gz = gunzip();
  const src = Readable.from(countBytes(rest, counter));
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    yield* metered(gz as AsyncIterable<Buffer>, ctx, what, () => counter.n, 'member');
  } finally {
    src.unpipe(gz);
    src.destroy();
    gz.destroy();
  }
}

/**
 * Reads one bundle member (a file of a directory bundle or an archive member) and yields its
 * source items. `display` is the name reported (`bundle.tar.gz:namespaces/…/current.log`), `rel`
 * the bundle-relative path. Problems with this member are recorded, never thrown — except a
 * LimitError, which the caller turns into refusing the rest of an archive.
 */
export async function* memberItems(display: string, rel: string, stream: AsyncIterable<Buffer>, ctx: BundleContext): AsyncGenerator<SourceItem> {
  const plan = planMember(rel);
  if (plan.read === 'skip') {
    await drain(stream);
    yield* otherItems(display, rel, undefined, ctx);
    return;
  }
  let input: InputHandle | undefined;
  try {
    let { head, rest } = await peek(stream);
    let name = rel;
    if (isGzip(head)) {
      ({ head, rest } = await peek(gunzipMember(rest, ctx, display)));
      name = rel.replace(/\.gz$/i, '');
    }
    const text = head.toString('utf8');
    const kind = memberKind(plan, text, name);
    if (kind === 'skip') {
      await drain(rest);
      yield* otherItems(display, name, text, ctx);
      return;
    }
    const origin = plan.read === 'log' ? plan.origin : undefined;
    input = newInput(display, kindToInput(kind), { referenceYear: ctx.referenceYear, ...(origin ? { origin } : {}) });
    ctx.inputs.push(input);
    if (kind === 'resources') yield* resourceItems(rest, input, ctx);
    else if (plan.read === 'log' && plan.containers) yield* containerSplitItems(rest, input, ctx);
    else yield* contentItems(rest, kind, input, ctx.signal);
  } catch (err) {
    if (err instanceof LimitError && err.scope === 'member') {
      // This member only: what it expanded to so far still counts towards the bundle's total.
      bundleProblem(ctx, `${err.message}; the other members were read`);
      // The archive reader skips the rest of the member's bytes (a file is simply closed).
      if (input) yield { type: 'events', input, events: [] };
      return;
    }
    if (err instanceof LimitError) throw err;
    const msg = `member is corrupt or could not be read to the end: ${describeError(err)}; what was read before the problem was analysed`;
    if (input) {
      input.report.problems.push(msg);
      yield { type: 'events', input, events: [] };
    } else bundleProblem(ctx, `${rel}: ${msg}`);
  }
}

/** How a bundle member is read, from its plan and the start of its (unpacked) text. */
function memberKind(plan: MemberPlan, text: string, name: string): Exclude<ContentKind, 'binary'> | 'skip' {
  if (plan.read === 'skip') return 'skip';
  const sniffed = sniffKind(text, name);
  if (sniffed === 'binary') return 'skip';
  if (sniffed === 'audit' || sniffed === 'metrics') return sniffed;
  if (plan.read === 'log') return 'log';
  if (plan.read === 'resources') return sniffed === 'resources' || sniffResources(text, name) ? 'resources' : 'skip';
  if (sniffed === 'resources') return 'resources';
  return plan.logByName ? 'log' : 'skip';
}

/** Archives, which the archive reader opens itself, and hidden files: not listed as inputs. */
const UNLISTED_RE = /(?:^|\/)\.[^/]*$|\.(?:tar|tgz|zip|xz|bz2|zst|7z|gz)$/i;

/**
 * What a file that is not a log, a dump, metrics or an audit log is, for `inputs[].format`:
 * from its name, and its first bytes when read (NUL bytes: binary).
 */
export function otherFormat(name: string, head?: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  if (head !== undefined && head.includes('\u0000')) return 'binary';
  switch (ext) {
    case 'html':
    case 'htm':
      return 'html';
    case 'png': case 'jpg': case 'jpeg': case 'gif': case 'svg': case 'ico':
      return 'image';
    case 'pdf':
      return 'pdf';
    case 'css': case 'js':
      return 'web-asset';
    case 'so': case 'bin': case 'exe':
      return 'binary';
    case 'db': case 'sqlite':
      return 'database';
    case 'pprof': case 'pb':
      return 'profile';
    case 'der': case 'crt': case 'pem': case 'key': case 'p12':
      return 'certificate';
    case 'config': case 'conf': case 'cfg': case 'ini': case 'toml': case 'properties':
      return 'config';
    case 'json':
      return 'json';
    case 'yaml': case 'yml':
      return 'yaml';
  }
  if (head !== undefined && /^\s*<(?:!doctype html|html)/i.test(head)) return 'html';
  return 'text';
}

/**
 * Lists a member that is not read as a log, dump, metrics or audit file (HTML, a config, a
 * binary, an empty stderr capture): an input of kind `other`, whose lines are not log lines.
 */
export function* otherItems(display: string, rel: string, head: string | undefined, ctx: BundleContext): Generator<SourceItem> {
  if (UNLISTED_RE.test(rel)) return;
  const input = newInput(display, 'other');
  input.report.format = otherFormat(rel, head);
  ctx.inputs.push(input);
  yield { type: 'events', input, events: [] };
}

/** Lists the members an archive reader passed over unread (see BundleContext.notRead). */
export function* notReadItems(ctx: BundleContext): Generator<SourceItem> {
  if (ctx.notRead.length === 0) return;
  const pending = ctx.notRead.splice(0);
  for (const m of pending) yield* otherItems(m.display, m.rel, undefined, ctx);
}

async function drain(stream: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}

/** A resource dump read whole (up to RESOURCE_DOC_CAP), for the engine to parse with the bundle's "now". */
async function* resourceItems(stream: AsyncIterable<Buffer>, input: InputHandle, ctx: BundleContext): AsyncGenerator<SourceItem> {
  // Kept as bytes, decoded by whoever parses the dump (a worker): a real must-gather is about a
  // third YAML, in thousands of members, and decoding it here cost this thread the decoding,
  // the garbage collector's copying of the strings, and their copy into the worker's message.
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > RESOURCE_DOC_CAP) {
      input.report.problems.push(`resource document larger than ${formatBytes(RESOURCE_DOC_CAP)}: not parsed`);
      await drain(stream);
      yield { type: 'events', input, events: [] };
      return;
    }
    parts.push(chunk);
  }
  const item: ResourcesItem = { type: 'resources', input, bytes: Buffer.concat(parts, size) };
  if (ctx.now !== undefined) item.now = ctx.now;
  yield item;
}

const CONTAINER_MARK_RE = /^==== START logs for container (\S+) of pod (\S+)\/(\S+) ====$/;

/**
 * A `kubectl cluster-info dump` pod log (`NS/POD/logs.txt`) holds every container between
 * `==== START logs for container C of pod NS/POD ====` / `==== END … ====` markers: each
 * container becomes its own input (same file, its own origin `ns/pod/container`).
 */
async function* containerSplitItems(stream: AsyncIterable<Buffer>, base: InputHandle, ctx: BundleContext): AsyncGenerator<SourceItem> {
  let cur = base;
  const byContainer = new Map<string, InputHandle>();
  for await (const item of readLines(stream, base, ctx.signal)) {
    let seg: string[] = [];
    let segFirst = item.firstLine;
    for (let i = 0; i < item.lines.length; i++) {
      const line = item.lines[i]!;
      if (line.startsWith('==== ')) {
        const m = CONTAINER_MARK_RE.exec(line);
        if (m || line.startsWith('==== END logs for container ')) {
          if (seg.length) yield { type: 'lines', input: cur, lines: seg, firstLine: segFirst };
          seg = [];
          segFirst = item.firstLine + i + 1;
          if (m) {
            const origin = `${m[2]}/${m[3]}/${m[1]}`;
            let h = byContainer.get(origin);
            if (!h) {
              h = newInput(base.report.source, 'log', { origin, referenceYear: ctx.referenceYear });
              ctx.inputs.push(h);
              byContainer.set(origin, h);
            }
            cur = h;
          } else cur = base;
          continue;
        }
      }
      seg.push(line);
    }
    if (seg.length) yield { type: 'lines', input: cur, lines: seg, firstLine: segFirst };
  }
  // Make the file itself visible in inputs[] even when every line belonged to a container.
  if (base.report.truncatedLines || byContainer.size === 0) yield { type: 'events', input: base, events: [] };
}

// ---------------------------------------------------------------------------------------------
// Directory bundles

/** The files of a listing with their plans: container logs first, then the rest, each in listing order. */
function* ordered(listed: readonly TreeFile[]): Generator<{ file: TreeFile; rel: string; plan: MemberPlan }> {
  for (const logs of [true, false]) {
    for (const file of listed) {
      const rel = file.rel;
      const plan = planMember(rel);
      if ((plan.read === 'log') === logs) yield { file, rel, plan };
    }
  }
}

/**
 * A bundle directory as a source: a `clock` item first (from `timestamp` files, or the folder
 * name of a support bundle), then the bundle's own input, then every member's items. `tree` is
 * the bundle's file list when the caller has walked it already (openPaths does, to size the scan).
 */
export async function* bundleSource(dir: string, layout: BundleLayout, opts: BundleOptions = {}, tree?: readonly TreeFile[]): AsyncGenerator<SourceItem> {
  const ctx = newContext(dir, opts);
  ctx.bundle.report.format = layout.name;
  let listed = tree;
  if (!listed) {
    try {
      listed = walkTree(dir);
    } catch (err) {
      bundleProblem(ctx, `cannot list the bundle's files: ${describeError(err)}`);
      listed = [];
    }
  }
  for (const f of listed) if (f.unreadable !== undefined) bundleProblem(ctx, `${f.rel}: cannot read: ${f.unreadable}`);
  listed = listed.filter((f) => f.unreadable === undefined);
  let t: number | undefined = layout.nameTime;
  for (const { rel } of listed) {
    if (!isTimestampPath(rel)) continue;
    try {
      const v = parseTimestampFile(await readFile(join(dir, rel), 'utf8'));
      if (v !== undefined && (t === undefined || v > t)) t = v;
    } catch (err) {
      bundleProblem(ctx, `${rel}: cannot read the capture time: ${describeError(err)}`);
    }
  }
  if (t !== undefined) {
    setCaptureTime(ctx, t);
    yield { type: 'clock', now: t };
  }
  yield { type: 'events', input: ctx.bundle, events: [] };
  // Container logs first: on a large bundle the engine's workers read and parse them while this
  // thread goes on to the resource dumps and other members (must-gathers sort
  // cluster-scoped-resources/ and namespaces/*/core/*.yaml before the pod logs).
  // Two passes over the listing rather than a planned copy of it: a large bundle lists tens of
  // thousands of files, held for the whole read.
  for (const f of ordered(listed)) {
    if (ctx.signal?.aborted) return;
    const { rel, plan } = f;
    if (plan.read === 'skip') {
      // The capture time was read above; anything else is listed for what it is.
      if (!isTimestampPath(rel)) yield* otherItems(f.file.path, rel, undefined, ctx);
      continue;
    }
    const { path, size } = f.file;
    if (ctx.fileItems && plan.read === 'log' && !plan.containers) {
      // A plain container log goes to the engine's workers whole (see FileItem).
      const input = plainLogInput(path, rel, plan, ctx);
      if (input) {
        yield { type: 'events', input, events: [] };
        yield fileItem(path, size, input, ctx);
        continue;
      }
    }
    if (ctx.fileItems && size <= RESOURCE_DOC_CAP) {
      // A resource dump goes to the engine by path: the worker that parses it reads it.
      const item = resourceFileItem(path, rel, plan, ctx);
      if (item) {
        ctx.onBytes?.(size);
        yield item;
        continue;
      }
    }
    const whole = size <= SMALL_MEMBER_BYTES ? readSmall(path) : undefined;
    if (whole) {
      ctx.onBytes?.(whole.length);
      yield* safeMemberItems(path, rel, once(whole), ctx);
      continue;
    }
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    const onBytes = ctx.onBytes;
    const stream = onBytes ? countProgress(raw, onBytes) : (raw as AsyncIterable<Buffer>);
    try {
      yield* safeMemberItems(path, rel, stream, ctx);
    } finally {
      raw.destroy();
    }
  }
}

/**
 * Members up to this size are read whole and synchronously. Must-gathers hold thousands of small
 * files; opened, read and closed one await after another, their thread-pool round trips kept
 * this thread busy while the workers waited (see readHead). Larger members are streamed.
 */
const SMALL_MEMBER_BYTES = 256 << 10;

/** A small member's bytes, or undefined when it cannot be read (streaming it then reports why). */
function readSmall(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** memberItems for a file of a directory bundle: a LimitError (a gzipped file expanding too far) refuses that file only. */
async function* safeMemberItems(path: string, rel: string, stream: AsyncIterable<Buffer>, ctx: BundleContext): AsyncGenerator<SourceItem> {
  try {
    yield* memberItems(path, rel, stream, ctx);
  } catch (err) {
    bundleProblem(ctx, `${rel}: ${describeError(err)}`);
  }
}

/**
 * The start of a member of a directory bundle as text, or undefined when it is gzipped or cannot
 * be read (it is then read as a stream, which unpacks it or reports why).
 */
function plainHead(path: string): string | undefined {
  let head: Buffer;
  try {
    head = readHead(path);
  } catch {
    return undefined;
  }
  // Gzipped or CR-only files are read as streams (which unpack them or split CR line ends).
  return isGzip(head) || crLineEnds(head) ? undefined : head.toString('utf8');
}

/** A plain resource dump of a directory bundle as an item read where it is parsed, else undefined. */
function resourceFileItem(path: string, rel: string, plan: MemberPlan, ctx: BundleContext): ResourcesItem | undefined {
  const head = plainHead(path);
  if (head === undefined || memberKind(plan, head, rel) !== 'resources') return undefined;
  const input = newInput(path, 'resources', { referenceYear: ctx.referenceYear });
  ctx.inputs.push(input);
  const item: ResourcesItem = { type: 'resources', input, path };
  if (ctx.now !== undefined) item.now = ctx.now;
  return item;
}

/** The input for a container log that is plain text (not gzipped, not audit or metrics), else undefined. */
function plainLogInput(path: string, rel: string, plan: MemberPlan & { read: 'log' }, ctx: BundleContext): InputHandle | undefined {
  const head = plainHead(path);
  if (head === undefined || memberKind(plan, head, rel) !== 'log') return undefined;
  const input = newInput(path, 'log', { referenceYear: ctx.referenceYear, origin: plan.origin });
  ctx.inputs.push(input);
  return input;
}

async function* countProgress(stream: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of stream) {
    onBytes(c.length);
    yield c;
  }
}

/** Normalises an archive member name; returns the safe bundle-relative path or why it is refused. */
export function safeMemberPath(name: string): { path: string } | { refused: string } {
  if (name.includes('\u0000')) return { refused: 'name contains a NUL byte' };
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[A-Za-z]:/.test(n)) return { refused: 'absolute path' };
  const out: string[] = [];
  for (const seg of n.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return { refused: 'path escapes the archive root (..)' };
      out.pop();
    } else out.push(seg);
  }
  return { path: out.join('/') };
}

/** Whether a link target, from the member at `rel`, stays inside the archive (hard links are root-relative). */
export function linkStaysInside(rel: string, target: string, hard: boolean): boolean {
  const t = target.replace(/\\/g, '/');
  if (t.startsWith('/') || /^[A-Za-z]:/.test(t)) return false;
  const joined = hard ? t : posix.join(posix.dirname(rel), t);
  return !('refused' in safeMemberPath(joined)) && !posix.normalize(joined).startsWith('..');
}
