// zod building blocks for the config file, shared by src/core/config.ts and the rule modules'
// option schemas, so every option says what it expected in the same words. Rule modules get
// them handed in (RuleModule.options(kit)) rather than importing them: the CLI loads every rule
// module to know the rule ids, and zod only when a config file is read.
import { z } from 'zod';
import { parseJsonPath } from './json-path.js';

export { z };

export const positive = () => z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
export const positiveInt = () =>
  z.number({ error: 'expected a positive integer' }).int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' });
export const nonNegative = () =>
  z.number({ error: 'expected a number of milliseconds, 0 or more' }).nonnegative({ error: 'expected a number of milliseconds, 0 or more' });
export const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

/** A JSONPath such as spec.signalFingerprint, {.spec.x} or $.metadata.labels['a/b']. */
export const jsonPath = (what: string) =>
  text(what).refine(
    (p) => {
      try {
        parseJsonPath(p);
        return true;
      } catch {
        return false;
      }
    },
    { error: "expected a JSONPath such as spec.signalFingerprint, {.spec.x} or $.metadata.labels['a/b']" },
  );
