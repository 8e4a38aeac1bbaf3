/**
 * do_shrink_slab's arithmetic as pure functions (mm/shrinker.c, identical in 6.1 and 6.12).
 *
 * Every function follows the C types of the kernel function exactly: `freeable`, `nr`,
 * `total_scan`, `scanned`, `next_deferred` are `long`; `delta` is `unsigned long long`;
 * mixed expressions are evaluated in unsigned 64-bit and stored back into `long`, so a raw
 * shrinker that returns garbage wraps exactly as the kernel would. Typed shrinkers never
 * reach the wrapping paths (their counts are clamped), but they share this code.
 */
import { maxBig, minBig, s64, sar, u64, type Long, type ULong } from '../kint.js';
import { SHRINK_BATCH } from './types.js';

/** `batch_size = shrinker->batch ? : SHRINK_BATCH` */
export const batchSizeOf = (batch: number | bigint): Long =>
  BigInt(batch) !== 0n ? s64(BigInt(batch)) : BigInt(SHRINK_BATCH);

/**
 * New work this call contributes.
 * seeks > 0: `((freeable >> priority) * 4) / seeks` — shift before multiply, so a cache
 * needs ≥ 2^priority objects to get any pressure at all. seeks == 0: `freeable / 2` at every
 * priority ("objects don't require any IO to create").
 */
export function computeDelta(freeable: Long, priority: number, seeks: number): ULong {
  if (seeks !== 0) {
    // (unsigned long long) of a signed shift, ×4 mod 2^64, then do_div by (u32) seeks.
    const d = u64(u64(sar(freeable, priority)) * 4n);
    return d / BigInt(seeks >>> 0);
  }
  return u64(freeable / 2n); // signed division, truncating toward zero
}

/** `total_scan = min((nr >> priority) + delta, 2 * freeable)` in the kernel's types. */
export function computeTotalScan(nr: Long, delta: ULong, freeable: Long, priority: number): Long {
  const t = s64(sar(nr, priority) + delta);
  return minBig(t, s64(2n * freeable));
}

/** The loop's condition: a full batch is due, or "tight on memory" on a small cache. */
export const loopContinues = (totalScan: Long, batchSize: Long, freeable: Long): boolean =>
  totalScan >= batchSize || totalScan >= freeable;

/** `nr_to_scan = min(batch_size, total_scan)`, stored in an unsigned long. */
export const nrToScanOf = (batchSize: Long, totalScan: Long): ULong => u64(minBig(batchSize, totalScan));

/**
 * Deferred work left after the call: `max(nr + delta - scanned, 0)`, capped at
 * `2 * freeable`. The part of the backlog outside the `nr >> priority` slice survives.
 */
export function computeNextDeferred(nr: Long, delta: ULong, scanned: Long, freeable: Long): Long {
  const raw = maxBig(s64(u64(nr) + delta - u64(scanned)), 0n);
  return minBig(raw, s64(2n * freeable));
}

/** The numbers `mm_shrink_slab_start` prints, before any scan call. */
export interface ShrinkPlan {
  readonly freeable: Long;
  readonly nr: Long;
  readonly delta: ULong;
  readonly totalScan: Long;
  readonly batchSize: Long;
}

export function planShrink(
  freeable: Long,
  nr: Long,
  priority: number,
  seeks: number,
  batch: number | bigint,
): ShrinkPlan {
  const delta = computeDelta(freeable, priority, seeks);
  return {
    freeable,
    nr,
    delta,
    totalScan: computeTotalScan(nr, delta, freeable, priority),
    batchSize: batchSizeOf(batch),
  };
}

/** Result of the batch loop when every scan call honours its request. */
export interface HonestLoop {
  /** scan_objects calls made. */
  readonly calls: bigint;
  /** Σ nr_scanned. */
  readonly scanned: Long;
  /** total_scan after the loop (mm_shrink_slab_end's `total_scan`). */
  readonly left: Long;
  /** The loop can never end (a raw, non-positive freeable): the kernel would spin. */
  readonly livelock: boolean;
}

/**
 * The batch loop in closed form for a shrinker that scans exactly what it is asked and never
 * STOPs: full batches while `total_scan >= batch_size`, then one partial batch when the rest
 * is still ≥ freeable. O(1), so totals near 2^63 are fine.
 */
export function honestLoop(totalScan: Long, freeable: Long, batchSize: Long): HonestLoop {
  if (freeable <= 0n || batchSize <= 0n || totalScan < 0n) {
    // Only raw shrinkers get here; step it literally with a small cap.
    let t = totalScan;
    let calls = 0n;
    let scanned = 0n;
    while (loopContinues(t, batchSize, freeable)) {
      const n = nrToScanOf(batchSize, t);
      if (n === 0n || calls >= 1000n) return { calls, scanned, left: t, livelock: true };
      t = s64(t - n);
      scanned = s64(scanned + n);
      calls++;
    }
    return { calls, scanned, left: t, livelock: false };
  }
  let calls = 0n;
  let t = totalScan;
  if (t >= batchSize) {
    calls = t / batchSize;
    t -= calls * batchSize;
  }
  if (t > 0n && t >= freeable) {
    calls += 1n;
    t = 0n;
  }
  return { calls, scanned: totalScan - t, left: t, livelock: false };
}
