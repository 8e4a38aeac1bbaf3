/**
 * memcg offline: memcg_reparent_list_lrus splices each node's child list onto the head of
 * the parent's (list_splice_init), moves the counts, sets the parent's shrinker bit if the
 * child had items, and retires the child's lists.
 */
import { describe, expect, it, vi } from 'vitest';
import { ListLru, LRU_REMOVED, LRU_REMOVED_RETRY, LRU_SKIP } from '../../../src/mm/listLru/index.js';
import { scripted } from './helpers.js';

function setup() {
  const bit = vi.fn();
  const lru = new ListLru({ nrNodes: 2, memcgAware: true, shrinkerId: 1, setShrinkerBit: bit });
  lru.add(1, 0, 3);
  lru.add(2, 0, 3);
  lru.add(7, 0, 5);
  lru.add(4, 1, 3);
  lru.add(8, 1, -1);
  bit.mockClear();
  return { lru, bit };
}

describe('list_lru reparent', () => {
  it('splices the child ahead of the parent’s items, per node, and moves counts', () => {
    const { lru, bit } = setup();
    lru.reparent(3, 5);
    expect(lru.listItems(0, 5)).toEqual([1, 2, 7]);
    expect(lru.listItems(1, 5)).toEqual([4]);
    expect(lru.countOne(0, 5)).toBe(3);
    expect(lru.countOne(1, 5)).toBe(1);
    // Node totals do not move.
    expect(lru.countNode(0)).toBe(3);
    expect(lru.countNode(1)).toBe(2);
    // The bit is set on the parent for every node the child had items on.
    expect(bit.mock.calls).toEqual([
      [5, 0, 1],
      [5, 1, 1],
    ]);
    expect(lru.isMemcgDead(3)).toBe(true);
    expect(lru.whereIs(1)).toEqual({ nid: 0, memcgIdx: 5 });
  });

  it('later adds, counts, dels and walks for the child resolve to the parent', () => {
    const { lru } = setup();
    lru.reparent(3, 5);
    expect(lru.add(9, 0, 3)).toBe(true);
    expect(lru.listItems(0, 5)).toEqual([1, 2, 7, 9]);
    expect(lru.countOne(0, 3)).toBe(4);
    expect(lru.del(1)).toBe(true);
    expect(lru.countOne(0, 5)).toBe(3);
    expect(lru.countNode(0)).toBe(3);
    // walkNode visits memcg 5 once; the dead memcg 3 is no separate list.
    const { cb, visits } = scripted(() => LRU_SKIP);
    lru.walkNode(0, cb, null, { nrToWalk: 100 });
    expect(visits).toEqual([2, 7, 9]);
  });

  it('reparenting into the root sets no bit; an empty child sets none either', () => {
    const { lru, bit } = setup();
    lru.reparent(5, -1);
    expect(lru.listItems(0, -1)).toEqual([7]);
    expect(lru.listItems(1, -1)).toEqual([8]);
    expect(bit).not.toHaveBeenCalled();
    lru.add(20, 0, 6);
    lru.del(20);
    bit.mockClear();
    lru.reparent(6, 3); // has lists, all empty
    expect(bit).not.toHaveBeenCalled();
  });

  it('a second reparent of the same child is a no-op; a child with no lists just redirects', () => {
    const { lru } = setup();
    lru.reparent(3, 5);
    lru.reparent(3, -1);
    expect(lru.countOne(0, 5)).toBe(3);
    lru.reparent(11, 5); // never had a list
    lru.add(30, 1, 11);
    expect(lru.listItems(1, 5)).toEqual([4, 30]);
  });

  it('chains: a grandchild reparented earlier follows its parent up, even after id reuse', () => {
    const { lru } = setup();
    lru.add(50, 0, 4);
    lru.reparent(4, 3); // 4 → 3
    expect(lru.listItems(0, 3)).toEqual([50, 1, 2]);
    lru.reparent(3, 5); // 3 → 5, and 4 now → 5
    expect(lru.listItems(0, 5)).toEqual([50, 1, 2, 7]);
    lru.memcgOnline(3); // id 3 handed to a new memcg
    expect(lru.isMemcgDead(3)).toBe(false);
    expect(lru.countOne(0, 3)).toBe(0);
    lru.add(60, 0, 4); // the dead 4 must not land in the new 3
    expect(lru.listItems(0, 5)).toEqual([50, 1, 2, 7, 60]);
    lru.add(61, 0, 3);
    expect(lru.listItems(0, 3)).toEqual([61]);
    // Items moved long ago still delete from the right list.
    expect(lru.del(50)).toBe(true);
    expect(lru.listItems(0, 5)).toEqual([1, 2, 7, 60]);
    expect(lru.countOne(0, 5)).toBe(4);
  });

  it('a reused id starts empty and sets its bit again on 0 → 1', () => {
    const { lru, bit } = setup();
    lru.reparent(3, 5);
    lru.memcgOnline(3);
    bit.mockClear();
    lru.add(70, 1, 3);
    expect(bit.mock.calls).toEqual([[3, 1, 1]]);
  });

  it('refuses impossible parents and the root as child', () => {
    const { lru } = setup();
    expect(() => lru.reparent(-1, 3)).toThrow(RangeError);
    expect(() => lru.reparent(3, 3)).toThrow(RangeError);
    lru.reparent(5, 3);
    expect(() => lru.reparent(3, 5)).toThrow(RangeError); // 5 resolves to 3 itself
  });

  it('cannot run while a walk holds a node lock', () => {
    const { lru } = setup();
    expect(() =>
      lru.walkOne(
        0,
        3,
        () => {
          lru.reparent(3, 5);
          return LRU_SKIP;
        },
        null,
        { nrToWalk: 1 },
      ),
    ).toThrow(/deadlock/);
  });

  it('a reparent while the callback dropped the lock ends the walk at the restart', () => {
    // The kernel re-looks-up the list on restart and finds none for the dead memcg.
    const { lru } = setup();
    const visits: number[] = [];
    const budget = { nrToWalk: 10 };
    const n = lru.walkOne(
      0,
      3,
      (item, l) => {
        visits.push(item);
        l.isolate(item);
        l.unlock();
        lru.reparent(3, 5);
        l.lock();
        return LRU_REMOVED_RETRY;
      },
      null,
      budget,
    );
    expect(n).toBe(1);
    expect(visits).toEqual([1]);
    expect(budget.nrToWalk).toBe(9);
    expect(lru.listItems(0, 5)).toEqual([2, 7]);
    expect(lru.countNode(0)).toBe(2);
  });

  it('non-memcg-aware lrus ignore reparenting', () => {
    const lru = new ListLru({ nrNodes: 1, memcgAware: false });
    lru.add(0, 0, 3);
    lru.reparent(3, 5);
    expect(lru.listItems(0, -1)).toEqual([0]);
    expect(lru.isMemcgDead(3)).toBe(false);
  });
});

it('removes with REMOVED on reparented items (owner compression stays correct)', () => {
  const lru = new ListLru({ nrNodes: 1, memcgAware: true });
  for (let i = 0; i < 5; i++) lru.add(i, 0, 2);
  lru.reparent(2, 1);
  const { cb, visits } = scripted((item) => (item % 2 ? LRU_REMOVED : LRU_SKIP));
  expect(lru.walkOne(0, 1, cb, null, { nrToWalk: 100 })).toBe(2);
  expect(visits).toEqual([0, 1, 2, 3, 4]);
  expect(lru.listItems(0, 1)).toEqual([0, 2, 4]);
  expect(lru.countOne(0, 1)).toBe(3);
});
