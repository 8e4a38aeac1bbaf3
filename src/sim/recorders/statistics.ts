/**
 * The run's statistics: shrinker calls by shrinker, reclaim passes by (path, priority, gfp),
 * skips by reason, page-level counters (kswapd wakeups, direct reclaims and their stalls,
 * pages reclaimed), the lowest free memory seen, and the tally of reclaim tracepoints (counted
 * whether or not lines are kept). Binder's allocations per process are the machine's own
 * counters (sim/machineBinder.ts), not counted here from an event per transaction.
 */
import { formatGfp, type GfpMask } from '../../mm/gfp.js';
import type { KernelProfile } from '../../mm/shrinker/types.js';
import type { RunStatistics } from '../../report/build.js';
import type { DirectStallRow, ReclaimPath } from '../../report/result.js';
import { assertNever } from '../../util/assertNever.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';
import { vmscanEventName } from '../trace.js';

export interface ShrinkerCounters {
  countCalls: number;
  countSkips: number;
  scanCalls: bigint;
  stops: number;
  deferredMax: bigint;
}

export interface PassRow {
  readonly path: ReclaimPath;
  readonly priority: number;
  readonly gfp: string;
  passes: number;
  reclaimedPages: number;
  slabFreed: bigint;
}

type MutableStall = { -readonly [K in keyof DirectStallRow]: DirectStallRow[K] };

const WALK_SKIPS = {
  'trylock-failed': 'shrinker_rwsem_trylock',
  'contended-break': 'shrinker_rwsem_contended',
  'refcount-zero': 'shrinker_refcount_zero',
  'bit-cleared': null,
  'not-registered': null,
  'kmem-offline-skip': 'kmem_offline',
  'memcg-offline': 'memcg_offline',
} as const;

export class StatisticsRecorder implements Recorder {
  readonly name = 'statistics';
  readonly kinds: readonly SimEventKind[] = [
    'shrink_slab_start',
    'shrink_slab_end',
    'shrinker_outcome',
    'shrinker_walk',
    'debugfs',
    'reclaim_pass',
    'lru_reclaimed',
    'vmscan_begin',
    'vmscan_end',
    'kswapd_wake',
    'kswapd_segment',
    'direct_reclaim',
    'alloc_failure',
    'oom_kill',
    'free_pages',
  ];
  readonly rows = new Map<string, PassRow>();
  /** The same rows by path, then by `priority · 2^32 + mask` (priority is a small integer). */
  private readonly rowIndex = new Map<ReclaimPath, Map<number, PassRow>>();
  readonly skips = new Map<string, number>();
  readonly mem = { kswapdWakeups: 0, directReclaims: 0, allocFailures: 0, reclaimedFile: 0, reclaimedAnon: 0, reclaimedSlab: 0 };
  minFree = Number.POSITIVE_INFINITY;
  kswapdBusyNs = 0;
  readonly stalls = new Map<string, MutableStall>();
  /** By the machine's shrinker index. */
  readonly shrinkers: ShrinkerCounters[] = [];
  /** Reclaim tracepoints by name. */
  readonly tally = new Map<string, number>();

  constructor(private readonly profile: KernelProfile) {}

  /** What the result is built from (report/build.ts). */
  statistics(): RunStatistics {
    return {
      rows: this.rows.values(),
      skips: this.skips,
      mem: this.mem,
      minFree: this.minFree,
      kswapdBusyNs: this.kswapdBusyNs,
      stalls: this.stalls.values(),
      shrinker: (entry) => this.shrinker(entry),
      tally: this.tally,
    };
  }

