import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS } from '../../../src/mm/gfp.js';
import { dropCaches, nodeReclaim } from '../../../src/mm/reclaim/index.js';
import { CHILD, model, node, range, recorder, ROOT } from './harness.js';

describe('drop_caches', () => {
  it('echo 2: drop_slab at priority 0 with GFP_KERNEL over every memcg; rounds while (freed >> shift++) > 1', () => {
    // Round 0 frees 10 (10 >> 0 = 10 > 1: go on), round 1 frees 3 (3 >> 1 = 1: stop).
    const perRound = [10n, 3n, 100n];
    let round = -1;
    const r = recorder({
      memcgs: [ROOT, CHILD],
      outcome: (c) => {
        if (c.memcg?.isRoot) round++;
        return { freed: c.memcg?.isRoot ? (perRound[round] ?? 0n) : 0n, slabPagesFreed: 0 };
      },
    });
    const res = dropCaches(model([node(0, { file: 500 })]), 2, r.deps);
    expect(res.slabRounds).toEqual([10n, 3n]);
    expect(res.pageCacheDropped).toBe(0);
    expect(r.seq()).toEqual(['0:cc0', '0:cc0', '0:cc0', '0:cc0']);
    expect(r.calls.map((c) => c.memcg?.ino)).toEqual([1, 42, 1, 42]);
    expect(r.calls.every((c) => c.gfpMask === GFP_KERNEL && c.path === 'drop_caches')).toBe(true);
  });

  it('round k runs only if round k-1 freed ≥ 2^k: 1000 objects every round → 10 rounds', () => {
    const r = recorder({ outcome: () => ({ freed: 1000n, slabPagesFreed: 0 }) });
    const res = dropCaches(model([node(0)]), 2, r.deps);
    // 1000 >> k > 1 for k = 0..8 (1000 >> 8 = 3), fails at k = 9 (1000 >> 9 = 1): 10 rounds
    expect(res.slabRounds.length).toBe(10);
  });

  it('echo 1 drops clean unmapped page cache only and calls no shrinker; echo 3 does both', () => {
    const n = node(0, { file: 5000, fileMapped: 1200 });
    const r = recorder({});
    const res = dropCaches(model([n]), 1, r.deps);
    expect(res.pageCacheDropped).toBe(3800);
    expect(n.file).toBe(1200);
    expect(r.calls).toEqual([]);
    const n3 = node(0, { file: 5000 });
    const r3 = recorder({});
    expect(dropCaches(model([n3]), 3, r3.deps).pageCacheDropped).toBe(5000);
    expect(r3.priorities()).toEqual([0]);
  });

  it('walks every online node in each round', () => {
    const r = recorder({});
    dropCaches(model([node(0), node(1)]), 2, r.deps);
    expect(r.calls.map((c) => c.nid)).toEqual([0, 1]);
  });
});

describe('node_reclaim', () => {
  it('NODE_RECLAIM_PRIORITY: 4 → 0 with the caller context', () => {
    const r = recorder({ profile: '6.1' });
    expect(nodeReclaim(model([node(0)]), node(0), 0, GFP_KERNEL, { comm: 'app', pid: 9, cpu: 0, scope: 'nofs' }, r.deps)).toBe(0);
    expect(r.priorities()).toEqual(range(4, 0));
    expect(r.calls.every((c) => c.gfpMask === GFP_NOFS && c.path === 'node')).toBe(true);
  });
  it('stops once nr_pages (1 << order) are reclaimed', () => {
    // file 64: priority 4 scans 64 >> 4 = 4 ≥ 1 page
    const n = node(0, { file: 64 });
    const r = recorder({ profile: '6.1' });
    expect(nodeReclaim(model([n]), n, 0, GFP_KERNEL, { comm: 'app', pid: 9, cpu: 0 }, r.deps)).toBe(4);
    expect(r.priorities()).toEqual([4]);
  });
});
