/**
 * The "android-binder" shrinker: count = pages on the driver's global freelist; scan = one
 * list_lru walk of `nr_to_scan` with the driver's isolate callback.
 *
 * Exposed as typed `ShrinkerOps` plus its registration metadata (flags 0, DEFAULT_SEEKS,
 * batch 0 → SHRINK_BATCH) so the shared registry can register it; `coreFor` builds the
 * `ShrinkerCore` that `doShrinkSlab` runs directly.
 */
import type { Long } from '../mm/kint.js';
import { doShrinkSlab, type DeferredSlots, type DoShrinkSlabResult, type ShrinkerCore, type ShrinkTraceSink } from '../mm/shrinker/doShrinkSlab.js';
import {
  CountObjects,
  DEFAULT_SEEKS,
  NO_FLAGS,
  rawFromTyped,
  ScanObjects,
  ShrinkControl,
  type ShrinkerFlags,
  type ShrinkerOps,
} from '../mm/shrinker/types.js';
import type { ShrinkerTraceRef } from '../trace/shrinkEvents.js';
import type { BinderFreelist, LruStatus } from './freelist.js';
import type { BinderDriver } from './proc.js';

/** How the shrinker is registered (`shrinker_alloc(0, "android-binder")` + defaults). */
export interface BinderShrinkerMeta {
  readonly name: 'android-binder';
  readonly driver: BinderDriver;
  readonly flags: ShrinkerFlags;
  readonly seeks: number;
  /** 0 means SHRINK_BATCH (128), as in the kernel. */
  readonly batch: number;
  readonly traceRef: ShrinkerTraceRef;
}

/** C driver: the symbol and pointer the real p2/p4 traces print. */
export const C_BINDER_SHRINKER_META: BinderShrinkerMeta = {
  name: 'android-binder',
  driver: 'c',
  flags: NO_FLAGS,
  seeks: DEFAULT_SEEKS,
  batch: 0,
  traceRef: { symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1dd5780' },
};

/** Rust driver: same registration; symbol size and pointer are the simulator's own (no trace to copy). */
export const RUST_BINDER_SHRINKER_META: BinderShrinkerMeta = {
  name: 'android-binder',
  driver: 'rust',
  flags: NO_FLAGS,
  seeks: DEFAULT_SEEKS,
  batch: 0,
  traceRef: { symbol: 'rust_shrink_scan+0x0/0x40 [rust_binder]', ptr: 'ffff8f35c1dd6780' },
};

/** The isolate step for one freelist item, as the system resolves it to a process. */
export type BinderIsolate = (item: number) => LruStatus;

/** `nr_deferred` of a shrinker that is not NUMA-aware: one slot, whatever the nid. */
export class SingleDeferredSlot implements DeferredSlots {
  value: Long = 0n;
  xchg(): Long {
    const v = this.value;
    this.value = 0n;
    return v;
  }
  add(_sc: ShrinkControl, nr: Long): Long {
    this.value += nr;
    return this.value;
  }
}

export class BinderShrinker {
  readonly deferred = new SingleDeferredSlot();
  /** Totals over scan calls. */
  readonly stats = { countCalls: 0, scanCalls: 0, freed: 0 };

  constructor(
    readonly meta: BinderShrinkerMeta,
    readonly freelist: BinderFreelist,
    private readonly isolate: BinderIsolate,
  ) {}

  /** `binder_shrink_count`: `list_lru_count(&binder_freelist)`; an empty list says 0. */
  countObjects(): number {
    this.stats.countCalls++;
    return this.freelist.count();
  }

  /** `binder_shrink_scan`: one walk of `nrToScan`; returns pages freed. nr_scanned is left as set. */
  scanObjects(nrToScan: number): number {
    this.stats.scanCalls++;
    const freed = this.freelist.walk((item) => this.isolate(item), nrToScan);
    this.stats.freed += freed;
    return freed;
  }

  /** Typed callbacks for the shrinker core / registry. */
  readonly ops: ShrinkerOps<unknown> = {
    count: () => CountObjects.new(this.countObjects()),
    scan: (sc) => ScanObjects.freed(this.scanObjects(sc.nrToScan)),
  };

  /** A `ShrinkerCore` for `doShrinkSlab`, with this shrinker's own deferred slot unless given. */
  core(deferred: DeferredSlots = this.deferred): ShrinkerCore<unknown> {
    return {
      ops: rawFromTyped(this.ops),
      priv: undefined,
      seeks: this.meta.seeks,
      batch: this.meta.batch,
      flags: this.meta.flags,
      deferred,
      traceRef: this.meta.traceRef,
    };
  }

  /** One `do_shrink_slab` call on this shrinker. */
  doShrink(sc: ShrinkControl, priority: number, sink?: ShrinkTraceSink): DoShrinkSlabResult {
    return doShrinkSlab(this.core(), sc, priority, sink);
  }
}
