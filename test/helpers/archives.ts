// Builders for test archives, including malicious ones no ordinary tool would write: tar headers
// and zip records are assembled byte by byte so names like `../x` and links to `/etc` survive.
import { crc32, deflateRawSync } from 'node:zlib';

/** One tar member: a regular file (type '0'), hard link ('1') or symbolic link ('2'). */
export interface TarMember {
  name: string;
  body?: string | Buffer;
  type?: '0' | '1' | '2' | '5';
  linkname?: string;
  /** Size written into the header (defaults to the body's length); lets a test lie about it. */
  declaredSize?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar header block for `m`. */
export function tarHeader(m: TarMember, bodyLength: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(m.name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  const size = m.declaredSize ?? bodyLength;
  // Sizes past 8 GiB would need base-256; the tests stay below.
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(m.type ?? '0', 156, 'latin1');
  if (m.linkname) h.write(m.linkname, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

/** A whole tar archive (with the two zero blocks at the end). */
export function tar(members: TarMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const body = m.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body);
    parts.push(tarHeader(m, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** One zip member; `symlink` stores the body as a link target with the unix symlink mode. */
export interface ZipMember {
  name: string;
  body?: string | Buffer;
  deflate?: boolean;
  symlink?: boolean;
  /** Replace the compressed bytes (to make a corrupt member). */
  rawData?: Buffer;
  /** Uncompressed size written into the records (to fake a bomb). */
  declaredSize?: number;
  /** Mark the member as encrypted (general purpose bit 0), as `zip -e` does; the body is left as is. */
  encrypted?: boolean;
}

/** A whole zip archive: local headers, data, central directory, end record. */
export function zip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body);
    const plain = m.rawData ?? (m.deflate ? deflateRawSync(body) : body);
    // ZipCrypto puts a 12-byte header before the data; this one is zeros (never decrypted).
    const data = m.encrypted ? Buffer.concat([Buffer.alloc(12), plain]) : plain;
    const method = m.deflate ? 8 : 0;
    const name = Buffer.from(m.name, 'utf8');
    const crc = crc32(body);
    const size = m.declaredSize ?? body.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    const flags = 0x0800 | (m.encrypted ? 1 : 0);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, data);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(((m.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += lh.length + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
