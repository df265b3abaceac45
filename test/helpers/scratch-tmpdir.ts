// Vitest global setup: every test run gets its own temporary directory (TMPDIR, which
// os.tmpdir() and the CLI processes the e2e tests start both honour), removed when the run ends.
// Tests make their scratch files with mkdtemp under it and need no cleanup of their own, and a
// developer's or CI runner's /tmp does not fill up with test logs and bundles run after run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-test-'));
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
