/**
 * Issue 9: reclaim costs priced from bigint work counts (a ULONG_MAX/4 shrinker scanned in
 * full) once became a non-integer time beyond 2^53 and crashed the event queue. The cost is
 * an integer, exact below 2^50 ns and saturated there.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECLAIM_COST, emptyWork, MAX_WORK_COST_NS, workCostNs } from '../../../src/mm/reclaim/cost.js';
import { decimalRatio } from '../../../src/mm/reclaim/caches/syntheticCache.js';

describe('workCostNs', () => {
  it('exact for ordinary work: 2 shrink_node passes, 64 pages scanned, 32 file pages freed', () => {
    // 2 × 2000 + 64 × 100 + 32 × 1500 = 4000 + 6400 + 48000
    expect(workCostNs({ ...emptyWork(), shrinkNodes: 2, lruScanned: 64, fileReclaimed: 32 }, DEFAULT_RECLAIM_COST)).toBe(58_400);
  });
  it('ULONG_MAX/4 objects scanned saturates at 2^50 ns, an integer', () => {
    const w = { ...emptyWork(), objectsScanned: Number((2n ** 64n - 1n) / 4n), scanObjectsCalls: 1389782697508859 };
    const ns = workCostNs(w, DEFAULT_RECLAIM_COST);
    expect(ns).toBe(2 ** 50);
    expect(Number.isSafeInteger(ns + 720 * 3600e9)).toBe(true);
  });
  it('just below the cap stays exact; infinite counts saturate', () => {
    const c = { ...DEFAULT_RECLAIM_COST, objectScanNs: 1 };
    expect(workCostNs({ ...emptyWork(), objectsScanned: MAX_WORK_COST_NS - 1 }, c)).toBe(MAX_WORK_COST_NS - 1);
    expect(workCostNs({ ...emptyWork(), objectsScanned: Infinity }, c)).toBe(MAX_WORK_COST_NS);
    expect(workCostNs({ ...emptyWork(), objectsScanned: Infinity }, { ...c, objectScanNs: 0 })).toBe(MAX_WORK_COST_NS);
  });
});

describe('free_ratio as the decimal the author wrote', () => {
  it('0.3 is 3/10, 1e-7 is 1/10^7, 0.5 is 5/10', () => {
    expect(decimalRatio(0.3)).toEqual([3n, 10n]);
    expect(decimalRatio(1e-7)).toEqual([1n, 10_000_000n]);
    expect(decimalRatio(0.5)).toEqual([5n, 10n]);
  });
});
