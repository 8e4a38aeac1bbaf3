/**
 * kswapd: `balance_pgdat()` for order 0, one per node.
 *
 * Step 1: `priority = DEF_PRIORITY`; each iteration first checks `pgdat_balanced` (free ≥ high
 *         watermark) and stops there.
 * Step 2: `kswapd_shrink_node`: `nr_to_reclaim = max(high_wmark, SWAP_CLUSTER_MAX)`, one
 *         shrink_node with GFP_KERNEL; `raise_priority` is cleared when the pass scanned at
 *         least `nr_to_reclaim` LRU pages.
 * Step 3: lower the priority if `raise_priority` is still set or the pass reclaimed nothing;
 *         loop while `priority >= 1`. So kswapd never calls the shrinkers at priority 0.
 * Step 4: a run that reclaimed nothing counts a failure; after MAX_RECLAIM_RETRIES failures
 *         kswapd is no longer woken until a later reclaim succeeds (`kswapd_failures`).
 * Step 5: kswapd only sleeps when `prepare_kswapd_sleep` agrees: the node is balanced or
 *         hopeless. Otherwise the kswapd() loop calls balance_pgdat again at once (a new
 *         `mm_vmscan_kswapd_wake`), so one wakeup may hold several runs.
 * Under MGLRU on 6.12 the first pass's shrink_node lowers the priority (set_initial_priority)
 * and the loop continues from there.
 */
import { GFP_KERNEL } from '../gfp.js';
import { DEF_PRIORITY } from '../shrinker/types.js';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './constants.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { newScanControl, type ReclaimDeps, type ScanControl, type TaskRef } from './scanControl.js';
import { shrinkNodeSteps } from './shrinkNode.js';
import { runSteps, type ReclaimSteps } from '../shrinker/steps.js';
import { KSWAPD_NAP_NS } from '../vmstat.js';

export interface KswapdRun {
  readonly nrReclaimed: number;
  /** Priorities of the shrink_node passes, in order. */
  readonly priorities: readonly number[];
  readonly balanced: boolean;
}

/** The `kswapd<nid>` task: comm as the kernel names the thread. */
export function kswapdTask(nid: number, pid: number, cpu = 0): TaskRef {
  return { comm: `kswapd${nid}`, pid, cpu, nid, scope: 'none' };
}

export function balancePgdat(mem: MemoryModel, node: NodeMemory, task: TaskRef, deps: ReclaimDeps): KswapdRun {
  const b = new BalancePgdat(node, task);
  while (b.step(mem, deps)) {
    /* one shrink_node pass per step */
  }
  return b.result();
}

/**
 * One balance_pgdat, as a sequence of steps: each `step()` is one iteration of its priority
 * loop (the balance check, then at most one shrink_node pass). The run loop executes one step
 * per event and charges its work in simulated time, so allocations interleave with the passes.
 */
export class BalancePgdat {
  readonly sc: ScanControl;
  readonly priorities: number[] = [];
  balanced = false;
  done = false;
  private started = false;

  constructor(
    readonly node: NodeMemory,
    task: TaskRef,
  ) {
    this.sc = newScanControl({
      path: 'kswapd',
      task,
      nrToReclaim: 0,
      gfpMask: GFP_KERNEL,
      priority: DEF_PRIORITY,
      targetMemcg: null,
      maySwap: true,
      proactive: false,
    });
  }

  /** One loop iteration; returns true while the loop goes on (another step is due). */
  step(mem: MemoryModel, deps: ReclaimDeps): boolean {
    return runSteps(this.steps(mem, deps));
  }

  /** One loop iteration as steps: the pass yields inside (after its LRU work, inside each shrinker call). */
  *steps(mem: MemoryModel, deps: ReclaimDeps): ReclaimSteps<boolean> {
    if (this.done) return false;
    if (!this.started) {
      this.started = true;
      deps.vmstat?.count('pageoutrun');
    }
    const sc = this.sc;
    const node = this.node;
    if (node.balanced()) {
      this.balanced = true;
      this.done = true;
      return false;
    }
    let raisePriority = true;
    const before = sc.nrReclaimed;
    sc.nrScanned = 0;
    sc.nrToReclaim = Math.max(node.wmark.high, SWAP_CLUSTER_MAX);
    yield* shrinkNodeSteps(mem, node, sc, deps);
    this.priorities.push(sc.priority);
    // kswapd_shrink_node: 6.1 judges the pass by LRU pages scanned only; 6.12 (2024's
    // "mglru: fix overshooting shrinker memory") also by pages reclaimed, slab included.
    const progress = deps.profile === '6.12' ? Math.max(sc.nrScanned, sc.nrReclaimed - before) : sc.nrScanned;
    if (progress >= sc.nrToReclaim) raisePriority = false;
    if (raisePriority || sc.nrReclaimed - before === 0) sc.priority--;
    if (sc.priority < 1) {
      // kswapd never goes to priority 0: the loop ends at 1 and the node is judged as it is.
      this.done = true;
      this.balanced = node.balanced();
      return false;
    }
    return true;
  }

  result(): KswapdRun {
    return { nrReclaimed: this.sc.nrReclaimed, priorities: this.priorities, balanced: this.balanced };
  }
}

/** Upper bound on shrink_node passes in one wakeup (see Kswapd.run). */
export const KSWAPD_MAX_PASSES_PER_WAKE = 10_000;

