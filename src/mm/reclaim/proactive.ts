/**
 * Proactive reclaim: `echo <bytes> > memory.reclaim` (mm/memcontrol.c `memory_reclaim`) and
 * `try_to_free_mem_cgroup_pages()` (mm/vmscan.c).
 *
 * The write loops until the requested pages are reclaimed: each call asks for a batch
 * (6.12: a quarter of what is left; 6.1: all of it), and a call that reclaims nothing uses
 * up one of MAX_RECLAIM_RETRIES retries; the write fails with EAGAIN when they run out.
 * Each call: `nr_to_reclaim = max(batch, SWAP_CLUSTER_MAX)`,
 * gfp = `(current_gfp_context(GFP_KERNEL) & GFP_RECLAIM_MASK) | (GFP_HIGHUSER_MOVABLE & ~GFP_RECLAIM_MASK)`
 * (= GFP_HIGHUSER_MOVABLE), priorities 12 → 0 from do_try_to_free_pages.
 */
import { currentGfpContext, gfp, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_RECLAIM_MASK, type GfpMask } from '../gfp.js';
import { DEF_PRIORITY, type MemcgRef } from '../shrinker/types.js';
import { MAX_RECLAIM_RETRIES, PAGE_SIZE, SWAP_CLUSTER_MAX } from './constants.js';
import { doTryToFreePages } from './doTryToFreePages.js';
import type { MemoryModel } from './nodeMemory.js';
import { newScanControl, type ReclaimDeps, type TaskRef } from './scanControl.js';

/** The scan_control gfp of memcg reclaim. */
export function memcgReclaimGfp(callerGfp: GfpMask, scope: TaskRef['scope'] = 'none'): GfpMask {
  return gfp((currentGfpContext(callerGfp, scope) & GFP_RECLAIM_MASK) | (GFP_HIGHUSER_MOVABLE & ~GFP_RECLAIM_MASK));
}

export function tryToFreeMemCgroupPages(
  mem: MemoryModel,
  memcg: MemcgRef | null,
  nrPages: number,
  task: TaskRef,
  deps: ReclaimDeps,
  opts: { maySwap?: boolean; callerGfp?: GfpMask } = {},
): number {
  const sc = newScanControl({
    path: 'proactive',
    task,
    nrToReclaim: Math.max(nrPages, SWAP_CLUSTER_MAX),
    gfpMask: memcgReclaimGfp(opts.callerGfp ?? GFP_KERNEL, task.scope),
    priority: DEF_PRIORITY,
    targetMemcg: memcg,
    maySwap: opts.maySwap ?? true,
    proactive: true,
  });
  deps.observer?.onBegin?.('proactive', task, sc.gfpMask, task.nid ?? 0);
  const r = doTryToFreePages(mem, sc, deps);
  deps.observer?.onEnd?.('proactive', task, r, task.nid ?? 0);
  return r;
}

export type MemoryReclaimResult =
  | { readonly ok: true; readonly nrReclaimed: number; readonly calls: number }
  | { readonly ok: false; readonly errno: 'EAGAIN'; readonly nrReclaimed: number; readonly calls: number };

/** `memory_reclaim()`: the write handler of memory.reclaim for `bytes`. */
export function memoryReclaim(
  mem: MemoryModel,
  memcg: MemcgRef | null,
  bytes: number,
  task: TaskRef,
  deps: ReclaimDeps,
  opts: { maySwap?: boolean } = {},
): MemoryReclaimResult {
  const nrToReclaim = Math.floor(bytes / PAGE_SIZE);
  let nrRetries = MAX_RECLAIM_RETRIES;
  let nrReclaimed = 0;
  let calls = 0;
  while (nrReclaimed < nrToReclaim) {
    const left = nrToReclaim - nrReclaimed;
    // 6.9+ (T.J. Mercier): a quarter of what is left, converging on the floor of 32;
    // before 6.6 the whole remainder was asked for at once.
    const batch = deps.profile === '6.12' ? Math.floor(left / 4) : left;
    const reclaimed = tryToFreeMemCgroupPages(mem, memcg, batch, task, deps, opts);
    calls++;
    if (reclaimed === 0 && nrRetries-- === 0) return { ok: false, errno: 'EAGAIN', nrReclaimed, calls };
    nrReclaimed += reclaimed;
  }
  return { ok: true, nrReclaimed, calls };
}
