/**
 * The pre-5.13 formula (arithLegacy.ts), pinned on hand-derived numbers; W4's real trace is
 * in worked.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { LONG_MAX } from '../../../src/mm/kint.js';
import { LEGACY_FORMULA, legacyPlan } from '../../../src/mm/shrinker/arithLegacy.js';
import { doShrinkSlab } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { shrinkSlab } from '../../../src/mm/shrinker/shrinkSlab.js';
import { CountObjects, ScanObjects } from '../../../src/mm/shrinker/types.js';
import { fixture, localCore, ranOf, sc0 } from './helpers.js';

describe('legacy do_shrink_slab', () => {
  it('anti-windup: delta < F/4 caps total at F/2, and the stored backlog has no 2F cap', () => {
    // F=1000 p=12 s=2 N=1e6: delta = 0; total = 1e6 → min(1e6, 500) = 500; 3 calls of 128,
    // 116 left; next = 1e6 − 384 = 999,616 (today's formula would store min(…, 2000)).
    const { core, slot, calls } = localCore({ count: 1000n, nr: 1_000_000n, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 12, undefined, LEGACY_FORMULA));
    expect(r.start).toMatchObject({ delta: 0n, totalScan: 500n });
    expect(calls.length).toBe(3);
    expect(r.end).toMatchObject({ totalScan: 116n, newScan: 999_616n });
    expect(slot.value).toBe(999_616n);
  });

  it('no anti-windup when delta ≥ F/4 (drop_caches): same numbers as today on W3c', () => {
    const { core, slot } = localCore({ count: 100n, seeks: 2 });
    const r = ranOf(doShrinkSlab(core, sc0(), 0, undefined, LEGACY_FORMULA));
    expect(r.start).toMatchObject({ delta: 200n, totalScan: 200n });
    expect(slot.value).toBe(72n);
  });

  it('"negative objects to delete": nr + delta overflows, so scan F and keep nr as the backlog', () => {
    // F=1000 p=0 s=2, nr = LONG_MAX: total = (long)(LONG_MAX + 2000) < 0 → total = F = 1000,
    // next_deferred base = nr. 7 calls of 128 = 896, 104 left; next = LONG_MAX − 896.
    expect(legacyPlan(1000n, LONG_MAX, 0, 2)).toEqual({ delta: 2000n, totalScan: 1000n, deferBase: LONG_MAX, negative: true });
    const { core, slot, calls } = localCore({ count: 1000n, nr: LONG_MAX, seeks: 2 });
    doShrinkSlab(core, sc0(GFP_KERNEL), 0, undefined, LEGACY_FORMULA);
    expect(calls.length).toBe(7);
    expect(slot.value).toBe(LONG_MAX - 896n);
  });

  it('a whole shrink_slab can run on the legacy formula through ctx.formula', () => {
    const f = fixture('6.1');
    f.registry
      .shrinkerAlloc({ name: 'x' })
      .setOps({ count: () => CountObjects.new(1000), scan: () => ScanObjects.STOP })
      .register();
    const ctx = { ...f.ctx, formula: LEGACY_FORMULA };
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    // Call 2: N = 0 (p=12 gave delta 0, nothing deferred); p=0: delta 2000, total min(2000, 2000);
    // STOP; next = 2000 (legacy: no cap on what is stored, here equal anyway).
    expect(f.ends.map((e) => e.newScan)).toEqual([0n, 2000n]);
  });
});
