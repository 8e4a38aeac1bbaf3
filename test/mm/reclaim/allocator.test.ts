import { describe, expect, it } from 'vitest';
import { GFP_ATOMIC, GFP_KERNEL, GFP_NOFS, GFP_NOWAIT } from '../../../src/mm/gfp.js';
import { allocPages, type AllocEnv } from '../../../src/mm/reclaim/index.js';
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

  it('OOM after MAX_RECLAIM_RETRIES rounds without progress', () => {
    const n = node(0, { managed: 10_000, free: 150, wmark: WM });
    const { e, r } = env(n);
    const res = allocPages(e, n, 'anon', 100, GFP_KERNEL, task);
    expect(res).toMatchObject({ ok: false, reason: 'oom', directReclaims: 17, reclaimed: 0 });
    expect(r.calls.length).toBe(17 * 13); // 6.1: one 12 → 0 sweep per attempt
    n.checkInvariants();
  });
});
