/**
 * Binder traffic into one receiving process: transactions arrive (Poisson or in bursts), each
 * allocates a buffer of a drawn size (oneway with a given probability, from the async half),
 * and the receiver frees it after a drawn hold time (BC_FREE_BUFFER), which puts its pages on
 * the Binder LRU. Streams: `<name>` for arrivals, `<name>:size` for sizes and oneway, `<name>:hold`
 * for hold times, so changing the size distribution does not move the arrival times.
 *
 * Hot path: the pending Poisson arrival is one reused event object; each live buffer is one
 * `Held` event (its free), kept in an array for snapshots to name (`<name>#<seq>`).
 */
import { bernoulli, drawTime, poissonInterarrivalNs, sizeDrawer } from '../sim/rng.js';
import type { BinderTrafficGen } from '../scenario/types.js';
import type { BinderBufferRef, Fireable, Generator, WorkloadCtx } from './types.js';

/** binder_transaction rejects an offsets size that is not pointer-aligned; generators align down. */
const alignOffsets = (n: number): number => Math.floor(n / 8) * 8;

/**
 * A live buffer: the event that frees it after its hold time. Recycled once fired (the
 * queue and `live` no longer hold it), so a run allocates as many as are live at once.
 */
class Held implements Fireable {
  constructor(
    private readonly owner: { release(h: Held): void },
    public buffer: BinderBufferRef,
    public seq: number,
    public slot: number,
  ) {}
  fire(): void {
    this.owner.release(this);
  }
}

export function binderTraffic(gen: BinderTrafficGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      const arrivals = ctx.rng();
      const sizes = ctx.rng(':size');
      const holds = ctx.rng(':hold');
      const proc = ctx.binderProc(gen.proc);
      const live: Held[] = [];
      const spare: Held[] = [];
      let seq = 0;
      const owner = {
        release(h: Held): void {
          const last = live.pop() as Held;
          if (last !== h) {
            live[h.slot] = last;
            last.slot = h.slot;
          }
          ctx.binderFree(proc, h.buffer, gen.task);
          spare.push(h);
        },
      };
      ctx.binderLabels(proc, () => live.map((h) => [h.buffer, `${gen.name}#${h.seq}`] as const));

      const drawData = sizeDrawer(gen.data);
      const drawOffsets = sizeDrawer(gen.offsets);
      const transact = (): void => {
        const n = seq++;
        const data = drawData(sizes);
        const offsets = alignOffsets(drawOffsets(sizes));
        const oneway = bernoulli(sizes, gen.oneway);
        const hold = drawTime(holds, gen.hold);
        const buffer = ctx.binderTransact(proc, data, offsets, oneway, gen.task);
        if (buffer === null) return;
        let h = spare.pop();
        if (h === undefined) h = new Held(owner, buffer, n, live.length);
        else {
          h.buffer = buffer;
          h.seq = n;
          h.slot = live.length;
        }
        live.push(h);
        ctx.schedule(ctx.now() + hold, h);
      };

      const a = gen.arrivals;
      switch (a.kind) {
        case 'poisson': {
          /** The one pending arrival, rescheduled after each transaction. */
          const arrival = {
            at: 0,
            fire(): void {
              transact();
              next(this.at);
            },
          };
          const next = (t: number): void => {
            const at = t + poissonInterarrivalNs(arrivals, a.rate);
            if (at >= gen.until) return;
            arrival.at = at;
            ctx.schedule(at, arrival);
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
