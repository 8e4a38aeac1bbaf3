/**
 * `do_shrink_slab()`: one shrinker, one reclaim context, one priority.
 *
 * The arithmetic lives in `arith.ts`; this file runs the protocol around it: count once,
 * take all deferred work, trace, run the batch loop against the callbacks, add back what is
 * left, trace again.
 *
 * Two exact paths (see `doShrinkSlabInto`): plain numbers whenever every operand and every
 * intermediate provably fits in 2^53 (the common case: counts, deferred work, batch and
 * totals far below 2^50), and the 64-bit bigint path of arith.ts / formula.ts otherwise
 * (raw what-ifs, counts near ULONG_MAX, the legacy formula). A call may start on numbers and
 * move to bigints mid-loop when a callback reports something large; it never moves back.
 * test/mm/shrinker/fastPath.test.ts checks both paths agree on every field.
 */
import { s32, s64, u64, ULONG_MAX, type Long, type ULong } from '../kint.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart, ShrinkerTraceRef } from './events.js';
import { loopContinues, nrToScanOf } from './arith.js';
import { CURRENT_FORMULA, type FormulaPlan, type ShrinkFormula } from './formula.js';
import {
  SHRINK_EMPTY,
  SHRINK_STOP,
  type RawShrinkerOps,
  type ShrinkControl,
  type ShrinkerFlags,
} from './types.js';

/**
 * Where a call's deferred work lives: `nr_deferred[nid']` of the shrinker, or the memcg's
 * `shrinker_info` unit for memcg-aware shrinkers with a memcg. Atomic in the kernel: take-all
 * then add-back, so concurrent callers never lose or duplicate work.
 */
export interface DeferredSlots {
  /** `xchg_nr_deferred`: returns the slot's value and leaves 0. */
  xchg(sc: ShrinkControl): Long;
  /** `add_nr_deferred`: adds and returns the new slot value. */
  add(sc: ShrinkControl, nr: Long): Long;
}

/** What do_shrink_slab needs of a shrinker (the registry's object satisfies it). */
export interface ShrinkerCore<P = unknown> {
  readonly ops: RawShrinkerOps<P> & {
    /**
     * Optional bulk form for synthetic honest shrinkers: `calls` scan calls of `each`
     * objects at once, returning total freed. Lets totals near 2^63 be simulated in O(1).
     */
    scanMany?(sc: ShrinkControl, calls: bigint, each: ULong, priv: P): ULong;
  };
  readonly priv: P;
  readonly seeks: number;
  readonly batch: number;
  readonly flags: ShrinkerFlags;
  readonly deferred: DeferredSlots;
  readonly traceRef: ShrinkerTraceRef;
}

/** Receives the tracepoints of one call (the caller adds task, cpu and time). */
export interface ShrinkTraceSink {
  start(e: MmShrinkSlabStart): void;
  end(e: MmShrinkSlabEnd): void;
}

export interface DoShrinkSlabStats {
  /** scan_objects calls, including a final STOP call (bigint: the bulk path can exceed 2^53). */
  calls: bigint;
  /** Calls that returned SHRINK_STOP (0 or 1). */
  stops: number;
  /** Σ nr_scanned over non-STOP calls (what `slabs_scanned` vmstat adds). */
  scanned: Long;
  freed: ULong;
  /** The loop hit the safety cap: a shrinker that never makes progress. */
  livelock: boolean;
}

export type DoShrinkSlabResult =
  /** count said 0 ("unknown") or SHRINK_EMPTY: no tracepoint, deferred untouched. */
  | { readonly kind: 'skipped'; readonly raw: ULong }
  | {
      readonly kind: 'ran';
      readonly start: MmShrinkSlabStart;
      readonly end: MmShrinkSlabEnd;
      readonly stats: DoShrinkSlabStats;
    };

/** Safety cap on scan calls per do_shrink_slab (the kernel has none; it would spin). */
export const MAX_SCAN_CALLS = 1 << 24;

/** The unsigned long the kernel function returns: freed, or the count's 0 / SHRINK_EMPTY. */
export const returnValueOf = (r: DoShrinkSlabResult): ULong =>
  r.kind === 'skipped' ? r.raw : r.stats.freed;

/**
 * Largest magnitude of an operand on the number path (count, nr, batch, one call's freed and
 * nr_scanned): delta ≤ 4·2^48 and every sum below stays under 2^53.
 */
