/**
 * The bundled memcg-limit scenario (scenarios/memcg-limit.yaml) against the kernel's rules and
 * the shape of the real p3 phase (../shared/traces/linux-6.12.95/trace_p3_memcg.txt.gz): 1,020
 * charge-triggered reclaims of the child memcg `rk`, every one with gfp
 * GFP_NOFS|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_NORETRY|__GFP_HARDWALL|__GFP_MOVABLE, 1,018 of them
 * reclaiming 64 pages; every shrink_slab on rk's memcg; the superblock shrinkers return
 * SHRINK_STOP without __GFP_FS, so rk's deferred slot of a seeks-0 cache of 9,926 objects reads
 * 4963, 9926, 14889, 19852, 19852 … (next_deferred = min(nr + delta, 2 × freeable)).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatGfp } from '../../src/mm/gfp.js';
import type { MemcgRef } from '../../src/mm/shrinker/types.js';
import type { ShrinkSlabCall, ShrinkSlabFn } from '../../src/mm/reclaim/scanControl.js';
import { MIN_LRU_BATCH } from '../../src/mm/reclaim/constants.js';
import { loadScenarioFile, loadScenarioText } from '../../src/scenario/load.js';
import type { Recorder, SimEvent } from '../../src/sim/recorder.js';
import { createSimulation, runScenario, runSimulation } from '../../src/sim/run.js';
import { analyse } from '../../src/trace/conform/analyse.js';
import { collectLines } from '../../src/trace/conform/collect.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'memcg-limit.yaml');
const P3_RECLAIMS = 1020;
const P3_GFP = 'GFP_NOFS|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_NORETRY|__GFP_HARDWALL|__GFP_MOVABLE';

function run() {
  const begins: string[] = [];
  const ends: number[] = [];
  const newScan = new Map<string, bigint[]>();
  const rec: Recorder = {
    name: 'p3',
    kinds: ['vmscan_begin', 'vmscan_end', 'shrink_slab_end'],
    on(e: SimEvent) {
      if (e.kind === 'vmscan_begin' && e.path === 'memcg') begins.push(formatGfp(e.gfpMask));
      else if (e.kind === 'vmscan_end' && e.path === 'memcg') ends.push(e.nrReclaimed);
      else if (e.kind === 'shrink_slab_end') {
        const k = e.end.shr.ptr;
        newScan.set(k, [...(newScan.get(k) ?? []), BigInt(e.end.newScan)]);
      }
    },
  };
  const sim = createSimulation(loadScenarioFile(FILE), [rec]);
  const memcgs: (MemcgRef | null)[] = [];
  const priorities: number[] = [];
  const deps = sim.machine.deps as { shrinkSlab: ShrinkSlabFn };
  const inner = deps.shrinkSlab.bind(deps);
  deps.shrinkSlab = (c: ShrinkSlabCall) => {
    memcgs.push(c.memcg);
    priorities.push(c.priority);
    return inner(c);
  };
  runSimulation(sim);
  const m = sim.machine;
  const rk = m.memcgByName.get('rk');
  const ptrOf = (name: string): string => m.shrinkers[m.findShrinker(name)]?.view.traceRef.ptr ?? '';
  return { m, rk, begins, ends, memcgs, priorities, newScan, ptrOf };
}

describe('memcg-limit (p3 mirror)', () => {
  const r = run();
  const counter = r.m.charges.counter(r.rk ?? null);

  it('reclaims rk at its limit in the charging GFP_NOFS context, as often as p3 to an order of magnitude', () => {
    expect(counter).toBeDefined();
    const n = r.begins.length;
    expect(n).toBe(counter?.events.reclaims);
    expect(n).toBeGreaterThan(P3_RECLAIMS / 10);
    expect(n).toBeLessThan(P3_RECLAIMS * 10);
    expect(new Set(r.begins)).toEqual(new Set([P3_GFP]));
    // Each reclaim ends with one MGLRU batch, as 1,018 of p3's 1,020 do.
    expect(new Set(r.ends)).toEqual(new Set([MIN_LRU_BATCH]));
    // The charge never passes memory.max (32 MiB = 8192 pages), and reclaim kept it near it.
    expect(counter?.usage()).toBeLessThanOrEqual(8192);
    expect(counter?.usage()).toBeGreaterThan(8192 - MIN_LRU_BATCH);
    expect(counter?.events.oom).toBe(0);
  });

  it('every shrink_slab of the run is on rk (the walk of its subtree), none on the root', () => {
    expect(r.memcgs.length).toBe(4 * r.begins.length);
    expect(r.memcgs.every((m) => m === r.rk)).toBe(true);
  });

  it("each reclaim walks priorities 12, 11, 10, 9 like p3's: rk's 742 LRU pages >> priority first reach 1 at 9", () => {
    // 8192 pages of max - 7450 slab pages (objects / objects_per_page) = 742; 742 >> 9 = 1.
    expect(r.priorities).toEqual(Array.from({ length: r.begins.length }, () => [12, 11, 10, 9]).flat());
  });

  it("rk's deferred work grows by delta per SHRINK_STOP call up to 2 × freeable, as in p3", () => {
    // sb-b: seeks 0, 9926 objects in rk: delta = 9926 / 2 = 4963 per call, cap 19852.
    const b = r.newScan.get(r.ptrOf('sb-b')) ?? [];
    expect(b.slice(0, 6)).toEqual([4963n, 9926n, 14889n, 19852n, 19852n, 19852n]);
    // sb-a: seeks 2, 10965 objects: delta = (10965 >> p) * 4 / 2 = 4, 10, 20, 42 at 12 … 9,
    // all below the batch, so nothing is scanned and all of it is deferred: 4, 14, 34, 76 as
    // p3's first four calls, 76 more per reclaim, capped at 21930 (p3's last value).
    const a = r.newScan.get(r.ptrOf('sb-a')) ?? [];
    expect(a.length).toBe(4 * r.begins.length);
    const perReclaim = [4, 10, 20, 42];
    let d = 0;
    a.forEach((v, i) => {
      d = Math.min(d + (perReclaim[i % 4] as number), 2 * 10965);
      expect(v).toBe(BigInt(d));
    });
    expect(a.slice(0, 4)).toEqual([4n, 14n, 34n, 76n]);
    expect(a.at(-1)).toBe(21930n);
    // The deferred counts live in rk's slot, not in the root's (memcg-aware shrinkers).
    const id = r.m.shrinkers[r.m.findShrinker('sb-b')]?.reg.core.id ?? -1;
    expect(r.rk?.info(0).getDeferred(id)).toBe(19852n);
    expect(r.m.memcgs.root.info(0).getDeferred(id)).toBe(0n);
  });

  it('its trace prints mm_vmscan_memcg_reclaim_begin/end and passes conform; the result lists rk with its memory.events', () => {
    const res = runScenario(loadScenarioFile(FILE), { collectTrace: true });
    expect(res.memcgs).toEqual([
      { name: 'rk', maxPages: 8192, usagePages: counter?.usage(), events: { max: r.begins.length, high: 0, oom: 0, oomKill: 0, reclaims: r.begins.length, reclaimed: 64 * r.begins.length } },
    ]);
    const text = res.traceText ?? '';
    expect(text.split('\n').filter((l) => l.includes(`mm_vmscan_memcg_reclaim_begin: order=0 gfp_flags=${P3_GFP}`)).length).toBe(r.begins.length);
    const t = analyse([collectLines('sim.txt', text.split('\n'))]).totals;
    expect(t.mismatched).toBe(0);
    expect(t.pairs).toBe(16 * r.begins.length);
  });
});

describe('the allocate step charges its memcg', () => {
  it('a second 200-page allocate into a 256-page memory.max reclaims the memcg first, and succeeds', () => {
    const text = [
      'kernel: "6.12"',
      'memory: {total: 256MiB, page_cache: 8MiB, anon: 8MiB, mglru: true}',
      'memcgs: [{name: rk, max: 1MiB}]',
      'shrinkers: []',
      'script:',
      '  - allocate: {pool: pagecache, amount: 200 pages, memcg: rk, task: {comm: dd, pid: 214}}',
      '  - allocate: {pool: pagecache, amount: 200 pages, memcg: rk, task: {comm: dd, pid: 214}}',
    ].join('\n');
    const sim = createSimulation(loadScenarioText(text, 'x.yaml'), []);
    runSimulation(sim);
    const c = sim.machine.charges.counter(sim.machine.memcgByName.get('rk') ?? null);
    const ev = c?.events;
    expect(ev?.max).toBeGreaterThanOrEqual(1);
    // try_charge_memcg retries until the margin holds the 200 pages: usage ≤ 256 - 200 before it.
    expect(400 - (ev?.reclaimed ?? 0)).toBe(c?.usage());
    expect(c?.usage()).toBeLessThanOrEqual(256);
    expect(ev?.reclaimed).toBeGreaterThanOrEqual(144);
    expect(ev?.oom).toBe(0);
  });
});

describe('memcg OOM', () => {
  it('an anonymous hog at its memcg limit, no swap: 18 reclaims, then the OOM killer kills it (the only task in the memcg)', () => {
    const text = [
      'kernel: "6.12"',
      'memory: {total: 256MiB, page_cache: 8MiB, anon: 8MiB, mglru: true}',
      'memcgs: [{name: rk, max: 4MiB}]',
      'shrinkers: []',
      'workload:',
      '  memory:',
      '    - {name: hog, pool: anon, rate: 64MiB/s, chunk: 64KiB, until: 500ms, memcg: rk, task: {comm: hog, pid: 300}}',
      '    - {name: other, pool: anon, rate: 1MiB/s, until: 500ms, task: {comm: other, pid: 301}}',
      'duration: 500ms',
    ].join('\n');
    const sim = createSimulation(loadScenarioText(text, 'x.yaml'), []);
    runSimulation(sim);
    const m = sim.machine;
    const c = m.charges.counter(m.memcgByName.get('rk') ?? null);
    expect(m.oom.kills.map((k) => k.pid)).toEqual([300]);
    expect(c?.events).toMatchObject({ oom: 1, oomKill: 1, reclaims: 18, reclaimed: 0 });
    // Its anonymous pages left the memcg with it.
    expect(c?.usage()).toBe(0);
  });
});
