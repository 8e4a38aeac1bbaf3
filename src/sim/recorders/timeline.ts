/**
 * The timeline (`--timeline`): what reclaim did and when, as slices on the tracks of the tasks
 * that did it, and counters, for the Trace Event Format renderer (src/report/timeline.ts).
 *
 * - kswapd, per node: a slice per wakeup (`kswapd_wake` → the end of the step after which it
 *   sleeps), holding one slice per balance_pgdat run (each `mm_vmscan_kswapd_wake`), holding
 *   one slice per step (`busyNs` wide, named by the pass's priority).
 * - each task that reclaimed directly: a `direct reclaim` slice per allocation, `stallNs` wide,
 *   holding its try_to_free_pages calls.
 * - the script task: a slice per step (drop_caches, memory_reclaim, shrink_slab, debugfs …);
 *   the machine runs these in no simulated time, so a step is as wide as its priced work.
 * - inside any of these: shrink_lruvec and shrink_slab passes and do_shrink_slab calls, laid
 *   end to end by the cost model (timelineWork.ts); walk skips as instants.
 * - Binder processes: lock holds of the script (`lock:` steps, as long as held), transactions
 *   (instants, only with `binder: true`), pages active / on the LRU / free per process.
 * - counters: free pages (at every change), page cache, anon, and per shrinker its count and
 *   nr_deferred (at every sample).
 *
 * Every event it takes counts as an entry against the run's `traceLines` limit (as ftrace lines
 * do), so a runaway scenario stops with the limit's message instead of filling memory.
 *
 * The work events of a piece arrive before the event that ends it (`kswapd_step`,
 * `direct_reclaim`, `step`), which takes them. Only kswapd's step spans several loop events:
 * its segments are bracketed by `kswapd_segment` events and fill a tree of their own.
 */
import { formatGfp } from '../../mm/gfp.js';
import { DEFAULT_RECLAIM_COST } from '../../mm/reclaim/cost.js';
import type { KernelProfile } from '../../mm/shrinker/types.js';
import type { StepOutcome } from '../../report/result.js';
import type { TimelineCounter, TimelineData, TimelineGroup, TimelineInstant, TimelineSlice, TimelineTopInstant, TimelineTopSlice } from '../../report/timelineData.js';
import type { ResolvedScenario, TaskRef } from '../../scenario/types.js';
import type { SimTimeNs } from '../../util/simTime.js';
import { RunLimitError } from '../../util/limits.js';
import { kswapdTaskRef } from '../kswapdTask.js';
import { simSeconds } from '../loop.js';
import type { Recorder, SimEvent, SimEventKind, SimEventOf } from '../recorder.js';
import { layout, WorkTree } from './timelineWork.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** A bigint as a trace arg: a number when exact, else its decimal text. */
const argOf = (n: bigint): number | string => (n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n.toString());

const taskGroup = (t: TaskRef): TimelineGroup => ({ kind: 'task', comm: t.comm, pid: t.pid });
const MEMORY: TimelineGroup = { kind: 'memory' };
const SHRINKERS: TimelineGroup = { kind: 'shrinkers' };

/** try_to_free_pages and its kin, by reclaim path (the vmscan_begin brackets). */
const BRACKET: Readonly<Record<string, string>> = {
  direct: 'try_to_free_pages',
  proactive: 'try_to_free_mem_cgroup_pages',
  node: 'node_reclaim',
};

interface Open {
  startNs: number;
  readonly children: (TimelineSlice | TimelineInstant)[];
  args: Record<string, number | string | boolean>;
}

interface KswapdState {
  readonly group: TimelineGroup;
  awake: Open | null;
  run: Open | null;
  sleepPending: boolean;
  /** End of the last step (a new wakeup cannot start before it). */
  lastEndNs: number;
  /** The work of the step in progress, filled segment by segment (other tasks reclaim in between). */
  readonly work: WorkTree;
}

export interface TimelineOptions {
  readonly scenario: ResolvedScenario;
  readonly profile: KernelProfile;
  readonly now: () => SimTimeNs;
  /** One instant per Binder transaction (they can be many). */
  readonly binder?: boolean;
  /** Most entries (slices, instants, counter values) kept: the run's `traceLines` limit. */
  readonly maxEntries?: number;
}

