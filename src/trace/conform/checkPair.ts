/**
 * One do_shrink_slab call, as a start/end pair, against the model.
 *
 * Notation: F cache items, N objects to shrink (= the end's unused scan count), p priority,
 * T the start's total_scan, L the end's total_scan, R the return value, S the new scan count.
 * The core subtracts every completed call's nr_scanned from total_scan and adds it to
 * `scanned`, so scanned = T − L whatever the shrinker did; next_deferred follows from it.
 */
import { computeDelta, computeNextDeferred, computeTotalScan, honestLoop } from '../../mm/shrinker/arith.js';
import { s64, type Long } from '../../mm/kint.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../shrinkEvents.js';
import { DEF_PRIORITY } from '../../mm/shrinker/types.js';
import { loopFit } from './inferBatch.js';

/** A priority the shift arithmetic is defined for (the kernel uses 0..DEF_PRIORITY). */
export const validPriority = (p: number): boolean => Number.isInteger(p) && p >= 0 && p < 64;

/** The numbers of a pair in the model's types. */
export interface PairNumbers {
  readonly freeable: Long;
  readonly nr: Long;
  readonly priority: number;
  readonly delta: bigint;
  readonly totalScan: Long;
  readonly unused: Long;
  readonly left: Long;
  readonly retval: number;
  readonly newScan: Long;
  readonly startNid: number;
  readonly endNid: number;
}

export function numbersOf(start: MmShrinkSlabStart, end: MmShrinkSlabEnd): PairNumbers {
  return {
    freeable: s64(start.cacheItems),
    nr: start.nrObjectsToShrink,
    priority: start.priority,
    delta: start.delta,
    totalScan: s64(start.totalScan),
    unused: end.unusedScan,
    left: end.totalScan,
    retval: end.retval,
    newScan: end.newScan,
    startNid: start.nid,
    endNid: end.nid,
  };
}

/** `next_deferred` of the call: what its add_nr_deferred put into the slot. */
export const nextDeferredOf = (n: PairNumbers): Long =>
  computeNextDeferred(n.nr, n.delta, s64(n.totalScan - n.left), n.freeable);

export type IssueField =
  | 'nid'
  | 'priority'
  | 'objects_to_shrink'
  | 'unused_scan'
  | 'delta'
  | 'total_scan'
  | 'end_total_scan'
  | 'retval'
  | 'new_scan';

/** One field of one line that the model cannot reproduce. */
export interface Issue {
  readonly field: IssueField;
  /** Which line holds the field. */
  readonly on: 'start' | 'end';
  readonly expected: string;
  readonly got: string;
  /** How the expectation was derived. */
  readonly why: string;
}

/** Other tasks' calls on the same shrinker that overlapped this one. */
export interface Concurrency {
  /** How many overlapping calls of other tasks. */
  readonly calls: number;
  /** Upper bound of what they added to the slot while this call held it empty. */
  readonly maxAdded: Long;
}

export type PairVerdict =
  | { readonly kind: 'exact' }
  /** S exceeds next_deferred by what concurrent reclaimers may have added. */
  | { readonly kind: 'consistent'; readonly extra: Long; readonly maxAdded: Long }
  | { readonly kind: 'mismatched'; readonly issues: readonly Issue[] };

export interface PairModel {
  readonly seeks: number;
  /** b' (batch, or 128 for 0). */
  readonly batchSize: Long;
  /**
   * The scan function reports its own `nr_scanned` (allowed: "may be larger than asked"),
   * so the loop can end anywhere and only the core's arithmetic is checked.
   */
  readonly setsNrScanned?: boolean;
}

/**
 * Scan functions known to overwrite `sc->nr_scanned` (GPU drivers count pages or objects
 * their own way). For them the end total_scan is not a function of the batch.
 */
export const SETS_NR_SCANNED: ReadonlySet<string> = new Set([
  'i915_gem_shrinker_scan',
  'ttm_pool_shrinker_scan',
  'xe_shrinker_scan',
]);

export function checkPair(n: PairNumbers, model: PairModel, conc: Concurrency): PairVerdict {
  const issues: Issue[] = [];
  const issue = (field: IssueField, on: 'start' | 'end', expected: bigint | number | string, got: bigint | number, why: string): void => {
    issues.push({ field, on, expected: String(expected), got: String(got), why });
  };

  if (n.endNid !== n.startNid) issue('nid', 'end', n.startNid, n.endNid, 'same shrink_control as the start');
  if (n.nr < 0n) issue('objects_to_shrink', 'start', '≥ 0', n.nr, 'a deferred slot only ever receives values ≥ 0');
  if (n.unused !== n.nr) issue('unused_scan', 'end', n.nr, n.unused, "the start's objects to shrink (same nr)");

  // Shifts by a negative or ≥ 64 priority are undefined in C: no kernel prints one.
  const priorityOk = validPriority(n.priority);
  if (!priorityOk) issue('priority', 'start', `0..${DEF_PRIORITY}`, n.priority, 'reclaim priorities run from DEF_PRIORITY down to 0');
  const delta = priorityOk ? computeDelta(n.freeable, n.priority, model.seeks) : n.delta;
  if (delta !== n.delta) {
    const formula =
      model.seeks === 0 ? `seeks 0: ${n.freeable} / 2` : `(${n.freeable} >> ${n.priority}) * 4 / seeks ${model.seeks}`;
    issue('delta', 'start', s64(delta), s64(n.delta), formula);
  }
  const total = priorityOk ? computeTotalScan(n.nr, n.delta, n.freeable, n.priority) : n.totalScan;
  if (total !== n.totalScan) {
    issue('total_scan', 'start', total, n.totalScan, `min((${n.nr} >> ${n.priority}) + ${s64(n.delta)}, 2 * ${n.freeable})`);
  }

  const loop = { totalScan: n.totalScan, left: n.left, freeable: n.freeable };
  if (!model.setsNrScanned && loopFit(loop, model.batchSize) === 'unreachable') {
    const honest = honestLoop(n.totalScan, n.freeable, model.batchSize).left;
    issue(
      'end_total_scan',
      'end',
      honest,
      n.left,
      `batch loop: ${n.totalScan} in batches of ${model.batchSize} on ${n.freeable} items` +
        ` (or ${n.totalScan} - k*${model.batchSize} after a SHRINK_STOP)`,
    );
  }

  const scanned = s64(n.totalScan - n.left);
  // No completed scan call ⇒ nothing summed into freed (a STOP call's return is not added).
  if (scanned === 0n && n.retval !== 0) {
    issue('retval', 'end', 0, n.retval, `nothing was scanned (total_scan stayed ${n.left})`);
  }

  const next = nextDeferredOf(n);
  let verdict: PairVerdict = { kind: 'exact' };
  if (n.newScan !== next) {
    const extra = n.newScan - next;
    if (extra > 0n && conc.calls > 0 && extra <= conc.maxAdded) {
      verdict = { kind: 'consistent', extra, maxAdded: conc.maxAdded };
    } else {
      const why = `min(max(${n.nr} + ${s64(n.delta)} - scanned ${scanned}, 0), 2 * ${n.freeable})`;
      const expected = conc.calls > 0 ? `${next}..${next + conc.maxAdded}` : next;
      const whyConc =
        conc.calls > 0 ? `${why}, plus up to ${conc.maxAdded} added by ${conc.calls} overlapping call(s)` : `${why}; no overlapping call`;
      issue('new_scan', 'end', expected, n.newScan, whyConc);
    }
  }
  return issues.length > 0 ? { kind: 'mismatched', issues } : verdict;
}
