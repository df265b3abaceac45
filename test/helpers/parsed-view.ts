// What the format tests compare: the parts of a parsed line a user relies on, as one object
// (time as ISO 8601; absent parts left out), so each test states the exact result of a real line.
import { parseLine } from '../../src/parsers/index.js';

/** The parsed view of one raw line (klog-style year-less times take 2026). */
export function view(line: string): Record<string, unknown> {
  const ev = parseLine(line, 1, { source: 't', referenceYear: 2026 });
  const v: Record<string, unknown> = { format: ev.format, wrapper: ev.wrapper, level: ev.level };
  if (ev.time !== undefined) v.time = new Date(ev.time).toISOString();
  if (ev.origin !== undefined) v.origin = ev.origin;
  if (ev.logger !== undefined) v.logger = ev.logger;
  if (ev.caller !== undefined) v.caller = ev.caller;
  v.message = ev.message;
  v.fields = ev.fields;
  return v;
}
