/**
 * An allocating task's slowpath on the virtual clock: one allocation of a memory-pressure
 * generator that enters direct reclaim becomes a task like kswapd's (kswapdTask.ts). Its
 * `allocPagesSteps` (allocator.ts) yields after each LRU pass and inside each do_shrink_slab of
 * its direct reclaim (after the deferred exchange, after each batch), and once after each
 * try_to_free_pages; each segment between two yields runs at its event time on the task's own
 * cost meter and the next starts once that cost has elapsed. So the retry loop
 * (should_reclaim_retry) and the OOM decision come after each direct reclaim's cost, and
 * kswapd, Binder traffic and other allocating tasks run in between, inside its shrinker calls
 * as it runs inside theirs. Segments that cost nothing run on at once: an allocation that
 * needs no reclaim completes in the instant it starts.
 *
 * Unlike kswapd's, the pages a direct reclaim frees go to the free lists at once (the kernel's
 * shrink_folio_list frees them to the buddy allocator; a parallel allocation may take them
 * before the reclaimer's own get_page_from_freelist).
 */
import { emptyWork, type ReclaimWork } from '../mm/reclaim/cost.js';
import type { AllocResult } from '../mm/reclaim/allocator.js';
import type { ReclaimSteps } from '../mm/shrinker/steps.js';
import type { TaskRef } from '../scenario/types.js';
import type { EventLoop, Fireable } from './loop.js';
import type { Tracepoints } from './recorder.js';
import { runSegment, type MeterHost, type Segment } from './segment.js';

/** What an allocating task needs of the machine around it. */
export interface AllocHost extends MeterHost {
  readonly loop: EventLoop;
  readonly tp: Tracepoints;
  /** Free pages changed. */
  noteFree(): void;
}

/** Told when the allocation is over, with its result and the simulated ns it took. */
export interface AllocDone {
  allocDone(r: AllocResult, startNs: number, stallNs: number): void;
}

export class AllocTask implements Fireable {
  private readonly work: ReclaimWork = emptyWork();
  private readonly segment: Segment<AllocResult> = { result: { done: false, value: undefined }, ns: 0 };
  readonly startNs: number;
  /** The result, once the steps are done and their last segment's cost is still to elapse. */
  private result: AllocResult | null = null;

  constructor(
    private readonly host: AllocHost,
    private readonly task: TaskRef,
    private readonly steps: ReclaimSteps<AllocResult>,
    private readonly done: AllocDone,
  ) {
    this.startNs = host.loop.now;
  }

  /** One segment of the slowpath (segments that cost nothing run on at once). */
  fire(): void {
    const h = this.host;
    if (this.result) return this.finish(this.result);
    // Each segment's cost on this task's own meter: `workNs` prices this segment alone.
    const marks = h.tp.enabled.alloc_segment;
    if (marks) h.tp.emit({ kind: 'alloc_segment', task: this.task, begin: true });
    const { result: r, ns } = runSegment(h, this.steps, this.work, this.segment);
    if (marks) h.tp.emit({ kind: 'alloc_segment', task: this.task, begin: false });
    if (r.done && ns === 0) return this.finish(r.value);
    h.noteFree();
    if (r.done) this.result = r.value;
    h.loop.at(h.loop.now + ns, this);
  }

  private finish(r: AllocResult): void {
    this.host.noteFree();
    this.done.allocDone(r, this.startNs, this.host.loop.now - this.startNs);
  }
}
