/**
 * The count-clamp question of the Rust shrinker review, with exact 64-bit numbers derived by
 * hand from do_shrink_slab's C types. F is the count, N the deferred backlog (0 unless said).
 */
import { describe, expect, it } from 'vitest';
import { LONG_MAX, LONG_MIN, ULONG_MAX } from '../../../src/mm/kint.js';
import { limitOutcome, limitTable } from '../../../src/mm/shrinker/limits.js';
import { whatIfRaw } from '../../../src/mm/shrinker/raw.js';
import { COUNT_LIMITS, CountObjects } from '../../../src/mm/shrinker/types.js';

const P = (n: bigint) => 1n << n;

describe('the named clamps', () => {
  it('ULONG_MAX/2 = LONG_MAX = 2^63−1; ULONG_MAX/4 = 2^62−1', () => {
    expect(COUNT_LIMITS['ULONG_MAX/2']).toBe(P(63n) - 1n);
    expect(COUNT_LIMITS['ULONG_MAX/2']).toBe(LONG_MAX);
    expect(COUNT_LIMITS['ULONG_MAX/4']).toBe(P(62n) - 1n);
    expect(ULONG_MAX / 4n).toBe(P(62n) - 1n);
  });

  it('CountObjects.new clamps to ULONG_MAX/4 by default, to the named limit otherwise', () => {
    expect(CountObjects.new(ULONG_MAX)).toEqual({ kind: 'objects', n: P(62n) - 1n });
    expect(CountObjects.new(ULONG_MAX, 'ULONG_MAX/2')).toEqual({ kind: 'objects', n: LONG_MAX });
    expect(CountObjects.new(0)).toEqual({ kind: 'unknown' });
    expect(() => CountObjects.new(-1)).toThrow(RangeError);
  });
});

describe('count = ULONG_MAX/2 (= LONG_MAX)', () => {
  it('p=0 s=2: delta 2^63−2, 2F wraps to −2, total −2, nothing scanned, slot −2', () => {
    // (LONG_MAX >> 0)·4 = 2^65 − 4 ≡ 2^64 − 4 (mod 2^64); /2 = 2^63 − 2.
    // 2·F = 2^64 − 2 as long = −2; total = min(2^63 − 2, −2) = −2.
    // next = min(max(2^63 − 2, 0), −2) = −2.
    const o = limitOutcome(LONG_MAX, 0, 2);
    expect(o).toMatchObject({
      freeable: LONG_MAX,
      delta: P(63n) - 2n,
      times4Overflowed: true,
      deltaExceedsLong: false,
      twoFreeableWrapped: true,
      totalScan: -2n,
      calls: 0n,
      scanned: 0n,
      nextDeferred: -2n,
      sane: false,
    });
  });

  it('p=12 s=2 (kswapd): delta 2^52−2 but still total −2 and slot −2: broken at every priority', () => {
    // LONG_MAX >> 12 = 2^51 − 1; ·4 = 2^53 − 4; /2 = 2^52 − 2.
    const o = limitOutcome(LONG_MAX, 12, 2);
    expect(o).toMatchObject({ delta: P(52n) - 2n, totalScan: -2n, nextDeferred: -2n, times4Overflowed: false, sane: false });
    for (let p = 0; p <= 12; p++) expect(limitOutcome(LONG_MAX, p, 2).nextDeferred).toBe(-2n);
  });

  it('the same through doShrinkSlab (raw count): slot goes to −2, no scan call', () => {
    const w = whatIfRaw({ count: LONG_MAX, priority: 0, seeks: 2 });
    expect(w.scanCalls).toBe(0);
    expect(w.end).toMatchObject({ totalScan: -2n, newScan: -2n });
  });
});

