/**
 * What reclaim work costs in simulated time. The kernel's reclaim is CPU work done by a task
 * (kswapd, or the allocating task in direct reclaim); while it runs, other tasks keep
 * allocating. The model charges each piece of work a fixed number of nanoseconds.
 *
 * Defaults are for a phone-class big core (Cortex-A7x at ~2.5 GHz), order-of-magnitude figures
 * from published reclaim profiles, not measurements of one device:
 * - `lruScanNs` 100 ns per LRU page isolated and examined (isolate_lru_folios, rmap checks);
 * - `fileReclaimNs` 1.5 µs per clean page-cache page freed (shrink_folio_list, unmap, free);
 * - `anonReclaimNs` 12 µs per anon page swapped out (zram compression of 4 KiB dominates);
 * - `shrinkNodeNs` 2 µs per shrink_node pass (memcg iteration, vmstat, locking);
 * - `shrinkerCallNs` 300 ns per do_shrink_slab call (count_objects, nr_deferred xchg/add);
 * - `scanObjectsNs` 500 ns per scan_objects call (lock, list walk setup);
 * - `objectScanNs` 80 ns per object scanned (a list_lru isolate callback).
 * All are configurable in the scenario (`cost:`); 0 everywhere gives the old instant reclaim.
 */
export interface ReclaimCost {
  readonly lruScanNs: number;
  readonly fileReclaimNs: number;
  readonly anonReclaimNs: number;
  readonly shrinkNodeNs: number;
  readonly shrinkerCallNs: number;
  readonly scanObjectsNs: number;
  readonly objectScanNs: number;
}

export const DEFAULT_RECLAIM_COST: ReclaimCost = {
  lruScanNs: 100,
  fileReclaimNs: 1500,
  anonReclaimNs: 12000,
  shrinkNodeNs: 2000,
  shrinkerCallNs: 300,
  scanObjectsNs: 500,
  objectScanNs: 80,
};

/** The work done by one piece of reclaim (a kswapd pass, one direct reclaim). */
export interface ReclaimWork {
  shrinkNodes: number;
  lruScanned: number;
  fileReclaimed: number;
  anonReclaimed: number;
  shrinkerCalls: number;
  scanObjectsCalls: number;
  objectsScanned: number;
}

export const emptyWork = (): ReclaimWork => ({
  shrinkNodes: 0,
  lruScanned: 0,
  fileReclaimed: 0,
  anonReclaimed: 0,
  shrinkerCalls: 0,
  scanObjectsCalls: 0,
  objectsScanned: 0,
});

/** Zeroes `w` for the next piece of work (a reused meter). */
export function resetWork(w: ReclaimWork): void {
  w.shrinkNodes = w.lruScanned = w.fileReclaimed = w.anonReclaimed = 0;
  w.shrinkerCalls = w.scanObjectsCalls = w.objectsScanned = 0;
}

/**
 * The most one piece of reclaim work may cost: 2^50 ns (about 13 days). Work counts come from
 * bigint shrinker counts (up to ULONG_MAX/2 objects scanned) and can price a pass beyond any
 * time the clock can hold; the cost saturates here, so `now + cost` stays an exact integer for
 * any run within the simulator's limit on simulated time (720h, src/scenario/units.ts).
 */
export const MAX_WORK_COST_NS = 2 ** 50;

/**
 * Simulated nanoseconds the work takes: an integer, exact while below `MAX_WORK_COST_NS`
 * (integer counts times integer costs, summed below 2^53, are exact in doubles), saturated at
 * it above (and for counts that are not finite).
 */
export function workCostNs(w: ReclaimWork, c: ReclaimCost): number {
  const terms = [
    w.shrinkNodes * c.shrinkNodeNs,
    w.lruScanned * c.lruScanNs,
    w.fileReclaimed * c.fileReclaimNs,
    w.anonReclaimed * c.anonReclaimNs,
    w.shrinkerCalls * c.shrinkerCallNs,
    w.scanObjectsCalls * c.scanObjectsNs,
    w.objectsScanned * c.objectScanNs,
  ];
  let total = 0;
  for (const t of terms) {
    // NaN (0 × Infinity) or anything at or past the cap saturates; negative work costs nothing.
    if (!(t < MAX_WORK_COST_NS)) return MAX_WORK_COST_NS;
    if (t > 0) total += t;
    if (total >= MAX_WORK_COST_NS) return MAX_WORK_COST_NS;
  }
  return Math.round(total);
}
