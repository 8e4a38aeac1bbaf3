/**
 * Issue 9's fuzz test: seeded mutations (fast-check) of every bundled scenario — deleted keys,
 * swapped types, huge and negative numbers, bad units, unicode, duplicate keys, truncation,
 * garbage, alias bombs, deep nesting, dangling names, durations of 0 and of years — run
 * through the CLI. Each must end in exit 0 with parseable outputs within the run limits, or
 * exit 2 with lines naming the file (and the field). Never a stack trace.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIO_CLASSES, type Picks } from '../../scripts/fuzz/mutate.mjs';
import { BUNDLED, scenarioCase, tempDir, trimmed, removeTempDirs } from './harness.js';

const PER_CLASS = 25;
const bases = new Map(BUNDLED.map((n) => [n, trimmed(n)]));

afterAll(removeTempDirs);

describe('scenario fuzz (run)', () => {
  it('the trimmed bundled scenarios all run (the mutations start from valid files)', async () => {
    const dir = tempDir();
    for (const [name, text] of bases) {
      const r = await scenarioCase(text, 'delete-key', [0, 0, 0], '.yaml', dir);
      expect([name, r.outcome]).not.toEqual([name, 'crash']);
    }
  });

  it.each(SCENARIO_CLASSES.map((c, i) => [c, i]))('%s: exit 0 with parseable outputs or exit 2 naming the file', async (cls, i) => {
    const dir = tempDir();
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BUNDLED), fc.tuple(fc.nat(), fc.nat(), fc.nat()), fc.constantFrom('.yaml', '.json'), async (base, picks, ext) => {
        const r = await scenarioCase(bases.get(base)!, cls as string, picks as Picks, ext, dir);
        seen.set(r.outcome, (seen.get(r.outcome) ?? 0) + 1);
        expect(['ok', 'refused'], `${base} ${r.detail}`).toContain(r.outcome);
        if (r.samples !== undefined) expect(r.samples).toBeLessThanOrEqual(500);
      }),
      { seed: 9_000 + (i as number), numRuns: PER_CLASS, endOnFailure: true },
    );
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(PER_CLASS);
  });
});
