/**
 * The summary table on hand-made rows: a point that differs from the reference only by seed
 * noise is labelled so, a real shift is `moved`, metrics equal everywhere are counted, not
 * listed.
 */
import { describe, expect, it } from 'vitest';
import type { SweepRow } from '../../src/sweep/pool.js';
import { renderSweepCsv, sweepDocument, type SweepMeta } from '../../src/sweep/result.js';
import { renderSweepSummary } from '../../src/sweep/summary.js';

const meta: SweepMeta = {
  tool: { name: 'shrinksim', version: 'test' },
  scenario: { name: 'x', file: 'x.yaml' },
  params: ['memory.total'],
  seeds: [1, 2, 3, 4, 5],
  reference: 0,
  points: [
    { index: 0, values: ['2GiB'], hash: 'sha256:a' },
    { index: 1, values: ['3GiB'], hash: 'sha256:b' },
    { index: 2, values: ['4GiB'], hash: 'sha256:c' },
  ],
};
// Point 1: `wobble` shifted by 1 inside its spread; point 2: `wobble` shifted by 10.
const wobble = [[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [11, 12, 13, 14, 15]];
const rows: SweepRow[] = [0, 1, 2].flatMap((point) =>
  meta.seeds.map((seed, i) => ({ point, seed, metrics: [['wobble', wobble[point]![i]!], ['flat', 7]] as const })),
);

describe('renderSweepSummary', () => {
  const text = renderSweepSummary(meta, rows, ['wobble', 'flat']);
  it('labels each point against the reference', () => {
    expect(text).toContain('  0  memory.total=2GiB  reference\n');
    expect(text).toContain('  1  memory.total=3GiB  within seed noise (1 changed, none beyond noise)\n');
    expect(text).toContain('  2  memory.total=4GiB  1 moved, 0 within seed noise\n');
    expect(text).toContain('1 of 2 metrics differ between points; 1 are equal in every run (not shown)');
  });
  it('prints mean, min, max, intervals, change and verdict per point', () => {
    const lines = text.split('\n').filter((l) => /^\s+\d+\s+wobble/.test(l)).map((l) => l.trim().split(/\s{2,}/));
    // Reference: mean 3, t(0.975,4)·√2.5/√5 = 1.963 → [1.037, 4.963].
    expect(lines[0]).toEqual(['0', 'wobble', '3', '1', '5', '[1.037, 4.963]', 'ref']);
    // Welch: Δ = 1 ± t(0.975, 8) × 1 = 1 ± 2.306.
    expect(lines[1]).toEqual(['1', 'wobble', '4', '2', '6', '[2.037, 5.963]', '+1', '+33.3%', '[-1.306, 3.306]', 'noise']);
    expect(lines[2]).toEqual(['2', 'wobble', '13', '11', '15', '[11.04, 14.96]', '+10', '+333.3%', '[7.694, 12.31]', 'moved']);
  });
  it('JSON summary and CSV carry the same facts', () => {
    const doc = sweepDocument(meta, rows) as { summary: { point: number; moved: number; noise: number; metrics: Record<string, { change: { verdict: string } | null }> }[] };
    expect(doc.summary.map((s) => [s.point, s.moved, s.noise, s.metrics.wobble!.change?.verdict ?? 'ref'])).toEqual([[0, 0, 0, 'ref'], [1, 0, 1, 'noise'], [2, 1, 0, 'moved']]);
    const csv = renderSweepCsv(meta, rows).split('\n');
    expect(csv[0]).toBe('point,memory.total,seed,hash,wobble,flat');
    expect(csv[6]).toBe('1,3GiB,1,sha256:b,2,7');
  });
});
