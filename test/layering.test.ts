// The direction of flow, checked on the sources: sources → parsers → events → engine → analyzers
// → findings → reporters. Sources emit raw items (paths, byte chunks, members, events) and know
// nothing of the engine that consumes them; commands call the scan service and never start the
// line stage's worker threads themselves (the engine's scan planner does).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');

/** Every TypeScript file under `dir` (tests included), as absolute paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Module specifiers a file imports or re-exports, statically or with import(). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The repository-relative paths `file` imports from under `target` (relative specifiers only). */
function importsInto(file: string, target: string): string[] {
  return specifiers(readFileSync(file, 'utf8'))
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(repo, resolve(dirname(file), s)))
    .filter((p) => p === target || p.startsWith(`${target}/`));
}

describe('layering', () => {
  it('reads import specifiers of every form', () => {
    const text = [
      "import { a } from '../engine/a.js';",
      "import type { B } from '../../engine/b.js';",
      "export { c } from '../engine/c.js';",
      "import '../engine/d.js';",
      "const { e } = await import('../engine/e.js');",
      "import {\n  f,\n  g,\n} from '../engine/f.js';",
      "// a comment naming '../engine/x.js' is not an import",
    ].join('\n');
    expect(specifiers(text)).toEqual(['../engine/a.js', '../../engine/b.js', '../engine/c.js', '../engine/d.js', '../engine/e.js', '../engine/f.js']);
  });

  it('no module under src/sources/ imports from src/engine/', () => {
    const files = filesUnder('src/sources');
    expect(files.length).toBeGreaterThan(20);
    const bad = files.flatMap((f) => importsInto(f, 'src/engine').map((to) => `${relative(repo, f)} imports ${to}`));
    expect(bad).toEqual([]);
  });

  it('no command starts the line stage itself: only the engine touches its worker pool', () => {
    const bad = filesUnder('src/commands').flatMap((f) =>
      [...importsInto(f, 'src/engine/line-pool.js'), ...importsInto(f, 'src/engine/line-worker.js')].map((to) => `${relative(repo, f)} imports ${to}`),
    );
    expect(bad).toEqual([]);
  });
});