const FAST_LIM = 2 ** 48;
const FAST_LIM_BIG = BigInt(FAST_LIM);
/** Largest magnitude a running total (freed, scanned, total_scan left) may reach on it. */
const FAST_ACC = 2 ** 51;
const FAST_ACC_BIG = BigInt(FAST_ACC);
const BATCH_DEFAULT = 128;
/** 2^p for p = 0…62 (exact doubles): `2 ** p` goes through the runtime's pow on every call. */
const POW2 = Float64Array.from({ length: 63 }, (_, p) => 2 ** p);

/**
 * One do_shrink_slab call, written in place by `doShrinkSlabInto` (reuse one per caller; a
 * callback that reclaims recursively must use its own). When `big` is false the numeric
 * fields hold the call exactly; when true, the bigint ones do.
 */
export class ShrinkCall {
  /** False: count said 0 or SHRINK_EMPTY (`raw`), nothing else was done. */
  ran = false;
  /** count_objects' value as an unsigned long. */
  raw: ULong = 0n;
  /** The deferred work taken out of the slot (`nr`), and the slot after the add-back. */
  nr: Long = 0n;
  newNr: Long = 0n;
  big = false;
  delta = 0;
  totalScan = 0;
  /** total_scan left after the loop. */
  left = 0;
  scanned = 0;
  freed = 0;
  calls = 0;
  deltaBig: ULong = 0n;
  totalScanBig: Long = 0n;
  leftBig: Long = 0n;
  scannedBig: Long = 0n;
  freedBig: ULong = 0n;
  /** scan_objects calls as a bigint (the bulk path may exceed 2^53). */
  callsBig = 0n;
  stops = 0;
  livelock = false;
  /** Built only when a sink was given or `events` was asked for. */
  start: MmShrinkSlabStart | undefined = undefined;
  end: MmShrinkSlabEnd | undefined = undefined;

  /** `freed` as the kernel function returns it (or the raw count when skipped). */
  returnValue(): ULong {
    if (!this.ran) return this.raw;
    return this.big ? this.freedBig : BigInt(this.freed);
  }
}

/** The public result of one call, built from a `ShrinkCall` that ran with events (or the timed path). */
export function resultOf(c: ShrinkCall): DoShrinkSlabResult {
  if (!c.ran) return { kind: 'skipped', raw: c.raw };
  const stats: DoShrinkSlabStats = c.big
    ? { calls: c.callsBig, stops: c.stops, scanned: c.scannedBig, freed: c.freedBig, livelock: c.livelock }
    : { calls: BigInt(c.calls), stops: c.stops, scanned: BigInt(c.scanned), freed: BigInt(c.freed), livelock: c.livelock };
  return { kind: 'ran', start: c.start as MmShrinkSlabStart, end: c.end as MmShrinkSlabEnd, stats };
}

export function doShrinkSlab<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  sink?: ShrinkTraceSink,
  /** The scan-target formula: today's by default; LEGACY_FORMULA replays pre-5.13 traces. */
  formula: ShrinkFormula = CURRENT_FORMULA,
): DoShrinkSlabResult {
  const c = new ShrinkCall();
  doShrinkSlabInto(shrinker, sc, priority, c, sink, formula, true);
  return resultOf(c);
}

/**
 * The same call on the 64-bit bigint path only: the reference the number path is tested
 * against. Not for the simulation (slower, same answers).
 */
export function doShrinkSlabBigint<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  sink?: ShrinkTraceSink,
  formula: ShrinkFormula = CURRENT_FORMULA,
): DoShrinkSlabResult {
  const c = new ShrinkCall();
  doShrinkSlabInto(shrinker, sc, priority, c, sink, formula, true, false);
  return resultOf(c);
}

/**
 * `Number(x)` of a bigint goes through the runtime (several ns); shrinkers answer the same
 * values call after call (a count, a batch of 128), so the last conversion is remembered.
 * Exact: the cached number is returned only for an equal bigint.
 */
class NumMemo {
  private big = 0n;
  private num = 0;
  of(x: bigint): number {
    if (x === this.big) return this.num;
    this.big = x;
    this.num = Number(x);
    return this.num;
  }
}
/** One memo per role, so that counts, deferred values and scan returns do not evict each other. */
const countNum = new NumMemo();
const nrNum = new NumMemo();
const retNum = new NumMemo();

