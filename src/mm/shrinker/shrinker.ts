/**
 * `struct shrinker` and its lifecycle as a typestate.
 *
 *   registry.shrinkerAlloc(…)  →  AllocatedShrinker   (setters, setOps/setRawOps, register(), free())
 *   allocated.register()       →  RegisteredShrinker  (read-only view, free())
 *   registered.free()          →  FreeOutcome         (the handle is spent: every later use throws)
 *
 * The handles never expose the callbacks: only the registry's walkers (shrink_slab, debugfs)
 * can call them, and they check the runtime state first. So a shrinker that is not yet
 * registered, or freed, cannot be called, by the types (no handle offers a call) and at run
 * time (`Shrinker.callable`).
 *
 * @invariant `state` moves only forward:
 *   allocated → [registering →] registered → [freeing →] freed, or allocated → freed.
 *   `registering` / `freeing` exist because a writer may have to wait: for shrinker_rwsem
 *   readers (6.1), for shrinker_mutex (6.12), or for in-flight users to drop their
 *   references (6.12 shrinker_free's wait_for_completion).
 */
import type { ShrinkerTraceRef } from './events.js';
import type { Long, ULong } from '../kint.js';
import type { Memcg, MemcgTree } from '../memcg.js';
import type { DeferredSlots, ShrinkerCore } from './doShrinkSlab.js';
import { slotRead, slotXchg, slotAdd, resolveSlot } from './deferred.js';
import {
  DEFAULT_SEEKS,
  SHRINKER_ALLOCATED,
  SHRINKER_REGISTERED,
  flagBits,
  rawFromTyped,
  type KernelProfile,
  type RawShrinkerOps,
  type ShrinkControl,
  type ShrinkerFlags,
  type ShrinkerOps,
} from './types.js';

export type ShrinkerState = 'allocated' | 'registering' | 'registered' | 'freeing' | 'freed';

/** What the owner of a shrinker can see of it at any time. */
export interface ShrinkerView {
  readonly name: string;
  /** Allocation order in its registry (0, 1, …), never reused. */
  readonly serial: number;
  readonly state: ShrinkerState;
  /** Effective flags (MEMCG_AWARE is cleared at alloc when memcg is disabled). */
  readonly flags: ShrinkerFlags;
  /** The kernel's `flags` word of the registry's era, REGISTERED/ALLOCATED included. */
  readonly flagsWord: number;
  /** `shrinker->id`: the idr id of a memcg-aware shrinker (its bit number), else −1. */
  readonly id: number;
  /** Debugfs IDA id while registered with a directory, else −1. */
  readonly debugfsId: number;
  /** `<name>-<id>` while registered, else null. */
  readonly debugfsName: string | null;
  readonly seeks: number;
  readonly batch: number;
  readonly traceRef: ShrinkerTraceRef;
  /** 6.12 refcount: 0 before register and after the last put; 1 + in-flight users otherwise. */
  readonly refcount: number;
  /** do_shrink_slab calls running right now (nested walks included). */
  readonly inFlight: number;
  /** 6.12 only: references taken and never put (the kmem-offline skip of shrink_slab_memcg). */
  readonly leakedRefs: number;
  /** The shrinker's own `nr_deferred[nid']` slot. */
  nrDeferred(nid: number): Long;
  /** The slot a do_shrink_slab call for (nid, memcg) would use (see deferred.ts). */
  deferredFor(nid: number, memcg: Memcg | null): Long;
}

/** How the owner names the scan function in traces. */
export const defaultSymbol = (name: string): string => `${name}_scan+0x0/0x100`;

/** Fake `%p` values: `ffff8f35c1000000 + 0x100 * registrationIndex`, 16 hex digits. */
export const FAKE_PTR_BASE = 0xffff8f35c1000000n;
export const fakePtr = (registrationIndex: number, base: bigint = FAKE_PTR_BASE): string =>
  (base + 0x100n * BigInt(registrationIndex)).toString(16).padStart(16, '0');

/** The optional bulk scan of synthetic honest shrinkers (see ShrinkerCore.ops.scanMany). */
export type ScanMany<P> = (sc: ShrinkControl, calls: bigint, each: ULong, priv: P) => ULong;

export class ShrinkerStateError extends Error {
  override readonly name = 'ShrinkerStateError';
}

/** Registry services a Shrinker needs (implemented by ShrinkerRegistry). */
export interface ShrinkerHost {
  readonly profile: KernelProfile;
  readonly memcgs: MemcgTree;
  /** Where this "boot" puts its shrinker structs (the base of the fake `%p` values). */
  readonly ptrBase: bigint;
  register(s: Shrinker<unknown>): void;
  free(s: Shrinker<unknown>): FreeOutcome;
  /** The last reference went away while freeing: finish shrinker_free. */
  completeFree(s: Shrinker<unknown>): void;
}