describe('count = ULONG_MAX/4 (= 2^62−1)', () => {
  it('p=0 s=2: delta 2^63−2 = 2F, total 2F, 2^56−1 calls, 126 left and deferred', () => {
    // 4F = 2^64 − 4 fits; /2 = 2^63 − 2 = 2F. total = 2^63 − 2.
    // (2^63 − 2) = 128·(2^56 − 1) + 126: 2^56 − 1 full batches, 126 < 128 and < F left.
    const o = limitOutcome(P(62n) - 1n, 0, 2);
    expect(o).toMatchObject({
      delta: P(63n) - 2n,
      times4Overflowed: false,
      deltaExceedsLong: false,
      twoFreeableWrapped: false,
      totalScan: P(63n) - 2n,
      calls: P(56n) - 1n,
      scanned: P(63n) - 128n,
      left: 126n,
      nextDeferred: 126n,
      sane: true,
    });
  });

  it('p=0 s=1: 4F = 2^64−4 fits the u64 delta but not a long: total −4, nothing scanned, slot 0', () => {
    // total = (long)(0 + 2^64 − 4) = −4; min(−4, 2^63 − 2) = −4.
    // next = max((long)(2^64 − 4), 0) = max(−4, 0) = 0.
    const o = limitOutcome(P(62n) - 1n, 0, 1);
    expect(o).toMatchObject({
      delta: P(64n) - 4n,
      times4Overflowed: false,
      deltaExceedsLong: true,
      totalScan: -4n,
      calls: 0n,
      nextDeferred: 0n,
      sane: false,
    });
  });

  it('p=0 s=1 with a backlog of 1000: only the backlog is scanned (total wraps to 996)', () => {
    // total = (long)(1000 + 2^64 − 4) = 996; 7 calls of 128 = 896; 100 left.
    // next = (long)(1000 + 2^64 − 4 − 896) = 100.
    const o = limitOutcome(P(62n) - 1n, 0, 1, { nr: 1000n });
    expect(o).toMatchObject({ totalScan: 996n, calls: 7n, scanned: 896n, left: 100n, nextDeferred: 100n });
  });

  it('p=12 s=1: fine (delta 2^52−4)', () => {
    // (2^62 − 1) >> 12 = 2^50 − 1; ·4 = 2^52 − 4.
    expect(limitOutcome(P(62n) - 1n, 12, 1)).toMatchObject({ delta: P(52n) - 4n, totalScan: P(52n) - 4n, sane: true });
  });
});

describe('the exact boundaries', () => {
  it('seeks 1 at p=0: 2^61−1 is the largest sane count, 2^61 wraps total_scan to LONG_MIN', () => {
    // F = 2^61 − 1: delta = 2^63 − 4 ≤ LONG_MAX; total = min(2^63 − 4, 2^62 − 2) = 2^62 − 2.
    expect(limitOutcome(P(61n) - 1n, 0, 1)).toMatchObject({ totalScan: P(62n) - 2n, sane: true });
    // F = 2^61: delta = 2^63 > LONG_MAX; total = (long)2^63 = −2^63.
    expect(limitOutcome(P(61n), 0, 1)).toMatchObject({ delta: P(63n), totalScan: LONG_MIN, sane: false });
  });

  it('seeks 2 at p=0: 2^62 makes 4F ≡ 0, delta 0, 2F = LONG_MIN, and the slot becomes LONG_MIN', () => {
    // 4·2^62 = 2^64 ≡ 0; delta 0. 2F = 2^63 as long = −2^63.
    // total = min(0, −2^63) = −2^63; next = min(max(0, 0), −2^63) = −2^63.
    const o = limitOutcome(P(62n), 0, 2);
    expect(o).toMatchObject({ delta: 0n, times4Overflowed: true, totalScan: LONG_MIN, nextDeferred: LONG_MIN, sane: false });
  });

  it('the table covers every named clamp × priority × seeks', () => {
    const t = limitTable([0, 12], [0, 1, 2]);
    expect(t.length).toBe(3 * 2 * 3);
    const row = t.find((r) => r.limit === 'ULONG_MAX/4' && r.priority === 0 && r.seeks === 2)!;
    expect(row.sane).toBe(true);
    // Every LONG_MAX / ULONG_MAX/2 row is broken by the 2F wrap.
    expect(t.filter((r) => r.limit !== 'ULONG_MAX/4').every((r) => !r.sane)).toBe(true);
  });
});
