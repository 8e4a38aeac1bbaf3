/**
 * The sampler: every `sample` ns of simulated time (from 0 to the end of the run), slab caches
 * grow back for the time since the last sample, and a row of the time series (free pages, page
 * cache, anon, Binder pages, each shrinker's count and nr_deferred) goes to the recorders.
 * Samples count against the run's `samples` limit.
 */
import { RunLimitError } from '../util/limits.js';
import type { Sample, SampleShrinker } from '../report/result.js';
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';
import { simSeconds, type Fireable } from './loop.js';
import type { Machine } from './machine.js';

export class Sampler implements Fireable {
  private next: SimTimeNs = DOUBLE_FIELD;
  private taken = 0;
  private readonly every: SimTimeNs;

  constructor(
    private readonly m: Machine,
    private readonly endNs: SimTimeNs,
    private readonly maxSamples: number,
  ) {
    this.every = Math.max(1, m.resolved.sample);
    this.next = 0;
  }

  /** Schedules the first sample (at time 0). */
  start(): void {
    this.schedule(0);
  }

  private schedule(t: SimTimeNs): void {
    if (t > this.endNs) return;
    this.next = t;
    this.m.loop.at(t, this);
  }

  fire(): void {
    const m = this.m;
    if (++this.taken > this.maxSamples) throw new RunLimitError('samples', this.maxSamples, `the run (at ${simSeconds(m.now)} s simulated)`);
    m.growCaches();
    m.noteFree();
    if (m.tp.enabled.sample) m.tp.emit({ kind: 'sample', sample: takeSample(m) });
    if (m.tp.enabled.binder_proc_pages) {
      const procs = m.binder.system.procs.map((p) => ({ name: p.name, ...p.pages.counts() }));
      m.tp.emit({ kind: 'binder_proc_pages', timeNs: m.now, procs });
    }
    this.schedule(this.next + this.every);
  }
}

/**
 * The machine's state now, as one row of the time series: a new object each time (recorders
 * may keep it as it is). Each shrinker's `scanned` and `freed` are cumulative, from the
 * machine's totals of every do_shrink_slab outcome so far.
 */
export function takeSample(m: Machine): Sample {
  let free = 0;
  let file = 0;
  let anon = 0;
  for (const n of m.nodes) {
    free += n.free;
    file += n.file;
    anon += n.anon;
  }
  const b = { active: 0, lru: 0, free: 0 };
  for (const p of m.binder.system.procs) {
    const c = p.pages.counts();
    b.active += c.active;
    b.lru += c.lru;
    b.free += c.free;
  }
  const shrinkers: SampleShrinker[] = [];
  for (let i = 0; i < m.shrinkers.length; i++) {
    shrinkers.push({
      count: m.countOf(i),
      deferred: m.registry.totalDeferred((m.shrinkers[i] as Machine['shrinkers'][number]).view),
      scanned: m.slabScanned[i] as bigint,
      freed: m.slabFreed[i] as bigint,
    });
  }
  return {
    timeNs: m.now,
    freePages: free,
    pageCache: file,
    anon,
    binder: b,
    shrinkers,
    vmstat: m.vmstat.snapshot(),
  };
}
