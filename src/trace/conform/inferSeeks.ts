/**
 * Inferring a shrinker instance's `seeks` from its traced `delta`s.
 *
 * `seeks` is not in the trace, and instances of one scan function differ (each superblock
 * has its own shrinker; a filesystem may set seeks 0). For s > 0 the kernel computes
 * delta = floor(u64((F >> p) * 4) / s), so each event admits an integer interval of s; s = 0
 * (priority ignored, delta = F / 2) is a separate case. The instance's seeks is a value in
 * the intersection of its events' sets.
 */
import { DEFAULT_SEEKS } from '../../mm/shrinker/types.js';
import { computeDelta } from '../../mm/shrinker/arith.js';
import { sar, u64, type Long, type ULong } from '../../mm/kint.js';
import { dedupe } from '../../util/dedupe.js';

/** `shrinker->seeks` is an int; the kernel divides by it as u32, only positive values matter. */
export const SEEKS_MAX = 2 ** 31 - 1;

/** What one start line says about seeks. */
export interface SeeksEvidence {
  readonly freeable: Long;
  readonly priority: number;
  readonly delta: ULong;
}

/** The seeks values one event admits: an interval of positive values plus "0 fits". */
export interface SeeksSet {
  /** Inclusive bounds of the positive values that fit; lo > hi when none does. */
  readonly lo: number;
  readonly hi: number;
  readonly zero: boolean;
}

/** The numerator of the seeks > 0 formula, wrapped like the kernel's u64. */
const numeratorOf = (e: SeeksEvidence): ULong => u64(u64(sar(e.freeable, e.priority)) * 4n);

export function seeksSetOf(e: SeeksEvidence): SeeksSet {
  // An impossible priority says nothing about seeks (the pair is reported on its own).
  if (!Number.isInteger(e.priority) || e.priority < 0 || e.priority >= 64) return { lo: 1, hi: SEEKS_MAX, zero: true };
  const zero = computeDelta(e.freeable, e.priority, 0) === e.delta;
  const num = numeratorOf(e);
  const max = BigInt(SEEKS_MAX);
  let lo: bigint;
  let hi: bigint;
  if (num === 0n) {
    // Below 2^priority objects: every positive seeks gives 0.
    [lo, hi] = e.delta === 0n ? [1n, max] : [1n, 0n];
  } else if (e.delta === 0n) {
    [lo, hi] = [num + 1n, max];
  } else {
    // floor(num / s) == delta  ⇔  num / (delta + 1) < s ≤ num / delta
    [lo, hi] = [num / (e.delta + 1n) + 1n, num / e.delta];
  }
  if (hi > max) hi = max;
  if (lo > max) lo = max + 1n;
  return { lo: Number(lo), hi: Number(hi), zero };
}

export const fits = (set: SeeksSet, seeks: number): boolean =>
  seeks === 0 ? set.zero : seeks >= set.lo && seeks <= set.hi;

export interface SeeksChoice {
  readonly seeks: number;
  /** Events whose delta this value reproduces. */
  readonly explains: number;
  readonly of: number;
  /** 'given' by --seeks; 'inferred' from the events. */
  readonly source: 'inferred' | 'given';
  /**
   * Every value that explains all events, when one does: `zero` and the positive interval
   * (so a report can say "2 (any of 1..3 fits)").
   */
  readonly allFit?: SeeksSet;
}

/**
 * The seeks of one instance: 2 (DEFAULT_SEEKS) if it explains every event, else 0, else the
 * smallest value that does. When no value explains every event, the one explaining the most
 * (same preference on ties); the events it cannot explain are the mismatches.
 */
export function inferSeeks(evidence: readonly SeeksEvidence[], given?: number): SeeksChoice {
  const sets = dedupe(evidence.map(seeksSetOf), (s) => `${s.lo}:${s.hi}:${s.zero}`);
  const n = evidence.length;
  const countFor = (s: number): number => sets.reduce((a, [set, c]) => a + (fits(set, s) ? c : 0), 0);
  if (given !== undefined) return { seeks: given, explains: countFor(given), of: n, source: 'given' };

  // Positive values: the smallest point of maximum coverage, by a sweep over the intervals.
  const edges: Array<[number, number]> = [];
  for (const [set, c] of sets) {
    if (set.lo > set.hi) continue;
    edges.push([set.lo, c]);
    if (set.hi < SEEKS_MAX) edges.push([set.hi + 1, -c]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cover = 0;
  let best = 0;
  let bestAt = 1;
  for (let i = 0; i < edges.length; i++) {
    cover += edges[i]![1];
    const at = edges[i]![0];
    // Apply every edge at this point before reading the coverage.
    if (i + 1 < edges.length && edges[i + 1]![0] === at) continue;
    if (cover > best) {
      best = cover;
      bestAt = at;
    }
  }
  const two = countFor(DEFAULT_SEEKS);
  const zero = countFor(0);
  let choice: number;
  let explains: number;
  if (two >= best && two >= zero) [choice, explains] = [DEFAULT_SEEKS, two];
  else if (zero >= best) [choice, explains] = [0, zero];
  else [choice, explains] = [bestAt, best];
  if (n === 0) [choice, explains] = [DEFAULT_SEEKS, 0];
  const out: SeeksChoice = { seeks: choice, explains, of: n, source: 'inferred' };
  return explains === n && n > 0 ? { ...out, allFit: intersect(sets.map(([s]) => s)) } : out;
}

function intersect(sets: readonly SeeksSet[]): SeeksSet {
  return sets.reduce(
    (a, s) => ({ lo: Math.max(a.lo, s.lo), hi: Math.min(a.hi, s.hi), zero: a.zero && s.zero }),
    { lo: 1, hi: SEEKS_MAX, zero: true },
  );
}
