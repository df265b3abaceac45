// The live-mode service in plain mode (not a TTY, CI set) over a finite source, with a preflight
// answer given as data: missing permissions go to stderr once, before the first report, and every
// report lists them as problems.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AccessReport } from '../engine/live.js';
import { newInput, type SourceItem } from '../sources/types.js';
import { runLive, type LiveIo } from './live-service.js';

function memIo(): { io: LiveIo; writes: [string, string][] } {
  const writes: [string, string][] = [];
  const sink = (name: string) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        writes.push([name, chunk.toString('utf8')]);
        cb();
      },
    });
  return { io: { stdout: sink('stdout'), stderr: sink('stderr'), stdin: new PassThrough(), env: { CI: 'true' } }, writes };
}

async function* oneLog(): AsyncGenerator<SourceItem> {
  const input = newInput('manager.log', 'log');
  yield { type: 'lines', input, lines: ['I1120 10:00:00.000000       1 controller.go:1] started'], firstLine: 1 };
}

const ACCESS: AccessReport = {
  blind: [{ panel: 'logs', verbs: ['get'], resource: 'pods/log', namespace: 'demo', rules: ['stale-pending'] }],
  problem: 'could not check permissions (SelfSubjectAccessReview failed: timeout); going on without knowing',
};
const LINES = [
  "missing permission: get pods/log in namespace demo; blind: logs (stale-pending). Fix: grant get on pods/log — see the README's minimal ClusterRole",
  'could not check permissions (SelfSubjectAccessReview failed: timeout); going on without knowing',
];

describe('runLive, plain mode', () => {
  it('says the missing permissions on stderr before the first report, and lists them in the report problems', async () => {
    const { io, writes } = memIo();
    await runLive({
      start: () => ({ source: oneLog(), ready: Promise.resolve() }),
      access: async () => ACCESS,
      meta: { mode: 'watch' },
      once: false,
      settleMs: 0,
      output: 'json',
      intervalMs: 0,
      plain: true,
      exitWhenEnded: true,
      colour: false,
      io,
    });
    const firstOut = writes.findIndex(([s]) => s === 'stdout');
    expect(writes.slice(0, firstOut)).toEqual(LINES.map((l) => ['stderr', `ctrlscope: warning: ${l}\n`]));
    expect(writes.filter(([s]) => s === 'stderr')).toHaveLength(2);
    const reports = writes.filter(([s]) => s === 'stdout').map(([, t]) => JSON.parse(t) as { problems?: string[] });
    expect(reports.length).toBeGreaterThan(0);
    for (const rep of reports) expect(rep.problems).toEqual(LINES);
  });

  it('a preflight that throws is said and the run goes on', async () => {
    const { io, writes } = memIo();
    await runLive({
      start: () => ({ source: oneLog(), ready: Promise.resolve() }),
      access: () => Promise.reject(new Error('socket hang up')),
      meta: { mode: 'watch' },
      once: true,
      settleMs: 0,
      output: 'json',
      intervalMs: 0,
      colour: false,
      io,
    });
    const problem = 'could not check permissions (socket hang up); going on without knowing';
    expect(writes.map(([s]) => s)).toEqual(['stderr', 'stdout']);
    expect(writes[0]![1]).toBe(`ctrlscope: warning: ${problem}\n`);
    expect((JSON.parse(writes[1]![1]) as { problems?: string[] }).problems).toEqual([problem]);
  });
});
