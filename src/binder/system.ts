/**
 * `BinderSystem`: every Binder process of a scenario, the global freelist(s), the shrinker(s),
 * the event tally and the trace sink.
 *
 * One freelist and one shrinker per driver in use: the C driver (binder_linux) and the Rust
 * driver (rust_binder) are separate modules, each with its own `list_lru` and its own
 * "android-binder" shrinker. A scenario with only C processes has exactly the kernel's one
 * global `binder_freelist`.
 *
 * The shrinkers are registered, when the system is built, in a `ShrinkerRegistry`: the
 * caller's (`registry` option), so that its shrink_slab / drop_slab / debugfs reach Binder as
 * the kernel's do, or else a private one holding only Binder's shrinkers. The system's own
 * reclaim steps (drop_caches, debugfs scan) go through that registry with the shared
 * dropSlab / debugfsScan.
 */
import { GFP_KERNEL } from '../mm/gfp.js';
import type { ULong } from '../mm/kint.js';
import type { SimTimeNs } from '../mm/locks.js';
import { MemcgTree } from '../mm/memcg.js';
import { debugfsScan, type DebugfsScanResult } from '../mm/shrinker/debugfs.js';
import type { DoShrinkSlabResult } from '../mm/shrinker/doShrinkSlab.js';
import { LRU_REMOVED_RETRY } from '../mm/listLru/index.js';
import { dropSlab } from '../mm/shrinker/dropSlab.js';
import type { ShrinkFormula } from '../mm/shrinker/formula.js';
import { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import type { ShrinkSlabCtx } from '../mm/shrinker/shrinkSlab.js';
import { ShrinkControl } from '../mm/shrinker/types.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import type { TraceContext } from '../trace/ftrace/line.js';
import { UserError } from '../util/errors.js';
import { DOUBLE_FIELD } from '../util/simTime.js';
import type { BinderFailure, BlockingLock } from './env.js';
import { smallSizes } from './requestSize.js';
import type { SkipReason } from './lockOrder.js';
import { BinderFreelist, type LruListHandle, type LruStatus } from './lru.js';
import { BinderProc, lruStatusOf, type BinderDriver, type BufferHandle, type ProcHooks, type ProcSpec } from './proc.js';
import {
  BinderShrinker,
  C_BINDER_SHRINKER_META,
  RUST_BINDER_SHRINKER_META,
  type BinderShrinkerTuning,
} from './shrinker.js';
import { CBinderAlloc, CBuffer, type CAllocResult } from './cAlloc.js';
import type { RustAllocResult, RustBinderAlloc } from './rustAlloc.js';
import { BINDER_EVENT_ID, BINDER_EVENT_NAMES, flagsForDepth, type BinderEventName, type BinderTraceEvent, type BinderTraceSink } from './trace.js';

const TRANSACTION_ALLOC_BUF = BINDER_EVENT_ID.binder_transaction_alloc_buf;

export type AllocBufferResult = CAllocResult | RustAllocResult;

/** The task in whose name events are emitted (comm/pid/cpu of the ftrace line). */
export interface TaskRef {
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
}

export interface BinderSystemOptions {
  readonly procs: readonly ProcSpec[];
  /** Receives every Binder tracepoint as it fires (C driver only). */
  readonly traceSink?: BinderTraceSink;
  /**
   * Receives the mm_shrink_slab_start/end of the system's own reclaim calls (drop_caches
   * step, `doShrinkSlab`): with a shared registry, those of every shrinker drop_slab visits.
   */
  readonly shrinkSink?: { start(e: MmShrinkSlabStart, t: SimTimeNs): void; end(e: MmShrinkSlabEnd, t: SimTimeNs): void };
  /** Who runs reclaim (drop_caches, debugfs scan, shrink steps); default `init`-1 on CPU 0. */
  readonly reclaimTask?: TaskRef;
  /**
   * NUMA nodes (debugfs_scan validates nid against it); default 1, or the registry's
   * `nr_node_ids` when a registry is given (they must then agree).
   */
  readonly nrNodes?: number;
  /**
   * The shared shrinker registry to register the Binder shrinker(s) in (at construction, in
   * the order the drivers first appear among `procs`). When absent, a private 6.12 registry
   * (memcg on, `nrNodes` nodes) holds them alone.
   */
  readonly registry?: ShrinkerRegistry;
  /** seeks / batch to register with (default: the module's DEFAULT_SEEKS and 0). */
  readonly shrinker?: BinderShrinkerTuning;
  /** do_shrink_slab's formula for the system's own drop_caches (default: today's). */
  readonly formula?: ShrinkFormula;
}

export class BinderSystem {
  readonly procs: BinderProc[] = [];
  private readonly byName = new Map<string, BinderProc>();
  /**
   * Item id → owning process's `procs` index + 1, 0 for none (items are `proc base + page
   * index`). Uint16 while the process count allows (2 bytes per page), Int32 beyond.
   */
  private itemOwner: Uint16Array | Int32Array;
  readonly freelists = new Map<BinderDriver, BinderFreelist>();
  readonly shrinkers: BinderShrinker[] = [];
  /** Tracepoint tally, indexed by BINDER_EVENT_ID. */
  private readonly tally = new Float64Array(BINDER_EVENT_NAMES.length);
  /** mm_shrink_slab_start / _end of the system's own reclaim calls. */
  private shrinkStarts = 0;
  private shrinkEnds = 0;
  /** Pages installed over every process (`active + lru`), kept as they change. */
  private installedCount = 0;
  /** Total blocking waits of the model's own lock acquisitions, ns by lock. */
  readonly waits: Record<BlockingLock, number> = { mmap_read: 0, mmap_write: 0, alloc: 0, mm_mutex: 0 };
  readonly nrNodes: number;
  /** Where the Binder shrinkers are registered (the caller's, or a private one). */
  readonly registry: ShrinkerRegistry;
  /** The context of the system's own shrink_slab / drop_slab / debugfs calls. */
  readonly slabCtx: ShrinkSlabCtx;
  private now: SimTimeNs = DOUBLE_FIELD;
  private task: TaskRef;
  readonly reclaimTask: TaskRef;
  /** Next `debug_id` for binder_transaction_alloc_buf. */
  nextTransactionId = 1;
  /** Pages of every mapping: the page-id space of the freelists. */
  private readonly totalPages: number;
  /** Bound once, so that walks and allocations allocate no closure per page. */
  private readonly emitFn: (e: BinderTraceEvent, depth: number) => void;
  private readonly isolateFn: (item: number, list: LruListHandle) => LruStatus;

  constructor(private readonly opts: BinderSystemOptions) {
    this.now = 0;
    const reg = opts.registry;
    if (reg && opts.nrNodes !== undefined && opts.nrNodes !== reg.nrNodeIds) {
      throw new RangeError(`binder: nrNodes ${opts.nrNodes} but the registry has ${reg.nrNodeIds} nodes`);
    }
    this.nrNodes = reg ? reg.nrNodeIds : (opts.nrNodes ?? 1);
    this.registry = reg ?? new ShrinkerRegistry({ profile: '6.12', memcgs: new MemcgTree({ nrNodeIds: this.nrNodes }) });
    this.slabCtx = {
      registry: this.registry,
      memcgs: this.registry.memcgs,
      profile: this.registry.profile,
      sink: {
        start: (e) => this.noteShrinkStart(e),
        end: (e) => this.noteShrinkEnd(e),
      },
      ...(opts.formula ? { formula: opts.formula } : {}),
    };
    this.reclaimTask = opts.reclaimTask ?? { comm: 'init', pid: 1, cpu: 0 };
    this.task = this.reclaimTask;
    this.emitFn = (e, depth) => this.emit(e, depth);
    this.isolateFn = (item, list) => this.isolateItem(item, list);
    const hooks = new SystemProcHooks(this, opts.traceSink === undefined ? this.tally : undefined);
    let base = 0;
    const total = opts.procs.reduce((s, p) => s + Math.ceil(Math.min(p.mmapBytes, 4 << 20) / 4096), 0);
    this.totalPages = Math.max(total, 1);
    this.itemOwner = opts.procs.length < 0xffff ? new Uint16Array(this.totalPages) : new Int32Array(this.totalPages);
    for (const spec of opts.procs) {
      if (this.byName.has(spec.name)) throw new UserError(`binder.procs: duplicate process name "${spec.name}"`);
      if (!(spec.mmapBytes > 0)) throw new UserError(`binder.procs[${spec.name}].mmap: expected a size above 0`);
      const fl = this.freelistFor(spec.driver);
      const proc = new BinderProc(spec, base, fl, hooks);
      // binder_alloc.c of the registry's kernel profile (6.1 walks page ranges its own way).
      if (proc.alloc instanceof CBinderAlloc) proc.alloc.kernel = this.registry.profile;
      const idx = this.procs.length;
      this.procs.push(proc);
      this.byName.set(spec.name, proc);
      this.itemOwner.fill(idx + 1, base, base + proc.pages.nrPages);
      base += proc.pages.nrPages;
    }
    // Module init: each driver's shrinker once, in the order the drivers first appear.
    for (const sh of this.shrinkers) sh.register(this.registry, opts.shrinker);
  }

  private freelistFor(driver: BinderDriver): BinderFreelist {
    let fl = this.freelists.get(driver);
    if (!fl) {
      fl = new BinderFreelist(this.totalPages, this.nrNodes);
      this.freelists.set(driver, fl);
      const meta = driver === 'c' ? C_BINDER_SHRINKER_META : RUST_BINDER_SHRINKER_META;
      this.shrinkers.push(new BinderShrinker(meta, fl, this.isolateFn));
    }
    return fl;
  }

  proc(name: string): BinderProc | undefined {
    return this.byName.get(name);
  }

  /** The current simulated time (set by each step). */
  get nowNs(): SimTimeNs {
    return this.now;
  }

  /** Sets the time for the operations that follow; time never goes backwards. */
  setNow(t: SimTimeNs): void {
    if (t < this.now) throw new RangeError(`binder: time ${t} ns is before ${this.now} ns`);
    this.now = t;
  }

  /** Runs `fn` with events attributed to `task`. */
  withTask<R>(task: TaskRef, fn: () => R): R {
    const prev = this.swapTask(task);
    try {
      return fn();
    } finally {
      this.task = prev;
    }
  }

  /**
   * Attributes events to `task` from now on; returns the task it replaces, for the caller to
   * put back (`withTask` without a closure, for callers that resume a generator each time).
   */
  swapTask(task: TaskRef): TaskRef {
    const prev = this.task;
    this.task = task;
    return prev;
  }

  /** Default task of a process's own operations: the process itself on CPU 0. */
  procTask(p: BinderProc): TaskRef {
    return { comm: p.name, pid: p.pid, cpu: 0 };
  }

  /**
   * Tracepoint tally by name: every Binder event name (0 if it never fired), and
   * mm_shrink_slab_start/_end once the system's own reclaim fired them.
   */
  get events(): Record<string, number> {
    const out: Record<string, number> = {};
    BINDER_EVENT_NAMES.forEach((n, i) => {
      out[n] = this.tally[i] as number;
    });
    if (this.shrinkStarts > 0) out['mm_shrink_slab_start'] = this.shrinkStarts;
    if (this.shrinkEnds > 0) out['mm_shrink_slab_end'] = this.shrinkEnds;
    return out;
  }

  /** Pages installed over every process (what Binder holds of memory). */
  get installedPages(): number {
    return this.installedCount;
  }

  /**
   * Counts allocator event `name` when no trace sink listens (the allocator then builds no
   * record) and returns true; with a sink, counts nothing and returns false.
   */
  countEvent(name: BinderEventName): boolean {
    if (this.opts.traceSink !== undefined) return false;
    const id = BINDER_EVENT_ID[name];
    this.tally[id] = (this.tally[id] as number) + 1;
    return true;
  }

  /** Whether a trace sink receives the events (else only the tally counts them). */
  get tracing(): boolean {
    return this.opts.traceSink !== undefined;
  }

  emit(event: BinderTraceEvent, depth: number): void {
    const id = BINDER_EVENT_ID[event.name];
    this.tally[id] = (this.tally[id] as number) + 1;
    const sink = this.opts.traceSink;
    if (sink) {
      const ctx: TraceContext = {
        comm: this.task.comm,
        pid: this.task.pid,
        cpu: this.task.cpu,
        flags: flagsForDepth(depth),
        tsNs: BigInt(Math.round(this.now)),
      };
      sink({ ctx, event });
    }
  }

  /** The walk's callback: resolve the page id to its process (O(1)) and run the driver's isolate. */
  private isolateItem(item: number, list: LruListHandle): LruStatus {
    const owner = this.itemOwner[item];
    if (owner === undefined || owner === 0) throw new Error(`binder freelist: item ${item} has no owner`);
    const p = this.procs[owner - 1] as BinderProc;
    const index = item - p.pages.base;
    const was = p.pages.isInstalled(index);
    const status = lruStatusOf(p.isolate(index, list, this.now, this.emitFn));
    if (was && !p.pages.isInstalled(index)) this.installedCount--;
    if (this.walkStepNs > 0) this.timedIsolate(p, status);
    return status;
  }

  /** A walk priced in time (kswapd's batch): its isolates run `walkStepNs` apart from `walkAtNs` after now. */
  private walkAtNs = 0;
  private walkStepNs = 0;

  /** Starts (stepNs > 0) or ends (0) a timed walk: the batch's callbacks run from now + baseNs, stepNs each. */
  timedWalk(baseNs: SimTimeNs, stepNs: SimTimeNs): void {
    this.walkAtNs = baseNs;
    this.walkStepNs = stepNs;
  }

  /**
   * One callback of a timed walk: 6.1's binder_alloc_free_page keeps alloc->mutex from its
   * trylock through the unmap and the free, so the isolate holds it over its slot of the walk.
   */
  private timedIsolate(p: BinderProc, status: LruStatus): void {
    const from = this.now + this.walkAtNs;
    this.walkAtNs += this.walkStepNs;
    if (status !== LRU_REMOVED_RETRY || p.driver !== 'c' || (p.alloc as CBinderAlloc).kernel !== '6.1' || !(from > this.now)) return;
    p.allocLock.hold(`${this.task.comm}-${this.task.pid}`, 'exclusive', from, this.walkStepNs);
  }

  /** The process at `index` (in `procs` order), or undefined. */
  procAt(index: number): BinderProc | undefined {
    return this.procs[index];
  }

  /** `procs` index of the process called `name`, or -1. */
  procIndex(name: string): number {
    const p = this.byName.get(name);
    return p ? this.procs.indexOf(p) : -1;
  }

  /**
   * `binder_alloc_new_buf` of one transaction's buffer in `task`'s name: the allocator's
   * result; on success in the C driver, the binder_transaction_alloc_buf event (its BigInt
   * fields built only when a trace sink listens). Sizes are the size_t values the allocator
   * checks (bigint: scripts may ask for sizes near 2^64).
   */
  allocBuffer(p: BinderProc, dataSize: bigint | number, offsetsSize: bigint | number, extraSize: bigint | number, isAsync: boolean, task: TaskRef): AllocBufferResult {
    const prev = this.task;
    this.task = task;
    try {
      const installsBefore = p.pages.stats.installs;
      const r = p.alloc.newBuf({ dataSize, offsetsSize, extraSize, isAsync });
      this.installedCount += p.pages.stats.installs - installsBefore;
      if (r.ok && p.driver === 'c') this.transactionAllocBuf(dataSize, offsetsSize, extraSize);
      return r;
    } finally {
      this.task = prev;
    }
  }

  /**
   * The typed path of one generated transaction's buffer: `allocBuffer` with sizes as numbers
   * and no extra size, returning the buffer or the failure (no request or result object).
   */
  allocTx(p: BinderProc, dataSize: number, offsetsSize: number, isAsync: boolean, task: TaskRef): BufferHandle | BinderFailure {
    if (!smallSizes(dataSize, offsetsSize, 0)) {
      const r = this.allocBuffer(p, dataSize, offsetsSize, 0, isAsync, task);
      return r.ok ? r.buffer : r;
    }
    const prev = this.task;
    this.task = task;
    try {
      const installsBefore = p.pages.stats.installs;
      const r = p.alloc.newBufSized(dataSize, offsetsSize, 0, isAsync);
      this.installedCount += p.pages.stats.installs - installsBefore;
      if (r instanceof CBuffer) this.transactionAllocBuf(dataSize, offsetsSize, 0);
      return r;
    } finally {
      this.task = prev;
    }
  }

  /** binder_transaction_alloc_buf of a C-driver buffer just allocated: traced, or counted. */
  private transactionAllocBuf(dataSize: bigint | number, offsetsSize: bigint | number, extraSize: bigint | number): void {
    const transaction = this.nextTransactionId++;
    if (this.opts.traceSink) {
      const [d, o, e] = [BigInt(dataSize), BigInt(offsetsSize), BigInt(extraSize)];
      this.emit({ name: 'binder_transaction_alloc_buf', transaction, dataSize: d, offsetsSize: o, extraSize: e }, 0);
    } else this.tally[TRANSACTION_ALLOC_BUF] = (this.tally[TRANSACTION_ALLOC_BUF] as number) + 1;
  }

  /** `binder_alloc_free_buf` (BC_FREE_BUFFER) of a live buffer in `task`'s name. */
  freeBuffer(p: BinderProc, b: BufferHandle, task: TaskRef): void {
    const prev = this.task;
    this.task = task;
    try {
      if (b instanceof CBuffer) (p.alloc as CBinderAlloc).freeBuf(b);
      else (p.alloc as RustBinderAlloc).freeBuf(b);
    } finally {
      this.task = prev;
    }
  }

  /** Whether `b` is an allocated buffer of `p`. */
  isLive(p: BinderProc, b: BufferHandle): boolean {
    return b instanceof CBuffer ? p.driver === 'c' && (p.alloc as CBinderAlloc).isAllocated(b) : p.driver === 'rust' && (p.alloc as RustBinderAlloc).isAllocated(b);
  }

  /** Process teardown (binder_alloc_deferred_release): every buffer and page freed. */
  releaseProc(p: BinderProc): { buffers: number; pages: number } {
    const r = this.withTask(this.procTask(p), () => p.alloc.release());
    this.installedCount -= r.pages;
    return r;
  }

  /** Shrinkers of the drivers in use, optionally only one driver's. */
  shrinkersOf(driver?: BinderDriver): BinderShrinker[] {
    return driver ? this.shrinkers.filter((s) => s.meta.driver === driver) : this.shrinkers;
  }

  /** Pages on the freelist(s): what the shrinkers count. */
  lruCount(driver?: BinderDriver): number {
    return this.shrinkersOf(driver).reduce((s, sh) => s + sh.freelist.count(), 0);
  }

  /** One walk per shrinker with `nr_to_scan = nr`; returns pages freed. */
  shrinkWalk(nr: number, driver?: BinderDriver): number {
    return this.withTask(this.reclaimTask, () => this.shrinkersOf(driver).reduce((s, sh) => s + sh.scanObjects(nr), 0));
  }

  /**
   * The kernel selftest's full shrink: while the LRU holds pages, walk it with its whole count;
   * stop early if a walk frees nothing (every remaining page is skipped).
   */
  shrinkAll(driver?: BinderDriver): { freed: number; walks: number } {
    let freed = 0;
    let walks = 0;
    this.withTask(this.reclaimTask, () => {
      for (const sh of this.shrinkersOf(driver)) {
        for (;;) {
          const count = sh.freelist.count();
          if (count === 0) break;
          walks++;
          const f = sh.scanObjects(count);
          freed += f;
          if (f === 0) break;
        }
      }
    });
    return { freed, walks };
  }

  /**
   * `echo 2 > drop_caches`: the shared `dropSlab` over every node of the system's registry
   * (rounds while `freed >> shift++ > 1`, each a shrink_slab(GFP_KERNEL, priority 0) per node
   * and memcg). With a private registry only Binder's shrinkers take part; with the caller's,
   * every registered shrinker does, as in the kernel. Returns the total freed and the rounds.
   */
  dropCaches(): { freed: number; passes: number } {
    const nodes = Array.from({ length: this.nrNodes }, (_, nid) => nid);
    const rounds: ULong[] = this.withTask(this.reclaimTask, () => dropSlab(this.slabCtx, nodes));
    return { freed: Number(rounds.reduce((a, b) => a + b, 0n)), passes: rounds.length };
  }

  /**
   * A write of `"<ino> <nid> <nr>"` to `/sys/kernel/debug/shrinker/<dir>/scan` of one of the
   * Binder shrinkers, through the shared debugfsScan (one scan_objects call, no count, no
   * deferred change, no tracepoints). Returns the debugfs result and the pages it freed.
   */
  debugfsScan(sh: BinderShrinker, input: string): { result: DebugfsScanResult; freed: number } {
    const reg = sh.registered;
    if (!reg) throw new Error(`binder shrinker (${sh.meta.driver}) is not registered`);
    const before = sh.stats.freed;
    const result = this.withTask(this.reclaimTask, () => debugfsScan(this.slabCtx, reg, input));
    return { result, freed: sh.stats.freed - before };
  }

  /** The Binder shrinker whose debugfs directory is `dir` (e.g. `android-binder-3`). */
  shrinkerByDebugfsName(dir: string): BinderShrinker | undefined {
    return this.shrinkers.find((s) => s.registered?.view.debugfsName === dir);
  }

  /** One do_shrink_slab on a Binder shrinker (its registered nr_deferred), tallying and forwarding its tracepoints. */
  doShrinkSlab(sh: BinderShrinker, nid: number, priority: number): DoShrinkSlabResult {
    const sc = new ShrinkControl(GFP_KERNEL, nid, null);
    return sh.doShrink(sc, priority, { start: (e) => this.noteShrinkStart(e), end: (e) => this.noteShrinkEnd(e) });
  }

  private noteShrinkStart(e: MmShrinkSlabStart): void {
    this.shrinkStarts++;
    this.opts.shrinkSink?.start(e, this.now);
  }

  private noteShrinkEnd(e: MmShrinkSlabEnd): void {
    this.shrinkEnds++;
    this.opts.shrinkSink?.end(e, this.now);
  }

  /** Skips by reason over all processes (or one driver's). */
  skipsByReason(driver?: BinderDriver): Partial<Record<SkipReason, number>> {
    const out: Partial<Record<SkipReason, number>> = {};
    for (const p of this.procs) {
      if (driver && p.driver !== driver) continue;
      for (const [r, n] of p.skips) out[r] = (out[r] ?? 0) + n;
    }
    return out;
  }
}

/**
 * The processes' hooks into their system, one object for all of them. A class, not a literal
 * of arrow functions, so that the allocators' optimized code, which inlines these calls,
 * survives from one run to the next in the same process.
 */
class SystemProcHooks implements ProcHooks {
  constructor(
    private readonly sys: BinderSystem,
    /** No trace sink: the allocator counts its events straight into the tally. */
    readonly counts: Float64Array | undefined,
  ) {}
  now(): SimTimeNs {
    return this.sys.nowNs;
  }
  emit(e: BinderTraceEvent, depth: number): void {
    this.sys.emit(e, depth);
  }
  waited(lock: BlockingLock, ns: SimTimeNs): void {
    this.sys.waits[lock] += ns;
  }
  tally(name: BinderEventName): boolean {
    return this.sys.countEvent(name);
  }
}
