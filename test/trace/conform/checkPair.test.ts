import { describe, expect, it } from 'vitest';
import { SETS_NR_SCANNED, checkPair, nextDeferredOf, type PairNumbers } from '../../../src/trace/conform/checkPair.js';
import { overlapsOf, type CallSpan } from '../../../src/trace/conform/concurrency.js';

/** p4's binder pair at priority 6 (trace_p4 lines of binder_shrink_scan ffff8f35c1dd5780). */
const BINDER_P6: PairNumbers = {
  freeable: 539n,
  nr: 6n,
  priority: 6,
  delta: 16n,
  totalScan: 16n,
  unused: 6n,
  left: 16n,
  retval: 0,
  newScan: 22n,
  startNid: 0,
  endNid: 0,
};
const BINDER = { seeks: 2, batchSize: 128n };
const ALONE = { calls: 0, maxAdded: 0n };

describe('checkPair: hand-checked real pairs', () => {
  it('binder at priority 6: delta (539>>6)*4/2 = 16, total_scan (6>>6)+16 = 16 < 128 and < 539 so no scan, next 6+16-0 = 22', () => {
    expect(nextDeferredOf(BINDER_P6)).toBe(22n);
    expect(checkPair(BINDER_P6, BINDER, ALONE)).toEqual({ kind: 'exact' });
  });

  it('p2 binder drop_caches: 451 items at priority 0, 7 batches of 128, 6 left and deferred', () => {
    const n: PairNumbers = { ...BINDER_P6, freeable: 451n, nr: 0n, priority: 0, delta: 902n, totalScan: 902n, unused: 0n, left: 6n, retval: 451, newScan: 6n };
    expect(checkPair(n, BINDER, ALONE)).toEqual({ kind: 'exact' });
  });

  it('super_cache_scan ffff8f35c1dd5d00 at priority 4: next 118 + 29 = 147 is capped at 2F = 118', () => {
    const n: PairNumbers = { ...BINDER_P6, freeable: 59n, nr: 118n, priority: 4, delta: 29n, totalScan: 36n, unused: 118n, left: 36n, newScan: 118n };
    expect(nextDeferredOf(n)).toBe(118n);
    expect(checkPair(n, { seeks: 0, batchSize: 1024n }, ALONE)).toEqual({ kind: 'exact' });
  });

  it('kfree_rcu may free more than it scanned: p1 F 10 → 20 scanned, 10 freed; retval is not bounded by scanned', () => {
    const n: PairNumbers = { ...BINDER_P6, freeable: 10n, nr: 0n, priority: 0, delta: 20n, totalScan: 20n, unused: 0n, left: 0n, retval: 10, newScan: 0n };
    expect(checkPair(n, BINDER, ALONE).kind).toBe('exact');
    expect(checkPair({ ...n, retval: 5000 }, BINDER, ALONE).kind).toBe('exact');
  });
});

describe('checkPair: each corrupted field is a mismatch with the expected value', () => {
  const issuesOf = (n: PairNumbers) => {
    const v = checkPair(n, BINDER, ALONE);
    return v.kind === 'mismatched' ? v.issues.map((i) => [i.field, i.on, i.expected, i.got]) : [];
  };

  it('delta', () => expect(issuesOf({ ...BINDER_P6, delta: 17n })).toContainEqual(['delta', 'start', '16', '17']));
  it('start total_scan', () => expect(issuesOf({ ...BINDER_P6, totalScan: 17n })).toContainEqual(['total_scan', 'start', '16', '17']));
  it('end total_scan', () => expect(issuesOf({ ...BINDER_P6, left: 15n })).toContainEqual(['end_total_scan', 'end', '16', '15']));
  it('new scan count', () => expect(issuesOf({ ...BINDER_P6, newScan: 23n })).toEqual([['new_scan', 'end', '22', '23']]));
  it('a new scan count below next is never concurrency', () => {
    const v = checkPair({ ...BINDER_P6, newScan: 21n }, BINDER, { calls: 3, maxAdded: 1000n });
    expect(v.kind).toBe('mismatched');
  });
  it('return value without any scan', () => expect(issuesOf({ ...BINDER_P6, retval: 5 })).toEqual([['retval', 'end', '0', '5']]));
  it('unused scan count ≠ objects to shrink', () => expect(issuesOf({ ...BINDER_P6, unused: 7n })).toContainEqual(['unused_scan', 'end', '6', '7']));
  it('nid differs between start and end', () => expect(issuesOf({ ...BINDER_P6, endNid: 1 })).toEqual([['nid', 'end', '0', '1']]));
  it('negative objects to shrink', () => expect(issuesOf({ ...BINDER_P6, nr: -1n, unused: -1n, newScan: 16n })).toContainEqual(['objects_to_shrink', 'start', '≥ 0', '-1']));
  it('the wrong seeks shows in delta', () => {
    const v = checkPair(BINDER_P6, { seeks: 4, batchSize: 128n }, ALONE);
    expect(v).toMatchObject({ kind: 'mismatched', issues: [{ field: 'delta', expected: '8', got: '16' }] });
  });
});

