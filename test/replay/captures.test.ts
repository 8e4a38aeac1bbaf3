/**
 * `replay --compare --reclaim-from-trace` on the real captures (Debian 6.12.95, binder_linux):
 * every page event (install, LRU add, LRU reuse, unmap) and every update_page_range in the
 * order the capture fixes, every Binder shrinker pair exact by conform's arithmetic, and the
 * replayed count equal to each pair's `cache items`.
 *
 * The figures are the captures' own: p2 ends with 451 pages on the LRU and drop_caches frees
 * them all (one binder_shrink_scan pair); p4 ends with 539 and memory.reclaim frees them over
 * several pairs; p7's kswapd and an OOM-bound task's direct reclaim walk the LRU at once (9
 * counts are taken while the other task's walk is under way: the replay, which runs calls
 * whole, allows the one page per other walker that may be between its unmap_kernel_end and
 * list_lru_isolate); p8's walks skip 3,099 pages of the client whose mmap lock is being
 * written.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayFile, type ReplayReport } from '../../src/replay/replay.js';

const FIX = join(import.meta.dirname, '..', 'fixtures');
const V1 = join(FIX, 'linux-6.12.95');
const V2 = join(FIX, 'linux-6.12.95-v2');

interface Expect {
  file: string;
  byDebugId: boolean;
  /** installs, LRU adds, LRU reuses, unmaps in the capture. */
  counts: [number, number, number, number];
  ranges: number;
  /** Every allocator and shrinker-callback event (starts, ends, both unmaps, ranges). */
  all: number;
  pairs: number;
  /** conform: exact (the others consistent: calls that overlapped another task's). */
  exact: number;
  /** Counts the capture took while another task's operation was under way. */
  concurrent: number;
  ambiguous: number;
  skips: number;
  exits: number;
}

const CAPTURES: Expect[] = [
  { file: join(V1, 'trace_p2_binder_drop_caches.txt.gz'), byDebugId: false, counts: [451, 3414, 2963, 451], ranges: 2204, all: 17664, pairs: 1, exact: 1, concurrent: 0, ambiguous: 100, skips: 0, exits: 0 },
  { file: join(V1, 'trace_p4_memory_reclaim.txt.gz'), byDebugId: false, counts: [539, 3589, 3050, 539], ranges: 2219, all: 18731, pairs: 11, exact: 11, concurrent: 0, ambiguous: 89, skips: 0, exits: 0 },
  { file: join(FIX, 'linux-6.12.95-oom', 'trace_p7_oom.txt.gz'), byDebugId: false, counts: [451, 3887, 3436, 451], ranges: 2225, all: 19577, pairs: 17, exact: 16, concurrent: 9, ambiguous: 74, skips: 0, exits: 0 },
  { file: join(V2, 'trace_p2_binder_drop_caches.txt.gz'), byDebugId: true, counts: [451, 3414, 2963, 451], ranges: 2204, all: 17664, pairs: 1, exact: 1, concurrent: 0, ambiguous: 0, skips: 0, exits: 0 },
  { file: join(V2, 'trace_p4_memory_reclaim.txt.gz'), byDebugId: true, counts: [539, 3589, 3050, 539], ranges: 2219, all: 18731, pairs: 21, exact: 21, concurrent: 0, ambiguous: 0, skips: 0, exits: 0 },
  { file: join(V2, 'trace_p8_contention.txt.gz'), byDebugId: true, counts: [1034, 6692, 5658, 1008], ranges: 4414, all: 35214, pairs: 360, exact: 360, concurrent: 0, ambiguous: 0, skips: 3099, exits: 2 },
];

describe.each(CAPTURES)('replay --compare --reclaim-from-trace $file', (c) => {
  let r: ReplayReport;
  beforeAll(async () => {
    r = await replayFile(c.file, { reclaimFromTrace: true });
  });

  it('takes every allocation and free (802 of each per traffic phase), by debug id or inferred', () => {
    const phases = c.counts[0] > 600 ? 2 : 1;
    expect(r.cut.byDebugId).toBe(c.byDebugId);
    expect(r.plan.stats.allocs).toBe(802 * phases);
    expect(r.plan.stats.frees).toBe(802 * phases);
    expect(r.plan.stats.inferred).toBe(c.byDebugId ? 0 : 802);
    expect(r.plan.stats.ambiguous).toBe(c.ambiguous);
    expect([r.plan.stats.unmatched, r.plan.stats.strayContinuations, r.plan.stats.incomplete]).toEqual([0, 0, 0]);
    expect(r.plan.stats.exited).toBe(c.exits);
  });

  it('matches 100 % of page events, update_page_range events and every event as printed, in order', () => {
    const t = r.compare.totals;
    const total = c.counts.reduce((a, b) => a + b, 0);
    expect([t.traceEvents, t.matched, t.modelEvents]).toEqual([total, total, total]);
    expect([t.traceRanges, t.rangesMatched, t.modelRanges]).toEqual([c.ranges, c.ranges, c.ranges]);
    expect([t.traceAll, t.allMatched, t.modelAll]).toEqual([c.all, c.all, c.all]);
    expect(t.pagesSame).toBe(t.pages);
    expect(r.compare.divergences).toEqual([]);
    const ev = r.run.events;
    expect([ev['binder_alloc_page_end'], ev['binder_free_lru_end'], ev['binder_alloc_lru_end'], ev['binder_unmap_kernel_end']]).toEqual(c.counts);
  });

  it("checks the capture's Binder shrinker pairs exact, and replays each count and skip", () => {
    const s = r.shrink;
    expect([s.pairs, s.exact, s.mismatched]).toEqual([c.pairs, c.exact, 0]);
    expect([s.countsChecked, s.countsDiffer, s.concurrentCounts, s.scanLoopMismatch]).toEqual([c.pairs, 0, c.concurrent, 0]);
    expect([s.traceSkips, s.replaySkips]).toEqual([c.skips, c.skips]);
    expect(r.diverged).toBe(false);
  });
});
