/**
 * kswapd as a task on the virtual clock: one per node. A balance_pgdat loop iteration (a step)
 * is resumable (kswapd.ts `steps`): it yields after each LRU pass and inside each
 * do_shrink_slab (after the deferred exchange, after each batch), and each segment between two
 * yields runs at its event time, priced by the cost model; the next segment starts once that
 * cost has elapsed. Meanwhile allocations go on, may find free memory below min and reclaim
 * directly, and their shrinker calls run *inside* kswapd's: they see the deferred count
 * kswapd took (0), a count kswapd's batches have lowered, and what they add back lands in the
 * slot before kswapd's own add-back. The pages a segment freed stay isolated (off the LRU,
 * not yet free, as between isolate_lru_folios and the final free of shrink_folio_list) until
 * the segment's cost has elapsed. A segment that costs nothing runs on at once, so a
 * zero-cost model keeps kswapd's steps atomic.
 */
import { Kswapd } from '../mm/reclaim/kswapd.js';
import type { MemoryModel, NodeMemory } from '../mm/reclaim/nodeMemory.js';
import type { ReclaimDeps } from '../mm/reclaim/scanControl.js';
import { emptyWork, type ReclaimWork } from '../mm/reclaim/cost.js';
import type { ReclaimSteps } from '../mm/shrinker/steps.js';
import type { TaskRef } from '../scenario/types.js';
import { DOUBLE_FIELD, type SimTimeNs } from '../util/simTime.js';
import type { EventLoop, Fireable } from './loop.js';
import type { Tracepoints } from './recorder.js';
import { runSegment, type MeterHost, type Segment } from './segment.js';

/** What a kswapd task needs of the machine around it. */
export interface KswapdHost extends MeterHost {
  readonly nodes: readonly NodeMemory[];
  readonly mem: MemoryModel;
  readonly deps: ReclaimDeps;
  readonly loop: EventLoop;
  readonly tp: Tracepoints;
  /** Free pages changed. */
  noteFree(): void;
}

/** Pages a kswapd pass freed, held back until the pass's cost has elapsed. */
class HeldPages implements Fireable {
  constructor(
    private readonly host: KswapdHost,
    private readonly node: NodeMemory,
    private readonly pages: number,
  ) {}
  fire(): void {
    this.node.release('other', this.pages);
    this.host.noteFree();
  }
}

export class KswapdTask implements Fireable {
  readonly kswapd: Kswapd;
  /** When the current pass ends (no new step starts before). */
  busyUntil: SimTimeNs = DOUBLE_FIELD;

  constructor(
    private readonly host: KswapdHost,
    node: NodeMemory,
    task: TaskRef,
  ) {
    this.kswapd = new Kswapd(node, { ...task, nid: node.nid, scope: 'none' });
    this.stepStartNs = 0;
    this.busyUntil = 0;
  }

  /** wakeup_kswapd for an allocation of `pages`: schedules a step once the current pass ends. */
  wake(pages: number): boolean {
    if (!this.kswapd.wake(pages)) return false;
    const h = this.host;
    h.loop.at(Math.max(h.loop.now, this.busyUntil), this);
    return true;
  }

  /** The step in progress (between two of its segments), or null. */
  private current: ReclaimSteps<'continue' | 'sleep'> | null = null;
  /** This task's own meter: other tasks' reclaim runs between its segments. */
  private readonly work: ReclaimWork = emptyWork();
  private readonly segment: Segment<'continue' | 'sleep'> = { result: { done: true, value: 'sleep' }, ns: 0 };

  /** When the step in progress started, and the cost of its segments so far. */
  private stepStartNs: SimTimeNs = DOUBLE_FIELD;
  private freeBefore = new Float64Array(0);
  private stepBusyNs = 0;

  /** One segment of a balance_pgdat step (segments that cost nothing run on at once). */
  fire(): void {
    const h = this.host;
    const nodes = h.nodes;
    const nid = this.kswapd.node.nid;
    // Free pages per node before the segment, in a reused array (one allocation per task, and
    // one elements kind: a fresh `map` result is small ints or doubles by the values it holds,
    // which deoptimized this method when a new run's first array took the other kind).
    let before = this.freeBefore;
    if (before.length !== nodes.length) before = this.freeBefore = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) before[i] = (nodes[i] as NodeMemory).free;
    if (!this.current) {
      this.current = this.kswapd.steps(h.mem, h.deps);
      this.stepStartNs = h.loop.now;
      this.stepBusyNs = 0;
    }
    const step = this.current;
    const marks = h.tp.enabled.kswapd_segment;
    if (marks) h.tp.emit({ kind: 'kswapd_segment', nid, begin: true, busyNs: 0 });
    const { result: r, ns } = runSegment(h, step, this.work, this.segment);
    if (marks) h.tp.emit({ kind: 'kswapd_segment', nid, begin: false, busyNs: ns });
    const end = h.loop.now + ns;
    this.busyUntil = end;
    this.stepBusyNs += ns;
    if (r.done) {
      this.current = null;
      if (h.tp.enabled.kswapd_step) h.tp.emit({ kind: 'kswapd_step', nid, busyNs: this.stepBusyNs, startNs: this.stepStartNs });
    }
    if (ns > 0) {
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i] as NodeMemory;
        const freed = n.free - (before[i] as number);
        if (freed <= 0) continue;
        const held = n.take('other', freed);
        h.loop.at(end, new HeldPages(h, n, held));
      }
    }
    h.noteFree();
    if (!r.done || r.value === 'continue') h.loop.at(end, this);
  }

  resetFailures(): void {
    this.kswapd.resetFailures();
  }
}

/** kswapd0's comm comes from the scenario; other nodes' are `kswapd<nid>`, pids in sequence. */
export function kswapdTaskRef(kswapd: TaskRef, nid: number): TaskRef {
  return { comm: nid === 0 ? kswapd.comm : `kswapd${nid}`, pid: kswapd.pid + nid, cpu: kswapd.cpu };
}
