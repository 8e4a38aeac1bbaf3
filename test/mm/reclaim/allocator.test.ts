import { describe, expect, it } from 'vitest';
import { GFP_ATOMIC, GFP_KERNEL, GFP_NOFS, GFP_NOWAIT, __GFP_NORETRY, gfp } from '../../../src/mm/gfp.js';
import { allocPages, type AllocEnv } from '../../../src/mm/reclaim/index.js';
import { allocPagesSteps, type AllocResult } from '../../../src/mm/reclaim/allocator.js';
import type { ReclaimDeps, ShrinkSlabCall } from '../../../src/mm/reclaim/scanControl.js';
import { NO_SCAN_TICK } from '../../../src/mm/shrinker/steps.js';
import { model, node, recorder } from './harness.js';

const WM = { min: 100, low: 200, high: 300 };
const task = { comm: 'app', pid: 4242, cpu: 2 };

function env(n: ReturnType<typeof node>, r = recorder({ profile: '6.1' })) {
  const woken: number[] = [];
  const e: AllocEnv = { mem: model([n]), deps: r.deps, wakeKswapd: (nid) => void woken.push(nid) };
  return { e, woken, r };
}

describe('page allocator (watermarks → kswapd → direct reclaim)', () => {
  it('fast path above low: no kswapd, no reclaim', () => {
    const n = node(0, { managed: 10_000, free: 1000, wmark: WM });
    const { e, woken, r } = env(n);
    expect(allocPages(e, n, 'anon', 800, GFP_KERNEL, task)).toEqual({ ok: true, directReclaims: 0, reclaimed: 0 });
    expect(n.free).toBe(200);
    expect(woken).toEqual([]);
    expect(r.calls).toEqual([]);
  });

  it('between min and low: wakes kswapd and succeeds', () => {
    const n = node(0, { managed: 10_000, free: 1000, wmark: WM });
    const { e, woken, r } = env(n);
    expect(allocPages(e, n, 'anon', 850, GFP_KERNEL, task).ok).toBe(true);
    // Requests go in SWAP_CLUSTER_MAX chunks: the chunks that dip below low (free 200 → 150)
    // each wake kswapd on node 0; the first 25 chunks stay above low and wake nobody.
    expect(woken).toEqual([0, 0]);
    expect(n.free).toBe(150);
    expect(r.calls).toEqual([]);
  });

  it('below min: direct reclaim in the caller’s gfp context and task', () => {
    // file 8192: each try_to_free_pages reclaims ≥ 32 pages (12 → 2, 11 → 3, … until 32)
    const n = node(0, { managed: 20_000, file: 8192, free: 1000, wmark: WM });
    const { e, r } = env(n);
    const res = allocPages(e, n, 'anon', 920, GFP_NOFS, task);
    expect(res.ok).toBe(true);
    expect(res.directReclaims).toBeGreaterThan(0);
    expect(r.calls.every((c) => c.gfpMask === GFP_NOFS && c.task.comm === 'app' && c.task.pid === 4242 && c.path === 'direct')).toBe(true);
    expect(n.free).toBeGreaterThanOrEqual(WM.min);
  });

  it('GFP_NOWAIT/GFP_ATOMIC never reclaim directly; __GFP_HIGH may dig to min/2', () => {
    const n = node(0, { managed: 10_000, free: 1000, wmark: WM });
    const { e, r } = env(n);
    // Chunks of 32 are taken while free stays ≥ min; the chunk that would cross it fails.
    expect(allocPages(e, n, 'anon', 950, GFP_NOWAIT, task)).toMatchObject({ ok: false, reason: 'nowait' });
    expect(n.free).toBe(104); // 1000 - 28 × 32
    const m = node(0, { managed: 10_000, free: 1000, wmark: WM });
    const { e: e2, r: r2 } = env(m);
    expect(allocPages(e2, m, 'anon', 940, GFP_ATOMIC, task).ok).toBe(true); // 1000 - 940 = 60 ≥ 100/2
    expect(m.free).toBe(60);
    expect(r.calls).toEqual([]);
    expect(r2.calls).toEqual([]);
  });

  it('OOM after MAX_RECLAIM_RETRIES rounds without progress while reclaimable pages remain', () => {
    // 5000 file pages: zone_reclaimable_pages counts them, so should_reclaim_retry keeps going,
    // but reclaim walks no memcg and frees none of them (a stand-in for pages reclaim cannot
    // free, as the p7 trace's run of empty direct reclaims shows). 16 retries allowed: the 17th
    // empty reclaim ends it.
    const n = node(0, { managed: 10_000, file: 5000, free: 150, wmark: WM });
    const { e } = env(n, recorder({ profile: '6.1', memcgs: [] }));
    const res = allocPages(e, n, 'anon', 100, GFP_KERNEL, task);
    expect(res).toMatchObject({ ok: false, reason: 'oom', directReclaims: 17, reclaimed: 0 });
    n.checkInvariants();
  });

  it('OOM after one reclaim when free + reclaimable cannot reach min (should_reclaim_retry’s watermark check)', () => {
    const n = node(0, { managed: 10_000, free: 150, wmark: WM });
    const { e, r } = env(n);
    expect(allocPages(e, n, 'anon', 100, GFP_KERNEL, task)).toMatchObject({ ok: false, reason: 'oom', directReclaims: 1, reclaimed: 0 });
    expect(r.calls.length).toBe(13);
  });
});

