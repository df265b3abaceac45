// The simple JSONPath subset kubectl users write to name one value of an object (dedup keys in
// the config file and the duplicate-cr analyzer's options): dotted names, `[n]`, `['key.with/dots']`,
// optionally wrapped in `{…}` and prefixed with `$` or `.`.

/** One step of a path: a property name or an array index. */
export type Segment = string | number;

/** Parses a path; throws an Error naming what is not supported. */
export function parseJsonPath(p: string): Segment[] {
  let s = p.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const out: Segment[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed "[" in "${p}"`);
      const inner = s.slice(i + 1, close).trim();
      const q = /^(['"])(.*)\1$/.exec(inner);
      if (q) out.push(q[2]!);
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else throw new Error(`unsupported "[${inner}]" in "${p}" (use [n] or ['name'])`);
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    const name = s.slice(i, j);
    if (!/^[\w-]+$/.test(name)) throw new Error(`unsupported segment "${name}" in "${p}"`);
    out.push(name);
    i = j;
  }
  if (!out.length) throw new Error(`empty path "${p}"`);
  return out;
}

/** The value at `path` in `obj`, or undefined where the path leaves the object. */
export function valueAt(obj: unknown, path: Segment[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
