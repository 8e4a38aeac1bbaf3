/**
 * The vmscan shrinker tracepoint types now live with the code that emits them
 * (src/mm/shrinker/events.ts: mm/ imports nothing from trace/). Re-exported here so that
 * existing importers keep working.
 */
export type { MmShrinkSlabEnd, MmShrinkSlabStart, ShrinkerTraceRef, ShrinkEvent } from '../mm/shrinker/events.js';
