/**
 * The batch loop seen from outside, and inferring a shrinker instance's `batch`.
 *
 * The loop starts at the start line's total_scan T and ends at the end line's total_scan L.
 * With batch b' (b, or SHRINK_BATCH when 0) an honest shrinker (scans what it is asked,
 * never STOPs) makes full batches while the rest is ≥ b', then one partial batch when the
 * rest is still ≥ freeable: L is a function of (T, F, b'). A SHRINK_STOP ends the loop after
 * any number of completed calls and its own nr_scanned is not subtracted, so with STOPs L can
 * be T − k·b' for any k. `batch` is not in the trace either; like seeks it differs between
 * instances (super_cache_scan uses 1024, most others 0 → 128).
 */
import { batchSizeOf, honestLoop } from '../../mm/shrinker/arith.js';
import { SHRINK_BATCH } from '../../mm/shrinker/types.js';
import type { Long } from '../../mm/kint.js';
import { dedupe } from '../../util/dedupe.js';

/** What one pair says about the batch: start total_scan, end total_scan, cache items. */
export interface BatchEvidence {
  readonly totalScan: Long;
  readonly left: Long;
  readonly freeable: Long;
}

/** How a batch explains one pair's end total_scan. */
export type LoopFit =
  /** The honest loop ends exactly there. */
  | 'honest'
  /** Only a SHRINK_STOP after k full calls gets there. */
  | 'stop'
  | 'unreachable';

export function loopFit(e: BatchEvidence, batchSize: Long): LoopFit {
  if (honestLoop(e.totalScan, e.freeable, batchSize).left === e.left) return 'honest';
  if (e.left >= 0n && e.left <= e.totalScan && (e.totalScan - e.left) % batchSize === 0n) return 'stop';
  return 'unreachable';
}

export interface BatchChoice {
  /** `shrinker->batch` as it would be configured (0 is reported as 128, its effect). */
  readonly batch: number;
  /** Pairs the honest loop explains with this batch. */
  readonly honest: number;
  /** Pairs reachable at all (honest or after a STOP). */
  readonly reachable: number;
  readonly of: number;
  readonly source: 'inferred' | 'given';
  /** False when another candidate explains the pairs exactly as well (the data cannot tell). */
  readonly determined: boolean;
}

/** Batch values set by real shrinkers, tried first: SHRINK_BATCH and the superblock's. */
const WELL_KNOWN = [BigInt(SHRINK_BATCH), 1024n] as const;
/** Powers of two tried when nothing well-known fits (i915 uses 4096, for one). */
const POWERS_OF_TWO = Array.from({ length: 21 }, (_, k) => 1n << BigInt(k + 4));
/** How many distinct observed T − L values to try as batches. */
const MAX_OBSERVED_CANDIDATES = 32;
/** Divisors of the common step are searched only below this (trial division up to 2^20). */
const MAX_GCD_FOR_DIVISORS = 1n << 40n;
const MAX_BATCH = 1n << 31n;

interface Score {
  /** Pairs that scanned something (T ≠ L) and the honest loop explains. */
  readonly honestScanning: number;
  /** Pairs reachable at all. */
  readonly reachable: number;
  /** All pairs the honest loop explains. */
  readonly honest: number;
}

/**
 * The batch that best explains an instance's pairs. Order of criteria:
 * 1. pairs that scanned something and end where the honest loop ends (these pin the batch:
 *    b' divides T − L and the rest is below b');
 * 2. pairs reachable at all (a pair that scanned nothing is reachable by any batch through
 *    a STOP at the first call, so it cannot count against a batch);
 * 3. all pairs the honest loop explains (fewer STOPs assumed is the simpler story);
 * 4. preference: 128, then 1024, then smaller powers of two, then larger other values.
 * Candidates: 128, 1024, powers of two, the divisors of gcd(T − L) over pairs that stopped
 * with work left, and the most frequent observed T − L values.
 */
