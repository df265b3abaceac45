// A log viewer's table pasted as text: a collector's time, then columns separated by ` | ` (a
// node, a pod or container, a stream), then the log line itself, as Grafana, Kibana and other
// log UIs export rows and as people paste them into issues (often as a Markdown table, newest
// row first):
//   `2020-05-18T08:10:03.097Z | pool-pk55kk4qf-984d | cert-manager-controller | I0518 08:10:03.095617 …`
// The time is the `timestamp` wrapper's; this wrapper follows it, takes one to four columns of
// single words, and only when what follows them starts a log record (a klog header, a JSON
// record, a time stamp, logfmt's `time=`/`level=`): a message that merely holds ` | ` is never
// split. The last column (usually the container or the app) is the line's origin.
import type { LineWrapper } from '../registry.js';
import { isDigit } from '../util.js';
import { isoEnd } from '../stamp.js';

/** Whether s[i..] starts a log record: klog's `Lmmdd hh:`, a JSON record, an RFC 3339 stamp, logfmt's time or level. */
function startsRecord(s: string, i: number, end: number): boolean {
  if (i >= end) return false;
  const c = s.charCodeAt(i);
  if (c === 123) return s.charCodeAt(i + 1) === 34;
  if (isDigit(c)) return s.charCodeAt(i + 10) === 84 && isoEnd(s, i, end) > 0;
  if ((c === 73 || c === 87 || c === 69 || c === 70) && end - i > 9) {
    return isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 4)) && s.charCodeAt(i + 5) === 32 && s.charCodeAt(i + 8) === 58;
  }
  return s.startsWith('time=', i) || s.startsWith('level=', i) || s.startsWith('ts=', i);
}

/** `| col | col | <line>` after the collector's time. */
export const wrapper: LineWrapper = {
  name: 'log-table',
  priority: 36,
  first: (c) => c === 124,
  follows: ['timestamp'],
  claims: true,
  scan(s, p, end, w) {
    if (s.charCodeAt(p + 1) !== 32) return -1;
    let j = p + 2;
    let colStart = -1;
    let colEnd = -1;
    for (let cols = 0; cols < 4; cols++) {
      const k = j;
      while (j < end && j - k < 253) {
        const c = s.charCodeAt(j);
        if (c === 32 || c === 9 || c === 124) break;
        j++;
      }
      if (j === k || s.charCodeAt(j) !== 32 || s.charCodeAt(j + 1) !== 124 || s.charCodeAt(j + 2) !== 32) return -1;
      colStart = k;
      colEnd = j;
      j += 3;
      if (startsRecord(s, j, end)) {
        w.nameStart = colStart;
        w.nameEnd = colEnd;
        return j;
      }
    }
    return -1;
  },
  samples: [
    // https://github.com/cert-manager/cert-manager/issues/2601 (comment by sambhav-gore, turn 10): a log
    // viewer's rows (time | node | container | line) pasted as a Markdown table.
    '2020-05-18T08:10:03.097Z | pool-pk55kk4qf-984d | cert-manager-controller | I0518 08:10:03.095223       1 controller.go:144] cert-manager/controller/certificates "msg"="finished processing work item" "key"="default/dada-card.com"',
  ],
};
