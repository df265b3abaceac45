// The analyzer registry: every rule ctrlscope knows, in report order.
import type { AnalyzerDefinition } from './types.js';
import { queueLeak } from './queue-leak.js';
import { duplicateCr } from './duplicate-cr.js';
import { stalePending } from './stale-pending.js';
import { reconcileBurst } from './reconcile-burst.js';

/** All analyzers. Each file adds itself here as it lands. */
export const ANALYZERS: readonly AnalyzerDefinition[] = [queueLeak, duplicateCr, stalePending, reconcileBurst];
