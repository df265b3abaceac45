#!/usr/bin/env node
// Entry point of `ctrlscope` and `kubectl-ctrlscope`. The only place that turns errors into
// exit codes: a UserError (the user's to fix) exits 2 with what to try; anything else is a bug
// and exits 3 with where to report it. Never a stack trace for a user's mistake.
import { CommanderError } from 'commander';
import { buildProgram, type Io } from '../src/cli.js';
import { BugError, EXIT, UserError } from '../src/core/errors.js';

const ISSUES_URL = 'https://github.com/ctrlscope/ctrlscope/issues';

async function main(): Promise<number> {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, exitCode: 0 };
  // kubectl runs plugins as `kubectl-ctrlscope`; name the program the way the user typed it.
  const viaKubectl = /kubectl-ctrlscope(\.js)?$/.test(process.argv[1] ?? '');
  const program = buildProgram(io);
  if (viaKubectl) program.name('kubectl ctrlscope');
  try {
    await program.parseAsync(process.argv);
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UserError) {
      process.stderr.write(`ctrlscope: error: ${err.message}\n`);
      if (err.tryMessage) process.stderr.write(`  try: ${err.tryMessage}\n`);
      return EXIT.usage;
    }
    const bug = err instanceof BugError ? err : undefined;
    process.stderr.write(
      `ctrlscope: internal error: ${err instanceof Error ? err.message : String(err)}\n` +
        `This is a bug in ctrlscope, not in your input. Please report it at ${ISSUES_URL}\n` +
        `with the command you ran and this trace:\n${(bug ?? (err as Error))?.stack ?? ''}\n`,
    );
    return EXIT.internal;
  }
}

// A closed pipe (`ctrlscope scan … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ctrlscope: internal error: ${String(err)}\n`);
    process.exitCode = EXIT.internal;
  },
);
