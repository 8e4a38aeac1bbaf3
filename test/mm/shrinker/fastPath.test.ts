/**
 * do_shrink_slab's number path against its 64-bit bigint path (issue 8: "fast paths that stay
 * exact"). The reference is `doShrinkSlabBigint`, the arith.ts/formula.ts path every call took
 * before the number path existed; both run the same deterministic callbacks on the same
 * inputs and must agree on every field: result, trace records, the deferred slot after, the
 * nr_to_scan of every scan call, and any exception. Inputs cluster where numbers stop being
 * exact: near 2^48 (the number path's limit), 2^53, 2^63 and 2^64.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { s64, u64 } from '../../../src/mm/kint.js';
import { SingleDeferredSlot } from '../../../src/mm/shrinker/deferred.js';
import {
  doShrinkSlab,
  doShrinkSlabBigint,
  doShrinkSlabInto,
  resultOf,
  ShrinkCall,
  type ShrinkerCore,
} from '../../../src/mm/shrinker/doShrinkSlab.js';
import { doShrinkSlabSteps } from '../../../src/mm/shrinker/doShrinkSlabSteps.js';
import { runSteps } from '../../../src/mm/shrinker/steps.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../../../src/mm/shrinker/events.js';
import { SHRINK_STOP, ShrinkControl } from '../../../src/mm/shrinker/types.js';

/** One scan call's answer, by call index; calls past the script are honest. */
type Step = { kind: 'honest' } | { kind: 'stop' } | { kind: 'odd'; ret: bigint; scanned: number };

interface Input {
  count: bigint;
  nr: bigint;
  priority: number;
  seeks: number;
  batch: number;
  steps: Step[];
  /** Repeat the steps for every call (running totals grow past 2^51, 2^53). */
  cycle: boolean;
  bulk: 'none' | 'honest' | 'odd';
  bulkRet: bigint;
}

/** Past this many calls every scan says STOP, so livelocking inputs end quickly. */
const CALL_CAP = 2000;

function near(p: bigint, spread = 4096n): fc.Arbitrary<bigint> {
  return fc.bigInt({ min: p - spread, max: p + spread });
}

const u64Arb = fc.oneof(
  fc.bigInt({ min: 1n, max: 10_000_000n }),
  near(1n << 48n),
  near(1n << 53n),
  near(1n << 63n),
  fc.bigInt({ min: (1n << 64n) - 4096n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
).map(u64);

const s64Arb = fc.oneof(
  fc.bigInt({ min: 0n, max: 100_000n }),
  near(1n << 48n),
  near(1n << 53n),
  near((1n << 63n) - 4097n),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
).map(s64);

const scannedArb = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.constantFrom(2 ** 48, 2 ** 48 - 1, -(2 ** 48) + 1, 2 ** 48 + 1, 2 ** 52, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 51),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Step>({ kind: 'honest' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'stop' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('odd' as const), ret: u64Arb, scanned: scannedArb }) },
);

const inputArb: fc.Arbitrary<Input> = fc.record({
  count: fc.oneof({ weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 5_000_000n }) }, { weight: 3, arbitrary: u64Arb }),
  nr: fc.oneof({ weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 50_000n }) }, { weight: 2, arbitrary: s64Arb }),
  priority: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 70 }) }),
  seeks: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(1000, 2 ** 31 - 1, 2 ** 31) }),
  batch: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, 16, 128, 1024) },
    { weight: 1, arbitrary: fc.constantFrom(2 ** 48, 2 ** 48 + 1, 2 ** 53 - 1) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }) },
  ),
  steps: fc.array(stepArb, { maxLength: 6 }),
  cycle: fc.boolean(),
  bulk: fc.constantFrom('none' as const, 'honest' as const, 'odd' as const),
  bulkRet: u64Arb,
});

interface Run {
  result?: unknown;
  error?: string;
  events: (MmShrinkSlabStart | MmShrinkSlabEnd)[];
  slotAfter: bigint;
  scanArgs: number[];
  bulkArgs: [bigint, bigint][];
  sc: [number, number];
}

