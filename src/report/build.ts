/**
 * The RunResult of a run: a pure function of the machine's end state and what the recorders
 * collected (statistics, series, script outcomes, ftrace text). Sorting rules live here: reclaim
 * rows by path, priority (descending), gfp text; stalls by comm, pid, owner; skip reasons and
 * event names alphabetically.
 */
import type { VmStatCounters } from '../mm/vmstat.js';
import type { KernelProfile } from '../mm/shrinker/types.js';
import type { SimTimeNs } from '../util/simTime.js';
import { VERSION } from '../version.js';
import type { TimelineData } from './timelineData.js';
import {
  RESULT_SCHEMA_VERSION,
  type BinderProcStats,
  type DirectStallRow,
  type MemcgStats,
  type OomKill,
  type ReclaimPassRow,
  type RunResult,
  type Sample,
  type ShrinkerStats,
  type Snapshot,
  type StepOutcome,
} from './result.js';

/** One shrinker's identity, end state and scanned/freed totals, as the machine reports them (the recorders add the rest). */
export type ShrinkerEnd = Pick<ShrinkerStats, 'name' | 'symbol' | 'seeks' | 'batch' | 'numaAware' | 'memcgAware' | 'scanned' | 'freed' | 'deferredEnd' | 'countEnd'>;

/** One Binder process at the end, as the machine reports it (its allocation counters are the machine's own). */
export type BinderProcEnd = Pick<BinderProcStats, 'name' | 'driver' | 'pages' | 'highWatermark' | 'refaults' | 'reclaimed' | 'allocations' | 'allocFailures' | 'dead'>;

/** The machine at the end of the run. */
export interface MachineEnd {
  readonly simulatedNs: SimTimeNs;
  readonly totalPages: number;
  readonly watermarks: { readonly min: number; readonly low: number; readonly high: number };
  readonly end: { readonly free: number; readonly pageCache: number; readonly anon: number };
  readonly shrinkers: readonly ShrinkerEnd[];
  readonly procs: readonly BinderProcEnd[];
  /** Binder's own tracepoint tally (every Binder event name, 0 if it never fired). */
  readonly binderEvents: Readonly<Record<string, number>>;
  /** Skips the machine's parts counted themselves (Binder isolate, cache callbacks). */
  readonly skips: readonly (readonly [string, number])[];
  /** The `/proc/vmstat` counters at the end. */
  readonly vmstat: VmStatCounters;
  /** The OOM killer's victims, in order. */
  readonly oomKills: readonly OomKill[];
  /** Memcgs with a memory.max / memory.high (none: absent or empty). */
  readonly memcgs?: readonly MemcgStats[];
}

/** What the statistics recorder collected. */
export interface RunStatistics {
  readonly rows: Iterable<ReclaimPassRow>;
  readonly skips: ReadonlyMap<string, number>;
  readonly mem: {
    readonly kswapdWakeups: number;
    readonly directReclaims: number;
    readonly allocFailures: number;
    readonly reclaimedFile: number;
    readonly reclaimedAnon: number;
    readonly reclaimedSlab: number;
  };
  readonly minFree: number;
  readonly kswapdBusyNs: number;
  readonly stalls: Iterable<DirectStallRow>;
  shrinker(entry: number): {
    readonly countCalls: number;
    readonly countSkips: number;
    readonly scanCalls: bigint;
    readonly stops: number;
    readonly deferredMax: bigint;
  };
  readonly tally: ReadonlyMap<string, number>;
}

export interface BuildInput {
  readonly scenario: { readonly name: string; readonly file?: string; readonly hash: string };
  readonly seed: number;
  readonly kernel: KernelProfile;
  readonly machine: MachineEnd;
  readonly stats: RunStatistics;
  readonly series: readonly Sample[];
  readonly steps: readonly StepOutcome[];
  readonly snapshots: readonly Snapshot[];
  readonly traceText?: string;
  readonly timeline?: TimelineData;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildResult(input: BuildInput): RunResult {
  const { machine: mc, stats } = input;
  const skips = new Map(stats.skips);
  for (const [reason, n] of mc.skips) skips.set(reason, (skips.get(reason) ?? 0) + n);

  const shrinkers: ShrinkerStats[] = mc.shrinkers.map((s, i) => {
    const c = stats.shrinker(i);
    return {
      name: s.name,
      symbol: s.symbol,
      seeks: s.seeks,
      batch: s.batch,
      numaAware: s.numaAware,
      memcgAware: s.memcgAware,
      countCalls: c.countCalls,
      countSkips: c.countSkips,
      scanCalls: c.scanCalls,
      scanned: s.scanned,
      freed: s.freed,
      stops: c.stops,
      deferredEnd: s.deferredEnd,
      deferredMax: c.deferredMax,
      countEnd: s.countEnd,
    };
  });

  const procs: BinderProcStats[] = mc.procs.map((p) => ({
    name: p.name,
    driver: p.driver,
    pages: p.pages,
    highWatermark: p.highWatermark,
    refaults: p.refaults,
    reclaimed: p.reclaimed,
    allocations: p.allocations,
    allocFailures: sortKeys(p.allocFailures),
    dead: p.dead,
  }));

  const reclaim = [...stats.rows].sort((a, b) => cmp(a.path, b.path) || b.priority - a.priority || cmp(a.gfp, b.gfp));
  const directStalls = [...stats.stalls].sort((a, b) => cmp(a.comm, b.comm) || a.pid - b.pid || cmp(a.owner, b.owner));

  // Binder's tally names every Binder event; the reclaim tracepoints come from the statistics.
  const events: Record<string, number> = { ...mc.binderEvents };
  for (const [k, v] of stats.tally) if (!(k in mc.binderEvents)) events[k] = v;

  const m = stats.mem;
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'shrinksim', version: VERSION },
    scenario: input.scenario,
    seed: input.seed,
    kernel: input.kernel,
    simulatedNs: mc.simulatedNs,
    shrinkers,
    binder: { procs },
    memory: {
      totalPages: mc.totalPages,
      watermarks: mc.watermarks,
      end: mc.end,
      minFree: Number.isFinite(stats.minFree) ? stats.minFree : mc.end.free,
      kswapdWakeups: m.kswapdWakeups,
      directReclaims: m.directReclaims,
      allocFailures: m.allocFailures,
      reclaimed: { pageCache: m.reclaimedFile, anon: m.reclaimedAnon, slab: m.reclaimedSlab },
      kswapdBusyNs: stats.kswapdBusyNs,
      directStalls,
    },
    reclaim,
    skips: sortKeys(Object.fromEntries(skips)),
    steps: [...input.steps],
    snapshots: [...input.snapshots],
    events: sortKeys(events),
    vmstat: mc.vmstat,
    ...(mc.oomKills.length > 0 ? { oomKills: [...mc.oomKills] } : {}),
    ...(mc.memcgs && mc.memcgs.length > 0 ? { memcgs: [...mc.memcgs] } : {}),
    series: [...input.series],
  };
  return {
    ...result,
    ...(input.traceText !== undefined ? { traceText: input.traceText } : {}),
    ...(input.timeline !== undefined ? { timeline: input.timeline } : {}),
  };
}

export function sortKeys<V>(o: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as V;
  return out;
}
