/**
 * The page allocator's reclaim decisions (`__alloc_pages` / `__alloc_pages_slowpath`,
 * mm/page_alloc.c), reduced to order-0 requests against one node's free pages:
 *
 * Step 1: fast path: take the pages if free stays at or above the LOW watermark.
 * Step 2: otherwise wake kswapd (if the gfp allows `__GFP_KSWAPD_RECLAIM`) and retry against
 *         the MIN watermark (`__GFP_HIGH` callers may dig to min/2, as ALLOC_MIN_RESERVE).
 * Step 3: still short and `__GFP_DIRECT_RECLAIM` set: direct reclaim in the task's own gfp
 *         context, then retry; up to MAX_RECLAIM_RETRIES attempts without progress.
 * Step 4: give up: a non-blocking request fails; a blocking one reports OOM (the caller
 *         decides what the OOM killer takes).
 * Results are values: a failed allocation is data, never an exception.
 */
import { __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, type GfpMask } from '../gfp.js';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './constants.js';
import { tryToFreePages } from './directReclaim.js';
import type { MemoryModel, NodeMemory, PageOwner } from './nodeMemory.js';
import type { ReclaimDeps, TaskRef } from './scanControl.js';

export type AllocResult =
  | { readonly ok: true; readonly directReclaims: number; readonly reclaimed: number }
  | {
      readonly ok: false;
      /** `nowait`: no direct reclaim allowed; `oom`: reclaim made no progress. */
      readonly reason: 'nowait' | 'oom';
      readonly directReclaims: number;
      readonly reclaimed: number;
    };

export interface AllocEnv {
  readonly mem: MemoryModel;
  readonly deps: ReclaimDeps;
  /** `wakeup_kswapd(nid)` for an allocation of `pages`; the run loop schedules the kswapd run. */
  wakeKswapd(nid: number, pages: number): void;
  /** A direct reclaim that made progress (kswapd_failures is reset). */
  onDirectProgress?(nid: number): void;
}

const fits = (node: NodeMemory, n: number, mark: number): boolean => node.free - n >= mark;

/**
 * Allocates `n` pages as the kernel would: as a run of small requests, not one giant one.
 * A workload that faults in 36 MiB does so page by page, and each page that finds free memory
 * below the watermark triggers its own direct reclaim of SWAP_CLUSTER_MAX pages; modelling
 * the whole amount as one request would need one reclaim to free everything at once and fail
 * where the kernel succeeds. Requests go in chunks of SWAP_CLUSTER_MAX pages (one direct
 * reclaim's target). The first chunk that fails ends the run; chunks already taken stay taken.
 */
export function allocPages(
  env: AllocEnv,
  node: NodeMemory,
  owner: PageOwner,
  n: number,
  gfpMask: GfpMask,
  task: TaskRef,
): AllocResult {
  if (n <= SWAP_CLUSTER_MAX) return allocChunk(env, node, owner, n, gfpMask, task);
  let directReclaims = 0;
  let reclaimed = 0;
  for (let left = n; left > 0; left -= SWAP_CLUSTER_MAX) {
    const r = allocChunk(env, node, owner, Math.min(left, SWAP_CLUSTER_MAX), gfpMask, task);
    directReclaims += r.directReclaims;
    reclaimed += r.reclaimed;
    if (!r.ok) return { ok: false, reason: r.reason, directReclaims, reclaimed };
  }
  return { ok: true, directReclaims, reclaimed };
}

function allocChunk(
  env: AllocEnv,
  node: NodeMemory,
  owner: PageOwner,
  n: number,
  gfpMask: GfpMask,
  task: TaskRef,
): AllocResult {
  if (n <= 0 || fits(node, n, node.wmark.low)) {
    node.take(owner, n);
    return { ok: true, directReclaims: 0, reclaimed: 0 };
  }
  if (gfpMask & __GFP_KSWAPD_RECLAIM) env.wakeKswapd(node.nid, n);
  const minMark = gfpMask & __GFP_HIGH ? Math.floor(node.wmark.min / 2) : node.wmark.min;
  if (fits(node, n, minMark)) {
    node.take(owner, n);
    return { ok: true, directReclaims: 0, reclaimed: 0 };
  }
  if (!(gfpMask & __GFP_DIRECT_RECLAIM)) return { ok: false, reason: 'nowait', directReclaims: 0, reclaimed: 0 };

  let directReclaims = 0;
  let reclaimed = 0;
  let noProgress = 0;
  while (noProgress <= MAX_RECLAIM_RETRIES) {
    const r = tryToFreePages(env.mem, { ...task, nid: node.nid }, gfpMask, env.deps);
    directReclaims++;
    reclaimed += r;
    if (r > 0) env.onDirectProgress?.(node.nid);
    if (fits(node, n, minMark)) {
      node.take(owner, n);
      return { ok: true, directReclaims, reclaimed };
    }
    if (r === 0) noProgress++;
    // Progress that still leaves us short is retried without counting (should_reclaim_retry
    // only counts loops that made no progress).
    else if (directReclaims > 4 * MAX_RECLAIM_RETRIES) break;
  }
  return { ok: false, reason: 'oom', directReclaims, reclaimed };
}
