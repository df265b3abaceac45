// Opens the paths a user names (files, directories, archives, bundles, `-` for stdin) as one
// source. Paths that cannot be read at all are returned separately so the command can name
// them and exit 2 after analysing the rest.
import { access, constants, stat } from 'node:fs/promises';
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
  | { kind: 'stdin' } | { kind: 'file'; path: string; size: number } | { kind: 'archive'; path: string; size: number } | { kind: 'bundle'; path: string; size: number; layout: BundleLayout; files: TreeFile[] };

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
        else for (const f of files) plans.push(f.unreadable !== undefined ? { kind: 'unreadable', path: f.path, reason: f.unreadable } : await planFile(f.path, f.size));
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