function runOnce(input: Input, path: typeof doShrinkSlab): Run {
  const slot = new SingleDeferredSlot();
  slot.value = input.nr;
  const scanArgs: number[] = [];
  const bulkArgs: [bigint, bigint][] = [];
  const ops: ShrinkerCore<undefined>['ops'] = {
    countRaw: () => input.count,
    scanRaw: (sc) => {
      const k = scanArgs.length;
      scanArgs.push(sc.nrToScan);
      if (k >= CALL_CAP) return SHRINK_STOP;
      const n = input.steps.length;
      const step = (input.cycle && n > 0 ? input.steps[k % n] : input.steps[k]) ?? { kind: 'honest' };
      if (step.kind === 'stop') return SHRINK_STOP;
      if (step.kind === 'honest') return BigInt(sc.nrToScan);
      sc.nrScanned = step.scanned;
      return step.ret;
    },
  };
  if (input.bulk !== 'none') {
    ops.scanMany = (_sc, calls, each) => {
      bulkArgs.push([calls, each]);
      return input.bulk === 'honest' ? u64(calls * each) : input.bulkRet;
    };
  }
  const core: ShrinkerCore<undefined> = {
    ops,
    priv: undefined,
    seeks: input.seeks,
    batch: input.batch,
    flags: { numaAware: false, memcgAware: false, nonslab: false },
    deferred: slot,
    traceRef: { symbol: 'prop_scan+0x0/0x10', ptr: '0000000000000000' },
  };
  const events: (MmShrinkSlabStart | MmShrinkSlabEnd)[] = [];
  const sc = new ShrinkControl(GFP_KERNEL, 0, null);
  const run: Run = { events, slotAfter: 0n, scanArgs, bulkArgs, sc: [0, 0] };
  try {
    run.result = path(core, sc, input.priority, { start: (e) => events.push(e), end: (e) => events.push(e) });
  } catch (e) {
    run.error = String(e);
  }
  run.slotAfter = slot.value;
  run.sc = [sc.nrToScan, sc.nrScanned];
  return run;
}

describe('doShrinkSlab: number path = bigint path', () => {
  it('agrees on every field over random inputs near 2^48, 2^53, 2^63 and 2^64', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(runOnce(input, doShrinkSlab)).toEqual(runOnce(input, doShrinkSlabBigint));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on plain honest calls (the common case) at every priority and seeks', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 8 }),
        (count, nr, priority, seeks) => {
          const input: Input = { count, nr, priority, seeks, batch: 0, steps: [], cycle: false, bulk: 'honest', bulkRet: 0n };
          expect(runOnce(input, doShrinkSlab)).toEqual(runOnce(input, doShrinkSlabBigint));
        },
      ),
      { numRuns: 1000 },
    );
  });

  // The paths must really differ in where they run, or the property above proves nothing.
  /** `scanned`: what each scan reports; 'stop': every scan says STOP (bounded work). */
  const call = (count: bigint, nr: bigint, scanned?: number | 'stop'): ShrinkCall => {
    const slot = new SingleDeferredSlot();
    slot.value = nr;
    const out = new ShrinkCall();
    const core: ShrinkerCore<undefined> = {
      ops: {
        countRaw: () => count,
        scanRaw: (sc) => {
          if (scanned === 'stop') return SHRINK_STOP;
          if (scanned !== undefined) sc.nrScanned = scanned;
          return BigInt(sc.nrToScan);
        },
      },
      priv: undefined,
      seeks: 2,
      batch: 0,
      flags: { numaAware: false, memcgAware: false, nonslab: false },
      deferred: slot,
      traceRef: { symbol: 'x', ptr: '0000000000000000' },
    };
    doShrinkSlabInto(core, new ShrinkControl(GFP_KERNEL, 0, null), 12, out);
    return out;
  };

  it('runs W1 (F = 1e6, p = 12, N = 5000) on numbers, with the spec\'s figures and no records', () => {
    const c = call(1_000_000n, 5000n);
    expect(c.big).toBe(false);
    expect([c.delta, c.totalScan, c.calls, c.scanned, c.freed, c.left, c.newNr]).toEqual([488, 489, 3, 384, 384, 105, 5104n]);
    expect(c.start).toBeUndefined();
    expect(c.end).toBeUndefined();
  });

  it('takes the bigint path for counts near 2^63 and moves to it when a scan reports 2^52', () => {
    expect(call(1n << 62n, 0n, 'stop').big).toBe(true);
    expect(call(1n << 49n, 0n, 'stop').big).toBe(true);
    expect(call(1n << 30n, -1n, 'stop').big).toBe(true);
    expect(call(1n << 48n, 1n << 48n, 'stop').big).toBe(false);
    const moved = call(1n << 30n, 0n, 2 ** 52);
    expect(moved.big).toBe(true);
    // 2^30 >> 12 = 2^18, ×4/2 = 2^19 = total_scan; one call of 128 that says it scanned 2^52.
    expect(moved.callsBig).toBe(1n);
    expect(moved.leftBig).toBe((1n << 19n) - (1n << 52n));
    expect(moved.scannedBig).toBe(1n << 52n);
  });
});

describe('doShrinkSlabSteps (kswapd\'s timed call) run to its end = the bigint path', () => {
  const stepsPath = ((core, sc, priority, sink) => {
    const c = new ShrinkCall();
    runSteps(doShrinkSlabSteps(core, sc, priority, c, sink));
    return resultOf(c);
  }) as typeof doShrinkSlab;

  it('agrees on every field over the same random inputs', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(runOnce(input, stepsPath)).toEqual(runOnce(input, doShrinkSlabBigint));
      }),
      { numRuns: 1500 },
    );
  });
});
