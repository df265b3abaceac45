// The two kinds of failure the CLI knows: the user's (exit 2, with what to try) and ours (exit 3).
// bin/ctrlscope.ts is the only place that turns them into exit codes.

/** A problem the user can fix: bad flag, unreadable input. Exit code 2. */
export class UserError extends Error {
  /** What to try next, printed under the message. */
  readonly tryMessage?: string;
  constructor(message: string, tryMessage?: string) {
    super(message);
    this.name = 'UserError';
    this.tryMessage = tryMessage;
  }
}

/** A bug in ctrlscope: printed with where to report it. Exit code 3. */
export class BugError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BugError';
  }
}

/** Exit codes fixed by the contract. */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/** Short human text for an unknown thrown value (for `inputs[].problems`). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    // Node's fs errors already start with their code ("ENOENT: no such file or directory, …").
    return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
