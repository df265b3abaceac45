// syslog and journald: the header `MMM DD hh:mm:ss[.frac] host ident[pid]: ` of RFC 3164 and of
// journalctl's default `short` and `short-precise` outputs (optionally after an RFC 3164 `<PRI>`),
// RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`), and journalctl `short-iso` /
// `short-iso-precise` (`2021-09-14T14:05:52+0000 host ident[pid]: `, read as the `timestamp`
// wrapper followed by the host-and-ident header). The header is a wrapper: the line after it is
// detected like any other (kubelet writes klog behind it, machine-config-daemon logfmt and klog,
// others free text, which is `plain` with the header's time). journalctl's own lines
// (`-- Logs begin at … --`, `-- Reboot --`, `-- No entries --`, `-- Boot … --`) are the format
// `journald`.
//
// RFC 3164 and short(-precise) print no year: the parse context's reference year is used (a
// bundle's capture year, or a year the file's own timestamps give: see yearHint). The time is
// read as UTC, which is what must-gather and sosreport exports of journald hold.
import type { FieldValue } from '../../core/event.js';
import type { LineFormat, LineWrapper, WrapState } from '../registry.js';
import { L_UNKNOWN, d2, isDigit, parseIso, utcMs, type Ctx, type Parsed } from '../util.js';

/** Month number (1-12) of the three-letter English abbreviation at i, or -1. */
export function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      if (b === 97 && c === 110) return 1; // Jan
      if (b === 117 && c === 110) return 6; // Jun
      if (b === 117 && c === 108) return 7; // Jul
      return -1;
    case 70: // F
      return b === 101 && c === 98 ? 2 : -1; // Feb
    case 77: // M
      if (b === 97 && c === 114) return 3; // Mar
      if (b === 97 && c === 121) return 5; // May
      return -1;
    case 65: // A
      if (b === 112 && c === 114) return 4; // Apr
      if (b === 117 && c === 103) return 8; // Aug
      return -1;
    case 83: // S
      return b === 101 && c === 112 ? 9 : -1; // Sep
    case 79: // O
      return b === 99 && c === 116 ? 10 : -1; // Oct
    case 78: // N
      return b === 111 && c === 118 ? 11 : -1; // Nov
    case 68: // D
      return b === 101 && c === 99 ? 12 : -1; // Dec
  }
  return -1;
}

/**
 * End of an RFC 3164 timestamp `MMM DD hh:mm:ss[.frac]` at i (day space- or zero-padded), or -1.
 * Only the shape is checked; bsdTime validates the numbers.
 */
function bsdTimeEnd(s: string, i: number, end: number): number {
  if (end - i < 15 || monthAt(s, i) < 0 || s.charCodeAt(i + 3) !== 32) return -1;
  const d0 = s.charCodeAt(i + 4);
  if (!(d0 === 32 || isDigit(d0)) || !isDigit(s.charCodeAt(i + 5)) || s.charCodeAt(i + 6) !== 32) return -1;
  if (s.charCodeAt(i + 9) !== 58 || s.charCodeAt(i + 12) !== 58 || !isDigit(s.charCodeAt(i + 7)) || !isDigit(s.charCodeAt(i + 14))) return -1;
  let j = i + 15;
  if (s.charCodeAt(j) === 46) {
    j++;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
  }
  return j;
}

/** Epoch ms of `MMM DD hh:mm:ss[.frac]` at i in `year` (UTC), NaN if malformed. */
function bsdTime(s: string, i: number, year: number): number {
  const mo = monthAt(s, i);
  const d = s.charCodeAt(i + 4) === 32 ? s.charCodeAt(i + 5) - 48 : d2(s, i + 4);
  const h = d2(s, i + 7);
  const mi = d2(s, i + 10);
  const se = d2(s, i + 13);
  if (mo < 0 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  let ms = 0;
  if (s.charCodeAt(i + 15) === 46) {
    let k = 0;
    for (let j = i + 16; k < 3 && isDigit(s.charCodeAt(j)); j++, k++) ms = ms * 10 + (s.charCodeAt(j) - 48);
    ms *= k === 1 ? 100 : k === 2 ? 10 : 1;
  }
  return utcMs(year, mo, d, h, mi, se, ms);
}

/** Whether c may be part of a hostname or an ident (any printable ASCII but space, `[`, `:`). */
function isTagChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 91 && c !== 58;
}

/**
 * After the time: ` host ident[pid]: ` or (with `loose`) ` host ident: `, from j (at the space
 * after the time). Returns the inner line's start or -1.
 */
function hostAndTag(s: string, j: number, end: number, loose: boolean): number {
  if (s.charCodeAt(j) !== 32) return -1;
  j++;
  const h = j;
  while (j < end && s.charCodeAt(j) > 32 && s.charCodeAt(j) < 127) j++;
  if (j === h || j >= end || s.charCodeAt(j) !== 32) return -1;
  return tagAt(s, j + 1, end, loose);
}