export class TimelineRecorder implements Recorder {
  readonly name = 'timeline';
  readonly kinds: readonly SimEventKind[];
  /** The tree the work events go to: `main`, or a kswapd's while one of its segments runs. */
  private work: WorkTree;
  private readonly main: WorkTree;
  private readonly slices: TimelineTopSlice[] = [];
  private readonly instants: TimelineTopInstant[] = [];
  private readonly counters = new Map<string, TimelineCounter>();
  private readonly kswapd = new Map<number, KswapdState>();
  /** The work of each timed allocation in progress, by pid, filled segment by segment. */
  private readonly allocs = new Map<number, WorkTree>();
  private readonly holds = new Map<string, { group: TimelineGroup; slice: { -readonly [K in keyof TimelineSlice]: TimelineSlice[K] } }>();

  constructor(private readonly opts: TimelineOptions) {
    this.main = new WorkTree(opts.scenario.memory.reclaimCost ?? DEFAULT_RECLAIM_COST);
    this.work = this.main;
    this.kinds = [
      'shrinker_outcome',
      'shrinker_walk',
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
      'free_pages',
      'sample',
      'binder_proc_pages',
      'binder_lock',
      'binder_lru_skips',
      'step',
      'oom_kill',
      ...(opts.binder ? (['binder_alloc'] as const) : []),
    ];
  }

  private get now(): number {
    return this.opts.now();
  }

  private gfp(mask: Parameters<typeof formatGfp>[0]): string {
    return formatGfp(mask, this.opts.profile);
  }

  /** Adds a counter value at `tNs` (one per distinct time; unchanged values are not repeated). */
  private count(group: TimelineGroup, key: string, name: string, tNs: number, value: number, shrinker?: number): void {
    let c = this.counters.get(key);
    if (!c) {
      c = { group, name, points: [], ...(shrinker !== undefined ? { shrinker } : {}) };
      this.counters.set(key, c);
    }
    const last = c.points[c.points.length - 1];
    if (last && last.tNs === tNs) last.value = value;
    else if (!last || last.value !== value) c.points.push({ tNs, value });
  }

  private entries = 0;

  /** Counts `n` entries kept against the limit. */
  private keep(n: number): void {
    this.entries += n;
    const max = this.opts.maxEntries;
    if (max !== undefined && this.entries > max) throw new RunLimitError('traceLines', max, `the timeline (at ${simSeconds(this.now)} s simulated)`);
  }

