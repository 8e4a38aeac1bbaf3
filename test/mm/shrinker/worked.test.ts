/**
 * Spec §10 worked examples W1–W4, digit for digit, through doShrinkSlab with a real scan
 * callback and a trace sink. Every number below was derived by hand from the C types of
 * do_shrink_slab (see the comments); none is computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS } from '../../../src/mm/gfp.js';
import { doShrinkSlab } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { LEGACY_FORMULA } from '../../../src/mm/shrinker/arithLegacy.js';
import { honest, localCore, ranOf, recordingTrace, sc0 } from './helpers.js';

describe('W1: kswapd-style pass at DEF_PRIORITY on a large cache', () => {
  it('F=1,000,000 p=12 s=2 N=5,000: delta 488, total 489, 3 calls, slot 5000 → 0 → 5104', () => {
    const { core, slot, calls } = localCore({ count: 1_000_000n, nr: 5000n, seeks: 2 });
    const t = recordingTrace();
    const r = ranOf(doShrinkSlab(core, sc0(GFP_KERNEL), 12, t));
    // 1e6 >> 12 = 244; 244·4/2 = 488. 5000 >> 12 = 1; 1 + 488 = 489 < 2F.
    expect(r.start).toEqual({
      type: 'mm_shrink_slab_start',
      shr: core.traceRef,
      nid: 0,
      nrObjectsToShrink: 5000n,
      gfpFlags: GFP_KERNEL,
      cacheItems: 1_000_000n,
      delta: 488n,
      totalScan: 489n,
      priority: 12,
    });
    // 489 → 361 → 233 → 105: 105 < 128 and 105 < F, so three calls of 128.
    expect(calls.map((c) => c.nrToScan)).toEqual([128, 128, 128]);
    expect(r.stats).toEqual({ calls: 3n, stops: 0, scanned: 384n, freed: 384n, livelock: false });
    // next_deferred = 5000 + 488 − 384 = 5104.
    expect(r.end).toEqual({
      type: 'mm_shrink_slab_end',
      shr: core.traceRef,
      nid: 0,
      unusedScan: 5000n,
      newScan: 5104n,
      retval: 384,
      totalScan: 105n,
    });
    expect(slot.value).toBe(5104n);
    expect(t.order).toEqual(['start', 'end']);
  });
});

describe('W2: GFP_NOFS windup, then kswapd (seeks = 0)', () => {
  it('call A: STOP on the first scan defers the whole delta (2048)', () => {
    const { core, slot, calls } = localCore({ count: 4096n, nr: 0n, seeks: 0, scan: () => 'stop' });
    const t = recordingTrace();
    const r = ranOf(doShrinkSlab(core, sc0(GFP_NOFS), 10, t));
    // seeks 0: delta = 4096/2 = 2048 whatever the priority; total = 0 + 2048.
    expect(r.start.delta).toBe(2048n);
    expect(r.start.totalScan).toBe(2048n);
    expect(r.start.gfpFlags).toBe(GFP_NOFS);
    expect(calls).toEqual([{ nrToScan: 128, nid: 0 }]);
    expect(r.stats).toMatchObject({ calls: 1n, stops: 1, scanned: 0n, freed: 0n });
    expect(r.end).toMatchObject({ unusedScan: 0n, newScan: 2048n, totalScan: 2048n, retval: 0 });
    expect(slot.value).toBe(2048n);
  });

  it('call B: at p=12 none of the 2048 backlog is in the slice; 16 calls; slot stays 2048', () => {
    const { core, slot, calls } = localCore({ count: 4096n, nr: 2048n, seeks: 0 });
    const r = ranOf(doShrinkSlab(core, sc0(GFP_KERNEL), 12, recordingTrace()));
    // 2048 >> 12 = 0; total = 0 + 2048.
    expect(r.start).toMatchObject({ nrObjectsToShrink: 2048n, delta: 2048n, totalScan: 2048n });
    expect(calls.length).toBe(16);
    expect(calls.every((c) => c.nrToScan === 128)).toBe(true);
    // 2048 + 2048 − 2048 = 2048.
    expect(r.end).toMatchObject({ unusedScan: 2048n, newScan: 2048n, totalScan: 0n, retval: 2048 });
    expect(slot.value).toBe(2048n);
  });

  it('seeks = 2 variant: each call adds exactly 2 and saturates at 2F = 8192 after 4096 calls', () => {
    const { core, slot, calls } = localCore({ count: 4096n, nr: 0n, seeks: 2, scan: () => 'stop' });
    const seen: bigint[] = [];
    for (let i = 0; i < 4100; i++) {
      doShrinkSlab(core, sc0(GFP_NOFS), 12);
      seen.push(slot.value);
    }
    // delta = (4096 >> 12)·4/2 = 2; total_scan = (N >> 12) + 2 ≤ 3 < F, so the loop is never
    // entered: the windup happens without a single scan call (no STOP is even needed).
    expect(seen.slice(0, 3)).toEqual([2n, 4n, 6n]);
    expect(seen[4094]).toBe(8190n);
    expect(seen[4095]).toBe(8192n);
    expect(seen[4099]).toBe(8192n);
    expect(calls.length).toBe(0);
  });
});

describe('W3: drop_caches (priority 0) on small caches', () => {
  it('(a) F=50 s=2: total 100 ≥ F, one call of 100 (more than F), slot 0', () => {
    const { core, slot, calls } = localCore({ count: 50n, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 0, recordingTrace()));
    expect(r.start).toMatchObject({ delta: 100n, totalScan: 100n, priority: 0 });
    expect(calls.map((c) => c.nrToScan)).toEqual([100]);
    expect(r.end).toMatchObject({ newScan: 0n, totalScan: 0n, retval: 100 });
    expect(slot.value).toBe(0n);
  });

  it('(b) F=1000 s=1: delta 4000 clamped to 2000; 15 calls; slot saturates at 2000', () => {
    const { core, slot, calls } = localCore({ count: 1000n, seeks: 1 });
    const r = ranOf(doShrinkSlab(core, sc0(), 0, recordingTrace()));
    expect(r.start).toMatchObject({ delta: 4000n, totalScan: 2000n });
    expect(calls.length).toBe(15);
    // 2000 − 1920 = 80 left; next = min(4000 − 1920, 2000) = 2000.
    expect(r.end).toMatchObject({ totalScan: 80n, newScan: 2000n, retval: 1920 });
    expect(slot.value).toBe(2000n);
  });

  it('(c) F=100 s=2: total 200; one call of 128; 72 left and deferred', () => {
    const { core, slot, calls } = localCore({ count: 100n, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 0, recordingTrace()));
    expect(r.start).toMatchObject({ delta: 200n, totalScan: 200n });
    expect(calls.map((c) => c.nrToScan)).toEqual([128]);
    expect(r.end).toMatchObject({ totalScan: 72n, newScan: 72n, retval: 128 });
    expect(slot.value).toBe(72n);
  });

  it('priority 1: F=101 is not scanned (total 100 < F, slot 100); F=100 gets one call of 100', () => {
    const odd = localCore({ count: 101n, seeks: 2 });
    const r1 = ranOf(doShrinkSlab(odd.core, sc0(), 1, recordingTrace()));
    // 101 >> 1 = 50; delta 100; 100 < 128 and 100 < 101.
    expect(r1.start).toMatchObject({ delta: 100n, totalScan: 100n, priority: 1 });
    expect(odd.calls.length).toBe(0);
    expect(odd.slot.value).toBe(100n);

    const even = localCore({ count: 100n, seeks: 2 });
    const r2 = ranOf(doShrinkSlab(even.core, sc0(), 1, recordingTrace()));
    expect(r2.start).toMatchObject({ delta: 100n, totalScan: 100n });
    expect(even.calls.map((c) => c.nrToScan)).toEqual([100]);
    expect(even.slot.value).toBe(0n);
  });
});

describe('W4: Yang Shi’s 2020 trace (F 93,689,873, N 4,994,376,020, p 12, s 2)', () => {
  const F = 93_689_873n;
  const N = 4_994_376_020n;

  it('current formula (6.1/6.12): total 1,265,076, 9,883 calls, 52 left, slot clamped to 2F', () => {
    const { core, slot, calls } = localCore({ count: F, nr: N, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 12, recordingTrace()));
    // F >> 12 = 22,873 → delta 45,746. N >> 12 = 1,219,330 → total 1,265,076 (< 2F).
    expect(r.start).toMatchObject({ nrObjectsToShrink: N, cacheItems: F, delta: 45_746n, totalScan: 1_265_076n });
    expect(calls.length).toBe(9_883);
    // 9,883·128 = 1,265,024; left 52. next = min(N + 45,746 − 1,265,024, 187,379,746).
    expect(r.end).toMatchObject({ unusedScan: N, totalScan: 52n, newScan: 187_379_746n, retval: 1_265_024 });
    expect(slot.value).toBe(187_379_746n);
  });

  it('legacy formula (pre-5.13) reproduces the real trace lines exactly', () => {
    const { core, slot, calls } = localCore({ count: F, nr: N, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 12, recordingTrace(), LEGACY_FORMULA));
    // "objects to shrink 4994376020 … cache items 93689873 delta 45746 total_scan 46844936 priority 12"
    // total = N + delta = 4,994,421,766; delta < F/4 ⇒ min(total, F/2 = 46,844,936).
    expect(r.start).toMatchObject({ nrObjectsToShrink: N, cacheItems: F, delta: 45_746n, totalScan: 46_844_936n, priority: 12 });
    // "unused scan count 4994376020 new scan count 4947576838 total_scan 8 last shrinker return val 46844928"
    expect(calls.length).toBe(365_976);
    expect(r.end).toMatchObject({ unusedScan: N, newScan: 4_947_576_838n, totalScan: 8n, retval: 46_844_928 });
    expect(slot.value).toBe(4_947_576_838n);
  });
});

describe('the real 6.12.95 trace (p2): binder at drop_caches', () => {
  it('F=451 N=0 p=0: delta 902, total 902, 7 calls, new scan count 6, retval 451', () => {
    // Binder's scan walks up to nr_to_scan LRU pages and frees what is there; it leaves
    // nr_scanned alone. 451 pages: 128, 128, 128, 67, then 0, 0, 0.
    let left = 451n;
    const { core, slot, calls } = localCore({
      count: 451n,
      seeks: 2,
      scan: (_c, n) => {
        const f = left < BigInt(n) ? left : BigInt(n);
        left -= f;
        return { freed: f, scanned: n };
      },
    });
    const r = ranOf(doShrinkSlab(core, sc0(), 0, recordingTrace()));
    // "objects to shrink 0 gfp_flags GFP_KERNEL cache items 451 delta 902 total_scan 902 priority 0"
    expect(r.start).toMatchObject({ nrObjectsToShrink: 0n, cacheItems: 451n, delta: 902n, totalScan: 902n, priority: 0 });
    expect(calls.length).toBe(7);
    // "unused scan count 0 new scan count 6 total_scan 6 last shrinker return val 451"
    expect(r.end).toMatchObject({ unusedScan: 0n, newScan: 6n, totalScan: 6n, retval: 451 });
    expect(slot.value).toBe(6n);
  });

  it('honest helper sanity: the recording core counts what it is asked', () => {
    expect(honest(0, 5)).toEqual({ freed: 5n, scanned: 5 });
  });
});
