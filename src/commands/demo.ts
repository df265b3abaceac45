// `ctrlscope demo`: replays a bundled, synthetic incident into the live dashboard, so the tool
// can be seen working without a cluster.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Io } from '../cli.js';
import { UserError } from '../core/errors.js';
import { useColor } from './options.js';

/** Wall-clock length of the replay at --speed 1. */
export const DEMO_MS = 6000;

/** Flags of `demo`. */
export interface DemoFlags {
  speed: string;
  once?: boolean;
  output: string;
  plain?: boolean;
}

/** Registers `demo`. */
export function register(program: Command, io: Io): void {
  program
    .command('demo')
    .summary('replay a bundled incident into the live dashboard (no cluster needed)')
    .description(
      'Replay samples/demo — a synthetic incident in real log formats (klog, zap JSON, slog text, ' +
        'controller-runtime console) plus a resource dump — into the dashboard, compressed to a few ' +
        'seconds. All four rules fire. The dashboard stays up after the replay until you press q.',
    )
    .option('--speed <factor>', 'replay speed: 1 plays the incident in about 6 s, 2 in 3 s; 0 without pauses', '1')
    .option('--once', 'replay without pauses, print the report (-o) and exit')
    .addOption(new Option('-o, --output <format>', 'report format for --once and plain mode').choices(['text', 'json']).default('text'))
    .option('--plain', 'plain reports instead of the dashboard, even on a terminal')
    .addHelpText('after', '\nKeys: ←→/tab panel · ↑↓ finding · enter open · e explain · / filter · p pause · esc back · q quit\n')
    .action(async (flags: DemoFlags) => {
      await runDemo(flags, io);
    });
}

/** Validates the flags and runs the replay. */
export async function runDemo(flags: DemoFlags, io: Io): Promise<void> {
  const speed = Number(flags.speed);
  if (!Number.isFinite(speed) || speed < 0) throw new UserError(`--speed '${flags.speed}' is not a speed`, 'give a factor such as 0.5, 1 or 4 (0 replays without pauses)');
  const durationMs = flags.once || speed === 0 ? 0 : DEMO_MS / speed;
  const [{ runLive }, { replayDir, demoDir }] = await Promise.all([import('../ui/live-service.js'), import('../sources/replay.js')]);
  const dir = demoDir();
  await runLive({
    start: ({ signal, onHealth }) => {
      const name = 'replay samples/demo';
      onHealth({ name, state: 'following', detail: `${durationMs / 1000}s` });
      let resolveReady!: () => void;
      const ready = new Promise<void>((r) => (resolveReady = r));
      const inner = replayDir(dir, { signal, durationMs, referenceYear: 2026, relativeTo: dir });
      async function* source() {
        try {
          yield* inner;
        } finally {
          onHealth({ name, state: 'ended', detail: 'replay done' });
          resolveReady();
        }
      }
      return { source: source(), ready };
    },
    meta: { mode: 'demo', context: 'demo (synthetic incident)', namespaces: ['kube-system', 'kubernaut-system', 'llm-serving', 'stream-proxy'] },
    once: Boolean(flags.once),
    settleMs: 0,
    output: flags.output,
    intervalMs: 1000,
    sampleMs: 250,
    plain: flags.plain,
    exitWhenEnded: true,
    colour: useColor(io.stdout, io.env),
    io,
  });
}
