/** diffSides: tolerance and seed noise, on hand-made sides. */
import { describe, expect, it } from 'vitest';
import { diffSides, type DiffSide } from '../../src/report/diff.js';
import { statsOf } from '../../src/sweep/stats.js';

const point = (label: string, m: Record<string, number[]>): DiffSide => {
  const stats = new Map(Object.entries(m).map(([k, v]) => [k, statsOf(v)]));
  return { label, stats, values: new Map([...stats].map(([k, s]) => [k, s.mean])) };
};

describe('diffSides', () => {
  it('between points: a change inside the spread is noise, one beyond it moved, equal means unchanged', () => {
    const a = point('a', { wobbly: [1, 2, 3, 4, 5], shifted: [1, 2, 3, 4, 5], flat: [7, 7, 7] });
    const b = point('b', { wobbly: [2, 3, 4, 5, 6], shifted: [11, 12, 13, 14, 15], flat: [7, 7, 7] });
    const d = diffSides(a, b, 0);
    expect(d.moved.map((r) => [r.metric, r.abs, r.rel])).toEqual([['shifted', 10, 10 / 3]]);
    expect(d.noise.map((r) => r.metric)).toEqual(['wobbly']);
    expect(d.unchanged).toBe(1);
  });
  it('between runs: exact bigint change, absent counts 0, tolerance relative to A', () => {
    const a: DiffSide = { label: 'a', values: new Map<string, number | bigint>([['big', 2n ** 62n], ['x', 100]]) };
    const b: DiffSide = { label: 'b', values: new Map<string, number | bigint>([['big', 2n ** 62n + 1n], ['x', 104], ['new', 3]]) };
    const exact = diffSides(a, b, 0);
    expect(exact.moved.map((r) => [r.metric, r.abs, r.rel])).toEqual([['big', 1, 1 / 2 ** 62], ['x', 4, 0.04], ['new', 3, null]]);
    // 5 %: x (+4 %) and big (+2^-62) are within it; a new metric (A = 0) always moved.
    const d = diffSides(a, b, 0.05);
    expect(d.moved.map((r) => r.metric)).toEqual(['new']);
    expect(d.unchanged).toBe(2);
  });
});
