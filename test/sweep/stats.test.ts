/** Summary statistics across seeds, with numbers worked by hand from the textbook formulas. */
import { describe, expect, it } from 'vitest';
import { changeOf, statsOf, t975 } from '../../src/sweep/stats.js';

describe('statsOf', () => {
  it('mean, sample sd, min, max and the 95% t-interval', () => {
    const s = statsOf([3, 1, 5, 2, 4]);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect([s.min, s.max]).toEqual([1, 5]);
    // t(0.975, 4) = 2.776445; half-width = 2.776445 × √2.5 / √5 = 1.963243.
    expect(t975(4)).toBeCloseTo(2.776445, 5);
    expect(s.ci95![0]).toBeCloseTo(3 - 1.963243, 5);
    expect(s.ci95![1]).toBeCloseTo(3 + 1.963243, 5);
  });
  it('one seed has no interval; min/max stay exact beyond 2^53', () => {
    expect(statsOf([7]).ci95).toBeNull();
    const big = 2n ** 63n - 128n;
    const s = statsOf([big, 5]);
    expect(s.max).toBe(big);
    expect(s.min).toBe(5);
  });
});

describe('changeOf (Welch)', () => {
  const ref = statsOf([1, 2, 3, 4, 5]);
  it('a shift far beyond the spread moved', () => {
    // Δ = 10, se = √(2.5/5 + 2.5/5) = 1, df = 1 / (0.25/4 + 0.25/4) = 8, t(0.975, 8) = 2.306004.
    const c = changeOf(ref, statsOf([11, 12, 13, 14, 15]));
    expect(c.abs).toBe(10);
    expect(c.rel).toBeCloseTo(10 / 3, 12);
    expect(c.ci95![0]).toBeCloseTo(10 - 2.306004, 5);
    expect(c.ci95![1]).toBeCloseTo(10 + 2.306004, 5);
    expect(c.verdict).toBe('moved');
  });
  it('a shift inside the spread is seed noise', () => {
    const c = changeOf(ref, statsOf([2, 3, 4, 5, 6]));
    expect(c.ci95![0]).toBeCloseTo(1 - 2.306004, 5);
    expect(c.verdict).toBe('noise');
  });
  it('deterministic metrics: any change moved, none is same; one seed cannot judge', () => {
    expect(changeOf(statsOf([4, 4]), statsOf([5, 5])).verdict).toBe('moved');
    expect(changeOf(statsOf([4, 4]), statsOf([4, 4])).verdict).toBe('same');
    expect(changeOf(ref, statsOf([5, 1, 4, 2, 3])).verdict).toBe('same');
    expect(changeOf(statsOf([4]), statsOf([5])).verdict).toBe('moved?');
    expect(changeOf(statsOf([0, 0]), statsOf([1, 1])).rel).toBeNull();
  });
});
