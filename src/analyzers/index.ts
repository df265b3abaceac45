// The analyzer registry: every rule ctrlscope knows, in report order.
import type { AnalyzerDefinition } from './types.js';

/** All analyzers. Each file adds itself here as it lands. */
export const ANALYZERS: readonly AnalyzerDefinition[] = [];
