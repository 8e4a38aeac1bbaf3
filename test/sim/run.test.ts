import { describe, expect, it } from 'vitest';
import { collectLines } from '../../src/trace/conform/collect.js';
import { analyse } from '../../src/trace/conform/analyse.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import type { RunResult } from '../../src/report/result.js';
import { BUSY, DROP_CACHES, P4_LIKE, WINDUP } from './run.fixtures.js';

const run = (text: string, seed?: number): RunResult =>
  runScenario(loadScenarioText(text, 'test.yaml'), { collectTrace: true, ...(seed === undefined ? {} : { seed }) });

const json = (r: RunResult): string => JSON.stringify({ ...r, series: r.series }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

const lines = (r: RunResult, event: string): string[] => (r.traceText ?? '').split('\n').filter((l) => l.includes(` ${event}: `));

function conform(r: RunResult) {
  return analyse([collectLines('sim.txt', (r.traceText ?? '').split('\n'))]).totals;
}

describe('runScenario', () => {
  it('is deterministic: same scenario and seed ⇒ identical result and trace; another seed ⇒ different', () => {
    const a = run(BUSY);
    const b = run(BUSY);
    expect(json(a)).toBe(json(b));
    expect(a.traceText).toBe(b.traceText);
    const c = run(BUSY, 4);
    expect(c.seed).toBe(4);
    expect(c.traceText).not.toBe(a.traceText);
  });

  it('p4-like memory.reclaim: root reclaim starts at MGLRU priority 6 with GFP_HIGHUSER_MOVABLE, as init-1', () => {
    const r = run(P4_LIKE);
    const starts = lines(r, 'mm_shrink_slab_start');
    expect(starts.length).toBeGreaterThan(0);
    // The real p4 trace's first super_cache_scan pair, digit for digit (that superblock behaves as
    // seeks 0: delta = 348 / 2 at any priority; batch 1024 > 174 < 348, so no scan call).
    expect(starts[0]).toMatch(/^\s+init-1\s+\[001\] \.{5}\s+0\.000000: mm_shrink_slab_start: super_cache_scan\+0x0\/0x1c0 [0-9a-f]{16}: nid: 0 objects to shrink 0 gfp_flags GFP_HIGHUSER_MOVABLE cache items 348 delta 174 total_scan 174 priority 6$/);
    // Binder's 256 LRU pages at priority 6: delta = (256 >> 6) * 4 / 2 = 8, too little for a batch.
    expect(lines(r, 'mm_shrink_slab_end')[0]).toMatch(/nid: 0 unused scan count 0 new scan count 174 total_scan 174 last shrinker return val 0$/);
    const binder = starts.find((l) => l.includes('binder_shrink_scan'));
    expect(binder).toMatch(/cache items 256 delta 8 total_scan 8 priority 6$/);
    expect(lines(r, 'mm_vmscan_memcg_reclaim_begin')[0]).toMatch(/init-1 .* mm_vmscan_memcg_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE$/);
    const step = r.steps.find((s) => s.kind === 'memory_reclaim');
    expect(step?.ok).toBe(true);
    expect(r.reclaim.every((row) => row.path === 'proactive' && row.gfp === 'GFP_HIGHUSER_MOVABLE')).toBe(true);
    expect(conform(r)).toMatchObject({ mismatched: 0 });
  });

  it('drop_caches: priority 0, GFP_KERNEL, every Binder LRU page freed (p2: 451 items, 451 freed)', () => {
    const r = run(DROP_CACHES);
    const binder = lines(r, 'mm_shrink_slab_start').filter((l) => l.includes('binder_shrink_scan'));
    // 1804 KiB = 451 pages; seeks 2 at priority 0: delta = 451 * 4 / 2 = 902 = total_scan
    expect(binder[0]).toMatch(/^\s+init-1\s+\[000\] .* objects to shrink 0 gfp_flags GFP_KERNEL cache items 451 delta 902 total_scan 902 priority 0$/);
    const end = lines(r, 'mm_shrink_slab_end').find((l) => l.includes('binder_shrink_scan'));
    // Exactly the real p2 line: each freed page is LRU_REMOVED_RETRY, and the walk's nr_scanned
    // accounting leaves 6 of the 902 (the Binder model's own business; the core just sums).
    expect(end).toMatch(/unused scan count 0 new scan count 6 total_scan 6 last shrinker return val 451$/);
    expect(r.snapshots[0]?.binder.procs[0]?.counts).toEqual({ active: 0, lru: 0, free: 1024 });
    expect(r.events['binder_unmap_kernel_start']).toBe(451);
    const drop = r.steps.find((s) => s.kind === 'drop_caches');
    expect(drop?.ok && drop.detail).toMatchObject({ slabPagesFreed: 451 });
    expect(r.reclaim.filter((row) => row.path === 'drop_caches').map((row) => [row.priority, row.gfp])).toEqual([[0, 'GFP_KERNEL']]);
    // echo 3 also drops the page cache
    expect(r.memory.end.pageCache).toBe(0);
    expect(conform(r)).toMatchObject({ mismatched: 0 });
  });

  it('GFP_NOFS windup: direct reclaim in the writer’s context STOPs the superblock shrinker, kswapd scans later', () => {
    const r = run(WINDUP);
    const starts = lines(r, 'mm_shrink_slab_start');
    const direct = starts.filter((l) => l.includes('f2fs_writer-700'));
    const kswapd = starts.filter((l) => l.includes('kswapd0-'));
    expect(direct.length).toBeGreaterThan(0);
    expect(direct.every((l) => l.includes('gfp_flags GFP_NOFS') && l.includes('[003]'))).toBe(true);
    expect(kswapd.length).toBeGreaterThan(0);
    expect(kswapd.every((l) => l.includes('gfp_flags GFP_KERNEL'))).toBe(true);
    const sb = r.shrinkers.find((s) => s.name === 'sb-data');
    expect(sb?.stops).toBeGreaterThan(0);
    expect(r.skips['stop_no_gfp_fs']).toBe(sb?.stops);
    // Deferred work piled up by the NOFS passes is carried into kswapd's first call.
    const firstKswapd = kswapd[0] ?? '';
    const carried = Number(/objects to shrink (\d+)/.exec(firstKswapd)?.[1]);
    expect(carried).toBeGreaterThan(0);
    // Memory is allocated in SWAP_CLUSTER_MAX chunks; every chunk that finds free memory
    // below min runs one try_to_free_pages, which always opens at DEF_PRIORITY (one node, no
    // memcgs: one shrink_slab pass per priority), so the two counts must agree.
    const opened = r.reclaim.filter((row) => row.path === 'direct' && row.priority === 12).reduce((a, row) => a + row.passes, 0);
    expect(r.memory.directReclaims).toBeGreaterThan(1);
    expect(r.memory.directReclaims).toBe(opened);
    expect(r.reclaim.some((row) => row.path === 'direct' && row.gfp === 'GFP_NOFS')).toBe(true);
    expect(r.reclaim.filter((row) => row.path === 'kswapd').every((row) => row.priority >= 1)).toBe(true);
    expect(conform(r)).toMatchObject({ mismatched: 0 });
  });

  it('a busy device: samples every interval, Binder traffic allocates, the trace conforms', () => {
    const r = run(BUSY);
    expect(r.series.map((s) => s.timeNs)).toEqual(Array.from({ length: 13 }, (_, i) => i * 250_000_000));
    expect(r.binder.procs.map((p) => p.allocations).every((n) => n > 0)).toBe(true);
    expect(r.memory.kswapdWakeups).toBeGreaterThan(0);
    expect(r.simulatedNs).toBe(3_000_000_000);
    expect(conform(r)).toMatchObject({ mismatched: 0 });
    // The tally counts events whether or not lines are kept.
    const quiet = runScenario(loadScenarioText(BUSY, 'test.yaml'), {});
    expect(quiet.traceText).toBeUndefined();
    expect(quiet.events).toEqual(r.events);
  });

  it('adding a generator does not perturb another generator’s draws', () => {
    const base = run(BUSY);
    const more = run(BUSY.replace('  locks:\n', '  locks:\n    - { proc: surfaceflinger, lock: alloc, rate: 100/s, hold: 1ms }\n'));
    const arrivals = (r: RunResult) =>
      lines(r, 'binder_transaction_alloc_buf')
        .filter((l) => l.includes('binder_client-2000'))
        .map((l) => l.replace(/transaction=\d+ /, ''));
    expect(arrivals(more)).toEqual(arrivals(base));
  });
});
