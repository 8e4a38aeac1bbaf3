/**
 * `struct scan_control` and the boundary between the reclaim engine and the shrinker core.
 *
 * The engine never calls shrinkers itself: every pass goes through an injected
 * {@link ShrinkSlabFn}, the `shrink_slab(gfp_mask, nid, memcg, priority)` of
 * src/mm/shrinker/ wrapped by the run loop (which adds the task for the trace and measures
 * the pages the shrinkers gave back). That keeps the engine testable by recording the exact
 * (priority, gfp) sequence each path produces.
 */
import type { GfpMask } from '../gfp.js';
import type { KernelProfile, MemcgRef } from '../shrinker/types.js';
import type { ReclaimSteps } from '../shrinker/steps.js';
import type { VmStat } from '../vmstat.js';
import type { LruGen } from './lruGen.js';

/**
 * Who reclaims. `node` is node_reclaim (zone_reclaim_mode); `proactive` is memory.reclaim,
 * `memcg` a charge's limit reclaim (try_charge_memcg, memory.high): both print
 * mm_vmscan_memcg_reclaim_begin/end.
 */
export type ReclaimPath = 'kswapd' | 'direct' | 'proactive' | 'node' | 'drop_caches' | 'memcg';

export const RECLAIM_PATHS: readonly ReclaimPath[] = ['kswapd', 'direct', 'proactive', 'node', 'drop_caches', 'memcg'];

/** `memalloc_nofs_save()` / `memalloc_noio_save()` scope of a task. */
export type GfpScope = 'none' | 'nofs' | 'noio';

/** The task that runs a reclaim path (the trace's comm-pid and CPU). */
export interface TaskRef {
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
  /** Home node: direct reclaim walks the zonelist starting here. */
  readonly nid?: number;
  readonly scope?: GfpScope;
}

/** One `shrink_slab()` call, with who made it. */
export interface ShrinkSlabCall {
  readonly path: ReclaimPath;
  readonly task: TaskRef;
  readonly gfpMask: GfpMask;
  readonly nid: number;
  readonly memcg: MemcgRef | null;
  readonly priority: number;
}

export interface ShrinkSlabOutcome {
  /** Objects freed (shrink_slab's return value; never counted as pages). */
  readonly freed: bigint;
  /**
   * Slab pages the shrinkers handed back to the page allocator during the call: what
   * `mm_account_reclaimed_pages()` adds to `reclaim_state` (slab pages, pruned inodes' pages,
   * XFS buffer pages), so reclaim counts them as progress.
   */
  readonly slabPagesFreed: number;
  /**
   * Binder pages freed during the call (absent: 0). binder_alloc_free_page hands each one back
   * with a bare `__free_page()`, which no `reclaim_state` sees: memory comes back, but the
   * reclaimer's nr_reclaimed does not grow (flush_reclaim_state lists the three kinds above).
   */
  readonly binderPagesFreed?: number;
}

export type ShrinkSlabFn = (call: ShrinkSlabCall) => ShrinkSlabOutcome;

/** The same shrink_slab as steps: each do_shrink_slab's batches at their own simulated times. */
export type ShrinkSlabStepsFn = (call: ShrinkSlabCall) => ReclaimSteps<ShrinkSlabOutcome>;

/** Observation hooks for statistics and the vmscan tracepoints; all optional. */
export interface ReclaimObserver {
  /** One `shrink_node()` (a pass over one node at one priority). */
  onShrinkNode?(path: ReclaimPath, task: TaskRef, nid: number, priority: number): void;
  /** The LRU part of a pass: pages reclaimed from page cache and anon. */
  onLru?(path: ReclaimPath, nid: number, priority: number, gfpMask: GfpMask, reclaimedFile: number, reclaimedAnon: number): void;
  /** Start of a reclaim run (direct/memcg reclaim begin, kswapd wake). */
  onBegin?(path: ReclaimPath, task: TaskRef, gfpMask: GfpMask, nid: number): void;
  /** End of a reclaim run with the pages it reclaimed (what *_reclaim_end prints). */
  onEnd?(path: ReclaimPath, task: TaskRef, nrReclaimed: number, nid: number): void;
}

export interface ReclaimDeps {
  readonly profile: KernelProfile;
  /** Multi-gen LRU on (`lru_gen_enabled()`): selects MGLRU's initial priority on 6.12. */
  readonly mglru: boolean;
  readonly shrinkSlab: ShrinkSlabFn;
  /**
   * shrink_slab with time inside its shrinker calls, for the reclaimer whose work the run
   * loop prices step by step (kswapd). Absent: kswapd's shrink_slab runs at once too.
   */
  readonly shrinkSlabSteps?: ShrinkSlabStepsFn;
  /**
   * `mem_cgroup_iter` pre-order walk from `target` (null: the root / global reclaim).
   * With memcg disabled, `[null]`.
   */
  memcgWalk(target: MemcgRef | null): readonly (MemcgRef | null)[];
  readonly observer?: ReclaimObserver;
  /** `/proc/vmstat` counters, counted where the kernel counts them (src/mm/vmstat.ts). */
  readonly vmstat?: VmStat;
  /** The virtual clock in ns (kswapd's HZ/10 nap in kswapd_try_to_sleep needs it). */
  now?(): number;
  /**
   * `get_random_u32_below(n)` for MGLRU's memcg LRU bins: a seeded stream of the run.
   * Absent: always bin 0.
   */
  draw?(n: number): number;
  /** Share (0–1) of each node's LRU pages charged to a non-root memcg (MGLRU lruvecs). Absent: 0. */
  lruShare?(memcg: MemcgRef | null): number;
  /**
   * The own lruvec of a memcg whose charges are accounted (it has a memory.max or .high),
   * reclaimed by memcg-targeted reclaim of its subtree (memcgCharge.ts). Absent or null: none.
   */
  memcgLruvec?(memcg: MemcgRef | null, nid: number): LruGen | null;
}

