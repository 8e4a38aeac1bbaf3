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
 * Classic path (shrink_node_memcgs): 6.12 direct and memcg reclaim may stop the walk early
 * once the goal is met (partial walk); kswapd and the full-walk retry always visit every memcg.
 * MGLRU root path (lru_gen_shrink_node → shrink_many → shrink_one): kswapd's `nr_reclaimed`
 * counts this pass only (it is zeroed and added back after), and the walk ends as soon as
 * `should_abort_scan` says so: the goal is met, or (kswapd) free pages are above
 * high + MIN_LRU_BATCH. Then the memcgs not yet visited get no shrink_slab in this pass.
 * (The kernel walks MGLRU's memcg generations from a random bin; the model walks pre-order.)
 */
import { MIN_LRU_BATCH } from './constants.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { mglruInitialPriority } from './mglru.js';
import { inactiveReclaimable, shrinkLruvec } from './shrinkLruvec.js';
import { isCgroupReclaim, isRootReclaim, type ReclaimDeps, type ScanControl } from './scanControl.js';
import { countLruPass } from '../vmstat.js';

export function shrinkNode(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): void {
  const root = isRootReclaim(sc);
  const mglruRoot = deps.mglru && root && deps.profile === '6.12';
  if (mglruRoot) {
    sc.priority = mglruInitialPriority(sc.priority, sc.nrToReclaim, inactiveReclaimable(mem, node, sc.maySwap));
  }
  deps.observer?.onShrinkNode?.(sc.path, sc.task, node.nid, sc.priority);
  // lru_gen_shrink_node: kswapd judges should_abort_scan on this pass's reclaim alone.
  const kswapdCarry = mglruRoot && sc.path === 'kswapd' ? sc.nrReclaimed : 0;
  if (kswapdCarry) sc.nrReclaimed = 0;

  const partialAllowed = deps.profile === '6.12' && sc.path !== 'kswapd' && !sc.memcgFullWalk;
  const walk = deps.memcgWalk(sc.targetMemcg);
  for (let i = 0; i < walk.length; i++) {
    const memcg = walk[i] ?? null;
    // The node's LRU pages are charged to the root of a root walk; a child memcg's own
    // pages are not modelled, so memcg-targeted reclaim only reaches its shrinkers.
    if (i === 0 && root) {
      const lru = shrinkLruvec(mem, node, sc, mglruRoot ? 'mglru' : 'classic');
      deps.observer?.onLru?.(sc.path, node.nid, sc.priority, sc.gfpMask, lru.reclaimedFile, lru.reclaimedAnon);
      // shrink_inactive_list / evict_folios count the pass's pgscan_* and pgsteal_*.
      if (deps.vmstat) {
        countLruPass(
          deps.vmstat,
          { kswapd: sc.path === 'kswapd', cgroup: isCgroupReclaim(sc) },
          { file: lru.scannedFile, anon: lru.scannedAnon },
          { file: lru.reclaimedFile, anon: lru.reclaimedAnon },
        );
      }
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
    if (mglruRoot) {
      flushReclaimState(sc, root);
      if (shouldAbortScan(node, sc)) break;
    } else if (partialAllowed && sc.nrReclaimed >= sc.nrToReclaim) break;
  }
  flushReclaimState(sc, root);
  sc.nrReclaimed += kswapdCarry;
}

/**
 * MGLRU's `should_abort_scan` for root reclaim at order 0: the goal is met, or kswapd sees
 * free pages above high + MIN_LRU_BATCH (`zone_watermark_ok` is a strict `>`).
 */
export function shouldAbortScan(node: NodeMemory, sc: ScanControl): boolean {
  if (sc.nrReclaimed >= sc.nrToReclaim) return true;
  return sc.path === 'kswapd' && node.free > node.wmark.high + MIN_LRU_BATCH;
}

/** `flush_reclaim_state()`: credit shrinker-freed pages only to root reclaim. */
export function flushReclaimState(sc: ScanControl, root: boolean): void {
  if (root) sc.nrReclaimed += sc.reclaimState;
  sc.reclaimState = 0;
}
