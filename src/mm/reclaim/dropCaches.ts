/**
 * `echo N > /proc/sys/vm/drop_caches` (fs/drop_caches.c): bit 1 invalidates clean, unmapped
 * page cache; bit 2 runs `drop_slab()`:
 *
 * Step 1: round k (shift = k) sums, over online nodes, `drop_slab_node(nid)` = Σ over the
 *         memcgs pre-order from the root of `shrink_slab(GFP_KERNEL, nid, memcg, 0)`.
 * Step 2: repeat while `(freed >> shift++) > 1`: round k runs again only if round k−1
 *         freed ≥ 2^k objects, so it always terminates.
 * Priority is always 0 and the gfp always GFP_KERNEL. No scan_control, so nothing is
 * credited as reclaimed; the freed pages simply return to the free pool.
 */
import { GFP_KERNEL } from '../gfp.js';
import type { MemoryModel } from './nodeMemory.js';
import type { ReclaimDeps, TaskRef } from './scanControl.js';

export type DropCachesMode = 1 | 2 | 3;

export interface DropCachesResult {
  readonly pageCacheDropped: number;
  /** Objects freed by each drop_slab round (empty when bit 2 was not set). */
  readonly slabRounds: readonly bigint[];
  readonly slabPagesFreed: number;
}

/** The task the real traces show writing drop_caches (the test harness ran as init). */
export const DROP_CACHES_TASK: TaskRef = { comm: 'init', pid: 1, cpu: 0, nid: 0, scope: 'none' };

export function dropCaches(
  mem: MemoryModel,
  mode: DropCachesMode,
  deps: ReclaimDeps,
  task: TaskRef = DROP_CACHES_TASK,
): DropCachesResult {
  let pageCacheDropped = 0;
  if (mode & 1) {
    for (const node of mem.nodes) {
      // drop_pagecache_sb: invalidate_mapping_pages skips mapped (and dirty) pages.
      pageCacheDropped += node.release('file', node.file - node.fileMapped);
    }
    deps.vmstat?.count('drop_pagecache');
  }
  const slabRounds: bigint[] = [];
  let slabPagesFreed = 0;
  if (mode & 2) {
    let shift = 0n;
    let freed: bigint;
    do {
      freed = 0n;
      for (const node of mem.nodes) {
        deps.observer?.onShrinkNode?.('drop_caches', task, node.nid, 0);
        for (const memcg of deps.memcgWalk(null)) {
          const out = deps.shrinkSlab({ path: 'drop_caches', task, gfpMask: GFP_KERNEL, nid: node.nid, memcg, priority: 0 });
          freed += out.freed;
          slabPagesFreed += out.slabPagesFreed + (out.binderPagesFreed ?? 0);
        }
      }
      slabRounds.push(freed);
    } while (freed >> shift++ > 1n);
    deps.vmstat?.count('drop_slab');
  }
  return { pageCacheDropped, slabRounds, slabPagesFreed };
}
