import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDelta } from '../../../src/mm/shrinker/arith.js';
import { SEEKS_MAX, fits, inferSeeks, seeksSetOf, type SeeksEvidence } from '../../../src/trace/conform/inferSeeks.js';

const ev = (freeable: bigint, priority: number, delta: bigint): SeeksEvidence => ({ freeable, priority, delta });

describe('seeksSetOf', () => {
  it('binder at priority 6: F 539, delta 16 ⇒ q = 8, 32/s = 16 ⇒ s = 2 only', () => {
    expect(seeksSetOf(ev(539n, 6, 16n))).toEqual({ lo: 2, hi: 2, zero: false });
  });

  it('a seeks-0 superblock: F 9763 at priority 0, delta 4881 = F/2; 39052/8 = 4881.5 so 8 fits as well', () => {
    expect(seeksSetOf(ev(9763n, 0, 4881n))).toEqual({ lo: 8, hi: 8, zero: true });
    // F 10955, delta 21910 (p1 ffff8f35c1874180): 43820/s = 21910 ⇒ s = 2; 10955/2 ≠ 21910.
    expect(seeksSetOf(ev(10955n, 0, 21910n))).toEqual({ lo: 2, hi: 2, zero: false });
  });

  it('F 26, p 0, delta 13: seeks 0 (26/2) or 8 (104/8)', () => {
    expect(seeksSetOf(ev(26n, 0, 13n))).toEqual({ lo: 8, hi: 8, zero: true });
  });

  it('delta 0 with q > 0 needs s > 4q; below 2^p objects every positive s fits', () => {
    // F 1, p 0: 4/s = 0 ⇔ s ≥ 5; and 1/2 = 0 so seeks 0 fits too.
    expect(seeksSetOf(ev(1n, 0, 0n))).toEqual({ lo: 5, hi: SEEKS_MAX, zero: true });
    // F 2 at p 6: q = 0.
    expect(seeksSetOf(ev(2n, 6, 0n))).toEqual({ lo: 1, hi: SEEKS_MAX, zero: false });
    // q = 0 but a positive delta: no positive seeks.
    expect(seeksSetOf(ev(2n, 6, 1n))).toEqual({ lo: 1, hi: 0, zero: true });
  });

  it('contains exactly the seeks that reproduce delta (property, incl. the interval edges)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 62n) - 1n }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 64 }),
        (freeable, p, s) => {
          const delta = computeDelta(freeable, p, s);
          const set = seeksSetOf(ev(freeable, p, delta));
          expect(fits(set, s)).toBe(true);
          for (const t of [set.lo - 1, set.lo, set.hi, set.hi + 1, 0, 1, 2, 3]) {
            if (t < 0 || t > SEEKS_MAX) continue;
            expect(fits(set, t)).toBe(computeDelta(freeable, p, t) === delta);
          }
        },
      ),
    );
  });
});

describe('inferSeeks', () => {
  it('prefers 2 when it fits, then 0, then the smallest fitting value', () => {
    // Every seeks fits a cache below 2^p with delta 0 … except 0 (F/2 = 1).
    expect(inferSeeks([ev(2n, 6, 0n)]).seeks).toBe(2);
    // F 1, p 0, delta 0: 0 fits and 2 does not (4/2 = 2).
    expect(inferSeeks([ev(1n, 0, 0n)]).seeks).toBe(0);
    // F 1000, p 0, delta 1000: 4000/s = 1000 ⇒ s = 4 only.
    expect(inferSeeks([ev(1000n, 0, 1000n)])).toMatchObject({ seeks: 4, explains: 1, of: 1, source: 'inferred' });
    // F 1000, p 0, delta 3: 4000/s = 3 ⇒ s in 1001..1333: the smallest.
    expect(inferSeeks([ev(1000n, 0, 3n)]).seeks).toBe(1001);
  });

  it('intersects an instance: the p1/p4 super_cache_scan ffff8f35c1dd5d00 events force 0', () => {
    const events = [ev(26n, 0, 13n), ev(1n, 0, 0n), ev(59n, 4, 29n), ev(4n, 6, 2n)];
    const c = inferSeeks(events);
    expect(c).toMatchObject({ seeks: 0, explains: 4, of: 4 });
    // 8 fits the first two, but 12/s = 29 (F 59 at p 4) has no positive solution.
    expect(c.allFit).toEqual({ lo: 8, hi: 0, zero: true });
  });

  it('when no value explains everything, the one explaining most; the rest are the outliers', () => {
    const good = [ev(539n, 6, 16n), ev(539n, 5, 32n), ev(539n, 4, 66n)];
    const c = inferSeeks([...good, ev(539n, 6, 17n)]);
    expect(c).toMatchObject({ seeks: 2, explains: 3, of: 4 });
    expect(c.allFit).toBeUndefined();
    // Majority of seeks-3 events beats 2.
    const three = [ev(3000n, 0, 4000n), ev(3000n, 0, 4000n), ev(600n, 0, 1200n)];
    expect(inferSeeks(three)).toMatchObject({ seeks: 3, explains: 2 });
  });

  it('--seeks fixes the value and counts what it explains', () => {
    expect(inferSeeks([ev(539n, 6, 16n), ev(9763n, 0, 4881n)], 0)).toEqual({ seeks: 0, explains: 1, of: 2, source: 'given' });
  });
});
