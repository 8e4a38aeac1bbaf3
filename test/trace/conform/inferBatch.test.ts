import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { honestLoop } from '../../../src/mm/shrinker/arith.js';
import { inferBatch, loopFit, type BatchEvidence } from '../../../src/trace/conform/inferBatch.js';

const ev = (totalScan: bigint, left: bigint, freeable: bigint): BatchEvidence => ({ totalScan, left, freeable });

describe('loopFit', () => {
  it('spec W1: T 489 on a cache of 1,000,000 with batch 128', () => {
    // 489 → 361 → 233 → 105: three full batches, then 105 < 128 and < F.
    expect(loopFit(ev(489n, 105n, 1_000_000n), 128n)).toBe('honest');
    // A STOP after 0 or 1 completed calls.
    expect(loopFit(ev(489n, 489n, 1_000_000n), 128n)).toBe('stop');
    expect(loopFit(ev(489n, 361n, 1_000_000n), 128n)).toBe('stop');
    // Not T − k·128, and not the honest end.
    for (const left of [100n, 0n, -1n, 490n]) expect(loopFit(ev(489n, left, 1_000_000n), 128n)).toBe('unreachable');
  });

  it('spec W3a: a small cache is scanned in one partial batch (T 100 ≥ F 50)', () => {
    expect(loopFit(ev(100n, 0n, 50n), 128n)).toBe('honest');
    expect(loopFit(ev(100n, 100n, 50n), 128n)).toBe('stop');
    expect(loopFit(ev(100n, 50n, 50n), 128n)).toBe('unreachable');
  });

  it('p1 super_cache_scan ffff8f35c1874180: T 21910 → 406 is 21 batches of 1024; with 128 only a STOP gets there', () => {
    const e = ev(21910n, 406n, 10955n);
    expect(loopFit(e, 1024n)).toBe('honest');
    expect(loopFit(e, 128n)).toBe('stop');
    expect(loopFit(e, 4096n)).toBe('unreachable');
  });

  it('agrees with honestLoop and never calls a reachable end negative or above T (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        fc.integer({ min: 1, max: 5000 }),
        fc.bigInt({ min: -5n, max: 1n << 40n }),
        (t, f, b, left) => {
          const bs = BigInt(b);
          expect(loopFit(ev(t, honestLoop(t, f, bs).left, f), bs)).toBe('honest');
          const fit = loopFit(ev(t, left, f), bs);
          if (fit !== 'unreachable') expect(left >= 0n && left <= t).toBe(true);
          if (fit === 'stop') expect((t - left) % bs).toBe(0n);
        },
      ),
    );
  });
});

describe('inferBatch', () => {
  it('one event that scanned in full batches of 1024 pins 1024', () => {
    expect(inferBatch([ev(21910n, 406n, 10955n)])).toMatchObject({ batch: 1024, honest: 1, reachable: 1, of: 1, source: 'inferred', determined: true });
  });

  it('binder p2 drop_caches: T 902 → 6 is 7 batches of 128', () => {
    expect(inferBatch([ev(902n, 6n, 451n)])).toMatchObject({ batch: 128, determined: true });
  });

  it('nothing scanned in full batches: 128 by preference, but not determined', () => {
    expect(inferBatch([ev(16n, 16n, 539n), ev(20n, 0n, 10n)])).toMatchObject({ batch: 128, honest: 2, determined: false });
    // Always STOPped (vmap_node_shrink_scan): every batch needs a STOP.
    expect(inferBatch([ev(30n, 30n, 15n)])).toMatchObject({ batch: 128, honest: 0, reachable: 1, determined: false });
  });

  it('finds a batch outside the well-known ones (i915 sets 4096)', () => {
    // 6000 → 1904: one batch of 4096. With 1024 this needs a STOP after 4 calls.
    const events = [ev(6000n, 1904n, 3_000_000n), ev(9000n, 808n, 3_000_000n), ev(3000n, 3000n, 3_000_000n)];
    expect(inferBatch(events)).toMatchObject({ batch: 4096, honest: 3, reachable: 3 });
  });

  it('finds a non-power-of-two batch from the observed steps', () => {
    // batch 1000: 2500 → 500, 3700 → 700.
    expect(inferBatch([ev(2500n, 500n, 1_000_000n), ev(3700n, 700n, 1_000_000n)])).toMatchObject({ batch: 1000, honest: 2 });
  });

  it('pairs that scanned decide before pairs that only say "fewer STOPs"', () => {
    // True batch 128 with many NOFS STOPs at the first call (T in 128..1023 < F): a batch above
    // every T would explain those without a STOP but could not reach the scanning pairs.
    const stops = Array.from({ length: 10 }, (_, i) => ev(200n + BigInt(i), 200n + BigInt(i), 100_000n));
    const scans = [ev(300n, 44n, 100_000n), ev(1000n, 104n, 100_000n)];
    expect(inferBatch([...stops, ...scans])).toMatchObject({ batch: 128, honest: 2, reachable: 12 });
  });

  it('a corrupted end leaves the well-supported batch in place (and is the unreachable one)', () => {
    const good = [ev(21910n, 406n, 10955n), ev(2740n, 692n, 10965n), ev(5322n, 202n, 10670n)];
    // 406 → 408 makes the step 21502 = 2 · 10751.
    const c = inferBatch([...good, ev(21910n, 408n, 10955n)]);
    expect(c).toMatchObject({ batch: 1024, honest: 3, reachable: 3, of: 4 });
  });

  it('--batch fixes the value; 0 means SHRINK_BATCH', () => {
    expect(inferBatch([ev(21910n, 406n, 10955n)], 0)).toEqual({ batch: 128, honest: 0, reachable: 1, of: 1, source: 'given', determined: true });
    expect(inferBatch([ev(21910n, 406n, 10955n)], 1024)).toMatchObject({ batch: 1024, honest: 1 });
  });
});
