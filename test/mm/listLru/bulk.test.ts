import { describe, expect, it } from 'vitest';
import { ListLru } from '../../../src/mm/listLru/index.js';

/** A small deterministic generator (mulberry32) for the random sequences below. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

/** What a list shows from outside: every node's items in order and every count. */
function state(lru: ListLru, nrNodes: number, maxItem: number): unknown {
  const lists = Array.from({ length: nrNodes }, (_, nid) => lru.listItems(nid, -1));
  const counts = Array.from({ length: nrNodes }, (_, nid) => [lru.countOne(nid, -1), lru.countNode(nid)]);
  const listed = Array.from({ length: maxItem + 1 }, (_, i) => lru.isListed(i));
  return { lists, counts, total: lru.count(), listed };
}

describe('list_lru bulk add / del (a caller adding or removing a run of items)', () => {
  it('addNodeLevelMany adds in order at the tail, skips listed items, and grows the arrays', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: false, initialCapacity: 16 });
    lru.addNodeLevel(7, 0);
    const items = Int32Array.from([3, 7, 40, 3, 9]);
    // 7 is listed already and the second 3 is a duplicate: three added, in the given order.
    expect(lru.addNodeLevelMany(items, items.length, 0)).toBe(3);
    expect(lru.listItems(0, -1)).toEqual([7, 3, 40, 9]);
    expect(lru.countOne(0, -1)).toBe(4);
    expect(lru.countNode(0)).toBe(4);
    expect(lru.countNode(1)).toBe(0);
    // Only the first n entries count.
    expect(lru.addNodeLevelMany(Int32Array.from([11, 12]), 1, 1)).toBe(1);
    expect(lru.listItems(1, -1)).toEqual([11]);
  });

  it('delMany removes what is listed, wherever it sits, and counts only those', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: false });
    for (const i of [1, 2, 3, 4]) lru.addNodeLevel(i, 0);
    lru.addNodeLevel(5, 1);
    // 2 twice, 99 never seen (beyond capacity), -1 invalid.
    expect(lru.delMany(Int32Array.from([2, 5, 2, 99, -1, 4]), 6)).toBe(3);
    expect(lru.listItems(0, -1)).toEqual([1, 3]);
    expect(lru.listItems(1, -1)).toEqual([]);
    expect(lru.countNode(0)).toBe(2);
    expect(lru.count()).toBe(2);
  });

  it('over random runs, bulk calls leave the lists exactly as one call per item does', () => {
    const nrNodes = 3;
    const maxItem = 300;
    const one = new ListLru({ nrNodes, memcgAware: false, initialCapacity: 16 });
    const bulk = new ListLru({ nrNodes, memcgAware: false, initialCapacity: 16 });
    const next = rng(42);
    for (let round = 0; round < 400; round++) {
      const n = next() % 40;
      const items = new Int32Array(n);
      for (let k = 0; k < n; k++) items[k] = next() % (maxItem + 1);
      if (next() % 2 === 0) {
        const nid = next() % nrNodes;
        let added = 0;
        for (const i of items) if (one.addNodeLevel(i, nid)) added++;
        expect(bulk.addNodeLevelMany(items, n, nid)).toBe(added);
      } else {
        let removed = 0;
        for (const i of items) if (one.del(i)) removed++;
        expect(bulk.delMany(items, n)).toBe(removed);
      }
      expect(state(bulk, nrNodes, maxItem)).toEqual(state(one, nrNodes, maxItem));
    }
  });

  it('a memcg-aware lru takes the one-item path (node-level lists, aliases followed)', () => {
    const lru = new ListLru({ nrNodes: 1, memcgAware: true });
    expect(lru.addNodeLevelMany(Int32Array.from([4, 5, 4]), 3, 0)).toBe(2);
    expect(lru.listItems(0, -1)).toEqual([4, 5]);
    expect(lru.delMany(Int32Array.from([5, 5]), 2)).toBe(1);
    expect(lru.listItems(0, -1)).toEqual([4]);
  });
});
