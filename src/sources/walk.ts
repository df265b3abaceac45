// Lists the regular files under a directory once, for both sizing a scan and reading a bundle.
// Must-gathers nest every container log six folders deep (namespaces/NS/pods/POD/C/C/logs/), so
// a bundle of a few hundred logs has thousands of folders. Listed one await after another, each
// readdir's round trip through libuv's thread pool added up to most of a second on a 87 MB
// must-gather (2286 folders) while the workers waited; listed concurrently, 90-200 ms; listed
// synchronously, as here, 35 ms. Nothing else runs on this thread before the scan starts.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../core/errors.js';
import { compareText } from '../core/order.js';

/**
 * A regular file found by walkTree: its path, its path relative to the walked folder
 * ('/'-separated), its size. An entry with `unreadable` is a file or folder under the walked
 * folder that could not be listed or is not a regular file (a FIFO, a socket, a device): it is
 * reported as a problem of the input, and the rest is read.
 */
export interface TreeFile {
  readonly path: string;
  readonly rel: string;
  readonly size: number;
  /** Why this path cannot be read ("permission denied", "a named pipe, not a regular file"). */
  readonly unreadable?: string;
}

/** A folder met by walkTree: its path, and its path relative to the walked folder ('' for it). */
interface Folder {
  path: string;
  rel: string;
}

/**
 * A listed file, held compactly: its folder (shared by its siblings), its name and size. Its
 * `path` and `rel` are made when asked for. A must-gather of 600 MB lists tens of thousands of
 * files, and the listing lives as long as the scan: two full path strings per file (and the
 * flat copies a regular expression makes of concatenated ones) were most of the memory that grew
 * with a bundle's size.
 */
class Listed implements TreeFile {
  constructor(
    private readonly folder: Folder,
    private readonly name: string,
    readonly size: number,
  ) {}
  get path(): string {
    return join(this.folder.path, this.name);
  }
  get rel(): string {
    return this.folder.rel ? `${this.folder.rel}/${this.name}` : this.name;
  }
}

/**
 * Regular files under `dir`, depth-first in name order (by code unit, the same on every
 * machine); symbolic links are skipped, never followed. A folder or file below `dir` that cannot
 * be listed or sized, and a special file, is an entry with `unreadable` set; only a `dir` that
 * cannot be listed at all throws, as readdirSync does.
 */
export function walkTree(dir: string): TreeFile[] {
  const out: TreeFile[] = [];
  walkInto({ path: dir, rel: '' }, out, readdirSync(dir, { withFileTypes: true }));
  return out;
}

function walkInto(folder: Folder, out: TreeFile[], entries: Dirent[]): void {
  entries.sort((a, b) => compareText(a.name, b.name));
  for (const e of entries) {
    const path = join(folder.path, e.name);
    if (e.isDirectory()) {
      const r = folder.rel ? `${folder.rel}/${e.name}` : e.name;
      let children: Dirent[];
      try {
        children = readdirSync(path, { withFileTypes: true });
      } catch (err) {
        out.push({ path, rel: `${r}/`, size: 0, unreadable: `folder cannot be listed: ${reasonOf(err)}` });
        continue;
      }
      walkInto({ path, rel: r }, out, children);
    } else if (e.isFile()) {
      try {
        out.push(new Listed(folder, e.name, statSync(path).size));
      } catch (err) {
        out.push({ path, rel: folder.rel ? `${folder.rel}/${e.name}` : e.name, size: 0, unreadable: reasonOf(err) });
      }
    } else if (!e.isSymbolicLink()) {
      const what = e.isFIFO() ? 'a named pipe (FIFO)' : e.isSocket() ? 'a socket' : 'a device';
      out.push({ path, rel: folder.rel ? `${folder.rel}/${e.name}` : e.name, size: 0, unreadable: `${what}, not a regular file: skipped` });
    }
  }
}

/** A short reason for a failed readdir or stat. */
export function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory (removed while being read?)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return describeError(err);
}
