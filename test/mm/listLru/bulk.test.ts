import { describe, expect, it } from 'vitest';
import { ListLru, LRU_STOP } from '../../../src/mm/listLru/index.js';
import { mulberry32 } from '../../mulberry32.js';

const rng = mulberry32;

/** What a list shows from outside: every node's items in order and every count. */
function state(lru: ListLru, nrNodes: number, maxItem: number): unknown {
  const lists = Array.from({ length: nrNodes }, (_, nid) => lru.listItems(nid, -1));
  const counts = Array.from({ length: nrNodes }, (_, nid) => [lru.countOne(nid, -1), lru.countNode(nid)]);
  const listed = Array.from({ length: maxItem + 1 }, (_, i) => lru.isListed(i));
  return { lists, counts, total: lru.count(), listed };
}

describe('list_lru bulk add / del (a caller adding or removing the members of a run of ids)', () => {
  it('addNodeLevelMasked / delMasked act on the ids whose mask bit is set, ascending, and count the selected ones', () => {
    const lru = new ListLru({ nrNodes: 2, memcgAware: false, initialCapacity: 16 });
    // ids base + i = 100 + i; bit 1 set for i = 1, 2, 4 (bit 2 alone does not select 3).
    const mask = Uint8Array.from([0, 1, 3, 2, 1, 0]);
    lru.addNodeLevel(102, 0);
    // 102 is listed already: 101 and 104 added, at the tail, in ascending order; three selected.
    expect(lru.addNodeLevelMasked(100, mask, 1, 0, 6, 0)).toBe(2);
    expect(lru.maskedMatched).toBe(3);
    expect(lru.listItems(0, -1)).toEqual([102, 101, 104]);
    expect(lru.countNode(0)).toBe(3);
    // The arrays grew from 16 ids exactly as one add per id grows them.
    expect(lru.capacity).toBe(128);
    // Only [2, 4): 102 removed, 103 not selected.
    expect(lru.delMasked(100, mask, 1, 2, 4)).toBe(1);
    expect(lru.maskedMatched).toBe(1);
    expect(lru.listItems(0, -1)).toEqual([101, 104]);
    // Selected but not listed: counted as selected, not as removed.
    expect(lru.delMasked(100, mask, 1, 0, 6)).toBe(2);
    expect(lru.maskedMatched).toBe(3);
    expect(lru.count()).toBe(0);
  });

  it('over random runs, masked calls leave the lists exactly as one call per selected id does', () => {
    const nrNodes = 2;
    const maxItem = 300;
    const one = new ListLru({ nrNodes, memcgAware: false, initialCapacity: 16 });
    const masked = new ListLru({ nrNodes, memcgAware: false, initialCapacity: 16 });
    const next = rng(7);
    const mask = new Uint8Array(64);
    for (let round = 0; round < 400; round++) {
      for (let i = 0; i < mask.length; i++) mask[i] = next() % 4;
      const base = next() % (maxItem + 1 - mask.length);
      const from = next() % mask.length;
      const to = from + (next() % (mask.length - from + 1));
      let selected = 0;
      let changed = 0;
      const add = next() % 2 === 0;
      const nid = next() % nrNodes;
      for (let i = from; i < to; i++) {
        if ((mask[i]! & 1) === 0) continue;
        selected++;
        if (add ? one.addNodeLevel(base + i, nid) : one.del(base + i)) changed++;
      }
      expect(add ? masked.addNodeLevelMasked(base, mask, 1, from, to, nid) : masked.delMasked(base, mask, 1, from, to)).toBe(changed);
      expect(masked.maskedMatched).toBe(selected);
      expect(state(masked, nrNodes, maxItem)).toEqual(state(one, nrNodes, maxItem));
      expect(masked.capacity).toBe(one.capacity);
    }
  });

  it('masked calls check the lru lock as the one-item calls do, and take the one-item path when memcg-aware', () => {
    const aware = new ListLru({ nrNodes: 1, memcgAware: true });
    const mask = Uint8Array.from([1, 0, 1]);
    expect(aware.addNodeLevelMasked(10, mask, 1, 0, 3, 0)).toBe(2);
    expect(aware.listItems(0, -1)).toEqual([10, 12]);
    expect(aware.delMasked(10, mask, 1, 0, 3)).toBe(2);
    expect(aware.maskedMatched).toBe(2);

    const lru = new ListLru({ nrNodes: 1, memcgAware: false });
    lru.addNodeLevel(0, 0);
    lru.addNodeLevel(2, 0);
    let threw = 0;
    lru.walk(
      () => {
        for (const f of [() => lru.addNodeLevelMasked(10, mask, 1, 0, 3, 0), () => lru.delMasked(0, mask, 1, 0, 3)]) {
          try {
            f();
          } catch (e) {
            if (/lru lock is held/.test(String(e))) threw++;
          }
        }
        return LRU_STOP;
      },
      undefined,
      1,
    );
    expect(threw).toBe(2);
    expect(lru.listItems(0, -1)).toEqual([0, 2]);
  });
});
