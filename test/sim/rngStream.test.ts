/**
 * rngStream steps alea itself (src/sim/rng.ts): every draw must be the one seedrandom's own
 * alea `double()` gives for the same seed text, or every seeded run would change.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { drawSize, rngStream, sizeDrawer } from '../../src/sim/rng.js';

describe('rngStream', () => {
  it('draws exactly what seedrandom.alea(`${seed}:${name}`).double() draws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.string(), (seed, name) => {
        const ours = rngStream(seed, name);
        const ref = seedrandom.alea(`${seed}:${name}`);
        for (let i = 0; i < 2000; i++) expect(ours.next()).toBe(ref.double());
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });

  it('keeps streams of different names apart', () => {
    const a = rngStream(1, 'binder:app');
    const b = rngStream(1, 'binder:system_server');
    expect(a.next()).not.toBe(b.next());
  });
});

describe('sizeDrawer', () => {
  it('draws the sizes drawSize draws, from the same stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 0, max: 1 << 30 }), fc.integer({ min: 0, max: 1000 }), (min, extra, seed) => {
        const d = { dist: 'log-uniform', min, max: min + extra } as const;
        const a = rngStream(seed, 'sizes');
        const b = rngStream(seed, 'sizes');
        const draw = sizeDrawer(d);
        for (let i = 0; i < 200; i++) expect(draw.draw(a)).toBe(drawSize(b, d));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
