/**
 * kswapd as a task on the virtual clock: one per node, one balance_pgdat loop iteration per
 * event. The step runs at its event time and its work is priced by the cost model; the pages it
 * freed stay isolated (off the LRU, not yet free, as between isolate_lru_folios and the final
 * free of shrink_folio_list) until the pass's cost has elapsed, and the next step starts only
 * then. Meanwhile allocations go on and may find free memory below min: the allocating task
 * then reclaims directly.
 */
import { Kswapd } from '../mm/reclaim/kswapd.js';
import type { MemoryModel, NodeMemory } from '../mm/reclaim/nodeMemory.js';
import type { ReclaimDeps } from '../mm/reclaim/scanControl.js';
import type { TaskRef } from '../scenario/types.js';
import type { EventLoop, Fireable } from './loop.js';
import type { Tracepoints } from './recorder.js';

/** What a kswapd task needs of the machine around it. */
export interface KswapdHost {
  readonly nodes: readonly NodeMemory[];
  readonly mem: MemoryModel;
  readonly deps: ReclaimDeps;
  readonly loop: EventLoop;
  readonly tp: Tracepoints;
  /** Starts metering reclaim work (a new piece of reclaim). */
  startWork(): void;
  /** Simulated ns the work since `startWork` costs. */
  workNs(): number;
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
  busyUntil = 0;

  constructor(
    private readonly host: KswapdHost,
    node: NodeMemory,
    task: TaskRef,
  ) {
    this.kswapd = new Kswapd(node, { ...task, nid: node.nid, scope: 'none' });
  }

  /** wakeup_kswapd for an allocation of `pages`: schedules a step once the current pass ends. */
  wake(pages: number): boolean {
    if (!this.kswapd.wake(pages)) return false;
    const h = this.host;
    h.loop.at(Math.max(h.loop.now, this.busyUntil), this);
    return true;
  }

  /** One balance_pgdat step. */
  fire(): void {
    const h = this.host;
    const nodes = h.nodes;
    h.startWork();
    const before = nodes.map((n) => n.free);
    const st = this.kswapd.step(h.mem, h.deps);
    const ns = h.workNs();
    if (h.tp.enabled.kswapd_step) h.tp.emit({ kind: 'kswapd_step', nid: this.kswapd.node.nid, busyNs: ns });
    const end = h.loop.now + ns;
    this.busyUntil = end;
    if (ns > 0) {
      nodes.forEach((n, i) => {
        const freed = n.free - (before[i] ?? n.free);
        if (freed <= 0) return;
        const held = n.take('other', freed);
        h.loop.at(end, new HeldPages(h, n, held));
      });
    }
    h.noteFree();
    if (st === 'continue') h.loop.at(end, this);
  }

  resetFailures(): void {
    this.kswapd.resetFailures();
  }
}

/** kswapd0's comm comes from the scenario; other nodes' are `kswapd<nid>`, pids in sequence. */
export function kswapdTaskRef(kswapd: TaskRef, nid: number): TaskRef {
  return { comm: nid === 0 ? kswapd.comm : `kswapd${nid}`, pid: kswapd.pid + nid, cpu: kswapd.cpu };
}
