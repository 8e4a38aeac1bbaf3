/**
 * `ResolvedScenario`: a scenario file after validation, with every default filled in.
 *
 * This is the contract between the scenario loader (src/scenario/) and the run loop
 * (src/sim/run.ts). Everything here is plain data (JSON-able except the bigint object
 * counts, which the canonical JSON writes as decimal strings), so that `--print-resolved`
 * shows exactly what runs and `hash.ts` can hash it.
 *
 * Units, once resolved:
 * - simulated times and durations: integer nanoseconds (`SimTimeNs`, a JS number: exact up
 *   to 2^53 ns ≈ 104 days of simulated time, far beyond any scenario);
 * - memory amounts: pages of `memory.pageSize` bytes (integers), Binder sizes in bytes;
 * - rates: per second of simulated time (floats);
 * - shrinker object counts: bigint (the count-clamp what-ifs go up to ULONG_MAX/2).
 */
import type { CacheCountSource, CacheKind, SyntheticCacheConfig } from '../mm/reclaim/caches/cacheConfig.js';
import type { ReclaimCost } from '../mm/reclaim/cost.js';
import type { BinderStep as BinderScriptStep, BinderStepKey } from '../binder/schema.js';
import type { GfpMask } from '../mm/gfp.js';
import type { CountLimit, KernelProfile } from '../mm/shrinker/types.js';
import type { RunLimits } from '../util/limits.js';

/** Simulated nanoseconds (integer). */
export type { SimTimeNs } from '../util/simTime.js';
import type { SimTimeNs } from '../util/simTime.js';

/** A gfp mask, with the canonical `show_gfp_flags` text for reading and hashing. */
export interface ResolvedGfp {
  readonly mask: GfpMask;
  /** `formatGfp(mask, kernel)`, e.g. `GFP_NOFS`. */
  readonly text: string;
}

/** Who does something, as a trace line shows it (comm-pid [cpu]). */
export interface TaskRef {
  /** At most 15 characters, as the kernel's comm. */
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
}

// ---------------------------------------------------------------------------------------
// Memory

export type ResolvedWatermarks =
  /** Derived as `__setup_per_zone_wmarks()` does, by the reclaim model. */
  | {
      readonly mode: 'derived';
      /** vm.min_free_kbytes; default `int_sqrt(lowmem_kbytes * 16)` clamped to [128, 262144]. */
      readonly minFreeKbytes: number;
      /** vm.watermark_scale_factor (default 10, i.e. 0.1% of memory between marks). */
      readonly watermarkScaleFactor: number;
    }
  /** Given in pages by the scenario (per node). */
  | { readonly mode: 'given'; readonly min: number; readonly low: number; readonly high: number };

export interface ResolvedMemory {
  /** Always 4096 (the Binder model and the traces assume it). */
  readonly pageSize: number;
  readonly nodes: number;
  /** Total pages of all nodes; nodes get equal shares (node 0 takes the remainder). */
  readonly totalPages: number;
  readonly watermarks: ResolvedWatermarks;
  /** Page cache pages at t = 0 (file LRU; reclaimed first). */
  readonly pageCache: number;
  /**
   * Of those, mapped pages in use (survive drop_caches; MGLRU's aging keeps them young).
   * Absent = 0 (and absent from the scenario hash).
   */
  readonly pageCacheMapped?: number;
  /** Anonymous pages at t = 0 (reclaimable only with swap). */
  readonly anon: number;
  /** Swap space in pages; 0 = no swap, anon is never reclaimed (the real traces: no swap). */
  readonly swapPages: number;
  /** vm.swappiness (0..200), used only with swap. */
  readonly swappiness: number;
  /** MGLRU on (6.12 default: on, 6.1: off). Selects the initial-priority rule. */
  readonly mglru: boolean;
  /** Simulated-time cost of reclaim work; absent: DEFAULT_RECLAIM_COST. */
  readonly reclaimCost?: ReclaimCost;
}

// ---------------------------------------------------------------------------------------
// Memory cgroups

export interface ResolvedMemcg {
  /** Unique; `root` is reserved for the root cgroup, which always exists and is not listed. */
  readonly name: string;
  /** Parent name; `root` for top-level groups. Parents are listed before children. */
  readonly parent: string;
  /**
   * Share (0–1) of each node's LRU pages this memcg's MGLRU lruvec holds; the root holds what
   * the others leave. Absent = 0 (and absent from the scenario hash).
   */
  readonly lruShare?: number;
  /** `memory.max` in pages (absent: max, and the memcg's charges are not tracked). */
  readonly maxPages?: number;
  /** `memory.high` in pages (absent: max). */
  readonly highPages?: number;
}

// ---------------------------------------------------------------------------------------
// Shrinkers (besides Binder's own)

/** The synthetic cache kinds (mm/reclaim/caches owns the shape; the scenario adds to it). */
export type ShrinkerKind = CacheKind;

