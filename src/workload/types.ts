/**
 * What a workload generator sees of the simulation: the clock, a scheduler, its own RNG
 * streams, and high-level verbs the run loop implements (Binder transactions, page
 * allocations in a gfp context, lock holds, process death). Generators never touch the
 * Binder system or the memory model directly, so each can be tested with a fake context.
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

export interface WorkloadCtx {
  now(): SimTimeNs;
  /** Runs `fn` at simulated time `t` (≥ now); events at one time run in scheduling order. */
  schedule(t: SimTimeNs, fn: () => void): void;
  /** The stream `<generator name><suffix>` of this run's seed. */
  rng(suffix?: string): Rng;
  binderAlloc(
    proc: string,
    buffer: string,
    req: { readonly data: number; readonly offsets: number; readonly oneway: boolean },
    task: TaskRef,
  ): VerbResult;
  binderFree(proc: string, buffer: string, task: TaskRef): VerbResult;
  holdLock(proc: string, lock: 'mmap' | 'alloc', holdNs: SimTimeNs, holder: string): VerbResult;
  killProc(proc: string): VerbResult;
  /** Allocates pages into a pool; may wake kswapd or run direct reclaim in `gfp`'s context. */
  allocate(pool: Pool, pages: number, gfp: GfpMask, task: TaskRef, memcg: string): VerbResult;
  /** Gives pages of a pool back (files deleted, an app exiting). Returns pages released. */
  release(pool: Pool, pages: number): number;
}

export interface Generator {
  readonly name: string;
  /** Schedules the generator's first events. */
  start(ctx: WorkloadCtx): void;
}
