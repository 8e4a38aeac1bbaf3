/**
 * `RunResult`: everything one run produced, as the run loop (src/sim/run.ts) fills it and the
 * renderers (summary, JSON, CSV, baseline) read it. The renderers are pure functions of this
 * record.
 *
 * The JSON file is this record minus `traceText` (which goes to `--trace`), with bigints
 * written by the rules in json.ts: a JSON number when it is a safe integer, else a decimal
 * string; in `series` always a number plus an exact string companion when unsafe. Its layout
 * is an ABI: fields are only ever added; a rename or removal bumps RESULT_SCHEMA_VERSION (documented in docs/json-schema.md).
 */
import type { KernelProfile } from '../mm/shrinker/types.js';
import type { VmStatCounters } from '../mm/vmstat.js';
import type { SimTimeNs, StepName } from '../scenario/types.js';
import type { RunLimits } from '../util/limits.js';
import type { Recorder } from '../sim/recorder.js';
import type { TimelineData } from './timelineData.js';

/** Version of the JSON layout (`schemaVersion`). */
export const RESULT_SCHEMA_VERSION = 1;

export interface ToolInfo {
  readonly name: 'shrinksim';
  readonly version: string;
}

export interface ScenarioInfo {
  readonly name: string;
  /** The file as the user named it; absent for a scenario built in code. */
  readonly file?: string;
  /**
   * `sha256:<hex>` of the canonical JSON of the resolved scenario without its seed
   * (`scenarioHash` in src/scenario/hash.ts): the seed is its own field, so one scenario
   * run with two seeds keeps one hash.
   */
  readonly hash: string;
}

/** Per shrinker (Binder's own included, as `android-binder`), in registration order. */
export interface ShrinkerStats {
  readonly name: string;
  /** `%pS` text, as trace lines show it. */
  readonly symbol: string;
  readonly seeks: number;
  readonly batch: number;
  readonly numaAware: boolean;
  readonly memcgAware: boolean;
  /** count_objects calls (each do_shrink_slab counts once, plus debugfs reads). */
  readonly countCalls: number;
  /** do_shrink_slab calls whose count was 0 or SHRINK_EMPTY (no tracepoint). */
  readonly countSkips: number;
  /** scan_objects calls, a final STOP call included. */
  readonly scanCalls: bigint;
  /** Σ nr_scanned (non-STOP calls). */
  readonly scanned: bigint;
  readonly freed: bigint;
  /** scan calls that returned SHRINK_STOP. */
  readonly stops: number;
  /** Σ of every nr_deferred slot (all nodes and memcgs) at the end. */
  readonly deferredEnd: bigint;
  /** Largest value any of its deferred slots held (after an add-back). */
  readonly deferredMax: bigint;
  /** count_objects answer at the end (sum over nodes/memcgs). */
  readonly countEnd: bigint;
}

/** Binder page states per process, as debugfs `binder/state` prints `pages: a:l:f`. */
export interface BinderPageCounts {
  readonly active: number;
  readonly lru: number;
  readonly free: number;
}

export interface BinderProcStats {
  readonly name: string;
  readonly driver: 'c' | 'rust';
  /** At the end of the run. */
  readonly pages: BinderPageCounts;
  /** Most pages ever installed at once (`pages_high`). */
  readonly highWatermark: number;
  /** Page installs of pages that reclaim had freed before ("refaults"). */
  readonly refaults: number;
  /** Pages the Binder shrinker took from this process (unmapped and freed by its isolate). */
  readonly reclaimed: number;
  /** Buffers allocated successfully. */
  readonly allocations: number;
  /** Allocation failures by the kernel's reason (e.g. `ENOSPC`, `ENOSPC_ASYNC`, `ESRCH`). */
  readonly allocFailures: Readonly<Record<string, number>>;
  /** The process died during the run. */
  readonly dead: boolean;
}

export type ReclaimPath = 'kswapd' | 'direct' | 'proactive' | 'drop_caches' | 'node' | 'shrink_slab' | 'debugfs' | 'memcg';

