/**
 * The shrinker registry: `shrinker_list`, `shrinker_idr`, the debugfs IDA, and the writer
 * lock of the era (6.1 `shrinker_rwsem`, 6.12 `shrinker_mutex`).
 *
 * Lifecycle, 6.12 (mm/shrinker.c, v6.7+):
 * 1. alloc: flags |= ALLOCATED, seeks = DEFAULT_SEEKS, batch 0, refcount 0. A MEMCG_AWARE
 *    shrinker gets the lowest free idr id and every memcg's map grows to round_up(id+1, 64);
 *    with memcg disabled the flag is cleared and it is a plain shrinker. A plain shrinker
 *    gets nr_deferred[1], or nr_deferred[nr_node_ids] if NUMA_AWARE.
 * 2. register: under the mutex, append to the list (registration order = walk order), set
 *    REGISTERED, create the debugfs entry (lowest free IDA id); then refcount = 1.
 * 3. free: drop the initial reference and wait until every in-flight user has put its own;
 *    then under the mutex unlink, detach debugfs, clear REGISTERED, remove the idr entry.
 *
 * Lifecycle, 6.1 (mm/vmscan.c): the same steps as prealloc_shrinker /
 * register_shrinker_prepared / unregister_shrinker, with no refcount: writers take
 * shrinker_rwsem, so they wait for running shrink_slab walks (which hold it for read).
 */
import type { Long } from '../kint.js';
import type { MemcgTree } from '../memcg.js';
import { LowestFreeIds } from './idr.js';
import { ShrinkerMutex } from './mutex.js';
import { RcuList, type RcuNode } from './rcuList.js';
import { ShrinkerRwsem } from './rwsem.js';
import {
  FAKE_PTR_BASE,
  AllocatedShrinker,
  Shrinker,
  ShrinkerStateError,
  type FreeOutcome,
  type ShrinkerHost,
  type ShrinkerView,
} from './shrinker.js';
import { NO_FLAGS, type KernelProfile, type ShrinkerFlags } from './types.js';

export interface ShrinkerRegistryOptions {
  readonly profile: KernelProfile;
  readonly memcgs: MemcgTree;
  /** 6.1: the shared rwsem (a scenario may hold or contend it). Created if absent. */
  readonly rwsem?: ShrinkerRwsem;
  /** 6.12: the writer mutex. Created if absent. */
  readonly mutex?: ShrinkerMutex;
  /**
   * Base of the fake `%p` pointers (default FAKE_PTR_BASE). Two simulated "boots" should use
   * different bases, as real kernels place their shrinkers differently: conform keys shrinker
   * instances by pointer, so traces of different runs checked together must not collide.
   */
  readonly ptrBase?: bigint;
}

export interface ShrinkerAllocOptions<P> {
  /** The debugfs name (`shrinker_alloc(flags, fmt, …)`), e.g. `android-binder`. */
  readonly name: string;
  readonly flags?: Partial<ShrinkerFlags>;
  /** private_data; may also be set later with setPrivateData. */
  readonly priv?: P;
}

export class ShrinkerRegistry implements ShrinkerHost {
  readonly profile: KernelProfile;
  readonly memcgs: MemcgTree;
  readonly rwsem: ShrinkerRwsem;
  readonly mutex: ShrinkerMutex;
  readonly ptrBase: bigint;
  private readonly list = new RcuList<Shrinker<unknown>>();
  private readonly nodes = new Map<Shrinker<unknown>, RcuNode<Shrinker<unknown>>>();
  private readonly idr = new Map<number, Shrinker<unknown>>();
  private readonly idrIds = new LowestFreeIds(0);
  private readonly debugfsIds = new LowestFreeIds(0);
  private nextSerial = 0;
  private nextRegistrationIndex = 0;

  constructor(opts: ShrinkerRegistryOptions) {
    this.profile = opts.profile;
    this.memcgs = opts.memcgs;
    this.rwsem = opts.rwsem ?? new ShrinkerRwsem();
    this.mutex = opts.mutex ?? new ShrinkerMutex();
    this.ptrBase = opts.ptrBase ?? FAKE_PTR_BASE;
  }

  get nrNodeIds(): number {
    return this.memcgs.nrNodeIds;
  }

  /** `shrinker_alloc(flags, name)` (6.1: `prealloc_shrinker`). */
  shrinkerAlloc<P = undefined>(opts: ShrinkerAllocOptions<P>): AllocatedShrinker<P> {
    const want: ShrinkerFlags = { ...NO_FLAGS, ...opts.flags };
    // -ENOSYS from shrinker_memcg_alloc: fall back to a non-memcg-aware shrinker.
    const flags: ShrinkerFlags = this.memcgs.memcgDisabled ? { ...want, memcgAware: false } : want;
    const s = new Shrinker<P>(this, this.nextSerial++, opts.name, flags, opts.priv as P);
    if (flags.memcgAware) {
      const id = this.idrIds.alloc();
      if (id >= this.memcgs.shrinkerNrMax) this.memcgs.expandShrinkerInfo(id);
      s.id = id;
      this.idr.set(id, s as Shrinker<unknown>);
    }
    return new AllocatedShrinker(s);
  }

