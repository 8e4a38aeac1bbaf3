/**
 * The OOM killer's decisions, as mm/page_alloc.c and mm/oom_kill.c make them (6.1 and 6.12
 * agree on every rule below), as pure functions: the allocator asks them, the machine acts.
 *
 * Step 1 (`should_reclaim_retry`): after a direct reclaim that left the request unmet, a loop
 *         that made progress resets `no_progress_loops` (order ≤ PAGE_ALLOC_COSTLY_ORDER only),
 *         any other increments it; past MAX_RECLAIM_RETRIES the allocator stops retrying. It
 *         also stops when even all reclaimable pages plus the free ones would not lift the
 *         zone over its min watermark.
 * Step 2 (`__alloc_pages_slowpath` / `__alloc_pages_may_oom`): __GFP_NORETRY fails after its
 *         first reclaim, without retrying; costly orders fail; __GFP_RETRY_MAYFAIL and
 *         __GFP_THISNODE never invoke the OOM killer (the caller has a fallback), nor do
 *         lowmem-only requests (__GFP_DMA, __GFP_DMA32).
 * Step 3 (`out_of_memory`): a request without __GFP_FS (GFP_NOFS, GFP_NOIO) that is not a memcg
 *         OOM kills nothing but reports progress ("the OOM killer does not compensate for
 *         IO-less reclaim"), so the allocator resets its loop count and keeps reclaiming.
 *         Otherwise `select_bad_process` picks the task of highest `oom_badness`.
 * Step 4 (`oom_badness`): rss + swap entries + page-table pages, plus
 *         `oom_score_adj × (totalpages / 1000)` (integer division first, as the kernel does);
 *         OOM_SCORE_ADJ_MIN (-1000) is never chosen. `oom_evaluate_task` replaces the chosen
 *         task unless `points < chosen_points`: among equals, the one met last in
 *         `for_each_process` order wins.
 */
import { __GFP_DMA, __GFP_DMA32, __GFP_FS, __GFP_NOFAIL, __GFP_NORETRY, __GFP_RETRY_MAYFAIL, __GFP_THISNODE, type GfpMask } from './gfp.js';
import { MAX_RECLAIM_RETRIES } from './reclaim/constants.js';
/** include/linux/mmzone.h: orders above this are "costly". */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** include/uapi/linux/oom.h. */
export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;
/** PTEs per page-table page on x86-64 and arm64 with 4 KiB pages. */
export const PTRS_PER_PTE = 512;

/** `should_reclaim_retry`'s answer and the new `no_progress_loops`. */
export interface RetryDecision {
  readonly retry: boolean;
  readonly noProgressLoops: number;
}

/**
 * `should_reclaim_retry()` for one zone: `didProgress` is `did_some_progress > 0` of the
 * reclaim just made; `wmarkOk` is `__zone_watermark_ok(min, free + reclaimable)`.
 */
export function shouldReclaimRetry(order: number, didProgress: boolean, noProgressLoops: number, wmarkOk: boolean): RetryDecision {
  const loops = didProgress && order <= PAGE_ALLOC_COSTLY_ORDER ? 0 : noProgressLoops + 1;
  if (loops > MAX_RECLAIM_RETRIES) return { retry: false, noProgressLoops: loops };
  return { retry: wmarkOk, noProgressLoops: loops };
}

/** What the slow path does once reclaim failed and `should_reclaim_retry` said stop. */
export type SlowpathEnd =
  /** `goto nopage`: the request fails, no OOM killer. */
  | 'fail'
  /** `__alloc_pages_may_oom` → `out_of_memory` with a kill allowed. */
  | 'oom_kill'
  /** `out_of_memory` returns true without killing (!__GFP_FS): "progress", retry reclaim. */
  | 'nofs_progress';

/** The slow path's rules before and inside `__alloc_pages_may_oom` (global OOM, not memcg). */
export function slowpathEnd(gfpMask: GfpMask, order: number): SlowpathEnd {
  if (gfpMask & __GFP_NORETRY) return 'fail';
  // Costly orders fail before should_reclaim_retry unless __GFP_RETRY_MAYFAIL, and
  // __alloc_pages_may_oom never kills for them ("The OOM killer will not help higher order allocs").
  if (order > PAGE_ALLOC_COSTLY_ORDER) return 'fail';
  if (gfpMask & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) return 'fail';
  // "The OOM killer does not needlessly kill tasks for lowmem": highest_zoneidx < ZONE_NORMAL.
  if (gfpMask & (__GFP_DMA | __GFP_DMA32)) return 'fail';
  if (!(gfpMask & __GFP_FS)) return 'nofs_progress';
  return 'oom_kill';
}

/** A __GFP_NOFAIL request never fails in the kernel (it would loop and get reserves). */
export const isNoFail = (gfpMask: GfpMask): boolean => (gfpMask & __GFP_NOFAIL) !== 0;

/** What `oom_badness` reads of a task's mm, in pages, and its `oom_score_adj`. */
export interface OomCandidate {
  readonly pid: number;
  readonly comm: string;
  /** MM_ANONPAGES + MM_FILEPAGES + MM_SHMEMPAGES (`get_mm_rss`). */
  readonly rssPages: number;
  /** MM_SWAPENTS. */
  readonly swapPages: number;
  /** `mm_pgtables_bytes(mm) / PAGE_SIZE`. */
  readonly pgtablePages: number;
  readonly oomScoreAdj: number;
}

/**
 * Page-table pages of a mapping of `pages` contiguous pages: its PTE pages
 * (`mm_pgtables_bytes` counts PTE and PMD tables; one PMD page covers 1 GiB, so a small mapping
 * adds one).
 */
export function pgtablePagesFor(pages: number): number {
  if (pages <= 0) return 0;
  return Math.ceil(pages / PTRS_PER_PTE) + Math.ceil(pages / (PTRS_PER_PTE * PTRS_PER_PTE));
}

/** `oom_badness(p, totalpages)`; null for LONG_MIN (never chosen: oom_score_adj -1000). */
export function oomBadness(c: OomCandidate, totalPages: number): number | null {
  if (c.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
  const points = c.rssPages + c.swapPages + c.pgtablePages;
  return points + c.oomScoreAdj * Math.floor(totalPages / 1000);
}

export interface OomChoice {
  readonly index: number;
  readonly points: number;
}

/** `select_bad_process` over `candidates` in `for_each_process` order; null: nothing killable. */
export function selectBadProcess(candidates: readonly OomCandidate[], totalPages: number): OomChoice | null {
  let chosen: OomChoice | null = null;
  candidates.forEach((c, index) => {
    const points = oomBadness(c, totalPages);
    if (points === null) return;
    if (chosen !== null && points < chosen.points) return;
    chosen = { index, points };
  });
  return chosen;
}