/** Per-node kswapd state: woken below the low watermark, gives up after repeated failures. */
export class Kswapd {
  failures = 0;
  /** Woken and not yet asleep again (the run loop steps it through its balance_pgdat runs). */
  pending = false;
  wakeups = 0;
  runs = 0;

  constructor(
    readonly node: NodeMemory,
    readonly task: TaskRef,
  ) {}

  /**
   * `wakeup_kswapd`: ignored while hopeless or when the node stays balanced. `pendingPages` is
   * the allocation that triggered the wakeup: the model allocates in chunks, so balance is
   * judged as if the chunk were already taken (the kernel sees it page by page).
   * Returns true if woken.
   */
  wake(pendingPages = 0): boolean {
    if (this.pending) return false;
    if (this.failures >= MAX_RECLAIM_RETRIES) return false;
    // pgdat_balanced: free strictly above high (zone_watermark_ok's `<=` test fails at equality).
    if (this.node.free - pendingPages > this.node.wmark.high) return false;
    this.pending = true;
    this.wakeups++;
    this.freshWake = true;
    return true;
  }

  /** The balance_pgdat in progress (null while asleep). */
  private current: BalancePgdat | null = null;
  /**
   * The last finished one, kept only so that its object shape outlives it (V8 discards the
   * optimized reclaim code once no object of a shape it saw is left; the run that is kept
   * until the next one holds this).
   */
  private lastPass: BalancePgdat | null = null;
  /** Woken, and the wake's first step has not run yet. */
  private freshWake = false;
  /** Virtual time of the step that last decided to sleep (kswapd_try_to_sleep's nap starts). */
  private sleptAtNs: number | null = null;
  private wakeReclaimed = 0;
  private wakePriorities: number[] = [];

  get running(): boolean {
    return this.pending;
  }

  /**
   * One step of the woken kswapd() loop: starts a balance_pgdat if none runs (the
   * `mm_vmscan_kswapd_wake` of each run), does one of its loop iterations, and when that run
   * ends decides, as prepare_kswapd_sleep does, whether to sleep (balanced or hopeless) or to
   * start another run at the next step. Returns 'sleep' after the final step (then
   * `mm_vmscan_kswapd_sleep` has been emitted and a new wakeup is accepted).
   */
  step(mem: MemoryModel, deps: ReclaimDeps): 'continue' | 'sleep' {
    return runSteps(this.steps(mem, deps));
  }

  /**
   * The same step as steps, for the run loop that prices kswapd's work as it goes: the step's
   * shrink_node pass yields after its LRU work and inside each do_shrink_slab (between the
   * deferred exchange, the batches and the add-back), and other tasks run in between.
   */
  *steps(mem: MemoryModel, deps: ReclaimDeps): ReclaimSteps<'continue' | 'sleep'> {
    if (!this.current) {
      // kswapd_try_to_sleep: woken during the HZ/10 nap (measured from the step that
      // decided to sleep; the model prices that step's work after it).
      const now = deps.now?.();
      if (this.freshWake && now !== undefined && this.sleptAtNs !== null && now - this.sleptAtNs < KSWAPD_NAP_NS) {
        deps.vmstat?.count('kswapd_low_wmark_hit_quickly');
      }
      this.freshWake = false;
      this.runs++;
      deps.observer?.onBegin?.('kswapd', this.task, GFP_KERNEL, this.node.nid);
      this.current = new BalancePgdat(this.node, this.task);
    }
    const b = this.current;
    if (yield* b.steps(mem, deps)) return 'continue';
    const r = b.result();
    this.current = null;
    this.lastPass = b;
    this.wakeReclaimed += r.nrReclaimed;
    this.wakePriorities.push(...r.priorities);
    if (r.nrReclaimed === 0 && !r.balanced) this.failures++;
    else if (r.nrReclaimed > 0) this.failures = 0;
    // Model guard, not a kernel rule: credited pages that never reached the free pool (a
    // fake shrink_slab in a test) could otherwise repeat forever.
    if (!r.balanced && this.failures < MAX_RECLAIM_RETRIES && this.wakePriorities.length < KSWAPD_MAX_PASSES_PER_WAKE) {
      // prepare_kswapd_sleep said no (neither balanced nor hopeless): no nap, balance_pgdat again.
      deps.vmstat?.count('kswapd_high_wmark_hit_quickly');
      return 'continue';
    }
    this.sleptAtNs = deps.now?.() ?? null;
    this.lastWake = { nrReclaimed: this.wakeReclaimed, priorities: this.wakePriorities, balanced: r.balanced };
    deps.observer?.onEnd?.('kswapd', this.task, this.wakeReclaimed, this.node.nid);
    this.wakeReclaimed = 0;
    this.wakePriorities = [];
    this.pending = false;
    return 'sleep';
  }

  /** What the last completed wakeup did (all its runs summed). */
  lastWake: KswapdRun = { nrReclaimed: 0, priorities: [], balanced: true };

  /**
   * One whole wakeup at once (no simulated time passes): balance_pgdat, repeated while the node
   * is neither balanced nor hopeless. Terminates: every repeat either reclaims at least one
   * page (a finite supply) or counts a failure, and MAX_RECLAIM_RETRIES failures stop it.
   */
  run(mem: MemoryModel, deps: ReclaimDeps): KswapdRun {
    this.pending = true;
    while (this.step(mem, deps) === 'continue') {
      /* step on */
    }
    return this.lastWake;
  }

  /** Direct reclaim that made progress resets kswapd's failure count (as the allocator does). */
  resetFailures(): void {
    this.failures = 0;
  }
}
