/**
 * `shrinker_mutex` of the 6.7+ (6.12) era. Reclaim never takes it (the walk is lockless:
 * RCU + refcount), so it only orders writers: shrinker_register's list insertion and
 * shrinker_free's unlink. A scenario can hold it to open the kernel's real window in which
 * a freed shrinker is still on the list with refcount 0 (walkers skip it), or a registering
 * shrinker is not on the list yet.
 */
import type { WriteOutcome } from './rwsem.js';

export class ShrinkerMutex {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** `mutex_lock(); op(); mutex_unlock()` — now, or queued until the holder releases. */
  lock(op: () => void): WriteOutcome {
    if (!this.held && this.waiting.length === 0) {
      this.held = true;
      try {
        op();
      } finally {
        this.held = false;
      }
      return 'done';
    }
    this.waiting.push(op);
    return 'queued';
  }

  /** Scenario control: someone holds the mutex until `release()`. False if already held. */
  hold(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  release(): void {
    if (!this.held) throw new Error('shrinker_mutex: unlock without lock');
    this.held = false;
    while (!this.held && this.waiting.length > 0) {
      const op = this.waiting.shift()!;
      this.held = true;
      try {
        op();
      } finally {
        this.held = false;
      }
    }
  }

  get isLocked(): boolean {
    return this.held;
  }

  get waiters(): number {
    return this.waiting.length;
  }
}