/** shrink_slab passes grouped by (path, priority, gfp). */
export interface ReclaimPassRow {
  readonly path: ReclaimPath;
  readonly priority: number;
  /** `show_gfp_flags` text of the mask the shrinkers saw. */
  readonly gfp: string;
  /** shrink_slab() calls (one per node/memcg walk). */
  readonly passes: number;
  /** Pages reclaimed by those passes (page cache + anon + credited slab pages). */
  readonly reclaimedPages: number;
  /** Objects the shrinkers freed in those passes. */
  readonly slabFreed: bigint;
}

export interface MemoryStats {
  readonly totalPages: number;
  /** Watermarks in pages, summed over nodes. */
  readonly watermarks: { readonly min: number; readonly low: number; readonly high: number };
  /** Pool sizes at the end. */
  readonly end: { readonly free: number; readonly pageCache: number; readonly anon: number };
  /** Lowest free pages seen. */
  readonly minFree: number;
  readonly kswapdWakeups: number;
  /** `try_to_free_pages` calls (each chunk of ≤ SWAP_CLUSTER_MAX pages below min makes one). */
  readonly directReclaims: number;
  /** Allocations that failed after reclaim (the OOM killer would be next). */
  readonly allocFailures: number;
  /** Pages reclaimed per pool over the run. */
  readonly reclaimed: { readonly pageCache: number; readonly anon: number; readonly slab: number };
  /** Simulated ns kswapd spent reclaiming, summed over nodes (the reclaim cost model). */
  readonly kswapdBusyNs?: number;
  /** Direct-reclaim stalls per allocating task and page owner, sorted by comm, pid, owner. */
  readonly directStalls?: readonly DirectStallRow[];
}

/** Allocations of one task for one page owner that entered direct reclaim, and what it cost them. */
export interface DirectStallRow {
  readonly comm: string;
  readonly pid: number;
  /** What the pages were for: `file`, `anon`, `slab`, `binder`. */
  readonly owner: string;
  /** Allocations (chunks of up to SWAP_CLUSTER_MAX pages) that entered direct reclaim. */
  readonly allocations: number;
  /** try_to_free_pages calls. */
  readonly directReclaims: number;
  /** Simulated ns the task spent in direct reclaim, in total and the worst single allocation. */
  readonly stallNs: number;
  readonly maxStallNs: number;
}

/** What one script step did. Errors are data: the run goes on. */
export type StepOutcome =
  | {
      readonly index: number;
      readonly kind: StepName;
      readonly timeNs: SimTimeNs;
      readonly ok: true;
      /** Step-specific numbers (e.g. `freed`, `count`, `reclaimed`). */
      readonly detail?: Readonly<Record<string, number | string | bigint>>;
    }
  | {
      readonly index: number;
      readonly kind: StepName;
      readonly timeNs: SimTimeNs;
      readonly ok: false;
      /** Kernel-style name: `ENOSPC`, `EINVAL`, `ENOENT`, … */
      readonly error: string;
      readonly message: string;
    };

/** Issue 3's snapshot shape (exact). */
export interface BinderBufferSnap {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly free: boolean;
}

export interface BinderProcSnap {
  readonly name: string;
  /** One character per page: `a` active, `l` on the LRU, `.` not installed. */
  readonly pages: string;
  /** Sorted by offset. */
  readonly buffers: readonly BinderBufferSnap[];
  readonly counts: BinderPageCounts;
}

export interface Snapshot {
  readonly label: string;
  readonly binder: { readonly procs: readonly BinderProcSnap[] };
}

/** One time-series sample (CSV row). `shrinkers` is aligned with `RunResult.shrinkers`. */
export interface Sample {
  readonly timeNs: SimTimeNs;
  readonly freePages: number;
  readonly pageCache: number;
  readonly anon: number;
  /** Σ over Binder processes. */
  readonly binder: BinderPageCounts;
  readonly shrinkers: readonly SampleShrinker[];
  /** The `/proc/vmstat` counters at the sample time (cumulative), when the run counts them. */
  readonly vmstat?: VmStatCounters;
}

/** One shrinker in one sample. */
export interface SampleShrinker {
  readonly count: bigint;
  /** Σ of its nr_deferred slots. */
  readonly deferred: bigint;
  /** Cumulative Σ nr_scanned so far (ShrinkerStats.scanned at the sample time), when sampled. */
  readonly scanned?: bigint;
  /** Cumulative objects freed so far, when sampled. */
  readonly freed?: bigint;
}

