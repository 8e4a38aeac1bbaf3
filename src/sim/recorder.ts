/**
 * What the machine tells the world: typed events at its decision points, and the recorders
 * that listen to them (statistics, time series, ftrace text, …).
 *
 * This is the kernel's tracepoint model (and ns-3's trace sources and sinks): the machine
 * states *what happened* and never formats anything; a recorder decides *what is written*.
 * Each recorder declares the event kinds it wants. `Tracepoints.enabled[kind]` is true only
 * when some recorder wants that kind, and the machine tests it before building the event:
 * with no recorder listening, an event costs a branch, not an object.
 *
 * An event object is valid only during the `on` call (the machine may reuse one object for a
 * frequent kind, as the kernel reuses its trace buffer entry): a recorder copies what it keeps.
 *
 * Adding an output: a new file under recorders/ implementing `Recorder`, and one line in
 * recorders/index.ts. The machine and the loop do not change.
 */
import type { GfpMask } from '../mm/gfp.js';
import type { PageOwner } from '../mm/reclaim/nodeMemory.js';
import type { ShrinkCallOutcome, ShrinkWalkEvent } from '../mm/shrinker/shrinkSlab.js';
import type { BinderTraceRecord } from '../binder/trace.js';
import type { ReclaimPath, Sample, Snapshot, StepOutcome } from '../report/result.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import type { SimTimeNs, TaskRef } from '../scenario/types.js';
import type { OomKillRecord } from './oomKiller.js';

/** The machine's events, one `kind` each (exhaustive `switch` in every recorder). */
export type SimEvent =
  /** trace_mm_shrink_slab_start, in the name of `task`. */
  | { readonly kind: 'shrink_slab_start'; readonly task: TaskRef; readonly timeNs: SimTimeNs; readonly start: MmShrinkSlabStart }
  /** trace_mm_shrink_slab_end. */
  | { readonly kind: 'shrink_slab_end'; readonly task: TaskRef; readonly timeNs: SimTimeNs; readonly end: MmShrinkSlabEnd }
  /** One do_shrink_slab of the shrinker at `entry` (index into `Machine.shrinkers`): skipped or ran. */
  | { readonly kind: 'shrinker_outcome'; readonly entry: number; readonly outcome: ShrinkCallOutcome }
  /** shrink_slab's walk did not call a shrinker, or stopped (rwsem, refcount, offline memcg…). */
  | { readonly kind: 'shrinker_walk'; readonly walk: ShrinkWalkEvent }
  /** A debugfs `count` read (counts as a count call) or a `scan` write (as a scan call). */
  | { readonly kind: 'debugfs'; readonly entry: number; readonly op: 'count' | 'scan' }
  /** One shrink_slab() pass finished, by path/priority/gfp: objects freed, slab pages returned. */
  | {
      readonly kind: 'reclaim_pass';
      readonly path: ReclaimPath;
      readonly priority: number;
      readonly gfpMask: GfpMask;
      readonly slabFreed: bigint;
      readonly slabPagesFreed: number;
    }
  /** A shrink_node pass starts (its LRU part and shrink_slab passes follow). */
  | { readonly kind: 'shrink_node'; readonly path: ReclaimPath; readonly nid: number; readonly priority: number }
  /** The LRU part of a shrink_node pass reclaimed pages. */
  | {
      readonly kind: 'lru_reclaimed';
      readonly path: ReclaimPath;
      readonly priority: number;
      readonly gfpMask: GfpMask;
      readonly file: number;
      readonly anon: number;
    }
  /** mm_vmscan_direct_reclaim_begin / memcg_reclaim_begin / kswapd_wake. */
  | { readonly kind: 'vmscan_begin'; readonly path: ReclaimPath; readonly task: TaskRef; readonly timeNs: SimTimeNs; readonly gfpMask: GfpMask; readonly nid: number }
  /** *_reclaim_end / kswapd_sleep. */
  | { readonly kind: 'vmscan_end'; readonly path: ReclaimPath; readonly task: TaskRef; readonly timeNs: SimTimeNs; readonly nrReclaimed: number; readonly nid: number }
  /** wakeup_kswapd woke a sleeping kswapd. */
  | { readonly kind: 'kswapd_wake'; readonly nid: number }
  /** One balance_pgdat step of kswapd ran from `startNs` for `busyNs` of simulated time (its segments back to back). */
  | { readonly kind: 'kswapd_step'; readonly nid: number; readonly busyNs: number; readonly startNs: SimTimeNs }
  /**
   * A segment of kswapd's step starts (`begin`, busyNs 0) or ends, having cost `busyNs`: the
   * reclaim work events in between are kswapd's, though other tasks' reclaim runs between two
   * segments of one step.
   */
  | { readonly kind: 'kswapd_segment'; readonly nid: number; readonly begin: boolean; readonly busyNs: number }
  /**
   * A segment of a timed allocation's slowpath (allocTask.ts) starts or ends: the reclaim work
   * events in between are `task`'s direct reclaim, though other tasks run between segments.
   */
  | { readonly kind: 'alloc_segment'; readonly task: TaskRef; readonly begin: boolean }
  /** An allocation that began at `startNs` entered direct reclaim (`directReclaims` times) and stalled its task `stallNs`. */
  | {
      readonly kind: 'direct_reclaim';
      readonly task: TaskRef;
      readonly owner: PageOwner;
      readonly directReclaims: number;
      readonly stallNs: number;
      readonly startNs: SimTimeNs;
    }
  /** An allocation failed after reclaim. */
  | { readonly kind: 'alloc_failure'; readonly owner: PageOwner; readonly reason: string }
  /** The OOM killer killed a process (mark_victim), in the name of the allocating task. */
  | { readonly kind: 'oom_kill'; readonly kill: OomKillRecord }
  /** Free pages over all nodes after a change (reused object: copy `free`). */
  | { readonly kind: 'free_pages'; readonly free: number }
  /** A Binder tracepoint with its ftrace context (C driver only). */
  | { readonly kind: 'binder_trace'; readonly record: BinderTraceRecord }
  /** A Binder transaction's buffer allocation (script or generator), with its errno on failure. */
  | { readonly kind: 'binder_alloc'; readonly proc: string; readonly error: string | null }
  /** A Binder lock taken for `holdNs` by `holder` (script or generator), or released early. */
  | {
      readonly kind: 'binder_lock';
      readonly op: 'hold' | 'release';
      readonly proc: string;
      readonly lock: 'mmap' | 'alloc' | 'mm_mutex';
      readonly holder: string;
      readonly timeNs: SimTimeNs;
      readonly holdNs: number;
    }
  /** Pages a Binder shrinker's do_shrink_slab skipped (LRU_SKIP), by process and reason; only when some were. */
  | { readonly kind: 'binder_lru_skips'; readonly entry: number; readonly skips: readonly { readonly proc: string; readonly reason: string; readonly n: number }[] }
  /** Binder pages per process at a sample (after `sample`; copy what you keep). */
  | { readonly kind: 'binder_proc_pages'; readonly timeNs: SimTimeNs; readonly procs: readonly BinderProcPages[] }
  /** One row of the time series (a new object each sample, which recorders may keep as it is). */
  | { readonly kind: 'sample'; readonly sample: Sample }
  /** A script step's outcome. */
  | { readonly kind: 'step'; readonly outcome: StepOutcome }
  /** A `snapshot` step's content. */
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot };

