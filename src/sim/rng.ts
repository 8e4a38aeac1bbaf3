/**
 * Named, seeded random streams.
 *
 * Every consumer of randomness (a generator, a shrinker's trylock) draws from its own stream
 * `rngStream(seed, name)`, seeded with the text `${seed}:${name}`. Streams never share state,
 * so adding a generator, or drawing more from one, leaves every other stream's draws as they
 * were: a scenario edit changes only what it touches.
 */
import seedrandom from 'seedrandom';
import { assertNever } from '../util/assertNever.js';
import { DOUBLE_FIELD } from '../util/simTime.js';
import type { SimTimeNs, SizeDist, TimeDist } from '../scenario/types.js';

export interface Rng {
  /** The stream's name, for messages. */
  readonly name: string;
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
}

/**
 * seedrandom's alea, stepped here. seedrandom seeds it (Baagoe's Mash over the seed text) and
 * hands over its state; `next` is alea's `double()` (two steps, 53 bits) with the same
 * arithmetic, so every draw is the one seedrandom would give, without its closures.
 */
class AleaStream implements Rng {
  // Declared with a number (not left undefined until the constructor assigns them): a field
  // that starts undefined is stored tagged, and every double written to it would then be a
  // fresh heap number (two per draw); starting as a number, V8 keeps it an unboxed double.
  private c = 0;
  private s0 = DOUBLE_FIELD;
  private s1 = DOUBLE_FIELD;
  private s2 = DOUBLE_FIELD;

  constructor(
    readonly name: string,
    seedText: string,
  ) {
    const st = seedrandom.alea(seedText, { state: true }).state();
    this.c = st.c;
    this.s0 = st.s0;
    this.s1 = st.s1;
    this.s2 = st.s2;
  }

  private step(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    return (this.s2 = t - (this.c = t | 0));
  }

  next(): number {
    return this.step() + ((this.step() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }
}

/** The stream `name` of run `seed`. */
export function rngStream(seed: number, name: string): Rng {
  // alea: fast, small state, good statistical quality; 53 random bits per draw.
  return new AleaStream(name, `${seed}:${name}`);
}

/** Uniform real in [min, max). */
export const uniform = (rng: Rng, min: number, max: number): number => min + (max - min) * rng.next();

/** Uniform integer in [min, max] (both inclusive). */
export function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/** True with probability p. */
export const bernoulli = (rng: Rng, p: number): boolean => p > 0 && rng.next() < p;

/** Exponential with the given mean (inverse CDF; 1 - u is in (0, 1], so the log is finite). */
export const exponential = (rng: Rng, mean: number): number => -mean * Math.log(1 - rng.next());

/**
 * Time to the next arrival of a Poisson process of `ratePerSec`, in whole ns (at least 1, so
 * a process always makes progress on the clock).
 */
export function poissonInterarrivalNs(rng: Rng, ratePerSec: number): SimTimeNs {
  if (!(ratePerSec > 0)) throw new RangeError(`poisson rate must be > 0, got ${ratePerSec}`);
  return Math.max(1, Math.round(exponential(rng, 1e9 / ratePerSec)));
}

/** Log-uniform integer in [min, max]: uniform in log space (min ≥ 1). */
export function logUniformInt(rng: Rng, min: number, max: number): number {
  if (min < 1 || max < min) throw new RangeError(`logUniform: bad range [${min}, ${max}]`);
  const v = Math.floor(Math.exp(uniform(rng, Math.log(min), Math.log(max + 1))));
  return Math.min(max, Math.max(min, v));
}

export interface Bucket {
  /** Upper bound of the bucket (inclusive); buckets are in increasing order. */
  readonly bytes: number;
  readonly weight: number;
}

/**
 * Empirical histogram: pick a bucket by weight, then a uniform integer in
 * (previous bound, bound]; the first bucket spans [1, bound].
 */
export function empiricalInt(rng: Rng, buckets: readonly Bucket[]): number {
  if (buckets.length === 0) throw new RangeError('empirical: no buckets');
  const total = buckets.reduce((s, b) => s + b.weight, 0);
  let u = rng.next() * total;
  let i = 0;
  for (; i < buckets.length - 1; i++) {
    u -= buckets[i]!.weight;
    if (u < 0) break;
  }
  const hi = buckets[i]!.bytes;
  const lo = i === 0 ? Math.min(1, hi) : buckets[i - 1]!.bytes + 1;
  return uniformInt(rng, lo, hi);
}

/** Draws sizes of one distribution (`sizeDrawer`). */
export interface SizeDrawer {
  draw(rng: Rng): number;
}

/** Log-uniform with its two logarithms worked out once. */
class LogUniformDrawer implements SizeDrawer {
  private readonly lo: number;
  private readonly span: number;
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    if (min < 1 || max < min) throw new RangeError(`logUniform: bad range [${min}, ${max}]`);
    this.lo = Math.log(min);
    this.span = Math.log(max + 1) - this.lo;
  }
  draw(rng: Rng): number {
    return Math.min(this.max, Math.max(this.min, Math.floor(Math.exp(this.lo + this.span * rng.next()))));
  }
}

/** Any other distribution: `drawSize` itself. */
class GenericDrawer implements SizeDrawer {
  constructor(private readonly d: SizeDist) {}
  draw(rng: Rng): number {
    return drawSize(rng, this.d);
  }
}

/**
 * `drawSize(·, d)` with what does not change between draws worked out once: a generator's
 * per-transaction draw skips two logarithms. Same arithmetic, same doubles, so the same sizes
 * as `drawSize`. An object with a method rather than a closure, so that a run makes no new
 * function (the generator's call site sees the same `draw` run after run).
 */
export function sizeDrawer(d: SizeDist): SizeDrawer {
  return d.dist === 'log-uniform' ? new LogUniformDrawer(d.min, d.max) : new GenericDrawer(d);
}

/**
 * A draw from a scenario size distribution, in bytes. The resolver guarantees log-uniform
 * bounds ≥ 1 and min ≤ max, so no clamping is needed here.
 */
export function drawSize(rng: Rng, d: SizeDist): number {
  switch (d.dist) {
    case 'fixed':
      return d.bytes;
    case 'uniform':
      return uniformInt(rng, d.min, d.max);
    case 'log-uniform':
      return logUniformInt(rng, d.min, d.max);
    case 'empirical':
      return empiricalInt(rng, d.buckets);
    default:
      return assertNever(d);
  }
}

/** A draw from a scenario time distribution, in whole ns (the resolver guarantees mean > 0). */
export function drawTime(rng: Rng, d: TimeDist): SimTimeNs {
  switch (d.dist) {
    case 'fixed':
      return d.ns;
    case 'uniform':
      return uniformInt(rng, d.min, d.max);
    case 'exponential':
      return Math.round(exponential(rng, d.mean));
    default:
      return assertNever(d);
  }
}
