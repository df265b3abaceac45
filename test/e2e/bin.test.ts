// The installed command is the built file itself (npm links it, npx runs it): it must be
// executable and start on its own shebang, not only as `node dist/cli/ctrlscope.js`.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../dist/cli/ctrlscope.js');

describe('the ctrlscope executable', () => {
  it('is executable and runs by itself', () => {
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });
});
