/**
 * fast-check properties of one do_shrink_slab call: spec §9 invariants 3–12.
 *
 * Expected values come from a reference computed here with plain bigint arithmetic (no code
 * under test): F ≤ 2^60 keeps every intermediate inside a long, so the reference needs no
 * wrapping. Big F (above 2^53) is used only where the loop is short: honest shrinkers with
 * the bulk scanMany path, or shrinkers that STOP early.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { s32 } from '../../../src/mm/kint.js';
import { doShrinkSlab, returnValueOf } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { computeDelta } from '../../../src/mm/shrinker/arith.js';
import { SHRINK_EMPTY, SHRINK_STOP, ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { localCore, recordingTrace, type ScanBehaviour } from './helpers.js';

const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const maxB = (a: bigint, b: bigint) => (a > b ? a : b);

type Kind = { kind: 'honest' } | { kind: 'stopAt'; k: number } | { kind: 'over'; extra: number } | { kind: 'under'; keep: number };

function behaviour(k: Kind): ScanBehaviour {
  switch (k.kind) {
    case 'honest':
      return (_c, n) => ({ freed: BigInt(n), scanned: n });
    case 'stopAt':
      return (c, n) => (c === k.k ? 'stop' : { freed: BigInt(n), scanned: n });
    case 'over':
      // i915-style: reports more scanned than asked (pages for objects); frees half.
      return (_c, n) => ({ freed: BigInt(n >> 1), scanned: n + k.extra });
    case 'under':
      // Scans only part of the batch (at least 1 so the kernel loop still ends).
      return (_c, n) => ({ freed: 0n, scanned: Math.max(1, Math.min(n, k.keep)) });
  }
}

/** The reference loop: what the kernel would do, step by step, with no wrapping. */
function reference(F: bigint, N: bigint, p: number, s: number, batch: number, k: Kind) {
  const b = BigInt(batch === 0 ? 128 : batch);
  const delta = s > 0 ? ((F >> BigInt(p)) * 4n) / BigInt(s) : F / 2n;
  const T = minB((N >> BigInt(p)) + delta, 2n * F);
  let t = T;
  let scanned = 0n;
  let freed = 0n;
  let calls = 0;
  let stopped = false;
  const beh = behaviour(k);
  while (t >= b || t >= F) {
    const n = Number(minB(b, t));
    const r = beh(calls, n);
    calls++;
    if (r === 'stop') {
      stopped = true;
      break;
    }
    freed += r.freed;
    t -= BigInt(r.scanned);
    scanned += BigInt(r.scanned);
  }
  const next = minB(maxB(N + delta - scanned, 0n), 2n * F);
  return { delta, T, left: t, scanned, freed, calls, stopped, next, b };
}

const kindArb: fc.Arbitrary<Kind> = fc.oneof(
  fc.constant<Kind>({ kind: 'honest' }),
  fc.integer({ min: 0, max: 6 }).map<Kind>((k) => ({ kind: 'stopAt', k })),
  fc.integer({ min: 0, max: 256 }).map<Kind>((extra) => ({ kind: 'over', extra })),
  fc.integer({ min: 1, max: 200 }).map<Kind>((keep) => ({ kind: 'under', keep })),
);
const batchArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2048 }));
const prioArb = fc.integer({ min: 0, max: 12 });
const seeksArb = fc.integer({ min: 0, max: 8 });

/** Small F: every behaviour; the loop has at most 2F / 1 calls, bounded by F ≤ 20,000. */
const smallCase = fc
  .record({ F: fc.bigInt({ min: 1n, max: 20_000n }), p: prioArb, s: seeksArb, batch: batchArb, kind: kindArb })
  .chain((r) => fc.record({ N: fc.bigInt({ min: 0n, max: 2n * r.F }) }).map((n) => ({ ...r, ...n })));

/** Big F (2^53 … 2^60): only early-STOP shrinkers, whose loop is short. */
const bigStopCase = fc
  .record({
    F: fc.bigInt({ min: 1n << 53n, max: 1n << 60n }),
    p: prioArb,
    s: seeksArb,
    batch: batchArb,
    kind: fc.integer({ min: 0, max: 4 }).map<Kind>((k) => ({ kind: 'stopAt', k })),
  })
  .chain((r) => fc.record({ N: fc.bigInt({ min: 0n, max: 2n * r.F }) }).map((n) => ({ ...r, ...n })));

