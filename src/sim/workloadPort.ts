/**
 * The workload generators' view of the machine (WorkloadCtx): the clock, the loop's scheduler,
 * each generator's own RNG streams, and the verbs, bound to the machine's operations.
 * Generators start in the registry's fixed order.
 */
import type { GfpMask } from '../mm/gfp.js';
import type { BufferHandle } from '../binder/proc.js';
import type { SimTimeNs, TaskRef } from '../scenario/types.js';
import { rngStream, type Rng } from './rng.js';
import { createGenerators } from '../workload/registry.js';
import type { AllocWaiter, BinderBufferRef, Fireable, Pool, VerbResult, WorkloadCtx } from '../workload/types.js';
import type { Machine } from './machine.js';

/**
 * One generator's context: a class rather than an object of arrow functions, so that a run
 * makes no new function objects for the verbs. Call sites in the generators then see the same
 * functions run after run (a fresh closure per run is a new call target, which V8's optimized
 * code of the previous run does not expect).
 */
class MachineWorkloadCtx implements WorkloadCtx {
  constructor(
    private readonly m: Machine,
    private readonly name: string,
  ) {}
  now(): SimTimeNs {
    return this.m.loop.now;
  }
  schedule(t: SimTimeNs, fn: (() => void) | Fireable): void {
    const loop = this.m.loop;
    loop.at(Math.max(t, loop.now), fn);
  }
  rng(suffix = ''): Rng {
    return rngStream(this.m.seed, `${this.name}${suffix}`);
  }
  binderProc(name: string): number {
    return this.m.binder.system.procIndex(name);
  }
  binderTransact(proc: number, data: number, offsets: number, oneway: boolean, task: TaskRef): BinderBufferRef | null {
    return this.m.binder.transact(proc, data, offsets, oneway, task);
  }
  binderFree(proc: number, buffer: BinderBufferRef, task: TaskRef): VerbResult {
    return this.m.binder.free(proc, buffer as BufferHandle, task);
  }
  binderLabels(proc: number, labels: () => Iterable<readonly [BinderBufferRef, string]>): void {
    this.m.binder.addLabels(proc, labels as () => Iterable<readonly [BufferHandle, string]>);
  }
  holdLock(proc: string, lock: 'mmap' | 'alloc', holdNs: SimTimeNs, holder: string): VerbResult {
    return this.m.binder.holdLock(proc, lock, holdNs, holder);
  }
  killProc(proc: string): VerbResult {
    return this.m.binder.kill(proc);
  }
  allocate(pool: Pool, pages: number, mask: GfpMask, task: TaskRef, memcg: string): VerbResult {
    return this.m.allocateFor(pool, pages, mask, task, memcg);
  }
  allocateTimed(pool: Pool, pages: number, mask: GfpMask, task: TaskRef, memcg: string, waiter: AllocWaiter): void {
    this.m.allocateTimed(pool, pages, mask, task, memcg, waiter);
  }
  release(pool: Pool, pages: number, task?: TaskRef): number {
    return this.m.release(pool, pages, task);
  }
}

/** Starts every generator of the scenario: each schedules its own first events. */
export function startGenerators(m: Machine): void {
  for (const g of createGenerators(m.resolved.workload)) g.start(new MachineWorkloadCtx(m, g.name));
}
