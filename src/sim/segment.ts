/**
 * One segment of a reclaimer whose work is priced as it goes (kswapdTask.ts, allocTask.ts):
 * its steps run on the task's own meter until they end or a segment has cost something, so
 * segments that cost nothing run on at once and a priced one ends where another task may run.
 */
import { resetWork, type ReclaimWork } from '../mm/reclaim/cost.js';
import type { ReclaimSteps } from '../mm/shrinker/steps.js';

/** What a stepped reclaimer needs of the machine's cost meter. */
export interface MeterHost {
  /** Makes `m` the meter of the work that follows; returns the one it replaces. */
  swapMeter(m: ReclaimWork): ReclaimWork;
  /** Simulated ns the work on the current meter costs. */
  workNs(): number;
}

/** The outcome of one segment: where the steps stopped, and what the segment cost. */
export interface Segment<T> {
  result: IteratorResult<unknown, T>;
  ns: number;
}

/** Runs the next segment of `steps` on `work` (zeroed first), writing into `out`. */
export function runSegment<T>(host: MeterHost, steps: ReclaimSteps<T>, work: ReclaimWork, out: Segment<T>): Segment<T> {
  resetWork(work);
  const prev = host.swapMeter(work);
  try {
    do {
      out.result = steps.next();
      out.ns = host.workNs();
    } while (!out.result.done && out.ns === 0);
  } finally {
    host.swapMeter(prev);
  }
  return out;
}