export function inferBatch(evidence: readonly BatchEvidence[], given?: number): BatchChoice {
  const groups = dedupe(evidence, (e) => `${e.totalScan}:${e.left}:${e.freeable}`);
  const n = evidence.length;
  const scanning = groups.reduce((a, [e, c]) => a + (e.totalScan !== e.left ? c : 0), 0);
  const score = (b: bigint): Score => {
    let honestScanning = 0;
    let honest = 0;
    let reachable = 0;
    for (const [e, c] of groups) {
      const fit = loopFit(e, b);
      if (fit === 'honest') {
        honest += c;
        if (e.totalScan !== e.left) honestScanning += c;
      }
      if (fit !== 'unreachable') reachable += c;
    }
    return { honestScanning, reachable, honest };
  };
  const choice = (b: bigint, s: Score, source: 'inferred' | 'given', determined: boolean): BatchChoice => ({
    batch: Number(b),
    honest: s.honest,
    reachable: s.reachable,
    of: n,
    source,
    determined,
  });
  if (given !== undefined) return choice(batchSizeOf(given), score(batchSizeOf(given)), 'given', true);

  const scored = new Map<bigint, Score>();
  for (const b of WELL_KNOWN) scored.set(b, score(b));
  const perfect = (s: Score): boolean => s.honestScanning === scanning && s.reachable === n && s.honest === n;
  // Fast path: a well-known batch explains everything without a STOP.
  if (!WELL_KNOWN.some((b) => perfect(scored.get(b)!))) {
    for (const b of extraCandidates(groups)) if (!scored.has(b)) scored.set(b, score(b));
  }
  let best: [bigint, Score] | undefined;
  for (const entry of scored) if (!best || better(entry, best)) best = entry;
  const [b, s] = best!;
  const ties = [...scored.values()].filter((o) => cmpScore(o, s) === 0).length;
  return choice(b, s, 'inferred', ties === 1);
}

function cmpScore(a: Score, b: Score): number {
  return a.honestScanning - b.honestScanning || a.reachable - b.reachable || a.honest - b.honest;
}

const isPowerOfTwo = (b: bigint): boolean => b > 0n && (b & (b - 1n)) === 0n;
const rank = (b: bigint): number => (b === WELL_KNOWN[0] ? 3 : b === WELL_KNOWN[1] ? 2 : isPowerOfTwo(b) ? 1 : 0);

function better([b, s]: [bigint, Score], [bb, bs]: [bigint, Score]): boolean {
  const c = cmpScore(s, bs);
  if (c !== 0) return c > 0;
  if (rank(b) !== rank(bb)) return rank(b) > rank(bb);
  return rank(b) === 1 ? b < bb : b > bb;
}

function extraCandidates(groups: ReadonlyArray<[BatchEvidence, number]>): bigint[] {
  const out: bigint[] = [...POWERS_OF_TWO];
  // Pairs that ended with work left after scanning did k full batches: b' divides T − L.
  let g = 0n;
  const freq = new Map<bigint, number>();
  for (const [e, c] of groups) {
    const step = e.totalScan - e.left;
    if (step <= 0n || e.left < 0n) continue;
    freq.set(step, (freq.get(step) ?? 0) + c);
    if (e.left > 0n) g = gcd(g, step);
  }
  if (g > 1n && g <= MAX_GCD_FOR_DIVISORS) out.push(...divisors(g).filter((d) => d > 1n && d < MAX_BATCH));
  const observed = [...freq.entries()]
    .filter(([v]) => v < MAX_BATCH)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_OBSERVED_CANDIDATES)
    .map(([v]) => v);
  out.push(...observed);
  return out;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Divisors of n ≤ 2^40 (exact in doubles, so plain numbers are used for speed). */
function divisors(n: bigint): bigint[] {
  const v = Number(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= v; d++) {
    if (v % d !== 0) continue;
    small.push(d);
    if (d * d !== v) large.push(v / d);
  }
  return [...small, ...large.reverse()].map(BigInt);
}
