/**
 * The lock order of Binder's page reclaim, stated once.
 *
 * C driver (drivers/android/binder_alloc.c, 6.12):
 *   1. mm's mmap lock (rwsem)        — page installation takes it for write
 *   2. alloc->lock (spinlock)        — every alloc/free of a buffer holds it
 *   3. the list_lru's node lock      — list_lru_add/del/walk
 * The allocator takes them in this order (alloc lock → lru lock inside freelist add/del; the
 * mmap write lock is taken only after dropping the alloc lock, to install pages). The shrinker
 * callback is called by the list_lru walk with lock 3 already held, i.e. in reverse order, so
 * it may only *try* the others: mmget_not_zero, mmap_read_trylock, spin_trylock(alloc->lock).
 * Any failure skips the page (LRU_SKIP); success drops locks 2 and 3 before zapping the user
 * mapping, which is why it answers LRU_REMOVED_RETRY (the walk restarts from the head).
 *
 * Rust driver (drivers/android/binder/page_range.rs, 6.18+):
 *   0. the range's mm_lock (mutex)   — serialises page installation and zapping
 *   1. mm's mmap lock (rwsem)        — page installation takes it for *read*
 *   2. the range's spinlock          — page states
 *   3. the list_lru's node lock
 * Its shrinker callback tries, in order: mmget_not_zero, the mm_lock mutex, mmap_read_trylock,
 * the range spinlock; any failure is LRU_SKIP, success is LRU_REMOVED_RETRY.
 */

/** Why the C driver's isolate callback skipped a page, in the order the checks run. */
export const C_SKIP_REASONS = ['mm_dead', 'mmap_lock', 'alloc_lock', 'page_freed', 'invalid_vma'] as const;
export type CSkipReason = (typeof C_SKIP_REASONS)[number];

/** Why the Rust driver's isolate callback skipped a page, in the order the checks run. */
export const RUST_SKIP_REASONS = ['mm_dead', 'mm_mutex', 'mmap_lock', 'range_lock'] as const;
export type RustSkipReason = (typeof RUST_SKIP_REASONS)[number];

export type SkipReason = CSkipReason | RustSkipReason;

/** The locks a scenario can make a task hold, per driver. */
export type BinderLockName = 'mmap' | 'alloc' | 'mm_mutex';
