/**
 * Statistics across seeds: mean, sample standard deviation, min, max and the 95 % Student-t
 * interval of the mean; and the change of a point against the reference point with Welch's
 * 95 % interval of the difference of means.
 *
 * "Within seed noise" means that interval contains 0: the seeds alone could explain the
 * change. With one seed there is no spread to judge by; with zero spread on both sides (a
 * deterministic metric) any change is real.
 */
import jStat from 'jstat';
import type { MetricValue } from '../report/metrics.js';

export interface Stats {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 when n = 1. */
  readonly sd: number;
  /** Exact (bigint when beyond 2^53). */
  readonly min: MetricValue;
  readonly max: MetricValue;
  /** 95 % t-interval of the mean; null with one seed. */
  readonly ci95: readonly [number, number] | null;
}

/** The 0.975 quantile of Student's t with `df` degrees of freedom. */
export const t975 = (df: number): number => jStat.studentt.inv(0.975, df);

const less = (a: MetricValue, b: MetricValue): boolean => (typeof a === 'bigint' || typeof b === 'bigint' ? BigInt(a) < BigInt(b) : a < b);

/** Stats of values (at least one). Sums run in the given order, so the result is reproducible. */
export function statsOf(values: readonly MetricValue[]): Stats {
  const n = values.length;
  const xs = values.map(Number);
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    if (less(v, min)) min = v;
    if (less(max, v)) max = v;
  }
  const half = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : 0;
  return { n, mean, sd, min, max, ci95: n > 1 ? [mean - half, mean + half] : null };
}

export type Verdict = 'same' | 'noise' | 'moved' | 'moved?';

export interface Change {
  /** mean − reference mean. */
  readonly abs: number;
  /** abs / |reference mean|; null when the reference mean is 0. */
  readonly rel: number | null;
  /** Welch 95 % interval of the difference; null when either side has one seed. */
  readonly ci95: readonly [number, number] | null;
  /**
   * `same`: the means are equal; `noise`: the interval contains 0 (seed noise can explain it);
   * `moved`: it does not; `moved?`: a change with one seed on a side (no spread known).
   */
  readonly verdict: Verdict;
}

/** The change from `ref` to `x`. */
export function changeOf(ref: Stats, x: Stats): Change {
  const abs = x.mean - ref.mean;
  const rel = ref.mean === 0 ? null : abs / Math.abs(ref.mean);
  if (ref.n < 2 || x.n < 2) return { abs, rel, ci95: null, verdict: abs === 0 ? 'same' : 'moved?' };
  const va = (ref.sd * ref.sd) / ref.n;
  const vb = (x.sd * x.sd) / x.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { abs, rel, ci95: [abs, abs], verdict: abs === 0 ? 'same' : 'moved' };
  // Welch–Satterthwaite degrees of freedom.
  const df = (va + vb) ** 2 / ((va * va) / (ref.n - 1) + (vb * vb) / (x.n - 1));
  const half = t975(df) * se;
  const lo = abs - half;
  const hi = abs + half;
  return { abs, rel, ci95: [lo, hi], verdict: abs === 0 ? 'same' : lo <= 0 && hi >= 0 ? 'noise' : 'moved' };
}
