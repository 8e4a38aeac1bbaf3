/**
 * `drop_slab()` / `drop_slab_node()` (mm/vmscan.c, identical in 6.1 and 6.12): what
 * `echo 2 > /proc/sys/vm/drop_caches` (or 3) does to slab caches.
 *
 * drop_slab_node(nid): for every memcg in a pre-order walk from the root (root first; just
 * NULL when memcg is disabled), `shrink_slab(GFP_KERNEL, nid, memcg, 0)`. Priority 0 means
 * the whole deferred backlog is in the slice and delta is 4·F/seeks.
 *
 * drop_slab(): rounds with shift = 0, 1, 2, …; each round sums drop_slab_node over the
 * online nodes, and another round runs only while `(freed >> shift++) > 1`: round k (from 0)
 * is followed by another only if it freed at least 2^(k+1) objects. That bounds the number
 * of rounds by ⌊log2 M⌋ + 1 when no round frees more than M, where the pre-6.0 `while
 * (freed > 10)` loop per node could spin for hours on a busy host.
 */
import { GFP_KERNEL } from '../gfp.js';
import { u64, type ULong } from '../kint.js';
import { shrinkSlab, type ShrinkSlabCtx } from './shrinkSlab.js';

export function dropSlabNode(ctx: ShrinkSlabCtx, nid: number): ULong {
  let freed = 0n;
  for (const memcg of ctx.memcgs.iter()) freed = u64(freed + shrinkSlab(ctx, GFP_KERNEL, nid, memcg, 0));
  return freed;
}

export interface DropSlabOptions {
  /** `fatal_signal_pending(current)`, asked before each node: true aborts at once. */
  readonly fatalSignalPending?: () => boolean;
}

/**
 * Runs drop_slab over `nodes` (the online node ids) and returns the freed count of every
 * round that ran, in order. A round cut short by a fatal signal is included as far as it
 * got, and ends the list.
 */
export function dropSlab(ctx: ShrinkSlabCtx, nodes: readonly number[], opts: DropSlabOptions = {}): ULong[] {
  const rounds: ULong[] = [];
  let shift = 0n;
  for (;;) {
    let freed = 0n;
    for (const nid of nodes) {
      if (opts.fatalSignalPending?.()) {
        rounds.push(freed);
        return rounds;
      }
      freed = u64(freed + dropSlabNode(ctx, nid));
    }
    rounds.push(freed);
    // `while ((freed >> shift++) > 1)`: unsigned long shifted by an int.
    const more = freed >> shift > 1n;
    shift++;
    if (!more) return rounds;
  }
}