/** Where count_objects gets its number (see `CacheCountSource`). */
export type CountSource = CacheCountSource;

/**
 * A synthetic shrinker as the scenario resolves it: what the cache itself is configured with
 * (`SyntheticCacheConfig`, declared in mm/ so that mm/ imports nothing from here), plus what
 * registration needs.
 */
export interface ResolvedShrinker extends SyntheticCacheConfig {
  /** `%pS` text of the scan function in trace lines, e.g. `super_cache_scan+0x0/0x1c0`. */
  readonly symbol: string;
  readonly seeks: number;
  /** 0 = SHRINK_BATCH (128). */
  readonly batch: number;
  readonly nonslab: boolean;
}

// ---------------------------------------------------------------------------------------
// Binder

export type BinderDriver = 'c' | 'rust';

export interface ResolvedBinderProc {
  readonly name: string;
  /** Size of the buffer space in bytes (page multiple, ≤ 4 MiB). */
  readonly mmapBytes: number;
  readonly driver: BinderDriver;
  /** Trace identity of the process's main thread (default pid 100 + 2·index as the Binder model's default, comm = name). */
  readonly task: TaskRef;
  /** Memory cgroup the process is charged to (`root` by default). */
  readonly memcg: string;
  /** `oom_score_adj` (-1000 … 1000); absent: 0 (absent, not 0, so older scenarios keep their hash). */
  readonly oomScoreAdj?: number;
}

export interface ResolvedBinder {
  readonly procs: readonly ResolvedBinderProc[];
  /** The "android-binder" shrinker's knobs (kernel: DEFAULT_SEEKS, batch 0). */
  readonly shrinker: { readonly seeks: number; readonly batch: number };
}

// ---------------------------------------------------------------------------------------
// Distributions

export type SizeDist =
  | { readonly dist: 'fixed'; readonly bytes: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'log-uniform'; readonly min: number; readonly max: number }
  /** Buckets by weight; a draw picks a bucket then a uniform size in (previous size, size]. */
  | { readonly dist: 'empirical'; readonly buckets: readonly { readonly bytes: number; readonly weight: number }[] };

export type TimeDist =
  | { readonly dist: 'fixed'; readonly ns: SimTimeNs }
  | { readonly dist: 'uniform'; readonly min: SimTimeNs; readonly max: SimTimeNs }
  | { readonly dist: 'exponential'; readonly mean: SimTimeNs };

export type Arrivals =
  /** Exponential interarrival times of mean 1/rate. */
  | { readonly kind: 'poisson'; readonly rate: number }
  /** Every `period`, a burst of `count` transactions spaced `gap` apart (first at `from`). */
  | { readonly kind: 'burst'; readonly period: SimTimeNs; readonly count: number; readonly gap: SimTimeNs };

/** Active window of a generator: [from, until). `until` defaults to the scenario duration. */
export interface Window {
  readonly from: SimTimeNs;
  readonly until: SimTimeNs;
}

// ---------------------------------------------------------------------------------------
// Workload generators. Each has a unique `name`; its RNG stream is `rngStream(seed, name)`.

export interface BinderTrafficGen extends Window {
  readonly kind: 'binderTraffic';
  readonly name: string;
  /** Receiving process (whose buffer space the transaction is allocated in). */
  readonly proc: string;
  readonly arrivals: Arrivals;
  readonly data: SizeDist;
  readonly offsets: SizeDist;
  /** Probability (0..1) that a transaction is oneway (async space). */
  readonly oneway: number;
  /** How long the receiver holds the buffer before BC_FREE_BUFFER. */
  readonly hold: TimeDist;
  /** Sender as the trace shows it. */
  readonly task: TaskRef;
}

export interface MemoryPressureGen extends Window {
  readonly kind: 'memoryPressure';
  readonly name: string;
  /** Which pool the allocations add to. */
  readonly pool: 'pagecache' | 'anon';
  /** Pages per second allocated (Poisson-spread in chunks of `chunk` pages). */
  readonly rate: number;
  /** Pages per second released back (e.g. files deleted, apps killed); 0 = none. */
  readonly release: number;
  readonly chunk: number;
  /** Allocation context: below min, direct reclaim runs with this mask. */
  readonly gfp: ResolvedGfp;
  readonly memcg: string;
  readonly task: TaskRef;
  /** `oom_score_adj` of the task (-1000 … 1000); absent: 0 (absent, not 0, so older scenarios keep their hash). */
  readonly oomScoreAdj?: number;
}

export interface LockContentionGen extends Window {
  readonly kind: 'lockContention';
  readonly name: string;
  readonly proc: string;
  readonly lock: 'mmap' | 'alloc';
  /** Holds per second (Poisson). */
  readonly rate: number;
  readonly hold: TimeDist;
}

export interface ProcDeathGen {
  readonly kind: 'procDeath';
  readonly name: string;
  readonly proc: string;
  readonly at: SimTimeNs;
}

