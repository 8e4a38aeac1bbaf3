/**
 * `BinderSystem`: every Binder process of a scenario, the global freelist(s), the shrinker(s),
 * the event tally and the trace sink.
 *
 * One freelist and one shrinker per driver in use: the C driver (binder_linux) and the Rust
 * driver (rust_binder) are separate modules, each with its own `list_lru` and its own
 * "android-binder" shrinker. A scenario with only C processes has exactly the kernel's one
 * global `binder_freelist`.
 */
import { GFP_KERNEL } from '../mm/gfp.js';
import type { SimTimeNs } from '../mm/locks.js';
import { returnValueOf } from '../mm/shrinker/doShrinkSlab.js';
import { ShrinkControl } from '../mm/shrinker/types.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import type { TraceContext } from '../trace/ftrace/line.js';
import { UserError } from '../util/errors.js';
import type { BlockingLock } from './env.js';
import { BinderFreelist, type LruStatus } from './freelist.js';
import type { SkipReason } from './lockOrder.js';
import { BinderProc, type BinderDriver, type ProcSpec } from './proc.js';
import { BinderShrinker, C_BINDER_SHRINKER_META, RUST_BINDER_SHRINKER_META } from './shrinker.js';
import { BINDER_EVENT_NAMES, flagsForDepth, type BinderTraceEvent, type BinderTraceSink } from './trace.js';

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
  /** Receives the mm_shrink_slab_start/end of the system's own do_shrink_slab calls. */
  readonly shrinkSink?: { start(e: MmShrinkSlabStart, t: SimTimeNs): void; end(e: MmShrinkSlabEnd, t: SimTimeNs): void };
  /** Who runs reclaim (drop_caches, debugfs scan, shrink steps); default `init`-1 on CPU 0. */
  readonly reclaimTask?: TaskRef;
  /** NUMA nodes (debugfs_scan validates nid against it); default 1. */
  readonly nrNodes?: number;
}

export class BinderSystem {
  readonly procs: BinderProc[] = [];
  private readonly byName = new Map<string, BinderProc>();
  /** Item id → owning process (items are `proc base + page index`). */
  private itemOwner: Int32Array;
  readonly freelists = new Map<BinderDriver, BinderFreelist>();
  readonly shrinkers: BinderShrinker[] = [];
  /** Tracepoint tally by name (every Binder event name present, 0 if never fired). */
  readonly events: Record<string, number> = {};
  /** Total blocking waits of the model's own lock acquisitions, ns by lock. */
  readonly waits: Record<BlockingLock, number> = { mmap_read: 0, mmap_write: 0, alloc: 0, mm_mutex: 0 };
  readonly nrNodes: number;
  private now: SimTimeNs = 0;
  private task: TaskRef;
  readonly reclaimTask: TaskRef;
  /** Next `debug_id` for binder_transaction_alloc_buf. */
  nextTransactionId = 1;

  constructor(private readonly opts: BinderSystemOptions) {
    this.nrNodes = opts.nrNodes ?? 1;
    this.reclaimTask = opts.reclaimTask ?? { comm: 'init', pid: 1, cpu: 0 };
    this.task = this.reclaimTask;
    for (const n of BINDER_EVENT_NAMES) this.events[n] = 0;
    let base = 0;
    const total = opts.procs.reduce((s, p) => s + Math.ceil(Math.min(p.mmapBytes, 4 << 20) / 4096), 0);
    this.itemOwner = new Int32Array(Math.max(total, 1)).fill(-1);
    for (const spec of opts.procs) {
      if (this.byName.has(spec.name)) throw new UserError(`binder.procs: duplicate process name "${spec.name}"`);
      if (!(spec.mmapBytes > 0)) throw new UserError(`binder.procs[${spec.name}].mmap: expected a size above 0`);
      const fl = this.freelistFor(spec.driver);
      const proc = new BinderProc(spec, base, fl, {
        now: () => this.now,
        emit: (e, depth) => this.emit(e, depth),
        waited: (lock, ns) => {
          this.waits[lock] += ns;
        },
      });
      const idx = this.procs.length;
      this.procs.push(proc);
      this.byName.set(spec.name, proc);
      this.itemOwner.fill(idx, base, base + proc.pages.nrPages);
      base += proc.pages.nrPages;
    }
    for (const fl of this.freelists.values()) fl.ensureCapacity(base);
  }

  private freelistFor(driver: BinderDriver): BinderFreelist {
    let fl = this.freelists.get(driver);
    if (!fl) {
      fl = new BinderFreelist();
      this.freelists.set(driver, fl);
      const meta = driver === 'c' ? C_BINDER_SHRINKER_META : RUST_BINDER_SHRINKER_META;
      this.shrinkers.push(new BinderShrinker(meta, fl, (item) => this.isolateItem(item)));
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
    const prev = this.task;
    this.task = task;
    try {
      return fn();
    } finally {
      this.task = prev;
    }
  }

  /** Default task of a process's own operations: the process itself on CPU 0. */
  procTask(p: BinderProc): TaskRef {
    return { comm: p.name, pid: p.pid, cpu: 0 };
  }

  emit(event: BinderTraceEvent, depth: number): void {
    this.events[event.name] = (this.events[event.name] ?? 0) + 1;
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

  private isolateItem(item: number): LruStatus {
    const owner = this.itemOwner[item];
    if (owner === undefined || owner < 0) throw new Error(`binder freelist: item ${item} has no owner`);
    const p = this.procs[owner] as BinderProc;
    const index = item - p.pages.base;
    const fl = p.pages.freelist;
    return p.isolate(index, fl, this.now, (e, d) => this.emit(e, d)).status;
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
   * `echo 2 > drop_caches` as far as Binder's shrinkers go: `drop_slab()` repeats a pass of
   * do_shrink_slab (GFP_KERNEL, priority 0) over every node while `freed >> shift++ > 1`.
   * Only the Binder shrinkers take part here; the shared registry runs the real one.
   */
  dropCaches(): { freed: number; passes: number } {
    let total = 0;
    let passes = 0;
    let shift = 0;
    this.withTask(this.reclaimTask, () => {
      let freed: bigint;
      do {
        freed = 0n;
        passes++;
        for (let nid = 0; nid < this.nrNodes; nid++) {
          for (const sh of this.shrinkers) {
            freed += returnValueOf(this.doShrinkSlab(sh, nid, 0));
          }
        }
        total += Number(freed);
      } while (freed >> BigInt(shift++) > 1n);
    });
    return { freed: total, passes };
  }

  /** One do_shrink_slab on a Binder shrinker, tallying and forwarding its tracepoints. */
  doShrinkSlab(sh: BinderShrinker, nid: number, priority: number) {
    const sc = new ShrinkControl(GFP_KERNEL, nid, null);
    const sink = this.opts.shrinkSink;
    return sh.doShrink(sc, priority, {
      start: (e) => {
        this.events['mm_shrink_slab_start'] = (this.events['mm_shrink_slab_start'] ?? 0) + 1;
        sink?.start(e, this.now);
      },
      end: (e) => {
        this.events['mm_shrink_slab_end'] = (this.events['mm_shrink_slab_end'] ?? 0) + 1;
        sink?.end(e, this.now);
      },
    });
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
