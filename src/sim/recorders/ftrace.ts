/**
 * The ftrace text (`--trace`): the reclaim and Binder tracepoints as tracefs prints them, in
 * emission order, rendered by each event's format functions (shrinkFormat.ts, the Binder
 * formatter, vmscan bodies), so what `shrinksim conform` parses is what the kernel would print.
 * Lines kept count against the run's `traceLines` limit.
 */
import type { KernelProfile } from '../../mm/shrinker/types.js';
import { formatBinderEventBody } from '../../binder/trace.js';
import type { TaskRef } from '../../scenario/types.js';
import type { TraceContext } from '../../trace/ftrace/line.js';
import { formatShrinkEndBody, formatShrinkStartBody } from '../../trace/ftrace/shrinkFormat.js';
import { RunLimitError } from '../../util/limits.js';
import type { SimTimeNs } from '../../util/simTime.js';
import { simSeconds } from '../loop.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';
import { TraceCollector, markVictimBody, vmscanBodies, vmscanEventName } from '../trace.js';

const ctxOf = (t: TaskRef, timeNs: SimTimeNs): TraceContext => ({ comm: t.comm, pid: t.pid, cpu: t.cpu, tsNs: BigInt(timeNs) });

export class FtraceRecorder implements Recorder {
  readonly name = 'ftrace';
  readonly kinds: readonly SimEventKind[] = ['shrink_slab_start', 'shrink_slab_end', 'vmscan_begin', 'vmscan_end', 'binder_trace', 'oom_kill'];
  private readonly lines = new TraceCollector();

  constructor(
    private readonly profile: KernelProfile,
    private readonly maxLines: number,
    /** The simulated time now (for the limit's message). */
    private readonly now: () => SimTimeNs,
  ) {}

  private add(ctx: TraceContext, event: string, body: string): void {
    if (this.lines.size >= this.maxLines) throw new RunLimitError('traceLines', this.maxLines, `the run (at ${simSeconds(this.now())} s simulated)`);
    this.lines.add(ctx, event, body);
  }

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'shrink_slab_start':
        return this.add(ctxOf(e.task, e.timeNs), 'mm_shrink_slab_start', formatShrinkStartBody(e.start, this.profile));
      case 'shrink_slab_end':
        return this.add(ctxOf(e.task, e.timeNs), 'mm_shrink_slab_end', formatShrinkEndBody(e.end));
      case 'vmscan_begin': {
        const name = vmscanEventName(e.path, true);
        if (!name) return;
        const body = e.path === 'kswapd' ? vmscanBodies.kswapdWake(e.nid, 0) : vmscanBodies.reclaimBegin(0, e.gfpMask, this.profile);
        return this.add(ctxOf(e.task, e.timeNs), name, body);
      }
      case 'vmscan_end': {
        const name = vmscanEventName(e.path, false);
        if (!name) return;
        const body = e.path === 'kswapd' ? vmscanBodies.kswapdSleep(e.nid) : vmscanBodies.reclaimEnd(e.nrReclaimed);
        return this.add(ctxOf(e.task, e.timeNs), name, body);
      }
      case 'binder_trace':
        return this.add(e.record.ctx, e.record.event.name, formatBinderEventBody(e.record.event));
      case 'oom_kill':
        // mark_oom_victim() runs in the allocating task, inside its __alloc_pages_may_oom.
        return this.add(ctxOf(e.kill.trigger, e.kill.timeNs), 'mark_victim', markVictimBody(e.kill));
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }

  /** The whole trace file, as `cat trace` prints it. */
  render(cpus: number): string {
    return this.lines.render(cpus);
  }
}
