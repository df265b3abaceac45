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

  it('starts without the HTTP stack: only watch and collect load the cluster client', () => {
    // Every command starts by loading the CLI; the cluster flags it registers must not pull in
    // the Kubernetes client (node:http, node:https, node:tls: about 10 ms of every start).
    const hook = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nLOADED "+process.moduleLoadList.join(",")))';
    for (const args of [['--help'], ['scan', '--help'], ['explain', 'queue-leak']]) {
      const r = spawnSync(process.execPath, ['--import', hook, bin, ...args], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const loaded = r.stderr.slice(r.stderr.lastIndexOf('LOADED ') + 7).split(',');
      expect(loaded).toContain('NativeModule fs');
      expect(loaded.filter((m) => /^NativeModule (?:http|https|tls)$/.test(m))).toEqual([]);
    }
  });
});
