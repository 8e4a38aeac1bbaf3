/**
 * Binder traffic into one receiving process: transactions arrive (Poisson or in bursts), each
 * allocates a buffer of a drawn size (oneway with a given probability, from the async half),
 * and the receiver frees it after a drawn hold time (BC_FREE_BUFFER), which puts its pages on
 * the Binder LRU. Streams: `<name>` for arrivals, `<name>:size` for sizes and oneway, `<name>:hold`
 * for hold times, so changing the size distribution does not move the arrival times.
 *
 * Hot path: one `TrafficRun` object per generator is both its state and its pending Poisson
 * arrival (rescheduled after each transaction); each live buffer is one `Held` event (its
 * free), kept in an array for snapshots to name (`<name>#<seq>`). Classes, not closures: a run
 * makes no function objects, so V8's optimized code serves every run of a process alike.
 */
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';
import { bernoulli, drawTime, poissonInterarrivalNs, sizeDrawer, type Rng, type SizeDrawer } from '../sim/rng.js';
import type { BinderTrafficGen } from '../scenario/types.js';
import { objectArray } from '../util/objectArray.js';
import type { BinderBufferRef, Fireable, Generator, WorkloadCtx } from './types.js';

/** binder_transaction rejects an offsets size that is not pointer-aligned; generators align down. */
const alignOffsets = (n: number): number => Math.floor(n / 8) * 8;

/**
 * A live buffer: the event that frees it after its hold time. Recycled once fired (the
 * queue and `live` no longer hold it), so a run allocates as many as are live at once.
 */
class Held implements Fireable {
  constructor(
    private readonly run: TrafficRun,
    public buffer: BinderBufferRef,
    public seq: number,
    public slot: number,
  ) {}
  fire(): void {
    this.run.release(this);
  }
}

/** One burst's transactions: the same event object, scheduled once per transaction. */
class BurstTx implements Fireable {
  constructor(private readonly run: TrafficRun) {}
  fire(): void {
    this.run.transact();
  }
}

/** The start of the next burst (one pending at a time). */
class BurstStart implements Fireable {
  start: SimTimeNs = DOUBLE_FIELD;
  private readonly tx: BurstTx;
  constructor(
    private readonly run: TrafficRun,
    private readonly gen: BinderTrafficGen,
    private readonly a: Extract<BinderTrafficGen['arrivals'], { kind: 'burst' }>,
  ) {
    this.tx = new BurstTx(run);
    this.start = 0;
  }
  fire(): void {
    const { gen, a, start } = this;
    const ctx = this.run.ctx;
    if (start >= gen.until) return;
    for (let k = 0; k < a.count; k++) {
      const at = start + k * a.gap;
      if (at >= gen.until) break;
      ctx.schedule(at, this.tx);
    }
    if (a.period > 0) {
      this.start = start + a.period;
      ctx.schedule(this.start, this);
    }
  }
}

/** One generator's run: its streams, its live buffers, and (Poisson) its pending arrival. */
class TrafficRun implements Fireable {
  private readonly arrivals: Rng;
  private readonly sizes: Rng;
  private readonly holds: Rng;
  private readonly proc: number;
  private readonly live = objectArray<Held>();
  private readonly spare = objectArray<Held>();
  private seq = 0;
  private readonly drawData: SizeDrawer;
  private readonly drawOffsets: SizeDrawer;
  /** Time of the pending Poisson arrival. */
  private at: SimTimeNs = DOUBLE_FIELD;

  constructor(
    private readonly gen: BinderTrafficGen,
    readonly ctx: WorkloadCtx,
  ) {
    this.at = 0;
    this.arrivals = ctx.rng();
    this.sizes = ctx.rng(':size');
    this.holds = ctx.rng(':hold');
    this.proc = ctx.binderProc(gen.proc);
    ctx.binderLabels(this.proc, () => this.live.map((h) => [h.buffer, `${gen.name}#${h.seq}`] as const));
    this.drawData = sizeDrawer(gen.data);
    this.drawOffsets = sizeDrawer(gen.offsets);
  }

  /** Schedules the first events. */
  start(): void {
    const gen = this.gen;
    const a = gen.arrivals;
    switch (a.kind) {
      case 'poisson':
        this.nextArrival(gen.from);
        return;
      case 'burst': {
        const b = new BurstStart(this, gen, a);
        b.start = gen.from;
        this.ctx.schedule(gen.from, b);
        return;
      }
    }
  }

  /** The pending Poisson arrival: one transaction, then the next arrival. */
  fire(): void {
    this.transact();
    this.nextArrival(this.at);
  }

  private nextArrival(t: number): void {
    const gen = this.gen;
    if (gen.arrivals.kind !== 'poisson') return;
    const at = t + poissonInterarrivalNs(this.arrivals, gen.arrivals.rate);
    if (at >= gen.until) return;
    this.at = at;
    this.ctx.schedule(at, this);
  }

  /** One transaction: draw its sizes and hold time, allocate, schedule the free. */
  transact(): void {
    const gen = this.gen;
    const sizes = this.sizes;
    const n = this.seq++;
    const data = this.drawData.draw(sizes);
    const offsets = alignOffsets(this.drawOffsets.draw(sizes));
    const oneway = bernoulli(sizes, gen.oneway);
    const hold = drawTime(this.holds, gen.hold);
    const buffer = this.ctx.binderTransact(this.proc, data, offsets, oneway, gen.task);
    if (buffer === null) return;
    const live = this.live;
    let h = this.spare.pop();
    if (h === undefined) h = new Held(this, buffer, n, live.length);
    else {
      h.buffer = buffer;
      h.seq = n;
      h.slot = live.length;
    }
    live.push(h);
    this.ctx.schedule(this.ctx.now() + hold, h);
  }

  /** The receiver frees `h`'s buffer (BC_FREE_BUFFER) when its hold time is over. */
  release(h: Held): void {
    const live = this.live;
    const last = live.pop() as Held;
    if (last !== h) {
      live[h.slot] = last;
      last.slot = h.slot;
    }
    this.ctx.binderFree(this.proc, h.buffer, this.gen.task);
    this.spare.push(h);
  }
}

export function binderTraffic(gen: BinderTrafficGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      new TrafficRun(gen, ctx).start();
    },
  };
}
