// Entry point the commands import lazily: mounts the dashboard on the alternate screen, and
// restores the terminal on every way out (q, Ctrl-C, SIGTERM, a crash).
import React from 'react';
import { render } from 'ink';
import type { LiveSession } from '../engine/live.js';
import type { RunMeta } from './view-model.js';
import { App } from './App.js';

/** Leaves the alternate screen and shows the cursor. */
export const RESTORE = '\x1b[?1049l\x1b[?25h';
const ENTER = '\x1b[?1049h\x1b[H\x1b[2J';

/** How the dashboard is mounted. */
export interface DashboardOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Colour on (default: unless NO_COLOR is set). */
  colour?: boolean;
  /** Frames per second at most (default 10). */
  maxFps?: number;
  /** Use the alternate screen (default true). */
  alternateScreen?: boolean;
}

/** Whether colour is wanted: NO_COLOR (any non-empty value) turns it off. */
export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/**
 * Shows the live dashboard for `session` until the user quits. Resolves after the terminal is
 * restored.
 */
export async function runDashboard(session: LiveSession, meta: RunMeta, opts: DashboardOptions = {}): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const alt = opts.alternateScreen ?? true;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (alt) stdout.write(RESTORE);
  };
  if (alt) stdout.write(ENTER);
  const instance = render(<App session={session} meta={meta} colour={opts.colour ?? colourWanted()} />, {
    stdout,
    stdin: opts.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: opts.maxFps ?? 10,
  });
  const onSignal = () => instance.unmount();
  const onExit = () => restore();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('exit', onExit);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
    instance.cleanup();
    restore();
  }
}
