// Reading the small files a user names on the command line (--config, --baseline) without
// letting one of them hang or swamp the run: only a regular file is read (a FIFO, a device such
// as /dev/zero or a socket would block or never end), and only up to a size cap checked before
// and while reading. Every refusal is a UserError naming the file, the reason and what to try.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeError, UserError } from './errors.js';

/** What is being read, for messages: `config file`, `baseline`. */
export interface UserFileKind {
  what: string;
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What to try when the file is refused. */
  tryMessage: string;
}

/** The text of a regular file of at most `kind.maxBytes`; any other file is a UserError. */
export async function readUserFile(path: string, kind: UserFileKind): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new UserError(`cannot read ${kind.what} ${path}: ${openReason(err)}`, kind.tryMessage);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UserError(`cannot read ${kind.what} ${path}: ${notRegular(st)}, not a regular file`, kind.tryMessage);
    if (st.size > kind.maxBytes) {
      throw new UserError(`${kind.what} ${path} is ${sizeText(st.size)}, more than the ${sizeText(kind.maxBytes)} ctrlscope reads`, kind.tryMessage);
    }
    // Read one byte past the cap, in case the file grew since stat().
    const buf = Buffer.alloc(Math.min(kind.maxBytes, st.size) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > kind.maxBytes) throw new UserError(`${kind.what} ${path} grew past the ${sizeText(kind.maxBytes)} ctrlscope reads while it was being read`, kind.tryMessage);
    return buf.toString('utf8', 0, n);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${kind.what} ${path}: ${openReason(err)}`, kind.tryMessage);
  } finally {
    await handle.close();
  }
}

function notRegular(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device';
  if (st.isSocket()) return 'it is a socket';
  return 'it is a special file';
}

function openReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a regular file';
  return describeError(err);
}

function sizeText(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(n % (1 << 10) ? 1 : 0)} KiB`;
  return `${n} B`;
}
