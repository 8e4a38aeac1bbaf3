/**
 * do_shrink_slab's arithmetic before Yang Shi's series (≈5.13), for reading old traces such
 * as the 2020 report in spec §6.2 (W4). Same C types as arith.ts: `long` total_scan,
 * freeable, nr, next_deferred; `unsigned long long` delta.
 *
 * Differences from the current formula:
 * - the whole backlog is attempted: `total_scan = nr + delta`;
 * - if that went negative (signed overflow) the kernel printed "negative objects to delete",
 *   scanned `freeable` and deferred `nr` unchanged;
 * - anti-windup: when `delta < freeable / 4`, total_scan is capped at `freeable / 2`;
 * - `total_scan` is capped at `2 * freeable`;
 * - `next_deferred = total_scan_before_clamps - scanned` (floored at 0) with no 2·freeable cap
 *   on what is stored, and nothing is added back when it is 0.
 */
import { s64, u64, type Long, type ULong } from '../kint.js';
import { batchSizeOf, computeDelta } from './arith.js';
import type { FormulaPlan, ShrinkFormula } from './formula.js';

export interface LegacyPlan {
  readonly delta: ULong;
  readonly totalScan: Long;
  /** `next_deferred` before subtracting what was scanned. */
  readonly deferBase: Long;
  /** The "negative objects to delete" branch was taken. */
  readonly negative: boolean;
}

/** Same delta as today (`(freeable >> priority) * 4 / seeks`, or `freeable / 2`). */
export function legacyPlan(freeable: Long, nr: Long, priority: number, seeks: number): LegacyPlan {
  const delta = computeDelta(freeable, priority, seeks);
  // `total_scan = nr; total_scan += delta;` — long plus unsigned long long, stored in a long.
  let totalScan = s64(nr + delta);
  let deferBase: Long;
  let negative = false;
  if (totalScan < 0n) {
    negative = true;
    totalScan = freeable;
    deferBase = nr;
  } else {
    deferBase = totalScan;
  }
  // `delta < freeable / 4`: the comparison is done in unsigned long long.
  if (delta < u64(freeable / 4n)) {
    const half = freeable / 2n;
    if (half < totalScan) totalScan = half;
  }
  const twice = s64(freeable * 2n);
  if (totalScan > twice) totalScan = twice;
  return { delta, totalScan, deferBase, negative };
}

/** `if (next_deferred >= scanned) next_deferred -= scanned; else next_deferred = 0;` */
export function legacyNextDeferred(deferBase: Long, scanned: Long): Long {
  return deferBase >= scanned ? deferBase - scanned : 0n;
}

export const LEGACY_FORMULA: ShrinkFormula = {
  name: 'legacy',
  plan(freeable, nr, priority, seeks, batch): FormulaPlan {
    const p = legacyPlan(freeable, nr, priority, seeks);
    return {
      freeable,
      nr,
      delta: p.delta,
      totalScan: p.totalScan,
      batchSize: batchSizeOf(batch),
      nextDeferred: (scanned) => legacyNextDeferred(p.deferBase, scanned),
    };
  },
};