function runOne(c: { F: bigint; N: bigint; p: number; s: number; batch: number; kind: Kind }) {
  const order: string[] = [];
  const nrScannedIn: number[] = [];
  const beh = behaviour(c.kind);
  const { core, slot, calls } = localCore({
    count: c.F,
    nr: c.N,
    seeks: c.s,
    batch: c.batch,
    scan: (i, n) => {
      order.push('scan');
      return beh(i, n);
    },
  });
  // Capture nr_scanned as the core set it, before the callback overwrites it.
  const scanRaw = core.ops.scanRaw;
  core.ops.scanRaw = (sc: ShrinkControl, priv) => {
    nrScannedIn.push(sc.nrScanned);
    return scanRaw(sc, priv);
  };
  const trace = recordingTrace();
  const sink = {
    start: (e: Parameters<typeof trace.start>[0]) => {
      order.push('start');
      trace.start(e);
    },
    end: (e: Parameters<typeof trace.end>[0]) => {
      order.push('end');
      trace.end(e);
    },
  };
  const r = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), c.p, sink);
  return { r, slot, calls, order, nrScannedIn, trace };
}

function checkCall(c: { F: bigint; N: bigint; p: number; s: number; batch: number; kind: Kind }) {
  const ref = reference(c.F, c.N, c.p, c.s, c.batch, c.kind);
  const { r, slot, calls, order, nrScannedIn } = runOne(c);
  if (r.kind !== 'ran') throw new Error('expected ran');
  // 4: one start before all scans, one end after them; N carried through.
  expect(order[0]).toBe('start');
  expect(order[order.length - 1]).toBe('end');
  expect(order.filter((x) => x === 'start').length).toBe(1);
  expect(order.filter((x) => x === 'end').length).toBe(1);
  expect(r.start.nrObjectsToShrink).toBe(c.N);
  expect(r.end.unusedScan).toBe(c.N);
  // 5, 6: delta and the clamped start value.
  expect(r.start.delta).toBe(ref.delta);
  expect(r.start.totalScan).toBe(ref.T);
  expect(ref.T >= 0n && ref.T <= 2n * c.F).toBe(true);
  // 7: every request within [1, b'] and nr_scanned preset to it.
  for (const [i, call] of calls.entries()) {
    expect(call.nrToScan).toBeGreaterThanOrEqual(1);
    expect(BigInt(call.nrToScan)).toBeLessThanOrEqual(ref.b);
    expect(nrScannedIn[i]).toBe(call.nrToScan);
    if (c.F >= ref.b) expect(call.nrToScan).toBe(Number(ref.b));
  }
  if (c.kind.kind === 'honest' && c.F >= ref.b) expect(BigInt(calls.length)).toBe(ref.T / ref.b);
  // 8: the loop ended by STOP or by both conditions failing.
  expect(r.stats.stops === 1 || (r.end.totalScan < ref.b && r.end.totalScan < c.F)).toBe(true);
  expect(r.end.totalScan).toBe(ref.left);
  // 9: sums over non-STOP calls; nothing after a STOP.
  expect(calls.length).toBe(ref.calls);
  expect(r.stats.scanned).toBe(ref.scanned);
  expect(r.stats.freed).toBe(ref.freed);
  if (ref.stopped) expect(r.stats.calls).toBe(BigInt(calls.length));
  // 10: the deferred update, 0 ≤ slot ≤ 2F, and the end event shows it.
  expect(slot.value).toBe(ref.next);
  expect(r.end.newScan).toBe(slot.value);
  expect(slot.value >= 0n && slot.value <= 2n * c.F).toBe(true);
  // 12: retval is freed truncated to int.
  expect(r.end.retval).toBe(s32(r.stats.freed));
  return { ref, r, slot };
}

