/**
 * What the reclaim engine and the shrinker core call back into the machine: the reclaim deps
 * (shrink_slab, the memcg walk, the clock, the observer) and shrink_slab's trace sink.
 *
 * Classes, not object literals of arrow functions: their methods are the same function
 * objects run after run, so a second run in the same process (a sweep, the end-to-end bench)
 * keeps the optimized code of the first instead of discarding it when the first run's
 * closures die.
 */
import type { Memcg } from '../mm/memcg.js';
import type { LruGen } from '../mm/reclaim/lruGen.js';
import type { ReclaimDeps, ShrinkSlabCall, ShrinkSlabOutcome } from '../mm/reclaim/scanControl.js';
import type { MemcgRef } from '../mm/shrinker/types.js';
import type { ShrinkCallOutcome, ShrinkSlabSink, ShrinkWalkEvent } from '../mm/shrinker/shrinkSlab.js';
import type { ReclaimSteps } from '../mm/shrinker/steps.js';
import type { KernelProfile } from '../mm/shrinker/types.js';
import type { VmStat } from '../mm/vmstat.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import type { Machine } from './machine.js';

export class MachineReclaimDeps implements ReclaimDeps {
  readonly profile: KernelProfile;
  readonly mglru: boolean;
  readonly vmstat: VmStat;
  /** The machine observes every pass (its cost meter and the vmscan events). */
  readonly observer: Machine;

  constructor(
    private readonly m: Machine,
    /** MGLRU's memcg LRU bins (a plain function: MemcgLru keeps and calls it on its own). */
    readonly draw: (n: number) => number,
  ) {
    this.profile = m.profile;
    this.mglru = m.resolved.memory.mglru;
    this.vmstat = m.vmstat;
    this.observer = m;
  }

  lruShare(memcg: MemcgRef | null): number {
    return this.m.lruShareOf(memcg as Memcg);
  }

  memcgLruvec(memcg: MemcgRef | null, nid: number): LruGen | null {
    const charges = this.m.charges;
    return charges.empty ? null : charges.lruvec(memcg as Memcg | null, nid);
  }

  shrinkSlab(c: ShrinkSlabCall): ShrinkSlabOutcome {
    return this.m.shrinkSlab(c.path, c.task, c.gfpMask, c.nid, (c.memcg as Memcg | null) ?? null, c.priority);
  }

  shrinkSlabSteps(c: ShrinkSlabCall): ReclaimSteps<ShrinkSlabOutcome> {
    return this.m.shrinkSlabSteps(c.path, c.task, c.gfpMask, c.nid, (c.memcg as Memcg | null) ?? null, c.priority);
  }

  memcgWalk(target: MemcgRef | null): readonly (MemcgRef | null)[] {
    const memcgs = this.m.memcgs;
    return memcgs.iter((target as Memcg | null) ?? memcgs.root);
  }

  now(): number {
    return this.m.now;
  }
}

/** shrink_slab's sink on the machine: its start/end lines, each do_shrink_slab's outcome, the walk's skips. */
export class MachineSlabSink implements ShrinkSlabSink {
  constructor(private readonly m: Machine) {}
  start(e: MmShrinkSlabStart): void {
    this.m.slabStart(e);
  }
  end(e: MmShrinkSlabEnd): void {
    this.m.slabEnd(e);
  }
  outcome(o: ShrinkCallOutcome): void {
    this.m.slabOutcome(o);
  }
  walk(e: ShrinkWalkEvent): void {
    this.m.slabWalk(e);
  }
}
