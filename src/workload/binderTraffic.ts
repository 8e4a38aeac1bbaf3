/**
 * Binder traffic into one receiving process: transactions arrive (Poisson or in bursts), each
 * allocates a buffer of a drawn size (oneway with a given probability, from the async half),
 * and the receiver frees it after a drawn hold time (BC_FREE_BUFFER), which puts its pages on
 * the Binder LRU. Streams: `<name>` for arrivals, `<name>:size` for sizes and oneway, `<name>:hold`
 * for hold times, so changing the size distribution does not move the arrival times.
 */
import { bernoulli, drawSize, drawTime, poissonInterarrivalNs } from '../sim/rng.js';
import type { BinderTrafficGen } from '../scenario/types.js';
import type { Generator, WorkloadCtx } from './types.js';

/** binder_transaction rejects an offsets size that is not pointer-aligned; generators align down. */
const alignOffsets = (n: number): number => Math.floor(n / 8) * 8;

export function binderTraffic(gen: BinderTrafficGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      const arrivals = ctx.rng();
      const sizes = ctx.rng(':size');
      const holds = ctx.rng(':hold');
      let seq = 0;

      const transact = (): void => {
        const buffer = `${gen.name}#${seq++}`;
        const data = drawSize(sizes, gen.data);
        const offsets = alignOffsets(drawSize(sizes, gen.offsets));
        const oneway = bernoulli(sizes, gen.oneway);
        const hold = drawTime(holds, gen.hold);
        const r = ctx.binderAlloc(gen.proc, buffer, { data, offsets, oneway }, gen.task);
        if (r.ok) ctx.schedule(ctx.now() + hold, () => void ctx.binderFree(gen.proc, buffer, gen.task));
      };

      const a = gen.arrivals;
      switch (a.kind) {
        case 'poisson': {
          const next = (t: number): void => {
            const at = t + poissonInterarrivalNs(arrivals, a.rate);
            if (at >= gen.until) return;
            ctx.schedule(at, () => {
              transact();
              next(at);
            });
          };
          next(gen.from);
          return;
        }
        case 'burst': {
          const burst = (start: number): void => {
            if (start >= gen.until) return;
            for (let k = 0; k < a.count; k++) {
              const at = start + k * a.gap;
              if (at >= gen.until) break;
              ctx.schedule(at, transact);
            }
            if (a.period > 0) ctx.schedule(start + a.period, () => burst(start + a.period));
          };
          ctx.schedule(gen.from, () => burst(gen.from));
          return;
        }
      }
    },
  };
}
