/**
 * The "android-binder" shrinker: count = pages on the driver's global freelist (a shared
 * `ListLru`); scan = one list_lru walk of `nr_to_scan` with the driver's isolate callback.
 *
 * Registered through the shared `ShrinkerRegistry` as the module does at init
 * (`shrinker_alloc(0, "android-binder")`, defaults kept: flags 0, DEFAULT_SEEKS, batch 0 →
 * SHRINK_BATCH, private_data = the freelist, then `shrinker_register`), so that shrink_slab,
 * drop_slab and debugfs reach it exactly as they reach any other shrinker. Once registered,
 * its `nr_deferred` is the registry's; `doShrink` runs do_shrink_slab on that same object.
 */
import type { Long } from '../mm/kint.js';
import { doShrinkSlab, type DeferredSlots, type DoShrinkSlabResult, type ShrinkerCore, type ShrinkTraceSink } from '../mm/shrinker/doShrinkSlab.js';
import { SingleDeferredSlot } from '../mm/shrinker/deferred.js';
import type { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import { ShrinkerStateError, type RegisteredShrinker } from '../mm/shrinker/shrinker.js';
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
import type { BinderFreelist, LruListHandle, LruStatus } from './lru.js';
import type { BinderDriver } from './proc.js';

/** How the shrinker is registered (`shrinker_alloc(0, "android-binder")` + defaults). */
export interface BinderShrinkerMeta {
  readonly name: 'android-binder';
  readonly driver: BinderDriver;
  readonly flags: ShrinkerFlags;
  readonly seeks: number;
  /** 0 means SHRINK_BATCH (128), as in the kernel. */
  readonly batch: number;
  /**
   * The scan function's `%pS` and a `%p`. A registered shrinker prints the symbol with the
   * registry's pointer; the pointer here (the real p2/p4 one for C) is used only by a core
   * built with its own deferred slot.
   */
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

/**
 * The isolate step for one freelist item, as the system resolves it to a process. Called by
 * the list_lru walk with its lock held; must follow ListLru's lock protocol.
 */
export type BinderIsolate = (item: number, list: LruListHandle) => LruStatus;

/** Registration knobs a scenario may override (the module's are the meta's defaults). */
export interface BinderShrinkerTuning {
  readonly seeks?: number;
  readonly batch?: number;
}

/** What reads of a Binder shrinker's deferred work see. */
export interface BinderDeferredView {
  /** `nr_deferred[0]`: the registered shrinker's slot once registered, else the local one. */
  readonly value: Long;
}

export class BinderShrinker {
  /** Totals over count/scan calls, whoever made them (shrink_slab, debugfs, shrink steps). */
  readonly stats = { countCalls: 0, scanCalls: 0, freed: 0 };
  /** The slot used before registration (or by `core(deferred)` callers who pass none). */
  private readonly localDeferred = new SingleDeferredSlot();
  private reg: RegisteredShrinker<unknown> | null = null;
  /** The walk callback, bound once: a scan allocates nothing per page. */
  private readonly walkCb: (item: number, list: LruListHandle) => LruStatus;

  constructor(
    readonly meta: BinderShrinkerMeta,
    readonly freelist: BinderFreelist,
    isolate: BinderIsolate,
  ) {
    this.walkCb = isolate;
  }

  /** `binder_shrink_count`: `list_lru_count(&binder_freelist)`; an empty list says 0. */
  countObjects(): number {
    this.stats.countCalls++;
    return this.freelist.count();
  }

  /**
   * `binder_shrink_scan`: `list_lru_walk(&binder_freelist, callback, NULL, nrToScan)`; returns
   * pages freed. `nr_scanned` is left as the core set it, even if the list held fewer pages.
   */
  scanObjects(nrToScan: number): number {
    this.stats.scanCalls++;
    const freed = this.freelist.walk(this.walkCb, undefined, nrToScan);
    this.stats.freed += freed;
    return freed;
  }

  /** Typed callbacks for the shrinker core / registry. */
  readonly ops: ShrinkerOps<unknown> = {
    count: () => CountObjects.new(this.countObjects()),
    scan: (sc) => ScanObjects.freed(this.scanObjects(sc.nrToScan)),
  };

  /**
   * Registers this shrinker in `registry`: alloc (flags from the meta, private_data = the
   * freelist), symbol, ops, seeks, batch, register. Where it lands in the registry's walk
   * order is up to the caller (registration order). A shrinker registers once.
   */
  register(registry: ShrinkerRegistry, tuning: BinderShrinkerTuning = {}): RegisteredShrinker<unknown> {
    if (this.reg) throw new ShrinkerStateError(`binder shrinker (${this.meta.driver}) is already registered`);
    this.reg = registry
      .shrinkerAlloc<unknown>({ name: this.meta.name, flags: this.meta.flags, priv: this.freelist })
      .setSymbol(this.meta.traceRef.symbol)
      .setOps(this.ops)
      .setSeeks(tuning.seeks ?? this.meta.seeks)
      .setBatch(tuning.batch ?? this.meta.batch)
      .register();
    return this.reg;
  }

  /** The registry handle, or null before `register`. */
  get registered(): RegisteredShrinker<unknown> | null {
    return this.reg;
  }

  /** Deferred work, read where do_shrink_slab keeps it. */
  get deferred(): BinderDeferredView {
    const reg = this.reg;
    const local = this.localDeferred;
    return {
      get value(): Long {
        return reg && reg.state !== 'freed' ? reg.view.nrDeferred(0) : local.value;
      },
    };
  }

  /**
   * A `ShrinkerCore` for `doShrinkSlab`: with `deferred` given, a core around that slot (and
   * the meta's seeks/batch/pointer); otherwise the registered shrinker itself, or, before
   * registration, a core around this shrinker's local slot.
   */
  core(deferred?: DeferredSlots): ShrinkerCore<unknown> {
    if (!deferred && this.reg && this.reg.state !== 'freed') return this.reg.core;
    return {
      ops: rawFromTyped(this.ops),
      priv: undefined,
      seeks: this.meta.seeks,
      batch: this.meta.batch,
      flags: this.meta.flags,
      deferred: deferred ?? this.localDeferred,
      traceRef: this.meta.traceRef,
    };
  }

  /** One `do_shrink_slab` call on this shrinker (its registered nr_deferred once registered). */
  doShrink(sc: ShrinkControl, priority: number, sink?: ShrinkTraceSink): DoShrinkSlabResult {
    return doShrinkSlab(this.core(), sc, priority, sink);
  }
}