describe('checkPair: concurrency', () => {
  it('a surplus within what overlapping calls added is consistent', () => {
    expect(checkPair({ ...BINDER_P6, newScan: 30n }, BINDER, { calls: 1, maxAdded: 10n })).toEqual({ kind: 'consistent', extra: 8n, maxAdded: 10n });
  });

  it('a surplus beyond it is a mismatch showing the admissible range', () => {
    const v = checkPair({ ...BINDER_P6, newScan: 40n }, BINDER, { calls: 1, maxAdded: 10n });
    expect(v).toMatchObject({ kind: 'mismatched', issues: [{ field: 'new_scan', expected: '22..32', got: '40' }] });
  });

  it('without an overlapping call any surplus is a mismatch', () => {
    expect(checkPair({ ...BINDER_P6, newScan: 23n }, BINDER, ALONE).kind).toBe('mismatched');
  });
});

describe('overlapsOf', () => {
  const span = (startLine: number, endLine: number, pid: number, added: bigint): CallSpan => ({ startLine, endLine, pid, added });

  it('counts partial overlap both ways, enclosure both ways, and ignores the same task and disjoint calls', () => {
    const spans = [
      span(10, 20, 1, 5n), // A
      span(15, 30, 2, 7n), // B overlaps A's end
      span(12, 14, 3, 11n), // C inside A
      span(21, 22, 1, 100n), // D: same task as A, inside B
      span(40, 50, 2, 13n), // E: disjoint
      span(1, 60, 4, 17n), // F encloses everything
    ];
    const c = overlapsOf(spans);
    expect(c[0]).toEqual({ calls: 3, maxAdded: 7n + 11n + 17n });
    expect(c[1]).toEqual({ calls: 3, maxAdded: 5n + 100n + 17n });
    expect(c[2]).toEqual({ calls: 2, maxAdded: 5n + 17n });
    expect(c[3]).toEqual({ calls: 2, maxAdded: 7n + 17n });
    expect(c[4]).toEqual({ calls: 1, maxAdded: 17n });
    expect(c[5]).toEqual({ calls: 5, maxAdded: 5n + 7n + 11n + 100n + 13n });
  });

  it('a lone call has no concurrency', () => {
    expect(overlapsOf([span(1, 2, 1, 5n), span(3, 4, 2, 5n)])).toEqual([
      { calls: 0, maxAdded: 0n },
      { calls: 0, maxAdded: 0n },
    ]);
  });
});

describe('checkPair: impossible priorities', () => {
  it('a priority outside 0..63 is reported instead of shifting by it', () => {
    for (const priority of [-1, 64, -2147483648]) {
      const v = checkPair({ ...BINDER_P6, priority }, BINDER, ALONE);
      expect(v).toMatchObject({ kind: 'mismatched', issues: [{ field: 'priority', got: String(priority) }] });
    }
  });
});

describe('checkPair: shrinkers that report their own nr_scanned', () => {
  it('ttm/i915/xe may end anywhere; next_deferred still uses scanned = T − L', () => {
    // F 10000 at p 4: delta (10000 >> 4) * 4 / 2 = 1250; T = (16000 >> 4) + 1250 = 2250.
    // The shrinker reported 2280 scanned in total, so total_scan ends at −30.
    const n: PairNumbers = { ...BINDER_P6, freeable: 10_000n, nr: 16_000n, priority: 4, delta: 1250n, totalScan: 2250n, unused: 16_000n, left: -30n, retval: 7, newScan: 15_000n };
    // 16000 + 1250 − 2280 = 14970 (below 2F).
    expect(nextDeferredOf(n)).toBe(14_970n);
    const strict = checkPair(n, BINDER, ALONE);
    expect(strict).toMatchObject({ kind: 'mismatched' });
    const relaxed = checkPair(n, { ...BINDER, setsNrScanned: true }, ALONE);
    expect(relaxed).toEqual({ kind: 'mismatched', issues: [expect.objectContaining({ field: 'new_scan', expected: '14970', got: '15000' })] });
    expect(checkPair({ ...n, newScan: 14_970n }, { ...BINDER, setsNrScanned: true }, ALONE)).toEqual({ kind: 'exact' });
    expect(SETS_NR_SCANNED.has('ttm_pool_shrinker_scan')).toBe(true);
    expect(SETS_NR_SCANNED.has('super_cache_scan')).toBe(false);
  });
});
