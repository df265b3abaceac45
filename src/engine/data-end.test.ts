import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDataEnd, lastTime } from './data-end.js';

describe('the end of offline data', () => {
  it('is the latest time among the last lines', () => {
    const text = ['partial line cut by the tail read', 'time=2025-10-03T09:12:40Z level=info msg=a', 'time=2025-10-03T09:12:44Z level=info msg=b', 'time=2025-10-03T09:12:41Z level=info msg=c', ''].join('\n');
    expect(lastTime(text)).toBe(Date.parse('2025-10-03T09:12:44Z'));
    expect(lastTime('no time here\nnor here')).toBeUndefined();
  });

  it('of files is read from their tails; standard input is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-end-'));
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, Array.from({ length: 5000 }, (_, i) => `time=2025-10-03T09:${String(Math.floor(i / 100)).padStart(2, '0')}:00Z level=info msg=x${i}`).join('\n') + '\n');
    writeFileSync(b, 'time=2025-10-01T00:00:00Z level=info msg=old\n');
    expect(await findDataEnd([b, '-', a])).toEqual({ time: Date.parse('2025-10-03T09:49:00Z'), from: 'last-timestamp' });
  });

  it("of a must-gather is its capture time", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-end-mg-'));
    writeFileSync(join(dir, 'timestamp'), '2021-08-03 10:12:00.016988581 +0000 UTC m=+0.380233555\n2021-08-03 10:14:13.632418712 +0000 UTC m=+133.995663672\n');
    mkdirSync(join(dir, 'namespaces/demo/pods/gw-1/gw/gw/logs'), { recursive: true });
    mkdirSync(join(dir, 'cluster-scoped-resources'), { recursive: true });
    // A log line later than the capture time (clocks differ): the capture time still wins.
    writeFileSync(join(dir, 'namespaces/demo/pods/gw-1/gw/gw/logs/current.log'), '2021-08-03T11:00:00.000000000Z time=2021-08-03T11:00:00Z level=info msg=x\n');
    expect(await findDataEnd([dir])).toEqual({ time: Date.parse('2021-08-03T10:14:13.632Z'), from: 'capture-time' });
  });
});
