/** MGLRU generations of one lruvec, against mm/vmscan.c 6.12's rules (lruGen.ts). */
import { describe, expect, it } from 'vitest';
import { LRU_GEN_ANON, LRU_GEN_FILE, LruGen, MAX_NR_GENS, MIN_NR_GENS } from '../../../src/mm/reclaim/lruGen.js';

describe('LruGen (struct lru_gen_folio reduced to counts)', () => {
  it('starts as lru_gen_init_lruvec leaves it: max_seq = MIN_NR_GENS + 1, min_seq 0, a full window', () => {
    const g = new LruGen();
    expect(g.maxSeq).toBe(3);
    expect(g.nrGens(LRU_GEN_FILE)).toBe(MAX_NR_GENS);
    // Inactive page cache joins min_seq, anon max_seq - 1.
    g.add(LRU_GEN_FILE, 1000);
    g.add(LRU_GEN_ANON, 50);
    expect(g.pagesAt(0, LRU_GEN_FILE)).toBe(1000);
    expect(g.pagesAt(2, LRU_GEN_ANON)).toBe(50);
  });

  it('should_run_aging: four generations → no aging, and nr_to_scan is every evictable page', () => {
    const g = new LruGen();
    g.add(LRU_GEN_FILE, 1000);
    g.add(LRU_GEN_ANON, 50);
    // min_seq + MIN_NR_GENS (2) < max_seq (3): no aging. Without swap only file counts.
    expect(g.shouldRunAging(false)).toEqual({ run: false, nrToScan: 1000 });
    expect(g.shouldRunAging(true)).toEqual({ run: false, nrToScan: 1050 });
  });

  it('eviction empties the oldest generation, try_to_inc_min_seq skips empty ones down to MIN_NR_GENS, then aging is due', () => {
    const g = new LruGen();
    g.add(LRU_GEN_FILE, 100);
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(64);
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(36);
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(0);
    expect(g.tryIncMinSeq(false)).toBe(true);
    // seq 0 and 1 are empty; min_seq stops where min_seq + 2 > max_seq = 3.
    expect(g.minSeq[LRU_GEN_FILE]).toBe(2);
    expect(g.nrGens(LRU_GEN_FILE)).toBe(MIN_NR_GENS);
    // scan_folios refuses a type down to MIN_NR_GENS; should_run_aging: out of cold folios.
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(0);
    expect(g.shouldRunAging(false)).toEqual({ run: true, nrToScan: 0 });
  });

  it('inc_max_seq folds the oldest generation of a full window into the next, and opens an empty youngest one', () => {
    const g = new LruGen();
    g.add(LRU_GEN_FILE, 100);
    g.incMaxSeq();
    expect(g.maxSeq).toBe(4);
    expect(g.minSeq[LRU_GEN_FILE]).toBe(1);
    expect(g.pagesAt(1, LRU_GEN_FILE)).toBe(100);
    expect(g.pagesAt(4, LRU_GEN_FILE)).toBe(0);
    expect(g.size(LRU_GEN_FILE)).toBe(100);
  });

  it('three generations: aging when the youngest holds more than 1/MIN_NR_GENS of the pages; hot pages stay youngest', () => {
    const g = new LruGen();
    g.add(LRU_GEN_FILE, 100, 60); // 60 hot at max_seq, 40 cold at min_seq
    expect(g.pagesAt(3, LRU_GEN_FILE)).toBe(60);
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(40);
    g.tryIncMinSeq(false);
    expect(g.minSeq[LRU_GEN_FILE]).toBe(2);
    g.incMaxSeq();
    // The walk finds the hot pages accessed: they move to the new max_seq.
    expect(g.pagesAt(4, LRU_GEN_FILE)).toBe(60);
    expect(g.nrGens(LRU_GEN_FILE)).toBe(3);
    // young = 60, total = 60: 60 * 2 > 60 → aging.
    expect(g.shouldRunAging(false)).toEqual({ run: true, nrToScan: 60 });
    // They are never in the oldest generation, so never evicted.
    expect(g.takeOldest(LRU_GEN_FILE, 64)).toBe(0);
  });

  it('pages freed outside reclaim leave the oldest generations first', () => {
    const g = new LruGen();
    g.add(LRU_GEN_FILE, 30, 20);
    expect(g.remove(LRU_GEN_FILE, 15)).toBe(15);
    expect(g.pagesAt(0, LRU_GEN_FILE)).toBe(0);
    expect(g.pagesAt(3, LRU_GEN_FILE)).toBe(15);
    expect(g.hot[LRU_GEN_FILE]).toBe(15);
  });
});
