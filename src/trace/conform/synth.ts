/**
 * Synthetic ftrace text made by the model itself, for the conform benchmark and tests: many
 * shrinker instances (different seeks and batch), several reclaiming tasks, and concurrent
 * calls on one shrinker whose numbers come from a shared deferred slot.
 *
 * Concurrency is produced by running a second task's do_shrink_slab from inside the first
 * call's scan callback (so its xchg/add land while the first call holds the slot), and by
 * sometimes printing the inner call's end after the outer one's (a task preempted between
 * add_nr_deferred and its tracepoint). Seeded; no wall clock.
 */
import seedrandom from 'seedrandom';
import { GFP_KERNEL, GFP_NOFS, __GFP_FS, type GfpMask } from '../../mm/gfp.js';
import { SingleDeferredSlot } from '../../mm/shrinker/deferred.js';
import { doShrinkSlab, type ShrinkerCore, type ShrinkTraceSink } from '../../mm/shrinker/doShrinkSlab.js';
import { NO_FLAGS, SHRINK_STOP, ShrinkControl, type RawShrinkerOps } from '../../mm/shrinker/types.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../shrinkEvents.js';
import { formatFtraceLine, ftraceHeader, type TraceContext } from '../ftrace/line.js';
import { formatShrinkEndBody, formatShrinkStartBody } from '../ftrace/shrinkFormat.js';

/** How a synthetic shrinker's scan_objects behaves. */
export type SynthBehaviour =
  /** Scans what it is asked, frees part of it. */
  | 'honest'
  /** Like super_cache_scan: SHRINK_STOP without __GFP_FS. */
  | 'stop-nofs'
  /** Like vmap_node_shrink_scan: always SHRINK_STOP. */
  | 'stop-always'
  /** Frees more objects than scanned (kfree_rcu counts). */
  | 'overfree';

export interface SynthShrinker {
  readonly symbol: string;
  readonly ptr: string;
  readonly seeks: number;
  readonly batch: number;
  readonly behaviour: SynthBehaviour;
  /** Initial and typical cache size. */
  readonly items: number;
}

export interface SynthTask {
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
  readonly gfp: GfpMask;
}

export interface SynthOptions {
  readonly seed: string | number;
  /** Stop after at least this many start/end pairs. */
  readonly pairs: number;
  readonly shrinkers?: readonly SynthShrinker[];
  readonly tasks?: readonly SynthTask[];
  /** Probability that a call with scan work gets a concurrent call nested into it. */
  readonly concurrency?: number;
  /** Latency-flags column: 5 characters (6.x) or 4 (older kernels). */
  readonly flags?: string;
}

export interface SynthTrace {
  readonly lines: readonly string[];
  readonly pairs: number;
  /** Pairs whose call had another task's call nested in it. */
  readonly nested: number;
}

