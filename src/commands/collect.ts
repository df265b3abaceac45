// `ctrlscope collect -o bundle.tar.gz`: a must-gather-like bundle from a live cluster (watched
// resources, selected pods' logs, metrics, a timestamp) that `check` reads back, e.g. in CI.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { UserError } from '../core/errors.js';
import { addClusterFlags, clusterOptionsFrom, type RawClusterFlags } from '../sources/cluster/flags.js';

/** Flags of `collect`. */
export interface CollectFlags extends RawClusterFlags {
  output?: string;
}

/** Registers `collect`. */
export function register(program: Command, io: Io): void {
  const cmd = program
    .command('collect')
    .summary('write a bundle from a live cluster, for `check` (read-only)')
    .description(
      'List the watched resources (RemediationRequests, APIServices, ConfigMaps, Events, Leases, and ' +
        'any --resources CRD), read the logs of the --logs pods, scrape --metrics-url and --prometheus, ' +
        'and write them as a must-gather-like .tar.gz that `ctrlscope check` reads. Only reads the ' +
        'cluster (get, list, watch; plus SelfSubjectAccessReview to say which permissions are missing).',
    )
    .requiredOption('-o, --output <file>', 'archive to write (.tar.gz)');
  addClusterFlags(cmd).addHelpText(
    'after',
    `
Examples:
  ctrlscope collect -o bundle.tar.gz -n kubernaut-system --logs deploy/gateway
  ctrlscope collect -o bundle.tar.gz -A --resources widgets.v1.example.com --metrics-url http://localhost:8080/metrics
  ctrlscope check bundle.tar.gz                    analyse it (exit 1 on findings ≥ warning)`,
  );
  cmd.action(async (flags: CollectFlags) => {
    io.exitCode = await runCollect(flags, io);
  });
}

/** Validates the flags, collects, and prints a summary to stderr; returns the exit code. */
export async function runCollect(flags: CollectFlags, io: Io, extra: { kubeconfigOptions?: Record<string, unknown> } = {}): Promise<number> {
  const output = flags.output ?? '';
  if (!/\.(?:tar\.gz|tgz)$/.test(output)) throw new UserError(`-o ${output || '(missing)'}: collect writes a .tar.gz archive`, 'name the output like bundle.tar.gz');
  const opts = { ...clusterOptionsFrom(flags), ...extra, output };
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  try {
    const { collectBundle } = await import('../sources/cluster/collect.js');
    const sum = await collectBundle(opts, ac.signal, { onProgress: (m) => io.stderr.isTTY && io.stderr.write(`\r\x1b[K${m}`) });
    if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
    for (const p of sum.problems) io.stderr.write(`warning: ${p}\n`);
    io.stderr.write(`wrote ${sum.output}: ${sum.objects} objects, ${sum.logs} container logs, ${sum.metrics} metrics files\n`);
    io.stderr.write(`next: ctrlscope check ${sum.output}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSig);
  }
}
