// Finds the rule modules: every file in this folder but this one and the tests, each with a
// default export made by defineRule(). The bundled CLI gets the same list from the bundler
// (scripts/bundle.mjs replaces this file with static imports of the same files).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RuleModule } from '../rule.js';

/** A file in this folder that holds one rule module. */
export const RULE_FILE_RE = /^[a-z][a-z0-9-]*\.(?:ts|js)$/;

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((f) => RULE_FILE_RE.test(f) && !/^index\./.test(f))
  .sort();

/** The rule modules, in file-name order (the registry orders them by `order`). */
export const RULE_MODULES: readonly RuleModule[] = await Promise.all(
  files.map(async (f) => (await import(`./${f}`) as { default: RuleModule }).default),
);
