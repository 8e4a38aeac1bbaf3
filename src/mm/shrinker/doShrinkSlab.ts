/**
 * `do_shrink_slab()`: one shrinker, one reclaim context, one priority.
 *
 * The arithmetic lives in `arith.ts`; this file runs the protocol around it: count once,
 * take all deferred work, trace, run the batch loop against the callbacks, add back what is
 * left, trace again.
 */
import { s32, s64, u64, type Long, type ULong } from '../kint.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart, ShrinkerTraceRef } from './events.js';
import { loopContinues, nrToScanOf } from './arith.js';
import { CURRENT_FORMULA, type ShrinkFormula } from './formula.js';
import {
  SHRINK_EMPTY,
  SHRINK_STOP,
  type RawShrinkerOps,
  type ShrinkControl,
  type ShrinkerFlags,
} from './types.js';

/**
 * Where a call's deferred work lives: `nr_deferred[nid']` of the shrinker, or the memcg's
 * `shrinker_info` unit for memcg-aware shrinkers with a memcg. Atomic in the kernel: take-all
 * then add-back, so concurrent callers never lose or duplicate work.
 */
export interface DeferredSlots {
  /** `xchg_nr_deferred`: returns the slot's value and leaves 0. */
  xchg(sc: ShrinkControl): Long;
  /** `add_nr_deferred`: adds and returns the new slot value. */
  add(sc: ShrinkControl, nr: Long): Long;
}

/** What do_shrink_slab needs of a shrinker (the registry's object satisfies it). */
export interface ShrinkerCore<P = unknown> {
  readonly ops: RawShrinkerOps<P> & {
    /**
     * Optional bulk form for synthetic honest shrinkers: `calls` scan calls of `each`
     * objects at once, returning total freed. Lets totals near 2^63 be simulated in O(1).
     */
    scanMany?(sc: ShrinkControl, calls: bigint, each: ULong, priv: P): ULong;
  };
  readonly priv: P;
  readonly seeks: number;
  readonly batch: number;
  readonly flags: ShrinkerFlags;
  readonly deferred: DeferredSlots;
  readonly traceRef: ShrinkerTraceRef;
}

/** Receives the tracepoints of one call (the caller adds task, cpu and time). */
export interface ShrinkTraceSink {
  start(e: MmShrinkSlabStart): void;
  end(e: MmShrinkSlabEnd): void;
}

export interface DoShrinkSlabStats {
  /** scan_objects calls, including a final STOP call (bigint: the bulk path can exceed 2^53). */
  calls: bigint;
  /** Calls that returned SHRINK_STOP (0 or 1). */
  stops: number;
  /** Σ nr_scanned over non-STOP calls (what `slabs_scanned` vmstat adds). */
  scanned: Long;
  freed: ULong;
  /** The loop hit the safety cap: a shrinker that never makes progress. */
  livelock: boolean;
}

export type DoShrinkSlabResult =
  /** count said 0 ("unknown") or SHRINK_EMPTY: no tracepoint, deferred untouched. */
  | { readonly kind: 'skipped'; readonly raw: ULong }
  | {
      readonly kind: 'ran';
      readonly start: MmShrinkSlabStart;
      readonly end: MmShrinkSlabEnd;
      readonly stats: DoShrinkSlabStats;
    };

/** Safety cap on scan calls per do_shrink_slab (the kernel has none; it would spin). */
export const MAX_SCAN_CALLS = 1 << 24;

/** The unsigned long the kernel function returns: freed, or the count's 0 / SHRINK_EMPTY. */
export const returnValueOf = (r: DoShrinkSlabResult): ULong =>
  r.kind === 'skipped' ? r.raw : r.stats.freed;

export function doShrinkSlab<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  sink?: ShrinkTraceSink,
  /** The scan-target formula: today's by default; LEGACY_FORMULA replays pre-5.13 traces. */
  formula: ShrinkFormula = CURRENT_FORMULA,
): DoShrinkSlabResult {
  const raw = u64(shrinker.ops.countRaw(sc, shrinker.priv));
  // `long freeable = count_objects()`; then compared with 0 and (unsigned) SHRINK_EMPTY.
  if (raw === 0n || raw === SHRINK_EMPTY) return { kind: 'skipped', raw };
  const freeable = s64(raw);

  // Take all deferred work so that concurrent callers don't also do it.
  const nr = shrinker.deferred.xchg(sc);
  const plan = formula.plan(freeable, nr, priority, shrinker.seeks, shrinker.batch);
  const start: MmShrinkSlabStart = {
    type: 'mm_shrink_slab_start',
    shr: shrinker.traceRef,
    nid: sc.nid,
    nrObjectsToShrink: nr,
    gfpFlags: sc.gfpMask,
    cacheItems: raw,
    delta: plan.delta,
    totalScan: u64(plan.totalScan),
    priority,
  };
  sink?.start(start);

  const stats: DoShrinkSlabStats = { calls: 0n, stops: 0, scanned: 0n, freed: 0n, livelock: false };
  let totalScan = plan.totalScan;
  const bs = plan.batchSize;

  // Bulk path: all full batches in one call, for synthetic shrinkers that offer it.
  const many = shrinker.ops.scanMany;
  if (many && freeable > 0n && bs > 0n && totalScan >= bs * 2n) {
    const fullCalls = totalScan / bs;
    sc.nrToScan = Number(bs);
    sc.nrScanned = Number(bs);
    stats.freed = u64(stats.freed + many.call(shrinker.ops, sc, fullCalls, u64(bs), shrinker.priv));
    stats.calls += fullCalls;
    stats.scanned = fullCalls * bs;
    totalScan -= fullCalls * bs;
  }

  // Calls of this loop are counted in a number (the cap keeps it far below 2^53) and added to
  // the bigint total once, so the per-call cost stays off bigint allocation.
  let loopCalls = 0;
  while (loopContinues(totalScan, bs, freeable)) {
    if (loopCalls >= MAX_SCAN_CALLS) {
      stats.livelock = true;
      break;
    }
    const n = nrToScanOf(bs, totalScan);
    sc.nrToScan = Number(n);
    sc.nrScanned = Number(n);
    const ret = u64(shrinker.ops.scanRaw(sc, shrinker.priv));
    loopCalls++;
    if (ret === SHRINK_STOP) {
      // This call's nr_scanned is not counted; the un-attempted work is deferred below.
      stats.stops++;
      break;
    }
    stats.freed = u64(stats.freed + ret);
    const got = BigInt(sc.nrScanned);
    totalScan = s64(u64(totalScan) - u64(got));
    stats.scanned = s64(stats.scanned + got);
  }

  stats.calls += BigInt(loopCalls);
  const nextDeferred = plan.nextDeferred(stats.scanned);
  const newNr = shrinker.deferred.add(sc, nextDeferred);
  const end: MmShrinkSlabEnd = {
    type: 'mm_shrink_slab_end',
    shr: shrinker.traceRef,
    nid: sc.nid,
    unusedScan: nr,
    newScan: newNr,
    retval: s32(stats.freed),
    totalScan,
  };
  sink?.end(end);
  return { kind: 'ran', start, end, stats };
}
