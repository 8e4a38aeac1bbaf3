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
import { loopFit } from './inferBatch.js';

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
}

export function checkPair(n: PairNumbers, model: PairModel, conc: Concurrency): PairVerdict {
  const issues: Issue[] = [];
  const issue = (field: IssueField, on: 'start' | 'end', expected: bigint | number | string, got: bigint | number, why: string): void => {
    issues.push({ field, on, expected: String(expected), got: String(got), why });
  };

  if (n.endNid !== n.startNid) issue('nid', 'end', n.startNid, n.endNid, 'same shrink_control as the start');
  if (n.nr < 0n) issue('objects_to_shrink', 'start', '≥ 0', n.nr, 'a deferred slot only ever receives values ≥ 0');
  if (n.unused !== n.nr) issue('unused_scan', 'end', n.nr, n.unused, "the start's objects to shrink (same nr)");

  const delta = computeDelta(n.freeable, n.priority, model.seeks);
  if (delta !== n.delta) {
    const formula = model.seeks === 0 ? 'cache items / 2' : `((cache items >> priority) * 4) / seeks`;
    issue('delta', 'start', s64(delta), s64(n.delta), `${formula} with seeks ${model.seeks}`);
  }
  const total = computeTotalScan(n.nr, n.delta, n.freeable, n.priority);
  if (total !== n.totalScan) {
    issue('total_scan', 'start', total, n.totalScan, 'min((objects to shrink >> priority) + delta, 2 * cache items)');
  }

  const loop = { totalScan: n.totalScan, left: n.left, freeable: n.freeable };
  if (loopFit(loop, model.batchSize) === 'unreachable') {
    const honest = honestLoop(n.totalScan, n.freeable, model.batchSize).left;
    issue(
      'end_total_scan',
      'end',
      honest,
      n.left,
      `batch loop from total_scan ${n.totalScan} with batch ${model.batchSize}` +
        ` (or ${n.totalScan} - k*${model.batchSize} after a SHRINK_STOP)`,
    );
  }

  const scanned = s64(n.totalScan - n.left);
  // No completed scan call ⇒ nothing summed into freed (a STOP call's return is not added).
  if (scanned === 0n && n.retval !== 0) issue('retval', 'end', 0, n.retval, 'nothing was scanned (total_scan unchanged)');

  const next = nextDeferredOf(n);
  let verdict: PairVerdict = { kind: 'exact' };
  if (n.newScan !== next) {
    const extra = n.newScan - next;
    if (extra > 0n && conc.calls > 0 && extra <= conc.maxAdded) {
      verdict = { kind: 'consistent', extra, maxAdded: conc.maxAdded };
    } else {
      const why = `min(max(objects to shrink + delta - scanned ${scanned}, 0), 2 * cache items)`;
      const expected = conc.calls > 0 ? `${next}..${next + conc.maxAdded}` : next;
      const whyConc = conc.calls > 0 ? `${why}, plus at most ${conc.maxAdded} added by ${conc.calls} concurrent call(s)` : why;
      issue('new_scan', 'end', expected, n.newScan, whyConc);
    }
  }
  return issues.length > 0 ? { kind: 'mismatched', issues } : verdict;
}
