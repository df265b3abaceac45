// `ctrlscope check PATH...`: the CI gate. Analyses like `scan`, then applies the config file's
// suppressions and per-rule thresholds and an optional baseline, prints the report in the chosen
// format and exits 1 when a finding at or above the threshold remains.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Io } from '../cli.js';
import { describeError, EXIT, UserError } from '../core/errors.js';
import type { Severity } from '../core/finding.js';
import { RULE_IDS } from '../analyzers/index.js';
import { addAnalysisFlags, addPrefilterFlag, parseRules, parseWindow, useColor, type AnalysisFlags } from './options.js';
import { analyzeInputs, nothingRead, unreadableError } from './analyze.js';

/** Output formats of `check`. */
export const CHECK_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;

/** Flags of `check` on top of the shared analysis flags. */
export interface CheckFlags extends AnalysisFlags {
  failOn?: Severity;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  write?: string[];
  failOnBlind?: boolean;
}

/** Registers `check`. */
export function register(program: Command, io: Io): void {
  const cmd = program
    .command('check')
    .summary('CI gate: exit 1 when a finding reaches the fail threshold')
    .description(
      'Analyse inputs like `scan`, then apply the config file (per-rule options and thresholds, ' +
        'suppressions with a reason and an expiry) and an optional baseline report, and exit 1 when a ' +
        'finding at or above --fail-on remains. Reports as text, JSON, SARIF 2.1.0, JUnit XML or Markdown.',
    )
    .argument('<path...>', 'files, directories, archives, bundles, or - for standard input');
  addPrefilterFlag(addAnalysisFlags(cmd, CHECK_FORMATS, true))
    .option('--brief', 'text output: one block of at most six lines per finding, for incident channels')
    .option('--fail-on-blind', 'also fail when a rule saw none of its inputs (status no-data, blind, disconnected or syncing), so that a check of the wrong files cannot pass')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the check (default: the config file’s failOn, else warning)').choices(['critical', 'warning', 'info']))
    .option('--config <file>', 'config file: per-rule options and thresholds, suppressions (see docs/config.md)')
    .option('--baseline <file>', 'JSON report of an earlier run: fail only on findings that are not in it (by id)')
    .option('--write-baseline <file>', 'also write this run’s JSON report to FILE, to use later as --baseline')
    .option('--write <format:file>', 'also write the report in FORMAT to FILE (repeatable), e.g. sarif:ctrlscope.sarif', collect, [])
    .addHelpText(
      'after',
      `
Examples:
  ctrlscope check must-gather/                                   text report, exit 1 on warnings or worse
  ctrlscope check must-gather.tar.gz --fail-on critical -o sarif > ctrlscope.sarif
  ctrlscope check logs/ --config ctrlscope.yaml --baseline baseline.json \\
      --write sarif:ctrlscope.sarif --write markdown:summary.md
  ctrlscope check logs/ --write-baseline baseline.json           record today's findings as accepted
  ctrlscope check must-gather/ --fail-on-blind --since 2h        fail too if a rule had nothing to read

Coverage: every report says what each rule saw. A rule that saw none of its inputs is reported
as no-data (blind: a permission is missing; disconnected; syncing) and named in the verdict line;
with --fail-on-blind it fails the check. In JUnit it is a skipped test, not a passed one.
--since 2h counts back from the end of the data (the bundle's capture time, else the last
timestamp read), and the report says how much it excluded.

Exit codes: 0 nothing at or above the threshold (after suppressions and baseline),
1 at least one finding at or above it (or, with --fail-on-blind, a rule that saw nothing), 2 usage error, bad config or a path that could not be read.`,
    );
  cmd.action(async (paths: string[], flags: CheckFlags) => {
    io.exitCode = await runCheck(paths, flags, io);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Splits `--write FORMAT:FILE` values, rejecting unknown formats. */
export function parseWrites(values: readonly string[]): { format: (typeof CHECK_FORMATS)[number]; file: string }[] {
  return values.map((v) => {
    const i = v.indexOf(':');
    const format = v.slice(0, i) as (typeof CHECK_FORMATS)[number];
    const file = v.slice(i + 1);
    if (i < 1 || !file || !CHECK_FORMATS.includes(format)) {
      throw new UserError(`--write '${v}' is not FORMAT:FILE`, `use one of ${CHECK_FORMATS.join(', ')} before the colon, e.g. --write sarif:ctrlscope.sarif`);
    }
    return { format, file };
  });
}

/** Runs the gate and writes its outputs; returns the exit code. */
export async function runCheck(paths: string[], flags: CheckFlags, io: Io): Promise<number> {
  // Everything the user can get wrong is checked before any input is read.
  const chosenRules = parseRules(flags.rules);
  const window = parseWindow(flags);
  const writes = parseWrites(flags.write ?? []);
  const [{ loadConfig, EMPTY_CONFIG, disabledRules, ruleOptionsOf }, gate] = await Promise.all([
    import('../core/config.js'),
    import('../engine/gate.js'),
  ]);
  const config = flags.config ? await loadConfig(flags.config) : EMPTY_CONFIG;
  const baseline = flags.baseline ? await gate.loadBaseline(flags.baseline) : undefined;
  const failOn: Severity = flags.failOn ?? config.failOn ?? 'warning';
  const off = new Set(disabledRules(config));
  const rules = chosenRules ?? RULE_IDS.filter((r) => !off.has(r));

  const { report, unreadable, loaded } = await analyzeInputs(
    paths,
    io,
    { rules, ...window, ruleOptions: ruleOptionsOf(config), redact: flags.redact !== false, prefilter: flags.prefilter !== false },
    () => Promise.all([import('../report/index.js'), import('../report/shorten.js')]),
  );
  const [{ renderReport, renderReportChunks }, { outputWidth }] = loaded;
  const redact = flags.redact !== false;

  const checked = gate.applyGate(report, { failOn, rules, config, baseline, now: Date.now(), failOnBlind: flags.failOnBlind });
  if (flags.writeBaseline) await writeOut(flags.writeBaseline, renderReport('json', checked, { redact }), 'baseline');
  for (const w of writes) await writeOut(w.file, renderReport(w.format, checked, { failOn, redact }), `${w.format} report`);
  const opts = { color: useColor(io.stdout, io.env), failOn, redact, width: outputWidth(io.stdout, io.env), brief: flags.brief };
  for (const chunk of renderReportChunks(flags.output ?? 'text', checked, opts)) io.stdout.write(chunk);
  for (const p of checked.problems ?? []) if (p.startsWith('suppression at ')) io.stderr.write(`ctrlscope: warning: ${p}\n`);
  const missing = [...unreadable, ...nothingRead(checked)];
  if (missing.length) {
    // The gate did not see every input: that is not a pass, whatever the findings.
    io.stderr.write(`ctrlscope: error: ${unreadableError(missing).message}\n`);
    io.stderr.write(`${gate.verdictLine(checked)}; but ${missing.length} input${missing.length === 1 ? '' : 's'} could not be read, so the check exits 2\n`);
    return EXIT.usage;
  }
  io.stderr.write(gate.verdictLine(checked) + '\n');
  return gate.exitCodeOf(checked);
}

async function writeOut(file: string, content: string, what: string): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (err) {
    throw new UserError(`cannot write ${what} to ${file}: ${describeError(err)}`, 'check that the directory exists and is writable');
  }
}
