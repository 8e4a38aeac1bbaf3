/**
 * `do_shrink_slab()` with time inside it: the same protocol and arithmetic as
 * `doShrinkSlabInto`, written as steps (steps.ts) so that a reclaimer whose work is priced in
 * simulated time (kswapd) lets other reclaimers run *during* its call, where the kernel lets
 * them:
 *
 * Step 1: count_objects, then `nr = xchg_nr_deferred()` takes the slot's whole deferred work
 *         (atomic_long_xchg: the slot reads 0 until the add-back), the start tracepoint; then
 *         a yield: the count and the exchange cost their time before the first batch.
 * Step 2: each scan_objects batch runs at its own simulated time, then yields. Between
 *         batches the shrinker's count may change (another reclaimer's batch, Binder
 *         traffic) and another task's do_shrink_slab on the same slot takes 0 and adds its
 *         own next_deferred. `freeable` stays the count of step 1, as in the kernel.
 * Step 3: `add_nr_deferred(next_deferred)` (atomic_long_add_return): the new scan count of the
 *         end tracepoint is our next_deferred plus whatever the others added meanwhile.
 *
 * Exactness: the 64-bit bigint arithmetic of formula.ts / arith.ts (the reference path of
 * doShrinkSlab.ts); run to its end with `runSteps` it gives every field `doShrinkSlabInto`
 * gives. Only kswapd's calls take this path: the atomic callers keep the number fast path.
 */
import { s32, s64, u64 } from '../kint.js';
import { loopContinues } from './arith.js';
import { endEvent, MAX_SCAN_CALLS, scanBatchBig, startEvent, type ShrinkCall, type ShrinkerCore, type ShrinkTraceSink } from './doShrinkSlab.js';
import { CURRENT_FORMULA, type ShrinkFormula } from './formula.js';
import { NO_SCAN_TICK, type ReclaimSteps } from './steps.js';
import { SHRINK_EMPTY, type ShrinkControl } from './types.js';

/** One do_shrink_slab as steps; writes `out` as doShrinkSlabInto does (events always built). Returns `out.ran`. */
export function* doShrinkSlabSteps<P>(
  shrinker: ShrinkerCore<P>,
  sc: ShrinkControl,
  priority: number,
  out: ShrinkCall,
  sink?: ShrinkTraceSink,
  formula: ShrinkFormula = CURRENT_FORMULA,
): ReclaimSteps<boolean> {
  const raw = u64(shrinker.ops.countRaw(sc, shrinker.priv));
  out.raw = raw;
  out.start = out.end = undefined;
  if (raw === 0n || raw === SHRINK_EMPTY) {
    out.ran = false;
    return false;
  }
  out.ran = true;
  out.stops = 0;
  out.livelock = false;
  out.big = true;
  // Step 1: take all deferred work so that concurrent callers don't also do it.
  const nr = shrinker.deferred.xchg(sc);
  out.nr = nr;
  const freeable = s64(raw);
  const plan = formula.plan(freeable, nr, priority, shrinker.seeks, shrinker.batch);
  out.deltaBig = plan.delta;
  out.totalScanBig = plan.totalScan;
  out.start = startEvent(shrinker, sc, out, plan.delta, u64(plan.totalScan), priority);
  sink?.start(out.start);
  yield NO_SCAN_TICK;

  // Step 2: the batch loop, one yield per scan_objects call (the bulk form counts as one).
  const bs = plan.batchSize;
  out.leftBig = plan.totalScan;
  out.scannedBig = 0n;
  out.freedBig = 0n;
  let calls = 0n;
  const many = shrinker.ops.scanMany;
  if (many && freeable > 0n && bs > 0n && out.leftBig >= bs * 2n) {
    const fullCalls = out.leftBig / bs;
    sc.nrToScan = Number(bs);
    sc.nrScanned = Number(bs);
    out.freedBig = u64(many.call(shrinker.ops, sc, fullCalls, u64(bs), shrinker.priv));
    calls = fullCalls;
    out.scannedBig = fullCalls * bs;
    out.leftBig -= out.scannedBig;
    yield { scanCalls: Number(fullCalls), scanned: Number(out.scannedBig) };
  }
  let loopCalls = 0;
  while (loopContinues(out.leftBig, bs, freeable)) {
    if (loopCalls >= MAX_SCAN_CALLS) {
      out.livelock = true;
      break;
    }
    loopCalls++;
    const got = scanBatchBig(shrinker, sc, out, bs);
    yield { scanCalls: 1, scanned: got === null ? 0 : Number(got) };
    if (got === null) break;
  }

  // Step 3: add back what is left; the slot may have received other callers' work meanwhile.
  out.callsBig = calls + BigInt(loopCalls);
  out.newNr = shrinker.deferred.add(sc, plan.nextDeferred(out.scannedBig));
  out.end = endEvent(shrinker, sc, out, s32(out.freedBig), out.leftBig);
  sink?.end(out.end);
  return true;
}
