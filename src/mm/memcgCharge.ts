/**
 * Memcg page charging and limit reclaim (mm/memcontrol.c 6.12 `try_charge_memcg`,
 * `mem_cgroup_handle_over_high` / `reclaim_high`; mm/vmscan.c `try_to_free_mem_cgroup_pages`).
 *
 * Only memcgs with a `memory.max` or `memory.high` are accounted (each has a page counter and
 * its own lruvec per node holding its charged LRU pages); charges into any other memcg are
 * not tracked, so scenarios without limits behave exactly as before. A counter's usage is its
 * own lruvecs, its slab pages (kmem: objects of memcg-aware caches on its list_lru sublists,
 * charged when allocated, as __GFP_ACCOUNT slab is; freed objects uncharge), and its
 * accounted descendants' usage (the hierarchical page_counter).
 *
 * `try_charge_memcg` for `nr_pages` in the charging path's gfp:
 *   retry: the lowest accounted ancestor-or-self whose usage + nr_pages exceeds max is
 *          `mem_over_limit` (none: charge, then the memory.high check);
 *          !gfpflags_allow_blocking → nomem;
 *          MEMCG_MAX event; try_to_free_mem_cgroup_pages(mem_over_limit, nr_pages, gfp);
 *          margin ≥ nr_pages → retry; first failure → drain the stocks, retry (the model
 *          has no per-cpu stock, so this is one more charge attempt and reclaim);
 *          __GFP_NORETRY → nomem; progress and nr_pages ≤ 1 << PAGE_ALLOC_COSTLY_ORDER → retry;
 *          MAX_RECLAIM_RETRIES more tries; __GFP_RETRY_MAYFAIL → nomem; then the memcg OOM.
 *   The memcg OOM is counted (`oom`); the machine's OOM killer picks a victim among the
 *   memcg's tasks (against its max); after a kill of another task the charge retries with
 *   fresh retries, otherwise it fails.
 * Charges never fail for __GFP_NOFAIL (forced over the limit), as the kernel's `force:`.
 *
 * memory.high: after a charge, the first accounted memcg up the tree above its high adds the
 * charge to the task's `memcg_nr_pages_over_high`; above MEMCG_CHARGE_BATCH (and a blocking
 * gfp) the charging path reclaims at once, otherwise on return to user mode in GFP_KERNEL
 * (`handleOverHigh`). Its throttling penalty and retries are not modelled.
 */
import { __GFP_DIRECT_RECLAIM, __GFP_NOFAIL, __GFP_NORETRY, __GFP_RETRY_MAYFAIL, GFP_KERNEL, type GfpMask } from './gfp.js';
import { DEF_PRIORITY, type MemcgRef } from './shrinker/types.js';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './reclaim/constants.js';
import { doTryToFreePages } from './reclaim/doTryToFreePages.js';
import { LRU_GEN_ANON, LRU_GEN_FILE, LruGen, type LruGenType } from './reclaim/lruGen.js';
import type { MemoryModel } from './reclaim/nodeMemory.js';
import { memcgReclaimGfp } from './reclaim/proactive.js';
import { newScanControl, type ReclaimDeps, type TaskRef } from './reclaim/scanControl.js';

/** include/linux/memcontrol.h: pages charged ahead into the per-cpu stock; the over-high batch. */
export const MEMCG_CHARGE_BATCH = 64;
/** include/linux/mmzone.h */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** A guard, not a kernel rule: charge attempts of one call before it is counted as OOM. */
const CHARGE_LOOP_GUARD = 100_000;

export interface MemcgLimits {
  readonly memcg: MemcgRef;
  /** Pages; absent = no limit. */
  readonly max?: number;
  readonly high?: number;
}

/** `memcg_memory_event` counts of one memcg (memory.events), plus its limit reclaims. */
export interface MemcgEvents {
  max: number;
  high: number;
  oom: number;
  /** OOM kills made for this memcg (memory.events `oom_kill`). */
  oomKill: number;
  /** try_to_free_mem_cgroup_pages calls made for this memcg, and the pages they reclaimed. */
  reclaims: number;
  reclaimed: number;
}

/** The page counter of one accounted memcg. */
export class MemcgCounter {
  readonly children: MemcgCounter[] = [];
  readonly events: MemcgEvents = { max: 0, high: 0, oom: 0, oomKill: 0, reclaims: 0, reclaimed: 0 };
  /** This memcg's own LRU pages, one lruvec per node. */
  readonly lruvecs: LruGen[];

  constructor(
    readonly memcg: MemcgRef,
    readonly parent: MemcgCounter | null,
    readonly max: number,
    readonly high: number,
    nrNodes: number,
    private readonly kmemPages: (memcg: MemcgRef) => number = () => 0,
  ) {
    this.lruvecs = Array.from({ length: nrNodes }, () => new LruGen());
  }

