/** Draws from the scenario's size and time distributions, always from a named stream. */
import { empiricalInt, exponential, logUniformInt, uniformInt, type Rng } from '../sim/rng.js';
import type { SimTimeNs, SizeDist, TimeDist } from '../scenario/types.js';
import { assertNever } from '../mm/shrinker/types.js';

export function drawSize(rng: Rng, d: SizeDist): number {
  switch (d.dist) {
    case 'fixed':
      return d.bytes;
    case 'uniform':
      return uniformInt(rng, d.min, d.max);
    case 'log-uniform':
      return logUniformInt(rng, Math.max(1, d.min), Math.max(1, d.max));
    case 'empirical':
      return empiricalInt(rng, d.buckets);
    default:
      return assertNever(d);
  }
}

export function drawTime(rng: Rng, d: TimeDist): SimTimeNs {
  switch (d.dist) {
    case 'fixed':
      return d.ns;
    case 'uniform':
      return uniformInt(rng, d.min, d.max);
    case 'exponential':
      return Math.max(0, Math.round(exponential(rng, d.mean)));
    default:
      return assertNever(d);
  }
}
