/** Shared helpers for the list_lru tests: callbacks scripted per item or per call. */
import {
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  isRemoved,
  type LruIsolate,
  type LruStatus,
} from '../../../src/mm/listLru/index.js';

/** A callback that returns `pick(item, callIndex)` and isolates when that says REMOVED*. */
export function scripted(
  pick: (item: number, call: number) => LruStatus,
  opts: { dropOnRetry?: boolean } = {},
): { cb: LruIsolate<null>; visits: number[] } {
  const visits: number[] = [];
  const cb: LruIsolate<null> = (item, list) => {
    const s = pick(item, visits.length);
    visits.push(item);
    if (isRemoved(s)) list.isolate(item);
    if (opts.dropOnRetry && (s === LRU_REMOVED_RETRY || s === 4 /* LRU_RETRY */)) {
      list.unlock();
      list.lock();
    }
    return s;
  };
  return { cb, visits };
}

/** Removes everything it visits. */
export const removeAll = (): ReturnType<typeof scripted> => scripted(() => LRU_REMOVED);
