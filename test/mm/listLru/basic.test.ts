import { describe, expect, it, vi } from 'vitest';
import { ListLru } from '../../../src/mm/listLru/index.js';
import { ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';

describe('list_lru add / del / count', () => {
  it('add is tail-insert and false iff the item is already on any list', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    expect(lru.add(5, 0, -1)).toBe(true);
    expect(lru.add(6, 0, -1)).toBe(true);
    expect(lru.add(5, 0, -1)).toBe(false); // same list
    expect(lru.add(5, 1, 3)).toBe(false); // another list: still a no-op
    expect(lru.listItems(0, -1)).toEqual([5, 6]);
    expect(lru.countOne(0, -1)).toBe(2);
    expect(lru.countOne(1, 3)).toBe(0);
    expect(lru.countNode(0)).toBe(2);
    expect(lru.countNode(1)).toBe(0);
    expect(lru.count()).toBe(2);
    expect(lru.whereIs(5)).toEqual({ nid: 0, memcgIdx: -1 });
  });

  it('del takes the item off whatever list holds it, once', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    lru.add(1, 1, 2);
    lru.add(2, 1, 2);
    lru.add(3, 1, 2);
    expect(lru.del(2)).toBe(true);
    expect(lru.del(2)).toBe(false);
    expect(lru.del(999)).toBe(false); // never seen, beyond capacity
    expect(lru.listItems(1, 2)).toEqual([1, 3]);
    expect(lru.countOne(1, 2)).toBe(2);
    expect(lru.countNode(1)).toBe(2);
    expect(lru.isListed(2)).toBe(false);
    expect(lru.nidOf(2)).toBe(-1);
    expect(lru.nidOf(3)).toBe(1);
    // Re-adding after del works and goes to the tail.
    expect(lru.add(2, 1, 2)).toBe(true);
    expect(lru.listItems(1, 2)).toEqual([1, 3, 2]);
  });

  it('node totals are the sum of their sublists', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    lru.add(0, 0, -1);
    lru.add(1, 0, 0);
    lru.add(2, 0, 7);
    lru.add(3, 0, 7);
    lru.add(4, 1, 7);
    expect(lru.countNode(0)).toBe(4);
    expect(lru.countOne(0, -1) + lru.countOne(0, 0) + lru.countOne(0, 7)).toBe(4);
    expect(lru.countNode(1)).toBe(1);
    expect(lru.count()).toBe(5);
    const seen: [number, number, number][] = [];
    lru.forEachSublist((nid, m, n) => seen.push([nid, m, n]));
    expect(seen).toEqual([
      [0, -1, 1],
      [1, -1, 0],
      [0, 0, 1],
      [1, 0, 0],
      [0, 7, 2],
      [1, 7, 1],
    ]);
  });

  it('a non-memcg-aware lru maps every memcg to the node-level list', () => {
    const lru = new ListLru({ nrNodes: 1, memcgAware: false, shrinkerId: 4, setShrinkerBit: vi.fn() });
    lru.add(0, 0, 3);
    lru.add(1, 0, -1);
    expect(lru.listItems(0, -1)).toEqual([0, 1]);
    expect(lru.countOne(0, 3)).toBe(2);
    expect(lru.whereIs(0)).toEqual({ nid: 0, memcgIdx: -1 });
  });

  it('setShrinkerBit fires exactly when a non-root sublist goes 0 → 1', () => {
    const bit = vi.fn();
    const lru = new ListLru({ nrNodes: 2, memcgAware: true, shrinkerId: 3, setShrinkerBit: bit });
    lru.add(1, 0, 5); // 0 → 1: call
    lru.add(2, 0, 5); // 1 → 2: none
    lru.add(3, 1, 5); // other node 0 → 1: call
    lru.add(4, 0, -1); // root list: never
    lru.add(1, 0, 5); // already listed: none
    expect(bit.mock.calls).toEqual([
      [5, 0, 3],
      [5, 1, 3],
    ]);
    lru.del(1);
    lru.del(2); // back to 0 (the kernel never clears the bit from list_lru)
    lru.add(6, 0, 5); // 0 → 1 again: call
    expect(bit.mock.calls).toEqual([
      [5, 0, 3],
      [5, 1, 3],
      [5, 0, 3],
    ]);
  });

  it('no shrinker id (−1 / absent) means no set_shrinker_bit calls', () => {
    const bit = vi.fn();
    const lru = new ListLru({ nrNodes: 1, memcgAware: true, setShrinkerBit: bit });
    lru.add(0, 0, 2);
    expect(bit).not.toHaveBeenCalled();
  });

  it('shrinkCount reads the sublist of sc.nid and sc.memcg (NULL/root ⇒ node-level)', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    lru.add(0, 1, -1);
    lru.add(1, 1, 4);
    lru.add(2, 1, 4);
    lru.add(3, 0, 4);
    expect(lru.shrinkCount(new ShrinkControl(GFP_KERNEL, 1, null))).toBe(1);
    expect(lru.shrinkCount(new ShrinkControl(GFP_KERNEL, 1, { id: 0, ino: 1, isRoot: true }))).toBe(1);
    expect(lru.shrinkCount(new ShrinkControl(GFP_KERNEL, 1, { id: 4, ino: 77, isRoot: false }))).toBe(2);
    expect(lru.shrinkCount(new ShrinkControl(GFP_KERNEL, 0, { id: 4, ino: 77, isRoot: false }))).toBe(1);
  });

  it('grows by doubling and keeps links across growth', () => {
    const lru = new ListLru({ nrNodes: 1, memcgAware: false, initialCapacity: 16 });
    expect(lru.capacity).toBe(16);
    lru.add(3, 0, -1);
    lru.add(1000, 0, -1);
    lru.add(7, 0, -1);
    expect(lru.capacity).toBe(1024);
    expect(lru.listItems(0, -1)).toEqual([3, 1000, 7]);
    expect(lru.del(1000)).toBe(true);
    expect(lru.listItems(0, -1)).toEqual([3, 7]);
  });

  it('rejects ids and nodes that cannot exist', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: true });
    expect(() => lru.add(-1, 0, -1)).toThrow(RangeError);
    expect(() => lru.add(1.5, 0, -1)).toThrow(RangeError);
    expect(() => lru.add(0, 2, -1)).toThrow(RangeError);
    expect(() => lru.add(0, 0, -2)).toThrow(RangeError);
    expect(() => new ListLru({ nrNodes: 0, memcgAware: false })).toThrow(RangeError);
  });
});

describe('list_lru: owner slots widen when sublist ids outgrow 16 bits', () => {
  it('keeps every item findable across the widening (1,024 nodes × 41 rows of sublists)', () => {
    const lru = new ListLru({ nrNodes: 1024, memcgAware: true, strict: true });
    // Rows are made on first use: node-level (sublists 0…1023), then one per memcg. Row 32
    // (the 32nd memcg) starts at 32,768, past what an Int16 slot holds.
    for (let m = 0; m < 40; m++) lru.add(100 + m, 1023, m);
    for (let m = 0; m < 40; m++) {
      expect(lru.whereIs(100 + m)).toEqual({ nid: 1023, memcgIdx: m });
      expect(lru.countOne(1023, m)).toBe(1);
    }
    expect(lru.del(139)).toBe(true);
    expect(lru.countOne(1023, 39)).toBe(0);
    expect(lru.countNode(1023)).toBe(39);
  });
});
