// Opens the paths a user names (files, directories, archives, bundles, `-` for stdin) as one
// source. Paths that cannot be read at all are returned separately so the command can name
// them and exit 2 after analysing the rest.
import type { Dirent } from 'node:fs';
import { access, constants, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../core/errors.js';
import { unpackedSize } from './size.js';
import { archiveSource } from './archive.js';
import { bundleSource, detectBundle, type BundleLayout } from './bundle.js';
import { archiveType, fileSource, readHead, stdinSource, type ReadOptions } from './files.js';
import type { Source, SourceItem } from './types.js';
import { newInput } from './types.js';
import { walkTree, type TreeFile } from './walk.js';

/** A path that could not be read at all, and why. */
export interface Unreadable {
  path: string;
  reason: string;
}

/** The opened inputs: one source over all of them, the unreadable ones, and the bytes to read. */
export interface OpenedPaths {
  source: Source;
  unreadable: Unreadable[];
  /** Total on-disk bytes of the readable inputs (0 when unknown, e.g. stdin). */
  totalBytes: number;
  /** What those inputs unpack to, estimated (see unpackedSize): the work for the line stage. */
  workBytes: number;
}

type Plan =
  | { kind: 'unreadable'; path: string; reason: string }
  | { kind: 'stdin' } | { kind: 'file'; path: string; size: number } | { kind: 'archive'; path: string; size: number }
  | BundlePlan;
/** `files`: the bundle's listing, its `rel` paths relative to the bundle (absent: the bundle lists itself). */
type BundlePlan = { kind: 'bundle'; path: string; size: number; layout: BundleLayout; files?: TreeFile[] };

/** Resolves every path up front (so errors come before any output), then reads them in order. */
export async function openPaths(
  paths: readonly string[],
  options: ReadOptions & { stdin?: NodeJS.ReadableStream; trees?: ReadonlyMap<string, TreeFile[]> } = {},
): Promise<OpenedPaths> {
  const opts = { ...options };
  const unreadable: Unreadable[] = [];
  const plans: Plan[] = [];
  let totalBytes = 0;
  let workBytes = 0;
  for (const p of paths) {
    if (p === '-') {
      plans.push({ kind: 'stdin' });
      continue;
    }
    try {
      const st = await stat(p);
      await access(p, constants.R_OK);
      if (st.isDirectory()) {
        const files = opts.trees?.get(p) ?? walkTree(p);
        const size = files.reduce((n, f) => n + f.size, 0);
        totalBytes += size;
        workBytes += files.reduce((n, f) => n + unpackedSize(f.path, f.size), 0);
        const layout = await detectBundle(p);
        if (layout) plans.push({ kind: 'bundle', path: p, size, layout, files });
        else {
          // A folder that holds bundles (where a must-gather was unpacked, or several of them):
          // each is read as the bundle it is, the files beside them one by one.
          // The bundle is handed its part of this listing, not listed again.
          const nested = await bundlesIn(p);
          const bundles = new Map<string, BundlePlan>();
          for (const f of files) {
            const rel = f.rel;
            const slash = rel.indexOf('/');
            const b = slash > 0 ? nested.get(rel.slice(0, slash)) : undefined;
            if (b) {
              let plan = bundles.get(b.path);
              if (!plan) {
                bundles.set(b.path, (plan = { kind: 'bundle', path: b.path, size: 0, layout: b.layout, files: [] }));
                plans.push(plan);
              }
              plan.size += f.size;
              plan.files!.push(within(f, slash + 1));
              continue;
            }
            plans.push(f.unreadable !== undefined ? { kind: 'unreadable', path: f.path, reason: f.unreadable } : await planFile(f.path, f.size));
          }
        }
      } else if (st.isFile()) {
        totalBytes += st.size;
        workBytes += unpackedSize(p, st.size);
        plans.push(await planFile(p, st.size));
      } else {
        unreadable.push({ path: p, reason: 'not a regular file or directory' });
      }
    } catch (err) {
      unreadable.push({ path: p, reason: reasonOf(err) });
    }
  }
  async function* all(): AsyncGenerator<SourceItem> {
    for (const plan of plans) {
      if (opts.signal?.aborted) return;
      if (plan.kind === 'unreadable') yield unreadableItem(plan.path, plan.reason);
      else if (plan.kind === 'stdin') yield* stdinSource((opts.stdin ?? process.stdin) as never, opts);
      else if (plan.kind === 'file') yield* fileSource(plan.path, opts);
      else if (plan.kind === 'archive') yield* archiveSource(plan.path, opts);
      else yield* bundleSource(plan.path, plan.layout, opts, plan.files);
    }
  }
  return { source: all(), unreadable, totalBytes, workBytes };
}

/** Folders at most this many per directory are looked into for a bundle (see bundlesIn). */
const MAX_NESTED_LOOKS = 256;

/**
 * The bundles directly inside a directory that is not one itself: `ctrlscope scan .` where a
 * must-gather was unpacked (`must-gather.local.123/`, an archive's top folder), or a folder of
 * several bundles. Read as a plain folder, such a bundle lost its layout: no capture time (ages
 * counted from now), resource dumps read without the bundle's context.
 */
async function bundlesIn(dir: string): Promise<Map<string, { path: string; layout: BundleLayout }>> {
  const out = new Map<string, { path: string; layout: BundleLayout }>();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.filter((x) => x.isDirectory()).slice(0, MAX_NESTED_LOOKS)) {
    const path = join(dir, e.name);
    const layout = await detectBundle(path);
    if (layout) out.set(e.name, { path, layout });
  }
  return out;
}

/** A listed file seen from the folder `cut` characters into its `rel` (its path is the same). */
function within(f: TreeFile, cut: number): TreeFile {
  return {
    get path() {
      return f.path;
    },
    get rel() {
      return f.rel.slice(cut);
    },
    size: f.size,
    unreadable: f.unreadable,
  };
}

/**
 * A file or folder inside a directory the user named that cannot be read: listed as an input
 * of its own with the reason as its problem, the rest of the directory is analysed (the
 * contract's "partly unreadable input").
 */
function unreadableItem(path: string, reason: string): SourceItem {
  const input = newInput(path, 'log');
  input.report.problems.push(`cannot read: ${reason}`);
  return { type: 'events', input, events: [] };
}

async function planFile(path: string, size: number): Promise<Plan> {
  let head: Buffer;
  try {
    head = readHead(path, 1024);
  } catch {
    // Unreadable after all (permissions, removed meanwhile): the file source reports why.
    return { kind: 'file', path, size };
  }
  return (await archiveType(path, head)) ? { kind: 'archive', path, size } : { kind: 'file', path, size };
}

/** A user-facing reason for a failed stat/open. */
function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent of this path is not a directory';
  return describeError(err);
}
