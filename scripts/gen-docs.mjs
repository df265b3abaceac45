#!/usr/bin/env node
// Writes docs/rules.md from the catalog (build first: npm run build).
import { writeFileSync } from 'node:fs';
import { rulesDocument } from '../dist/src/report/rules-doc.js';

writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesDocument());
console.log('wrote docs/rules.md');
