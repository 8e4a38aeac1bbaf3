/**
 * `do_try_to_free_pages()`: the priority loop shared by direct reclaim and memcg
 * (proactive) reclaim.
 *
 * Step 1: `do { shrink_zones(); if (nr_reclaimed >= nr_to_reclaim) break; } while (--priority >= 0)`,
 *         so priorities run 12 → 0 (or from MGLRU's lowered start) and stop once the goal is met.
 * Step 2: nothing reclaimed at all → 6.10+ (so 6.12) retries the whole loop once with a full
 *         memcg walk, from the initial priority. That is why every empty memory.reclaim call in
 *         the real p4 trace shows two 6 → 0 sweeps.
 */
import type { MemoryModel } from './nodeMemory.js';
import { isCgroupReclaim, type ReclaimDeps, type ScanControl } from './scanControl.js';
import { allocstallItem } from '../vmstat.js';
import { shrinkNodeSteps } from './shrinkNode.js';
import { runSteps, type ReclaimSteps } from '../shrinker/steps.js';

export function doTryToFreePages(mem: MemoryModel, sc: ScanControl, deps: ReclaimDeps): number {
  return runSteps(doTryToFreePagesSteps(mem, sc, deps));
}

/**
 * The same loop as steps (steps.ts): a timed direct reclaim (`sc.timed`) yields inside each
 * shrink_node (after its LRU pass, inside its shrinker calls), so its priorities run at
 * successive simulated times and other tasks run in between.
 */
export function* doTryToFreePagesSteps(mem: MemoryModel, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<number> {
  const initialPriority = sc.priority;
  for (;;) {
    // `retry:` is above the count, so the full-walk retry is a second allocstall.
    if (!isCgroupReclaim(sc)) deps.vmstat?.count(allocstallItem(sc.gfpMask));
    do {
      sc.nrScanned = 0;
      yield* shrinkZones(mem, sc, deps);
      if (sc.nrReclaimed >= sc.nrToReclaim) break;
    } while (--sc.priority >= 0);
    if (sc.nrReclaimed > 0) return sc.nrReclaimed;
    if (deps.profile === '6.12' && !sc.memcgFullWalk) {
      sc.priority = initialPriority;
      sc.memcgFullWalk = true;
      continue;
    }
    return 0;
  }
}

/**
 * `shrink_zones()`: one shrink_node per node, in zonelist order starting at the task's node
 * (ZONELIST_FALLBACK visits the local node first, then the others by distance; the model
 * takes them in id order after the local one).
 */
function* shrinkZones(mem: MemoryModel, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<void> {
  const n = mem.nodes.length;
  const first = Math.min(Math.max(sc.task.nid ?? 0, 0), n - 1);
  for (let k = 0; k < n; k++) {
    const node = mem.nodes[(first + k) % n];
    if (node) yield* shrinkNodeSteps(mem, node, sc, deps);
  }
}