export type WorkloadGen = BinderTrafficGen | MemoryPressureGen | LockContentionGen | ProcDeathGen;

export interface ResolvedWorkload {
  readonly binder: readonly BinderTrafficGen[];
  readonly memory: readonly MemoryPressureGen[];
  readonly locks: readonly LockContentionGen[];
  readonly deaths: readonly ProcDeathGen[];
}

// ---------------------------------------------------------------------------------------
// Script steps (executed in order from t = 0; only `advance` moves time between steps)

/**
 * A Binder step (issue 3's shape), validated by the Binder helper's own zod schemas
 * (src/binder/schema.ts) and kept in exactly the form `applyBinderStep(system, step, now)`
 * takes: `{alloc: {...}}`, `{free: {...}}`, `{lock: {...}}`, `{shrink: {...}}`, `{mm_exit: …}`,
 * `{munmap: …}`, `{remap_foreign: …}`, `{release: {proc}}`, `{fail_page_alloc: …}`.
 * `op` is the step's key. (`drop_caches`, `debugfs_scan` and `snapshot` are system-wide here:
 * they are MmStep/ControlStep, run through the whole shrinker registry.)
 */
export interface BinderStep {
  readonly kind: 'binder';
  readonly op: BinderStepKey;
  readonly step: BinderScriptStep;
}

export type MmStep =
  /** echo mode > /proc/sys/vm/drop_caches: 1 page cache, 2 slab (drop_slab, priority 0), 3 both. */
  | { readonly kind: 'drop_caches'; readonly mode: 1 | 2 | 3 }
  /** One shrink_slab() pass. `memcg` null = the root/global walk. */
  | {
      readonly kind: 'shrink_slab';
      readonly priority: number;
      readonly gfp: ResolvedGfp;
      readonly nid: number;
      readonly memcg: string | null;
    }
  /** Read of debugfs `shrinker/<name>/count`. */
  | { readonly kind: 'debugfs_count'; readonly shrinker: string }
  /** Write of `"<memcg-ino> <nid> <nr>"` to debugfs `shrinker/<name>/scan`. */
  | {
      readonly kind: 'debugfs_scan';
      readonly shrinker: string;
      readonly nid: number;
      readonly nr: number;
      readonly memcg: string | null;
    }
  /** echo bytes > memory.reclaim of a cgroup (`root` = the root cgroup). */
  | { readonly kind: 'memory_reclaim'; readonly memcg: string; readonly pages: number; readonly swappiness: number | null }
  /** An allocation of `pages` into a pool, in a task's gfp context (may wake kswapd, enter direct reclaim). */
  | {
      readonly kind: 'allocate';
      readonly pool: 'pagecache' | 'anon';
      readonly pages: number;
      readonly gfp: ResolvedGfp;
      readonly memcg: string;
      readonly task: TaskRef;
    }
  /** Pages released from a pool (no reclaim; files deleted, an app exiting). */
  | { readonly kind: 'release_pages'; readonly pool: 'pagecache' | 'anon'; readonly pages: number };

export type ControlStep =
  | { readonly kind: 'advance'; readonly by: SimTimeNs }
  | { readonly kind: 'snapshot'; readonly label: string };

export type ResolvedStep = BinderStep | MmStep | ControlStep;
export type StepKind = ResolvedStep['kind'];
/** The key the step has in the file (`alloc`, `shrink_slab`, …): Binder steps give their `op`. */
export type StepName = Exclude<StepKind, 'binder'> | BinderStepKey;

// ---------------------------------------------------------------------------------------

export interface ResolvedScenario {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly kernel: KernelProfile;
  /** Generators run in [0, duration); the run ends at max(duration, end of script). */
  readonly duration: SimTimeNs;
  /** Interval of the time-series samples (CSV). */
  readonly sample: SimTimeNs;
  /** CPUs, for trace lines (`#P:` and the `[cpu]` column). */
  readonly cpus: number;
  /** kswapd's trace identity (default comm `kswapd0`, pid 80 ... one per node: kswapd<nid>). */
  readonly kswapd: TaskRef;
  /** Task of script steps that have no task of their own (shrink_slab, debugfs, memory.reclaim, drop_caches). */
  readonly scriptTask: TaskRef;
  /** Memory cgroups enabled (if false, memcg-aware shrinkers lose the flag, memcgs must be empty). */
  readonly memcgEnabled: boolean;
  readonly memory: ResolvedMemory;
  readonly memcgs: readonly ResolvedMemcg[];
  readonly shrinkers: readonly ResolvedShrinker[];
  readonly binder: ResolvedBinder;
  readonly workload: ResolvedWorkload;
  readonly script: readonly ResolvedStep[];
  /**
   * Bounds on the run: the defaults, overridden by the scenario's `limits:` (the CLI's
   * `--max-*` flags override these in turn). Not part of the scenario hash: like the seed,
   * they do not change what is simulated, only how far it may go.
   */
  readonly limits: RunLimits;
}
