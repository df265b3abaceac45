#!/usr/bin/env node
// Bundles the compiled CLI (dist/bin, dist/src from tsc) into dist/cli/: the entry point, the
// line-stage worker and the chunks the commands load on demand, all in one folder. Node's ES
// module loader spends about a millisecond per module resolving, reading and linking; the
// unbundled CLI loads some 60 modules before a scan starts, the bundle a handful. Measured on a
// 200 MB scan (10 alternating runs): best 1.12 s against 1.27 s, median 1.33 s against 1.49 s.
//
// Packages stay external (resolved from node_modules at run time, as before), so the bundle
// holds only this project's code. The worker's URL is computed next to the module that starts
// it (`new URL('./line-worker.js', import.meta.url)`), which holds because entries and chunks
// share dist/cli/.
import { build } from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(repo, 'dist/cli');

// The rule registry finds its modules by listing its folder at run time (dist/src/analyzers/rules/);
// the bundle has no such folder, so the listing is done here, at build time, and the registry's
// finder is replaced by static imports of the same files. Adding a rule needs no edit here.
const ruleModules = {
  name: 'rule-modules',
  setup(b) {
    b.onLoad({ filter: /[\\/]analyzers[\\/]rules[\\/]index\.js$/ }, (args) => {
      const dir = dirname(args.path);
      const files = readdirSync(dir)
        .filter((f) => /^[a-z][a-z0-9-]*\.js$/.test(f) && f !== 'index.js')
        .sort();
      const contents = [
        ...files.map((f, i) => `import m${i} from './${f}';`),
        `export const RULE_FILE_RE = /^[a-z][a-z0-9-]*\\.(?:ts|js)$/;`,
        `export const RULE_MODULES = [${files.map((_, i) => `m${i}`).join(', ')}];`,
      ].join('\n');
      return { contents, resolveDir: dir, loader: 'js' };
    });
  },
};

// The log format registry finds its modules by listing src/parsers/formats/ at startup
// (formats/all.ts); in the bundle that module becomes static imports of the same files, the same
// selection (all.ts's moduleFiles) in the same order.
const formatsDir = join(repo, 'dist/src/parsers/formats');
const { moduleFiles } = await import(join(formatsDir, 'all.js'));
const formatModules = {
  name: 'format-modules',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]parsers[\\/]formats[\\/]all\.js$/ }, () => {
      const files = moduleFiles(readdirSync(formatsDir));
      const imports = files.map((f, i) => `import * as m${i} from './${f}';`).join('\n');
      return {
        contents: `${imports}\nexport function moduleFiles() { return ${JSON.stringify(files)}; }\nexport const modules = [${files.map((_, i) => `m${i}`).join(', ')}];\n`,
        resolveDir: formatsDir,
        loader: 'js',
      };
    });
  },
};

// Chunk names carry a content hash: without a clean folder every build would leave its old
// chunks behind, and `npm pack` (files: dist/cli) would ship them all.
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: repo,
  entryPoints: {
    ctrlscope: 'dist/bin/ctrlscope.js',
    'line-worker': 'dist/src/engine/line-worker.js',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [ruleModules, formatModules],
});
chmodSync(join(outdir, 'ctrlscope.js'), 0o755);
// tsc's unbundled entry stays runnable: \`npx ctrlscope\` in a checkout links the bin once into
// npm's npx cache, and links made before the CLI was bundled still point there.
chmodSync(join(repo, 'dist/bin/ctrlscope.js'), 0o755);
