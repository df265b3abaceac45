// How much log text an input is likely to hold, from its size on disk: the measure that decides
// whether a scan is worth running on worker threads. Shared by the early pool start (commands)
// and the scan itself (sources), so both decide alike.

/** Inputs holding at least this much text are parsed on worker threads. */
export const PARALLEL_FROM_BYTES = 64 << 20;

/** Compressed logs and bundles (.gz, .tgz, .zip, .xz) hold several times their size in text. */
export const COMPRESSED_WEIGHT = 8;

const COMPRESSED_RE = /\.(gz|tgz|zip|xz)$/i;

/** Likely text bytes behind a file of `size` bytes named `path`. */
export function workBytes(path: string, size: number, compressed = COMPRESSED_RE.test(path)): number {
  return compressed ? size * COMPRESSED_WEIGHT : size;
}
