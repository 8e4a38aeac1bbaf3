/** A hand-made RunResult for renderer tests (independent of the run loop). */
import type { RunResult } from '../../src/report/result.js';

export function sampleResult(over: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'shrinksim', version: '0.1.0' },
    scenario: { name: 'unit', file: 'scenarios/unit.yaml', hash: 'sha256:' + 'ab'.repeat(32) },
    seed: 42,
    kernel: '6.12',
    simulatedNs: 2_500_000_000,
    shrinkers: [
      {
        name: 'sb-ext4:vda1', symbol: 'super_cache_scan+0x0/0x1c0', seeks: 2, batch: 1024, numaAware: true, memcgAware: true,
        countCalls: 10, countSkips: 1, scanCalls: 4n, scanned: 4096n, freed: 4000n, stops: 1, deferredEnd: 9223372036854775807n, deferredMax: 9223372036854775807n, countEnd: 100n,
      },
      {
        name: 'android-binder', symbol: 'binder_shrink_scan+0x0/0xd0', seeks: 2, batch: 0, numaAware: false, memcgAware: false,
        countCalls: 3, countSkips: 0, scanCalls: 2n, scanned: 256n, freed: 150n, stops: 0, deferredEnd: 44n, deferredMax: 60n, countEnd: 0n,
      },
    ],
    binder: {
      procs: [
        { name: 'app', driver: 'c', pages: { active: 1, lru: 2, free: 29 }, highWatermark: 16, refaults: 3, reclaimed: 5, allocations: 7, allocFailures: { ENOSPC: 2, ENOSPC_ASYNC: 0 }, dead: false },
      ],
    },
    memory: {
      totalPages: 131072, watermarks: { min: 1000, low: 1250, high: 1500 }, end: { free: 2000, pageCache: 50000, anon: 60000 },
      minFree: 900, kswapdWakeups: 2, directReclaims: 1, allocFailures: 0, reclaimed: { pageCache: 300, anon: 0, slab: 5 },
    },
    reclaim: [
      { path: 'kswapd', priority: 12, gfp: 'GFP_KERNEL', passes: 3, reclaimedPages: 120, slabFreed: 40n },
      { path: 'direct', priority: 0, gfp: 'GFP_NOFS', passes: 1, reclaimedPages: 32, slabFreed: 0n },
    ],
    skips: { mmap_lock: 61, alloc_lock: 2 },
    steps: [
      { index: 0, kind: 'alloc', timeNs: 0, ok: true },
      { index: 1, kind: 'alloc', timeNs: 1_000_000, ok: false, error: 'ENOSPC', message: 'no space left for 200000 bytes' },
    ],
    snapshots: [{ label: 'end', binder: { procs: [{ name: 'app', pages: 'al.', buffers: [{ name: 'b', offset: 0, size: 4096, free: false }], counts: { active: 1, lru: 1, free: 1 } }] } }],
    events: { mm_shrink_slab_start: 4, binder_alloc_lru_start: 9, mm_shrink_slab_end: 4 },
    series: [
      { timeNs: 0, freePages: 3000, pageCache: 50000, anon: 60000, binder: { active: 0, lru: 0, free: 32 }, shrinkers: [{ count: 100n, deferred: 0n }, { count: 0n, deferred: 0n }] },
      { timeNs: 1_500_000, freePages: 2000, pageCache: 49000, anon: 60000, binder: { active: 1, lru: 2, free: 29 }, shrinkers: [{ count: 90n, deferred: 9223372036854775807n }, { count: 2n, deferred: 44n }] },
    ],
    traceText: 'not in json',
    ...over,
  };
}
