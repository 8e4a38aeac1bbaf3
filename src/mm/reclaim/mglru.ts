/**
 * MGLRU's `set_initial_priority()` (mm/vmscan.c, 6.8+, with Yu Zhao's 2024 floor at
 * DEF_PRIORITY/2): root reclaim under the multi-gen LRU may start below DEF_PRIORITY, which
 * is why the real p4 trace's memory.reclaim passes start at priority 6 and why kswapd can hit
 * the shrinkers at 6 on its first pass.
 */
import { DEF_PRIORITY } from '../shrinker/types.js';
import { MIN_LRU_BATCH } from './constants.js';

/** `fls_long(x)`: 1-based index of the highest set bit, 0 for 0. */
export function flsLong(x: number): number {
  if (x <= 0) return 0;
  // Math.log2 is exact for powers of two but can round up just below one; correct it.
  let n = Math.floor(Math.log2(x)) + 1;
  while (n > 1 && 2 ** (n - 1) > x) n--;
  while (2 ** n <= x) n++;
  return n;
}

/**
 * The priority a root-reclaim pass starts at, given the current one.
 * Only when it is still DEF_PRIORITY and `nrToReclaim ≥ MIN_LRU_BATCH` (so direct reclaim,
 * with its 32 pages, always keeps 12): `fls(reclaimable) - 1 - fls(nrToReclaim - 1)`, i.e.
 * the priority at which `reclaimable >> priority` is about `nrToReclaim`, clamped to
 * [DEF_PRIORITY/2, DEF_PRIORITY].
 */
export function mglruInitialPriority(priority: number, nrToReclaim: number, inactiveReclaimable: number): number {
  if (priority !== DEF_PRIORITY || nrToReclaim < MIN_LRU_BATCH) return priority;
  const p = flsLong(inactiveReclaimable) - 1 - flsLong(nrToReclaim - 1);
  return Math.min(Math.max(p, DEF_PRIORITY / 2), DEF_PRIORITY);
}