/** `u64(x)` without allocating when x already is an unsigned long (the usual case). */
const asULong = (x: bigint): ULong => (x >= 0n && x <= ULONG_MAX ? x : u64(x));

/**
 * do_shrink_slab writing its outcome into `out` (reused: no result objects per call). The
 * start/end tracepoint records are built only when `sink` is given or `events` is true.
 * @returns `out.ran`.
 */
export function doShrinkSlabInto<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  out: ShrinkCall,
  sink?: ShrinkTraceSink,
  formula: ShrinkFormula = CURRENT_FORMULA,
  events = false,
  allowFast = true,
): boolean {
  const counted = shrinker.ops.countRaw(sc, shrinker.priv);
  out.start = out.end = undefined;
  // The usual count, 0 < count ≤ 2^48, is an unsigned long and neither 0 nor SHRINK_EMPTY.
  const ordinary = counted > 0n && counted <= FAST_LIM_BIG;
  const raw = ordinary ? counted : asULong(counted);
  out.raw = raw;
  // `long freeable = count_objects()`; then compared with 0 and (unsigned) SHRINK_EMPTY.
  if (!ordinary && (raw === 0n || raw === SHRINK_EMPTY)) {
    out.ran = false;
    return false;
  }
  out.ran = true;
  out.stops = 0;
  out.livelock = false;
  // Take all deferred work so that concurrent callers don't also do it.
  const nr = shrinker.deferred.xchg(sc);
  out.nr = nr;
  const wantEvents = events || sink !== undefined;
  if (
    allowFast &&
    ordinary &&
    formula === CURRENT_FORMULA &&
    nr >= 0n &&
    nr <= FAST_LIM_BIG &&
    fastParams(priority, shrinker.seeks, shrinker.batch)
  ) {
    fastCall(shrinker, sc, priority, out, countNum.of(raw), nrNum.of(nr), sink, wantEvents);
  } else {
    bigCall(shrinker, sc, priority, out, formula, sink, wantEvents);
  }
  return true;
}

/** Priority, seeks and batch for which the number path is exact. */
function fastParams(priority: number, seeks: number, batch: number | bigint): boolean {
  return (
    Number.isInteger(priority) &&
    priority >= 0 &&
    priority <= 62 &&
    Number.isInteger(seeks) &&
    seeks >= 0 &&
    seeks < 2 ** 31 &&
    typeof batch === 'number' &&
    Number.isInteger(batch) &&
    batch >= 0 &&
    batch <= FAST_LIM
  );
}

export function startEvent<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  out: ShrinkCall,
  delta: ULong,
  totalScan: ULong,
  priority: number,
): MmShrinkSlabStart {
  return {
    type: 'mm_shrink_slab_start',
    shr: shrinker.traceRef,
    nid: sc.nid,
    nrObjectsToShrink: out.nr,
    gfpFlags: sc.gfpMask,
    cacheItems: out.raw,
    delta,
    totalScan,
    priority,
  };
}

export function endEvent<P>(shrinker: ShrinkerCore<P>, sc: ShrinkControl, out: ShrinkCall, retval: number, left: Long): MmShrinkSlabEnd {
  return {
    type: 'mm_shrink_slab_end',
    shr: shrinker.traceRef,
    nid: sc.nid,
    unusedScan: out.nr,
    newScan: out.newNr,
    retval,
    totalScan: left,
  };
}

/**
 * The number path: freeable, nr ∈ [0, 2^48], so delta ≤ 4·freeable, total_scan ≤ 2·freeable,
 * running totals are kept within ±2^51 and every sum below stays under 2^53. Division by 2^priority and Math.floor are exact on
 * integers of that size, as is `| 0` for the int retval.
 */
