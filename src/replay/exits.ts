/**
 * Process exits a capture does not print. A process that exits takes its pages off the
 * Binder LRU in binder_alloc_deferred_release, with no tracepoint; the shrinker's next count
 * (`cache items` of mm_shrink_slab_start) is then below the LRU length the capture's own
 * events add up to (LRU adds − reuses − unmaps). The processes with pages listed and no later
 * event, if their pages make up the difference exactly, are the ones that exited.
 */
import { PAGE_EVENT_KIND } from './compare.js';
import { numField } from './events.js';
import type { TraceOp } from './operations.js';

type NameOf = (pid: number, incarnation: number) => string | undefined;

export class LruLedger {
  private readonly listed = new Map<string, number>();
  /** Index of each process's last operation or page event. */
  private readonly lastUse = new Map<string, number>();

  constructor(
    ops: readonly TraceOp[],
    private readonly nameOf: NameOf,
  ) {
    const inc = new Map<number, number>();
    ops.forEach((op, i) => {
      if (op.proc !== undefined) inc.set(op.proc, Math.max(inc.get(op.proc) ?? 0, op.incarnation));
      for (const e of op.events) {
        const pid = PAGE_EVENT_KIND[e.event] ? numField(e.body, 'proc') : undefined;
        const name = pid === undefined ? undefined : this.nameOf(pid, inc.get(pid) ?? 0);
        if (name) this.lastUse.set(name, i);
      }
      const own = op.proc === undefined ? undefined : this.nameOf(op.proc, op.incarnation);
      if (own) this.lastUse.set(own, i);
    });
  }

  /** Adds an operation's LRU adds, reuses and unmaps; `inc` = each pid's current incarnation. */
  count(op: TraceOp, inc: ReadonlyMap<number, number>): void {
    for (const e of op.events) {
      const kind = PAGE_EVENT_KIND[e.event];
      if (!kind || kind === 'install') continue;
      const pid = numField(e.body, 'proc');
      const name = pid === undefined ? undefined : this.nameOf(pid, inc.get(pid) ?? 0);
      if (name === undefined) continue;
      this.listed.set(name, (this.listed.get(name) ?? 0) + (kind === 'lru-add' ? 1 : -1));
    }
  }

  /**
   * The processes that exited before shrinker call `op` (index `at`), now marked empty; or
   * a note when the count is short and no such set explains it.
   */
  exitedBefore(op: TraceOp, at: number): { names: string[]; note?: string } {
    if (!op.start) return { names: [] };
    const total = [...this.listed.values()].reduce((a, b) => a + b, 0);
    const deficit = total - Number(op.start.cacheItems);
    if (deficit <= 0) return { names: [] };
    const gone = [...this.listed].filter(([name, n]) => n > 0 && (this.lastUse.get(name) ?? -1) < at).map(([name]) => name);
    const sum = gone.reduce((a, name) => a + (this.listed.get(name) ?? 0), 0);
    if (sum !== deficit) {
      return { names: [], note: `line ${op.firstLine}: the trace's LRU holds ${total} pages, the shrinker counts ${op.start.cacheItems}; no set of exited processes explains it` };
    }
    for (const name of gone) this.listed.set(name, 0);
    return { names: gone };
  }
}
