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

  it('keeps the priority when a pass reached nr_to_reclaim; classic kswapd stops each pass at it', () => {
    // file = 2^23: budget at 12 is 2048, but shrink_lruvec stops once this call reclaimed
    // nr_to_reclaim = max(high, 32) = 1086: ceil(1086 / 32) = 34 rounds = 1088 pages. That
    // clears raise_priority, so the priority stays. A racing allocator (inside the first two
    // shrink_slab calls) eats every free page, so the node stays unbalanced:
    // pass 1: 500 + 1088 → 0; pass 2: 0 + 1088 → 0; pass 3: 1088 > 1086 → balanced.
    const n = node(0, { managed: 10_000_000, file: 8_388_608, free: 500, wmark: WM });
    const r = recorder({
      outcome: (_c, i) => {
        if (i < 2) n.take('anon', 2000);
        return { freed: 0n, slabPagesFreed: 0 };
      },
    });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(r.priorities()).toEqual([12, 12, 12]);
    expect(run.nrReclaimed).toBe(3 * 1088);
    expect(n.free).toBe(1088);
    expect(run.balanced).toBe(true);
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

  it('one hopeless wakeup runs balance_pgdat MAX_RECLAIM_RETRIES times, then wakeups are ignored', () => {
    // Not balanced after a run → prepare_kswapd_sleep refuses → balance_pgdat again, each run
    // that reclaims nothing counting a failure, until kswapd_failures reaches 16.
    const n = node(0, { free: 0, wmark: WM });
    const k = new Kswapd(n, kswapdTask(0, 41));
    const r = recorder({});
    expect(k.wake()).toBe(true);
    const run = k.run(model([n]), r.deps);
    expect(k.failures).toBe(MAX_RECLAIM_RETRIES);
    expect(k.runs).toBe(16);
    expect(run.priorities).toEqual(Array.from({ length: 16 }, () => range(12, 1)).flat());
    expect(k.wake()).toBe(false);
    k.resetFailures();
    expect(k.wake()).toBe(true);
    expect(k.wake()).toBe(false); // already pending
  });

  it('an unbalanced run that made progress is followed at once by another (kswapd does not sleep)', () => {
    // Classic, no swap, file 1500, free 0, high 1086. Run 1 (12 → 1): 0,0,1,2,5,11,23,45,88,165,
    // 290,435 pages = 1065 → free 1065 ≤ 1086, not balanced, progress resets failures.
    // Run 2 (file 435): 12..9 scan 0, 8: 1, 7: 3, 6: 6, 5: 13 → free 1088 > 1086 → balanced.
    const n = node(0, { managed: 10_000, file: 1500, free: 0, wmark: WM });
    const k = new Kswapd(n, kswapdTask(0, 41));
    const wakes: number[] = [];
    const r = recorder({});
    const deps = { ...r.deps, observer: { onBegin: () => void wakes.push(n.free) } };
    k.wake();
    const run = k.run(model([n]), deps);
    expect(wakes).toEqual([0, 1065]);
    expect(run.nrReclaimed).toBe(1088);
    expect(run.priorities).toEqual([...range(12, 1), ...range(12, 5)]);
    expect(run.balanced).toBe(true);
    expect(k.failures).toBe(0);
  });

  it('pgdat_balanced is strict: free == high still wakes kswapd', () => {
    const n = node(0, { free: WM.high, wmark: WM });
    expect(n.balanced()).toBe(false);
    expect(new Kswapd(n, kswapdTask(0, 41)).wake()).toBe(true);
    const m = node(0, { free: WM.high + 1, wmark: WM });
    expect(m.balanced()).toBe(true);
    expect(new Kswapd(m, kswapdTask(0, 41)).wake()).toBe(false);
  });
});