function fastCall<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  out: ShrinkCall,
  freeable: number,
  nr: number,
  sink: ShrinkTraceSink | undefined,
  wantEvents: boolean,
): void {
  const pow = POW2[priority]!;
  const seeks = shrinker.seeks;
  const delta = seeks !== 0 ? Math.floor((Math.floor(freeable / pow) * 4) / seeks) : Math.floor(freeable / 2);
  const twice = 2 * freeable;
  const t0 = Math.floor(nr / pow) + delta;
  const totalScan = t0 < twice ? t0 : twice;
  const bs = shrinker.batch !== 0 ? (shrinker.batch as number) : BATCH_DEFAULT;
  out.big = false;
  out.delta = delta;
  out.totalScan = totalScan;
  if (wantEvents) {
    out.start = startEvent(shrinker, sc, out, BigInt(delta), BigInt(totalScan), priority);
    sink?.start(out.start);
  }

  let left = totalScan;
  let scanned = 0;
  let freed = 0;
  let calls = 0;
  const many = shrinker.ops.scanMany;
  if (many && bs > 0 && left >= bs * 2) {
    const fullCalls = Math.floor(left / bs);
    sc.nrToScan = bs;
    sc.nrScanned = bs;
    const got = u64(many.call(shrinker.ops, sc, BigInt(fullCalls), BigInt(bs), shrinker.priv));
    calls = fullCalls;
    scanned = fullCalls * bs;
    left -= scanned;
    if (got > FAST_ACC_BIG) {
      out.freedBig = got;
      toBig(out, calls, scanned, left);
      bigLoop(shrinker, sc, out, BigInt(freeable), BigInt(bs), 0);
      return finish(shrinker, sc, out, freeable, sink, wantEvents);
    }
    freed = Number(got);
  }

  let loopCalls = 0;
  while (left >= bs || left >= freeable) {
    if (loopCalls >= MAX_SCAN_CALLS) {
      out.livelock = true;
      break;
    }
    const n = bs < left ? bs : left;
    sc.nrToScan = n;
    sc.nrScanned = n;
    const answered = shrinker.ops.scanRaw(sc, shrinker.priv);
    loopCalls++;
    // The usual answer, 0 ≤ freed ≤ 2^48, is an unsigned long and not SHRINK_STOP.
    const small = answered >= 0n && answered <= FAST_LIM_BIG;
    const ret = small ? answered : asULong(answered);
    if (!small && ret === SHRINK_STOP) {
      // This call's nr_scanned is not counted; the un-attempted work is deferred below.
      out.stops++;
      break;
    }
    const got = sc.nrScanned;
    if (small && Number.isSafeInteger(got) && got <= FAST_LIM && got >= -FAST_LIM) {
      freed += retNum.of(ret);
      left -= got;
      scanned += got;
      if (freed <= FAST_ACC && left <= FAST_ACC && left >= -FAST_ACC && scanned <= FAST_ACC && scanned >= -FAST_ACC) continue;
      // A running total left the exact range: undo this step and redo it in bigints.
      freed -= retNum.of(ret);
      left += got;
      scanned -= got;
    }
    // Something large (or not an integer): finish this step and the loop on bigints.
    out.freedBig = u64(BigInt(freed) + ret);
    toBig(out, calls, scanned, left);
    const gotBig = BigInt(got);
    out.leftBig = s64(u64(out.leftBig) - u64(gotBig));
    out.scannedBig = s64(out.scannedBig + gotBig);
    bigLoop(shrinker, sc, out, BigInt(freeable), BigInt(bs), loopCalls);
    return finish(shrinker, sc, out, freeable, sink, wantEvents);
  }
  out.calls = calls + loopCalls;
  out.left = left;
  out.scanned = scanned;
  out.freed = freed;
  finish(shrinker, sc, out, freeable, sink, wantEvents);
}

/** Moves a call from numbers to bigints (freedBig is set by the caller). */
function toBig(out: ShrinkCall, calls: number, scanned: number, left: number): void {
  out.big = true;
  out.deltaBig = BigInt(out.delta);
  out.totalScanBig = BigInt(out.totalScan);
  out.callsBig = BigInt(calls);
  out.scannedBig = BigInt(scanned);
  out.leftBig = BigInt(left);
}

/** next_deferred, the add-back and the end record, on whichever path the call finished. */
function finish<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  out: ShrinkCall,
  freeable: number,
  sink: ShrinkTraceSink | undefined,
  wantEvents: boolean,
): void {
  let retval: number;
  if (!out.big) {
    // max(nr + delta - scanned, 0), capped at 2·freeable: |each term| ≤ 2^51.
    const raw = nrNum.of(out.nr) + out.delta - out.scanned;
    const next = raw > 0 ? (raw < 2 * freeable ? raw : 2 * freeable) : 0;
    out.newNr = shrinker.deferred.add(sc, BigInt(next));
    retval = out.freed | 0;
  } else {
    const f = BigInt(freeable);
    const rawNext = s64(u64(out.nr) + out.deltaBig - u64(out.scannedBig));
    const pos = rawNext > 0n ? rawNext : 0n;
    const cap = s64(2n * f);
    out.newNr = shrinker.deferred.add(sc, pos < cap ? pos : cap);
    retval = s32(out.freedBig);
  }
  if (wantEvents) {
    out.end = endEvent(shrinker, sc, out, retval, out.big ? out.leftBig : BigInt(out.left));
    sink?.end(out.end);
  }
}

