// Every format module of this folder (see registry.ts): found by listing the folder at startup,
// so that adding a format is adding its file. The bundler (scripts/bundle.mjs) replaces this
// module with static imports of the same files, so the published CLI does not list folders.
import { readdirSync } from 'node:fs';
import type { FormatModule } from '../registry.js';

/** Module files of this folder: `name.ts` / `name.js`, not tests, declarations or this file. */
export function moduleFiles(names: readonly string[]): string[] {
  return names.filter((n) => /^[^.]+\.(?:js|ts)$/.test(n) && n !== 'all.js' && n !== 'all.ts').sort();
}

const here = new URL('./', import.meta.url);

/** The loaded modules, in file name order (the registry orders formats by priority). */
export const modules: readonly FormatModule[] = await Promise.all(
  moduleFiles(readdirSync(here)).map((n) => import(new URL(n, here).href) as Promise<FormatModule>),
);