export type FreeOutcome =
  | { readonly kind: 'freed' }
  /**
   * shrinker_free has begun but cannot finish yet: `in-flight` (6.12: other users hold
   * references; it finishes at their last put), `mutex` (6.12: shrinker_mutex is held),
   * `rwsem` (6.1: readers or an earlier writer hold shrinker_rwsem).
   */
  | { readonly kind: 'waiting'; readonly reason: 'in-flight' | 'mutex' | 'rwsem' };

/**
 * The runtime object. Implements do_shrink_slab's ShrinkerCore. Only the registry and the
 * walkers in this directory touch it directly; owners hold the typestate handles below.
 */
export class Shrinker<P = unknown> implements ShrinkerCore<P>, ShrinkerView {
  state: ShrinkerState = 'allocated';
  seeks = DEFAULT_SEEKS;
  batch = 0;
  id = -1;
  debugfsId = -1;
  refcount = 0;
  inFlight = 0;
  leakedRefs = 0;
  registrationIndex = -1;
  symbol: string;
  ops: RawShrinkerOps<P> & { scanMany?: ScanMany<P> };
  hasOps = false;
  priv: P;
  /** `nr_deferred[]`: one slot, or one per node if NUMA-aware. */
  readonly ownDeferred: bigint[];
  readonly deferred: DeferredSlots;
  private readonly freedWaiters: (() => void)[] = [];

  constructor(
    readonly host: ShrinkerHost,
    readonly serial: number,
    public name: string,
    readonly flags: ShrinkerFlags,
    priv: P,
  ) {
    this.symbol = defaultSymbol(name);
    this.priv = priv;
    this.ops = {
      countRaw: () => {
        throw new ShrinkerStateError(`shrinker "${this.name}": count_objects called but never set`);
      },
      scanRaw: () => {
        throw new ShrinkerStateError(`shrinker "${this.name}": scan_objects called but never set`);
      },
    };
    this.ownDeferred = new Array<bigint>(flags.numaAware ? host.memcgs.nrNodeIds : 1).fill(0n);
    this.deferred = {
      xchg: (sc) => slotXchg(resolveSlot(this, sc.nid, sc.memcg, host.memcgs)),
      add: (sc, nr) => slotAdd(resolveSlot(this, sc.nid, sc.memcg, host.memcgs), nr),
    };
  }

  get flagsWord(): number {
    const internal =
      (this.host.profile === '6.12' ? SHRINKER_ALLOCATED : 0) |
      (this.state === 'registered' || this.state === 'freeing' ? SHRINKER_REGISTERED : 0);
    return flagBits(this.flags, this.host.profile) | internal;
  }

  private cachedRef: ShrinkerTraceRef | undefined;

  get traceRef(): ShrinkerTraceRef {
    const ptr = fakePtr(Math.max(0, this.registrationIndex), this.host.ptrBase);
    // One object per identity, so start and end events share it.
    if (this.cachedRef?.symbol !== this.symbol || this.cachedRef.ptr !== ptr) {
      this.cachedRef = { symbol: this.symbol, ptr };
    }
    return this.cachedRef;
  }

  get debugfsName(): string | null {
    if (this.debugfsId < 0) return null;
    // snprintf into a 128-byte buffer: at most 127 bytes survive.
    return truncateBytes(`${this.name}-${this.debugfsId}`, 127);
  }

  nrDeferred(nid: number): Long {
    return this.ownDeferred[this.flags.numaAware ? nid : 0] ?? 0n;
  }

  deferredFor(nid: number, memcg: Memcg | null): Long {
    return slotRead(resolveSlot(this, nid, memcg, this.host.memcgs));
  }

  /** 6.12 `shrinker_try_get`: refcount_inc_not_zero. */
  tryGet(): boolean {
    if (this.refcount === 0) return false;
    this.refcount++;
    return true;
  }

  /** 6.12 `shrinker_put`: the last put completes a pending shrinker_free. */
  put(): void {
    if (this.refcount === 0) throw new ShrinkerStateError(`shrinker "${this.name}": put with refcount 0`);
    this.refcount--;
    if (this.refcount === 0 && this.state === 'freeing') this.host.completeFree(this as Shrinker<unknown>);
  }

  /** May a walker call the callbacks now? (Defence in depth; walkers already checked.) */
  get callable(): boolean {
    if (this.state !== 'registered' && this.state !== 'freeing') return false;
    return this.host.profile === '6.1' || this.refcount > 0;
  }

