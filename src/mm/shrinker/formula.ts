/**
 * The scan-target formula of do_shrink_slab as a swappable strategy, so the same batch loop
 * can replay traces from kernels before ≈5.13 (see arithLegacy.ts). The default is the
 * current formula of 6.1 and 6.12 (arith.ts).
 */
import type { Long } from '../kint.js';
import { computeNextDeferred, planShrink, type ShrinkPlan } from './arith.js';

export interface FormulaPlan extends ShrinkPlan {
  /** `next_deferred` once the loop has scanned `scanned` objects. */
  nextDeferred(scanned: Long): Long;
}

export interface ShrinkFormula {
  readonly name: 'current' | 'legacy';
  plan(freeable: Long, nr: Long, priority: number, seeks: number, batch: number | bigint): FormulaPlan;
}

/** ≈5.13 and later (6.1, 6.12): `nr >> priority` slice, both clamps at 2·freeable. */
export const CURRENT_FORMULA: ShrinkFormula = {
  name: 'current',
  plan(freeable, nr, priority, seeks, batch) {
    const p = planShrink(freeable, nr, priority, seeks, batch);
    // Spelled out rather than spread: this runs once per do_shrink_slab, and an object spread
    // of bigint fields was the most expensive line of the call (bench/doShrinkSlab.bench.mjs).
    const delta = p.delta;
    return {
      freeable: p.freeable,
      nr: p.nr,
      delta,
      totalScan: p.totalScan,
      batchSize: p.batchSize,
      nextDeferred: (scanned) => computeNextDeferred(nr, delta, scanned, freeable),
    };
  },
};