export const DEFAULT_SYNTH_SHRINKERS: readonly SynthShrinker[] = [
  { symbol: 'super_cache_scan+0x0/0x1c0', ptr: 'ffff8f35c1874180', seeks: 2, batch: 1024, behaviour: 'stop-nofs', items: 40_000 },
  { symbol: 'super_cache_scan+0x0/0x1c0', ptr: 'ffff8f35c1dd5e00', seeks: 0, batch: 1024, behaviour: 'stop-nofs', items: 12_000 },
  { symbol: 'super_cache_scan+0x0/0x1c0', ptr: 'ffff8f35c1dd5980', seeks: 0, batch: 1024, behaviour: 'stop-nofs', items: 300 },
  { symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1dd5780', seeks: 2, batch: 0, behaviour: 'honest', items: 600 },
  { symbol: 'kfree_rcu_shrink_scan+0x0/0x120', ptr: 'ffff8f35c104a300', seeks: 2, batch: 0, behaviour: 'overfree', items: 40 },
  { symbol: 'vmap_node_shrink_scan+0x0/0x60', ptr: 'ffff8f35c104a200', seeks: 2, batch: 0, behaviour: 'stop-always', items: 20 },
  { symbol: 'big_batch_cache_scan+0x0/0x130 [demo]', ptr: 'ffff8f35c2a01000', seeks: 2, batch: 4096, behaviour: 'honest', items: 3_000_000 },
  { symbol: 'deferred_split_scan+0x0/0x3a0', ptr: 'ffff8f35c104a400', seeks: 1, batch: 0, behaviour: 'honest', items: 5_000 },
];

export const DEFAULT_SYNTH_TASKS: readonly SynthTask[] = [
  { comm: 'kswapd0', pid: 45, cpu: 0, gfp: GFP_KERNEL },
  { comm: 'binder_test', pid: 223, cpu: 1, gfp: GFP_KERNEL },
  { comm: 'kworker/u4:2', pid: 87, cpu: 1, gfp: GFP_NOFS },
  { comm: 'Binder:225-2', pid: 230, cpu: 2, gfp: GFP_KERNEL },
  { comm: 'my app', pid: 1201, cpu: 3, gfp: GFP_KERNEL },
];

export function synthesizeTrace(opts: SynthOptions): SynthTrace {
  const rng = seedrandom(String(opts.seed));
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  const specs = opts.shrinkers ?? DEFAULT_SYNTH_SHRINKERS;
  const tasks = opts.tasks ?? DEFAULT_SYNTH_TASKS;
  const pConc = opts.concurrency ?? 0.1;
  const flags = opts.flags ?? '.....';

  const lines: string[] = [];
  let tsNs = 1_000_000_000n;
  const emit = (task: SynthTask, event: string, body: string): void => {
    tsNs += BigInt(int(1, 400)) * 1000n;
    const ctx: TraceContext = { comm: task.comm, pid: task.pid, cpu: task.cpu, flags, tsNs };
    lines.push(formatFtraceLine(ctx, event, body));
  };

  let pairs = 0;
  let nested = 0;
  /** The task whose scan callback may host a nested call, and the call to nest. */
  let nest: { host: SynthTask; guest: SynthTask; priority: number } | undefined;
  /** Inner ends printed after the outer end. */
  const heldEnds: Array<{ task: SynthTask; end: MmShrinkSlabEnd }> = [];

  const cores = specs.map((spec) => {
    let items = spec.items;
    const ops: RawShrinkerOps<null> = {
      countRaw: () => BigInt(items),
      scanRaw: (sc) => {
        if (nest && nest.host !== undefined) {
          const n = nest;
          nest = undefined;
          nested++;
          call(core, n.guest, n.priority, rng() < 0.5);
        }
        if (spec.behaviour === 'stop-always') return SHRINK_STOP;
        if (spec.behaviour === 'stop-nofs' && (sc.gfpMask & __GFP_FS) === 0) return SHRINK_STOP;
        const asked = sc.nrToScan;
        const freed = spec.behaviour === 'overfree' ? int(0, asked * 2) : int(0, Math.min(asked, items));
        items = Math.max(0, items - Math.min(freed, items));
        return BigInt(freed);
      },
    };
    const core: ShrinkerCore<null> & { regrow(): void } = {
      ops,
      priv: null,
      seeks: spec.seeks,
      batch: spec.batch,
      flags: NO_FLAGS,
      deferred: new SingleDeferredSlot(),
      traceRef: { symbol: spec.symbol, ptr: spec.ptr },
      // Caches refill between reclaim passes (new dentries, new Binder buffers).
      regrow: () => {
        const target = spec.items;
        const noise = int(-Math.floor(target / 8) - 1, Math.floor(target / 8) + 1);
        items = Math.max(0, items + Math.round((target - items) / 4) + noise);
        if (rng() < 0.03) items = 0; // count says 0: no tracepoint at all
      },
    };
    return core;
  });

  function call(core: ShrinkerCore<null>, task: SynthTask, priority: number, holdEnd: boolean): void {
    const sink: ShrinkTraceSink = {
      start: (e: MmShrinkSlabStart) => emit(task, 'mm_shrink_slab_start', formatShrinkStartBody(e)),
      end: (e: MmShrinkSlabEnd) => {
        if (holdEnd) heldEnds.push({ task, end: e });
        else emit(task, 'mm_shrink_slab_end', formatShrinkEndBody(e));
      },
    };
    const r = doShrinkSlab(core, new ShrinkControl(task.gfp, 0, null), priority, sink);
    if (r.kind === 'ran') pairs++;
  }

  while (pairs < opts.pairs) {
    const task = tasks[int(0, tasks.length - 1)]!;
    // A reclaim pass: priorities fall from 12 as in direct reclaim, or 0 as in drop_caches.
    const priority = rng() < 0.1 ? 0 : int(0, 12);
    if (rng() < 0.05) emit(task, 'tracing_mark_write', `PHASE synthetic priority ${priority}`);
    for (const core of cores) {
      core.regrow();
      if (rng() < 0.3) {
        emit(task, 'do_shrink_slab', `(do_shrink_slab+0x0/0x350) shr=0x${core.traceRef.ptr} nid=0 prio=${priority}`);
      }
      if (rng() < pConc) {
        const others = tasks.filter((t) => t.pid !== task.pid);
        nest = { host: task, guest: others[int(0, others.length - 1)]!, priority: int(0, 12) };
      }
      call(core, task, priority, false);
      nest = undefined;
      for (const h of heldEnds.splice(0)) emit(h.task, 'mm_shrink_slab_end', formatShrinkEndBody(h.end));
      if (pairs >= opts.pairs) break;
    }
  }
  const cpus = Math.max(...tasks.map((t) => t.cpu)) + 1;
  return { lines: [...ftraceHeader(lines.length, cpus).split('\n'), ...lines], pairs, nested };
}
