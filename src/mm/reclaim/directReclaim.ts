/**
 * `try_to_free_pages()`: direct reclaim by an allocating task, in its own gfp context.
 * `nr_to_reclaim = SWAP_CLUSTER_MAX`, priorities 12 → 0, and the task's memalloc_nofs/noio
 * scope strips __GFP_FS/__GFP_IO first (`current_gfp_context`), which is what makes
 * filesystem shrinkers STOP and defer their work.
 */
import { currentGfpContext, type GfpMask } from '../gfp.js';
import { DEF_PRIORITY } from '../shrinker/types.js';
import { SWAP_CLUSTER_MAX } from './constants.js';
import { doTryToFreePagesSteps } from './doTryToFreePages.js';
import type { MemoryModel } from './nodeMemory.js';
import { newScanControl, type ReclaimDeps, type TaskRef } from './scanControl.js';
import { runSteps, type ReclaimSteps } from '../shrinker/steps.js';

export function tryToFreePages(mem: MemoryModel, task: TaskRef, gfpMask: GfpMask, deps: ReclaimDeps): number {
  return runSteps(tryToFreePagesSteps(mem, task, gfpMask, deps, false));
}

/**
 * try_to_free_pages as steps. `timed`: the allocating task's reclaim is priced on the virtual
 * clock (its shrinker calls run as steps and overlap other reclaimers'); otherwise the steps
 * are run at once and the shrinker calls take the atomic path.
 */
export function* tryToFreePagesSteps(mem: MemoryModel, task: TaskRef, gfpMask: GfpMask, deps: ReclaimDeps, timed: boolean): ReclaimSteps<number> {
  const sc = newScanControl({
    path: 'direct',
    task,
    nrToReclaim: SWAP_CLUSTER_MAX,
    gfpMask: currentGfpContext(gfpMask, task.scope ?? 'none'),
    priority: DEF_PRIORITY,
    targetMemcg: null,
    maySwap: true,
    proactive: false,
  });
  if (timed) sc.timed = true;
  deps.observer?.onBegin?.('direct', task, sc.gfpMask, task.nid ?? 0);
  const reclaimed = yield* doTryToFreePagesSteps(mem, sc, deps);
  deps.observer?.onEnd?.('direct', task, reclaimed, task.nid ?? 0);
  return reclaimed;
}
