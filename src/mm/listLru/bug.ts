/**
 * A broken list_lru contract: what the kernel would answer with `BUG()`, a failed
 * `assert_spin_locked`, list corruption or a self-deadlock. These are programming errors in
 * the simulator's own callers (an isolate callback, an owner), never user input and never
 * contention, so they are exceptions and not result values.
 */
export class LruBug extends Error {
  override readonly name = 'LruBug';
}

/** Builds the error with the `list_lru:` prefix every message carries. */
export const lruBug = (what: string): LruBug => new LruBug(`list_lru: ${what}`);
