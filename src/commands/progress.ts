// A one-line progress indicator on stderr for long scans, shown only when stderr is a TTY and
// cleared when the scan ends.
import type { Progress } from '../engine/run.js';

/** Starts a progress line; returns the callback to feed and a function that clears it. */
export function progressLine(stderr: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean): { onProgress?: (p: Progress) => void; done: () => void } {
  if (!enabled || !stderr.isTTY) return { done: () => {} };
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 200 || now - start < 500) return;
      last = now;
      shown = true;
      const mb = p.bytesRead / 1048576;
      const rate = mb / ((now - start) / 1000);
      const pct = p.totalBytes > 0 ? ` ${Math.min(100, (100 * p.bytesRead) / p.totalBytes).toFixed(0)}%` : '';
      stderr.write(`\r\x1b[2Kscanning…${pct} ${mb.toFixed(0)} MiB${p.totalBytes ? ` of ${(p.totalBytes / 1048576).toFixed(0)} MiB` : ''} (${rate.toFixed(0)} MiB/s)`);
    },
    done: () => {
      if (shown) stderr.write('\r\x1b[2K');
    },
  };
}
