// Builds the commander program from src/commands. Commands get an Io object instead of touching
// process.* directly, so they can be driven in-process by tests; bin/ctrlscope.ts wires the
// real process in and owns exit codes.
import { Command } from 'commander';
import { VERSION } from './core/version.js';
import * as check from './commands/check.js';
import * as explain from './commands/explain.js';
import * as scan from './commands/scan.js';
import * as collect from './commands/collect.js';
import * as watch from './commands/watch.js';
import * as demo from './commands/demo.js';
import * as rules from './commands/rules.js';
import * as serve from './commands/serve.js';

/** The process as a command sees it. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Exit code the command asks for (0 unless set). */
  exitCode: number;
}

/** A command module: adds itself to the program. */
export interface CommandModule {
  register(program: Command, io: Io): void;
}

const COMMANDS: CommandModule[] = [scan, check, watch, demo, collect, explain, rules, serve];

/** The whole CLI. */
export function buildProgram(io: Io): Command {
  const program = new Command('ctrlscope')
    .description(
      'Diagnose Kubernetes controller dynamics — workqueue leaks, duplicate custom resources, stale pending counters and reconcile bursts — from logs, bundles or a live cluster.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Set before the commands are added so they inherit it: bin/ctrlscope.ts maps the errors.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Examples:
  ctrlscope scan ./logs/ controller.log.gz         analyse log files and directories
  kubectl logs deploy/my-controller | ctrlscope scan -
  ctrlscope check must-gather.tar.gz -o sarif      CI gate: exit 1 on findings ≥ warning
  ctrlscope explain queue-leak                     what a rule means and how to fix it

Exit codes: 0 ok · 1 check found something at or above --fail-on · 2 usage or unreadable input · 3 bug`,
    );
  for (const c of COMMANDS) c.register(program, io);
  return program;
}
