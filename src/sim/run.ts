/**
 * `runScenario(resolved, opts) → RunResult`: the discrete-event loop.
 *
 * Step 1: build the machine: memcg tree, nodes with their pages and watermarks, the shrinker
 *         registry (synthetic caches first, then Binder's "android-binder", as a module loaded
 *         after the filesystems registers later), the Binder system, one kswapd per node.
 * Step 2: start every workload generator (each schedules its own events on the virtual clock)
 *         and the sampler.
 * Step 3: execute the script in order at the current time; `advance` runs the queued events
 *         up to the new time. After the script, run the queue to max(duration, script end).
 * Step 4: collect statistics, samples, snapshots, step outcomes and the trace.
 *
 * Every shrink_slab goes through one wrapper, which knows the task (for trace lines), counts
 * passes by (path, priority, gfp), and returns to the free pool the pages the shrinkers freed
 * (slab pages of the synthetic caches, Binder pages), crediting them as reclaim_state.
 */
import { formatGfp, GFP_KERNEL, __GFP_HIGHMEM, __GFP_ZERO, gfp, type GfpMask } from '../mm/gfp.js';
import { Memcg, MemcgTree } from '../mm/memcg.js';
import { allocPages, type AllocEnv } from '../mm/reclaim/allocator.js';
import { SyntheticCache } from '../mm/reclaim/caches/syntheticCache.js';
import { DEFAULT_RECLAIM_COST, emptyWork, workCostNs, type ReclaimWork } from '../mm/reclaim/cost.js';
import { dropCaches } from '../mm/reclaim/dropCaches.js';
import { Kswapd } from '../mm/reclaim/kswapd.js';
import { NodeMemory, type MemoryModel, type PageOwner } from '../mm/reclaim/nodeMemory.js';
import { memoryReclaim } from '../mm/reclaim/proactive.js';
import type { ReclaimDeps, ReclaimPath as EnginePath, TaskRef as EngineTask } from '../mm/reclaim/scanControl.js';
import { zoneWatermarks } from '../mm/reclaim/watermarks.js';
import { VmStat } from '../mm/vmstat.js';
import { debugfsCount, debugfsScan } from '../mm/shrinker/debugfs.js';
import { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import { FAKE_PTR_BASE } from '../mm/shrinker/shrinker.js';
import type { RegisteredShrinker, ShrinkerView } from '../mm/shrinker/shrinker.js';
import { shrinkSlab, type ShrinkSlabCtx, type ShrinkSlabSink } from '../mm/shrinker/shrinkSlab.js';
import { assertNever } from '../mm/shrinker/types.js';
import { applyBinderStep, binderSnapshot } from '../binder/steps.js';
import type { BinderStep as BinderScriptStep } from '../binder/schema.js';
import { BinderSystem } from '../binder/system.js';
import { formatBinderEventBody, type BinderTraceRecord } from '../binder/trace.js';
import type { BinderShrinker } from '../binder/shrinker.js';
import {
  RESULT_SCHEMA_VERSION,
  type BinderProcStats,
  type DirectStallRow,
  type ReclaimPassRow,
  type ReclaimPath,
  type RunOptions,
  type RunResult,
  type Sample,
  type ShrinkerStats,
  type Snapshot,
  type StepOutcome,
} from '../report/result.js';
import type { ResolvedScenario, ResolvedStep, SimTimeNs, StepName, TaskRef } from '../scenario/types.js';
import { scenarioHash } from '../scenario/hash.js';
import { formatShrinkEndBody, formatShrinkStartBody } from '../trace/ftrace/shrinkFormat.js';
import type { TraceContext } from '../trace/ftrace/line.js';
import { VERSION } from '../version.js';
import { createGenerators } from '../workload/registry.js';
import type { Pool, VerbResult, WorkloadCtx } from '../workload/types.js';
import { EventQueue } from './eventQueue.js';
import { SimClock } from './clock.js';
import { rngStream } from './rng.js';
import { TraceCollector, vmscanBodies } from './trace.js';

/** Binder installs pages with `alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO)`. */
const BINDER_PAGE_GFP = gfp(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
/** The worker that grows slab caches back (allocations in GFP_KERNEL context). */
const SLAB_GROWER: TaskRef = { comm: 'kworker/0:1', pid: 30, cpu: 0 };

interface MutableShrinkerStats {
  countCalls: number;
  countSkips: number;
  scanCalls: bigint;
  scanned: bigint;
  freed: bigint;
  stops: number;
  deferredMax: bigint;
}

interface ShrinkerEntry {
  readonly reg: RegisteredShrinker<unknown>;
  readonly view: ShrinkerView;
  readonly cache?: SyntheticCache;
  readonly binder?: BinderShrinker;
  readonly stats: MutableShrinkerStats;
}

interface ProcCounters {
  allocations: number;
  failures: Record<string, number>;
}

const poolOwner = (pool: Pool): PageOwner => (pool === 'pagecache' ? 'file' : 'anon');

export function runScenario(resolved: ResolvedScenario, opts: RunOptions = {}): RunResult {
  const seed = opts.seed ?? resolved.seed;
  const profile = resolved.kernel;
  const clock = new SimClock();
  const queue = new EventQueue<() => void>();
  const trace = new TraceCollector(opts.collectTrace === true);
  const nrNodes = Math.max(1, resolved.memory.nodes);
  const endNs = Math.max(
    resolved.duration,
    resolved.script.reduce((t, s) => t + (s.kind === 'advance' ? s.by : 0), 0),
  );

  // ---- memcgs --------------------------------------------------------------------------
  const memcgs = new MemcgTree({ nrNodeIds: nrNodes, memcgDisabled: !resolved.memcgEnabled });
  const memcgByName = new Map<string, Memcg>([['root', memcgs.root]]);
  if (resolved.memcgEnabled) {
    for (const m of resolved.memcgs) {
      memcgByName.set(m.name, memcgs.create(memcgByName.get(m.parent) ?? memcgs.root, m.name));
    }
  }

  // ---- memory --------------------------------------------------------------------------
  const m = resolved.memory;
  const share = (total: number, nid: number): number => {
    const per = Math.floor(total / nrNodes);
    return per + (nid === 0 ? total - per * nrNodes : 0);
  };
  const nodes: NodeMemory[] = [];
  for (let nid = 0; nid < nrNodes; nid++) {
    const managed = share(m.totalPages, nid);
    const w = m.watermarks;
    const wmark =
      w.mode === 'derived'
        ? zoneWatermarks(managed, m.totalPages, w.minFreeKbytes, w.watermarkScaleFactor)
        : { min: w.min, low: w.low, high: w.high };
    nodes.push(
      new NodeMemory({
        nid,
        managedPages: managed,
        filePages: share(m.pageCache, nid),
        anonPages: share(m.anon, nid),
        swapPages: share(m.swapPages, nid),
        wmark,
      }),
    );
  }
  const mem: MemoryModel = { nodes, swappiness: m.swappiness, inactiveRatio: 0.5 };
  const node0 = nodes[0] as NodeMemory;

  // ---- statistics ----------------------------------------------------------------------
  const rows = new Map<string, { path: ReclaimPath; priority: number; gfp: string; passes: number; reclaimedPages: number; slabFreed: bigint }>();
  const row = (path: ReclaimPath, priority: number, mask: GfpMask) => {
    const g = formatGfp(mask, profile);
    const key = `${path}\u0000${priority}\u0000${g}`;
    let r = rows.get(key);
    if (!r) {
      r = { path, priority, gfp: g, passes: 0, reclaimedPages: 0, slabFreed: 0n };
      rows.set(key, r);
    }
    return r;
  };
  const skips = new Map<string, number>();
  const skip = (reason: string, n = 1): void => void skips.set(reason, (skips.get(reason) ?? 0) + n);
  const vmstat = new VmStat();
  const memStats = { kswapdWakeups: 0, directReclaims: 0, allocFailures: 0, reclaimedFile: 0, reclaimedAnon: 0, reclaimedSlab: 0 };
  let minFree = Number.POSITIVE_INFINITY;
  const noteFree = (): void => {
    let f = 0;
    for (const n of nodes) f += n.free;
    if (f < minFree) minFree = f;
  };
  noteFree();

  // ---- reclaim cost ----------------------------------------------------------------------
  // The work of the piece of reclaim being executed (a kswapd step, one allocation's direct
  // reclaim), priced in simulated time by the scenario's cost model. Reclaim is synchronous
  // inside one event, so one meter suffices: each measured piece resets it first.
  const cost = m.reclaimCost ?? DEFAULT_RECLAIM_COST;
  let meter: ReclaimWork = emptyWork();
  let kswapdBusyNs = 0;
  const stalls = new Map<string, { comm: string; pid: number; owner: string; allocations: number; directReclaims: number; stallNs: number; maxStallNs: number }>();

  // ---- trace context -------------------------------------------------------------------
  let current: TaskRef = resolved.scriptTask;
  const ctxOf = (t: TaskRef): TraceContext => ({ comm: t.comm, pid: t.pid, cpu: t.cpu, tsNs: BigInt(clock.now) });

  // ---- shrinkers -----------------------------------------------------------------------
  // Each scenario is its own "boot": its shrinker structs sit at addresses derived from the
  // scenario hash, so traces of different scenarios never share a `%p` (conform keys shrinker
  // instances by pointer). The seed does not move them, like a reboot of the same kernel.
  const hash = scenarioHash(resolved);
  const ptrBase = FAKE_PTR_BASE + (BigInt(`0x${hash.slice(7, 13)}`) << 20n);
  const registry = new ShrinkerRegistry({ profile, memcgs, ptrBase });
  const entries: ShrinkerEntry[] = [];
  const bySerial = new Map<number, ShrinkerEntry>();
  const newStats = (): MutableShrinkerStats => ({ countCalls: 0, countSkips: 0, scanCalls: 0n, scanned: 0n, freed: 0n, stops: 0, deferredMax: 0n });
  const addEntry = (e: ShrinkerEntry): void => {
    entries.push(e);
    bySerial.set(e.view.serial, e);
  };

  for (const cfg of resolved.shrinkers) {
    const rng = rngStream(seed, `shrinker:${cfg.name}`);
    let id = -1;
    const cache = new SyntheticCache(cfg, {
      nrNodes,
      memcgs: resolved.memcgEnabled ? memcgs.all() : [memcgs.root],
      draw: () => rng.next(),
      onSublistNonEmpty: (nid, memcg) => {
        if (id >= 0) memcgs.setShrinkerBit(memcg as Memcg, nid, id);
      },
    });
    const reg = registry
      .shrinkerAlloc<unknown>({ name: cfg.name, flags: { numaAware: cfg.numaAware, memcgAware: cfg.memcgAware, nonslab: cfg.nonslab }, priv: undefined })
      .setOps(cache.ops())
      .setSeeks(cfg.seeks)
      .setBatch(cfg.batch)
      .setSymbol(cfg.symbol)
      .register();
    id = reg.core.id;
    for (const s of cache.nonEmptySublists()) memcgs.setShrinkerBit(s.memcg as Memcg, s.nid, id);
    if (cfg.count.source === 'list') {
      for (let nid = 0; nid < nrNodes; nid++) {
        const pages = Math.ceil(Number(cache.objectsOnNode(nid)) / cfg.objectsPerPage);
        nodes[nid]?.take('slab', pages);
      }
    }
    addEntry({ reg, view: reg.view, cache, stats: newStats() });
  }

  // ---- Binder --------------------------------------------------------------------------
  const binder = new BinderSystem({
    procs: resolved.binder.procs.map((p) => ({ name: p.name, pid: p.task.pid, mmapBytes: p.mmapBytes, driver: p.driver })),
    // Only when lines are kept: the event tally comes from `binder.events` either way.
    ...(trace.collect ? { traceSink: (rec: BinderTraceRecord) => trace.add(rec.ctx, rec.event.name, () => formatBinderEventBody(rec.event)) } : {}),
    reclaimTask: resolved.scriptTask,
    nrNodes,
    // Binder registers its shrinker(s) in the run's registry, after the synthetic caches (as a
    // module loaded after boot), so shrink_slab, drop_slab, debugfs and Binder's own `shrink`
    // steps all share one nr_deferred per shrinker.
    registry,
    shrinker: { seeks: resolved.binder.shrinker.seeks, batch: resolved.binder.shrinker.batch },
  });
  for (const sh of binder.shrinkers) {
    const reg = sh.registered;
    if (!reg) throw new Error('binder shrinker was not registered in the run registry');
    addEntry({ reg, view: reg.view, binder: sh, stats: newStats() });
  }
  const procCounters = new Map<string, ProcCounters>(resolved.binder.procs.map((p) => [p.name, { allocations: 0, failures: {} }]));
  const binderInstalled = (): number => {
    let n = 0;
    for (const p of binder.procs) {
      const c = p.pages.counts();
      n += c.active + c.lru;
    }
    return n;
  };
  /** Pages the memory model holds for Binder (may lag `binderInstalled` if memory ran out). */
  let binderAccounted = 0;

  // ---- shrink_slab wrapper -------------------------------------------------------------
  const sink: ShrinkSlabSink = {
    start: (e) => trace.add(ctxOf(current), 'mm_shrink_slab_start', () => formatShrinkStartBody(e, profile)),
    end: (e) => trace.add(ctxOf(current), 'mm_shrink_slab_end', () => formatShrinkEndBody(e)),
    outcome: (o) => {
      meter.shrinkerCalls++;
      if (o.result.kind !== 'skipped') {
        meter.scanObjectsCalls += Number(o.result.stats.calls);
        meter.objectsScanned += Number(o.result.stats.scanned);
        vmstat.count('slabs_scanned', o.result.stats.scanned);
      }
      const st = bySerial.get(o.shrinker.serial)?.stats;
      if (!st) return;
      st.countCalls++;
      const r = o.result;
      if (r.kind === 'skipped') {
        st.countSkips++;
        return;
      }
      st.scanCalls += r.stats.calls;
      st.scanned += r.stats.scanned;
      st.freed += r.stats.freed;
      st.stops += r.stats.stops;
      if (r.end.newScan > st.deferredMax) st.deferredMax = r.end.newScan;
    },
    walk: (e) => {
      switch (e.kind) {
        case 'trylock-failed':
          skip('shrinker_rwsem_trylock');
          return;
        case 'contended-break':
          skip('shrinker_rwsem_contended');
          return;
        case 'refcount-zero':
          skip('shrinker_refcount_zero');
          return;
        case 'bit-cleared':
        case 'not-registered':
          return;
        case 'kmem-offline-skip':
          skip('kmem_offline');
          return;
        case 'memcg-offline':
          skip('memcg_offline');
          return;
        default:
          assertNever(e);
      }
    },
  };
  const slabCtx: ShrinkSlabCtx = { registry, memcgs, profile, sink };

  /** Returns to the free pool what the shrinkers just freed; the pages count as reclaim_state. */
  const collectFreedPages = (): number => {
    let pages = 0;
    for (const e of entries) {
      if (!e.cache) continue;
      e.cache.takePagesFreed().forEach((p, nid) => {
        if (p > 0) pages += nodes[nid]?.release('slab', p) ?? 0;
      });
    }
    const installed = binderInstalled();
    if (installed < binderAccounted) {
      pages += node0.release('binder', binderAccounted - installed);
      binderAccounted = installed;
    }
    return pages;
  };

  const callShrinkSlab = (path: ReclaimPath, task: TaskRef, mask: GfpMask, nid: number, memcg: Memcg | null, priority: number) => {
    const prev = current;
    current = task;
    binder.setNow(clock.now);
    const freed = binder.withTask(task, () => shrinkSlab(slabCtx, mask, nid, memcg, priority));
    current = prev;
    const slabPagesFreed = collectFreedPages();
    memStats.reclaimedSlab += slabPagesFreed;
    const r = row(path, priority, mask);
    r.passes++;
    r.slabFreed += freed;
    return { freed, slabPagesFreed };
  };

  // ---- reclaim engine ------------------------------------------------------------------
  const pathOf = (p: EnginePath): ReclaimPath => p;
  const kswapdTaskOf = (nid: number): TaskRef => ({
    comm: nid === 0 ? resolved.kswapd.comm : `kswapd${nid}`,
    pid: resolved.kswapd.pid + nid,
    cpu: resolved.kswapd.cpu,
  });
  const deps: ReclaimDeps = {
    profile,
    mglru: m.mglru,
    shrinkSlab: (c) => callShrinkSlab(pathOf(c.path), c.task, c.gfpMask, c.nid, (c.memcg as Memcg | null) ?? null, c.priority),
    memcgWalk: (target) => memcgs.iter((target as Memcg | null) ?? memcgs.root),
    vmstat,
    now: () => clock.now,
    observer: {
      onShrinkNode: () => {
        meter.shrinkNodes++;
      },
      onLru: (path, _nid, priority, mask, f, a) => {
        // The model reclaims every page it scans.
        meter.lruScanned += f + a;
        meter.fileReclaimed += f;
        meter.anonReclaimed += a;
        memStats.reclaimedFile += f;
        memStats.reclaimedAnon += a;
        row(pathOf(path), priority, mask).reclaimedPages += f + a;
      },
      onBegin: (path, task, mask, nid) => {
        const ctx = ctxOf(task);
        if (path === 'direct') trace.add(ctx, 'mm_vmscan_direct_reclaim_begin', () => vmscanBodies.reclaimBegin(0, mask, profile));
        else if (path === 'proactive') trace.add(ctx, 'mm_vmscan_memcg_reclaim_begin', () => vmscanBodies.reclaimBegin(0, mask, profile));
        else if (path === 'kswapd') trace.add(ctx, 'mm_vmscan_kswapd_wake', () => vmscanBodies.kswapdWake(nid, 0));
      },
      onEnd: (path, task, nr, nid) => {
        const ctx = ctxOf(task);
        if (path === 'direct') trace.add(ctx, 'mm_vmscan_direct_reclaim_end', () => vmscanBodies.reclaimEnd(nr));
        else if (path === 'proactive') trace.add(ctx, 'mm_vmscan_memcg_reclaim_end', () => vmscanBodies.reclaimEnd(nr));
        else if (path === 'kswapd') trace.add(ctx, 'mm_vmscan_kswapd_sleep', () => vmscanBodies.kswapdSleep(nid));
      },
    },
  };
  const kswapds = nodes.map((n) => new Kswapd(n, { ...kswapdTaskOf(n.nid), nid: n.nid, scope: 'none' }));
  /** When each kswapd's current pass ends (it starts no new step before). */
  const kswapdBusyUntil = nodes.map(() => 0);
  /**
   * kswapd as a task: one balance_pgdat loop iteration per event. The step runs at its event
   * time and its work is priced; the pages it freed stay isolated (off the LRU, not yet free,
   * as between isolate_lru_folios and the final free of shrink_folio_list) until the pass's
   * cost has elapsed, and the next step starts only then. Meanwhile allocations go on and
   * may find free memory below min: the allocating task then reclaims directly.
   */
  const kswapdStep = (k: Kswapd): void => {
    const nid = k.node.nid;
    meter = emptyWork();
    const before = nodes.map((n) => n.free);
    const st = k.step(mem, deps);
    const ns = workCostNs(meter, cost);
    kswapdBusyNs += ns;
    const end = clock.now + ns;
    kswapdBusyUntil[nid] = end;
    if (ns > 0) {
      nodes.forEach((n, i) => {
        const freed = n.free - (before[i] ?? n.free);
        if (freed <= 0) return;
        const held = n.take('other', freed);
        queue.push(end, () => {
          n.release('other', held);
          noteFree();
        });
      });
    }
    noteFree();
    if (st === 'continue') queue.push(end, () => kswapdStep(k));
  };
  const allocEnv: AllocEnv = {
    mem,
    deps,
    wakeKswapd: (nid, pages) => {
      const k = kswapds[nid];
      if (!k || !k.wake(pages)) return;
      memStats.kswapdWakeups++;
      queue.push(Math.max(clock.now, kswapdBusyUntil[nid] ?? 0), () => kswapdStep(k));
    },
    onDirectProgress: (nid) => kswapds[nid]?.resetFailures(),
  };

  let allocCursor = 0;
  const allocate = (owner: PageOwner, pages: number, mask: GfpMask, task: TaskRef, nid?: number): VerbResult => {
    const node = nodes[nid ?? allocCursor++ % nrNodes] ?? node0;
    const engineTask: EngineTask = { ...task, nid: node.nid, scope: 'none' };
    meter = emptyWork();
    const r = allocPages(allocEnv, node, owner, pages, mask, engineTask);
    memStats.directReclaims += r.directReclaims;
    noteFree();
    // Direct reclaim ran in the task's context: the allocation completes after its cost.
    const stallNs = r.directReclaims > 0 ? workCostNs(meter, cost) : 0;
    if (r.directReclaims > 0) {
      const key = `${task.comm}\u0000${task.pid}\u0000${owner}`;
      let st = stalls.get(key);
      if (!st) {
        st = { comm: task.comm, pid: task.pid, owner, allocations: 0, directReclaims: 0, stallNs: 0, maxStallNs: 0 };
        stalls.set(key, st);
      }
      st.allocations++;
      st.directReclaims += r.directReclaims;
      st.stallNs += stallNs;
      if (stallNs > st.maxStallNs) st.maxStallNs = stallNs;
    }
    if (r.ok) return stallNs > 0 ? { ok: true, stallNs } : { ok: true };
    memStats.allocFailures++;
    return stallNs > 0 ? { ok: false, error: r.reason, stallNs } : { ok: false, error: r.reason };
  };

  /** Charges newly installed Binder pages to the memory model (may reclaim in the task's context). */
  const syncBinderPages = (task: TaskRef): void => {
    const installed = binderInstalled();
    if (installed > binderAccounted) {
      const want = installed - binderAccounted;
      const r = allocate('binder', want, BINDER_PAGE_GFP, task, 0);
      // Reclaim may have freed Binder pages meanwhile; account what is installed now.
      const now = binderInstalled();
      if (r.ok) binderAccounted += want;
      else binderAccounted += node0.take('binder', Math.max(0, want));
      if (now < binderAccounted) binderAccounted -= node0.release('binder', binderAccounted - now);
    } else if (installed < binderAccounted) {
      binderAccounted -= node0.release('binder', binderAccounted - installed);
    }
  };

  // ---- Binder verbs ---------------------------------------------------------------------
  const binderOutcome = (proc: string, r: ReturnType<typeof applyBinderStep>, counts: boolean): VerbResult => {
    const pc = procCounters.get(proc);
    if (r.ok) {
      if (counts && pc) pc.allocations++;
      return { ok: true };
    }
    if (counts && pc) pc.failures[r.error] = (pc.failures[r.error] ?? 0) + 1;
    return { ok: false, error: r.error };
  };
  /** Generator steps are built in the parsed shape directly (no zod in the hot path). */
  const binderStep = (step: BinderScriptStep, task: TaskRef | null) => {
    const prev = current;
    if (task) current = task;
    const r = applyBinderStep(binder, step, clock.now);
    current = prev;
    syncBinderPages(task ?? resolved.scriptTask);
    return r;
  };

  // ---- workload ------------------------------------------------------------------------
  const generators = createGenerators(resolved.workload);
  for (const g of generators) {
    const ctx: WorkloadCtx = {
      now: () => clock.now,
      schedule: (t, fn) => void queue.push(Math.max(t, clock.now), fn),
      rng: (suffix = '') => rngStream(seed, `${g.name}${suffix}`),
      binderAlloc: (proc, buffer, req, task) =>
        binderOutcome(
          proc,
          binderStep({ alloc: { proc, buffer, data: BigInt(req.data), offsets: BigInt(req.offsets), oneway: req.oneway, task } }, task),
          true,
        ),
      binderFree: (proc, buffer, task) => binderOutcome(proc, binderStep({ free: { proc, buffer, task } }, task), false),
      holdLock: (proc, lock, holdNs, holder) => binderOutcome(proc, binderStep({ lock: { proc, lock, hold: holdNs, task: holder } }, null), false),
      killProc: (proc) => binderOutcome(proc, binderStep({ release: { proc } }, null), false),
      allocate: (pool, pages, mask, task) => allocate(poolOwner(pool), pages, mask, task),
      release: (pool, pages) => {
        let left = pages;
        for (const n of nodes) left -= n.release(poolOwner(pool), left);
        noteFree();
        return pages - left;
      },
    };
    g.start(ctx);
  }

  // ---- sampling and slab growth ----------------------------------------------------------
  const series: Sample[] = [];
  let lastGrow = 0;
  const growCaches = (): void => {
    const dt = clock.now - lastGrow;
    lastGrow = clock.now;
    if (dt <= 0) return;
    for (const e of entries) {
      const c = e.cache;
      if (!c || c.cfg.count.source !== 'list') continue;
      const before = nodes.map((_, nid) => c.objectsOnNode(nid));
      const g = c.grow(dt);
      if (g.added === 0n) continue;
      g.perNode.forEach((_added, nid) => {
        const opp = c.cfg.objectsPerPage;
        const pagesBefore = Math.ceil(Number(before[nid] ?? 0n) / opp);
        const pagesAfter = Math.ceil(Number(c.objectsOnNode(nid)) / opp);
        const need = pagesAfter - pagesBefore;
        if (need <= 0) return;
        const r = allocate('slab', need, GFP_KERNEL, SLAB_GROWER, nid);
        if (!r.ok) c.shrinkBy(nid, c.objectsOnNode(nid) - (before[nid] ?? 0n));
      });
    }
  };
  const sampleNow = (): void => {
    growCaches();
    noteFree();
    let free = 0;
    let file = 0;
    let anon = 0;
    for (const n of nodes) {
      free += n.free;
      file += n.file;
      anon += n.anon;
    }
    const b = { active: 0, lru: 0, free: 0 };
    for (const p of binder.procs) {
      const c = p.pages.counts();
      b.active += c.active;
      b.lru += c.lru;
      b.free += c.free;
    }
    series.push({
      timeNs: clock.now,
      freePages: free,
      pageCache: file,
      anon,
      binder: b,
      shrinkers: entries.map((e) => ({ count: countOf(e), deferred: registry.totalDeferred(e.view) })),
      vmstat: vmstat.snapshot(),
    });
  };
  const countOf = (e: ShrinkerEntry): bigint => {
    if (e.cache) return e.cache.cfg.count.source === 'fixed' ? e.cache.cfg.count.objects : e.cache.totalObjects();
    if (e.binder) return BigInt(e.binder.freelist.count());
    return 0n;
  };
  const sampleEvery = Math.max(1, resolved.sample);
  const scheduleSample = (t: SimTimeNs): void => {
    if (t > endNs) return;
    queue.push(t, () => {
      sampleNow();
      scheduleSample(t + sampleEvery);
    });
  };
  scheduleSample(0);

  // ---- the loop ------------------------------------------------------------------------
  const progressStep = Math.max(1, Math.floor(endNs / 100));
  let nextProgress = progressStep;
  const runUntil = (t: SimTimeNs): void => {
    for (let e = queue.peek(); e !== undefined && e.timeNs <= t; e = queue.peek()) {
      queue.pop();
      clock.advanceTo(e.timeNs);
      e.payload();
      if (opts.onProgress && clock.now >= nextProgress) {
        opts.onProgress(Math.min(1, clock.now / Math.max(1, endNs)));
        nextProgress = clock.now + progressStep;
      }
    }
    clock.advanceTo(Math.max(t, clock.now));
  };

  const steps: StepOutcome[] = [];
  const snapshots: Snapshot[] = [];
  resolved.script.forEach((step, index) => {
    if (step.kind === 'advance') {
      runUntil(clock.now + step.by);
      steps.push({ index, kind: step.kind, timeNs: clock.now, ok: true });
      return;
    }
    steps.push(runStep(step, index));
  });
  runUntil(endNs);
  opts.onProgress?.(1);

  function nameOf(step: ResolvedStep): StepName {
    return step.kind === 'binder' ? step.op : step.kind;
  }
  function ok(index: number, step: ResolvedStep, detail?: Record<string, number | string | bigint>): StepOutcome {
    const kind = nameOf(step);
    return detail ? { index, kind, timeNs: clock.now, ok: true, detail } : { index, kind, timeNs: clock.now, ok: true };
  }
  function fail(index: number, step: ResolvedStep, error: string, message: string): StepOutcome {
    return { index, kind: nameOf(step), timeNs: clock.now, ok: false, error, message };
  }
  function memcgOf(name: string | null): Memcg | null | undefined {
    if (name === null || name === 'root') return resolved.memcgEnabled ? memcgs.root : null;
    return memcgByName.get(name);
  }
  function findShrinker(name: string): ShrinkerEntry | undefined {
    return entries.find((e) => e.view.name === name || e.view.debugfsName === name);
  }

  function runStep(step: Exclude<ResolvedStep, { kind: 'advance' }>, index: number): StepOutcome {
    const task = resolved.scriptTask;
    switch (step.kind) {
      case 'binder': {
        const prev = current;
        const r = applyBinderStep(binder, step.step, clock.now);
        current = prev;
        syncBinderPages(task);
        if ('alloc' in step.step) binderOutcome(step.step.alloc.proc, r, true);
        if (!r.ok) return fail(index, step, r.error, r.reason);
        return ok(index, step, flatten(r.detail));
      }
      case 'drop_caches': {
        const prev = current;
        current = task;
        const r = dropCaches(mem, step.mode, deps, { ...task, nid: 0, scope: 'none' });
        current = prev;
        noteFree();
        return ok(index, step, {
          pageCacheDropped: r.pageCacheDropped,
          slabRounds: r.slabRounds.length,
          slabFreed: r.slabRounds.reduce((a, b) => a + b, 0n),
          slabPagesFreed: r.slabPagesFreed,
        });
      }
      case 'shrink_slab': {
        if (step.nid < 0 || step.nid >= nrNodes) return fail(index, step, 'EINVAL', `shrink_slab: no node ${step.nid}`);
        const memcg = memcgOf(step.memcg);
        if (memcg === undefined) return fail(index, step, 'ENOENT', `shrink_slab: no memcg "${step.memcg}"`);
        const r = callShrinkSlab('shrink_slab', task, step.gfp.mask, step.nid, memcg, step.priority);
        noteFree();
        return ok(index, step, { freed: r.freed, slabPagesFreed: r.slabPagesFreed });
      }
      case 'debugfs_count': {
        const e = findShrinker(step.shrinker);
        if (!e) return fail(index, step, 'ENOENT', `debugfs: no shrinker "${step.shrinker}"`);
        const text = debugfsCount(slabCtx, e.reg);
        e.stats.countCalls++;
        const total = text
          .split('\n')
          .filter((l) => l.length > 0)
          .reduce((s, l) => s + l.split(' ').slice(1).reduce((a, v) => a + BigInt(v), 0n), 0n);
        return ok(index, step, { count: total, text });
      }
      case 'debugfs_scan': {
        const e = findShrinker(step.shrinker);
        if (!e) return fail(index, step, 'ENOENT', `debugfs: no shrinker "${step.shrinker}"`);
        const memcg = step.memcg === null ? null : memcgByName.get(step.memcg);
        if (memcg === undefined) return fail(index, step, 'ENOENT', `debugfs: no memcg "${step.memcg}"`);
        const ino = memcg === null ? 0 : memcg.ino;
        const prev = current;
        current = task;
        binder.setNow(clock.now);
        const before = countOf(e);
        const r = binder.withTask(task, () => debugfsScan(slabCtx, e.reg, `${ino} ${step.nid} ${step.nr}`));
        current = prev;
        if (step.nr > 0 && r.ok) e.stats.scanCalls++;
        const freedPages = collectFreedPages();
        noteFree();
        if (!r.ok) return fail(index, step, r.errno, `debugfs scan of "${step.shrinker}": ${r.errno}`);
        const after = countOf(e);
        return ok(index, step, { bytes: r.bytes, countBefore: before, countAfter: after, pagesFreed: freedPages });
      }
      case 'memory_reclaim': {
        const memcg = memcgOf(step.memcg);
        if (memcg === undefined) return fail(index, step, 'ENOENT', `memory.reclaim: no memcg "${step.memcg}"`);
        const r = memoryReclaim(mem, memcg, step.pages * m.pageSize, { ...task, nid: 0, scope: 'none' }, deps, {
          maySwap: step.swappiness === null || step.swappiness > 0,
        });
        noteFree();
        if (!r.ok) return fail(index, step, r.errno, `memory.reclaim: ${r.nrReclaimed} of ${step.pages} pages after ${r.calls} tries`);
        return ok(index, step, { reclaimed: r.nrReclaimed, calls: r.calls });
      }
      case 'allocate': {
        const r = allocate(poolOwner(step.pool), step.pages, step.gfp.mask, step.task);
        if (!r.ok) return fail(index, step, r.error === 'oom' ? 'ENOMEM' : 'EAGAIN', `allocation of ${step.pages} pages failed (${r.error})`);
        return ok(index, step);
      }
      case 'release_pages': {
        let left = step.pages;
        for (const n of nodes) left -= n.release(poolOwner(step.pool), left);
        noteFree();
        return ok(index, step, { released: step.pages - left });
      }
      case 'snapshot': {
        const snap = binderSnapshot(binder);
        snapshots.push({
          label: step.label,
          binder: {
            procs: snap.procs.map((p) => ({
              name: p.name,
              pages: p.pages,
              buffers: p.buffers.map((b) => ({ name: b.name ?? '', offset: b.offset, size: b.size, free: b.free })),
              counts: { active: p.counts.active, lru: p.counts.lru, free: p.counts.free },
            })),
          },
        });
        return ok(index, step);
      }
      default:
        return assertNever(step);
    }
  }

  // ---- results -------------------------------------------------------------------------
  for (const p of binder.procs) for (const [reason, n] of p.skips) skip(reason, n);
  for (const e of entries) {
    if (!e.cache) continue;
    const s = e.cache.stats;
    if (s.fsStops) skip('stop_no_gfp_fs', s.fsStops);
    if (s.ioStops) skip('stop_no_gfp_io', s.ioStops);
    if (s.trylockStops) skip('stop_trylock', s.trylockStops);
  }

  const shrinkers: ShrinkerStats[] = entries.map((e) => ({
    name: e.view.name,
    symbol: e.view.traceRef.symbol,
    seeks: e.view.seeks,
    batch: e.view.batch,
    numaAware: e.view.flags.numaAware,
    memcgAware: e.view.flags.memcgAware,
    countCalls: e.stats.countCalls,
    countSkips: e.stats.countSkips,
    scanCalls: e.stats.scanCalls,
    scanned: e.stats.scanned,
    freed: e.stats.freed,
    stops: e.stats.stops,
    deferredEnd: registry.totalDeferred(e.view),
    deferredMax: e.stats.deferredMax,
    countEnd: countOf(e),
  }));

  const procs: BinderProcStats[] = binder.procs.map((p) => {
    const pc = procCounters.get(p.name) ?? { allocations: 0, failures: {} };
    return {
      name: p.name,
      driver: p.driver,
      pages: p.pages.counts(),
      highWatermark: p.pages.pagesHigh,
      refaults: p.pages.stats.refaults,
      allocations: pc.allocations,
      allocFailures: sortKeys(pc.failures),
      dead: !p.mmAlive,
    };
  });

  const reclaim: ReclaimPassRow[] = [...rows.values()].sort(
    (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : b.priority - a.priority || (a.gfp < b.gfp ? -1 : a.gfp > b.gfp ? 1 : 0)),
  );

  const events: Record<string, number> = { ...binder.events };
  for (const [k, v] of trace.tally) if (!(k in binder.events)) events[k] = v;

  const directStalls: DirectStallRow[] = [...stalls.values()].sort(
    (a, b) => (a.comm < b.comm ? -1 : a.comm > b.comm ? 1 : a.pid - b.pid || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0)),
  );
  const wm = nodes.reduce((a, n) => ({ min: a.min + n.wmark.min, low: a.low + n.wmark.low, high: a.high + n.wmark.high }), { min: 0, low: 0, high: 0 });
  const end = nodes.reduce((a, n) => ({ free: a.free + n.free, pageCache: a.pageCache + n.file, anon: a.anon + n.anon }), { free: 0, pageCache: 0, anon: 0 });

  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'shrinksim', version: VERSION },
    scenario: opts.file !== undefined ? { name: resolved.name, file: opts.file, hash } : { name: resolved.name, hash },
    seed,
    kernel: profile,
    simulatedNs: clock.now,
    shrinkers,
    binder: { procs },
    memory: {
      totalPages: m.totalPages,
      watermarks: wm,
      end,
      minFree: Number.isFinite(minFree) ? minFree : end.free,
      kswapdWakeups: memStats.kswapdWakeups,
      directReclaims: memStats.directReclaims,
      allocFailures: memStats.allocFailures,
      reclaimed: { pageCache: memStats.reclaimedFile, anon: memStats.reclaimedAnon, slab: memStats.reclaimedSlab },
      kswapdBusyNs,
      directStalls,
    },
    reclaim,
    skips: sortKeys(Object.fromEntries(skips)),
    steps,
    snapshots,
    events: sortKeys(events),
    series,
    vmstat: vmstat.snapshot(),
  };
  if (opts.collectTrace) return { ...result, traceText: trace.render(resolved.cpus) };
  return result;
}

function sortKeys<V>(o: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as V;
  return out;
}

/** Step details as flat scalars: nested objects become `a.b` keys; other values are dropped. */
function flatten(detail: Readonly<Record<string, unknown>> | undefined, prefix = ''): Record<string, number | string | bigint> | undefined {
  if (!detail) return undefined;
  const out: Record<string, number | string | bigint> = {};
  for (const [k, v] of Object.entries(detail)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
  }
  return Object.keys(out).length ? out : undefined;
}
