/**
 * The event loop: pending events on the virtual clock, run in (time, scheduling order).
 *
 * An event is a closure or an object with `fire()` (the hot paths schedule typed objects that
 * carry their own data instead of a fresh closure per event). The loop owns time: `runUntil`
 * pops every event due by `t`, moves the clock to it and fires it; nothing else moves the
 * clock. It counts the events it pops against the run's `events` limit (one compare each).
 */
import { RunLimitError } from '../util/limits.js';
import type { SimTimeNs } from '../util/simTime.js';
import { SimClock } from './clock.js';
import { EventQueue } from './eventQueue.js';

/** An event that carries its own data. */
export interface Fireable {
  fire(): void;
}

export type LoopAction = (() => void) | Fireable;

export interface LoopOptions {
  /** Where the run ends (progress is reported as a fraction of it). */
  readonly endNs: SimTimeNs;
  /** Events the loop may pop before it stops the run with a RunLimitError. */
  readonly maxEvents: number;
  readonly onProgress?: (fraction: number) => void;
}

export class EventLoop {
  readonly clock = new SimClock();
  private readonly queue = new EventQueue<LoopAction>();
  private popped = 0;
  private readonly maxEvents: number;
  private readonly progressStep: number;
  private nextProgress: number;

  constructor(private readonly opts: LoopOptions) {
    this.maxEvents = opts.maxEvents;
    this.progressStep = Math.max(1, Math.floor(opts.endNs / 100));
    this.nextProgress = this.progressStep;
  }

  get now(): SimTimeNs {
    return this.clock.now;
  }

  /** Events popped so far. */
  get eventsRun(): number {
    return this.popped;
  }

  /** Schedules `a` at `t` (≥ now); events at one time fire in scheduling order. */
  at(t: SimTimeNs, a: LoopAction): void {
    this.queue.push(t, a);
  }

  /** Fires every event due by `t`, then moves the clock to `t` (never backwards). */
  runUntil(t: SimTimeNs): void {
    // In batches: a run's events pass through one call of `runBatch` per BATCH events rather
    // than one loop that lasts the whole run. V8 optimizes a function that is called often
    // the ordinary way, and again after a deoptimization (a new kind of event showing up
    // mid-run); a single long loop could only be replaced on the stack (OSR), and after its
    // last deoptimization it sometimes ran unoptimized for the rest of the run.
    while (this.runBatch(t)) {
      // more events are due by `t`
    }
    const clock = this.clock;
    clock.advanceTo(Math.max(t, clock.now));
  }

  /** Fires up to BATCH events due by `t`; true if more may be due. */
  private runBatch(t: SimTimeNs): boolean {
    const q = this.queue;
    const clock = this.clock;
    const onProgress = this.opts.onProgress;
    let n = 0;
    for (let at = q.nextTime(); at <= t; at = q.nextTime()) {
      if (n++ === BATCH) return true;
      const a = q.popPayload();
      if (++this.popped > this.maxEvents) throw new RunLimitError('events', this.maxEvents, `the run (at ${simSeconds(at)} s simulated)`);
      clock.advanceTo(at);
      if (typeof a === 'function') a();
      else a.fire();
      if (onProgress && clock.now >= this.nextProgress) {
        onProgress(Math.min(1, clock.now / Math.max(1, this.opts.endNs)));
        this.nextProgress = clock.now + this.progressStep;
      }
    }
    return false;
  }
}

/** Events per call of `EventLoop.runBatch`. */
const BATCH = 256;

/** `1.234` for 1,234,000,000 ns: the time a limit message names. */
export const simSeconds = (ns: SimTimeNs): string => (ns / 1e9).toFixed(3);
