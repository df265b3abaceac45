// Secrets in the lines a finding quotes, run through the built CLI (`npm run build` first) in
// every output format at once (stdout, --write FORMAT:FILE, --write-baseline): none survives,
// and --no-redact shows them as they are.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_EXAMPLES } from '../helpers/secrets.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/ctrlscope.js');
const LEAKING = readFileSync(join(ROOT, 'test/fixtures/check/apiservice-401-doubling.log'), 'utf8');

function ctrlscope(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, maxBuffer: 16 << 20 }, (err, stdout) => {
      const code = err ? ((err as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout });
    });
  });
}

const WITH_SECRETS = SECRET_EXAMPLES.filter((e) => e.secret !== '' && !e.input.includes('\n'));

let dir: string;
let log: string;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the e2e tests`);
  dir = await mkdtemp(join(tmpdir(), 'ctrlscope-redaction-'));
  // Each failure line of the leaking APIService carries one example at its end; the finding
  // quotes some of these lines (its evidence is capped). src/report/redaction.test.ts puts every
  // example into every format.
  let i = 0;
  const lines = LEAKING.split('\n').map((l) => (l.includes(' failed with: ') ? `${l} | ${WITH_SECRETS[i++ % WITH_SECRETS.length]!.input}` : l));
  log = join(dir, 'leaky.log');
  await writeFile(log, lines.join('\n'));
});

describe('secrets in quoted log lines', { timeout: 60_000 }, () => {
  it('are masked in every format check writes', async () => {
    const files = ['sarif', 'junit', 'markdown', 'json'].map((f) => [f, join(dir, `report.${f}`)] as const);
    const baseline = join(dir, 'baseline.json');
    const outputs: [string, string][] = [];
    for (const format of ['text', 'json']) {
      const args = ['check', log, '-o', format, ...(format === 'text' ? files.flatMap(([f, p]) => ['--write', `${f}:${p}`]) : ['--write-baseline', baseline])];
      const r = await ctrlscope(args);
      expect(r.code).toBe(1);
      outputs.push([`stdout ${format}`, r.stdout]);
    }
    for (const [f, p] of files) outputs.push([f, await readFile(p, 'utf8')]);
    outputs.push(['baseline', await readFile(baseline, 'utf8')]);
    // The evidence really quotes the lines that carry secrets.
    const evidence = (JSON.parse(outputs[1]![1]) as { findings: { evidence: { text: string }[] }[] }).findings[0]!.evidence.map((e) => e.text);
    expect(evidence.some((t) => t.includes(' | '))).toBe(true);
    for (const [name, text] of outputs) {
      const leaked = WITH_SECRETS.filter((e) => text.includes(e.secret) || text.includes(JSON.stringify(e.secret).slice(1, -1))).map((e) => e.detector);
      expect(leaked, name).toEqual([]);
    }
  });

  it('are shown as they are with --no-redact', async () => {
    const r = await ctrlscope(['check', log, '-o', 'json', '--no-redact']);
    const evidence = (JSON.parse(r.stdout) as { findings: { evidence: { text: string }[] }[] }).findings[0]!.evidence.map((e) => e.text);
    const quoted = evidence.filter((t) => t.includes(' | ')).map((t) => t.slice(t.indexOf(' | ') + 3));
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of quoted) expect(WITH_SECRETS.map((e) => e.input)).toContain(q);
  });
});
