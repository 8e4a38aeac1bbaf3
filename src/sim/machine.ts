/**
 * The simulated machine: NUMA nodes and their pages, the memcg tree, the shrinker registry
 * (synthetic caches, then Binder's), the Binder system, one kswapd per node, and the
 * operations a kernel engineer would call on it: allocate pages (waking kswapd, reclaiming
 * directly), shrink_slab, drop_caches, memory.reclaim, the debugfs shrinker files, and the
 * Binder verbs (machineBinder.ts).
 *
 * The machine owns state and time-pricing of reclaim (the cost meter); it owns no output. At
 * its decision points it emits typed events (recorder.ts) that recorders turn into statistics,
 * the time series and ftrace text. The event loop (loop.ts) owns time.
 *
 * Every shrink_slab goes through `shrinkSlab`, which knows the task (for trace lines) and
 * returns to the free pool the pages the shrinkers freed (slab pages of the synthetic caches,
 * Binder pages), crediting them as reclaim_state.
 */
import { VmStat } from '../mm/vmstat.js';
import { GFP_KERNEL, type GfpMask } from '../mm/gfp.js';
import type { Memcg, MemcgTree } from '../mm/memcg.js';
import { allocPages, allocPagesSteps, type AllocEnv, type AllocResult } from '../mm/reclaim/allocator.js';
import { MemcgCharges, tryToFreeMemCgroupPagesForCharge, type MemcgOomFn, type MemcgReclaimFn } from '../mm/memcgCharge.js';
import { LRU_GEN_ANON, LRU_GEN_FILE } from '../mm/reclaim/lruGen.js';
import { DEFAULT_RECLAIM_COST, emptyWork, workCostNs, type ReclaimCost, type ReclaimWork } from '../mm/reclaim/cost.js';
import { dropCaches, type DropCachesResult } from '../mm/reclaim/dropCaches.js';
import type { MemoryModel, NodeMemory, PageOwner } from '../mm/reclaim/nodeMemory.js';
import { memoryReclaim, type MemoryReclaimResult } from '../mm/reclaim/proactive.js';
import type { ReclaimDeps, ReclaimObserver, ShrinkSlabOutcome, TaskRef as EngineTask } from '../mm/reclaim/scanControl.js';
import { debugfsCount, debugfsScan, type DebugfsScanResult } from '../mm/shrinker/debugfs.js';
import { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import { FAKE_PTR_BASE } from '../mm/shrinker/shrinker.js';
import { shrinkSlab, shrinkSlabSteps, type ShrinkCallOutcome, type ShrinkSlabCtx, type ShrinkWalkEvent } from '../mm/shrinker/shrinkSlab.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import type { ReclaimSteps, ReclaimTick } from '../mm/shrinker/steps.js';
import type { KernelProfile } from '../mm/shrinker/types.js';
import type { MachineEnd } from '../report/build.js';
import type { ReclaimPath } from '../report/result.js';
import { scenarioHash } from '../scenario/hash.js';
import type { ResolvedScenario, TaskRef } from '../scenario/types.js';
import type { AllocWaiter, Pool, VerbResult } from '../workload/types.js';
import { AllocTask, type AllocDone } from './allocTask.js';
import { KswapdTask, kswapdTaskRef, type KswapdHost } from './kswapdTask.js';
import type { EventLoop } from './loop.js';
import { MachineBinder } from './machineBinder.js';
import { MachineReclaimDeps, MachineSlabSink } from './machineDeps.js';
import { MachineOom } from './oomKiller.js';
import { buildMemcgs, buildNodes, registerCaches, type ShrinkerEntry } from './machineBuild.js';
import type { Tracepoints } from './recorder.js';
import { rngStream } from './rng.js';
import { emptyArrayLike } from '../util/objectArray.js';
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';

/** The worker that grows slab caches back (allocations in GFP_KERNEL context). */
const SLAB_GROWER: TaskRef = { comm: 'kworker/0:1', pid: 30, cpu: 0 };


/** Pages the shrinkers freed since the last collection, by how reclaim counts them. */
interface FreedPages {
  /** Slab pages: counted in reclaim_state. */
  readonly slab: number;
  /** Binder pages: freed with a bare __free_page(), not counted. */
  readonly binder: number;
}
export const poolOwner = (pool: Pool): PageOwner => (pool === 'pagecache' ? 'file' : 'anon');

export class Machine implements KswapdHost, AllocEnv, ReclaimObserver {
  readonly profile: KernelProfile;
  readonly nrNodes: number;
  readonly nodes: NodeMemory[];
  readonly node0: NodeMemory;
  readonly mem: MemoryModel;
  readonly memcgs: MemcgTree;
  readonly memcgByName: Map<string, Memcg>;
  /** Each memcg's share of the LRU pages (scenario `lru_share`), read by MGLRU's lruvecs. */
  private readonly lruShares = new Map<Memcg, number>();
  /** Page counters of the memcgs with a memory.max / memory.high (memcgCharge.ts). */
  readonly charges: MemcgCharges;
  /** The accounted memcg each task last charged (its releases uncharge it). */
  private readonly chargedBy = new Map<number, Memcg>();
  /** The scenario's hash: it places the shrinker structs (`%p`) of this "boot". */
  readonly hash: string;
  readonly registry: ShrinkerRegistry;
  /** Every registered shrinker, in registration order (statistics rows follow it). */
  readonly shrinkers: ShrinkerEntry[];
  readonly slabCtx: ShrinkSlabCtx;
  readonly binder: MachineBinder;
  /** The OOM killer's processes, their anonymous pages, and the kills made. */
  readonly oom: MachineOom;
  readonly kswapds: KswapdTask[];
  readonly deps: ReclaimDeps;
  /** `/proc/vmstat` event counters, counted by the reclaim engine where the kernel counts them. */
  readonly vmstat = new VmStat();
  /**
   * By shrinker entry: Σ nr_scanned and objects freed by every do_shrink_slab so far (the
   * time series' cumulative columns, and the result's totals). Bigint arrays from the start,
   * one slot per entry.
   */
  readonly slabScanned = emptyArrayLike(0n);
  readonly slabFreed = emptyArrayLike(0n);
  private readonly bySerial = new Map<number, number>();
  private readonly cost: ReclaimCost;
  /**
   * The work of the piece of reclaim being executed (a segment of a kswapd step, one
   * allocation's direct reclaim), priced in simulated time by the scenario's cost model. Each
   * event runs one piece; kswapd, whose step spans several events, swaps its own meter in
   * (`swapMeter`) for each of its segments.
   */
  private meter: ReclaimWork = emptyWork();
  /** Inside a timed shrinker call: its scan work is metered batch by batch, not at its outcome. */
  private timedCall = false;
  /** The task in whose name shrink_slab runs now (its trace lines). */
  private current: TaskRef;
  private allocCursor = 0;
  /** Pages the last `allocate` took (all of them, or the chunks before a failing one). */
  private lastTaken = 0;
  private lastGrow: SimTimeNs = DOUBLE_FIELD;
  /**
   * The last timed allocation, kept only so that its object shape outlives it: V8 discards
   * the optimized allocation code once no object of a shape it saw is left (the finished run
   * that `runScenario` keeps until the next one holds this).
   */
  private lastAllocTask: AllocTask | null = null;
  private readonly freeEv = { kind: 'free_pages' as const, free: 0 };
  /**
   * Binder LRU_SKIP counts before each running do_shrink_slab, by the pid of its task (only
   * when recorded): kswapd's call stays open while other tasks' calls run.
   */
  private readonly skipsBefore = new Map<number, Map<string, number>[]>();

  constructor(
    readonly resolved: ResolvedScenario,
    readonly seed: number,
    readonly loop: EventLoop,
    readonly tp: Tracepoints,
  ) {
    this.lastGrow = 0;
    this.profile = resolved.kernel;
    this.nrNodes = Math.max(1, resolved.memory.nodes);
    this.current = resolved.scriptTask;
    const mc = buildMemcgs(resolved, this.nrNodes);
    this.memcgs = mc.memcgs;
    this.memcgByName = mc.byName;
    for (const m of resolved.memcgs) {
      const memcg = mc.byName.get(m.name);
      if (memcg && m.lruShare) this.lruShares.set(memcg, m.lruShare);
    }
    this.charges = new MemcgCharges(
      resolved.memcgs.flatMap((m) => {
        const memcg = mc.byName.get(m.name);
        if (!memcg || (m.maxPages === undefined && m.highPages === undefined)) return [];
        return [{ memcg, ...(m.maxPages === undefined ? {} : { max: m.maxPages }), ...(m.highPages === undefined ? {} : { high: m.highPages }) }];
      }),
      (m) => (m as Memcg).parent,
      this.nrNodes,
      (m) => this.kmemPages(m as Memcg),
    );
    this.nodes = buildNodes(resolved, this.nrNodes);
    this.node0 = this.nodes[0] as NodeMemory;
    this.mem = { nodes: this.nodes, swappiness: resolved.memory.swappiness, inactiveRatio: 0.5 };
    this.cost = resolved.memory.reclaimCost ?? DEFAULT_RECLAIM_COST;
    this.noteFree();
    // Each scenario is its own "boot": its shrinker structs sit at addresses derived from the
    // scenario hash, so traces of different scenarios never share a `%p` (conform keys
    // shrinker instances by pointer). The seed does not move them, like a reboot.
    this.hash = scenarioHash(resolved);
    const ptrBase = FAKE_PTR_BASE + (BigInt(`0x${this.hash.slice(7, 13)}`) << 20n);
    this.registry = new ShrinkerRegistry({ profile: this.profile, memcgs: this.memcgs, ptrBase });
    this.shrinkers = registerCaches(resolved, seed, this.registry, this.memcgs, this.nodes);
    this.slabCtx = { registry: this.registry, memcgs: this.memcgs, profile: this.profile, sink: new MachineSlabSink(this) };
    this.binder = new MachineBinder(this);
    for (const sh of this.binder.system.shrinkers) {
      const reg = sh.registered;
      if (!reg) throw new Error('binder shrinker was not registered in the run registry');
      this.shrinkers.push({ reg, view: reg.view, binder: sh });
    }
    this.shrinkers.forEach((e, i) => {
      this.bySerial.set(e.view.serial, i);
      this.slabScanned.push(0n);
      this.slabFreed.push(0n);
    });
    this.oom = new MachineOom(this);
    this.deps = new MachineReclaimDeps(this, this.mglruDraw());
    this.kswapds = this.nodes.map((n) => new KswapdTask(this, n, kswapdTaskRef(resolved.kswapd, n.nid)));
  }

  get now(): number {
    return this.loop.now;
  }

  // ---- reclaim cost ----------------------------------------------------------------------
  startWork(): void {
    this.meter = emptyWork();
  }

  workNs(): number {
    return workCostNs(this.meter, this.cost);
  }

  /** Makes `m` the meter of the work that follows; returns the one it replaces. */
  swapMeter(m: ReclaimWork): ReclaimWork {
    const prev = this.meter;
    this.meter = m;
    return prev;
  }

  /** Free pages changed: tells the recorders the new total. */
  noteFree(): void {
    if (!this.tp.enabled.free_pages) return;
    let f = 0;
    for (const n of this.nodes) f += n.free;
    this.freeEv.free = f;
    this.tp.emit(this.freeEv);
  }

  // ---- shrink_slab -----------------------------------------------------------------------
  /** shrink_slab's trace_mm_shrink_slab_start (the slab sink's `start`). */
  slabStart(start: MmShrinkSlabStart): void {
    const tp = this.tp;
    if (tp.enabled.binder_lru_skips) this.skipsBefore.set(this.current.pid, this.binder.skipCounts());
    if (tp.enabled.shrink_slab_start) tp.emit({ kind: 'shrink_slab_start', task: this.current, timeNs: this.now, start });
  }

  /** trace_mm_shrink_slab_end (the slab sink's `end`). */
  slabEnd(end: MmShrinkSlabEnd): void {
    if (this.tp.enabled.shrink_slab_end) this.tp.emit({ kind: 'shrink_slab_end', task: this.current, timeNs: this.now, end });
  }

  /** One do_shrink_slab's outcome (the slab sink's `outcome`): its work on the meter, its events. */
  slabOutcome(o: ShrinkCallOutcome): void {
    const tp = this.tp;
    const m = this.meter;
    m.shrinkerCalls++;
    const entry = this.bySerial.get(o.shrinker.serial);
    if (o.result.kind !== 'skipped') {
      const stats = o.result.stats;
      if (!this.timedCall) {
        m.scanObjectsCalls += Number(stats.calls);
        m.objectsScanned += Number(stats.scanned);
      }
      this.vmstat.count('slabs_scanned', stats.scanned);
      if (entry !== undefined) {
        this.slabScanned[entry] = (this.slabScanned[entry] as bigint) + stats.scanned;
        this.slabFreed[entry] = (this.slabFreed[entry] as bigint) + stats.freed;
      }
    }
    if (entry !== undefined && tp.enabled.shrinker_outcome) tp.emit({ kind: 'shrinker_outcome', entry, outcome: o });
    const pid = this.current.pid;
    const before = this.skipsBefore.get(pid);
    if (entry !== undefined && before) this.emitSkips(entry, before, pid);
    this.skipsBefore.delete(pid);
  }

  /** shrink_slab's walk did not call a shrinker, or stopped (the slab sink's `walk`). */
  slabWalk(walk: ShrinkWalkEvent): void {
    if (this.tp.enabled.shrinker_walk) this.tp.emit({ kind: 'shrinker_walk', walk });
  }

  /**
   * The LRU_SKIPs of one do_shrink_slab, by process and reason (when there were any). The
   * calls of other tasks still open (kswapd's, overlapping this one) do not count them again.
   */
  private emitSkips(entry: number, before: Map<string, number>[], pid: number): void {
    const skips: { proc: string; reason: string; n: number }[] = [];
    this.binder.system.procs.forEach((p, i) => {
      for (const [reason, n] of p.skips) {
        const d = n - (before[i]?.get(reason) ?? 0);
        if (d <= 0) continue;
        skips.push({ proc: p.name, reason, n: d });
        for (const [other, snap] of this.skipsBefore) {
          const m = snap[i];
          if (other !== pid && m) m.set(reason, (m.get(reason) ?? 0) + d);
        }
      }
    });
    if (skips.length > 0) this.tp.emit({ kind: 'binder_lru_skips', entry, skips });
  }

  /**
   * Returns to the free pool what the shrinkers just freed: slab pages (reclaim_state counts
   * them) and Binder pages (a bare `__free_page()`, which it does not). Returns both counts.
   */
  collectFreedPages(): FreedPages {
    let slab = 0;
    for (const e of this.shrinkers) {
      if (!e.cache) continue;
      e.cache.takePagesFreed().forEach((p, nid) => {
        if (p > 0) slab += this.nodes[nid]?.release('slab', p) ?? 0;
      });
    }
    return { slab, binder: this.binder.releaseReclaimed() };
  }

  /** One shrink_slab() by `task` on a reclaim path; returns objects freed and slab pages returned. */
  shrinkSlab(path: ReclaimPath, task: TaskRef, mask: GfpMask, nid: number, memcg: Memcg | null, priority: number): ShrinkSlabOutcome {
    const prev = this.current;
    this.current = task;
    const sys = this.binder.system;
    sys.setNow(this.now);
    const freed = sys.withTask(task, () => shrinkSlab(this.slabCtx, mask, nid, memcg, priority));
    this.current = prev;
    const pages = this.collectFreedPages();
    return this.passDone(path, priority, mask, freed, pages.slab, pages.binder);
  }

  /** The end of one shrink_slab: its reclaim_pass event (pages: slab and Binder) and outcome. */
  private passDone(path: ReclaimPath, priority: number, mask: GfpMask, freed: bigint, slab: number, binder: number): ShrinkSlabOutcome {
    if (this.tp.enabled.reclaim_pass) this.tp.emit({ kind: 'reclaim_pass', path, priority, gfpMask: mask, slabFreed: freed, slabPagesFreed: slab + binder });
    return { freed, slabPagesFreed: slab, binderPagesFreed: binder };
  }

  /**
   * kswapd's shrink_slab, with time inside its shrinker calls: each segment of the walk (up to
   * a deferred exchange, one batch, or the end) runs in kswapd's name at the current simulated
   * time, collects the pages it freed into this call's reclaim_state, and yields so the run
   * loop can price it; other tasks run before the next segment. Binder walks of a segment are
   * timed (`objectScanNs` per callback), so 6.1's alloc->mutex holds across the unmap occupy
   * their slots of the batch.
   */
  *shrinkSlabSteps(path: ReclaimPath, task: TaskRef, mask: GfpMask, nid: number, memcg: Memcg | null, priority: number): ReclaimSteps<ShrinkSlabOutcome> {
    const sys = this.binder.system;
    const g = shrinkSlabSteps(this.slabCtx, mask, nid, memcg, priority, true);
    let slab = 0;
    let binder = 0;
    let freed: bigint;
    for (;;) {
      const prev = this.current;
      this.current = task;
      this.timedCall = true;
      sys.setNow(this.now);
      sys.timedWalk(this.cost.scanObjectsNs, this.cost.objectScanNs);
      let r: IteratorResult<ReclaimTick, bigint>;
      const prevTask = sys.swapTask(task);
      try {
        r = g.next();
      } finally {
        sys.swapTask(prevTask);
        sys.timedWalk(0, 0);
        this.timedCall = false;
        this.current = prev;
      }
      const pages = this.collectFreedPages();
      slab += pages.slab;
      binder += pages.binder;
      if (r.done) {
        freed = r.value;
        break;
      }
      this.meter.scanObjectsCalls += r.value.scanCalls;
      this.meter.objectsScanned += r.value.scanned;
      yield r.value;
    }
    return this.passDone(path, priority, mask, freed, slab, binder);
  }

  /** MGLRU's `get_random_u32_below` (memcg LRU bins): the run's stream "mglru". */
  private mglruDraw(): (n: number) => number {
    const rng = rngStream(this.seed, 'mglru');
    return (n) => Math.floor(rng.next() * n);
  }

  /** A non-root memcg's configured share of the LRU pages (MGLRU lruvecs). */
  lruShareOf(memcg: Memcg): number {
    return this.lruShares.get(memcg) ?? 0;
  }

  // ---- the reclaim engine's observer (ReclaimObserver) -------------------------------------
  onShrinkNode(path: ReclaimPath, _task: EngineTask, nid: number, priority: number): void {
    this.meter.shrinkNodes++;
    if (this.tp.enabled.shrink_node) this.tp.emit({ kind: 'shrink_node', path, nid, priority });
  }

  onLru(path: ReclaimPath, _nid: number, priority: number, gfpMask: GfpMask, file: number, anon: number): void {
    // The model reclaims every page it scans.
    const m = this.meter;
    m.lruScanned += file + anon;
    m.fileReclaimed += file;
    m.anonReclaimed += anon;
    if (this.tp.enabled.lru_reclaimed) this.tp.emit({ kind: 'lru_reclaimed', path, priority, gfpMask, file, anon });
  }

  onBegin(path: ReclaimPath, task: EngineTask, gfpMask: GfpMask, nid: number): void {
    if (this.tp.enabled.vmscan_begin) this.tp.emit({ kind: 'vmscan_begin', path, task, timeNs: this.now, gfpMask, nid });
  }

  onEnd(path: ReclaimPath, task: EngineTask, nrReclaimed: number, nid: number): void {
    if (this.tp.enabled.vmscan_end) this.tp.emit({ kind: 'vmscan_end', path, task, timeNs: this.now, nrReclaimed, nid });
  }

  // ---- the allocator's environment (AllocEnv) ----------------------------------------------
  wakeKswapd(nid: number, pages: number): void {
    if (this.kswapds[nid]?.wake(pages) && this.tp.enabled.kswapd_wake) this.tp.emit({ kind: 'kswapd_wake', nid });
  }

  onDirectProgress(nid: number): void {
    this.kswapds[nid]?.resetFailures();
  }

  outOfMemory(task: EngineTask): 'other' | 'self' | 'none' {
    return this.oom.outOfMemory(task);
  }

  // ---- page allocation -------------------------------------------------------------------
  /**
   * Allocates `pages` for `owner` on node `nid` (default: round robin) in `task`'s gfp context:
   * may wake kswapd and reclaim directly; the task then stalls for the direct reclaim's cost.
   */
  allocate(owner: PageOwner, pages: number, mask: GfpMask, task: TaskRef, nid?: number): VerbResult {
    const node = this.nodes[nid ?? this.allocCursor++ % this.nrNodes] ?? this.node0;
    this.meter = emptyWork();
    const r = allocPages(this, node, owner, pages, mask, this.engineTask(task, node.nid));
    // Direct reclaim ran in the task's context: the allocation completes after its cost.
    return this.allocEnded(task, owner, pages, r, this.now, r.directReclaims > 0 ? this.workNs() : 0);
  }

  /** Fields named, not spread: a spread of the caller's object costs a generic copy per call. */
  private engineTask(task: TaskRef, nid: number): EngineTask {
    return { comm: task.comm, pid: task.pid, cpu: task.cpu, nid, scope: 'none' };
  }

  /** The end of an allocation's slowpath, begun at `startNs`, after `stallNs` of direct reclaim: its events and verb result. */
  private allocEnded(task: TaskRef, owner: PageOwner, pages: number, r: AllocResult, startNs: number, stallNs: number): VerbResult {
    this.lastTaken = r.ok ? pages : (r.taken ?? 0);
    this.noteFree();
    if (r.directReclaims > 0 && this.tp.enabled.direct_reclaim) {
      this.tp.emit({ kind: 'direct_reclaim', task, owner, directReclaims: r.directReclaims, stallNs, startNs });
    }
    if (r.ok) return stallNs > 0 ? { ok: true, stallNs } : { ok: true };
    // An OOM victim's request is not an allocation failure: the task was killed.
    if (r.reason !== 'killed' && this.tp.enabled.alloc_failure) this.tp.emit({ kind: 'alloc_failure', owner, reason: r.reason });
    return stallNs > 0 ? { ok: false, error: r.reason, stallNs } : { ok: false, error: r.reason };
  }

  /**
   * A generator task's allocation on the virtual clock (allocTask.ts): its slowpath's direct
   * reclaim takes simulated time, segment by segment, while other tasks run; `waiter` hears the
   * result (as `allocateFor` returns it, `stallNs` the time the slowpath took) when it is over,
   * at once if no time passed. An allocation charged to an accounted memcg (memory.max/.high)
   * keeps its charge reclaim atomic: it is `allocateFor`, answered at once.
   */
  allocateTimed(pool: Pool, pages: number, mask: GfpMask, task: TaskRef, memcg: string, waiter: AllocWaiter): void {
    const accounted = this.charges.counter(this.memcgByName.get(memcg) ?? null);
    if (accounted || this.oom.isDead(task.pid)) return waiter.allocated(this.allocateFor(pool, pages, mask, task, memcg));
    const node = this.nodes[this.allocCursor % this.nrNodes] ?? this.node0;
    // Above LOW the allocation needs no slowpath: no task, answered at once.
    if (node.free - pages >= node.wmark.low) return waiter.allocated(this.allocateFor(pool, pages, mask, task, memcg));
    this.allocCursor++;
    const owner = poolOwner(pool);
    const steps = allocPagesSteps(this, node, owner, pages, mask, this.engineTask(task, node.nid), true);
    const done: AllocDone = {
      allocDone: (r, startNs, stallNs) => waiter.allocated(this.settleFor(pool, pages, task, this.allocEnded(task, owner, pages, r, startNs, stallNs))),
    };
    const t = new AllocTask(this, task, steps, done);
    this.lastAllocTask = t;
    t.fire();
  }

  /**
   * A generator task's allocation: a task the OOM killer killed allocates nothing more
   * (`killed`); anonymous pages taken are counted to its pid (its rss for oom_badness). If the
   * task itself was chosen during this allocation, what it took goes back at once and the
   * generator hears `killed` (the kernel served it from the reserves; it dies on return).
   */
  allocateFor(pool: Pool, pages: number, mask: GfpMask, task: TaskRef, memcg = 'root'): VerbResult {
    if (this.oom.isDead(task.pid)) return { ok: false, error: 'killed' };
    return this.settleFor(pool, pages, task, this.allocateCharged(pool, pages, mask, task, memcg));
  }

  /** After a generator task's allocation: its anonymous pages, or `killed` if it was chosen meanwhile. */
  private settleFor(pool: Pool, pages: number, task: TaskRef, r: VerbResult): VerbResult {
    const killed = this.oom.isDead(task.pid);
    if (pool === 'anon') {
      const taken = r.ok ? pages : this.lastTaken;
      if (killed) this.releaseAnon(taken);
      else this.oom.charge(task.pid, taken);
    }
    // Chosen during this allocation (served from the reserves or not): the task exits now.
    if (killed) return r.stallNs ? { ok: false, error: 'killed', stallNs: r.stallNs } : { ok: false, error: 'killed' };
    return r;
  }

  /**
   * An allocation charged to `memcg` (mem_cgroup_charge after the page allocator): a memcg
   * with a memory.max / .high is charged first, reclaiming itself at its limit in the task's
   * gfp (try_charge_memcg); a failed charge fails the allocation with `memcg_nomem` or
   * `memcg_oom`. Pages the allocator could not give are uncharged; memory.high's reclaim runs
   * on the return to user mode. Other memcgs: exactly `allocate`.
   */
  allocateCharged(pool: Pool, pages: number, mask: GfpMask, task: TaskRef, memcgName: string): VerbResult {
    const memcg = this.memcgByName.get(memcgName);
    const counter = this.charges.counter(memcg ?? null);
    if (!memcg || !counter) return this.allocate(poolOwner(pool), pages, mask, task);
    const nid = this.allocCursor++ % this.nrNodes;
    const type = pool === 'pagecache' ? LRU_GEN_FILE : LRU_GEN_ANON;
    const engineTask: EngineTask = { ...task, nid, scope: 'none' };
    const reclaim: MemcgReclaimFn = (m, nr, gfpMask) => tryToFreeMemCgroupPagesForCharge(this.mem, m, nr, gfpMask, engineTask, this.deps);
    this.chargedBy.set(task.pid, memcg);
    this.startWork();
    const c = this.charges.tryCharge(memcg, nid, type, pages, mask, task, reclaim, this.memcgOom(task));
    const chargeNs = c.reclaims > 0 ? this.workNs() : 0;
    this.noteFree();
    if (!c.ok) return chargeNs > 0 ? { ok: false, error: `memcg_${c.reason}`, stallNs: chargeNs } : { ok: false, error: `memcg_${c.reason}` };
    const r = this.allocate(poolOwner(pool), pages, mask, task, nid);
    if (!r.ok) this.charges.uncharge(memcg, nid, type, pages - this.lastTaken);
    // Return to user mode: mem_cgroup_handle_over_high in GFP_KERNEL.
    this.startWork();
    const high = this.charges.handleOverHigh(task, reclaim);
    const stallNs = (r.stallNs ?? 0) + chargeNs + (high > 0 ? this.workNs() : 0);
    if (high > 0) this.noteFree();
    return stallNs > 0 ? { ...r, stallNs } : r;
  }

  /** Gives pages of a pool back (files deleted, an app exiting), node by node. Returns pages released. */
  release(pool: Pool, pages: number, task?: TaskRef): number {
    if (task && this.oom.isDead(task.pid)) return 0;
    let left = pages;
    for (const n of this.nodes) left -= n.release(poolOwner(pool), left);
    this.noteFree();
    const charged = task ? this.chargedBy.get(task.pid) : undefined;
    if (charged) this.uncharge(charged, pool, pages - left);
    if (task && pool === 'anon') this.oom.uncharge(task.pid, pages - left);
    return pages - left;
  }

  /**
   * `mem_cgroup_oom`: the OOM killer chooses among the tasks charged to the memcg's subtree,
   * against its limit; the victim's anonymous pages leave its memcg (its page cache stays
   * charged, as in the kernel).
   */
  private memcgOom(task: TaskRef): MemcgOomFn {
    return (over, limitPages) => {
      const pids = new Set<number>();
      for (const [pid, m] of this.chargedBy) {
        for (let up: Memcg | null = m; up !== null; up = up.parent) if (up === over) pids.add(pid);
      }
      const before = this.oom.kills.length;
      const r = this.oom.outOfMemory(task, { pids, totalPages: limitPages });
      for (const k of this.oom.kills.slice(before)) {
        const charged = this.chargedBy.get(k.pid);
        if (charged) this.uncharge(charged, 'anon', k.anonRssPages);
      }
      return r;
    };
  }

  /** A memcg's slab pages: its objects on the sublists of memcg-aware list caches, whole pages per node. */
  private kmemPages(memcg: Memcg): number {
    let pages = 0;
    for (const e of this.shrinkers) {
      const c = e.cache;
      if (!c || !e.view.flags.memcgAware || c.cfg.count.source !== 'list') continue;
      // A cache that is not NUMA aware keeps one sublist per memcg (node 0's).
      for (let nid = 0; nid < (c.cfg.numaAware ? this.nrNodes : 1); nid++) pages += Math.ceil(Number(c.countOf(nid, memcg)) / c.cfg.objectsPerPage);
    }
    return pages;
  }

  /** Pages leaving an accounted memcg outside reclaim, node by node. */
  private uncharge(memcg: Memcg, pool: Pool, pages: number): void {
    let left = pages;
    for (let nid = 0; nid < this.nrNodes && left > 0; nid++) left -= this.charges.uncharge(memcg, nid, pool === 'pagecache' ? LRU_GEN_FILE : LRU_GEN_ANON, left);
  }

  /** Frees `pages` anonymous pages of a dying task: resident ones first, then its swap slots. */
  releaseAnon(pages: number): number {
    let left = pages;
    for (const n of this.nodes) left -= n.release('anon', left);
    for (const n of this.nodes) {
      const slots = Math.min(left, n.swapUsed);
      n.swapUsed -= slots;
      left -= slots;
    }
    this.noteFree();
    return pages - left;
  }

  /**
   * Slab caches grow back between samples: each `list` cache adds the objects its growth rate
   * gives for the time since the last growth, and allocates the slab pages they need (as the
   * slab grower, GFP_KERNEL); a cache whose allocation fails gives the objects back.
   */
  growCaches(): void {
    const dt = this.now - this.lastGrow;
    this.lastGrow = this.now;
    if (dt <= 0) return;
    for (const e of this.shrinkers) {
      const c = e.cache;
      if (!c || c.cfg.count.source !== 'list') continue;
      const before = this.nodes.map((_, nid) => c.objectsOnNode(nid));
      const g = c.grow(dt);
      if (g.added === 0n) continue;
      g.perNode.forEach((_added, nid) => {
        const opp = c.cfg.objectsPerPage;
        const pagesBefore = Math.ceil(Number(before[nid] ?? 0n) / opp);
        const pagesAfter = Math.ceil(Number(c.objectsOnNode(nid)) / opp);
        const need = pagesAfter - pagesBefore;
        if (need <= 0) return;
        const r = this.allocate('slab', need, GFP_KERNEL, SLAB_GROWER, nid);
        if (!r.ok) c.shrinkBy(nid, c.objectsOnNode(nid) - (before[nid] ?? 0n));
      });
    }
  }

  // ---- the admin interfaces --------------------------------------------------------------
  /** `echo mode > /proc/sys/vm/drop_caches` by `task`. */
  dropCaches(mode: 1 | 2 | 3, task: TaskRef): DropCachesResult {
    const prev = this.current;
    this.current = task;
    const r = dropCaches(this.mem, mode, this.deps, { ...task, nid: 0, scope: 'none' });
    this.current = prev;
    this.noteFree();
    return r;
  }

  /** `echo bytes > memory.reclaim` of `memcg` (null: memcg disabled, the whole machine). */
  memoryReclaim(memcg: Memcg | null, pages: number, maySwap: boolean, task: TaskRef): MemoryReclaimResult {
    const r = memoryReclaim(this.mem, memcg, pages * this.resolved.memory.pageSize, { ...task, nid: 0, scope: 'none' }, this.deps, { maySwap });
    this.noteFree();
    return r;
  }

  /** A read of debugfs `shrinker/<dir>/count` (the callbacks' count, per node and memcg). */
  debugfsCount(entry: number): string {
    const e = this.shrinkers[entry] as ShrinkerEntry;
    const text = debugfsCount(this.slabCtx, e.reg);
    if (this.tp.enabled.debugfs) this.tp.emit({ kind: 'debugfs', entry, op: 'count' });
    return text;
  }

  /** A write of `"<ino> <nid> <nr>"` to debugfs `shrinker/<dir>/scan` by `task`. */
  debugfsScan(entry: number, input: string, nr: number, task: TaskRef): { result: DebugfsScanResult; pagesFreed: number } {
    const e = this.shrinkers[entry] as ShrinkerEntry;
    const prev = this.current;
    this.current = task;
    const sys = this.binder.system;
    sys.setNow(this.now);
    const result = sys.withTask(task, () => debugfsScan(this.slabCtx, e.reg, input));
    this.current = prev;
    if (nr > 0 && result.ok && this.tp.enabled.debugfs) this.tp.emit({ kind: 'debugfs', entry, op: 'scan' });
    const pages = this.collectFreedPages();
    this.noteFree();
    return { result, pagesFreed: pages.slab + pages.binder };
  }

  // ---- end of run -----------------------------------------------------------------------
  /** The machine's state for the result: shrinkers, Binder processes, memory, own skip counts. */
  endState(): MachineEnd {
    const nodes = this.nodes;
    const skips: [string, number][] = [];
    for (const p of this.binder.system.procs) for (const [reason, n] of p.skips) skips.push([reason, n]);
    for (const e of this.shrinkers) {
      if (!e.cache) continue;
      const s = e.cache.stats;
      if (s.fsStops) skips.push(['stop_no_gfp_fs', s.fsStops]);
      if (s.ioStops) skips.push(['stop_no_gfp_io', s.ioStops]);
      if (s.trylockStops) skips.push(['stop_trylock', s.trylockStops]);
    }
    return {
      simulatedNs: this.now,
      totalPages: this.resolved.memory.totalPages,
      watermarks: nodes.reduce((a, n) => ({ min: a.min + n.wmark.min, low: a.low + n.wmark.low, high: a.high + n.wmark.high }), { min: 0, low: 0, high: 0 }),
      end: nodes.reduce((a, n) => ({ free: a.free + n.free, pageCache: a.pageCache + n.file, anon: a.anon + n.anon }), { free: 0, pageCache: 0, anon: 0 }),
      shrinkers: this.shrinkers.map((e, i) => ({
        name: e.view.name,
        symbol: e.view.traceRef.symbol,
        seeks: e.view.seeks,
        batch: e.view.batch,
        numaAware: e.view.flags.numaAware,
        memcgAware: e.view.flags.memcgAware,
        scanned: this.slabScanned[i] as bigint,
        freed: this.slabFreed[i] as bigint,
        deferredEnd: this.registry.totalDeferred(e.view),
        countEnd: this.countOf(i),
      })),
      procs: this.binder.system.procs.map((p, i) => ({
        name: p.name,
        driver: p.driver,
        allocations: this.binder.txCountsOf(i).allocations,
        allocFailures: this.binder.txCountsOf(i).failures,
        pages: p.pages.counts(),
        highWatermark: p.pages.pagesHigh,
        refaults: p.pages.stats.refaults,
        reclaimed: p.pages.stats.reclaimed,
        dead: !p.mmAlive,
      })),
      binderEvents: this.binder.system.events,
      skips,
      vmstat: this.vmstat.snapshot(),
      oomKills: this.oom.kills.map((k) => ({
        timeNs: k.timeNs,
        pid: k.pid,
        comm: k.comm,
        badness: k.badness,
        oomScoreAdj: k.oomScoreAdj,
        anonRssPages: k.anonRssPages,
        fileRssPages: k.fileRssPages,
        pagesFreed: k.pagesFreed,
        trigger: { pid: k.trigger.pid, comm: k.trigger.comm },
      })),
      memcgs: this.resolved.memcgs.flatMap((m) => {
        const c = this.charges.counter(this.memcgByName.get(m.name) ?? null);
        if (!c) return [];
        const limits = { ...(m.maxPages === undefined ? {} : { maxPages: m.maxPages }), ...(m.highPages === undefined ? {} : { highPages: m.highPages }) };
        return [{ name: m.name, ...limits, usagePages: c.usage(), events: { ...c.events } }];
      }),
    };
  }

  // ---- lookups ---------------------------------------------------------------------------
  /** A scenario memcg by name; `root` or null is the root (null when memcg is disabled). */
  memcgOf(name: string | null): Memcg | null | undefined {
    if (name === null || name === 'root') return this.resolved.memcgEnabled ? this.memcgs.root : null;
    return this.memcgByName.get(name);
  }

  /** The index of the shrinker named `name` (registry name or debugfs directory), or -1. */
  findShrinker(name: string): number {
    return this.shrinkers.findIndex((e) => e.view.name === name || e.view.debugfsName === name);
  }

  /** What a shrinker's count_objects would say in total (the `count` column of samples). */
  countOf(entry: number): bigint {
    const e = this.shrinkers[entry] as ShrinkerEntry;
    if (e.cache) return e.cache.cfg.count.source === 'fixed' ? e.cache.cfg.count.objects : e.cache.totalObjects();
    if (e.binder) return BigInt(e.binder.freelist.count());
    return 0n;
  }
}
