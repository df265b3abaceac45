import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { unpackedSize } from './size.js';

const dir = mkdtempSync(join(tmpdir(), 'ctrlscope-size-'));
const logText = 'I0118 14:11:54.123456       1 f.go:1] "Pending work" n=3\n'.repeat(2000);

describe('unpackedSize', () => {
  it('is the size gzip records in its trailer for .gz and .tgz files', () => {
    const packed = gzipSync(logText);
    for (const name of ['a.log.gz', 'bundle.tgz']) {
      const path = join(dir, name);
      writeFileSync(path, packed);
      expect(packed.length).toBeLessThan(logText.length / 10);
      expect(unpackedSize(path, packed.length)).toBe(logText.length);
    }
  });

  it('counts zip and xz archives at four times their size, whose size is not up front', () => {
    const zip = join(dir, 'b.zip');
    writeFileSync(zip, Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(96)]));
    expect(unpackedSize(zip, 100)).toBe(400);
    const xz = join(dir, 'c.tar.xz');
    writeFileSync(xz, Buffer.concat([Buffer.from('\u00fd7zXZ\u0000', 'latin1'), Buffer.alloc(94)]));
    expect(unpackedSize(xz, 100)).toBe(400);
  });

  it('is the size itself for plain files, for packed names holding plain text, and for unreadable paths', () => {
    const plain = join(dir, 'd.log');
    writeFileSync(plain, logText);
    expect(unpackedSize(plain, logText.length)).toBe(logText.length);
    const notGzip = join(dir, 'e.log.gz');
    writeFileSync(notGzip, logText);
    expect(unpackedSize(notGzip, logText.length)).toBe(logText.length);
    expect(unpackedSize(join(dir, 'missing.gz'), 1234)).toBe(1234);
  });

  it('falls back to four times the size when the trailer is smaller than the file (multi-member or over 4 GiB)', () => {
    const path = join(dir, 'f.gz');
    const packed = gzipSync(logText);
    packed.writeUInt32LE(10, packed.length - 4);
    writeFileSync(path, packed);
    expect(unpackedSize(path, packed.length)).toBe(packed.length * 4);
  });
});