/** `ident[pid]: ` (or, loose, `ident: `) at j; returns the inner line's start or -1. */
function tagAt(s: string, j: number, end: number, loose: boolean): number {
  const t = j;
  const lim = Math.min(end, j + 64);
  while (j < lim && isTagChar(s.charCodeAt(j))) j++;
  if (j === t || j >= end) return -1;
  let c = s.charCodeAt(j);
  if (c === 91) {
    const pid = ++j;
    while (j < end && isDigit(s.charCodeAt(j))) j++;
    if (j === pid || s.charCodeAt(j) !== 93) return -1;
    c = s.charCodeAt(++j);
  } else if (!loose) return -1;
  if (c !== 58) return -1;
  j++;
  if (j >= end) return end;
  return s.charCodeAt(j) === 32 ? j + 1 : -1;
}

/** End of `<PRI>` (1-3 digits) at p, or -1. */
function priEnd(s: string, p: number, end: number): number {
  if (s.charCodeAt(p) !== 60) return -1;
  let j = p + 1;
  while (j < end && j < p + 4 && isDigit(s.charCodeAt(j))) j++;
  return j > p + 1 && s.charCodeAt(j) === 62 ? j + 1 : -1;
}

/** An RFC 5424 field (non-space run) at j followed by a space: the index after the space, or -1. */
function field5424(s: string, j: number, end: number): number {
  const f = j;
  while (j < end && s.charCodeAt(j) !== 32) j++;
  return j === f || j >= end ? -1 : j + 1;
}

/** RFC 5424 after `<PRI>` at j (`1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]`): the message start, or -1; sets w.tsStart. */
function rfc5424(s: string, j: number, end: number, w: WrapState): number {
  if (s.charCodeAt(j) !== 49 || s.charCodeAt(j + 1) !== 32) return -1; // version 1
  const ts = j + 2;
  let k = field5424(s, ts, end);
  for (let n = 0; n < 4 && k >= 0; n++) k = field5424(s, k, end); // HOST APP PROCID MSGID
  if (k < 0) return -1;
  // STRUCTURED-DATA: `-` or one or more `[…]` elements (values quoted, `]` escaped).
  if (s.charCodeAt(k) === 45) k++;
  else {
    while (s.charCodeAt(k) === 91) {
      k++;
      while (k < end && s.charCodeAt(k) !== 93) {
        if (s.charCodeAt(k) === 34) {
          k++;
          while (k < end && s.charCodeAt(k) !== 34) k += s.charCodeAt(k) === 92 ? 2 : 1;
        }
        k++;
      }
      if (k >= end) return -1;
      k++;
    }
  }
  if (k < end && s.charCodeAt(k) !== 32) return -1;
  if (s.charCodeAt(ts) !== 45) w.tsStart = ts; // NILVALUE: no time
  return k < end ? k + 1 : end;
}

/** A syslog/journald header at the start of a line. */
export const syslogHeader: LineWrapper = {
  name: 'syslog',
  priority: 50,
  // `<PRI>`, or the month: Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec.
  first: (c) => c === 60 || c === 74 || c === 70 || c === 77 || c === 65 || c === 83 || c === 79 || c === 78 || c === 68,
  scan(s, p, end, w) {
    let j = p;
    if (s.charCodeAt(j) === 60) {
      j = priEnd(s, j, end);
      if (j < 0) return -1;
      if (isDigit(s.charCodeAt(j))) return rfc5424(s, j, end, w);
    }
    const te = bsdTimeEnd(s, j, end);
    if (te < 0) return -1;
    const inner = hostAndTag(s, te, end, true);
    if (inner < 0) return -1;
    w.tsStart = j;
    return inner;
  },
  time(s, i, ctx: Ctx) {
    return isDigit(s.charCodeAt(i)) ? parseIso(s, i) : bsdTime(s, i, ctx.referenceYear);
  },
  nests: false,
  samples: [
    // ../shared/real-data/must-gather-metal.tar.xz (openshift/must-gather-clean test/files @ cb2f7e58):
    // host_service_logs/masters/kubelet_service.log, journalctl short-precise with klog inside.
    'Sep 14 14:12:35.438391 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com hyperkube[1945]: I0914 14:12:35.438357    1945 server.go:440] "Kubelet version" kubeletVersion="v1.22.0-rc.0+75ee307"',
    // same bundle, host_service_logs/masters/NetworkManager_service.log.
    'Sep 14 14:05:52.301805 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com systemd[1]: Started Network Manager.',
    // RFC 3164 section 5.4, example 1 (with its <PRI>).
    '<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8',
    // RFC 5424 section 6.5, examples 1 and 3.
    '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \'su root\' failed for lonvick on /dev/pts/8',
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...',
  ],
};

