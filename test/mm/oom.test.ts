import { describe, expect, it } from 'vitest';
import {
  GFP_HIGHUSER_MOVABLE,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_NOIO,
  __GFP_DMA32,
  __GFP_NORETRY,
  __GFP_RETRY_MAYFAIL,
  __GFP_THISNODE,
  gfp,
} from '../../src/mm/gfp.js';
import { oomBadness, pgtablePagesFor, selectBadProcess, shouldReclaimRetry, slowpathEnd, type OomCandidate } from '../../src/mm/oom.js';

const cand = (pid: number, rssPages: number, oomScoreAdj: number, extra: Partial<OomCandidate> = {}): OomCandidate => ({
  pid,
  comm: `t${pid}`,
  rssPages,
  swapPages: 0,
  pgtablePages: 0,
  oomScoreAdj,
  ...extra,
});

describe('should_reclaim_retry', () => {
  it('gives up after MAX_RECLAIM_RETRIES (16) loops without progress: the 17th failed reclaim ends it', () => {
    let loops = 0;
    let reclaims = 0;
    for (;;) {
      reclaims++;
      const d = shouldReclaimRetry(0, false, loops, true);
      loops = d.noProgressLoops;
      if (!d.retry) break;
    }
    expect(reclaims).toBe(17);
    expect(loops).toBe(17);
  });

  it('progress resets the count for order ≤ 3, not for costly orders', () => {
    expect(shouldReclaimRetry(0, true, 16, true)).toEqual({ retry: true, noProgressLoops: 0 });
    expect(shouldReclaimRetry(3, true, 5, true)).toEqual({ retry: true, noProgressLoops: 0 });
    expect(shouldReclaimRetry(4, true, 5, true)).toEqual({ retry: true, noProgressLoops: 6 });
    expect(shouldReclaimRetry(4, true, 16, true)).toEqual({ retry: false, noProgressLoops: 17 });
  });

  it('stops at once when free + reclaimable cannot reach the min watermark', () => {
    expect(shouldReclaimRetry(0, false, 0, false)).toEqual({ retry: false, noProgressLoops: 1 });
    expect(shouldReclaimRetry(0, true, 3, false)).toEqual({ retry: false, noProgressLoops: 0 });
  });
});

describe('__alloc_pages_slowpath / __alloc_pages_may_oom / out_of_memory rules', () => {
  it('GFP_KERNEL and GFP_HIGHUSER_MOVABLE order 0 invoke the OOM killer', () => {
    expect(slowpathEnd(GFP_KERNEL, 0)).toBe('oom_kill');
    expect(slowpathEnd(GFP_HIGHUSER_MOVABLE, 0)).toBe('oom_kill');
  });
  it('GFP_NOFS / GFP_NOIO: out_of_memory reports progress and kills nothing', () => {
    expect(slowpathEnd(GFP_NOFS, 0)).toBe('nofs_progress');
    expect(slowpathEnd(GFP_NOIO, 0)).toBe('nofs_progress');
  });
  it('__GFP_NORETRY, __GFP_RETRY_MAYFAIL, __GFP_THISNODE, lowmem and costly orders fail without a kill', () => {
    expect(slowpathEnd(gfp(GFP_KERNEL | __GFP_NORETRY), 0)).toBe('fail');
    expect(slowpathEnd(gfp(GFP_KERNEL | __GFP_RETRY_MAYFAIL), 0)).toBe('fail');
    expect(slowpathEnd(gfp(GFP_KERNEL | __GFP_THISNODE), 0)).toBe('fail');
    expect(slowpathEnd(gfp(GFP_KERNEL | __GFP_DMA32), 0)).toBe('fail');
    expect(slowpathEnd(GFP_KERNEL, 4)).toBe('fail');
    expect(slowpathEnd(GFP_KERNEL, 3)).toBe('oom_kill');
  });
});

describe('oom_badness and select_bad_process', () => {
  // 512 MiB, no swap: totalpages 131072, so one oom_score_adj unit is 131072 / 1000 = 131 pages.
  const TOTAL = 131_072;

  it('rss + swap + page tables, plus adj × (totalpages / 1000) with the division first', () => {
    expect(oomBadness(cand(1, 1000, 0, { swapPages: 20, pgtablePages: 3 }), TOTAL)).toBe(1023);
    expect(oomBadness(cand(1, 1000, 1000), TOTAL)).toBe(1000 + 131_000);
    expect(oomBadness(cand(1, 1000, -500), TOTAL)).toBe(1000 - 65_500);
    expect(oomBadness(cand(1, 1000, -999), TOTAL)).toBe(1000 - 130_869);
  });

  it('oom_score_adj -1000 is never chosen, however large', () => {
    expect(oomBadness(cand(1, 100_000, -1000), TOTAL)).toBeNull();
    expect(selectBadProcess([cand(1, 100_000, -1000)], TOTAL)).toBeNull();
    expect(selectBadProcess([cand(1, 100_000, -1000), cand(2, 10, -999)], TOTAL)).toEqual({ index: 1, points: 10 - 130_869 });
  });

  it('the Binder server (-1000) is spared; the hog (1000) beats a larger task at 0', () => {
    const server = cand(285, 600, -1000);
    const big = cand(300, 60_000, 0);
    const hog = cand(289, 2_000, 1000);
    expect(selectBadProcess([server, hog, big], TOTAL)).toEqual({ index: 1, points: 2_000 + 131_000 });
  });

  it('ties go to the task met last (points < chosen_points is the only skip)', () => {
    expect(selectBadProcess([cand(1, 500, 0), cand(2, 500, 0), cand(3, 499, 0)], TOTAL)).toEqual({ index: 1, points: 500 });
  });

  it('page tables of a contiguous mapping: one PTE page per 512 pages, one PMD page per 1 GiB', () => {
    expect(pgtablePagesFor(0)).toBe(0);
    expect(pgtablePagesFor(1)).toBe(2);
    expect(pgtablePagesFor(512)).toBe(2);
    expect(pgtablePagesFor(513)).toBe(3);
    expect(pgtablePagesFor(46_464)).toBe(91 + 1);
  });
});
