/**
 * Binder in the machine: the BinderSystem (processes, freelists, shrinkers registered in the
 * machine's registry), the page accounting between Binder and node 0's memory, and the Binder
 * verbs of scripts and generators.
 *
 * Binder installs pages with `alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO)`: after each
 * operation, newly installed pages are allocated from node 0 in the task's context (which may
 * reclaim), and pages the shrinker or a teardown freed go back to it.
 */
import { GFP_KERNEL, __GFP_HIGHMEM, __GFP_ZERO, gfp } from '../mm/gfp.js';
import { applyBinderStep, binderSnapshot, type BinderSnapshot, type StepOutcome as BinderStepOutcome } from '../binder/steps.js';
import type { BinderStep as BinderScriptStep } from '../binder/schema.js';
import { BinderSystem } from '../binder/system.js';
import type { TaskRef } from '../scenario/types.js';
import type { VerbResult } from '../workload/types.js';
import type { BufferHandle } from '../binder/proc.js';
import { CBuffer } from '../binder/cAlloc.js';
import type { BinderFailure } from '../binder/env.js';
import { RustRange } from '../binder/rustAlloc.js';
import type { Machine } from './machine.js';
import { objectArray } from '../util/objectArray.js';

const BINDER_PAGE_GFP = gfp(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
const OK: VerbResult = Object.freeze({ ok: true });
const NO_BUFFER: VerbResult = Object.freeze({ ok: false, error: 'ENOENT' });

/** One process's buffer allocations: successes, and failures by errno. */
export interface TxCounts {
  allocations: number;
  failures: Record<string, number>;
}

export class MachineBinder {
  readonly system: BinderSystem;
  /** Pages the memory model holds for Binder (may lag `installed` if memory ran out). */
  private accounted = 0;
  private readonly labels: (Array<() => Iterable<readonly [BufferHandle, string]>> | undefined)[] = [];
  private readonly allocEv: { kind: 'binder_alloc'; proc: string; error: string | null } = { kind: 'binder_alloc', proc: '', error: null };
  /**
   * Per process (by `procs` index): buffers allocated and failures by errno, the counters the
   * result reports. Kept here, as the driver keeps its own `binder_stats`, rather than counted
   * by a recorder from an event per transaction: the `binder_alloc` event is built only when
   * a recorder (the timeline) wants each transaction.
   */
  private readonly txCounts: TxCounts[] = objectArray<TxCounts>();

  constructor(private readonly m: Machine) {
    const r = m.resolved;
    const tp = m.tp;
    this.system = new BinderSystem({
      procs: r.binder.procs.map((p) => ({ name: p.name, pid: p.task.pid, mmapBytes: p.mmapBytes, driver: p.driver })),
      // Only when some recorder wants the lines: the event tally is the system's own.
      ...(tp.enabled.binder_trace ? { traceSink: (record) => tp.emit({ kind: 'binder_trace', record }) } : {}),
      reclaimTask: r.scriptTask,
      nrNodes: m.nrNodes,
      // Binder registers its shrinker(s) in the machine's registry, after the synthetic caches
      // (a module loaded after boot), so shrink_slab, drop_slab, debugfs and Binder's own
      // `shrink` steps all share one nr_deferred per shrinker.
      registry: m.registry,
      shrinker: { seeks: r.binder.shrinker.seeks, batch: r.binder.shrinker.batch },
    });
    // One entry per process from the start: a read past the end (the first transaction of a
    // process) would deoptimize the code that earlier runs optimized.
    for (let i = 0; i < this.system.procs.length; i++) this.txCounts.push({ allocations: 0, failures: {} });
  }

  /** Installed Binder pages over all processes (the system's running count). */
  installed(): number {
    return this.system.installedPages;
  }

  /** Gives node 0 back the pages Binder no longer has installed (after a shrink). Returns them. */
  releaseReclaimed(): number {
    const installed = this.installed();
    if (installed >= this.accounted) return 0;
    const pages = this.m.node0.release('binder', this.accounted - installed);
    this.accounted = installed;
    return pages;
  }

  /** Charges newly installed Binder pages to node 0 (may reclaim in `task`'s context). */
  sync(task: TaskRef): void {
    const node0 = this.m.node0;
    const installed = this.installed();
    if (installed > this.accounted) {
      const want = installed - this.accounted;
      const r = this.m.allocate('binder', want, BINDER_PAGE_GFP, task, 0);
      // Reclaim may have freed Binder pages meanwhile; account what is installed now.
      const now = this.installed();
      if (r.ok) this.accounted += want;
      else this.accounted += node0.take('binder', Math.max(0, want));
      if (now < this.accounted) this.accounted -= node0.release('binder', this.accounted - now);
    } else if (installed < this.accounted) {
      this.accounted -= node0.release('binder', this.accounted - installed);
    }
  }

  /** One Binder step of the scenario's shape, then the page accounting in `task`'s name. */
  step(step: BinderScriptStep, syncTask: TaskRef): BinderStepOutcome {
    const r = applyBinderStep(this.system, step, this.m.now);
    if (r.ok && this.m.tp.enabled.binder_lock) this.emitLock(step);
    this.sync(syncTask);
    return r;
  }

  private emitLock(step: BinderScriptStep): void {
    const now = this.m.now;
    if ('lock' in step) {
      const l = step.lock;
      this.m.tp.emit({ kind: 'binder_lock', op: 'hold', proc: l.proc, lock: l.lock, holder: l.task ?? `${l.lock}-holder`, timeNs: now, holdNs: l.hold });
    } else if ('unlock' in step) {
      const u = step.unlock;
      this.m.tp.emit({ kind: 'binder_lock', op: 'release', proc: u.proc, lock: u.lock, holder: u.task ?? `${u.lock}-holder`, timeNs: now, holdNs: 0 });
    }
  }

  /** Every process's LRU_SKIP counts by reason (to diff around one do_shrink_slab). */
  skipCounts(): Map<string, number>[] {
    return this.system.procs.map((p) => new Map(p.skips));
  }

  /** Counts a script step's buffer allocation and tells the recorders (known processes only). */
  noteAlloc(proc: string, error: string | null): void {
    const i = this.system.procIndex(proc);
    if (i >= 0) this.noteTx(i, proc, error);
  }

  /** Process `i`'s transaction counters (made for every process at construction). */
  txCountsOf(i: number): Readonly<TxCounts> {
    return this.txCounts[i] as TxCounts;
  }

  private noteTx(i: number, proc: string, error: string | null): void {
    const c = this.txCounts[i] as TxCounts;
    if (error === null) c.allocations++;
    else c.failures[error] = (c.failures[error] ?? 0) + 1;
    const tp = this.m.tp;
    if (!tp.enabled.binder_alloc) return;
    const ev = this.allocEv;
    ev.proc = proc;
    ev.error = error;
    tp.emit(ev);
  }

  private verb(r: BinderStepOutcome): VerbResult {
    return r.ok ? OK : { ok: false, error: r.error };
  }

  /**
   * One generated transaction's buffer (the typed hot path): process by index, sizes as
   * numbers; returns the buffer handle, or null when the allocation failed.
   */
  transact(proc: number, data: number, offsets: number, oneway: boolean, task: TaskRef): BufferHandle | null {
    const sys = this.system;
    sys.setNow(this.m.now);
    const p = sys.procAt(proc);
    if (!p) {
      this.sync(task);
      return null;
    }
    // Numbers straight through: the allocator's typed path makes no BigInt, no request and
    // no result object per transaction.
    const r = sys.allocTx(p, data, offsets, oneway, task);
    this.sync(task);
    const ok = r instanceof CBuffer || r instanceof RustRange;
    this.noteTx(proc, p.name, ok ? null : (r as BinderFailure).error);
    return ok ? r : null;
  }

  /** BC_FREE_BUFFER of a buffer `transact` returned (ENOENT once the process was torn down). */
  free(proc: number, buffer: BufferHandle, task: TaskRef): VerbResult {
    const sys = this.system;
    sys.setNow(this.m.now);
    const p = sys.procAt(proc);
    const live = p !== undefined && sys.isLive(p, buffer);
    if (live) sys.freeBuffer(p, buffer, task);
    this.sync(task);
    return live ? OK : NO_BUFFER;
  }

  /** Names of generated buffers for snapshots, per process. */
  addLabels(proc: number, labels: () => Iterable<readonly [BufferHandle, string]>): void {
    if (proc < 0) return;
    (this.labels[proc] ??= []).push(labels);
  }

  holdLock(proc: string, lock: 'mmap' | 'alloc', holdNs: number, holder: string): VerbResult {
    return this.verb(this.step({ lock: { proc, lock, hold: holdNs, task: holder } }, this.m.resolved.scriptTask));
  }

  kill(proc: string): VerbResult {
    return this.verb(this.step({ release: { proc } }, this.m.resolved.scriptTask));
  }

  snapshot(): BinderSnapshot {
    return binderSnapshot(this.system, (i) => (this.labels[i] ?? []).flatMap((f) => [...f()]));
  }
}
