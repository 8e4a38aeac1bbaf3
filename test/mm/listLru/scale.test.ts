/**
 * Scale: later scenarios hold millions of Binder pages on one list_lru. This proves the
 * footprint (typed arrays, ~10 bytes per item slot, no JS object per item); it measures
 * memory only, never time.
 */
import { describe, expect, it } from 'vitest';
import { ListLru, LRU_REMOVED, LRU_SKIP } from '../../../src/mm/listLru/index.js';

const N = 2_000_000;

describe('list_lru at 2,000,000 items', () => {
  it('holds them in typed arrays: ≤ 16 bytes per item, and the JS heap does not grow per item', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    for (let i = 0; i < N; i++) lru.add(i, i & 1, (i & 2) === 0 ? -1 : 7);
    const heapAfter = process.memoryUsage().heapUsed;

    expect(lru.count()).toBe(N);
    expect(lru.countNode(0)).toBe(N / 2);
    expect(lru.countOne(1, 7)).toBe(N / 4);
    // Capacity doubled from 1024 to 2^21; 3 Int32 slots each.
    expect(lru.capacity).toBe(2 ** 21);
    expect(lru.memoryBytes() / N).toBeLessThan(16);
    // An object per item would cost ≥ 32 bytes × 2M = 64 MB of heap; typed arrays live
    // outside it. The bound leaves room for the test runner's own allocations.
    expect(heapAfter - heapBefore).toBeLessThan(24 * 1024 * 1024);

    // The lists are intact end to end: head, tail and order of one sublist.
    const seen: number[] = [];
    let n = 0;
    lru.forEachOnList(1, 7, (item) => {
      if (n < 3) seen.push(item);
      n++;
    });
    expect(n).toBe(N / 4);
    expect(seen).toEqual([3, 7, 11]);

    // One walk over everything: half skipped, half removed.
    const isolated = lru.walk(
      (item, list) => {
        if (item % 4 < 2) return LRU_SKIP;
        list.isolate(item);
        return LRU_REMOVED;
      },
      null,
      N,
    );
    expect(isolated).toBe(N / 2);
    expect(lru.count()).toBe(N / 2);
    expect(lru.countOne(1, 7)).toBe(0);
    expect(lru.countOne(1, -1)).toBe(N / 4);
    expect(lru.isListed(N - 1)).toBe(false);
    expect(lru.isListed(N - 3)).toBe(true);
  });
});
