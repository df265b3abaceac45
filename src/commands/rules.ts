// `ctrlscope rules export`: the detections as alerting and recording rules for Prometheus, the
// Prometheus Operator, Loki and VictoriaLogs (vmalert), plus the kube-state-metrics configuration
// the duplicate-cr metric rule needs, with the thresholds of the config file `check` reads.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { UserError } from '../core/errors.js';

/** Flags of `rules export`. */
export interface RulesExportFlags {
  output?: string;
  config?: string;
  runbookBase?: string;
  pendingMetrics?: string;
  selector?: string;
}

/** Registers `rules export`. */
export function register(program: Command, io: Io): void {
  const rules = program.command('rules').summary('export the detections as Prometheus, Loki or VictoriaLogs rules');
  rules
    .command('export')
    .summary('write alerting and recording rules to stdout')
    .description(
      'Write the four detections as rules for the engines a platform team already runs, with the ' +
        'thresholds of the same config file `ctrlscope check` reads. Metric rules read client-go ' +
        'workqueue metrics (workqueue_*), rest_client_requests_total, controller_runtime_reconcile_total, ' +
        'in-flight gauges, and for duplicate-cr the dedup keys kube-state-metrics exposes with the ' +
        'configuration of `-o kube-state-metrics`. Log rules read controller logs in Loki or VictoriaLogs. ' +
        'Every alert carries rule and severity labels, a summary, the remediation and a runbook_url.',
    )
    .option('-o, --output <format>', 'prometheus | prometheus-operator | kube-state-metrics | loki | vlogs', 'prometheus')
    .option('--config <file>', 'config file whose per-rule thresholds and dedup keys the rules use')
    .option('--runbook-base <url>', 'base URL of docs/rules.md for runbook_url annotations')
    .option('--pending-metrics <regex>', 'RE2 pattern of the in-flight gauges the stale-pending rule watches')
    .option('--selector <selector>', 'loki: LogQL stream selector (default {namespace=~".+"}); vlogs: a LogsQL stream filter')
    .addHelpText(
      'after',
      `
Examples:
  ctrlscope rules export > ctrlscope-rules.yaml && promtool check rules ctrlscope-rules.yaml
  ctrlscope rules export -o prometheus-operator --config ctrlscope.yaml | kubectl apply -f -
  ctrlscope rules export -o kube-state-metrics > crs-config.yaml   (--custom-resource-state-config-file)
  ctrlscope rules export -o loki --selector '{namespace="kubernaut-system"}'
  ctrlscope rules export -o vlogs > vmalert-vlogs.yaml             (vmalert -rule=… -datasource.url=<VictoriaLogs>)`,
    )
    .action(async (flags: RulesExportFlags) => {
      const { RULE_FORMATS, exportRules } = await import('../fleet/rules.js');
      const format = flags.output ?? 'prometheus';
      if (!(RULE_FORMATS as readonly string[]).includes(format)) {
        throw new UserError(`-o ${format}: unknown rules format`, `use one of: ${RULE_FORMATS.join(', ')}`);
      }
      const { loadConfig, EMPTY_CONFIG } = await import('../core/config.js');
      const config = flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG;
      const selector = flags.selector;
      io.stdout.write(
        exportRules(format as (typeof RULE_FORMATS)[number], {
          config,
          ...(flags.runbookBase !== undefined ? { runbookBase: flags.runbookBase } : {}),
          ...(flags.pendingMetrics !== undefined ? { pendingMetrics: flags.pendingMetrics } : {}),
          ...(selector !== undefined ? (format === 'vlogs' ? { vlogsFilter: selector } : { lokiSelector: selector }) : {}),
        }),
      );
    });
}
