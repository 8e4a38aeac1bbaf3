/**
 * What a workload generator sees of the simulation: the clock, a scheduler, its own RNG
 * streams, and high-level verbs the machine implements (Binder transactions, page allocations
 * in a gfp context, lock holds, process death). Generators never touch the Binder system or
 * the memory model directly, so each can be tested with a fake context.
 *
 * The Binder transaction verbs are the hot path of a run: a process is addressed by index
 * (`binderProc` once at start), sizes are plain numbers, and a buffer is the opaque handle the
 * allocation returned (no name, no lookup). `binderLabels` tells snapshots what to call the
 * generator's live buffers.
 */
import type { GfpMask } from '../mm/gfp.js';
import type { Rng } from '../sim/rng.js';
import type { SimTimeNs, TaskRef } from '../scenario/types.js';

export type Pool = 'pagecache' | 'anon';

/**
 * `stallNs`: simulated time the verb kept the task busy beyond its instant (direct reclaim in
 * an allocation); the task's next action can only start after it.
 */
export type VerbResult =
  | { readonly ok: true; readonly stallNs?: number }
  | { readonly ok: false; readonly error: string; readonly stallNs?: number };

/** Hears the result of `allocateTimed` when the allocation is over. */
export interface AllocWaiter {
  allocated(r: VerbResult): void;
}

/** An event that carries its own data (scheduled instead of a fresh closure). */
export interface Fireable {
  fire(): void;
}

/** A Binder buffer as the allocator handed it out (opaque to generators). */
export type BinderBufferRef = object;

export interface WorkloadCtx {
  now(): SimTimeNs;
  /** Runs `fn` (or `fn.fire()`) at simulated time `t` (≥ now); events at one time run in scheduling order. */
  schedule(t: SimTimeNs, fn: (() => void) | Fireable): void;
  /** The stream `<generator name><suffix>` of this run's seed. */
  rng(suffix?: string): Rng;
  /** Index of the Binder process called `name` (-1 if none): what the transaction verbs take. */
  binderProc(name: string): number;
  /**
   * binder_alloc_new_buf of one transaction in `task`'s name, sizes in bytes (`oneway`: from
   * the async space): the buffer, or null if it failed.
   */
  binderTransact(proc: number, data: number, offsets: number, oneway: boolean, task: TaskRef): BinderBufferRef | null;
  /** BC_FREE_BUFFER of a buffer `binderTransact` returned. */
  binderFree(proc: number, buffer: BinderBufferRef, task: TaskRef): VerbResult;
  /** Names for the generator's live buffers of `proc`, read when a snapshot is taken. */
  binderLabels(proc: number, labels: () => Iterable<readonly [BinderBufferRef, string]>): void;
  holdLock(proc: string, lock: 'mmap' | 'alloc', holdNs: SimTimeNs, holder: string): VerbResult;
  killProc(proc: string): VerbResult;
  /**
   * Allocates pages into a pool; may wake kswapd or run direct reclaim in `gfp`'s context.
   * Fails with `killed` once the OOM killer chose `task` (for good: the task is gone).
   */
  allocate(pool: Pool, pages: number, gfp: GfpMask, task: TaskRef, memcg: string): VerbResult;
  /**
   * `allocate` with its slowpath on the virtual clock: a direct reclaim takes simulated time
   * while other tasks run, and `waiter` hears the result (`stallNs`: the time the allocation
   * took) when it is over, at once when no time passed. The task does nothing meanwhile.
   */
  allocateTimed(pool: Pool, pages: number, gfp: GfpMask, task: TaskRef, memcg: string, waiter: AllocWaiter): void;
  /**
   * Gives pages of a pool back (files deleted, an app exiting), in `task`'s name when given
   * (its anonymous pages; nothing once it was killed). Returns pages released.
   */
  release(pool: Pool, pages: number, task?: TaskRef): number;
}

export interface Generator {
  readonly name: string;
  /** Schedules the generator's first events. */
  start(ctx: WorkloadCtx): void;
}