  skip(reason: string, n = 1): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + n);
  }

  private count(event: string): void {
    this.tally.set(event, (this.tally.get(event) ?? 0) + 1);
  }

  private row(path: ReclaimPath, priority: number, mask: GfpMask): PassRow {
    // Looked up by path and a number (priority and mask: the row's gfp text is a function of
    // the mask), so that the pass of every reclaim call formats no gfp text and builds no key.
    let byPath = this.rowIndex.get(path);
    if (!byPath) {
      byPath = new Map();
      this.rowIndex.set(path, byPath);
    }
    const k = priority * 2 ** 32 + (mask >>> 0);
    let r = byPath.get(k);
    if (!r) {
      const g = formatGfp(mask, this.profile);
      r = { path, priority, gfp: g, passes: 0, reclaimedPages: 0, slabFreed: 0n };
      this.rows.set(`${path}\u0000${priority}\u0000${g}`, r);
      byPath.set(k, r);
    }
    return r;
  }

  /** The counters of shrinker `entry` (created at zero). */
  shrinker(entry: number): ShrinkerCounters {
    for (let i = this.shrinkers.length; i <= entry; i++) {
      this.shrinkers.push({ countCalls: 0, countSkips: 0, scanCalls: 0n, stops: 0, deferredMax: 0n });
    }
    return this.shrinkers[entry] as ShrinkerCounters;
  }

  on(e: SimEvent): void {
    switch (e.kind) {
      // The frequent kind first (a switch on strings tests in order).
      case 'free_pages':
        if (e.free < this.minFree) this.minFree = e.free;
        return;
      case 'shrink_slab_start':
        return this.count('mm_shrink_slab_start');
      case 'shrink_slab_end':
        return this.count('mm_shrink_slab_end');
      case 'shrinker_outcome': {
        const st = this.shrinker(e.entry);
        st.countCalls++;
        const r = e.outcome.result;
        if (r.kind === 'skipped') {
          st.countSkips++;
          return;
        }
        st.scanCalls += r.stats.calls;
        st.stops += r.stats.stops;
        if (r.end.newScan > st.deferredMax) st.deferredMax = r.end.newScan;
        return;
      }
      case 'shrinker_walk': {
        const reason = WALK_SKIPS[e.walk.kind];
        if (reason) this.skip(reason);
        return;
      }
      case 'debugfs':
        if (e.op === 'count') this.shrinker(e.entry).countCalls++;
        else this.shrinker(e.entry).scanCalls++;
        return;
      case 'reclaim_pass': {
        this.mem.reclaimedSlab += e.slabPagesFreed;
        const r = this.row(e.path, e.priority, e.gfpMask);
        r.passes++;
        r.slabFreed += e.slabFreed;
        return;
      }
      case 'lru_reclaimed':
        this.mem.reclaimedFile += e.file;
        this.mem.reclaimedAnon += e.anon;
        this.row(e.path, e.priority, e.gfpMask).reclaimedPages += e.file + e.anon;
        return;
      case 'vmscan_begin':
      case 'vmscan_end': {
        const name = vmscanEventName(e.path, e.kind === 'vmscan_begin');
        if (name) this.count(name);
        return;
      }
      case 'kswapd_wake':
        this.mem.kswapdWakeups++;
        return;
      case 'kswapd_segment':
        // Counted segment by segment: a step still running at the end has spent its segments.
        this.kswapdBusyNs += e.busyNs;
        return;
      case 'direct_reclaim':
        return this.stall(e);
      case 'alloc_failure':
        this.mem.allocFailures++;
        return;
      case 'oom_kill':
        // oom:mark_victim, as the trace prints it (only runs that kill have the key).
        this.count('mark_victim');
        return;
      case 'binder_trace':
      case 'binder_alloc':
      case 'alloc_segment':
      case 'kswapd_step':
      case 'shrink_node':
      case 'binder_proc_pages':
      case 'binder_lock':
      case 'binder_lru_skips':
      case 'sample':
      case 'step':
      case 'snapshot':
        return;
      default:
        assertNever(e);
    }
  }

  private stall(e: Extract<SimEvent, { kind: 'direct_reclaim' }>): void {
    this.mem.directReclaims += e.directReclaims;
    const key = `${e.task.comm}\u0000${e.task.pid}\u0000${e.owner}`;
    let st = this.stalls.get(key);
    if (!st) {
      st = { comm: e.task.comm, pid: e.task.pid, owner: e.owner, allocations: 0, directReclaims: 0, stallNs: 0, maxStallNs: 0 };
      this.stalls.set(key, st);
    }
    st.allocations++;
    st.directReclaims += e.directReclaims;
    st.stallNs += e.stallNs;
    if (e.stallNs > st.maxStallNs) st.maxStallNs = e.stallNs;
  }
}
