// Archives read as streams, including hostile ones built on the fly: zip-slip, absolute names,
// links pointing outside, truncation, corrupt members and decompression bombs. Each must be
// refused and reported while the rest is analysed, with nothing written anywhere.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tar, tarHeader, zip } from '../../test/helpers/archives.js';
import { archiveSource } from './archive.js';
import type { BundleOptions } from './bundle.js';
import type { InputHandle, SourceItem } from './types.js';
import { eventsOf } from '../../test/helpers/source-items.js';

const LOG = 'mg/namespaces/ns1/pods/ctl-7d9f-abcde/manager/manager/logs/current.log';
const KLOG = [
  '2021-08-03T09:20:54.346610950Z I0803 09:20:54.346409       1 controller.go:42] Starting workers',
  '2021-08-03T09:20:55.100000000Z I0803 09:20:55.099941       1 controller.go:50] Synced',
].join('\n');
const TIMESTAMP = '2021-08-03 12:11:56.91501602 +0200 CEST m=+1.651641915\n2021-08-03 12:14:13.632016778 +0200 CEST m=+138.368642668\n';

let root: string;
let work: string;

/** Recursive listing of a directory, for before/after comparisons. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) out.push(join(e.parentPath ?? dir, e.name));
  return out.sort();
}

interface Collected {
  items: SourceItem[];
  bundle: InputHandle;
  inputs: InputHandle[];
  lines: Map<string, string[]>;
}

/** The lines of a lines item, or of a bytes item (complete lines, the last one maybe without a newline). */
function linesOf(it: SourceItem): string[] {
  if (it.type === 'lines') return it.lines;
  if (it.type !== 'bytes') return [];
  const text = Buffer.from(it.bytes).toString('utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

async function collect(path: string, opts: BundleOptions = {}): Promise<Collected> {
  const items: SourceItem[] = [];
  const inputs: InputHandle[] = [];
  const lines = new Map<string, string[]>();
  for await (const it of archiveSource(path, opts)) {
    items.push(it);
    if (it.type === 'clock') continue;
    if (!inputs.includes(it.input)) inputs.push(it.input);
    if (it.type === 'lines' || it.type === 'bytes') {
      const key = it.input.report.source;
      lines.set(key, [...(lines.get(key) ?? []), ...linesOf(it)]);
    }
  }
  const bundle = inputs.find((h) => h.report.kind === 'bundle');
  if (!bundle) throw new Error('no bundle input');
  return { items, bundle, inputs, lines };
}

/** Writes an archive, reads it, and checks that nothing appeared outside `work` or the temp root. */
async function readGuarded(name: string, data: Buffer, opts: BundleOptions = {}): Promise<Collected> {
  const path = join(work, name);
  await writeFile(path, data);
  const before = await listing(root);
  const tmpBefore = (await readdir(tmpdir())).filter((n) => n.startsWith('evil'));
  const got = await collect(path, opts);
  expect(await listing(root)).toEqual(before);
  expect((await readdir(tmpdir())).filter((n) => n.startsWith('evil'))).toEqual(tmpBefore);
  expect(existsSync('/etc/evil.log')).toBe(false);
  expect(existsSync(resolve(work, '../evil.log'))).toBe(false);
  return got;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ctrlscope-archive-test-'));
  work = join(root, 'a', 'b');
  await import('node:fs/promises').then((fs) => fs.mkdir(work, { recursive: true }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('archiveSource: layouts and time', () => {
  it('reads a must-gather .tar.gz: clock first, bundle input, log attributed to ns/pod/container', async () => {
    const data = gzipSync(tar([{ name: LOG, body: KLOG + '\n' }, { name: 'mg/timestamp', body: TIMESTAMP }]));
    const got = await readGuarded('mg.tar.gz', data);
    expect(got.items[0]).toEqual({ type: 'clock', now: Date.parse('2021-08-03T10:14:13.632Z') });
    expect(got.items[1]).toMatchObject({ type: 'events', input: { report: { kind: 'bundle' } } });
    expect(got.bundle.report).toMatchObject({ source: join(work, 'mg.tar.gz'), format: 'must-gather', problems: [] });
    const log = got.inputs.find((h) => h.report.kind === 'log')!;
    expect(log.report.source).toBe(`${join(work, 'mg.tar.gz')}:${LOG}`);
    expect(log.origin).toBe('ns1/ctl-7d9f-abcde/manager');
    expect(log.referenceYear).toBe(2021);
    expect(got.lines.get(log.report.source)).toEqual(KLOG.split('\n'));
  });

  it('holds back at most 1 MiB waiting for a late timestamp, then sends the clock when it comes', async () => {
    // A must-gather's root `timestamp` is its last member: past the budget, lines go on to the
    // engine's workers at once and the clock follows (analyzers read it only when they judge).
    const big = Array.from({ length: 30_000 }, (_, i) => `2021-08-03T09:20:54.346610950Z I0803 09:20:54.346409       1 controller.go:42] line ${i}`).join('\n');
    const data = gzipSync(tar([{ name: LOG, body: big + '\n' }, { name: 'mg/timestamp', body: TIMESTAMP }]));
    const got = await readGuarded('late-clock.tar.gz', data);
    const clockAt = got.items.findIndex((it) => it.type === 'clock');
    const firstBytes = got.items.findIndex((it) => it.type === 'bytes');
    expect(big.length).toBeGreaterThan(2 << 20);
    expect(firstBytes).toBeGreaterThanOrEqual(0);
    expect(clockAt).toBeGreaterThan(firstBytes);
    expect(got.items[clockAt]).toEqual({ type: 'clock', now: Date.parse('2021-08-03T10:14:13.632Z') });
    expect([...got.lines.values()]).toEqual([big.split('\n')]);
  });

  it('reads the same bundle as .tar and .zip with the same lines', async () => {
    const members = [{ name: 'mg/timestamp', body: TIMESTAMP }, { name: LOG, body: KLOG }];
    const t = await readGuarded('mg.tar', tar(members));
    const z = await readGuarded('mg.zip', zip(members.map((m) => ({ ...m, deflate: true }))));
    for (const got of [t, z]) {
      expect(got.items[0]).toEqual({ type: 'clock', now: Date.parse('2021-08-03T10:14:13.632Z') });
      expect(got.bundle.report.format).toBe('must-gather');
      expect(got.bundle.report.problems).toEqual([]);
      expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
    }
  });

  it('reads a .tar.xz (the must-gather-clean format) through the xz decoder', async () => {
    const got = await collect(resolve('test/fixtures/bundles/duplicate-rr.tar.xz'));
    expect(got.bundle.report.format).toBe('must-gather');
    expect(got.bundle.report.problems).toEqual([]);
    expect(got.items[0]).toEqual({ type: 'clock', now: Date.parse('2026-10-02T18:10:04.998Z') });
    const rr = got.items.find((i) => i.type === 'resources');
    expect(rr && eventsOf(rr).map((e) => (e.kind === 'object' ? e.object.metadata?.name : ''))).toEqual([
      'rr-9f2c4d1be7a0-1a2b3c4d',
      'rr-9f2c4d1be7a0-5e6f7a8b',
      'rr-9f2c4d1be7a0-9c0d1e2f',
    ]);
  });

  it('finds gzipped audit logs anywhere in the bundle', async () => {
    const audit = [
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"u"},"userAgent":"ctl/v1","objectRef":{"resource":"configmaps","namespace":"ns1","name":"cm"},"requestReceivedTimestamp":"2021-08-03T10:00:00Z"}',
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a2","stage":"ResponseComplete","verb":"update","user":{"username":"u"},"userAgent":"ctl/v1","objectRef":{"resource":"configmaps","namespace":"ns1","name":"cm"},"requestReceivedTimestamp":"2021-08-03T10:00:01Z"}',
    ].join('\n');
    const data = gzipSync(tar([{ name: LOG, body: KLOG }, { name: 'mg/audit_logs/kube-apiserver/ip-10-0-1-2-audit.log.gz', body: gzipSync(audit) }]));
    const got = await readGuarded('audit.tar.gz', data);
    const events = got.items.flatMap((i) => (i.type === 'events' && i.input.report.kind === 'audit' ? i.events : []));
    expect(events.map((e) => (e.kind === 'audit' ? [e.verb, e.resource, e.name] : []))).toEqual([
      ['get', 'configmaps', 'cm'],
      ['update', 'configmaps', 'cm'],
    ]);
  });
});

describe('archiveSource: hostile archives', () => {
  it('refuses zip-slip, absolute and escaping names in a tar and analyses the rest', async () => {
    const got = await readGuarded(
      'slip.tar',
      tar([
        { name: '../evil.log', body: 'E0101 00:00:00.000000 1 x.go:1] evil\n' },
        { name: '/etc/evil.log', body: 'evil\n' },
        { name: 'mg/a/../../../evil.log', body: 'evil\n' },
        { name: LOG, body: KLOG },
      ]),
    );
    expect(got.bundle.report.problems).toEqual([
      'refused member "../evil.log": path escapes the archive root (..)',
      'refused member "/etc/evil.log": absolute path',
      'refused member "mg/a/../../../evil.log": path escapes the archive root (..)',
    ]);
    expect([...got.lines.keys()]).toEqual([`${join(work, 'slip.tar')}:${LOG}`]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });

  it('refuses the same names in a zip (per member, not the whole archive)', async () => {
    const got = await readGuarded(
      'slip.zip',
      zip([
        { name: '../evil.log', body: 'evil\n' },
        { name: '/etc/evil.log', body: 'evil\n', deflate: true },
        { name: 'mg\\..\\..\\evil.log', body: 'evil\n' },
        { name: LOG, body: KLOG, deflate: true },
      ]),
    );
    expect(got.bundle.report.problems).toEqual([
      'refused member "../evil.log": path escapes the archive root (..)',
      'refused member "/etc/evil.log": absolute path',
      'refused member "mg/../../evil.log": path escapes the archive root (..)',
    ]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });

  it('never follows links and reports those pointing outside (tar and zip)', async () => {
    const t = await readGuarded(
      'links.tar',
      tar([
        { name: 'mg/namespaces/ns1/pods/p/c/c/logs/previous.log', type: '2', linkname: '/etc/passwd' },
        { name: 'mg/up', type: '2', linkname: '../../../outside' },
        { name: 'mg/hard', type: '1', linkname: '../evil.log' },
        { name: 'mg/inside', type: '2', linkname: 'namespaces/ns1' },
        { name: LOG, body: KLOG },
      ]),
    );
    expect(t.bundle.report.problems).toEqual([
      'refused member "mg/namespaces/ns1/pods/p/c/c/logs/previous.log": symbolic link to "/etc/passwd" points outside the archive',
      'refused member "mg/up": symbolic link to "../../../outside" points outside the archive',
      'refused member "mg/hard": hard link to "../evil.log" points outside the archive',
    ]);
    expect([...t.lines.values()]).toEqual([KLOG.split('\n')]);
    const z = await readGuarded(
      'links.zip',
      zip([
        { name: 'mg/namespaces/ns1/pods/p/c/c/logs/previous.log', body: '/etc/passwd', symlink: true },
        { name: LOG, body: KLOG },
      ]),
    );
    expect(z.bundle.report.problems).toEqual(['refused member "mg/namespaces/ns1/pods/p/c/c/logs/previous.log": symbolic link to "/etc/passwd" points outside the archive']);
    expect([...z.lines.values()]).toEqual([KLOG.split('\n')]);
  });

  it('reports a truncated .tar.gz and analyses what came before the cut', async () => {
    const big = Array.from({ length: 4000 }, (_, i) => `2021-08-03T09:21:00.000000000Z I0803 09:21:00.000000       1 loop.go:9] line ${i} ${'x'.repeat(i % 97)}`).join('\n');
    const whole = gzipSync(tar([{ name: LOG, body: KLOG + '\n' }, { name: 'mg/namespaces/ns1/pods/p/c/c/logs/current.log', body: big }]));
    const got = await readGuarded('cut.tar.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(got.bundle.report.problems).toHaveLength(1);
    expect(got.bundle.report.problems[0]).toMatch(/^archive is truncated \(.*unexpected end of file.*\); members before the damage were analysed$/);
    const lines = [...got.lines.values()];
    expect(lines[0]).toEqual(KLOG.split('\n'));
    // The damaged member is read up to the cut: a prefix of its lines, in order.
    const partial = lines[1]!;
    expect(partial.length).toBeGreaterThan(100);
    expect(partial.length).toBeLessThan(4000);
    expect(partial.slice(0, -1)).toEqual(big.split('\n').slice(0, partial.length - 1));
  });

  it('reports a truncated plain tar (tar parser warning) and keeps the first member', async () => {
    const whole = tar([{ name: LOG, body: KLOG }, { name: 'mg/x.log', body: 'y'.repeat(5000) }]);
    const got = await readGuarded('cut.tar', whole.subarray(0, 2048));
    expect(got.bundle.report.problems).toEqual([expect.stringMatching(/^archive is truncated \(Truncated input/)]);
    expect([...got.lines.values()][0]).toEqual(KLOG.split('\n'));
  });

  it('reports a zip without its central directory as unreadable', async () => {
    const whole = zip([{ name: LOG, body: KLOG }]);
    const got = await readGuarded('cut.zip', whole.subarray(0, whole.length - 30));
    expect(got.bundle.report.problems).toEqual([expect.stringMatching(/^zip archive cannot be read \(.*\): it is truncated or not a zip; nothing in it was analysed$/)]);
    expect(got.lines.size).toBe(0);
  });

  it('reports a corrupt zip member on its own input and reads the others', async () => {
    const got = await readGuarded(
      'corrupt.zip',
      zip([
        { name: 'mg/namespaces/ns1/pods/p/c/c/logs/current.log', body: 'a\nb\n', deflate: true, rawData: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13]) },
        { name: LOG, body: KLOG, deflate: true },
      ]),
    );
    expect(got.bundle.report.problems).toEqual([expect.stringMatching(/^mg\/namespaces\/ns1\/pods\/p\/c\/c\/logs\/current\.log: member is corrupt or could not be read to the end: .*what was read before the problem was analysed$/)]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });

  it('refuses a tar member declaring more than 1 GiB before expanding any of it (default limit)', async () => {
    const header = tarHeader({ name: 'mg/namespaces/ns1/pods/p/c/c/logs/current.log', declaredSize: 2 * 1024 ** 3 }, 0);
    const data = gzipSync(Buffer.concat([tar([{ name: LOG, body: KLOG }]).subarray(0, 1024), header, Buffer.alloc(4096)]));
    const got = await readGuarded('huge.tar.gz', data);
    expect(got.bundle.report.problems).toEqual([
      'member "mg/namespaces/ns1/pods/p/c/c/logs/current.log" declares 2 GiB, past the 1 GiB limit for a bundle; refused it and the rest of the archive as a possible decompression bomb',
    ]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });

  it('stops an archive whose stream expands past the total limit', async () => {
    const filler = Buffer.alloc(3 << 20, 0x61);
    const data = gzipSync(tar([{ name: LOG, body: KLOG }, { name: 'mg/one.log', body: filler }, { name: 'mg/two.log', body: filler }]));
    const got = await readGuarded('bomb.tar.gz', data, { limits: { maxTotalBytes: 4 << 20 } });
    expect(got.bundle.report.problems).toEqual([`${join(work, 'bomb.tar.gz')} expands past the 4 MiB limit for a bundle; refused the rest as a possible decompression bomb`]);
    expect([...got.lines.values()][0]).toEqual(KLOG.split('\n'));
  });

  it('refuses a stream whose expansion ratio is a bomb', async () => {
    const data = gzipSync(tar([{ name: LOG, body: KLOG }, { name: 'mg/bomb.log', body: Buffer.alloc(8 << 20) }]), { level: 9 });
    const got = await readGuarded('ratio.tar.gz', data, { limits: { ratioMinBytes: 1 << 20, maxRatio: 200 } });
    expect(got.bundle.report.problems).toEqual([expect.stringMatching(/ratio\.tar\.gz expands \d+:1 \(limit 200:1\); refused as a decompression bomb$/)]);
  });

  it('refuses a gzipped member expanding at a bomb ratio and reads the members after it (tar, tar.gz, zip)', async () => {
    const bomb = gzipSync(Buffer.alloc(8 << 20), { level: 9 });
    const members = [{ name: 'mg/bomb.log.gz', body: bomb }, { name: LOG, body: KLOG }];
    const opts = { limits: { ratioMinBytes: 1 << 20, maxRatio: 200 } };
    for (const [name, data] of [
      ['member-bomb.tar', tar(members)],
      ['member-bomb.tar.gz', gzipSync(tar(members))],
      ['member-bomb.zip', zip(members)],
    ] as const) {
      const got = await readGuarded(name, data, opts);
      expect(got.bundle.report.problems, name).toEqual([
        expect.stringMatching(new RegExp(`${name.replace(/\./g, '\\.')}:mg/bomb\\.log\\.gz expands \\d+:1 \\(limit 200:1\\); refused as a decompression bomb; the other members were read$`)),
      ]);
      expect(got.lines.get(`${join(work, name)}:${LOG}`), name).toEqual(KLOG.split('\n'));
    }
  });

  it('refuses zip members whose declared sizes are a bomb', async () => {
    const got = await readGuarded(
      'bomb.zip',
      zip([
        { name: 'mg/ratio.log', body: 'a', deflate: true, declaredSize: 900 << 20, rawData: Buffer.from('x') },
        { name: LOG, body: KLOG },
        { name: 'mg/total.log', body: 'a', deflate: true, declaredSize: 0x7fffffff, rawData: Buffer.alloc(4 << 20) },
      ]),
    );
    expect(got.bundle.report.problems).toEqual([
      'refused member "mg/ratio.log": expands 943718400:1 (limit 1000:1), a decompression bomb',
      'members declare more than the 1 GiB limit for a bundle (at "mg/total.log"); refused the rest of the archive as a possible decompression bomb',
    ]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });
});

describe('archiveSource: archives inside archives', () => {
  const mg = [{ name: 'must-gather.local.1/timestamp', body: TIMESTAMP }, { name: `must-gather.local.1/${LOG}`, body: KLOG + '\n' }];

  it('reads a must-gather .tar.gz attached to a ticket .zip as the bundle it is', async () => {
    const outer = join(work, 'ticket.zip');
    const got = await readGuarded('ticket.zip', zip([{ name: 'README.txt', body: 'see attachment\n' }, { name: 'must-gather.tar.gz', body: gzipSync(tar(mg)) }]));
    expect(got.bundle.report).toMatchObject({ source: outer, format: 'must-gather', problems: [] });
    expect(got.items[0]).toEqual({ type: 'clock', now: Date.parse('2021-08-03T10:14:13.632Z') });
    const log = got.inputs.find((h) => h.origin !== undefined)!;
    expect(log.report.source).toBe(`${outer}:must-gather.tar.gz:must-gather.local.1/${LOG}`);
    expect(log.origin).toBe('ns1/ctl-7d9f-abcde/manager');
    expect(got.lines.get(log.report.source)).toEqual(KLOG.split('\n'));
  });

  it('reads a zip inside a tar, and a tar inside that', async () => {
    const inner = zip([{ name: 'logs.tar', body: tar(mg) }]);
    const got = await readGuarded('case.tar', tar([{ name: 'case-123/attachments.zip', body: inner }]));
    expect(got.bundle.report.problems).toEqual([]);
    expect(got.bundle.report.format).toBe('must-gather');
    expect([...got.lines.entries()]).toEqual([[`${join(work, 'case.tar')}:case-123/attachments.zip:logs.tar:must-gather.local.1/${LOG}`, KLOG.split('\n')]]);
  });

  it('lists an archive nested more than 3 levels deep as a problem, and reads the levels above it', async () => {
    let a = tar(mg);
    for (let i = 4; i >= 1; i--) a = tar([{ name: `level${i}.tar`, body: a }, ...(i === 1 ? [{ name: 'top.log', body: KLOG }] : [])]);
    const got = await readGuarded('deep.tar', a);
    const path = join(work, 'deep.tar');
    expect(got.bundle.report.problems).toEqual([
      `${path}:level1.tar:level2.tar:level3.tar:level4.tar: archive nested more than 3 levels deep: not read; unpack it and scan the directory`,
    ]);
    expect([...got.lines.keys()]).toEqual([`${path}:top.log`]);
  });

  it('counts nested members against the same expansion limit', async () => {
    // Each member is under the limit; together, inside the nested .tar.gz, they pass it.
    const part = Buffer.alloc(1536 << 10, 'I0803 09:20:54.346409       1 controller.go:42] line\n');
    const inner = gzipSync(tar([{ name: 'x.log', body: part }, { name: 'y.log', body: part }]));
    const got = await readGuarded('nested-limit.zip', zip([{ name: 'a.tar.gz', body: inner }]), { limits: { maxTotalBytes: 2 << 20 } });
    expect(got.bundle.report.problems).toEqual([`${join(work, 'nested-limit.zip')}:a.tar.gz expands past the 2 MiB limit for a bundle; refused the rest as a possible decompression bomb`]);
  });

  it('lists an encrypted zip member as a problem and reads the others', async () => {
    const got = await readGuarded('locked.zip', zip([{ name: 'must-gather.tar.gz', body: 'ciphertext', encrypted: true }, { name: LOG, body: KLOG }]));
    expect(got.bundle.report.problems).toEqual([
      `${join(work, 'locked.zip')}:must-gather.tar.gz: encrypted: cannot be read without the password; unpack it and scan the directory`,
    ]);
    expect([...got.lines.values()]).toEqual([KLOG.split('\n')]);
  });
});
