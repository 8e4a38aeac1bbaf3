/** list_lru: the generic per-node, per-memcg LRU that list-based shrinkers walk. */
export { ListLru, memcgIdxOf } from './listLru.js';
export {
  LruStatus,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_RETRY,
  LRU_STOP,
  LRU_STATUSES,
  lruStatusName,
  isRemoved,
} from './status.js';
export type { ListLruOptions, LruIsolate, LruIsolateHandle, LruPlace, LruWalkBudget, SetShrinkerBit } from './types.js';
export { LruBug } from './bug.js';
