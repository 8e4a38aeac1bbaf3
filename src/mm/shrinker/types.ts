/**
 * The shrinker contract (include/linux/shrinker.h) as types.
 *
 * Results are discriminated unions so that an illegal value cannot be spelled: `count` can
 * say a number, EMPTY, or 0 "unknown" but never STOP; `scan` can say freed or STOP but never
 * EMPTY. The raw C-style unsigned long protocol lives in `raw.ts`, for what-if questions.
 */
import { assertNever } from '../../util/assertNever.js';
import type { GfpMask } from '../gfp.js';
import { LONG_MAX, ULONG_MAX, type Long, type ULong } from '../kint.js';

/** `~0UL`: scan_objects could not make progress (deadlock risk); valid only from scan. */
export const SHRINK_STOP: ULong = ULONG_MAX;
/** `~0UL - 1`: count_objects says "nothing at all"; valid only from count. */
export const SHRINK_EMPTY: ULong = ULONG_MAX - 1n;
/** "A good number if you don't know better." */
export const DEFAULT_SEEKS = 2;
/** Batch used when `shrinker.batch` is 0. */
export const SHRINK_BATCH = 128;
/** Reclaim starts here and lowers the number as pressure grows (1/4096th of the queues). */
export const DEF_PRIORITY = 12;

/** Flag bits as 6.7+ (and so 6.12) defines them. 6.1's bit values differ: see `flagBits`. */
export const SHRINKER_REGISTERED = 1 << 0;
export const SHRINKER_ALLOCATED = 1 << 1;
export const SHRINKER_NUMA_AWARE = 1 << 2;
export const SHRINKER_MEMCG_AWARE = 1 << 3;
export const SHRINKER_NONSLAB = 1 << 4;

export type KernelProfile = '6.1' | '6.12';

/** User-settable flags, by name (values differ between eras; names do not). */
export interface ShrinkerFlags {
  readonly numaAware: boolean;
  readonly memcgAware: boolean;
  readonly nonslab: boolean;
}

export const NO_FLAGS: ShrinkerFlags = { numaAware: false, memcgAware: false, nonslab: false };

/** The raw `flags` word of an era, for display and debugfs. */
export function flagBits(f: ShrinkerFlags, profile: KernelProfile): number {
  if (profile === '6.1') {
    return (f.numaAware ? 1 << 1 : 0) | (f.memcgAware ? 1 << 2 : 0) | (f.nonslab ? 1 << 3 : 0);
  }
  return (
    (f.numaAware ? SHRINKER_NUMA_AWARE : 0) |
    (f.memcgAware ? SHRINKER_MEMCG_AWARE : 0) |
    (f.nonslab ? SHRINKER_NONSLAB : 0)
  );
}

/**
 * What `count_objects` may answer.
 * - `objects`: n > 0 freeable objects (n never exceeds the configured clamp, ≤ LONG_MAX).
 * - `unknown`: 0 in C: "no reclaim work can be done right now" (a trylock failed, …). In a
 *   memcg walk the shrinker's bit stays set.
 * - `empty`: SHRINK_EMPTY: nothing reclaimable now or soon; clears the memcg bit.
 */
export type CountResult =
  | { readonly kind: 'objects'; readonly n: Long }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'empty' };

/**
 * Upper bounds for a count, from the Rust shrinker review: the core computes `2 * freeable`
 * and, at priority 0, `freeable * 4`, both in 64 bits. `ULONG_MAX/2` was Rust v1's MAX;
 * Sima pointed out `ULONG_MAX/4` because of the ×4. Neither is safe with seeks = 1 at
 * priority 0 (×4 then no division): see test/mm/shrinker/limits.test.ts.
 */
export const COUNT_LIMITS = {
  'ULONG_MAX/2': ULONG_MAX / 2n,
  'ULONG_MAX/4': ULONG_MAX / 4n,
  LONG_MAX: LONG_MAX,
} as const;
export type CountLimit = keyof typeof COUNT_LIMITS;

