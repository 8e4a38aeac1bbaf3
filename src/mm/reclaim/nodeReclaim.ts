/**
 * `node_reclaim()` / `__node_reclaim()` (zone_reclaim_mode ≠ 0): reclaim on the local node
 * before falling back to a remote one. Starts at NODE_RECLAIM_PRIORITY (4), not 12, and
 * repeats shrink_node while `nr_reclaimed < nr_pages && --priority >= 0`: 4 → 0.
 */
import { currentGfpContext, type GfpMask } from '../gfp.js';
import { NODE_RECLAIM_PRIORITY, SWAP_CLUSTER_MAX } from './constants.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { newScanControl, type ReclaimDeps, type TaskRef } from './scanControl.js';
import { shrinkNode } from './shrinkNode.js';

export function nodeReclaim(
  mem: MemoryModel,
  node: NodeMemory,
  order: number,
  gfpMask: GfpMask,
  task: TaskRef,
  deps: ReclaimDeps,
): number {
  const nrPages = 1 << order;
  const sc = newScanControl({
    path: 'node',
    task,
    nrToReclaim: Math.max(nrPages, SWAP_CLUSTER_MAX),
    gfpMask: currentGfpContext(gfpMask, task.scope ?? 'none'),
    priority: NODE_RECLAIM_PRIORITY,
    targetMemcg: null,
    maySwap: true,
    proactive: false,
  });
  do {
    shrinkNode(mem, node, sc, deps);
  } while (sc.nrReclaimed < nrPages && --sc.priority >= 0);
  return sc.nrReclaimed;
}
