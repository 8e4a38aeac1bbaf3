/**
 * The OOM killer in the machine: the processes it can choose from, what each holds, and the
 * kill (mm/oom_kill.c `oom_kill_process`): the victim is marked (`mark_victim`), `oom_kill` is
 * counted, and its memory comes back at once (the model does the oom_reaper's and exit's work
 * in the same instant): its anonymous pages, and for a Binder process its whole Binder state
 * through the process-death path (`binder_alloc_deferred_release`).
 *
 * The processes are the scenario's Binder processes and memory-pressure tasks, one per pid
 * (a generator whose task has a Binder process's pid is that process), in pid order (the
 * order `for_each_process` meets tasks created in pid order). What `oom_badness` reads:
 * - rss: the anonymous pages the process's generators allocated and still hold (the machine
 *   counts them per pid), plus its installed Binder pages (`vm_insert_page` counts them in
 *   MM_FILEPAGES until the shrinker zaps them);
 * - swap entries: 0 (the machine does not track which task's anon pages were swapped; their
 *   count stays in the anon figure, so rss + swap is right);
 * - page tables: the PTE (and PMD) pages of the rss mapped contiguously (mm/oom.ts);
 * - oom_score_adj: the scenario's, 0 by default (the Binder process's when a pid has both).
 * Other tasks (kswapd, kworkers, the script) are kernel threads or hold nothing: unkillable.
 */
import { pgtablePagesFor, selectBadProcess, type OomCandidate } from '../mm/oom.js';
import { PAGE_SIZE } from '../mm/reclaim/constants.js';
import type { TaskRef } from '../scenario/types.js';
import type { Machine } from './machine.js';

/** One process the OOM killer may choose. */
interface OomProc {
  readonly pid: number;
  readonly comm: string;
  readonly oomScoreAdj: number;
  /** Its Binder process (index in the Binder system), if any. */
  readonly binderProc: number;
  /** Pages of its Binder mmap (part of total_vm). */
  readonly binderMmapPages: number;
}

/** One kill, as `mark_victim` and the result report it. */
export interface OomKillRecord {
  readonly timeNs: number;
  /** The task whose allocation invoked the OOM killer. */
  readonly trigger: TaskRef;
  readonly pid: number;
  readonly comm: string;
  /** `oom_badness` of the victim when chosen. */
  readonly badness: number;
  readonly oomScoreAdj: number;
  readonly totalVmPages: number;
  readonly anonRssPages: number;
  readonly fileRssPages: number;
  readonly pgtablePages: number;
  /** Pages returned to the free pool by the kill (anonymous + Binder). */
  readonly pagesFreed: number;
}

export class MachineOom {
  private readonly procs: OomProc[];
  /** Anonymous pages held, per pid (what the memory-pressure generators allocated). */
  private readonly anon = new Map<number, number>();
  private readonly dead = new Set<number>();
  readonly kills: OomKillRecord[] = [];

  constructor(private readonly m: Machine) {
    const r = m.resolved;
    const byPid = new Map<number, OomProc>();
    r.binder.procs.forEach((p, i) => {
      if (byPid.has(p.task.pid)) return;
      byPid.set(p.task.pid, { pid: p.task.pid, comm: p.task.comm, oomScoreAdj: p.oomScoreAdj ?? 0, binderProc: i, binderMmapPages: p.mmapBytes / PAGE_SIZE });
    });
    for (const g of r.workload.memory) {
      if (byPid.has(g.task.pid)) continue;
      byPid.set(g.task.pid, { pid: g.task.pid, comm: g.task.comm, oomScoreAdj: g.oomScoreAdj ?? 0, binderProc: -1, binderMmapPages: 0 });
    }
    this.procs = [...byPid.values()].sort((a, b) => a.pid - b.pid);
  }

  isDead(pid: number): boolean {
    return this.dead.has(pid);
  }

  /** `pid` mapped `pages` more anonymous pages. */
  charge(pid: number, pages: number): void {
    if (pages > 0) this.anon.set(pid, (this.anon.get(pid) ?? 0) + pages);
  }

  /** `pid` unmapped `pages` anonymous pages (never below 0). */
  uncharge(pid: number, pages: number): void {
    const have = this.anon.get(pid) ?? 0;
    if (have > 0) this.anon.set(pid, Math.max(0, have - pages));
  }

  private binderPages(p: OomProc): number {
    if (p.binderProc < 0) return 0;
    const bp = this.m.binder.system.procAt(p.binderProc);
    if (!bp || !bp.mmAlive) return 0;
    const c = bp.pages.counts();
    return c.active + c.lru;
  }

  private candidate(p: OomProc): OomCandidate {
    const rss = (this.anon.get(p.pid) ?? 0) + this.binderPages(p);
    return { pid: p.pid, comm: p.comm, rssPages: rss, swapPages: 0, pgtablePages: pgtablePagesFor(rss), oomScoreAdj: p.oomScoreAdj };
  }

  /**
   * `out_of_memory()` for `task`'s failed request: chooses the victim by badness among the live
   * processes and kills it. `self` when the victim is `task`'s process.
   */
  outOfMemory(task: TaskRef, memcgScope?: { readonly pids: ReadonlySet<number>; readonly totalPages: number }): 'other' | 'self' | 'none' {
    // A memcg OOM (mem_cgroup_oom) chooses among the memcg's tasks, against its limit.
    const live = this.procs.filter((p) => !this.dead.has(p.pid) && (!memcgScope || memcgScope.pids.has(p.pid)));
    const cands = live.map((p) => this.candidate(p));
    const choice = selectBadProcess(cands, memcgScope?.totalPages ?? this.m.resolved.memory.totalPages);
    if (choice === null) return 'none';
    const victim = live[choice.index] as OomProc;
    const c = cands[choice.index] as OomCandidate;
    this.kill(task, victim, c, choice.points);
    return victim.pid === task.pid ? 'self' : 'other';
  }

  private kill(trigger: TaskRef, p: OomProc, c: OomCandidate, badness: number): void {
    const m = this.m;
    this.dead.add(p.pid);
    m.vmstat.count('oom_kill');
    const anonRss = this.anon.get(p.pid) ?? 0;
    const fileRss = c.rssPages - anonRss;
    const freeBefore = m.nodes.reduce((a, n) => a + n.free, 0);
    this.anon.set(p.pid, 0);
    m.releaseAnon(anonRss);
    if (p.binderProc >= 0) {
      const name = m.resolved.binder.procs[p.binderProc]?.name;
      if (name !== undefined) m.binder.kill(name);
    }
    const pagesFreed = m.nodes.reduce((a, n) => a + n.free, 0) - freeBefore;
    const rec: OomKillRecord = {
      timeNs: m.now,
      trigger,
      pid: p.pid,
      comm: p.comm,
      badness,
      oomScoreAdj: p.oomScoreAdj,
      totalVmPages: anonRss + p.binderMmapPages,
      anonRssPages: anonRss,
      fileRssPages: fileRss,
      pgtablePages: c.pgtablePages,
      pagesFreed,
    };
    this.kills.push(rec);
    if (m.tp.enabled.oom_kill) m.tp.emit({ kind: 'oom_kill', kill: rec });
    m.noteFree();
  }
}
