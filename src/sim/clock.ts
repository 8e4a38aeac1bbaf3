/**
 * The virtual clock of a run: simulated nanoseconds that only move forward.
 *
 * Time is a JS number of integer nanoseconds (exact up to 2^53 ns ≈ 104 days). Moving it
 * backwards is a bug in the caller (an event scheduled in the past), so it throws.
 */
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';

export class SimClock {
  #now: SimTimeNs = DOUBLE_FIELD;

  constructor() {
    this.#now = 0;
  }

  /** Current simulated time in ns. */
  get now(): SimTimeNs {
    return this.#now;
  }

  /** The same time as the bigint that trace lines take. */
  get nowBig(): bigint {
    return BigInt(this.#now);
  }

  /** Moves to `t` (≥ now). */
  advanceTo(t: SimTimeNs): void {
    if (!Number.isSafeInteger(t)) throw new RangeError(`SimClock: ${t} is not an integer nanosecond`);
    if (t < this.#now) throw new RangeError(`SimClock: cannot go back from ${this.#now} to ${t}`);
    this.#now = t;
  }

  /** Moves forward by `dt` ns (≥ 0). */
  advanceBy(dt: SimTimeNs): void {
    this.advanceTo(this.#now + dt);
  }
}