  onFreed(cb: () => void): void {
    if (this.state === 'freed') cb();
    else this.freedWaiters.push(cb);
  }

  /** Called by the registry when shrinker_free finishes. */
  markFreed(): void {
    this.state = 'freed';
    for (const cb of this.freedWaiters.splice(0)) cb();
  }
}

function truncateBytes(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  return buf.subarray(0, max).toString('utf8');
}

/** A shrinker after shrinker_alloc: configure it, then register (or free) it. */
export class AllocatedShrinker<P = unknown> {
  /** @internal */
  constructor(private readonly s: Shrinker<P>) {}

  private live(what: string): Shrinker<P> {
    if (this.s.state !== 'allocated') {
      throw new ShrinkerStateError(`shrinker "${this.s.name}": ${what} after it was ${this.s.state}`);
    }
    return this.s;
  }

  /** Typed callbacks (CountObjects / ScanObjects). */
  setOps(ops: ShrinkerOps<P> & { scanMany?: ScanMany<P> }): this {
    const s = this.live('setOps');
    const raw = rawFromTyped(ops);
    s.ops = ops.scanMany ? { ...raw, scanMany: ops.scanMany } : raw;
    s.hasOps = true;
    return this;
  }

  /** C-style callbacks returning any unsigned long, sentinels included (see raw.ts). */
  setRawOps(ops: RawShrinkerOps<P>): this {
    const s = this.live('setRawOps');
    s.ops = { countRaw: ops.countRaw.bind(ops), scanRaw: ops.scanRaw.bind(ops) };
    s.hasOps = true;
    return this;
  }

  /** `shrinker->seeks` (alloc sets DEFAULT_SEEKS = 2; 0 means "no IO to recreate"). */
  setSeeks(seeks: number): this {
    if (!Number.isInteger(seeks)) throw new RangeError(`seeks must be an integer, got ${seeks}`);
    this.live('setSeeks').seeks = seeks;
    return this;
  }

  /** `shrinker->batch` (0 means SHRINK_BATCH = 128). */
  setBatch(batch: number): this {
    if (!Number.isInteger(batch)) throw new RangeError(`batch must be an integer, got ${batch}`);
    this.live('setBatch').batch = batch;
    return this;
  }

  setPrivateData(priv: P): this {
    this.live('setPrivateData').priv = priv;
    return this;
  }

  /** The `%pS` text of the scan function, e.g. `binder_shrink_scan+0x0/0xd0 [binder_linux]`. */
  setSymbol(symbol: string): this {
    this.live('setSymbol').symbol = symbol;
    return this;
  }

  get view(): ShrinkerView {
    return this.s;
  }

  /** `shrinker_register` (6.12) / `register_shrinker_prepared` (6.1). */
  register(): RegisteredShrinker<P> {
    const s = this.live('register');
    if (!s.hasOps) throw new ShrinkerStateError(`shrinker "${s.name}": register without count/scan callbacks`);
    s.host.register(s as Shrinker<unknown>);
    return new RegisteredShrinker(s);
  }

  /** `shrinker_free` of a never-registered shrinker (6.1: free_prealloced_shrinker). */
  free(): FreeOutcome {
    this.live('free');
    return this.s.host.free(this.s as Shrinker<unknown>);
  }
}

/** A registered shrinker: reclaim may call it until `free()` finishes. */
export class RegisteredShrinker<P = unknown> {
  private spent = false;

  /** @internal */
  constructor(private readonly s: Shrinker<P>) {}

  get view(): ShrinkerView {
    return this.s;
  }

  get name(): string {
    return this.s.name;
  }

  get state(): ShrinkerState {
    return this.s.state;
  }

  get traceRef(): ShrinkerTraceRef {
    return this.s.traceRef;
  }

  /** @internal The runtime object, for the walkers of this directory. */
  get core(): Shrinker<P> {
    if (this.spent && this.s.state === 'freed') {
      throw new ShrinkerStateError(`shrinker "${this.s.name}": used after free`);
    }
    return this.s;
  }

  /**
   * `shrinker_free` (6.12) / `unregister_shrinker` (6.1). When the outcome is `waiting`, the
   * shrinker finishes freeing by itself once the obstacle goes away (watch `state` or use
   * `onFreed`). A second call is a double free and throws.
   */
  free(): FreeOutcome {
    if (this.spent) throw new ShrinkerStateError(`shrinker "${this.s.name}": double free`);
    this.spent = true;
    return this.s.host.free(this.s as Shrinker<unknown>);
  }

  /** Runs `cb` once freeing has completed (the owner may then release private data). */
  onFreed(cb: () => void): void {
    this.s.onFreed(cb);
  }
}
