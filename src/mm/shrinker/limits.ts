/**
 * The overflow question from the Rust shrinker review, answered with exact 64-bit
 * arithmetic: how large may a count be before do_shrink_slab's `2 * freeable` and
 * `(freeable >> priority) * 4` wrap?
 *
 * - ULONG_MAX/2 (= LONG_MAX = 2^63 − 1), Rust v1's CountObjects::MAX: `2 * freeable` wraps
 *   to −2 at EVERY priority, so total_scan = −2 and next_deferred = −2: nothing is ever
 *   scanned and the deferred slot goes negative.
 * - ULONG_MAX/4 (= 2^62 − 1), Sima's suggestion: fine with seeks ≥ 2; at priority 0 with
 *   seeks 2, delta = 2^63 − 2 = 2F and total_scan = 2F exactly.
 *   With seeks 1 at priority 0, 4F = 2^64 − 4 still fits the unsigned delta, but it is
 *   above LONG_MAX, so `total_scan = (nr >> p) + delta` wraps to −4: nothing is scanned
 *   (and next_deferred, also computed as a long, clamps at 0).
 * - With an empty backlog the largest count that scans normally at priority 0 is 2^62 − 1
 *   for seeks ≥ 2 (2F must fit a long) and 2^61 − 1 for seeks 1 (4F must fit a long).
 */
import { LONG_MAX, s64, sar, u64, type Long, type ULong } from '../kint.js';
import { batchSizeOf, computeDelta, computeNextDeferred, computeTotalScan, honestLoop } from './arith.js';
import { COUNT_LIMITS, type CountLimit } from './types.js';

export interface LimitOutcome {
  readonly count: ULong;
  /** `(long)count`. */
  readonly freeable: Long;
  readonly priority: number;
  readonly seeks: number;
  readonly nr: Long;
  readonly delta: ULong;
  /** `(freeable >> priority) * 4` did not fit 64 bits (seeks ≠ 0 only). */
  readonly times4Overflowed: boolean;
  /** delta > LONG_MAX: adding it into the `long` total_scan wraps negative. */
  readonly deltaExceedsLong: boolean;
  /** `2 * freeable` left the range of long. */
  readonly twoFreeableWrapped: boolean;
  readonly totalScan: Long;
  /** Scan calls of an honest shrinker, and what they scan. */
  readonly calls: bigint;
  readonly scanned: Long;
  readonly left: Long;
  readonly nextDeferred: Long;
  /** Did the call do what the formula intends (scan something, keep the slot in [0, 2F])? */
  readonly sane: boolean;
}

export function limitOutcome(
  count: ULong,
  priority: number,
  seeks: number,
  opts: { nr?: Long; batch?: number } = {},
): LimitOutcome {
  const nr = opts.nr ?? 0n;
  const freeable = s64(count);
  const delta = computeDelta(freeable, priority, seeks);
  const exactTimes4 = sar(freeable, priority) * 4n;
  const times4Overflowed = seeks !== 0 && (exactTimes4 < 0n || exactTimes4 !== u64(exactTimes4));
  const deltaExceedsLong = delta > LONG_MAX;
  const twoFreeableWrapped = 2n * freeable > LONG_MAX || 2n * freeable < -LONG_MAX - 1n;
  const totalScan = computeTotalScan(nr, delta, freeable, priority);
  const loop = honestLoop(totalScan, freeable, batchSizeOf(opts.batch ?? 0));
  const nextDeferred = computeNextDeferred(nr, delta, loop.scanned, freeable);
  const sane = freeable > 0n && totalScan >= 0n && nextDeferred >= 0n && nextDeferred <= 2n * freeable;
  return {
    count: u64(count),
    freeable,
    priority,
    seeks,
    nr,
    delta,
    times4Overflowed,
    deltaExceedsLong,
    twoFreeableWrapped,
    totalScan,
    calls: loop.calls,
    scanned: loop.scanned,
    left: loop.left,
    nextDeferred,
    sane,
  };
}

/** The named clamps (ULONG_MAX/2, ULONG_MAX/4, LONG_MAX) at a priority and seeks. */
export function limitTable(priorities: readonly number[], seeksList: readonly number[]): (LimitOutcome & { limit: CountLimit })[] {
  const rows: (LimitOutcome & { limit: CountLimit })[] = [];
  for (const limit of Object.keys(COUNT_LIMITS) as CountLimit[]) {
    for (const p of priorities) for (const s of seeksList) rows.push({ limit, ...limitOutcome(COUNT_LIMITS[limit], p, s) });
  }
  return rows;
}
