/**
 * Lock contention on one Binder process: holders of its mmap lock (an mmap/munmap or a page
 * fault storm, as a writer) or of its allocator lock (a transaction in progress) arrive as a
 * Poisson process and hold for a drawn time. While held, the Binder shrinker's trylocks fail
 * and its pages are skipped (LRU_SKIP): contention comes from the scenario, not from a coin
 * flip in the callback. Streams: `<name>` (arrivals), `<name>:hold`.
 */
import { drawTime, poissonInterarrivalNs } from '../sim/rng.js';
import type { LockContentionGen } from '../scenario/types.js';
import type { Generator, WorkloadCtx } from './types.js';

export function lockContention(gen: LockContentionGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      if (!(gen.rate > 0)) return;
      const arrivals = ctx.rng();
      const holds = ctx.rng(':hold');
      let n = 0;
      const next = (t: number): void => {
        const at = t + poissonInterarrivalNs(arrivals, gen.rate);
        if (at >= gen.until) return;
        ctx.schedule(at, () => {
          ctx.holdLock(gen.proc, gen.lock, Math.max(1, drawTime(holds, gen.hold)), `${gen.name}#${n++}`);
          next(at);
        });
      };
      next(gen.from);
    },
  };
}
