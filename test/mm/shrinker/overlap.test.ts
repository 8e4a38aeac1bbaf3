/**
 * Two reclaimers inside one shrinker (issue 13): a timed do_shrink_slab (kswapd's) lets another
 * task's call run between its batches. The kernel's rules give every number: the first call
 * exchanges the slot to 0 (atomic_long_xchg), the second sees nr 0 and the count the first
 * call's batch lowered, and the first call's add-back (atomic_long_add_return) returns its own
 * next_deferred plus what the second added: the p7 pattern, which conform calls consistent.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS } from '../../../src/mm/gfp.js';
import { SingleDeferredSlot } from '../../../src/mm/shrinker/deferred.js';
import { doShrinkSlab, resultOf, ShrinkCall, type ShrinkerCore } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { doShrinkSlabSteps } from '../../../src/mm/shrinker/doShrinkSlabSteps.js';
import { ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { checkPair, numbersOf } from '../../../src/trace/conform/checkPair.js';

/** A list of `items` objects whose scan frees what it scans (a Binder-like LRU). */
function list(items: number, nr: bigint) {
  const slot = new SingleDeferredSlot();
  slot.value = nr;
  const state = { items };
  const core: ShrinkerCore<undefined> = {
    ops: {
      countRaw: () => BigInt(state.items),
      scanRaw: (sc) => {
        const n = Math.min(sc.nrToScan, state.items);
        state.items -= n;
        return BigInt(n);
      },
    },
    priv: undefined,
    seeks: 2,
    batch: 0,
    flags: { numaAware: false, memcgAware: false, nonslab: false },
    deferred: slot,
    traceRef: { symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1dd5780' },
  };
  return { core, slot, state };
}

describe('a timed do_shrink_slab with another call inside it', () => {
  it("p7's kswapd call at priority 3: count 451, deferred 902; the hog's call at priority 8 runs after the first batch", () => {
    const { core, slot, state } = list(451, 902n);
    const k = new ShrinkCall();
    const g = doShrinkSlabSteps(core, new ShrinkControl(GFP_KERNEL, 0, null), 3, k);
    // Step 1: count, exchange, start line. delta = (451 >> 3) * 4 / 2 = 112; total_scan =
    // min((902 >> 3) + 112, 2 * 451) = 224. The slot now reads 0.
    expect(g.next()).toEqual({ done: false, value: { scanCalls: 0, scanned: 0 } });
    expect(k.start).toMatchObject({ nrObjectsToShrink: 902n, cacheItems: 451n, delta: 112n, totalScan: 224n });
    expect(slot.value).toBe(0n);
    // Step 2: one batch of 128 (224 ≥ 128); 96 left, and 96 < 128, 96 < 451: the loop ends next.
    expect(g.next()).toEqual({ done: false, value: { scanCalls: 1, scanned: 128 } });
    expect(state.items).toBe(323);
    // The hog, meanwhile: nr 0, count 323, delta = (323 >> 8) * 4 / 2 = 2, total_scan 2, no
    // scan (2 < 128, 2 < 323); next_deferred 0 + 2 - 0 = 2 goes into the empty slot.
    const hog = doShrinkSlab(core, new ShrinkControl(GFP_NOFS, 0, null), 8);
    expect(hog.kind).toBe('ran');
    if (hog.kind !== 'ran') return;
    expect(hog.start).toMatchObject({ nrObjectsToShrink: 0n, cacheItems: 323n, delta: 2n, totalScan: 2n });
    expect(hog.end).toMatchObject({ unusedScan: 0n, newScan: 2n });
    // Step 3: kswapd adds 902 + 112 - 128 = 886 to the 2 already there.
    expect(g.next().done).toBe(true);
    expect(k.end).toMatchObject({ unusedScan: 902n, newScan: 888n, totalScan: 96n, retval: 128 });
    expect(slot.value).toBe(888n);
    // conform: the kswapd pair is consistent (2 over its next_deferred, the hog added ≤ 2).
    const r = resultOf(k);
    if (r.kind !== 'ran') throw new Error('ran');
    const model = { seeks: 2, batchSize: 128n };
    expect(checkPair(numbersOf(r.start, r.end), model, { calls: 1, maxAdded: 2n })).toEqual({ kind: 'consistent', extra: 2n, maxAdded: 2n });
    // Without the overlapping call the same numbers could not be explained.
    expect(checkPair(numbersOf(r.start, r.end), model, { calls: 0, maxAdded: 0n }).kind).toBe('mismatched');
    expect(checkPair(numbersOf(hog.start, hog.end), model, { calls: 1, maxAdded: 886n })).toEqual({ kind: 'exact' });
  });

  it('run without interruption it leaves the slot as the atomic call does', () => {
    const a = list(451, 902n);
    const b = list(451, 902n);
    const k = new ShrinkCall();
    const g = doShrinkSlabSteps(a.core, new ShrinkControl(GFP_KERNEL, 0, null), 3, k);
    while (!g.next().done) {
      /* no other task */
    }
    const atomic = doShrinkSlab(b.core, new ShrinkControl(GFP_KERNEL, 0, null), 3);
    expect(resultOf(k)).toEqual(atomic);
    expect(a.slot.value).toBe(886n);
    expect(b.slot.value).toBe(886n);
  });
});
