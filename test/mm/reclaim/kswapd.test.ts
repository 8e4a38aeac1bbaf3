import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { balancePgdat, Kswapd, kswapdTask, MAX_RECLAIM_RETRIES } from '../../../src/mm/reclaim/index.js';
import { model, node, range, recorder } from './harness.js';

const WM = { min: 724, low: 905, high: 1086 };

describe('kswapd (balance_pgdat)', () => {
  it('nothing reclaimable: shrink_slab at 12, 11, …, 1 — never 0 — always GFP_KERNEL', () => {
    const n = node(0, { free: 500, wmark: WM });
    const r = recorder({ profile: '6.12' });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual(range(12, 1));
    expect(r.calls.every((c) => c.gfpMask === GFP_KERNEL)).toBe(true);
    expect(r.calls.every((c) => c.task.comm === 'kswapd0' && c.path === 'kswapd')).toBe(true);
    expect(run).toEqual({ nrReclaimed: 0, priorities: range(12, 1), balanced: false });
  });

  it('stops as soon as the node is balanced (free ≥ high)', () => {
    // file 2^20 pages would be too many for 131072 managed: use a bigger node.
    // At 12: scan 1048576 >> 12 = 256 (no swap): free 500 → 756 < 1086; scanned 256 < nr_to_reclaim 1086
    // so raise_priority stays set → 11: 1048320 >> 11 = 511 more → 1267 ≥ 1086 → balanced at the top
    // of the next loop.
    const n = node(0, { managed: 2_000_000, file: 1_048_576, free: 500, wmark: WM });
    const r = recorder({ profile: '6.12' });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual([12, 11]);
    expect(run.nrReclaimed).toBe(767);
    expect(run.balanced).toBe(true);
  });

  it('keeps the priority when a pass scanned nr_to_reclaim and reclaimed something', () => {
    // file = 2^23: each pass at 12 scans ~2048 ≥ nr_to_reclaim = max(high, 32) = 1086 and reclaims,
    // so raise_priority is cleared and the priority stays. A racing allocator (inside the first
    // two shrink_slab calls) eats 2000 pages each time, so the node stays unbalanced:
    // pass 1: 500 + 2048 - 2000 = 548; pass 2: 548 + 2047 - 2000 = 595; pass 3: 595 + 2047 = 2642.
    const n = node(0, { managed: 10_000_000, file: 8_388_608, free: 500, wmark: WM });
    const r = recorder({
      outcome: (_c, i) => {
        if (i < 2) n.take('anon', 2000);
        return { freed: 0n, slabPagesFreed: 0 };
      },
    });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual([12, 12, 12]);
    expect(run.nrReclaimed).toBe(2048 + 2047 + 2047);
    expect(n.free).toBe(2642);
  });

  it('6.12 MGLRU: the first pass starts at set_initial_priority and goes on down to 1', () => {
    // nr_to_reclaim = high = 1086 → fls(1085) = 11; inactive = 40000/2 → fls(20000) = 15 → 14 - 11 = 3 → clamp 6
    const n = node(0, { file: 40_000, free: 0, wmark: { min: 724, low: 905, high: 60_000 } });
    const r = recorder({ profile: '6.12', mglru: true });
    balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual(range(6, 1));
    expect(r.calls.every((c) => c.gfpMask === GFP_KERNEL)).toBe(true);
  });

  it('6.1 with MGLRU has no initial-priority rule: 12 → 1', () => {
    const n = node(0, { file: 0, free: 0, wmark: WM });
    const r = recorder({ profile: '6.1', mglru: true });
    balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual(range(12, 1));
  });

  it('walks every memcg at every priority (root first), kswapd never does partial walks', () => {
    const n = node(0, { free: 0, wmark: WM });
    const child = { id: 3, ino: 99, isRoot: false };
    const r = recorder({ memcgs: [{ id: 0, ino: 1, isRoot: true }, child] });
    balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.calls.map((c) => `${c.priority}/${c.memcg?.ino}`)).toEqual(range(12, 1).flatMap((p) => [`${p}/1`, `${p}/99`]));
  });

  it('gives up after MAX_RECLAIM_RETRIES failed runs until progress resets it', () => {
    const n = node(0, { free: 0, wmark: WM });
    const k = new Kswapd(n, kswapdTask(0, 41));
    const r = recorder({});
    for (let i = 0; i < MAX_RECLAIM_RETRIES; i++) {
      expect(k.wake()).toBe(true);
      k.run(model([n]), r.deps);
    }
    expect(k.failures).toBe(16);
    expect(k.wake()).toBe(false);
    k.resetFailures();
    expect(k.wake()).toBe(true);
    expect(k.wake()).toBe(false); // already pending
  });
});
