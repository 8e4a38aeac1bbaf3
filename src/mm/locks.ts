/**
 * Simulated kernel locks, held by simulated tasks for simulated durations.
 *
 * Why: a shrinker's trylock fails only because some task holds the lock at that moment. The
 * scenario says who holds what and for how long (`lock: {proc, lock, hold}`), so contention
 * is a consequence of the scenario, never a coin flip inside the callback. A lock here is a
 * set of holds `[fromNs, untilNs)`; a trylock at time t fails when a conflicting hold covers t.
 *
 * Model steps themselves are instantaneous: when the model needs a lock that a scripted task
 * holds (an allocation meeting a held alloc lock), it waits until the hold ends; the wait is
 * reported, the state change is applied at once.
 */

import type { SimTimeNs } from '../util/simTime.js';

export type { SimTimeNs };

/** A source of the current simulated time for locks (the run loop's `SimClock` owns the real one). */
export interface LockClock {
  nowNs(): SimTimeNs;
}

/** A clock a caller moves by hand (tests, and the Binder steps' `advance`). */
export class ManualClock implements LockClock {
  constructor(private t: SimTimeNs = 0) {}
  nowNs(): SimTimeNs {
    return this.t;
  }
  /** Moves time forward; refuses to go backwards (determinism: time is monotonic). */
  advance(byNs: SimTimeNs): SimTimeNs {
    if (!(byNs >= 0)) throw new RangeError(`clock: cannot advance by ${byNs} ns`);
    this.t += byNs;
    return this.t;
  }
  set(t: SimTimeNs): void {
    if (t < this.t) throw new RangeError(`clock: time ${t} is before ${this.t}`);
    this.t = t;
  }
}

/** What kind of kernel lock this is; decides which holds conflict. */
export type LockKind = 'spinlock' | 'mutex' | 'rwsem';
/** `read`/`write` for an rwsem; `exclusive` for a spinlock or mutex. */
export type HoldMode = 'read' | 'write' | 'exclusive';

export interface LockHold {
  readonly task: string;
  readonly mode: HoldMode;
  readonly fromNs: SimTimeNs;
  readonly untilNs: SimTimeNs;
}

/** Result of a trylock: contention is a value, never an exception. */
export type TryLockResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly heldBy: LockHold };

/** The success of every trylock that meets no hold, made once (a read-only value). */
const UNCONTENDED: TryLockResult = Object.freeze({ ok: true });

export class SimLock {
  private holds: LockHold[] = [];
  /** Trylock attempts that failed, for reports. */
  contended = 0;

  constructor(
    readonly name: string,
    readonly kind: LockKind,
  ) {}

  /** Records that `task` holds the lock in `mode` from `fromNs` for `durationNs`. */
  hold(task: string, mode: HoldMode, fromNs: SimTimeNs, durationNs: SimTimeNs): LockHold {
    if (this.kind === 'rwsem' ? mode === 'exclusive' : mode !== 'exclusive') {
      throw new RangeError(`${this.name}: a ${this.kind} cannot be held in ${mode} mode`);
    }
    if (!(durationNs >= 0)) throw new RangeError(`${this.name}: bad hold duration ${durationNs}`);
    const h: LockHold = { task, mode, fromNs, untilNs: fromNs + durationNs };
    this.holds.push(h);
    return h;
  }

  /**
   * `task` releases the lock at `t`, before its hold would have ended: every hold of `task`
   * active at `t` now ends at `t`. Returns how many holds were cut short (0: `task` held
   * nothing at `t`, which the caller reports as an error value).
   */
  release(task: string, t: SimTimeNs): number {
    let n = 0;
    this.holds = this.holds.map((h) => {
      if (h.task !== task || !(h.fromNs <= t && t < h.untilNs)) return h;
      n++;
      return { ...h, untilNs: t };
    });
    this.prune(t);
    return n;
  }

  /** Holds active at `t` (a hold covers `[fromNs, untilNs)`). */
  activeAt(t: SimTimeNs): LockHold[] {
    this.prune(t);
    return this.holds.filter((h) => h.fromNs <= t && t < h.untilNs);
  }

  /** Drops holds that ended before `t` (they can never conflict again). */
  private prune(t: SimTimeNs): void {
    if (this.holds.length > 0 && this.holds.some((h) => h.untilNs <= t)) {
      this.holds = this.holds.filter((h) => h.untilNs > t);
    }
  }

  private conflicting(t: SimTimeNs, mode: HoldMode): LockHold | undefined {
    return this.activeAt(t).find((h) => !(mode === 'read' && h.mode === 'read'));
  }

  /** `spin_trylock` / `mutex_trylock` / `down_write_trylock`. */
  tryLock(t: SimTimeNs): TryLockResult {
    if (this.holds.length === 0) return UNCONTENDED;
    return this.attempt(t, this.kind === 'rwsem' ? 'write' : 'exclusive');
  }

  /** `down_read_trylock` (`mmap_read_trylock`): fails only against a writer. */
  tryRead(t: SimTimeNs): TryLockResult {
    if (this.kind !== 'rwsem') throw new RangeError(`${this.name}: read trylock on a ${this.kind}`);
    if (this.holds.length === 0) return UNCONTENDED;
    return this.attempt(t, 'read');
  }

  private attempt(t: SimTimeNs, mode: HoldMode): TryLockResult {
    const c = this.conflicting(t, mode);
    if (c === undefined) return { ok: true };
    this.contended++;
    return { ok: false, heldBy: c };
  }

  /**
   * How long a blocking acquisition at `t` in `mode` would wait: until every conflicting
   * hold has ended (holds that start later do not delay it).
   */
  waitNs(t: SimTimeNs, mode: HoldMode): SimTimeNs {
    // Nobody holds it (the common case): no list is filtered, and the check is small enough
    // to be inlined where the allocator takes its locks.
    return this.holds.length === 0 ? 0 : this.waitHeld(t, mode);
  }

  private waitHeld(t: SimTimeNs, mode: HoldMode): SimTimeNs {
    let until = t;
    for (const h of this.activeAt(t)) {
      if (mode === 'read' && h.mode === 'read') continue;
      if (h.untilNs > until) until = h.untilNs;
    }
    return until - t;
  }
}
