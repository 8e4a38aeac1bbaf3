/**
 * Memory pressure: page cache or anon grows at a rate, in chunks, through the page allocator,
 * so free memory falls to the watermarks the way it does on a device: below low kswapd is
 * woken; below min the allocating task reclaims directly in its own gfp context (GFP_NOFS for
 * a filesystem writer, say). Optionally pages are released at another rate. An allocation that
 * fails after reclaim with nothing killed (no OOM kill possible: GFP_NOFS, __GFP_NORETRY …)
 * makes the app give back half of what it allocated. Once the OOM killer chose the task
 * (`killed`), the generator stops: its pages went back with it. A direct reclaim takes
 * simulated time (`allocateTimed`: kswapd, Binder traffic and other tasks run meanwhile) and
 * the task's next allocation comes after it completed. Streams: `<name>` (allocations), `<name>:release`.
 */
import { poissonInterarrivalNs } from '../sim/rng.js';
import type { MemoryPressureGen } from '../scenario/types.js';
import type { Generator, VerbResult, WorkloadCtx } from './types.js';

export function memoryPressure(gen: MemoryPressureGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      const chunk = Math.max(1, gen.chunk);
      let held = 0;
      if (gen.rate > 0) {
        const rng = ctx.rng();
        // The one pending allocation of this task, rescheduled after each (no closure per event).
        const fault = {
          at: 0,
          fire(): void {
            ctx.allocateTimed(gen.pool, chunk, gen.gfp.mask, gen.task, gen.memcg, this);
          },
          /** The allocation is over (its direct reclaim took `stallNs` of simulated time). */
          allocated(r: VerbResult): void {
            // The OOM killer chose this task: it is gone, its pages went back with it.
            if (!r.ok && r.error === 'killed') return;
            if (r.ok) held += chunk;
            else if (r.error === 'oom') held -= ctx.release(gen.pool, Math.ceil(held / 2), gen.task);
            // A direct reclaim stalled the task: its next fault comes after the allocation
            // completed (now), not at the instant it started.
            next(this.at + (r.stallNs ?? 0));
          },
        };
        const next = (t: number): void => {
          const at = t + poissonInterarrivalNs(rng, gen.rate / chunk);
          if (at >= gen.until) return;
          fault.at = at;
          ctx.schedule(at, fault);
        };
        next(gen.from);
      }
      if (gen.release > 0) {
        const rng = ctx.rng(':release');
        const drop = {
          at: 0,
          fire(): void {
            held -= ctx.release(gen.pool, chunk, gen.task);
            if (held < 0) held = 0;
            next(this.at);
          },
        };
        const next = (t: number): void => {
          const at = t + poissonInterarrivalNs(rng, gen.release / chunk);
          if (at >= gen.until) return;
          drop.at = at;
          ctx.schedule(at, drop);
        };
        next(gen.from);
      }
    },
  };
}