  /** `page_counter_read(&memcg->memory)`: own pages plus the accounted descendants'. */
  usage(): number {
    let n = 0;
    for (const l of this.lruvecs) n += l.size(LRU_GEN_FILE) + l.size(LRU_GEN_ANON);
    n += this.kmemPages(this.memcg);
    for (const c of this.children) n += c.usage();
    return n;
  }

  /** `mem_cgroup_margin()` */
  margin(): number {
    return Math.max(0, this.max - this.usage());
  }
}

export type ChargeResult =
  | { readonly ok: true; readonly reclaims: number; readonly forced: boolean }
  | { readonly ok: false; readonly reason: 'nomem' | 'oom'; readonly reclaims: number };

/** The reclaim a charge runs: try_to_free_mem_cgroup_pages(memcg, nrPages, gfp). */
export type MemcgReclaimFn = (memcg: MemcgRef, nrPages: number, gfpMask: GfpMask) => number;

/**
 * `mem_cgroup_oom()` → out_of_memory with the memcg: which task it killed (`self`: the
 * charging task), or `none`. Absent: the OOM is only counted.
 */
export type MemcgOomFn = (memcg: MemcgRef, limitPages: number) => 'other' | 'self' | 'none';

export class MemcgCharges {
  private readonly byMemcg = new Map<MemcgRef, MemcgCounter>();
  /** `current->memcg_nr_pages_over_high` per task pid, with the memcg it was charged to. */
  private readonly overHigh = new Map<number, { memcg: MemcgCounter; pages: number }>();

  /**
   * `limits` in parent-before-child order; `parentOf` gives the tree; `kmemPages` a memcg's
   * own slab pages (default none).
   */
  constructor(limits: readonly MemcgLimits[], parentOf: (m: MemcgRef) => MemcgRef | null, readonly nrNodes: number, kmemPages?: (memcg: MemcgRef) => number) {
    for (const l of limits) {
      let up = parentOf(l.memcg);
      while (up && !this.byMemcg.has(up)) up = parentOf(up);
      const parent = up ? (this.byMemcg.get(up) ?? null) : null;
      const c = new MemcgCounter(l.memcg, parent, l.max ?? Infinity, l.high ?? Infinity, nrNodes, kmemPages);
      parent?.children.push(c);
      this.byMemcg.set(l.memcg, c);
    }
  }

  get empty(): boolean {
    return this.byMemcg.size === 0;
  }

  counter(memcg: MemcgRef | null): MemcgCounter | undefined {
    return memcg ? this.byMemcg.get(memcg) : undefined;
  }

  /** The lruvec of an accounted memcg on node `nid` (null: not accounted). */
  lruvec(memcg: MemcgRef | null, nid: number): LruGen | null {
    return this.counter(memcg)?.lruvecs[nid] ?? null;
  }

  /** `try_charge_memcg()`; on success the pages join the memcg's lruvec of node `nid`. */
  tryCharge(memcg: MemcgRef, nid: number, type: LruGenType, nrPages: number, gfpMask: GfpMask, task: { pid: number }, reclaim: MemcgReclaimFn, oom?: MemcgOomFn): ChargeResult {
    const c = this.counter(memcg);
    if (!c || nrPages <= 0) return { ok: true, reclaims: 0, forced: false };
    let nrRetries = MAX_RECLAIM_RETRIES;
    let drained = false;
    let reclaims = 0;
    for (let guard = 0; guard < CHARGE_LOOP_GUARD; guard++) {
      const over = this.overLimit(c, nrPages);
      if (!over) return this.commit(c, nid, type, nrPages, gfpMask, task, reclaims, false, reclaim);
      if ((gfpMask & __GFP_DIRECT_RECLAIM) === 0) return this.nomem(c, nid, type, nrPages, gfpMask, task, reclaims, reclaim);
      over.events.max++;
      const nrReclaimed = this.reclaimOne(over, nrPages, gfpMask, reclaim);
      reclaims++;
      if (over.margin() >= nrPages) continue;
      if (!drained) {
        drained = true;
        continue;
      }
      if (gfpMask & __GFP_NORETRY) return this.nomem(c, nid, type, nrPages, gfpMask, task, reclaims, reclaim);
      if (nrReclaimed > 0 && nrPages <= 1 << PAGE_ALLOC_COSTLY_ORDER) continue;
      if (nrRetries-- > 0) continue;
      if (gfpMask & __GFP_RETRY_MAYFAIL) return this.nomem(c, nid, type, nrPages, gfpMask, task, reclaims, reclaim);
      // mem_cgroup_oom(): a victim among the memcg's tasks; after a kill, retry with the
      // retries reset (passed_oom). The charging task itself chosen: it is dying, nomem.
      over.events.oom++;
      const killed = oom?.(over.memcg, over.max) ?? 'none';
      if (killed === 'other') {
        over.events.oomKill++;
        nrRetries = MAX_RECLAIM_RETRIES;
        continue;
      }
      if (killed === 'self') over.events.oomKill++;
      return (gfpMask & __GFP_NOFAIL) !== 0 ? this.commit(c, nid, type, nrPages, gfpMask, task, reclaims, true, reclaim) : { ok: false, reason: 'oom', reclaims };
    }
    c.events.oom++;
    return { ok: false, reason: 'oom', reclaims };
  }

