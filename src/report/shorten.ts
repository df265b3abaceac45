// Fitting text to a width without losing what matters: evidence lines are shortened around
// their decisive token (an HTTP status, an error reason), and prose is wrapped at word
// boundaries. Pure.

/**
 * Tokens that decide what a log line means: HTTP statuses 4xx/5xx, Kubernetes reasons and
 * common network and TLS errors, `reason=`/`code=`/`status=` fields.
 */
const DECISIVE = new RegExp(
  [
    String.raw`(?<![\d.:/\w-])[45]\d\d(?![\d.:/\w-])`,
    String.raw`\b(?:Unauthorized|Forbidden|NotFound|Conflict|AlreadyExists|TooManyRequests|ServiceUnavailable|InternalError|Timeout|Expired|Invalid|BadRequest|ResourceVersionTooLarge)\b`,
    String.raw`\b(?:connection refused|connection reset|no such host|i/o timeout|deadline exceeded|context canceled|certificate (?:has expired|signed by unknown authority)|x509: [^"]{0,40}|EOF)\b`,
    String.raw`\b(?:reason|code|status|statusCode|error)[=:]\s*"?[\w.-]+`,
    String.raw`\b(?:count|pending|inflight|inFlight|in_flight|tracked|depth|retries|held)[=:]\s*\d+`,
  ].join('|'),
  'g',
);

/**
 * Shortens `text` to at most `max` characters. When the cut would drop a decisive token, the
 * line keeps its start and its end from that token on, with `…` between: `…bad status from
 * https://10.96.141.2…: 401` keeps the 401.
 */
export function shorten(text: string, max: number): string {
  // One line; a tab shows as one space, so that the width is the width on screen.
  const one = text.replace(/\r?\n/g, '⏎').replace(/\t/g, ' ');
  if (one.length <= max) return one;
  const cut = max - 1;
  let last: RegExpExecArray | undefined;
  for (const m of one.matchAll(DECISIVE)) if (m.index! + m[0].length > cut) last = m as RegExpExecArray;
  if (!last) return one.slice(0, cut) + '…';
  // Keep a little context before the token, the token whole, and what follows it up to a cap.
  const tokenEnd = last.index! + last[0].length;
  const tailMax = Math.max(16, Math.floor(max * 0.45));
  const tailStart = Math.max(0, Math.min(last.index! - 8, tokenEnd - tailMax));
  const tailEnd = Math.max(tokenEnd, tailStart + tailMax);
  const tail = tailEnd < one.length ? one.slice(tailStart, tailEnd) + '…' : one.slice(tailStart);
  const headLen = max - tail.length - 1;
  if (headLen < 8) return '…' + one.slice(last.index!, last.index! + max - 1);
  return one.slice(0, headLen) + '…' + tail;
}

/**
 * Wraps `text` to `width` columns at spaces, never inside a word (a word longer than the width
 * gets a line of its own). `indent` starts every line; `hang` every line after the first.
 */
export function wrap(text: string, width: number, indent = '', hang = indent): string[] {
  const words = text.split(/ +/);
  const out: string[] = [];
  let cur = indent;
  let empty = true;
  for (const w of words) {
    if (!w) continue;
    if (!empty && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = hang + w;
    } else {
      cur = empty ? cur + w : `${cur} ${w}`;
    }
    empty = false;
  }
  out.push(cur);
  return out;
}

/** `944173` → `944 173` (groups of three with a space, as the SI style writes them). */
export function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** The width text output wraps to: the terminal's columns when it is one, else 100. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = {}): number {
  const fromEnv = Number(env.COLUMNS);
  if (stream.isTTY && stream.columns && stream.columns >= 40) return stream.columns;
  if (Number.isInteger(fromEnv) && fromEnv >= 40) return fromEnv;
  return 100;
}
