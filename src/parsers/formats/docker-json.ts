// Docker's json-file log driver (`/var/lib/docker/containers/<id>/<id>-json.log`): one JSON object
// per line, `{"log":"<the line>\n","stream":"stderr","time":"<RFC3339Nano>"}`. The line inside is
// unescaped and read in its own format; `time` is the wrapper's time.
import type { LineWrapper } from '../registry.js';
import { parseIso } from '../util.js';

/** `{"log":"…","stream":"…","time":"…"}`. */
export const wrapper: LineWrapper = {
  name: 'docker-json',
  priority: 5,
  first: (c) => c === 123,
  scan(s, p, end, w) {
    // `{"lo…`: one comparison refuses the zap and slog JSON records (`{"level"`, `{"time"`, …)
    if (s.charCodeAt(p + 3) !== 111 || !s.startsWith('{"log":"', p) || s.charCodeAt(end - 1) !== 125) return -1;
    let o: unknown;
    try {
      o = JSON.parse(p === 0 && end === s.length ? s : s.slice(p, end));
    } catch {
      return -1;
    }
    if (o === null || typeof o !== 'object') return -1;
    const rec = o as { log?: unknown; time?: unknown };
    if (typeof rec.log !== 'string') return -1;
    let text = rec.log;
    if (text.endsWith('\n')) text = text.slice(0, -1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    w.text = text;
    if (typeof rec.time === 'string') {
      w.tsText = rec.time;
      w.tsStart = 0;
    }
    return 0;
  },
  time: (s, i) => parseIso(s, i),
  nests: false,
  samples: [
    // grafana/loki:docs/clients/promtail/stages/json.md@99ee67f12f70aa0e32b5b47083f9eb6a84c75718
    '{"log":"log message\\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}',
  ],
};
