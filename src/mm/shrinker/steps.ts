/**
 * Reclaim work that simulated time may pass through: a generator that yields at each point
 * where the kernel's task could be preempted or where another CPU's reclaimer could act (after
 * a shrinker's batch, after an LRU pass), and returns the work's result at the end.
 *
 * A caller that prices time (kswapd's task on the event loop) resumes the generator at
 * `now + cost of the work since the last yield`; every other caller runs it to its end at once
 * (`runSteps`), which is exactly the old atomic behaviour.
 */

/** What the work just before a yield did in shrinker scan calls (for the cost meter). */
export interface ReclaimTick {
  /** scan_objects calls made since the last yield (a STOP call included). */
  readonly scanCalls: number;
  /** Σ nr_scanned of those calls. */
  readonly scanned: number;
}

/** A yield that did no shrinker scanning (a point between an LRU pass and shrink_slab). */
export const NO_SCAN_TICK: ReclaimTick = { scanCalls: 0, scanned: 0 };

export type ReclaimSteps<T> = Generator<ReclaimTick, T, void>;

/** Runs the steps to their end at once (no simulated time passes) and returns the result. */
export function runSteps<T>(g: ReclaimSteps<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}
