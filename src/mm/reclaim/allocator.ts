/**
 * The page allocator's reclaim decisions (`__alloc_pages` / `__alloc_pages_slowpath`,
 * mm/page_alloc.c), reduced to order-0 requests against one node's free pages:
 *
 * Step 1: fast path: take the pages if free stays at or above the LOW watermark.
 * Step 2: otherwise wake kswapd (if the gfp allows `__GFP_KSWAPD_RECLAIM`) and retry against
 *         the MIN watermark (`__GFP_HIGH` callers may dig to min/2, as ALLOC_MIN_RESERVE).
 * Step 3: still short and `__GFP_DIRECT_RECLAIM` set: direct reclaim in the task's own gfp
 *         context, then retry as `should_reclaim_retry` allows (MAX_RECLAIM_RETRIES loops
 *         without progress; mm/oom.ts).
 * Step 4: reclaim has failed: __GFP_NORETRY and the other no-OOM cases fail; a GFP_NOFS
 *         request gets "progress" from out_of_memory without a kill; otherwise the OOM killer
 *         (`env.outOfMemory`, the machine) picks and kills a victim and the request retries.
 * Results are values: a failed allocation is data, never an exception.
 *
 * Time: `allocPagesSteps` is the slowpath as steps (steps.ts). A timed caller (the run loop's
 * allocating task) resumes it after each piece of its direct reclaim has cost its time, so the
 * retry loop and the OOM decision come after the reclaim's cost has elapsed, and other tasks
 * run in between; `allocPages` runs it at once.
 */
import { __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, __GFP_NORETRY, type GfpMask } from '../gfp.js';
import { shouldReclaimRetry, slowpathEnd } from '../oom.js';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './constants.js';
import { tryToFreePagesSteps } from './directReclaim.js';
import { NO_SCAN_TICK, runSteps, type ReclaimSteps } from '../shrinker/steps.js';
import type { MemoryModel, NodeMemory, PageOwner } from './nodeMemory.js';
import type { ReclaimDeps, TaskRef } from './scanControl.js';

export type AllocResult =
  | {
      readonly ok: true;
      readonly directReclaims: number;
      readonly reclaimed: number;
      /** The OOM killer chose the allocating task; the pages came from the reserves (ALLOC_OOM). */
      readonly victim?: true;
    }
  | {
      readonly ok: false;
      /**
       * `nowait`: no direct reclaim allowed; `oom`: reclaim made no progress and no kill
       * helped; `killed`: the OOM killer chose the allocating task itself and not even the
       * reserves had the pages.
       */
      readonly reason: 'nowait' | 'oom' | 'killed';
      /** Pages of the run taken before the failing chunk (they stay taken). */
      readonly taken?: number;
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
  /**
   * `out_of_memory()` for `task`'s request (global OOM, __GFP_FS set): kills the worst task
   * and frees its memory. `other`: a victim other than `task` died; `self`: `task` was the
   * victim; `none`: nothing killable. Without it, reclaim failure fails the request.
   */
  outOfMemory?(task: TaskRef, gfpMask: GfpMask, nid: number): 'other' | 'self' | 'none';
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
  // The fast path without a generator (Binder page faults take it on the hot path): when the
  // whole run stays at or above LOW, so does every chunk of it.
  if (n <= 0 || fits(node, n, node.wmark.low)) {
    node.take(owner, n);
    return { ok: true, directReclaims: 0, reclaimed: 0 };
  }
  return runSteps(allocPagesSteps(env, node, owner, n, gfpMask, task, false));
}

/**
 * `allocPages` as steps. `timed`: the direct reclaim's shrinker calls run as steps too (they
 * overlap other reclaimers'); the steps yield inside each direct reclaim and after it.
 */
