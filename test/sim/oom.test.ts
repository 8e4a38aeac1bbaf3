/**
 * The OOM killer in a run: who is chosen (oom_badness), what comes back, what stops, and what
 * the counters and the trace say.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgtablePagesFor } from '../../src/mm/oom.js';
import { loadScenarioFile, loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { analyse } from '../../src/trace/conform/analyse.js';
import { collectLines } from '../../src/trace/conform/collect.js';

// 128 MiB: totalpages 32768 (no swap), one oom_score_adj unit = 32768 / 1000 = 32 pages.
const BASE = `
kernel: "6.12"
seed: 3
cpus: 2
duration: 1s
sample: 100ms
memory: { total: 128MiB, page_cache: 8MiB, anon: 40MiB, swap: 0 }
shrinkers: []
`;

const HOG_VS_SERVER = `
name: oom-hog
${BASE}
binder:
  procs:
    - { name: server, pid: 285, mmap: 1MiB, oom_score_adj: -1000 }
workload:
  memory:
    - { name: bg, pool: anon, rate: 16MiB/s, until: 500ms, task: { comm: bg_app, pid: 400, cpu: 1 } }
    - { name: memhog, pool: anon, rate: 512MiB/s, task: { comm: memhog, pid: 289, cpu: 0 }, oom_score_adj: 1000 }
script:
  - alloc: { proc: server, buffer: big, data: 512KiB }
  - advance: { by: 1s }
`;

describe('OOM killer in a run', () => {
  it('chooses the hog (oom_score_adj 1000) over a task at 0 and never the -1000 server; its pages come back and it stops', () => {
    const r = runScenario(loadScenarioText(HOG_VS_SERVER, 'hog.yaml'), { collectTrace: true });
    const kills = r.oomKills ?? [];
    expect(kills.length).toBe(1);
    const k = kills[0]!;
    expect(k).toMatchObject({ pid: 289, comm: 'memhog', oomScoreAdj: 1000, fileRssPages: 0, trigger: { pid: 289, comm: 'memhog' } });
    // oom_badness: rss + page tables + 1000 × (32768 / 1000).
    expect(k.badness).toBe(k.anonRssPages + pgtablePagesFor(k.anonRssPages) + 1000 * 32);
    // Everything it mapped went back at once.
    expect(k.pagesFreed).toBe(k.anonRssPages);
    expect(k.anonRssPages).toBeGreaterThan(0);
    expect(r.vmstat?.oom_kill).toBe(1n);
    expect(r.events['mark_victim']).toBe(1);
    // The hog allocated nothing after its death: the anon pool at the end is the initial
    // 40 MiB plus what bg_app holds (16 MiB/s for 0.5 s, in 32-page chunks, ≤ 8 MiB).
    expect(r.memory.end.anon).toBeGreaterThanOrEqual(10_240);
    expect(r.memory.end.anon).toBeLessThanOrEqual(10_240 + 2_048 + 32 * 8);
    // The server's Binder pages were never touched by the kill.
    expect(r.binder.procs[0]).toMatchObject({ name: 'server', dead: false });
    // oom:mark_victim, in the hog's context, after its last direct reclaim.
    const lines = (r.traceText ?? '').split('\n');
    const i = lines.findIndex((l) => l.includes(' mark_victim: '));
    expect(lines[i]).toMatch(/^\s+memhog-289\s+\[000\] \.\.\.\.\. +\d+\.\d{6}: mark_victim: pid=289 comm=memhog total-vm=(\d+)kB anon-rss=(\d+)kB file-rss:0kB shmem-rss:0kB uid=0 pgtables=(\d+)kB oom_score_adj=1000$/);
    expect(lines[i]).toContain(`anon-rss=${k.anonRssPages * 4}kB`);
    expect(lines[i - 1]).toMatch(/memhog-289 .* mm_vmscan_direct_reclaim_end: /);
  });

  it('a Binder process chosen first gives back its Binder pages through process death; then the next worst dies', () => {
    const text = `
name: oom-binder-victim
${BASE}
binder:
  procs:
    - { name: server, pid: 285, mmap: 1MiB, oom_score_adj: -1000 }
    - { name: app, pid: 300, mmap: 1MiB, oom_score_adj: 1000 }
workload:
  memory:
    - { name: memhog, pool: anon, rate: 512MiB/s, task: { comm: memhog, pid: 289, cpu: 0 } }
script:
  - alloc: { proc: server, buffer: s, data: 512KiB }
  - alloc: { proc: app, buffer: a, data: 768KiB }
  - advance: { by: 1s }
`;
    const r = runScenario(loadScenarioText(text, 'victim.yaml'));
    const kills = r.oomKills ?? [];
    expect(kills.map((k) => k.pid)).toEqual([300, 289]);
    const app = kills[0]!;
    // The app's 768 KiB buffer is 192 installed pages, mapped into it (file rss): badness
    // 192 + 2 page-table pages + 1000 × 32; all 192 come back with its Binder state.
    expect(app).toMatchObject({ comm: 'app', anonRssPages: 0, fileRssPages: 192, badness: 192 + 2 + 32_000, pagesFreed: 192 });
    expect(r.binder.procs.find((p) => p.name === 'app')).toMatchObject({ dead: true, pages: { active: 0, lru: 0 } });
    expect(r.binder.procs.find((p) => p.name === 'server')).toMatchObject({ dead: false, pages: { active: 128 } });
    // 192 pages did not satisfy the hog for long: it was the next worst (adj 0 beats nothing).
    expect(kills[1]).toMatchObject({ comm: 'memhog', oomScoreAdj: 0 });
    expect(r.vmstat?.oom_kill).toBe(2n);
  });

  it('GFP_NOFS allocations never kill (out_of_memory does not compensate for IO-less reclaim)', () => {
    const text = HOG_VS_SERVER.replace('oom_score_adj: 1000 }', 'oom_score_adj: 1000, gfp: GFP_NOFS }')
      .split('\n')
      .filter((l) => !l.includes('bg_app'))
      .join('\n');
    const r = runScenario(loadScenarioText(text, 'nofs.yaml'));
    expect(r.oomKills).toBeUndefined();
    expect(r.vmstat?.oom_kill).toBe(0n);
    expect(r.memory.allocFailures).toBeGreaterThan(0);
  });
});

describe('scenarios/oom-binder.yaml (the p7 mirror)', () => {
  it('kills the hog alone, spares the -1000 server, frees all 451 Binder LRU pages first, and its trace conforms', () => {
    const r = runScenario(loadScenarioFile(join(import.meta.dirname, '..', '..', 'scenarios', 'oom-binder.yaml')), { collectTrace: true });
    const kills = r.oomKills ?? [];
    expect(kills.map((k) => `${k.comm}-${k.pid}`)).toEqual(['memhog-289']);
    // 512 MiB, no swap: totalpages 131072, 1000 × 131 = 131000 on top of rss + page tables.
    expect(kills[0]!.badness).toBe(kills[0]!.anonRssPages + pgtablePagesFor(kills[0]!.anonRssPages) + 131_000);
    expect(r.binder.procs.map((p) => [p.name, p.dead, p.pages.lru, p.pages.active])).toEqual([
      ['server', false, 0, 0],
      ['client', false, 0, 0],
    ]);
    // 436 + 15 pages were on the Binder LRU; the shrinker freed every one before the kill.
    expect(r.shrinkers.find((s) => s.name === 'android-binder')!.freed).toBe(451n);
    const text = r.traceText ?? '';
    const markAt = text.indexOf(' mark_victim: pid=289 comm=memhog ');
    expect(markAt).toBeGreaterThan(0);
    expect(text.lastIndexOf('binder_unmap_user_end', markAt)).toBeGreaterThan(0);
    const report = analyse([collectLines('oom-binder.trace', text.split('\n'))]);
    expect(report.totals.pairs).toBeGreaterThan(0);
    expect(report.totals.mismatched).toBe(0);
  });
});