/**
 * The batch loop on bigints from the state in `out` (leftBig, scannedBig, freedBig,
 * callsBig) with `loopCalls` calls of this loop already made; writes the state back.
 */
function bigLoop<P>(shrinker: ShrinkerCore<P>, sc: ShrinkControl, out: ShrinkCall, freeable: Long, bs: Long, loopCalls: number): void {
  // Calls of this loop are counted in a number (the cap keeps it far below 2^53) and added to
  // the bigint total once, so the per-call cost stays off bigint allocation.
  let n0 = loopCalls;
  while (loopContinues(out.leftBig, bs, freeable)) {
    if (n0 >= MAX_SCAN_CALLS) {
      out.livelock = true;
      break;
    }
    n0++;
    if (scanBatchBig(shrinker, sc, out, bs) === null) break;
  }
  out.callsBig += BigInt(n0);
}

/**
 * One scan_objects call of the batch loop on bigints, from and into `out`'s leftBig,
 * scannedBig and freedBig. Returns what the call says it scanned (a misbehaving callback may
 * say anything), or null on SHRINK_STOP (the call's nr_scanned is not counted; the
 * un-attempted work is deferred by the add-back).
 */
export function scanBatchBig<P>(shrinker: ShrinkerCore<P>, sc: ShrinkControl, out: ShrinkCall, bs: Long): bigint | null {
  const n = nrToScanOf(bs, out.leftBig);
  sc.nrToScan = Number(n);
  sc.nrScanned = Number(n);
  const ret = u64(shrinker.ops.scanRaw(sc, shrinker.priv));
  if (ret === SHRINK_STOP) {
    out.stops++;
    return null;
  }
  out.freedBig = u64(out.freedBig + ret);
  const got = BigInt(sc.nrScanned);
  out.leftBig = s64(u64(out.leftBig) - u64(got));
  out.scannedBig = s64(out.scannedBig + got);
  return got;
}

/** The bigint path from the plan on (formula.ts / arith.ts), as the kernel's C types say. */
function bigCall<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  out: ShrinkCall,
  formula: ShrinkFormula,
  sink: ShrinkTraceSink | undefined,
  wantEvents: boolean,
): void {
  const freeable = s64(out.raw);
  const plan: FormulaPlan = formula.plan(freeable, out.nr, priority, shrinker.seeks, shrinker.batch);
  out.big = true;
  out.deltaBig = plan.delta;
  out.totalScanBig = plan.totalScan;
  if (wantEvents) {
    out.start = startEvent(shrinker, sc, out, plan.delta, u64(plan.totalScan), priority);
    sink?.start(out.start);
  }
  let totalScan = plan.totalScan;
  const bs = plan.batchSize;
  out.callsBig = 0n;
  out.scannedBig = 0n;
  out.freedBig = 0n;

  // Bulk path: all full batches in one call, for synthetic shrinkers that offer it.
  const many = shrinker.ops.scanMany;
  if (many && freeable > 0n && bs > 0n && totalScan >= bs * 2n) {
    const fullCalls = totalScan / bs;
    sc.nrToScan = Number(bs);
    sc.nrScanned = Number(bs);
    out.freedBig = u64(many.call(shrinker.ops, sc, fullCalls, u64(bs), shrinker.priv));
    out.callsBig = fullCalls;
    out.scannedBig = fullCalls * bs;
    totalScan -= fullCalls * bs;
  }
  out.leftBig = totalScan;
  bigLoop(shrinker, sc, out, freeable, bs, 0);

  const newNr = shrinker.deferred.add(sc, plan.nextDeferred(out.scannedBig));
  out.newNr = newNr;
  if (wantEvents) {
    out.end = endEvent(shrinker, sc, out, s32(out.freedBig), out.leftBig);
    sink?.end(out.end);
  }
}