export function* allocPagesSteps(
  env: AllocEnv,
  node: NodeMemory,
  owner: PageOwner,
  n: number,
  gfpMask: GfpMask,
  task: TaskRef,
  timed: boolean,
): ReclaimSteps<AllocResult> {
  if (n <= SWAP_CLUSTER_MAX) return yield* allocChunk(env, node, owner, n, gfpMask, task, timed);
  let directReclaims = 0;
  let reclaimed = 0;
  for (let left = n; left > 0; left -= SWAP_CLUSTER_MAX) {
    const r = yield* allocChunk(env, node, owner, Math.min(left, SWAP_CLUSTER_MAX), gfpMask, task, timed);
    directReclaims += r.directReclaims;
    reclaimed += r.reclaimed;
    if (!r.ok) return { ok: false, reason: r.reason, taken: n - left, directReclaims, reclaimed };
    // A victim faults in nothing more: it dies on its way back to user space.
    if (r.victim) {
      const taken = n - left + Math.min(left, SWAP_CLUSTER_MAX);
      return taken === n ? { ok: true, directReclaims, reclaimed, victim: true } : { ok: false, reason: 'killed', taken, directReclaims, reclaimed };
    }
  }
  return { ok: true, directReclaims, reclaimed };
}

function* allocChunk(
  env: AllocEnv,
  node: NodeMemory,
  owner: PageOwner,
  n: number,
  gfpMask: GfpMask,
  task: TaskRef,
  timed: boolean,
): ReclaimSteps<AllocResult> {
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
  let noProgressLoops = 0;
  let nofsRetried = false;
  const fail = (reason: 'oom' | 'killed'): AllocResult => ({ ok: false, reason, directReclaims, reclaimed });
  for (;;) {
    const r = yield* tryToFreePagesSteps(env.mem, { ...task, nid: node.nid }, gfpMask, env.deps, timed);
    // The retry decision comes once the reclaim's cost has elapsed (get_page_from_freelist
    // after __alloc_pages_direct_reclaim): others may have freed or taken pages meanwhile.
    yield NO_SCAN_TICK;
    directReclaims++;
    reclaimed += r;
    if (r > 0) env.onDirectProgress?.(node.nid);
    if (fits(node, n, minMark)) {
      node.take(owner, n);
      return { ok: true, directReclaims, reclaimed };
    }
    if (gfpMask & __GFP_NORETRY) return fail('oom');
    const d = shouldReclaimRetry(0, r > 0, noProgressLoops, fits(node, n - reclaimablePages(node), minMark));
    noProgressLoops = d.noProgressLoops;
    // Progress that still leaves us short is retried without counting; the model bounds it
    // (the kernel's loop ends because memory comes free; a synchronous model must stop).
    if (d.retry && directReclaims <= 4 * MAX_RECLAIM_RETRIES) continue;
    const end = slowpathEnd(gfpMask, 0);
    if (end === 'fail') return fail('oom');
    // __alloc_pages_may_oom: one more try at the HIGH watermark catches a parallel kill.
    if (fits(node, n, node.wmark.high)) {
      node.take(owner, n);
      return { ok: true, directReclaims, reclaimed };
    }
    if (end === 'nofs_progress') {
      // out_of_memory() returned true without a kill: the kernel resets no_progress_loops and
      // reclaims again, for as long as it takes someone else to free memory. The model runs
      // that second round once, then lets the request fail (the task's stall ends there).
      if (nofsRetried) return fail('oom');
      nofsRetried = true;
      noProgressLoops = 0;
      continue;
    }
    const kill = env.outOfMemory?.(task, gfpMask, node.nid) ?? 'none';
    // Nothing killable: the kernel panics ("System is deadlocked on memory"); the model fails.
    if (kill === 'none') return fail('oom');
    // The allocating task itself was chosen: `retry:` gives an OOM victim ALLOC_OOM (no
    // watermarks), so the request is served from the reserves if any page is free, and the
    // task dies on its way back to user space; with no free page it fails (VM_FAULT_OOM).
    if (kill === 'self') {
      if (node.free < n) return fail('killed');
      node.take(owner, n);
      return { ok: true, directReclaims, reclaimed, victim: true };
    }
    // Retry as long as the OOM killer is making progress: `retry:` tries the free lists
    // before it reclaims again.
    noProgressLoops = 0;
    nofsRetried = false;
    if (fits(node, n, minMark)) {
      node.take(owner, n);
      return { ok: true, directReclaims, reclaimed };
    }
  }
}

/**
 * `zone_reclaimable_pages()`: the file LRU, and the anon LRU when it can be swapped
 * (`can_reclaim_anon_pages`).
 */
function reclaimablePages(node: NodeMemory): number {
  return node.file + (node.swapFree > 0 ? node.anon : 0);
}
