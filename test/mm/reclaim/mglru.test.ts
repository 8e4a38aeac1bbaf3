import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flsLong, mglruInitialPriority } from '../../../src/mm/reclaim/mglru.js';

describe('fls_long', () => {
  it('matches the kernel on edges', () => {
    expect([0, 1, 2, 3, 4, 1023, 1024, 2 ** 31, 2 ** 40 - 1].map(flsLong)).toEqual([0, 1, 2, 2, 3, 10, 11, 32, 40]);
  });
  it('is floor(log2 x) + 1 for every positive safe integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (x) => {
        const n = flsLong(x);
        return 2 ** (n - 1) <= x && x < 2 ** n;
      }),
    );
  });
});

describe('set_initial_priority (6.12 MGLRU)', () => {
  it('memory.reclaim 16M on 512 MiB: first batch 1024 pages starts at priority 6', () => {
    // fls(1023) = 10; any inactive < 2^17 gives fls-1-10 ≤ 6, clamped up to 6
    expect(mglruInitialPriority(12, 1024, 60_000)).toBe(6);
    expect(mglruInitialPriority(12, 1024, 0)).toBe(6);
  });
  it('big LRUs keep DEF_PRIORITY; middle sizes land between', () => {
    // fls(2^30) = 31 → 30 - 10 = 20 → clamped to 12
    expect(mglruInitialPriority(12, 1024, 2 ** 30)).toBe(12);
    // fls(2^26) = 27 → 26 - fls(1023)=10 → 16 → 12; with nr 2^16: fls(65535)=16 → 26-16 = 10
    expect(mglruInitialPriority(12, 65_536, 2 ** 26)).toBe(10);
  });
  it('leaves direct reclaim (32 < MIN_LRU_BATCH) and lowered priorities alone', () => {
    expect(mglruInitialPriority(12, 32, 1000)).toBe(12);
    expect(mglruInitialPriority(12, 63, 1000)).toBe(12);
    expect(mglruInitialPriority(11, 1024, 1000)).toBe(11);
  });
  it('always lands in [6, 12] from DEF_PRIORITY', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 45 }), (nr, inactive) => {
        const p = mglruInitialPriority(12, nr, inactive);
        return p >= 6 && p <= 12;
      }),
    );
  });
});
