/**
 * The workload generators' view of the machine (WorkloadCtx): the clock, the loop's scheduler,
 * each generator's own RNG streams, and the verbs, bound to the machine's operations.
 * Generators start in the registry's fixed order.
 */
import type { BufferHandle } from '../binder/proc.js';
import { rngStream } from './rng.js';
import { createGenerators } from '../workload/registry.js';
import type { WorkloadCtx } from '../workload/types.js';
import type { Machine } from './machine.js';

/** Starts every generator of the scenario: each schedules its own first events. */
export function startGenerators(m: Machine): void {
  const loop = m.loop;
  const b = m.binder;
  for (const g of createGenerators(m.resolved.workload)) {
    const ctx: WorkloadCtx = {
      now: () => loop.now,
      schedule: (t, fn) => loop.at(Math.max(t, loop.now), fn),
      rng: (suffix = '') => rngStream(m.seed, `${g.name}${suffix}`),
      binderProc: (name) => b.system.procIndex(name),
      binderTransact: (proc, data, offsets, oneway, task) => b.transact(proc, data, offsets, oneway, task),
      binderFree: (proc, buffer, task) => b.free(proc, buffer as BufferHandle, task),
      binderLabels: (proc, labels) => b.addLabels(proc, labels as () => Iterable<readonly [BufferHandle, string]>),
      holdLock: (proc, lock, holdNs, holder) => b.holdLock(proc, lock, holdNs, holder),
      killProc: (proc) => b.kill(proc),
      allocate: (pool, pages, mask, task, memcg) => m.allocateFor(pool, pages, mask, task, memcg),
      release: (pool, pages, task) => m.release(pool, pages, task),
    };
    g.start(ctx);
  }
}
