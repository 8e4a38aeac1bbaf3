/**
 * `shrink_node()`: one pass over one node at `sc.priority`.
 *
 * MGLRU root reclaim on 6.12 (`lru_gen_enabled() && root_reclaim(sc)`) is its own path,
 * `lru_gen_shrink_node` (shrinkMany.ts): generations per memcg lruvec, the memcg LRU walk from
 * a random bin, and shrink_slab after each memcg's LRU pass.
 *
 * Classic path (shrink_node_memcgs):
 * Step 1: walk the memcgs pre-order from the target; for each: LRU reclaim (the model keeps
 *         LRU pages per node, charged to the first memcg of a root walk; in a memcg-targeted
 *         walk, each limited memcg's own lruvec), then
 *         `shrink_slab(sc.gfp_mask, nid, memcg, sc.priority)`.
 * Step 2: the pages shrinkers freed (reclaim_state) count towards `nr_reclaimed` only in
 *         root reclaim (`flush_reclaim_state`): a freed slab page may belong to any memcg.
 * 6.12 direct and memcg reclaim may stop the walk early once the goal is met (partial walk);
 * kswapd and the full-walk retry always visit every memcg.
 */
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { shrinkLruvec } from './shrinkLruvec.js';
import { flushReclaimState, isRootReclaim, slabAsSteps, slabCall, type ReclaimDeps, type ScanControl } from './scanControl.js';
import { lruGenShrinkNodeSteps } from './shrinkMany.js';
import { NO_SCAN_TICK, runSteps, type ReclaimSteps } from '../shrinker/steps.js';
import { reportLruPass } from './lruPass.js';
import type { MemcgRef } from '../shrinker/types.js';
import { tryToShrinkLruvec } from './tryToShrinkLruvec.js';

export { flushReclaimState } from './scanControl.js';

export function shrinkNode(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): void {
  runSteps(shrinkNodeSteps(mem, node, sc, deps));
}

/**
 * shrink_node as steps: kswapd's pass yields after each LRU pass (its time elapses before
 * shrink_slab starts) and inside each shrinker call; the other paths run it at once.
 */
export function shrinkNodeSteps(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<void> {
  // Returns the steps of the path taken (not a generator delegating to them: one frame less
  // on every resume of kswapd's pass). Reads only the scan_control and the deps.
  const root = isRootReclaim(sc);
  if (deps.mglru && root && deps.profile === '6.12') return lruGenShrinkNodeSteps(mem, node, sc, deps);
  return shrinkNodeMemcgsSteps(mem, node, sc, deps, root);
}

/** The classic path: shrink_node_memcgs, then flush_reclaim_state. */
function* shrinkNodeMemcgsSteps(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps, root: boolean): ReclaimSteps<void> {
  deps.observer?.onShrinkNode?.(sc.path, sc.task, node.nid, sc.priority);

  const partialAllowed = deps.profile === '6.12' && sc.path !== 'kswapd' && !sc.memcgFullWalk;
  const walk = deps.memcgWalk(sc.targetMemcg);
  for (let i = 0; i < walk.length; i++) {
    const memcg = walk[i] ?? null;
    // The node's LRU pages are charged to the root of a root walk; of a child memcg only the
    // pages charged to a limited one (memory.max/.high, memcgCharge.ts) are its own lruvec.
    if (i === 0 && root) {
      const lru = shrinkLruvec(mem, node, sc);
      reportLruPass(deps, node.nid, sc, lru);
      yield NO_SCAN_TICK;
    }
    // Memcg-targeted reclaim (not root): each accounted memcg of the subtree gives up pages
    // of its own lruvec (shrink_lruvec → lru_gen_shrink_lruvec / try_to_shrink_lruvec on 6.12).
    if (!root) reclaimMemcgLruvec(mem, node, sc, deps, memcg);
    const call = slabCall(sc, node.nid, memcg);
    const out = slabAsSteps(deps, sc) ? yield* deps.shrinkSlabSteps(call) : deps.shrinkSlab(call);
    sc.reclaimState += out.slabPagesFreed;
    if (partialAllowed && sc.nrReclaimed >= sc.nrToReclaim) break;
  }
  flushReclaimState(sc, root);
}

/** The LRU part of shrink_node_memcgs for one memcg of a memcg-targeted walk. */
function reclaimMemcgLruvec(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps, memcg: MemcgRef | null): void {
  const lrugen = deps.memcgLruvec?.(memcg, node.nid);
  if (!lrugen) return;
  const lru = tryToShrinkLruvec(mem, node, lrugen, sc);
  // A memcg-targeted walk: cgroup reclaim, so only pgscan/pgsteal_{file,anon} count.
  reportLruPass(deps, node.nid, sc, lru);
}
