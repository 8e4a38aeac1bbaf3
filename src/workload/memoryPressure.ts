/**
 * Memory pressure: page cache or anon grows at a rate, in chunks, through the page allocator,
 * so free memory falls to the watermarks the way it does on a device: below low kswapd is
 * woken; below min the allocating task reclaims directly in its own gfp context (GFP_NOFS for
 * a filesystem writer, say). Optionally pages are released at another rate. An allocation that
 * fails after reclaim with nothing killed (no OOM kill possible: GFP_NOFS, __GFP_NORETRY …)
 * makes the app give back half of what it allocated. Once the OOM killer chose the task
 * (`killed`), the generator stops: its pages went back with it. A direct reclaim takes
 * simulated time (`allocateTimed`: kswapd, Binder traffic and other tasks run meanwhile) and
 * the task's next allocation comes after it completed. Streams: `<name>` (allocations),
 * `<name>:release`.
 *
 * The pending allocation and the pending release are each one object, rescheduled after each
 * event (classes, not closures: a run makes no function objects).
 */
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';
import { poissonInterarrivalNs, type Rng } from '../sim/rng.js';
import type { MemoryPressureGen } from '../scenario/types.js';
import type { AllocWaiter, Fireable, Generator, VerbResult, WorkloadCtx } from './types.js';

/** What the task holds, shared by its allocations and its releases. */
class Holding {
  held = 0;
  constructor(
    readonly gen: MemoryPressureGen,
    readonly ctx: WorkloadCtx,
    readonly chunk: number,
  ) {}
}

/**
 * One pending event of the task, rescheduled after each: Poisson arrivals of chunks at `rate`
 * pages per second, until the generator's window ends.
 */
abstract class Pending implements Fireable {
  protected at: SimTimeNs = DOUBLE_FIELD;
  constructor(
    protected readonly h: Holding,
    private readonly rng: Rng,
    private readonly rate: number,
  ) {
    this.at = 0;
  }
  abstract fire(): void;
  next(t: number): void {
    const { gen, ctx, chunk } = this.h;
    const at = t + poissonInterarrivalNs(this.rng, this.rate / chunk);
    if (at >= gen.until) return;
    this.at = at;
    ctx.schedule(at, this);
  }
}

/** The task's one pending allocation (a page fault, a file write). */
class Fault extends Pending implements AllocWaiter {
  fire(): void {
    const { gen, ctx, chunk } = this.h;
    ctx.allocateTimed(gen.pool, chunk, gen.gfp.mask, gen.task, gen.memcg, this);
  }
  /** The allocation is over (its direct reclaim took `stallNs` of simulated time). */
  allocated(r: VerbResult): void {
    const { gen, ctx, chunk } = this.h;
    // The OOM killer chose this task: it is gone, its pages went back with it.
    if (!r.ok && r.error === 'killed') return;
    if (r.ok) this.h.held += chunk;
    else if (r.error === 'oom') this.h.held -= ctx.release(gen.pool, Math.ceil(this.h.held / 2), gen.task);
    // A direct reclaim stalled the task: its next fault comes after the allocation
    // completed (now), not at the instant it started.
    this.next(this.at + (r.stallNs ?? 0));
  }
}

/** The task's one pending release (files deleted, memory freed). */
class Drop extends Pending {
  fire(): void {
    const { gen, ctx, chunk } = this.h;
    this.h.held -= ctx.release(gen.pool, chunk, gen.task);
    if (this.h.held < 0) this.h.held = 0;
    this.next(this.at);
  }
}

export function memoryPressure(gen: MemoryPressureGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      const h = new Holding(gen, ctx, Math.max(1, gen.chunk));
      if (gen.rate > 0) new Fault(h, ctx.rng(), gen.rate).next(gen.from);
      if (gen.release > 0) new Drop(h, ctx.rng(':release'), gen.release).next(gen.from);
    },
  };
}