  /** Pages leave a memcg outside reclaim (truncation, exit): from its oldest generations. */
  uncharge(memcg: MemcgRef, nid: number, type: LruGenType, nrPages: number): number {
    return this.lruvec(memcg, nid)?.remove(type, nrPages) ?? 0;
  }

  /**
   * `mem_cgroup_handle_over_high(gfp)` on return to user mode of `task` (GFP_KERNEL there):
   * `reclaim_high` from the charged memcg up to, not including, the root. Returns pages reclaimed.
   */
  handleOverHigh(task: { pid: number }, reclaim: MemcgReclaimFn, gfpMask: GfpMask = GFP_KERNEL): number {
    const pending = this.overHigh.get(task.pid);
    if (!pending || pending.pages === 0) return 0;
    this.overHigh.delete(task.pid);
    let nrReclaimed = 0;
    for (let m: MemcgCounter | null = pending.memcg; m !== null && !m.memcg.isRoot; m = m.parent) {
      if (m.usage() <= m.high) continue;
      m.events.high++;
      nrReclaimed += this.reclaimOne(m, pending.pages, gfpMask, reclaim);
    }
    return nrReclaimed;
  }

  private reclaimOne(m: MemcgCounter, nrPages: number, gfpMask: GfpMask, reclaim: MemcgReclaimFn): number {
    const r = reclaim(m.memcg, nrPages, gfpMask);
    m.events.reclaims++;
    m.events.reclaimed += r;
    return r;
  }

  /** `page_counter_try_charge`: the lowest counter up the tree the charge would take above max. */
  private overLimit(c: MemcgCounter, nrPages: number): MemcgCounter | null {
    for (let m: MemcgCounter | null = c; m !== null; m = m.parent) if (m.usage() + nrPages > m.max) return m;
    return null;
  }

  private nomem(c: MemcgCounter, nid: number, type: LruGenType, nrPages: number, gfpMask: GfpMask, task: { pid: number }, reclaims: number, reclaim: MemcgReclaimFn): ChargeResult {
    // `nomem:` a __GFP_NOFAIL or __GFP_HIGH charge is forced over the limit instead.
    if (gfpMask & __GFP_NOFAIL) return this.commit(c, nid, type, nrPages, gfpMask, task, reclaims, true, reclaim);
    return { ok: false, reason: 'nomem', reclaims };
  }

  private commit(c: MemcgCounter, nid: number, type: LruGenType, nrPages: number, gfpMask: GfpMask, task: { pid: number }, reclaims: number, forced: boolean, reclaim: MemcgReclaimFn): ChargeResult {
    (c.lruvecs[nid] ?? (c.lruvecs[0] as LruGen)).add(type, nrPages);
    for (let m: MemcgCounter | null = c; m !== null; m = m.parent) {
      if (m.usage() <= m.high) continue;
      const pending = this.overHigh.get(task.pid) ?? { memcg: c, pages: 0 };
      pending.pages += nrPages;
      this.overHigh.set(task.pid, pending);
      break;
    }
    const pending = this.overHigh.get(task.pid);
    if (pending && pending.pages > MEMCG_CHARGE_BATCH && (gfpMask & __GFP_DIRECT_RECLAIM) !== 0) {
      this.handleOverHigh(task, reclaim, gfpMask);
    }
    return { ok: true, reclaims, forced };
  }
}

/**
 * `try_to_free_mem_cgroup_pages(memcg, nr_pages, gfp_mask, MEMCG_RECLAIM_MAY_SWAP)` from a
 * charge: `nr_to_reclaim = max(nr_pages, SWAP_CLUSTER_MAX)`, the memcg reclaim gfp of the
 * charging context, priorities from DEF_PRIORITY (do_try_to_free_pages). Its begin/end are
 * `mm_vmscan_memcg_reclaim_*` (the engine path `memcg`).
 */
export function tryToFreeMemCgroupPagesForCharge(mem: MemoryModel, memcg: MemcgRef, nrPages: number, gfpMask: GfpMask, task: TaskRef, deps: ReclaimDeps): number {
  const sc = newScanControl({
    path: 'memcg',
    task,
    nrToReclaim: Math.max(nrPages, SWAP_CLUSTER_MAX),
    gfpMask: memcgReclaimGfp(gfpMask, task.scope),
    priority: DEF_PRIORITY,
    targetMemcg: memcg,
    maySwap: true,
    proactive: false,
  });
  deps.observer?.onBegin?.('memcg', task, sc.gfpMask, task.nid ?? 0);
  const r = doTryToFreePages(mem, sc, deps);
  deps.observer?.onEnd?.('memcg', task, r, task.nid ?? 0);
  return r;
}
