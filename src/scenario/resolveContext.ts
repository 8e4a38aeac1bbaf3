/**
 * What every part of the resolver shares: the file label, the raw scenario, and the checks
 * and conversions more than one section uses (gfp masks, tasks, distributions). A failure is
 * one line naming the file and the field (`UserError`, exit 2).
 */
import { formatGfp, parseGfp, type GfpMask, type GfpProfile } from '../mm/gfp.js';
import { UserError } from '../util/errors.js';
import { formatPath, type PathKey } from './issues.js';
import type { RawScenario, RawSizeDist, RawTask, RawTimeDist } from './schema.js';
import type { ResolvedGfp, SizeDist, TaskRef, TimeDist } from './types.js';
import { describeGot } from './units.js';

/** The largest mean of an exponential time distribution: 24h. */
export const MAX_EXPONENTIAL_MEAN_NS = 24 * 3_600_000_000_000;

export class ResolveContext {
  constructor(
    readonly label: string,
    readonly raw: RawScenario,
  ) {}

  fail(path: readonly PathKey[], message: string): never {
    throw new UserError(`${this.label}: ${formatPath(path)}: ${message}`);
  }

  get kernel(): GfpProfile {
    return this.raw.kernel;
  }

  gfp(text: string, path: readonly PathKey[]): ResolvedGfp {
    const mask = parseGfp(text, this.kernel);
    if (mask === undefined) this.fail(path, `expected a gfp mask like "GFP_KERNEL" or "GFP_NOFS|__GFP_NOWARN", got ${describeGot(text)}`);
    return { mask: mask as GfpMask, text: formatGfp(mask, this.kernel) };
  }

  task(raw: RawTask | undefined, dflt: TaskRef, path: readonly PathKey[], cpus: number): TaskRef {
    const t = { comm: raw?.comm ?? dflt.comm, pid: raw?.pid ?? dflt.pid, cpu: raw?.cpu ?? dflt.cpu };
    if (t.cpu >= cpus) this.fail([...path, 'cpu'], `expected a cpu < ${cpus} (cpus), got "${t.cpu}"`);
    return t;
  }

  sizeDist(d: RawSizeDist, path: readonly PathKey[]): SizeDist {
    if (typeof d === 'number') return { dist: 'fixed', bytes: d };
    switch (d.dist) {
      case 'fixed':
        return { dist: 'fixed', bytes: d.bytes };
      case 'uniform':
      case 'log-uniform':
        if (d.max < d.min) this.fail([...path, 'max'], `expected a size ≥ min (${d.min} bytes), got "${d.max}"`);
        if (d.dist === 'log-uniform' && d.min < 1) this.fail([...path, 'min'], `expected a size ≥ 1 byte for log-uniform, got "${d.min}"`);
        return { dist: d.dist, min: d.min, max: d.max };
      case 'empirical': {
        d.buckets.forEach((b, i) => {
          if (i > 0 && b.size <= d.buckets[i - 1]!.size) {
            this.fail([...path, 'buckets', i, 'size'], `expected sizes in increasing order (> ${d.buckets[i - 1]!.size} bytes), got "${b.size}"`);
          }
        });
        return { dist: 'empirical', buckets: d.buckets.map((b) => ({ bytes: b.size, weight: b.weight })) };
      }
    }
  }

  timeDist(d: RawTimeDist, path: readonly PathKey[]): TimeDist {
    if (typeof d === 'number') return { dist: 'fixed', ns: d };
    switch (d.dist) {
      case 'fixed':
        return { dist: 'fixed', ns: d.time };
      case 'uniform':
        if (d.max < d.min) this.fail([...path, 'max'], `expected a time ≥ min (${d.min} ns), got "${d.max} ns"`);
        return { dist: 'uniform', min: d.min, max: d.max };
      case 'exponential':
        if (d.mean <= 0) this.fail([...path, 'mean'], 'expected a positive mean time, got "0"');
        // A draw can reach ~37× the mean (-ln of the RNG's smallest value, 2^-53); with the
        // mean ≤ 24h, now + draw stays below 2^53 ns for any run within the 720h limit.
        if (d.mean > MAX_EXPONENTIAL_MEAN_NS) {
          this.fail([...path, 'mean'], `expected a mean time ≤ 24h (its draws reach ~37× the mean, the simulator's limit on simulated time), got ${d.mean} ns`);
        }
        return { dist: 'exponential', mean: d.mean };
    }
  }
}
