/**
 * The shapes around `struct list_lru`: construction options, the walk budget, and what an
 * isolate callback receives in place of the kernel's `(struct list_lru_one *, spinlock_t *)`.
 */
import type { LruStatus } from './status.js';

/**
 * `set_shrinker_bit(memcg, nid, shrinker_id)`: tells memcg reclaim that this shrinker has
 * work for (memcg, nid). Called only for non-root memcgs and a shrinker id ≥ 0, as the kernel
 * function itself filters.
 */
export type SetShrinkerBit = (memcgIdx: number, nid: number, shrinkerId: number) => void;

/** Options of `new ListLru(...)`: `list_lru_init` / `list_lru_init_memcg(lru, shrinker)`. */
export interface ListLruOptions {
  /** `nr_node_ids`; nodes are 0..nrNodes-1 and all have normal memory. */
  readonly nrNodes: number;
  /** Per-memcg sublists. False maps every memcg to the node-level list (kmem id −1). */
  readonly memcgAware: boolean;
  /** `lru->shrinker_id`: the memcg-aware shrinker's id; −1 or absent means "no bit to set". */
  readonly shrinkerId?: number;
  /** Receives the kernel's `set_shrinker_bit` calls (list_lru_add 0→1, reparenting). */
  readonly setShrinkerBit?: SetShrinkerBit;
  /** Item slots to allocate up front (grows by doubling); default 1024. */
  readonly initialCapacity?: number;
  /**
   * Check every isolate callback against the walk protocol (REMOVED needs exactly one
   * list_lru_isolate, SKIP/ROTATE/RETRY/STOP none, the lock held on return, no lock drop
   * without a *_RETRY, the saved next item still listed, isolate only of the walked list's
   * items) and throw `LruBug` on a violation. These checks only catch a misbehaving callback,
   * so they are off by default (`ListLru.strictDefault`) and the tests turn them on.
   */
  readonly strict?: boolean;
}

/** `unsigned long *nr_to_walk`: the walkers decrement `nrToWalk` in place, once per callback. */
export interface LruWalkBudget {
  nrToWalk: number;
}

/**
 * What an isolate callback gets for the sublist being walked: the kernel's `list` argument
 * (`list_lru_isolate`, `list_lru_isolate_move`, `nr_items`) and its `lock` argument
 * (`spin_unlock` / `spin_lock` of the per-node lru lock).
 *
 * Lock protocol (≤ 6.12, which covers both kernel profiles the simulator models): the walker
 * holds the per-node lock across the whole walk of that node's sublist. A callback may drop
 * it, but must return with it held whatever the status. Dropping it invalidates the walk
 * position, so only LRU_REMOVED_RETRY, LRU_RETRY (restart from the head) and LRU_STOP (end)
 * may follow a drop; the model treats a drop followed by REMOVED/ROTATE/SKIP as a bug. While
 * the lock is held, `add`/`del`/`reparent`/walks on the same node would self-deadlock and
 * throw; with the lock dropped the callback may call them (binder frees the page that way).
 * The post-6.13 per-cgroup-lock protocol (callback returns unlocked for *_RETRY and STOP) is
 * not modelled.
 */
export interface LruIsolateHandle {
  /** The node of the sublist being walked. */
  readonly nid: number;
  /** The memcg kmem id of the sublist being walked; −1 for the node-level list. */
  readonly memcgIdx: number;
  /** `list->nr_items` of the sublist being walked, now. */
  readonly nrItems: number;
  /** Whether this callback currently holds the per-node lru lock. */
  readonly lockHeld: boolean;
  /** `list_lru_isolate`: unlink `item` (on this sublist) and decrement this sublist's count. */
  isolate(item: number): void;
  /**
   * `list_lru_isolate_move`: as `isolate`, then push `item` onto the caller's private
   * dispose list. The model forgets the item (`isListed` becomes false); the kernel would
   * still see it as non-empty until the owner takes it off its dispose list.
   */
  isolateMove(item: number, dispose: number[]): void;
  /** `spin_unlock(lock)`: drop the per-node lru lock inside the callback. */
  unlock(): void;
  /** `spin_lock(lock)`: retake it before returning. */
  lock(): void;
}

/**
 * `list_lru_walk_cb`: decides the fate of one item. Returning REMOVED or REMOVED_RETRY
 * requires exactly one `list.isolate`/`isolateMove` in the call; any other status requires
 * none.
 */
export type LruIsolate<A> = (item: number, list: LruIsolateHandle, arg: A) => LruStatus;

/** Where a listed item lives. */
export interface LruPlace {
  readonly nid: number;
  readonly memcgIdx: number;
}
