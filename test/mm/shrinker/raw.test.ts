/**
 * The raw adapter: C-style unsigned long returns run through exactly the kernel's types.
 * Every expected number is derived by hand in the comments from do_shrink_slab's C types
 * (`long freeable, nr, total_scan, next_deferred`; `unsigned long long delta`).
 */
import { describe, expect, it } from 'vitest';
import { LONG_MAX, ULONG_MAX } from '../../../src/mm/kint.js';
import { interpretRawCount, whatIfRaw } from '../../../src/mm/shrinker/raw.js';
import { SHRINK_EMPTY, SHRINK_STOP } from '../../../src/mm/shrinker/types.js';

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

describe('interpretRawCount', () => {
  it('0 and SHRINK_EMPTY skip; anything else becomes a signed long freeable', () => {
    expect(interpretRawCount(0n)).toEqual({ kind: 'skip-unknown' });
    expect(interpretRawCount(SHRINK_EMPTY)).toEqual({ kind: 'skip-empty' });
    expect(interpretRawCount(SHRINK_STOP)).toEqual({ kind: 'freeable', freeable: -1n });
    expect(interpretRawCount(TWO63)).toEqual({ kind: 'freeable', freeable: -TWO63 });
    expect(interpretRawCount(LONG_MAX)).toEqual({ kind: 'freeable', freeable: LONG_MAX });
    expect(interpretRawCount(ULONG_MAX - 2n)).toEqual({ kind: 'freeable', freeable: -3n });
  });
});

describe('what if a C shrinker returned SHRINK_STOP from count_objects?', () => {
  it('p=12 s=2: freeable −1, delta 2^63−2, total_scan −2, no scan, slot 0 → −2', () => {
    const w = whatIfRaw({ count: SHRINK_STOP, priority: 12, seeks: 2 });
    // freeable = (long)(2^64−1) = −1; it is neither 0 nor SHRINK_EMPTY, so the call runs.
    // delta = (u64)(−1 >> 12) = 2^64−1; ×4 mod 2^64 = 2^64−4; /2 = 2^63−2.
    // total_scan = (0 >> 12) + (2^63−2) = 2^63−2; min(…, 2·(−1)) = −2.
    // −2 < 128 and −2 < −1: the loop is not entered.
    // next_deferred = max((long)(0 + 2^63−2 − 0), 0) = 2^63−2; min(…, −2) = −2.
    expect(w.result.kind).toBe('ran');
    expect(w.start).toMatchObject({ cacheItems: SHRINK_STOP, delta: TWO63 - 2n, totalScan: TWO64 - 2n, nrObjectsToShrink: 0n });
    expect(w.end).toMatchObject({ unusedScan: 0n, newScan: -2n, totalScan: -2n, retval: 0 });
    expect(w.scanCalls).toBe(0);
    expect(w.slotAfter).toBe(-2n);
  });

  it('later calls take the −2 out and put −2 back: the slot stays pinned at 2·freeable = −2', () => {
    // N = −2: total_scan = (−2 >> 12 = −1) + (2^63−2) = 2^63−3; min(…, −2) = −2.
    // next = (long)(u64(−2) + 2^63−2) = (long)(2^64 + 2^63 − 4) = 2^63−4 > 0; min(…, −2) = −2.
    // The xchg left 0, so the add-back makes the slot 0 + (−2) = −2 again.
    const w2 = whatIfRaw({ count: SHRINK_STOP, priority: 12, seeks: 2, nr: -2n });
    expect(w2.start).toMatchObject({ nrObjectsToShrink: -2n, totalScan: TWO64 - 2n });
    expect(w2.end).toMatchObject({ unusedScan: -2n, newScan: -2n, totalScan: -2n });
    expect(w2.slotAfter).toBe(-2n);
    // A deeper negative backlog (racing callers each added −2) is also reset to −2:
    // (long)(u64(−4) + 2^63−2) = 2^63−6 → min(…, −2) = −2.
    const w3 = whatIfRaw({ count: SHRINK_STOP, priority: 12, seeks: 2, nr: -4n });
    expect(w3.end).toMatchObject({ unusedScan: -4n, newScan: -2n });
  });

  it('seeks 0: delta = −1/2 = 0 (C division truncates), still total −2 and slot −2', () => {
    const w = whatIfRaw({ count: SHRINK_STOP, priority: 0, seeks: 0 });
    expect(w.start).toMatchObject({ delta: 0n, totalScan: TWO64 - 2n });
    expect(w.slotAfter).toBe(-2n);
  });

  it('seeks 1, p=0: delta 2^64−4 (no division), total_scan −4; next_deferred max(−4,0)=0 then min(0,−2) = −2', () => {
    const w = whatIfRaw({ count: SHRINK_STOP, priority: 0, seeks: 1 });
    expect(w.start).toMatchObject({ delta: TWO64 - 4n, totalScan: TWO64 - 4n });
    expect(w.end).toMatchObject({ totalScan: -4n, newScan: -2n });
    expect(w.slotAfter).toBe(-2n);
  });
});

describe('other raw garbage', () => {
  it('a scan that returns SHRINK_EMPTY is summed: do_shrink_slab then returns SHRINK_EMPTY itself', () => {
    // count 10, p=0, s=2: delta 20, total min(20, 20) = 20 ≥ F: one call of 20.
    const w = whatIfRaw({ count: 10n, priority: 0, seeks: 2, scan: () => SHRINK_EMPTY });
    expect(w.scanCalls).toBe(1);
    if (w.result.kind !== 'ran') throw new Error('ran');
    expect(w.result.stats.freed).toBe(SHRINK_EMPTY);
    // retval is (int)(2^64−2) = −2.
    expect(w.end?.retval).toBe(-2);
    expect(w.slotAfter).toBe(0n);
  });

  it('a count of 2^63 (negative as long) with honest scan: freeable −2^63, 2·F wraps to 0', () => {
    // freeable = −2^63. delta (s=2, p=0) = u64(−2^63)·4 = 2^65 mod 2^64 = 0 → 0.
    // total_scan = min(0 + 0, (long)(2·−2^63) = 0) = 0; 0 ≥ −2^63 so the loop is entered:
    // nr_to_scan = min(128, 0) = 0 — the kernel would spin (nr_scanned 0 each time).
    const w = whatIfRaw({ count: TWO63, priority: 0, seeks: 2 });
    if (w.result.kind !== 'ran') throw new Error('ran');
    expect(w.start).toMatchObject({ delta: 0n, totalScan: 0n });
    expect(w.result.stats.livelock).toBe(true);
    expect(w.end?.totalScan).toBe(0n);
  });
});