/** One Binder process's pages (debugfs `pages: a:l:f`). */
export interface BinderProcPages {
  readonly name: string;
  readonly active: number;
  readonly lru: number;
  readonly free: number;
}

export type SimEventKind = SimEvent['kind'];
export type SimEventOf<K extends SimEventKind> = Extract<SimEvent, { kind: K }>;

export const SIM_EVENT_KINDS: readonly SimEventKind[] = [
  'shrink_slab_start',
  'shrink_slab_end',
  'shrinker_outcome',
  'shrinker_walk',
  'debugfs',
  'reclaim_pass',
  'shrink_node',
  'lru_reclaimed',
  'vmscan_begin',
  'vmscan_end',
  'kswapd_wake',
  'kswapd_step',
  'kswapd_segment',
  'alloc_segment',
  'direct_reclaim',
  'alloc_failure',
  'oom_kill',
  'free_pages',
  'binder_trace',
  'binder_alloc',
  'binder_lock',
  'binder_lru_skips',
  'binder_proc_pages',
  'sample',
  'step',
  'snapshot',
];

/**
 * A record with every event kind as a key, built as one literal: V8 keeps it in fast mode
 * (26 keys added one by one would make it a dictionary), so `enabled.binder_alloc` on the
 * hot path is a fixed-offset load, and the literal's shape lives from run to run.
 */
function byKind<T>(init: () => T): Record<SimEventKind, T> {
  return {
    shrink_slab_start: init(),
    shrink_slab_end: init(),
    shrinker_outcome: init(),
    shrinker_walk: init(),
    debugfs: init(),
    reclaim_pass: init(),
    shrink_node: init(),
    lru_reclaimed: init(),
    vmscan_begin: init(),
    vmscan_end: init(),
    kswapd_wake: init(),
    kswapd_step: init(),
    kswapd_segment: init(),
    alloc_segment: init(),
    direct_reclaim: init(),
    alloc_failure: init(),
    oom_kill: init(),
    free_pages: init(),
    binder_trace: init(),
    binder_alloc: init(),
    binder_lock: init(),
    binder_lru_skips: init(),
    binder_proc_pages: init(),
    sample: init(),
    step: init(),
    snapshot: init(),
  };
}

/** An observer of a run. */
export interface Recorder {
  /** For messages and lookups (`statistics`, `series`, `ftrace`, …). */
  readonly name: string;
  /** The kinds it wants; the machine builds no other event for it. */
  readonly kinds: readonly SimEventKind[];
  on(e: SimEvent): void;
}

/** The run's tracepoints: which kinds are enabled, and the recorders each goes to. */
export class Tracepoints {
  /** `enabled[kind]`: some recorder listens (test it before building an event). */
  readonly enabled: Readonly<Record<SimEventKind, boolean>>;
  private readonly sinks: Record<SimEventKind, Recorder[]>;
  readonly recorders: readonly Recorder[];

  constructor(recorders: readonly Recorder[] = []) {
    this.recorders = recorders;
    const sinks = byKind<Recorder[]>(() => []);
    const enabled = byKind(() => false);
    for (const k of SIM_EVENT_KINDS) {
      sinks[k] = recorders.filter((r) => r.kinds.includes(k));
      enabled[k] = sinks[k].length > 0;
    }
    this.sinks = sinks;
    this.enabled = enabled;
  }

  /** Delivers `e` to every recorder of its kind, in attach order. */
  emit(e: SimEvent): void {
    const list = this.sinks[e.kind];
    for (let i = 0; i < list.length; i++) (list[i] as Recorder).on(e);
  }

  /** The recorder called `name`, if attached. */
  get<R extends Recorder>(name: string): R | undefined {
    return this.recorders.find((r) => r.name === name) as R | undefined;
  }
}
