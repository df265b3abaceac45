// Joins CRI partial lines: the runtime splits a long line into `P` chunks ended by an `F` chunk,
// per stream. The joined line is the first chunk's header with the tag turned into `F`, then all
// chunk contents concatenated, numbered as the first chunk.
import { W_CRI, scanWrapper, wrap } from './registry.js';

interface Pending {
  head: string;
  body: string;
  line: number;
}

/**
 * Stateful joiner of CRI `P` lines. Feed every raw line, in order, to `push`: it returns the line
 * to parse (the input itself, or a joined line when an `F` completes a partial run), or undefined
 * while a partial run is being held. At end of input, `flush` returns runs that never got their
 * `F` line (joined as far as they went). Lines not starting with a digit pass straight through.
 */
export class CriJoiner {
  private stdout: Pending | undefined = undefined;
  private stderr: Pending | undefined = undefined;

  /** Whether a partial run is being held (its `F` line has not come yet). */
  get holding(): boolean {
    return this.stdout !== undefined || this.stderr !== undefined;
  }

  /** Feeds one raw line; returns the line to parse now, or undefined while holding a partial run. */
  push(raw: string, line: number): { raw: string; line: number } | undefined {
    const c = raw.charCodeAt(0);
    if (c < 48 || c > 57) return { raw, line };
    if (this.stdout === undefined && this.stderr === undefined) {
      // Fast path: only a `<ts> stdout P ` / `<ts> stderr P ` line can start a run.
      const sp = raw.indexOf(' ');
      if (sp < 0 || raw.charCodeAt(sp + 8) !== 80 || raw.charCodeAt(sp + 1) !== 115) return { raw, line };
    }
    let end = raw.length;
    if (end > 0 && raw.charCodeAt(end - 1) === 13) end--;
    const start = scanWrapper(raw, 0, end);
    if (wrap.kind !== W_CRI) return { raw, line };
    const isErr = raw.charCodeAt(start - 4) === 114 && raw.charCodeAt(start - 5) === 114; // "stderr P "
    const pending = isErr ? this.stderr : this.stdout;
    const content = raw.slice(start, end);
    if (wrap.partial) {
      if (pending === undefined) {
        const head = raw.slice(0, start - 2) + 'F ';
        const next: Pending = { head, body: content, line };
        if (isErr) this.stderr = next;
        else this.stdout = next;
      } else {
        pending.body += content;
      }
      return undefined;
    }
    if (pending === undefined) return { raw, line };
    if (isErr) this.stderr = undefined;
    else this.stdout = undefined;
    return { raw: pending.head + pending.body + content, line: pending.line };
  }

  /** Returns partial runs still held at end of input (in line order) and forgets them. */
  flush(): { raw: string; line: number }[] {
    const out: { raw: string; line: number }[] = [];
    for (const p of [this.stdout, this.stderr]) if (p !== undefined) out.push({ raw: p.head + p.body, line: p.line });
    this.stdout = undefined;
    this.stderr = undefined;
    out.sort((a, b) => a.line - b.line);
    return out;
  }
}