describe('page allocator → OOM killer', () => {
  const oomEnv = (n: ReturnType<typeof node>, onOom: (n: ReturnType<typeof node>) => 'other' | 'self' | 'none') => {
    // No memcg to walk: reclaim frees nothing, whatever the LRU holds.
    const base = env(n, recorder({ profile: '6.1', memcgs: [] }));
    const ooms: { pid: number; gfp: number }[] = [];
    const e: AllocEnv = {
      ...base.e,
      outOfMemory: (t, g) => {
        ooms.push({ pid: t.pid, gfp: g });
        return onOom(n);
      },
    };
    return { e, ooms, r: base.r };
  };

  it('a kill that frees memory lets the request retry and succeed (no_progress_loops reset)', () => {
    const n = node(0, { managed: 10_000, free: 150, wmark: WM });
    // The victim's 1000 pages come back (as if its anon pages were released).
    const { e, ooms } = oomEnv(n, (m) => {
      m.free += 1000;
      m.other -= 1000;
      return 'other';
    });
    const res = allocPages(e, n, 'anon', 100, GFP_KERNEL, task);
    // After the kill __alloc_pages_may_oom reports progress; `retry:` takes the pages from the
    // free lists before any further reclaim.
    expect(res).toMatchObject({ ok: true, directReclaims: 1 });
    expect(ooms).toEqual([{ pid: 4242, gfp: GFP_KERNEL }]);
    expect(n.free).toBe(150 + 1000 - 100);
    n.checkInvariants();
  });

  it('the allocating task chosen itself: served from the reserves (ALLOC_OOM) if the pages are free, else killed', () => {
    const n = node(0, { managed: 10_000, free: 110, wmark: WM });
    const { e, ooms } = oomEnv(n, () => 'self');
    // 110 − 32 < min 100, but ALLOC_OOM ignores the watermarks.
    expect(allocPages(e, n, 'anon', 32, GFP_KERNEL, task)).toEqual({ ok: true, directReclaims: 1, reclaimed: 0, victim: true });
    expect(n.free).toBe(78);
    expect(ooms.length).toBe(1);
    const m = node(0, { managed: 10_000, free: 20, wmark: WM });
    const { e: e2 } = oomEnv(m, () => 'self');
    expect(allocPages(e2, m, 'anon', 32, GFP_KERNEL, task)).toMatchObject({ ok: false, reason: 'killed', directReclaims: 1 });
    expect(m.free).toBe(20);
  });

  it('a victim stops faulting: the chunks after the one that killed it are not taken', () => {
    // 100 pages in chunks of 32: the first fits above min (150 → 118), the second needs
    // reclaim, kills the task, is served from the reserves (118 → 86); the rest never come.
    const n = node(0, { managed: 10_000, free: 150, wmark: WM });
    const { e, ooms } = oomEnv(n, () => 'self');
    expect(allocPages(e, n, 'anon', 100, GFP_KERNEL, task)).toEqual({ ok: false, reason: 'killed', taken: 64, directReclaims: 1, reclaimed: 0 });
    expect(n.free).toBe(86);
    expect(ooms.length).toBe(1);
  });

  it('nothing killable: the request fails (the kernel would panic)', () => {
    const n = node(0, { managed: 10_000, free: 150, wmark: WM });
    const { e } = oomEnv(n, () => 'none');
    expect(allocPages(e, n, 'anon', 100, GFP_KERNEL, task)).toMatchObject({ ok: false, reason: 'oom', directReclaims: 1 });
  });

  it('GFP_NOFS never kills: out_of_memory reports progress, the loop count resets, reclaim runs again', () => {
    const n = node(0, { managed: 10_000, file: 5000, free: 150, wmark: WM });
    const { e, ooms } = oomEnv(n, () => 'other');
    // Two full rounds of 17 (the model bounds the kernel's endless retry at one extra round).
    expect(allocPages(e, n, 'anon', 100, GFP_NOFS, task)).toMatchObject({ ok: false, reason: 'oom', directReclaims: 34 });
    expect(ooms).toEqual([]);
  });

  it('__GFP_NORETRY: one reclaim, then failure, no OOM killer', () => {
    const n = node(0, { managed: 10_000, file: 5000, free: 150, wmark: WM });
    const { e, ooms } = oomEnv(n, () => 'other');
    expect(allocPages(e, n, 'anon', 100, gfp(GFP_KERNEL | __GFP_NORETRY), task)).toMatchObject({ ok: false, reason: 'oom', directReclaims: 1 });
    expect(ooms).toEqual([]);
  });

  it('a GFP_KERNEL request reaches the OOM killer (once) after the 17th empty reclaim', () => {
    const n = node(0, { managed: 10_000, file: 5000, free: 150, wmark: WM });
    const { e, ooms } = oomEnv(n, () => 'none');
    expect(allocPages(e, n, 'anon', 100, GFP_KERNEL, task)).toMatchObject({ ok: false, reason: 'oom', directReclaims: 17 });
    expect(ooms.length).toBe(1);
  });
});