  /** @internal ShrinkerHost: the register half of the typestate. */
  register(s: Shrinker<unknown>): void {
    if (s.state !== 'allocated') throw new ShrinkerStateError(`shrinker "${s.name}": register when ${s.state}`);
    s.registrationIndex = this.nextRegistrationIndex++;
    const link = (): void => {
      this.nodes.set(s, this.list.append(s));
      s.debugfsId = this.debugfsIds.alloc();
    };
    if (this.profile === '6.1') {
      s.state = 'registering';
      this.rwsem.write(() => {
        link();
        s.state = 'registered';
      });
      return;
    }
    s.state = 'registering';
    this.mutex.lock(() => {
      link();
      s.state = 'registered';
      // INVARIANT: the first reference is taken only once the shrinker is fully set up;
      // from here shrinker_try_get succeeds.
      s.refcount = 1;
    });
  }

  /** @internal ShrinkerHost: shrinker_free / unregister_shrinker / free_prealloced_shrinker. */
  free(s: Shrinker<unknown>): FreeOutcome {
    switch (s.state) {
      case 'allocated':
        return this.unlinkAndRelease(s);
      case 'registering':
      case 'registered':
        break;
      case 'freeing':
      case 'freed':
        throw new ShrinkerStateError(`shrinker "${s.name}": double free`);
    }
    if (this.profile === '6.1') return this.unlinkAndRelease(s);
    if (s.state === 'registering') {
      // Queued behind the mutex holder: the free queues after the registration.
      return this.unlinkAndRelease(s);
    }
    // Drop the initial reference; in-flight users keep theirs and the last put completes us.
    s.state = 'freeing';
    s.refcount--;
    if (s.refcount > 0) return { kind: 'waiting', reason: 'in-flight' };
    return this.unlinkAndRelease(s);
  }

  /** @internal ShrinkerHost: wait_for_completion returned. */
  completeFree(s: Shrinker<unknown>): void {
    this.unlinkAndRelease(s);
  }

  /** The part of freeing done under the writer lock, then the rest. */
  private unlinkAndRelease(s: Shrinker<unknown>): FreeOutcome {
    const wasAllocatedOnly = s.state === 'allocated';
    s.state = wasAllocatedOnly ? 'allocated' : 'freeing';
    const op = (): void => {
      const node = this.nodes.get(s);
      if (node) {
        this.list.remove(node);
        this.nodes.delete(s);
      }
      if (s.debugfsId >= 0) {
        this.debugfsIds.free(s.debugfsId);
        s.debugfsId = -1;
      }
      if (s.id >= 0) {
        this.idr.delete(s.id);
        this.idrIds.free(s.id);
      }
      s.markFreed();
    };
    const how = this.profile === '6.1' ? this.rwsem.write(op) : this.mutex.lock(op);
    if (how === 'done') return { kind: 'freed' };
    if (wasAllocatedOnly) s.state = 'freeing';
    return { kind: 'waiting', reason: this.profile === '6.1' ? 'rwsem' : 'mutex' };
  }

  /** @internal The RCU list, for shrink_slab's global walk. */
  walkList(): Generator<Shrinker<unknown>> {
    return this.list.walk();
  }

  /** `idr_find(&shrinker_idr, id)`. */
  idrFind(id: number): Shrinker<unknown> | undefined {
    return this.idr.get(id);
  }

  /** Shrinkers on the list, in walk (registration) order. */
  listed(): ShrinkerView[] {
    return this.list.toArray();
  }

  /** Every shrinker with a debugfs directory, in list order. */
  debugfsDirs(): string[] {
    return this.list.toArray().flatMap((s) => (s.debugfsName === null ? [] : [s.debugfsName]));
  }

  /** `/sys/kernel/debug/shrinker/<dir>`: the shrinker, or undefined (ENOENT). */
  debugfsLookup(dir: string): Shrinker<unknown> | undefined {
    return this.list.toArray().find((s) => s.debugfsName === dir);
  }

  /** Σ of a shrinker's deferred work over nodes (and memcgs, if memcg-aware), for reports. */
  totalDeferred(s: ShrinkerView): Long {
    let t = 0n;
    const nodes = s.flags.numaAware ? this.nrNodeIds : 1;
    if (!s.flags.memcgAware) {
      for (let nid = 0; nid < nodes; nid++) t += s.deferredFor(nid, null);
      return t;
    }
    for (const m of this.memcgs.all()) for (let nid = 0; nid < nodes; nid++) t += s.deferredFor(nid, m);
    return t;
  }
}
