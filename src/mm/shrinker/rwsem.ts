/**
 * `shrinker_rwsem` of the 6.1 era, as a small simulated object.
 *
 * Readers are shrink_slab walks (`down_read_trylock`); writers are register/unregister
 * (`down_write`), or a scenario that says "a mount is registering a shrinker right now".
 * The two facts reclaim observes:
 * - `tryRead()` fails while a writer holds the lock **or waits for it** (the rwsem's
 *   read-fail mask includes the waiters flag), so a failed trylock makes shrink_slab call no
 *   shrinker at all;
 * - `isContended()` (`rwsem_is_contended`: the wait list is not empty) makes a walk that
 *   already holds the read side stop after the current shrinker, returning `freed ?: 1`.
 *
 * A writer that cannot get the lock is queued with the operation it wants to perform; the
 * queue drains (FIFO, each op run "under" the write lock) when the last reader leaves or
 * the holding writer releases.
 */
export type WriteOutcome = 'done' | 'queued';

export class ShrinkerRwsem {
  private readers = 0;
  private writerHeld = false;
  private readonly waiting: (() => void)[] = [];

  /** `down_read_trylock`. */
  tryRead(): boolean {
    if (this.writerHeld || this.waiting.length > 0) return false;
    this.readers++;
    return true;
  }

  /** `up_read`: the last reader out lets queued writers run. */
  releaseRead(): void {
    if (this.readers === 0) throw new Error('shrinker_rwsem: up_read without down_read');
    this.readers--;
    this.drain();
  }

  /** `rwsem_is_contended`: some writer is waiting. */
  isContended(): boolean {
    return this.waiting.length > 0;
  }

  /** `down_write(); op(); up_write()` — now if the lock is free, else queued behind the holders. */
  write(op: () => void): WriteOutcome {
    if (this.readers === 0 && !this.writerHeld && this.waiting.length === 0) {
      this.writerHeld = true;
      try {
        op();
      } finally {
        this.writerHeld = false;
      }
      return 'done';
    }
    this.waiting.push(op);
    return 'queued';
  }

  /**
   * Scenario control: a writer (e.g. a mount in progress) takes the lock and keeps it until
   * `releaseWrite()`. Returns false if it would block (readers or another writer present).
   */
  holdWrite(): boolean {
    if (this.readers > 0 || this.writerHeld) return false;
    this.writerHeld = true;
    return true;
  }

  releaseWrite(): void {
    if (!this.writerHeld) throw new Error('shrinker_rwsem: up_write without down_write');
    this.writerHeld = false;
    this.drain();
  }

  /** Scenario control: a writer starts waiting (contention) with nothing to do once it gets in. */
  enqueueWriter(op: () => void = () => {}): WriteOutcome {
    this.waiting.push(op);
    this.drain();
    return this.waiting.includes(op) ? 'queued' : 'done';
  }

  get activeReaders(): number {
    return this.readers;
  }

  get writerHolds(): boolean {
    return this.writerHeld;
  }

  get waitingWriters(): number {
    return this.waiting.length;
  }

  private drain(): void {
    while (this.readers === 0 && !this.writerHeld && this.waiting.length > 0) {
      const op = this.waiting.shift()!;
      this.writerHeld = true;
      try {
        op();
      } finally {
        this.writerHeld = false;
      }
    }
  }
}
