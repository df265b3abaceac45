// A real VictoriaLogs for the fleet tier: built from its Go module by test/fleet/go.mod (see
// `npm run test:fleet`), started on 127.0.0.1 with a temporary data directory, fed through its
// Loki-compatible push endpoint, and stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FLEET = dirname(fileURLToPath(import.meta.url));
export const VLOGS_BIN = join(FLEET, 'bin', 'victoria-logs');

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A running VictoriaLogs. */
export interface VictoriaLogs {
  url: string;
  /** Pushes lines of one stream, each with its time in epoch ms. */
  push(labels: Record<string, string>, entries: { ms: number; line: string }[]): Promise<void>;
  /** Evaluates a LogsQL stats query at `time` (epoch s), as vmalert does; returns the result series. */
  statsQuery(query: string, time: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/** Starts VictoriaLogs; throws with what to run when it was not built. */
export async function startVictoriaLogs(): Promise<VictoriaLogs> {
  if (!existsSync(VLOGS_BIN)) throw new Error(`${VLOGS_BIN} is missing: run \`npm run test:fleet\` (it builds VictoriaLogs first)`);
  const data = mkdtempSync(join(tmpdir(), 'ctrlscope-vlogs-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(VLOGS_BIN, [`-storageDataPath=${data}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`VictoriaLogs did not start: ${stderr.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async push(labels, entries) {
      for (let i = 0; i < entries.length; i += 5000) {
        const values = entries.slice(i, i + 5000).map((e) => [String(BigInt(Math.round(e.ms)) * 1_000_000n), e.line]);
        const r = await fetch(`${url}/insert/loki/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ streams: [{ stream: labels, values }] }) });
        if (!r.ok) throw new Error(`push: ${r.status} ${await r.text()}`);
      }
      await fetch(`${url}/internal/force_flush`);
    },
    async statsQuery(query, time) {
      const r = await fetch(`${url}/select/logsql/stats_query?${new URLSearchParams({ query, time: String(time) })}`);
      const body = (await r.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`stats_query ${query}: ${body.error ?? r.status}`);
      return body.data!.result;
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}