export const CountObjects = {
  UNKNOWN: { kind: 'unknown' } as CountResult,
  EMPTY: { kind: 'empty' } as CountResult,
  /**
   * A count of n objects. 0 means "unknown", never EMPTY (Dave Chinner's point in the Rust
   * review); values above the limit are clamped to it, so a count can never alias a sentinel.
   * The default clamp is ULONG_MAX/4: at ULONG_MAX/2 (= LONG_MAX) `2 * freeable` wraps to −2
   * and the deferred slot goes negative at every priority (see limits.ts).
   */
  new(n: number | bigint, limit: CountLimit = 'ULONG_MAX/4'): CountResult {
    const v = BigInt(n);
    if (v < 0n) throw new RangeError(`count_objects: negative count ${v}`);
    if (v === 0n) return CountObjects.UNKNOWN;
    const max = COUNT_LIMITS[limit];
    return { kind: 'objects', n: v > max ? max : v };
  },
} as const;

/**
 * What `scan_objects` may answer: objects freed, or STOP (no further scan calls in this
 * do_shrink_slab; the un-attempted work goes back to nr_deferred).
 */
export type ScanResult = { readonly kind: 'freed'; readonly freed: ULong } | { readonly kind: 'stop' };

export const ScanObjects = {
  STOP: { kind: 'stop' } as ScanResult,
  /** Dave Chinner: scan's return is only summed, so no ×2 headroom: max is SHRINK_STOP - 1. */
  MAX: ULONG_MAX - 1n,
  freed(n: number | bigint): ScanResult {
    const v = BigInt(n);
    if (v < 0n) throw new RangeError(`scan_objects: negative freed ${v}`);
    return { kind: 'freed', freed: v > ScanObjects.MAX ? ScanObjects.MAX : v };
  },
} as const;

/** A memory cgroup as a shrinker sees it: `null` means "memcg disabled / not given". */
export interface MemcgRef {
  readonly id: number;
  readonly ino: number;
  readonly isRoot: boolean;
}

/**
 * `struct shrink_control`. `nrToScan` is reset before every scan call, so the callee may
 * modify it (list_lru_shrink_walk decrements it in place); `nrScanned` defaults to
 * `nrToScan` and the callee should set it to its real progress (may exceed the request).
 */
export class ShrinkControl {
  nrToScan = 0;
  nrScanned = 0;
  constructor(
    readonly gfpMask: GfpMask,
    /** Passed unchanged even to NUMA-unaware shrinkers; only their deferred slot is 0. */
    readonly nid: number,
    readonly memcg: MemcgRef | null,
  ) {}
}

/**
 * One idle shrink_control for the life of the process: each do_shrink_slab's dies with its
 * call, and V8 discards the optimized shrinker code once the last object of a shape it saw is
 * gone (at the end of a run, for the next run in the same process).
 */
export const SHRINK_CONTROL_SHAPE = new ShrinkControl(0 as GfpMask, 0, null);

/** The callbacks of a typed shrinker. `priv` is the shrinker's private_data. */
export interface ShrinkerOps<P = unknown> {
  count(sc: ShrinkControl, priv: P): CountResult;
  scan(sc: ShrinkControl, priv: P): ScanResult;
}

/** The C-style callbacks: any unsigned long, sentinels included, as the kernel sees them. */
export interface RawShrinkerOps<P = unknown> {
  countRaw(sc: ShrinkControl, priv: P): ULong;
  scanRaw(sc: ShrinkControl, priv: P): ULong;
}

/** Lowers typed results to the unsigned long values the kernel core compares against. */
export function countToRaw(r: CountResult): ULong {
  switch (r.kind) {
    case 'objects':
      return r.n;
    case 'unknown':
      return 0n;
    case 'empty':
      return SHRINK_EMPTY;
    default:
      return assertNever(r);
  }
}

export function scanToRaw(r: ScanResult): ULong {
  switch (r.kind) {
    case 'freed':
      return r.freed;
    case 'stop':
      return SHRINK_STOP;
    default:
      return assertNever(r);
  }
}

/** Adapts typed callbacks to the raw protocol the core runs on. */
export function rawFromTyped<P>(ops: ShrinkerOps<P>): RawShrinkerOps<P> {
  return {
    countRaw: (sc, p) => countToRaw(ops.count(sc, p)),
    scanRaw: (sc, p) => scanToRaw(ops.scan(sc, p)),
  };
}

/** Kept here for existing importers; the definition lives in util/assertNever.ts. */
export { assertNever };