/** `struct scan_control`, the fields this model uses. */
export interface ScanControl {
  readonly path: ReclaimPath;
  readonly task: TaskRef;
  nrToReclaim: number;
  readonly gfpMask: GfpMask;
  priority: number;
  nrReclaimed: number;
  /** LRU pages scanned in the current pass (slab scanning never counts here). */
  nrScanned: number;
  /** null: global reclaim. */
  readonly targetMemcg: MemcgRef | null;
  readonly maySwap: boolean;
  readonly proactive: boolean;
  /** 6.10+: after a failed partial walk, retry walking every memcg. */
  memcgFullWalk: boolean;
  /** `current->reclaim_state->reclaimed`: pages freed by shrinkers, not yet flushed. */
  reclaimState: number;
  /**
   * The reclaimer's work is priced step by step on the virtual clock (kswapd; a timed
   * allocation's direct reclaim): its shrinker calls run as steps, so others overlap them.
   */
  timed?: boolean;
}

/**
 * `cgroup_reclaim(sc)`: reclaim targeted at a memcg. memory.reclaim always targets one (the
 * model passes null for it when memcg is off, so `proactive` decides too).
 */
export const isCgroupReclaim = (sc: ScanControl): boolean => sc.targetMemcg !== null || sc.proactive;

/** `root_reclaim(sc)`: global reclaim or reclaim targeted at the root cgroup. */
export const isRootReclaim = (sc: ScanControl): boolean => sc.targetMemcg === null || sc.targetMemcg.isRoot;

type ScanControlInit = Pick<ScanControl, 'path' | 'task' | 'nrToReclaim' | 'gfpMask' | 'priority' | 'targetMemcg' | 'maySwap' | 'proactive'>;

/**
 * A class rather than a spread of `init`: every scan_control then has one shape. A spread
 * made a new shape per call, and each reclaim pass's first write to a field generalized it
 * again (hundreds of map changes per run, and the optimized reclaim code depending on them).
 */
class ScanControlState implements ScanControl {
  readonly path: ReclaimPath;
  readonly task: TaskRef;
  nrToReclaim: number;
  readonly gfpMask: GfpMask;
  priority: number;
  nrReclaimed = 0;
  nrScanned = 0;
  readonly targetMemcg: MemcgRef | null;
  readonly maySwap: boolean;
  readonly proactive: boolean;
  memcgFullWalk = false;
  reclaimState = 0;
  timed = false;
  constructor(init: ScanControlInit) {
    this.path = init.path;
    this.task = init.task;
    this.nrToReclaim = init.nrToReclaim;
    this.gfpMask = init.gfpMask;
    this.priority = init.priority;
    this.targetMemcg = init.targetMemcg;
    this.maySwap = init.maySwap;
    this.proactive = init.proactive;
  }
}

/**
 * One idle scan_control for the life of the process: a reclaim pass's scan_control dies with
 * it, and V8 discards the optimized reclaim code once the last object of its shape is gone.
 */
export const SCAN_CONTROL_SHAPE: ScanControl = new ScanControlState({
  path: 'kswapd',
  task: { comm: '', pid: 0, cpu: 0 },
  nrToReclaim: 0,
  gfpMask: 0 as GfpMask,
  priority: 0,
  targetMemcg: null,
  maySwap: true,
  proactive: false,
});

export function newScanControl(init: ScanControlInit): ScanControl {
  return new ScanControlState(init);
}

/** `flush_reclaim_state()`: credit shrinker-freed pages only to root reclaim. */
export function flushReclaimState(sc: ScanControl, root: boolean): void {
  if (root) sc.nrReclaimed += sc.reclaimState;
  sc.reclaimState = 0;
}

/**
 * Whether shrink_slab from an engine step runs as steps: a timed reclaimer's (kswapd's, a
 * timed allocation's direct reclaim) does when the host offers them (its shrinker calls then
 * overlap other reclaimers'); every other path calls `deps.shrinkSlab` at once. The caller
 * delegates to `deps.shrinkSlabSteps` itself: one generator frame less on every resume.
 */
export function slabAsSteps(deps: ReclaimDeps, sc: ScanControl): deps is ReclaimDeps & { readonly shrinkSlabSteps: ShrinkSlabStepsFn } {
  return (sc.path === 'kswapd' || sc.timed === true) && deps.shrinkSlabSteps !== undefined;
}

/** shrink_slab(sc->gfp_mask, nid, memcg, sc->priority) of a pass of `sc`. */
export function slabCall(sc: ScanControl, nid: number, memcg: MemcgRef | null): ShrinkSlabCall {
  return { path: sc.path, task: sc.task, gfpMask: sc.gfpMask, nid, memcg, priority: sc.priority };
}
