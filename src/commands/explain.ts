// `ctrlscope explain RULE`: the full text of a rule from the catalog.
import type { Command } from 'commander';
import type { Io } from '../cli.js';
import { CATALOG } from '../analyzers/catalog.js';
import { UserError } from '../core/errors.js';
import { RULE_IDS } from '../analyzers/index.js';
import type { RuleId } from '../core/finding.js';
import { renderRuleText } from '../report/explain.js';

/** Registers `explain`. */
export function register(program: Command, io: Io): void {
  program
    .command('explain')
    .summary('explain a rule: what it detects, severity, and how to fix it')
    .argument('[rule]', `one of: ${RULE_IDS.join(', ')} (omit to list them)`)
    .action((rule: string | undefined) => {
      if (!rule) {
        for (const id of RULE_IDS) io.stdout.write(`${id.padEnd(16)} ${CATALOG[id].title}\n`);
        return;
      }
      if (!(RULE_IDS as readonly string[]).includes(rule)) {
        throw new UserError(`unknown rule '${rule}'`, `known rules: ${RULE_IDS.join(', ')}`);
      }
      io.stdout.write(renderRuleText(CATALOG[rule as RuleId]));
    });
}
