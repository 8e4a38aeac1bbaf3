/** MGLRU's memcg LRU (lru_gen_rotate_memcg) and shrink_many's walk, against mm/vmscan.c 6.12. */
import { describe, expect, it } from 'vitest';
import { GFP_HIGHUSER_MOVABLE } from '../../../src/mm/gfp.js';
import { MemcgLru, MEMCG_LRU_TAIL, MEMCG_LRU_YOUNG, type MemcgLruEntry } from '../../../src/mm/reclaim/memcgLru.js';
import { newScanControl, type ReclaimDeps } from '../../../src/mm/reclaim/index.js';
import { lruGenShrinkNode } from '../../../src/mm/reclaim/shrinkMany.js';
import { CHILD, model, node, recorder, ROOT } from './harness.js';

const entry = (): MemcgLruEntry => ({ gen: 0, seg: 0, list: null });
const scripted = (draws: number[]) => (n: number): number => {
  const d = draws.shift() ?? 0;
  if (d >= n) throw new Error(`draw ${d} not below ${n}`);
  return d;
};

describe('memcg LRU (lru_gen_rotate_memcg)', () => {
  it('online: tail of a random bin of the old generation; TAIL stays in the generation; YOUNG moves to seq + 1; seq moves on when the old one empties', () => {
    const lru = new MemcgLru(scripted([0, 3, 3, 1, 5]));
    const a = entry();
    const b = entry();
    lru.online(a);
    lru.online(b);
    expect(lru.fifo[0]?.[0]).toEqual([a]);
    expect(lru.fifo[0]?.[3]).toEqual([b]);
    lru.rotate(a, MEMCG_LRU_TAIL);
    expect(lru.fifo[0]?.[3]).toEqual([b, a]);
    expect([a.gen, a.seg, lru.seq]).toEqual([0, MEMCG_LRU_TAIL, 0]);
    lru.rotate(a, MEMCG_LRU_YOUNG);
    expect(lru.fifo[1]?.[1]).toEqual([a]);
    expect([a.gen, a.seg, lru.seq]).toEqual([1, 0, 0]);
    lru.rotate(b, MEMCG_LRU_YOUNG);
    // The old generation is empty: seq + 1, so generation 1 is now the old one.
    expect(lru.seq).toBe(1);
    expect(lru.nrMemcgs).toEqual([0, 2, 0]);
  });
});

describe('shrink_many: shrink_slab after each memcg, 0–2 visits per memcg per priority', () => {
  const run = (nrToReclaim: number) => {
    const r = recorder({ profile: '6.12', mglru: true, memcgs: [ROOT, CHILD] });
    const deps: ReclaimDeps = { ...r.deps, draw: scripted([0, 0, 0, 0, 0, 0, 0]), lruShare: (m) => (m?.isRoot ? 0 : 1) };
    const n = node(0, { file: 6400 });
    const sc = newScanControl({
      path: 'proactive',
      task: { comm: 'init', pid: 1, cpu: 1, nid: 0 },
      nrToReclaim,
      gfpMask: GFP_HIGHUSER_MOVABLE,
      priority: 6,
      targetMemcg: ROOT,
      maySwap: true,
      proactive: true,
    });
    lruGenShrinkNode(model([n]), n, sc, deps);
    return { calls: r.calls.map((c) => `${c.priority}/${c.memcg?.ino}`), sc, n };
  };

  it('root (no pages) → tail, child evicts size >> priority in 64-page batches, root again → young', () => {
    const { calls, sc, n } = run(1_000_000);
    // Bins all 0: [root, child]. Root: nr_to_scan 0, not sizable → MEMCG_LRU_TAIL, applied when
    // the walk moves on: [child, root]. Child: 6400 >> 6 = 100 → batches of 64 until scanned
    // ≥ 100: 128 pages; still sizable → stays. Root again (seg tail) → young.
    expect(calls).toEqual(['6/1', '6/42', '6/1']);
    expect(sc.nrReclaimed).toBe(128);
    expect(n.file).toBe(6400 - 128);
  });

  it('the goal met inside the child: its shrink_slab still runs, then should_abort_scan ends the walk', () => {
    const { calls, sc } = run(64);
    expect(calls).toEqual(['6/1', '6/42']);
    expect(sc.nrReclaimed).toBe(64);
  });
});
