/**
 * The 6.1 allocator, against a trace written by hand from 6.1.192's binder_alloc.c
 * (test/fixtures/linux-6.1/trace_binder_handmade.txt): three transactions (10000, 24 and
 * 9000 bytes), their frees, then drop_caches.
 *
 * 6.1's binder_update_page_range returns before its tracepoint when end <= start (the 24-byte
 * buffer at 10000 has an empty range, and so has its free), installs pages in the ascending
 * walk under alloc->mutex, and frees from end - PAGE_SIZE down: freeing [0, 8192) lists page
 * 1 before page 0, so drop_caches unmaps 1, 0, 3, 4, 2. 6.12 traces every range (8 where 6.1
 * has 6) and lists pages upwards.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayFile, type ReplayReport } from '../../src/replay/replay.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'linux-6.1', 'trace_binder_handmade.txt');

describe('a hand-made 6.1 trace', () => {
  let r61: ReplayReport;
  let r612: ReplayReport;
  beforeAll(async () => {
    r61 = await replayFile(FIXTURE, { kernel: '6.1', reclaimFromTrace: true });
    r612 = await replayFile(FIXTURE, { kernel: '6.12', reclaimFromTrace: true });
  });

  it('replays in order under profile 6.1: 15 page events, 6 update_page_range, the shrinker pair exact', () => {
    const t = r61.compare.totals;
    expect([t.traceEvents, t.matched, t.modelEvents]).toEqual([15, 15, 15]);
    expect([t.traceRanges, t.rangesMatched, t.modelRanges]).toEqual([6, 6, 6]);
    expect([r61.shrink.pairs, r61.shrink.exact, r61.shrink.countsDiffer]).toEqual([1, 1, 0]);
    expect(r61.run.events['binder_update_page_range']).toBe(6);
    // Every event as printed: 6.1's callback unmaps the user page before the kernel page.
    expect([t.traceAll, t.allMatched, t.modelAll]).toEqual([46, 46, 46]);
    expect(r61.diverged).toBe(false);
  });

  it('the unmaps follow 6.1 LRU order: 1, 0, 3, 4, 2', () => {
    const unmaps = (r61.run.traceText ?? '')
      .split('\n')
      .filter((l) => l.includes('binder_unmap_kernel_end'))
      .map((l) => Number(/page_index=(\d+)/.exec(l)?.[1]));
    expect(unmaps).toEqual([1, 0, 3, 4, 2]);
  });

  it('under profile 6.12 the same traffic diverges: two more ranges, pages listed upwards', () => {
    const t = r612.compare.totals;
    expect(t.modelRanges).toBe(8);
    // Free of [0, 8192): 6.12 adds 0 then 1 (one of two in order); drop_caches then unmaps 0 first.
    expect(t.matched).toBe(13);
    expect(r612.compare.divergences.map((d) => d.step.kind)).toEqual(['free', 'shrink']);
    expect(r612.diverged).toBe(true);
  });
});

describe('the p2 traffic (second capture, frees by debug id) through the 6.1 allocator', () => {
  let r: ReplayReport;
  beforeAll(async () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95-v2', 'trace_p2_binder_drop_caches.txt.gz');
    r = await replayFile(file, { kernel: '6.1', reclaimFromTrace: true });
  });

  it('emits 1,458 update_page_range where 6.12 traced 2,204, as measured on a real 6.1 capture of this traffic', () => {
    expect(r.compare.totals.traceRanges).toBe(2204);
    expect(r.run.events['binder_update_page_range']).toBe(1458);
  });

  it('touches the same pages as often (451 installs, 3,414 LRU adds, 2,963 reuses), in another order', () => {
    const ev = r.run.events;
    expect([ev['binder_alloc_page_end'], ev['binder_free_lru_end'], ev['binder_alloc_lru_end']]).toEqual([451, 3414, 2963]);
    // Each page's own history is the same; the order across a buffer's pages is not.
    expect(r.compare.totals.pagesSame).toBe(r.compare.totals.pages);
    expect(r.compare.totals.matched).toBeLessThan(r.compare.totals.traceEvents);
    expect(r.diverged).toBe(true);
  });
});

describe('which allocator printed a capture', () => {
  it('a 6.12 capture with inferred frees replays on the 6.1 allocator: inference reads it as 6.12 printed it', async () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95', 'trace_p2_binder_drop_caches.txt.gz');
    const r = await replayFile(file, { kernel: '6.1', reclaimFromTrace: true });
    expect(r.cut.capturedBy).toBe('6.12');
    expect([r.plan.stats.frees, r.plan.stats.unmatched, r.plan.stats.strayContinuations]).toEqual([802, 0, 0]);
    expect(r.run.events['binder_update_page_range']).toBe(1458);
  });

  it('the hand-made 6.1 trace shows an allocation with no range event: 6.1', async () => {
    const r = await replayFile(FIXTURE, { kernel: '6.12', reclaimFromTrace: false });
    expect(r.cut.capturedBy).toBe('6.1');
  });
});