describe('do_shrink_slab invariants (fast-check)', () => {
  it('3: count 0 or SHRINK_EMPTY: no trace, no scan, slot unchanged, F returned', () => {
    fc.assert(
      fc.property(fc.constantFrom(0n, SHRINK_EMPTY), prioArb, seeksArb, batchArb, fc.bigInt({ min: 0n, max: 1n << 62n }), (F, p, s, batch, N) => {
        const { core, slot, calls } = localCore({ count: F, nr: N, seeks: s, batch });
        const t = recordingTrace();
        const r = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), p, t);
        expect(r.kind).toBe('skipped');
        expect(returnValueOf(r)).toBe(F);
        expect(t.order).toEqual([]);
        expect(calls).toEqual([]);
        expect(slot.value).toBe(N);
      }),
      { numRuns: 300 },
    );
  });

  it('4–10, 12 for small caches and every shrinker behaviour', () => {
    fc.assert(fc.property(smallCase, (c) => void checkCall(c)), { numRuns: 600 });
  });

  it('4–10, 12 for big caches (2^53 … 2^60) with early-STOP shrinkers', () => {
    fc.assert(fc.property(bigStopCase, (c) => void checkCall(c)), { numRuns: 300 });
  });

  it('7, 10, 11 for big caches with honest bulk shrinkers (scanMany)', () => {
    const big = fc
      .record({ F: fc.bigInt({ min: 1n << 53n, max: 1n << 60n }), p: prioArb, s: seeksArb, batch: batchArb })
      .chain((r) => fc.record({ N: fc.bigInt({ min: 0n, max: 2n * r.F }) }).map((n) => ({ ...r, ...n })));
    fc.assert(
      fc.property(big, (c) => {
        // Closed form (no loop): F ≥ b' here, so honest calls are all full batches.
        const b = BigInt(c.batch === 0 ? 128 : c.batch);
        const delta = c.s > 0 ? ((c.F >> BigInt(c.p)) * 4n) / BigInt(c.s) : c.F / 2n;
        const T = minB((c.N >> BigInt(c.p)) + delta, 2n * c.F);
        const ref = { T, delta, next: minB(maxB(c.N + delta - (T - (T % b)), 0n), 2n * c.F) };
        const { core, slot } = localCore({ count: c.F, nr: c.N, seeks: c.s, batch: c.batch, bulk: true });
        const r = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), c.p);
        if (r.kind !== 'ran') throw new Error('expected ran');
        expect(r.start.totalScan).toBe(ref.T);
        // F ≥ b' here, so all calls are full batches: calls = floor(T / b'), left = T mod b'.
        // stats.calls is a bigint, so it stays exact above 2^53 calls.
        expect(r.stats.calls).toBe(ref.T / b);
        expect(r.end.totalScan).toBe(ref.T % b);
        expect(r.stats.scanned).toBe(ref.T - (ref.T % b));
        expect(slot.value).toBe(ref.next);
        // 11: if the 2F clamp did not bite at the start, the part of the backlog outside the
        // N >> p slice survives: next = min(N − (N >> p) + left, 2F).
        const pp = BigInt(c.p);
        if ((c.N >> pp) + ref.delta <= 2n * c.F) {
          expect(slot.value).toBe(minB(c.N - (c.N >> pp) + r.end.totalScan, 2n * c.F));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('5: delta is non-increasing in priority; seeks 0 ignores priority', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 62n) - 1n }), fc.integer({ min: 0, max: 11 }), seeksArb, (F, p, s) => {
        const d0 = computeDelta(F, p, s);
        const d1 = computeDelta(F, p + 1, s);
        expect(d1 <= d0).toBe(true);
        expect(d0).toBe(s > 0 ? ((F >> BigInt(p)) * 4n) / BigInt(s) : F / 2n);
        if (s === 0) expect(d1).toBe(d0);
      }),
      { numRuns: 500 },
    );
  });

  it('11: an always-STOP shrinker grows the slot by exactly delta per call, up to 2F', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 40n }), prioArb, seeksArb, fc.integer({ min: 1, max: 6 }), (F, p, s, rounds) => {
        const { core, slot } = localCore({ count: F, seeks: s, scan: () => 'stop' });
        const delta = s > 0 ? ((F >> BigInt(p)) * 4n) / BigInt(s) : F / 2n;
        let expected = 0n;
        for (let i = 0; i < rounds; i++) {
          doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), p);
          expected = minB(expected + delta, 2n * F);
          expect(slot.value).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('11: at priority 0 with seeks 2 the start total_scan is exactly 2F whatever N is', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 60n }), (F) =>
        fc.assert(
          fc.property(fc.bigInt({ min: 0n, max: 2n * F }), (N) => {
            const { core } = localCore({ count: F, nr: N, seeks: 2, scan: () => 'stop' });
            const r = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), 0);
            expect(r.kind === 'ran' && r.start.totalScan).toBe(2n * F);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 100 },
    );
  });

  it('a STOP call contributes nothing: its nr_scanned is not subtracted', () => {
    const { core, slot } = localCore({
      count: 1000n,
      seeks: 2,
      scan: (c, n) => (c === 1 ? 'stop' : { freed: 7n, scanned: n }),
    });
    const r = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), 0);
    if (r.kind !== 'ran') throw new Error('ran');
    // delta 2000, total 2000; call 0 scans 128 (freed 7), call 1 STOPs.
    expect(r.stats).toMatchObject({ calls: 2n, stops: 1, scanned: 128n, freed: 7n });
    expect(r.end.totalScan).toBe(1872n);
    expect(slot.value).toBe(1872n);
    expect(SHRINK_STOP).toBe((1n << 64n) - 1n);
  });
});