  on(e: SimEvent): void {
    if (this.opts.maxEntries !== undefined) this.keep(e.kind === 'sample' ? 2 + 2 * e.sample.shrinkers.length : e.kind === 'binder_proc_pages' ? 3 * e.procs.length : 1);
    switch (e.kind) {
      case 'shrinker_outcome':
        return this.outcome(e);
      case 'shrinker_walk': {
        const w = e.walk;
        const who = 'shrinker' in w && w.shrinker ? w.shrinker.name : 'after' in w ? w.after.name : '';
        return this.work.mark(`skip: ${w.kind}`, who ? { shrinker: who } : {});
      }
      case 'reclaim_pass':
        return this.work.passEnd(e.priority, { path: e.path, gfp: this.gfp(e.gfpMask), freed: argOf(e.slabFreed), slab_pages_freed: e.slabPagesFreed });
      case 'shrink_node':
        return this.work.shrinkNode(e.nid, e.priority, { path: e.path });
      case 'lru_reclaimed':
        return this.work.lru(e.priority, e.file, e.anon, { path: e.path });
      case 'vmscan_begin':
        if (e.path === 'kswapd') return this.kswapdRun(e.nid);
        return this.work.open(BRACKET[e.path] ?? e.path, e.path, { gfp: this.gfp(e.gfpMask), nid: e.nid });
      case 'vmscan_end':
        if (e.path === 'kswapd') {
          this.ks(e.nid).sleepPending = true;
          return;
        }
        return this.work.close({ nr_reclaimed: e.nrReclaimed });
      case 'kswapd_wake': {
        const k = this.ks(e.nid);
        if (!k.awake) k.awake = { startNs: Math.max(this.now, k.lastEndNs), children: [], args: {} };
        return;
      }
      case 'kswapd_step':
        return this.kswapdStep(e.nid, e.busyNs, e.startNs);
      case 'kswapd_segment':
        this.work = e.begin ? this.ks(e.nid).work : this.main;
        return;
      case 'alloc_segment': {
        if (!e.begin) {
          this.work = this.main;
          return;
        }
        let w = this.allocs.get(e.task.pid);
        if (!w) this.allocs.set(e.task.pid, (w = new WorkTree(this.main.cost)));
        this.work = w;
        return;
      }
      case 'direct_reclaim': {
        const t = e.startNs;
        // A timed allocation's work was kept apart segment by segment; an atomic one's is here.
        const own = this.allocs.get(e.task.pid);
        if (own) this.allocs.delete(e.task.pid);
        const { items } = (own ?? this.work).take();
        const slice: TimelineSlice = {
          name: 'direct reclaim',
          cat: 'direct',
          startNs: t,
          durNs: e.stallNs,
          args: { owner: e.owner, try_to_free_pages: e.directReclaims, stall_us: e.stallNs / 1000 },
          children: layout(items, t, e.stallNs),
        };
        this.slices.push({ group: taskGroup(e.task), slice });
        return;
      }
      case 'free_pages':
        return this.count(MEMORY, 'free', 'free pages', this.now, e.free);
      case 'sample': {
        const s = e.sample;
        this.count(MEMORY, 'file', 'page cache', s.timeNs, s.pageCache);
        this.count(MEMORY, 'anon', 'anon', s.timeNs, s.anon);
        s.shrinkers.forEach((x, i) => {
          this.count(SHRINKERS, `count:${i}`, 'count', s.timeNs, Number(x.count), i);
          this.count(SHRINKERS, `deferred:${i}`, 'deferred', s.timeNs, Number(x.deferred), i);
        });
        return;
      }
      case 'binder_proc_pages':
        for (const p of e.procs) {
          const g: TimelineGroup = { kind: 'binder', proc: p.name };
          this.count(g, `b:${p.name}:a`, 'pages active', e.timeNs, p.active);
          this.count(g, `b:${p.name}:l`, 'pages lru', e.timeNs, p.lru);
          this.count(g, `b:${p.name}:f`, 'pages free', e.timeNs, p.free);
        }
        return;
      case 'binder_alloc':
        this.instants.push({
          group: { kind: 'binder', proc: e.proc },
          instant: { instant: true, name: e.error === null ? 'transaction' : `transaction failed: ${e.error}`, cat: 'binder', tNs: this.now, args: e.error === null ? {} : { error: e.error } },
        });
        return;
      case 'step':
        return this.step(e.outcome);
      case 'oom_kill': {
        // On the track of the task whose allocation invoked the OOM killer, at the kill.
        const k = e.kill;
        this.instants.push({
          group: { kind: 'task', comm: k.trigger.comm, pid: k.trigger.pid },
          instant: {
            instant: true,
            name: `oom_kill ${k.comm}-${k.pid}`,
            cat: 'oom',
            tNs: k.timeNs,
            args: { victim_pid: k.pid, victim_comm: k.comm, badness: k.badness, oom_score_adj: k.oomScoreAdj, pages_freed: k.pagesFreed },
          },
        });
        return;
      }
      case 'binder_lock':
        return this.lock(e);
      case 'binder_lru_skips': {
        const args: Record<string, number> = {};
        for (const k of e.skips) args[`lru_skip.${k.proc}.${k.reason}`] = k.n;
        return this.work.annotate(args, e.skips.map((k) => ({ name: `LRU_SKIP ${k.reason} x${k.n}`, args: { proc: k.proc, reason: k.reason, pages: k.n } })));
      }
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }

  private outcome(e: SimEventOf<'shrinker_outcome'>): void {
    const o = e.outcome;
    const r = o.result;
    const base = { shrinker: o.shrinker.name, shrinker_index: e.entry, nid: o.nid, priority: o.priority, gfp: this.gfp(o.gfpMask), ...(o.retry ? { retry: true } : {}) };
    if (r.kind === 'skipped') {
      this.work.countOnly(o.shrinker.name, { nid: o.nid, priority: o.priority, gfp: base.gfp });
    } else {
      const s = r.start;
      const end = r.end;
      this.work.call(`do_shrink_slab ${o.shrinker.name}`, Number(r.stats.calls), Number(r.stats.scanned), {
        ...base,
        nr: argOf(s.nrObjectsToShrink),
        cache_items: argOf(s.cacheItems),
        delta: argOf(s.delta),
        total_scan: argOf(s.totalScan),
        scanned: argOf(r.stats.scanned),
        freed: argOf(r.stats.freed),
        scan_calls: argOf(r.stats.calls),
        new_deferred: argOf(end.newScan),
        last_scan: argOf(end.totalScan),
      });
    }
  }

  private ks(nid: number): KswapdState {
    let k = this.kswapd.get(nid);
    if (!k) {
      k = {
        group: taskGroup(kswapdTaskRef(this.opts.scenario.kswapd, nid)),
        awake: null,
        run: null,
        sleepPending: false,
        lastEndNs: 0,
        work: new WorkTree(this.opts.scenario.memory.reclaimCost ?? DEFAULT_RECLAIM_COST),
      };
      this.kswapd.set(nid, k);
    }
    return k;
  }

  /** A balance_pgdat run starts (mm_vmscan_kswapd_wake): the previous run ended with the last step. */
  private kswapdRun(nid: number): void {
    const k = this.ks(nid);
    if (!k.awake) k.awake = { startNs: Math.max(this.now, k.lastEndNs), children: [], args: {} };
    this.closeRun(k, k.lastEndNs);
    k.run = { startNs: this.now, children: [], args: {} };
  }

  private closeRun(k: KswapdState, endNs: number): void {
    if (!k.run || !k.awake) return;
    const r = k.run;
    k.awake.children.push({ name: 'balance_pgdat', cat: 'kswapd', startNs: r.startNs, durNs: Math.max(0, endNs - r.startNs), args: { steps: r.children.length }, children: r.children });
    k.run = null;
  }

  private closeAwake(k: KswapdState, endNs: number): void {
    this.closeRun(k, endNs);
    const a = k.awake;
    if (!a) return;
    const runs = a.children.length;
    this.slices.push({ group: k.group, slice: { name: 'kswapd awake', cat: 'kswapd_wake', startNs: a.startNs, durNs: Math.max(0, endNs - a.startNs), args: { runs }, children: a.children } });
    k.awake = null;
  }

  private kswapdStep(nid: number, busyNs: number, t: number): void {
    const k = this.ks(nid);
    const { items, priority } = k.work.take();
    if (!k.awake) k.awake = { startNs: t, children: [], args: {} };
    if (!k.run) k.run = { startNs: t, children: [], args: {} };
    k.run.children.push({
      name: priority === null ? 'balance_pgdat step (no pass)' : `balance_pgdat step prio ${priority}`,
      cat: 'kswapd_step',
      startNs: t,
      durNs: busyNs,
      args: { ...(priority === null ? {} : { priority }), busy_us: busyNs / 1000 },
      children: layout(items, t, busyNs),
    });
    k.lastEndNs = t + busyNs;
    if (k.sleepPending) {
      k.sleepPending = false;
      this.closeAwake(k, k.lastEndNs);
    }
  }

  private step(o: StepOutcome): void {
    const { items } = this.work.take();
    if (o.kind === 'advance') return;
    const t = o.timeNs;
    const children = layout(items, t);
    const durNs = children.reduce((a, c) => ('instant' in c ? a : a + c.durNs), 0);
    const args: Record<string, number | string | boolean> = { index: o.index, ok: o.ok };
    if (o.ok) {
      for (const [k, v] of Object.entries(o.detail ?? {})) if (k !== 'text') args[k] = typeof v === 'bigint' ? argOf(v) : v;
    } else {
      args.error = o.error;
      args.message = o.message;
    }
    this.slices.push({ group: taskGroup(this.opts.scenario.scriptTask), slice: { name: o.kind, cat: 'script', startNs: t, durNs, args, children } });
  }

  /** A Binder lock hold (script or generator), on the Binder process's track; `release` cuts it short. */
  private lock(e: SimEventOf<'binder_lock'>): void {
    const key = `${e.proc}\u0000${e.lock}\u0000${e.holder}`;
    if (e.op === 'release') {
      const h = this.holds.get(key);
      if (h && h.slice.startNs + h.slice.durNs > e.timeNs) h.slice.durNs = e.timeNs - h.slice.startNs;
      return;
    }
    const slice = {
      name: `${e.lock} lock held by ${e.holder}`,
      cat: 'lock',
      startNs: e.timeNs,
      durNs: e.holdNs,
      args: { lock: e.lock, holder: e.holder, hold_us: e.holdNs / 1000 },
      children: [],
    };
    const group: TimelineGroup = { kind: 'binder', proc: e.proc };
    this.holds.set(key, { group, slice });
    this.slices.push({ group, slice });
  }

  /** What the renderer draws; kswapds still awake at `endNs` end there (or with their last step). */
  data(endNs: number): TimelineData {
    for (const k of this.kswapd.values()) if (k.awake) this.closeAwake(k, Math.max(endNs, k.lastEndNs));
    return { slices: this.slices, instants: this.instants, counters: [...this.counters.values()] };
  }
}