/** journalctl `short-iso`: the host and ident after the `timestamp` wrapper's time. */
export const syslogAfterTimestamp: LineWrapper = {
  name: 'syslog',
  priority: 50,
  // A host name: letters first (digits would put this on every `--timestamps` line of zap console).
  first: (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90),
  scan(s, p, end) {
    // `host ident[pid]: ` (the pid required: free text after a timestamp is no syslog header)
    let j = p;
    while (j < end && j < p + 256 && s.charCodeAt(j) > 32 && s.charCodeAt(j) < 127) j++;
    if (j === p || j >= end || s.charCodeAt(j) !== 32) return -1;
    return tagAt(s, j + 1, end, false);
  },
  follows: ['timestamp'],
  claims: true,
  samples: [
    // journalctl -o short-iso and -o short-iso-precise output quoted in
    // https://github.com/systemd/systemd/pull/29134 (description, "Before:").
    '2023-09-08T17:20:30+0200 tarta r710_fan_controller.sh[20911]: Highest drive temperature: 43 Celcius.',
    '2023-09-08T17:20:30.655028+0200 tarta r710_fan_controller.sh[20911]: Highest drive temperature: 43 Celcius.',
  ],
};

export const wrappers: readonly LineWrapper[] = [syslogHeader, syslogAfterTimestamp];

/** journalctl's marker lines: `-- Logs begin at … --`, `-- Reboot --`, `-- No entries --`, `-- Boot <id> --`. */
export const format: LineFormat = {
  names: ['journald'],
  priority: 50,
  first: (c) => c === 45,
  bounded: true,
  detect(s, p, end) {
    if (end - p < 8 || s.charCodeAt(p + 1) !== 45 || s.charCodeAt(p + 2) !== 32) return -1;
    if (s.charCodeAt(end - 1) !== 45 || s.charCodeAt(end - 2) !== 45 || s.charCodeAt(end - 3) !== 32) return -1;
    const c = s.charCodeAt(p + 3);
    if (
      !(c === 76 && s.startsWith('Logs begin at ', p + 3)) &&
      !(c === 74 && s.startsWith('Journal begins at ', p + 3)) &&
      !(c === 82 && s.startsWith('Reboot', p + 3)) &&
      !(c === 78 && s.startsWith('No entries', p + 3)) &&
      !(c === 66 && s.startsWith('Boot ', p + 3))
    ) {
      return -1;
    }
    return L_UNKNOWN;
  },
  parse(s, p, end, out: Parsed) {
    out.message = s.slice(p + 3, end - 3);
    const fields: Record<string, FieldValue> = {};
    // `Logs begin at Tue 2021-09-14 14:02:58 UTC, end at Tue 2021-09-14 14:44:09 UTC.`
    const begin = s.indexOf(' at ', p);
    if (begin > 0 && begin < end) {
      const t = journalTime(s, begin + 4, end);
      if (!Number.isNaN(t)) {
        out.time = t;
        fields.begin = new Date(t).toISOString();
      }
      const e = s.indexOf(' at ', begin + 4);
      if (e > 0 && e < end) {
        const te = journalTime(s, e + 4, end);
        if (!Number.isNaN(te)) fields.end = new Date(te).toISOString();
      }
    }
    out.fields = fields;
  },
  message: (s, p, end) => s.slice(p + 3, end - 3),
  samples: [
    // must-gather-metal host_service_logs/masters/kubelet_service.log, lines 1 and 4.
    '-- Logs begin at Tue 2021-09-14 14:02:58 UTC, end at Tue 2021-09-14 14:44:09 UTC. --',
    '-- No entries --',
    // systemd journalctl(1) output between boots.
    '-- Reboot --',
  ],
};

/** `Tue 2021-09-14 14:02:58 UTC` at i (the weekday optional): epoch ms, NaN if not. */
function journalTime(s: string, i: number, end: number): number {
  let j = i;
  if (!isDigit(s.charCodeAt(j))) {
    const sp = s.indexOf(' ', j);
    if (sp < 0 || sp > j + 4 || sp >= end) return NaN;
    j = sp + 1;
  }
  if (end - j < 19) return NaN;
  return parseIso(s, j);
}

/**
 * A year the start of a file gives for its year-less times: journalctl's `-- Logs begin at Tue
 * 2021-09-14 …` marker, else the first RFC 3339 date in it. Undefined when it holds neither.
 */
export function yearHint(head: string): number | undefined {
  const m = /^-- (?:Logs begin|Journal begins) at \w+ (\d{4})-\d\d-\d\d /m.exec(head) ?? /(?:^|[\s"'=])((?:19|20)\d\d)-[01]\d-[0-3]\dT/m.exec(head);
  return m ? Number(m[1]) : undefined;
}
