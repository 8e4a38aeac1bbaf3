/**
 * How much one LRU pass takes: the stopping rules of classic shrink_lruvec and of MGLRU's
 * try_to_shrink_lruvec / should_abort_scan, with numbers worked from those rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancePgdat, kswapdTask, newScanControl, shrinkLruvec, tryToFreePages } from '../../../src/mm/reclaim/index.js';
import { roundsToTarget } from '../../../src/mm/reclaim/shrinkLruvec.js';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { CHILD, model, node, recorder, ROOT } from './harness.js';

const WM = { min: 724, low: 905, high: 1086 };
const TASK = { comm: 'app', pid: 100, cpu: 0, nid: 0 };

describe('MGLRU kswapd stops at high + MIN_LRU_BATCH (6.12 should_abort_scan)', () => {
  it('reclaims in 64-page batches only until free > high + 64, then skips the other memcgs', () => {
    // nr_to_reclaim = 1086; inactive 100000 → fls 17 → 16 − fls(1085)=11 → 5 → clamp 6.
    // Budget at 6: 200000 >> 6 = 3125. Needed: free > 1086 + 64, i.e. 1151 − 905 = 246 pages
    // → ceil(246 / 64) = 4 batches = 256 pages → free 1161. should_abort_scan after the root's
    // shrink_one → the child memcg's shrinkers are not called. The pass scanned 256 < 1086, so
    // raise_priority → 5, but the loop top finds 1161 > 1086: balanced, one pass only.
    const n = node(0, { managed: 500_000, file: 200_000, free: 905, wmark: WM });
    const r = recorder({ profile: '6.12', mglru: true, memcgs: [ROOT, CHILD] });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(run).toEqual({ nrReclaimed: 256, priorities: [6], balanced: true });
    expect(n.free).toBe(1161);
    expect(r.calls.map((c) => `${c.priority}/${c.memcg?.ino}`)).toEqual(['6/1']);
  });

  it('6.1 has no watermark abort and no initial priority: whole budgets under nr_to_reclaim', () => {
    // priority 12: 200000 >> 12 = 48 (under 1086, so all of it); 11: 199952 >> 11 = 97;
    // 10: 199855 >> 10 = 195 → free 905 + 340 = 1245 > 1086 → balanced at the loop top.
    // Both memcgs are visited every pass (kswapd full walk).
    const n = node(0, { managed: 500_000, file: 200_000, free: 905, wmark: WM });
    const r = recorder({ profile: '6.1', mglru: true, memcgs: [ROOT, CHILD] });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(run.priorities).toEqual([12, 11, 10]);
    expect(run.nrReclaimed).toBe(48 + 97 + 195);
    expect(r.calls).toHaveLength(6);
  });

  it('slab pages a pass frees count for kswapd_shrink_node on 6.12 (max(scanned, reclaimed))', () => {
    // Nothing on the LRU; each shrink_slab hands back 1100 slab pages (credited: root reclaim).
    // 6.12: progress = max(0, 1100) ≥ 1086 → priority stays 12 while the node fills up;
    // the recorder frees no real pages, so free stays 0 and the loop ends only by priority…
    // except it never lowers it: cap the test by making the 2nd call balance the node.
    const n = node(0, { managed: 500_000, free: 0, wmark: WM });
    const r = recorder({
      profile: '6.12',
      outcome: (_c, i) => {
        if (i === 1) n.release('other', 2000);
        return { freed: 1100n, slabPagesFreed: 1100 };
      },
    });
    const run = balancePgdat(model([n]), n, kswapdTask(0, 41), r.deps);
    expect(run.priorities).toEqual([12, 12]);
    // 6.1 counts only LRU pages scanned: the priority falls every pass.
    const n1 = node(0, { managed: 500_000, free: 0, wmark: WM });
    const r1 = recorder({
      profile: '6.1',
      outcome: (_c, i) => {
        if (i === 1) n1.release('other', 2000);
        return { freed: 1100n, slabPagesFreed: 1100 };
      },
    });
    expect(balancePgdat(model([n1]), n1, kswapdTask(0, 41), r1.deps).priorities).toEqual([12, 11]);
  });
});

describe('classic shrink_lruvec stopping rule', () => {
  it('global direct reclaim at DEF_PRIORITY scans its whole budget (proportional_reclaim)', () => {
    // 1048576 >> 12 = 256 pages, all taken although nr_to_reclaim is 32; 256 ≥ 32 ends the loop.
    const n = node(0, { managed: 2_000_000, file: 1_048_576, free: 0, wmark: WM });
    const r = recorder({ profile: '6.12' });
    expect(tryToFreePages(model([n]), TASK, GFP_KERNEL, r.deps)).toBe(256);
    expect(r.priorities()).toEqual([12]);
  });

  it('below DEF_PRIORITY direct reclaim stops at 32, and the larger list gets one nudge', () => {
    // swappiness 100, priority 10: file (1024000 >> 10) · 100/200 = 500, anon 250.
    // Round 1: 32 + 32 = 64 ≥ 32 → stop. Left: file 468, anon 218 → anon (smaller) stops at
    // pct = 218·100/251 = 86 % left; file is brought to 500·(100−86)/100 = 70 scanned.
    const n = node(0, { managed: 2_000_000, file: 1_024_000, anon: 512_000, swap: 1_000_000, free: 0, wmark: WM });
    const sc = newScanControl({ path: 'direct', task: TASK, nrToReclaim: 32, gfpMask: GFP_KERNEL, priority: 10, targetMemcg: null, maySwap: true, proactive: false });
    const res = shrinkLruvec(model([n], 100), n, sc);
    expect(res).toEqual({ scannedFile: 70, scannedAnon: 32, reclaimedFile: 70, reclaimedAnon: 32 });
    expect(n.swapUsed).toBe(32);
  });

  it('mapped page cache in use stays active: only the unmapped pages are scanned and reclaimed', () => {
    // 30720 pages of page cache, 29952 mapped: the inactive list holds 768. Proactive (memcg)
    // reclaim of 4096 at priority 3: 768 >> 3 = 96 scanned, all reclaimed, none mapped.
    const n = node(0, { managed: 131_072, file: 30_720, fileMapped: 29_952, free: 10_000, wmark: WM });
    const sc = newScanControl({ path: 'proactive', task: TASK, nrToReclaim: 4096, gfpMask: GFP_KERNEL, priority: 3, targetMemcg: ROOT, maySwap: true, proactive: true });
    expect(shrinkLruvec(model([n]), n, sc)).toEqual({ scannedFile: 96, scannedAnon: 0, reclaimedFile: 96, reclaimedAnon: 0 });
    expect(n.fileMapped).toBe(29_952);
    // Down to priority 0 the whole inactive list goes, and nothing more: 768 − 96 = 672 left.
    const sc0 = newScanControl({ path: 'proactive', task: TASK, nrToReclaim: 4096, gfpMask: GFP_KERNEL, priority: 0, targetMemcg: ROOT, maySwap: true, proactive: true });
    expect(shrinkLruvec(model([n]), n, sc0).reclaimedFile).toBe(672);
    expect(n.file).toBe(29_952);
  });

  it('roundsToTarget is the smallest k ≥ 1 whose rounds reach the target (or the whole budget)', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), fc.constantFrom(32, 64), fc.integer({ min: 1, max: 300_000 }), (f, a, b, t) => {
        const k = roundsToTarget(f, a, b, t);
        const sum = (j: number): number => Math.min(f, j * b) + Math.min(a, j * b);
        const max = Math.max(1, Math.ceil(Math.max(f, a) / b));
        expect(k).toBeGreaterThanOrEqual(1);
        expect(k).toBeLessThanOrEqual(max);
        if (k < max) expect(sum(k)).toBeGreaterThanOrEqual(t);
        if (k > 1) expect(sum(k - 1)).toBeLessThan(t);
      }),
    );
  });
});
