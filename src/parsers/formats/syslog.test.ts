// syslog / journald headers as a wrapper, with the inner format read behind them, journalctl's
// marker lines, and the year for times that print none. Real lines: ../shared/real-data/
// must-gather-metal.tar.xz (openshift/must-gather-clean test/files/must-gather-metal.tar.xz @
// cb2f7e580bde628058a2f14b9ea1033ba3804c5b, host_service_logs/masters/*.log, journalctl
// short-precise), RFC 3164 §5.4 and RFC 5424 §6.5 examples, and journalctl short-iso output
// quoted in https://github.com/systemd/systemd/pull/29134.
import { describe, expect, it } from 'vitest';
import { detectLine, parseLine } from '../index.js';
import { yearHint } from './syslog.js';

const opts = { source: 'kubelet_service.log', referenceYear: 2021 };

describe('syslog / journald', () => {
  it('kubelet behind journalctl short-precise: the klog line inside is read, with the header as wrapper', () => {
    const raw = 'Sep 14 14:12:35.438391 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com hyperkube[1945]: I0914 14:12:35.438357    1945 server.go:440] "Kubelet version" kubeletVersion="v1.22.0-rc.0+75ee307"';
    expect(detectLine(raw)).toEqual({ format: 'klog', wrapper: 'syslog', level: 'info' });
    const ev = parseLine(raw, 7, opts);
    expect([ev.time, ev.message, ev.caller, ev.fields]).toEqual([
      Date.UTC(2021, 8, 14, 14, 12, 35, 438), 'Kubelet version', 'server.go:440', { kubeletVersion: 'v1.22.0-rc.0+75ee307' },
    ]);
  });

  it('logfmt behind the header (crio, machine-config-daemon); free text is plain with the header time', () => {
    const crio = parseLine('Sep 14 14:12:34.800795 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com crio[1907]: time="2021-09-14T14:12:34Z" level=warning msg="Failed to decode the keys [\\"storage.options.override_kernel_check\\"] from \\"/etc/containers/storage.conf\\"."', 1, opts);
    expect([crio.format, crio.wrapper, crio.level, crio.message]).toEqual([
      'logfmt', 'syslog', 'warning', 'Failed to decode the keys ["storage.options.override_kernel_check"] from "/etc/containers/storage.conf".',
    ]);
    // The header's microsecond time refines logfmt's whole-second one (same second).
    expect(crio.time).toBe(Date.UTC(2021, 8, 14, 14, 12, 34, 800));
    const sd = parseLine('Sep 14 14:05:52.301805 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com systemd[1]: Started Network Manager.', 2, opts);
    expect([sd.format, sd.wrapper, sd.level, sd.time, sd.message]).toEqual(['plain', 'syslog', 'unknown', Date.UTC(2021, 8, 14, 14, 5, 52, 301), 'Started Network Manager.']);
    const ovs = parseLine('Sep 14 14:05:52.197149 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com ovs-vswitchd[1994]: ovs|00001|dns_resolve|WARN|Failed to read /etc/resolv.conf: No such file or directory', 3, opts);
    expect([ovs.format, ovs.wrapper, ovs.message]).toEqual(['plain', 'syslog', 'ovs|00001|dns_resolve|WARN|Failed to read /etc/resolv.conf: No such file or directory']);
  });

  it('the year comes from the parse options (a bundle capture year); none is read from the line', () => {
    const raw = 'Sep 14 14:05:52.301805 master-2.ci-ln-xj8t7ct-86010.origin-ci-int-aws.dev.rhcloud.com systemd[1]: Started Network Manager.';
    expect(parseLine(raw, 1, { source: 'x', referenceYear: 2023 }).time).toBe(Date.UTC(2023, 8, 14, 14, 5, 52, 301));
  });

  it('yearHint: the journal marker, else the first RFC 3339 date of the head', () => {
    expect(yearHint('-- Logs begin at Tue 2021-09-14 14:02:58 UTC, end at Tue 2021-09-14 14:44:09 UTC. --\nSep 14 …')).toBe(2021);
    expect(yearHint('Sep 14 14:07:01.196616 m crio[1]: time="2021-09-14T14:07:01Z" level=warning')).toBe(2021);
    expect(yearHint('Sep 14 14:05:52.301805 master-2 systemd[1]: Started Network Manager.')).toBeUndefined();
  });

  it('journalctl markers are lines of the format journald; the begin time is the marker time', () => {
    const m = parseLine('-- Logs begin at Tue 2021-09-14 14:02:58 UTC, end at Tue 2021-09-14 14:44:09 UTC. --', 1, opts);
    expect([m.format, m.wrapper, m.time, m.message, m.fields]).toEqual([
      'journald', 'none', Date.UTC(2021, 8, 14, 14, 2, 58), 'Logs begin at Tue 2021-09-14 14:02:58 UTC, end at Tue 2021-09-14 14:44:09 UTC.',
      { begin: '2021-09-14T14:02:58.000Z', end: '2021-09-14T14:44:09.000Z' },
    ]);
    for (const raw of ['-- No entries --', '-- Reboot --']) expect(detectLine(raw).format).toBe('journald');
    // Not markers: a YAML document separator, a dashed rule, an SQL comment.
    for (const raw of ['---', '-- --', '-- select 1', '------------------']) expect(detectLine(raw).format).not.toBe('journald');
  });

  it('RFC 3164 with <PRI>, RFC 5424 with and without structured data', () => {
    const bsd = parseLine("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", 1, { source: 'x', referenceYear: 2003 });
    expect([bsd.wrapper, bsd.format, bsd.time, bsd.message]).toEqual(['syslog', 'plain', Date.UTC(2003, 9, 11, 22, 14, 15), "'su root' failed for lonvick on /dev/pts/8"]);
    const r1 = parseLine("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8", 1, opts);
    expect([r1.wrapper, r1.format, r1.time, r1.message]).toEqual(['syslog', 'plain', Date.UTC(2003, 9, 11, 22, 14, 15, 3), "'su root' failed for lonvick on /dev/pts/8"]);
    const r3 = parseLine('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...', 1, opts);
    expect([r3.wrapper, r3.message]).toEqual(['syslog', 'An application event log entry...']);
  });

  it('journalctl short-iso and short-iso-precise (zone as +hhmm): timestamp, then host and ident', () => {
    const a = parseLine('2023-09-08T17:20:30+0200 tarta r710_fan_controller.sh[20911]: Highest drive temperature: 43 Celcius.', 1, opts);
    expect([a.wrapper, a.format, a.time, a.message]).toEqual(['syslog', 'plain', Date.UTC(2023, 8, 8, 15, 20, 30), 'Highest drive temperature: 43 Celcius.']);
    const b = parseLine('2023-09-08T17:20:30.655028+0200 tarta r710_fan_controller.sh[20911]: Highest drive temperature: 43 Celcius.', 1, opts);
    expect([b.wrapper, b.time]).toEqual(['syslog', Date.UTC(2023, 8, 8, 15, 20, 30, 655)]);
  });

  it('near misses stay what they were: free text after --timestamps is no syslog header without [pid]', () => {
    // must-gather-metal pod log lines behind --timestamps.
    expect(detectLine('2021-09-14T14:27:20.521604292Z Successfully copied files in /usr/src/multus-cni/rhel8/bin/ to /host/opt/cni/bin/').wrapper).toBe('timestamp');
    expect(detectLine('2021-09-14T14:12:48.797299352Z W0914 14:12:48.797228       1 cmd.go:204] Using insecure, self-signed certificates')).toEqual({ format: 'klog', wrapper: 'timestamp', level: 'warning' });
    // A month word at the start of a sentence is no header.
    expect(detectLine('May the reconcile loop settle').wrapper).toBe('none');
    expect(detectLine('Sep 14 is when it broke').wrapper).toBe('none');
  });
});