describe('allocPagesSteps: the slowpath as steps (timed direct reclaim)', () => {
  /** A node with nothing reclaimable below min, so every retry reclaims nothing. */
  const starved = () => node(0, { managed: 10_000, free: 90, wmark: WM });

  it('timed: shrinker calls run as steps and the steps yield inside and after each try_to_free_pages', () => {
    const n = starved();
    const r = recorder({ profile: '6.1' });
    const stepped: ShrinkSlabCall[] = [];
    const deps: ReclaimDeps = {
      ...r.deps,
      // One yield inside each shrink_slab, as a do_shrink_slab's exchange would.
      *shrinkSlabSteps(call) {
        stepped.push(call);
        yield NO_SCAN_TICK;
        return { freed: 0n, slabPagesFreed: 0 };
      },
    };
    const e: AllocEnv = { mem: model([n]), deps, wakeKswapd: () => undefined };
    const g = allocPagesSteps(e, n, 'anon', 1, GFP_NOFS, task, true);
    let yields = 0;
    let res: IteratorResult<unknown, AllocResult>;
    for (res = g.next(); !res.done; res = g.next()) yields++;
    const out = res.value;
    // No progress and nothing reclaimable (free 90 < min 100 even with all of it):
    // should_reclaim_retry says stop at once; GFP_NOFS gets out_of_memory's "progress" without
    // a kill and reclaims once more; then the request fails. Two reclaims.
    expect(out).toMatchObject({ ok: false, reason: 'oom' });
    const reclaims = out.directReclaims;
    expect(reclaims).toBe(2);
    // 6.1 classic LRU, one memcg: priorities 12 → 0, one shrink_slab each, none atomic.
    expect(r.calls).toEqual([]);
    expect(stepped.length).toBe(reclaims * 13);
    // Per priority: a yield after the LRU pass and one inside shrink_slab; one after each reclaim.
    expect(yields).toBe(reclaims * (13 * 2 + 1));
  });

  it('untimed: the same decisions at once, shrinker calls atomic (allocPages)', () => {
    const n = starved();
    const r = recorder({ profile: '6.1' });
    const e: AllocEnv = { mem: model([n]), deps: { ...r.deps, shrinkSlabSteps: () => { throw new Error('atomic path expected'); } }, wakeKswapd: () => undefined };
    const out = allocPages(e, n, 'anon', 1, GFP_NOFS, task);
    expect(out).toMatchObject({ ok: false, reason: 'oom', directReclaims: 2 });
    expect(r.calls.length).toBe(2 * 13);
  });
});
