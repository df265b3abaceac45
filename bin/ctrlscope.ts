#!/usr/bin/env node
// Entry point of `ctrlscope` and `kubectl-ctrlscope`. The only place that turns errors into
// exit codes: a UserError (the user's to fix) exits 2 with what to try; anything else is a bug
// and exits 3 with where to report it. Never a stack trace for a user's mistake.
import { CommanderError } from 'commander';
import { buildProgram, type Io } from '../src/cli.js';
import { EXIT, UserError } from '../src/core/errors.js';

const ISSUES_URL = 'https://github.com/ctrlscope/ctrlscope/issues';

async function main(): Promise<number> {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, exitCode: 0 };
  // kubectl runs plugins as `kubectl-ctrlscope`; name the program the way the user typed it.
  const viaKubectl = /kubectl-ctrlscope(\.js)?$/.test(process.argv[1] ?? '');
  const program = buildProgram(io);
  if (viaKubectl) program.name('kubectl ctrlscope');
  program.hook('preAction', (_program, action) => {
    const name = action.name();
    followsForever = name === 'serve' || (name === 'watch' && !action.opts().once);
  });
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
    return internalError(undefined, err);
  }
}

/** Prints a bug report for an error that reached the top, and returns the exit code for it. */
function internalError(what: string | undefined, err: unknown): number {
  process.stderr.write(
    `ctrlscope: internal error: ${what ? `${what}: ` : ''}${err instanceof Error ? err.message : String(err)}\n` +
      `This is a bug in ctrlscope, not in your input. Please report it at ${ISSUES_URL}\n` +
      `with the command you ran and this trace:\n${err instanceof Error ? (err.stack ?? '') : ''}\n`,
  );
  return EXIT.internal;
}

// Until main() settles the run has not finished: any way out before that (an exception or a
// rejection nobody awaited, or an event loop that emptied while the analysis was still waiting
// on a stream that will never answer) is exit 3 with a message, never the default 0. A CI gate
// must not pass because the run ended early.
let settled = false;
process.exitCode = EXIT.internal;

// A closed pipe (`ctrlscope check … | head`) ends the output, not the run, and is not an error.
// A command that ends by itself (scan, check, watch --once, …) finishes with nothing more written
// and exits with its own code: a CI gate run as `check … -o json | head` with pipefail must still
// fail on its findings, not pass because its reader stopped reading. A command that follows for
// ever (watch, serve) has nobody left to show anything to and exits 0, as `tail -f | head` does.
let followsForever = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' && followsForever) process.exit(0);
});

process.on('uncaughtException', (err) => {
  process.exit(internalError('uncaught exception', err));
});
process.on('unhandledRejection', (err) => {
  process.exit(internalError('unhandled promise rejection', err));
});
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write(
    'ctrlscope: internal error: the run ended before the analysis finished (an input stopped answering); no result was produced.\n' +
      `This is a bug in ctrlscope, not in your input. Please report it at ${ISSUES_URL}\n` +
      'with the command you ran and the inputs it read (or their sizes and kinds).\n',
  );
  process.exitCode = EXIT.internal;
});

main().then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err) => {
    settled = true;
    process.exitCode = internalError(undefined, err);
  },
);
