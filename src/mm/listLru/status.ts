/**
 * `enum lru_status` (include/linux/list_lru.h): what an isolate callback tells the walker.
 *
 * Numbers, in the kernel's declaration order, so the walker's switch stays a jump table on
 * the hot path; the literal-type union makes that switch exhaustive at compile time.
 */

export const LruStatus = {
  /** The callback took the item off the list (`list_lru_isolate`); the walker fixes the node total. */
  LRU_REMOVED: 0,
  /** As REMOVED, but the callback dropped and retook the lru lock: the walk restarts from the head. */
  LRU_REMOVED_RETRY: 1,
  /** The item was recently used: move it to the tail for a second chance. */
  LRU_ROTATE: 2,
  /** The item cannot be taken now (a trylock failed): leave it where it is. */
  LRU_SKIP: 3,
  /** Not freeable; the callback may have dropped and retaken the lock: restart from the head. */
  LRU_RETRY: 4,
  /** Stop the walk now (added with the zswap shrinker, ≈6.8; 6.1 has only the first five). */
  LRU_STOP: 5,
} as const;

export type LruStatus = (typeof LruStatus)[keyof typeof LruStatus];

export const LRU_REMOVED = LruStatus.LRU_REMOVED;
export const LRU_REMOVED_RETRY = LruStatus.LRU_REMOVED_RETRY;
export const LRU_ROTATE = LruStatus.LRU_ROTATE;
export const LRU_SKIP = LruStatus.LRU_SKIP;
export const LRU_RETRY = LruStatus.LRU_RETRY;
export const LRU_STOP = LruStatus.LRU_STOP;

/** Every status, in declaration order (for property tests and tables). */
export const LRU_STATUSES: readonly LruStatus[] = [
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_RETRY,
  LRU_STOP,
];

const NAMES = ['LRU_REMOVED', 'LRU_REMOVED_RETRY', 'LRU_ROTATE', 'LRU_SKIP', 'LRU_RETRY', 'LRU_STOP'] as const;

/** The kernel spelling of a status, for messages and reports. */
export function lruStatusName(s: LruStatus): (typeof NAMES)[number] {
  const n = NAMES[s];
  if (n === undefined) throw new RangeError(`not an lru_status: ${String(s)}`);
  return n;
}

/** True for the two statuses that count as isolated in a walk's return value. */
export const isRemoved = (s: LruStatus): boolean => s === LRU_REMOVED || s === LRU_REMOVED_RETRY;