/** One OOM kill: the victim, its `oom_badness`, what it held and what its death freed. */
/** A memcg with a memory.max / memory.high at the end of the run (its memory.events). */
export interface MemcgStats {
  readonly name: string;
  readonly maxPages?: number;
  readonly highPages?: number;
  /** memory.current in pages: its LRU pages, its slab pages, its limited descendants'. */
  readonly usagePages: number;
  /** memory.events `max`, `high`, `oom`, `oom_kill`; the limit reclaims made and pages they reclaimed. */
  readonly events: { readonly max: number; readonly high: number; readonly oom: number; readonly oomKill: number; readonly reclaims: number; readonly reclaimed: number };
}

export interface OomKill {
  readonly timeNs: SimTimeNs;
  readonly pid: number;
  readonly comm: string;
  readonly badness: number;
  readonly oomScoreAdj: number;
  readonly anonRssPages: number;
  /** Its installed Binder pages (mapped into it: MM_FILEPAGES). */
  readonly fileRssPages: number;
  /** Pages back in the free pool after the kill (anonymous + Binder). */
  readonly pagesFreed: number;
  /** The task whose allocation ran the OOM killer. */
  readonly trigger: { readonly pid: number; readonly comm: string };
}

export interface RunResult {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly tool: ToolInfo;
  readonly scenario: ScenarioInfo;
  readonly seed: number;
  readonly kernel: KernelProfile;
  /** Simulated time at the end of the run. */
  readonly simulatedNs: SimTimeNs;
  readonly shrinkers: readonly ShrinkerStats[];
  readonly binder: { readonly procs: readonly BinderProcStats[] };
  readonly memory: MemoryStats;
  /** Sorted by path, then priority descending, then gfp. */
  readonly reclaim: readonly ReclaimPassRow[];
  /** LRU_SKIP (and other skips) by reason, e.g. `mmap_lock_busy`; keys sorted. */
  readonly skips: Readonly<Record<string, number>>;
  readonly steps: readonly StepOutcome[];
  readonly snapshots: readonly Snapshot[];
  /** Tracepoint name → number of events; keys sorted. Counted even without `collectTrace`. */
  readonly events: Readonly<Record<string, number>>;
  /** `/proc/vmstat` event counters under the kernel's names (src/mm/vmstat.ts), at the end. */
  readonly vmstat?: VmStatCounters;
  /** The OOM killer's victims in kill order (absent when it never ran). */
  readonly oomKills?: readonly OomKill[];
  /** Memcgs with a memory.max / memory.high (absent when the scenario sets none). */
  readonly memcgs?: readonly MemcgStats[];
  /** The time series (`--csv`, and the last field of `--json`). */
  readonly series: readonly Sample[];
  /** Not in the JSON: the whole ftrace file for `--trace` (only with `collectTrace`). */
  readonly traceText?: string;
  /** Not in the JSON: what `--timeline` draws (only with `RunOptions.timeline`). */
  readonly timeline?: TimelineData;
}

/** Options of `runScenario(resolved, opts)` in src/sim/run.ts. */
export interface RunOptions {
  /** Overrides `resolved.seed` (the `--seed` flag). */
  readonly seed?: number;
  /** Render the ftrace text into `traceText`. */
  readonly collectTrace?: boolean;
  /** Keep the timeline (`timeline`); `'binder'` adds one instant per Binder transaction. */
  readonly timeline?: boolean | 'binder';
  /** Called now and then with the fraction of simulated time done (0..1). */
  readonly onProgress?: (fraction: number) => void;
  /** Scenario file name for `scenario.file`. */
  readonly file?: string;
  /** Bounds on the run (events, samples, trace lines); unset fields take DEFAULT_RUN_LIMITS. */
  readonly limits?: Partial<RunLimits>;
  /** More recorders to attach (after the standard ones); the caller reads them after the run. */
  readonly recorders?: readonly Recorder[];
}

/**
 * One label per shrinker row: its name, with `#2`, `#3` … on later shrinkers of the same name
 * (the C and the Rust Binder drivers both register "android-binder"), in registration order.
 * The summary and the baseline keys use the same labels.
 */
export function shrinkerLabels(shrinkers: readonly { readonly name: string }[]): string[] {
  const seen = new Map<string, number>();
  return shrinkers.map((s) => {
    const k = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, k);
    return k > 1 ? `${s.name}#${k}` : s.name;
  });
}
