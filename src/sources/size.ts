// How many bytes an input will give to the line stage, estimated without reading it: the size on
// disk, or for a compressed file what it unpacks to. The engine starts its worker threads by this
// figure (a 13 MB .tar.gz of a 100 MB must-gather is a 100 MB job), so it must be cheap: a look
// at the first bytes and, for gzip, at the 4-byte size its trailer records.
import { closeSync, openSync, readSync } from 'node:fs';

/** Assumed unpacked-to-packed ratio when the format does not record its size up front. */
const PACKED_RATIO = 4;

/** Names that may hold compressed data; other files count by their size without being opened. */
const PACKED_NAME_RE = /\.(?:gz|tgz|zip|xz|txz)$/i;

/**
 * The bytes `path` (of `size` bytes on disk) unpacks to: gzip's trailer size (ISIZE, the last
 * member's size modulo 4 GiB, used when it is not below the packed size), else PACKED_RATIO
 * times the size for gzip, zip and xz; the size itself for anything else or when unreadable.
 */
export function unpackedSize(path: string, size: number): number {
  if (!PACKED_NAME_RE.test(path) || size < 18) return size;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(6);
    readSync(fd, head, 0, 6, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const tail = Buffer.alloc(4);
      readSync(fd, tail, 0, 4, size - 4);
      const isize = tail.readUInt32LE(0);
      return isize >= size ? isize : size * PACKED_RATIO;
    }
    const zip = head[0] === 0x50 && head[1] === 0x4b;
    const xz = head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\u0000';
    return zip || xz ? size * PACKED_RATIO : size;
  } catch {
    return size; // the scan reports what is wrong with it
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
