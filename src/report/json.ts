// The JSON reporter: the contract's schemaVersion 1 document, pretty-printed.
import type { Report } from '../core/finding.js';

/** Renders the report as the contract's JSON. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** Text handed out at a time by renderJsonChunks (a few input entries). */
const CHUNK_CHARS = 64 << 10;

/**
 * renderJson's text in pieces, each of the report's values (and each entry of its arrays)
 * passed through `each` first (redaction) and turned to text when its turn comes. The report of
 * a must-gather lists every file read, megabytes of JSON: as one string, redacted as a whole
 * copy of the report and then encoded for writing, it was held three times over at the end of
 * the scan.
 */
export function* renderJsonChunks(report: Report, each: <T>(value: T) => T = (v) => v): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  let out = '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    out += `  ${JSON.stringify(k)}: `;
    if (Array.isArray(v) && v.length > 0 && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      out += '[\n';
      for (let j = 0; j < v.length; j++) {
        const text = JSON.stringify(each(v[j]), null, 2) ?? 'null';
        out += `    ${text.replaceAll('\n', '\n    ')}${j < v.length - 1 ? ',' : ''}\n`;
        if (out.length >= CHUNK_CHARS) {
          yield out;
          out = '';
        }
      }
      out += '  ]';
    } else {
      out += JSON.stringify(each(v), null, 2).replaceAll('\n', '\n  ');
    }
    out += i < entries.length - 1 ? ',\n' : '\n}\n';
  }
  yield out;
}
