/**
 * `shrink_node()`: one pass over one node at `sc.priority`.
 *
 * Step 1: under MGLRU on 6.12, root reclaim may lower the starting priority
 *         (`set_initial_priority`), which then persists for the caller's loop.
 * Step 2: walk the memcgs pre-order from the target; for each: LRU reclaim (the model keeps
 *         LRU pages per node, charged to the first memcg of a root walk), then
 *         `shrink_slab(sc.gfp_mask, nid, memcg, sc.priority)`.
 * Step 3: the pages shrinkers freed (reclaim_state) count towards `nr_reclaimed` only in
 *         root reclaim (`flush_reclaim_state`): a freed slab page may belong to any memcg.
 * 6.12 direct and memcg reclaim may stop the walk early once the goal is met (partial walk);
 * kswapd and the full-walk retry always visit every memcg.
 */
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { mglruInitialPriority } from './mglru.js';
import { inactiveReclaimable, shrinkLruvec } from './shrinkLruvec.js';
import { isRootReclaim, type ReclaimDeps, type ScanControl } from './scanControl.js';

export function shrinkNode(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): void {
  const root = isRootReclaim(sc);
  const mglruRoot = deps.mglru && root && deps.profile === '6.12';
  if (mglruRoot) {
    sc.priority = mglruInitialPriority(sc.priority, sc.nrToReclaim, inactiveReclaimable(mem, node, sc.maySwap));
  }
  deps.observer?.onShrinkNode?.(sc.path, sc.task, node.nid, sc.priority);

  const partialAllowed = deps.profile === '6.12' && sc.path !== 'kswapd' && !sc.memcgFullWalk;
  const walk = deps.memcgWalk(sc.targetMemcg);
  for (let i = 0; i < walk.length; i++) {
    const memcg = walk[i] ?? null;
    // The node's LRU pages are charged to the root of a root walk; a child memcg's own
    // pages are not modelled, so memcg-targeted reclaim only reaches its shrinkers.
    if (i === 0 && root) {
      const lru = shrinkLruvec(mem, node, sc);
      deps.observer?.onLru?.(sc.path, node.nid, sc.priority, sc.gfpMask, lru.reclaimedFile, lru.reclaimedAnon);
    }
    const out = deps.shrinkSlab({
      path: sc.path,
      task: sc.task,
      gfpMask: sc.gfpMask,
      nid: node.nid,
      memcg,
      priority: sc.priority,
    });
    sc.reclaimState += out.slabPagesFreed;
    // MGLRU's shrink_one flushes after every memcg; the classic path after the whole walk.
    if (mglruRoot) flushReclaimState(sc, root);
    if (partialAllowed && sc.nrReclaimed >= sc.nrToReclaim) break;
  }
  flushReclaimState(sc, root);
}

/** `flush_reclaim_state()`: credit shrinker-freed pages only to root reclaim. */
export function flushReclaimState(sc: ScanControl, root: boolean): void {
  if (root) sc.nrReclaimed += sc.reclaimState;
  sc.reclaimState = 0;
}
