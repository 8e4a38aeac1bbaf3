/**
 * The walker, status by status, with sequences worked out by hand from __list_lru_walk_one:
 * charge nr_to_walk, call, then act on the status; the next item is the one that followed
 * the visited item before the callback ran ("safe" iteration).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ListLru,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_STOP,
  LruBug,
  type LruStatus,
} from '../../../src/mm/listLru/index.js';
import { ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { removeAll, scripted } from './helpers.js';

/** The walk tests check the callback protocol too, so their lrus are strict. */
function lruWith(items: number[], nid = 0, memcg = -1, nrNodes = 1, strict = true): ListLru {
  const lru = new ListLru({ nrNodes, memcgAware: true, strict });
  for (const i of items) lru.add(i, nid, memcg);
  return lru;
}

describe('list_lru walk: each status', () => {
  it('LRU_SKIP leaves items in place; the budget bounds the callbacks', () => {
    const lru = lruWith([0, 1, 2, 3, 4]);
    const { cb, visits } = scripted(() => LRU_SKIP);
    const budget = { nrToWalk: 3 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(0);
    expect(visits).toEqual([0, 1, 2]);
    expect(budget.nrToWalk).toBe(0);
    expect(lru.listItems(0, -1)).toEqual([0, 1, 2, 3, 4]);
  });

  it('LRU_REMOVED isolates: sublist and node counts drop by one each', () => {
    const lru = lruWith([0, 1, 2, 3]);
    const { cb, visits } = scripted((item) => (item % 2 === 0 ? LRU_REMOVED : LRU_SKIP));
    const budget = { nrToWalk: 10 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(2);
    expect(visits).toEqual([0, 1, 2, 3]);
    expect(budget.nrToWalk).toBe(6);
    expect(lru.listItems(0, -1)).toEqual([1, 3]);
    expect(lru.countOne(0, -1)).toBe(2);
    expect(lru.countNode(0)).toBe(2);
  });

  it('LRU_ROTATE moves to the tail, and the same walk meets the item again', () => {
    // [0,1,2] all ROTATE, budget 5: 0→[1,2,0], 1→[2,0,1], 2→[0,1,2], 0→[1,2,0], 1→[2,0,1].
    const lru = lruWith([0, 1, 2]);
    const { cb, visits } = scripted(() => LRU_ROTATE);
    const budget = { nrToWalk: 5 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(0);
    expect(visits).toEqual([0, 1, 2, 0, 1]);
    expect(lru.listItems(0, -1)).toEqual([2, 0, 1]);
    expect(budget.nrToWalk).toBe(0);
  });

  it('LRU_ROTATE of the first item, then SKIP: the rotated item is met twice', () => {
    const lru = lruWith([0, 1, 2]);
    const { cb, visits } = scripted((item, call) => (call === 0 ? LRU_ROTATE : LRU_SKIP));
    const budget = { nrToWalk: 10 };
    lru.walkOne(0, -1, cb, null, budget);
    expect(visits).toEqual([0, 1, 2, 0]);
    expect(lru.listItems(0, -1)).toEqual([1, 2, 0]);
    expect(budget.nrToWalk).toBe(6);
  });

  it('LRU_ROTATE of the last item ends the walk (its saved next is the head)', () => {
    const lru = lruWith([7]);
    const { cb, visits } = scripted(() => LRU_ROTATE);
    const budget = { nrToWalk: 10 };
    lru.walkOne(0, -1, cb, null, budget);
    expect(visits).toEqual([7]);
    expect(budget.nrToWalk).toBe(9);
  });

  it('LRU_RETRY restarts from the head and is charged every time', () => {
    // Item 0 says RETRY three times, then everything is REMOVED: 0,0,0,0,1 with budget 5.
    const lru = lruWith([0, 1, 2]);
    const { cb, visits } = scripted((_item, call) => (call < 3 ? LRU_RETRY : LRU_REMOVED), { dropOnRetry: true });
    const budget = { nrToWalk: 5 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(2);
    expect(visits).toEqual([0, 0, 0, 0, 1]);
    expect(budget.nrToWalk).toBe(0);
    expect(lru.listItems(0, -1)).toEqual([2]);
    expect(lru.countNode(0)).toBe(1);
  });

  it('a list of endless LRU_RETRY cannot livelock: exactly nr_to_walk callbacks', () => {
    const lru = lruWith([0, 1]);
    const { cb, visits } = scripted(() => LRU_RETRY);
    expect(lru.walkOne(0, -1, cb, null, { nrToWalk: 7 })).toBe(0);
    expect(visits).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('LRU_REMOVED_RETRY restarts from the head: skipped head items are charged again', () => {
    // Binder's pattern: item 0's trylock fails (SKIP), the others are freed with the lock
    // dropped (REMOVED_RETRY). Visits: 0,1 | 0,2 | 0,3 | 0 = 7 callbacks, 3 isolated.
    const lru = lruWith([0, 1, 2, 3]);
    const { cb, visits } = scripted((item) => (item === 0 ? LRU_SKIP : LRU_REMOVED_RETRY), { dropOnRetry: true });
    const budget = { nrToWalk: 10 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(3);
    expect(visits).toEqual([0, 1, 0, 2, 0, 3, 0]);
    expect(budget.nrToWalk).toBe(3);
    expect(lru.listItems(0, -1)).toEqual([0]);
    expect(lru.countNode(0)).toBe(1);
  });

  it('LRU_STOP ends the walk at once and keeps what was isolated', () => {
    const lru = lruWith([0, 1, 2, 3]);
    const { cb, visits } = scripted((item) => (item === 0 ? LRU_REMOVED : LRU_STOP));
    const budget = { nrToWalk: 10 };
    expect(lru.walkOne(0, -1, cb, null, budget)).toBe(1);
    expect(visits).toEqual([0, 1]);
    expect(budget.nrToWalk).toBe(8);
    expect(lru.listItems(0, -1)).toEqual([1, 2, 3]);
  });

  it('a zero budget calls nothing', () => {
    const lru = lruWith([0, 1]);
    const { cb, visits } = removeAll();
    expect(lru.walkOne(0, -1, cb, null, { nrToWalk: 0 })).toBe(0);
    expect(visits).toEqual([]);
    expect(lru.count()).toBe(2);
  });

  it('walking a memcg that has no list yet returns 0 and charges nothing', () => {
    const lru = lruWith([0]);
    const { cb, visits } = removeAll();
    const budget = { nrToWalk: 4 };
    expect(lru.walkOne(0, 9, cb, null, budget)).toBe(0);
    expect(visits).toEqual([]);
    expect(budget.nrToWalk).toBe(4);
  });

  it('isolateMove hands the item to the caller’s dispose list', () => {
    const lru = lruWith([4, 5, 6]);
    const dispose: number[] = [];
    const n = lru.walkOne(
      0,
      -1,
      (item, list, d: number[]) => {
        if (item === 5) return LRU_SKIP;
        list.isolateMove(item, d);
        return LRU_REMOVED;
      },
      dispose,
      { nrToWalk: 100 },
    );
    expect(n).toBe(2);
    expect(dispose).toEqual([4, 6]);
    expect(lru.isListed(4)).toBe(false);
    expect(lru.listItems(0, -1)).toEqual([5]);
  });

  it('the handle reports nid, memcg, nr_items and the lock', () => {
    const lru = lruWith([1, 2], 1, 3, 2);
    const seen: unknown[] = [];
    lru.walkOne(
      1,
      3,
      (item, list) => {
        seen.push([list.nid, list.memcgIdx, list.nrItems, list.lockHeld, lru.lruLockHeld(1), lru.lruLockHeld(0)]);
        list.isolate(item);
        seen.push(list.nrItems);
        return LRU_REMOVED;
      },
      null,
      { nrToWalk: 1 },
    );
    expect(seen).toEqual([[1, 3, 2, true, true, false], 1]);
    expect(lru.lruLockHeld(1)).toBe(false);
  });
});

describe('list_lru walk: node, memcg and whole-lru walks', () => {
  function build(): ListLru {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true, strict: true });
    lru.add(0, 0, -1);
    lru.add(1, 0, -1);
    lru.add(10, 0, 2);
    lru.add(11, 0, 2);
    lru.add(20, 0, 0);
    lru.add(30, 1, -1);
    lru.add(40, 1, 0);
    return lru;
  }

  it('walk goes node-level list, then memcgs in kmem id order, node by node', () => {
    const lru = build();
    const { cb, visits } = removeAll();
    expect(lru.walk(cb, null, 100)).toBe(7);
    expect(visits).toEqual([0, 1, 20, 10, 11, 30, 40]);
    expect(lru.count()).toBe(0);
  });

  it('walk stops where the by-value budget runs out', () => {
    const lru = build();
    const { cb, visits } = removeAll();
    expect(lru.walk(cb, null, 4)).toBe(4);
    expect(visits).toEqual([0, 1, 20, 10]);
    expect(lru.countNode(0)).toBe(1);
    expect(lru.countNode(1)).toBe(2);
  });

  it('walkNode skips the memcg lists when the node-level list used the budget', () => {
    const lru = build();
    const { cb, visits } = scripted(() => LRU_SKIP);
    const budget = { nrToWalk: 2 };
    lru.walkNode(0, cb, null, budget);
    expect(visits).toEqual([0, 1]);
    expect(budget.nrToWalk).toBe(0);
  });

  it('LRU_STOP ends only the current sublist; walkNode moves on to the next memcg', () => {
    const lru = build();
    const { cb, visits } = scripted((item) => (item === 0 ? LRU_STOP : LRU_SKIP));
    const budget = { nrToWalk: 100 };
    lru.walkNode(0, cb, null, budget);
    expect(visits).toEqual([0, 20, 10, 11]);
    expect(budget.nrToWalk).toBe(96);
  });

  it('shrinkWalk walks sc.nid/sc.memcg, decrements sc.nrToScan, leaves sc.nrScanned', () => {
    const lru = build();
    const sc = new ShrinkControl(GFP_KERNEL, 0, { id: 2, ino: 1000, isRoot: false });
    sc.nrToScan = 1;
    sc.nrScanned = 1;
    const { cb, visits } = removeAll();
    expect(lru.shrinkWalk(sc, cb, null)).toBe(1);
    expect(visits).toEqual([10]);
    expect(sc.nrToScan).toBe(0);
    expect(sc.nrScanned).toBe(1);
    // Root memcg: the node-level list.
    const root = new ShrinkControl(GFP_KERNEL, 1, { id: 0, ino: 1, isRoot: true });
    root.nrToScan = 128;
    expect(lru.shrinkWalk(root, cb, null)).toBe(1);
    expect(visits).toEqual([10, 30]);
    expect(root.nrToScan).toBe(127);
  });
});

describe('list_lru walk: lock protocol and contract violations (BUG)', () => {
  it('an unknown status is a BUG', () => {
    const lru = lruWith([0]);
    expect(() => lru.walkOne(0, -1, () => 42 as LruStatus, null, { nrToWalk: 1 })).toThrow(/unknown lru_status 42/);
    expect(lru.lruLockHeld(0)).toBe(false); // released on the way out
  });

  it('REMOVED without list_lru_isolate, or SKIP after it, corrupts counts: BUG', () => {
    expect(() => lruWith([0]).walkOne(0, -1, () => LRU_REMOVED, null, { nrToWalk: 1 })).toThrow(LruBug);
    expect(() =>
      lruWith([0]).walkOne(
        0,
        -1,
        (i, l) => {
          l.isolate(i);
          return LRU_SKIP;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(LruBug);
  });

  it('returning without the lock held is a BUG, whatever the status', () => {
    const lru = lruWith([0, 1]);
    expect(() =>
      lru.walkOne(
        0,
        -1,
        (i, l) => {
          l.isolate(i);
          l.unlock();
          return LRU_REMOVED_RETRY;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/without the lru lock/);
  });

  it('dropping the lock and answering SKIP/ROTATE/REMOVED is a BUG (position invalid)', () => {
    for (const s of [LRU_SKIP, LRU_ROTATE] as const) {
      const lru = lruWith([0, 1]);
      expect(() =>
        lru.walkOne(
          0,
          -1,
          (_i, l) => {
            l.unlock();
            l.lock();
            return s;
          },
          null,
          { nrToWalk: 1 },
        ),
      ).toThrow(/after dropping the lru lock/);
    }
  });

  it('add/del on the walked node while the lock is held would self-deadlock: BUG', () => {
    const lru = lruWith([0, 1], 0, -1, 2);
    expect(() =>
      lru.walkOne(
        0,
        -1,
        () => {
          lru.add(9, 0, -1);
          return LRU_SKIP;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/deadlock/);
    // Another node's lock is free.
    lru.walkOne(
      0,
      -1,
      () => {
        lru.add(9, 1, -1);
        return LRU_SKIP;
      },
      null,
      { nrToWalk: 1 },
    );
    expect(lru.countNode(1)).toBe(1);
  });

  it('with the lock dropped a callback may change the list, then must restart', () => {
    // Like binder freeing a page: isolate, unlock, (another item goes away), lock, RETRY.
    const lru = lruWith([0, 1, 2]);
    const visits: number[] = [];
    const n = lru.walkOne(
      0,
      -1,
      (item, l) => {
        visits.push(item);
        l.isolate(item);
        l.unlock();
        if (item === 0) lru.del(1);
        l.lock();
        return LRU_REMOVED_RETRY;
      },
      null,
      { nrToWalk: 10 },
    );
    expect(n).toBe(2);
    expect(visits).toEqual([0, 2]);
    expect(lru.count()).toBe(0);
  });

  it('removing the saved next item and continuing is a BUG', () => {
    const lru = lruWith([0, 1, 2]);
    expect(() =>
      lru.walkOne(
        0,
        -1,
        (_i, l) => {
          l.isolate(1);
          return LRU_REMOVED;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/next item/);
  });

  it('isolating an item of another list is a BUG', () => {
    const lru = lruWith([0]);
    lru.add(5, 0, 3);
    expect(() =>
      lru.walkOne(
        0,
        -1,
        (_i, l) => {
          l.isolate(5);
          return LRU_REMOVED;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/not on the list being walked/);
  });

  it('a walk nested in a callback is refused', () => {
    const lru = lruWith([0], 0, -1, 2);
    lru.add(1, 1, -1);
    expect(() =>
      lru.walkOne(
        0,
        -1,
        () => {
          lru.walkOne(1, -1, () => LRU_SKIP, null, { nrToWalk: 1 });
          return LRU_SKIP;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/nested walk/);
  });

  it('a negative or NaN budget is refused', () => {
    const lru = lruWith([0]);
    expect(() => lru.walk(() => LRU_SKIP, null, -1)).toThrow(RangeError);
    expect(() => lru.walk(() => LRU_SKIP, null, Number.NaN)).toThrow(RangeError);
  });
});

describe('list_lru walk: strict mode', () => {
  it('is off by default (ListLru.strictDefault), so a walk trusts its callback', () => {
    expect(ListLru.strictDefault).toBe(false);
    expect(new ListLru({ nrNodes: 1, memcgAware: false }).strict).toBe(false);
    // REMOVED without list_lru_isolate: not caught, and the node total (not the list) drops.
    const lru = lruWith([0, 1], 0, -1, 1, false);
    expect(lru.walkOne(0, -1, () => LRU_REMOVED, null, { nrToWalk: 1 })).toBe(1);
    expect([lru.countNode(0), lru.countOne(0, -1)]).toEqual([1, 2]);
    // The same call on a strict lru is the BUG the protocol tests above expect.
    expect(() => lruWith([0, 1]).walkOne(0, -1, () => LRU_REMOVED, null, { nrToWalk: 1 })).toThrow(LruBug);
  });

  it('changes nothing for callbacks that keep the protocol: both modes give the same walk', () => {
    const statuses = [LRU_SKIP, LRU_REMOVED, LRU_REMOVED_RETRY, LRU_ROTATE, LRU_RETRY, LRU_STOP] as const;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...statuses), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 60 }),
        (script, n, budget) => {
          const run = (strict: boolean) => {
            const lru = lruWith(Array.from({ length: n }, (_, i) => i), 0, -1, 1, strict);
            const { cb, visits } = scripted((_item, call) => script[call % script.length]!, { dropOnRetry: true });
            const b = { nrToWalk: budget };
            const isolated = lru.walkOne(0, -1, cb, null, b);
            return { isolated, visits, left: b.nrToWalk, list: lru.listItems(0, -1), node: lru.countNode(0) };
          };
          expect(run(false)).toEqual(run(true));
        },
      ),
      { numRuns: 500 },
    );
  });
});
