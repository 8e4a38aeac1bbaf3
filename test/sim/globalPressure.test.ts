/**
 * scenarios/global-pressure.yaml against the shape of global pressure on a real 6.12 kernel
 * (MGLRU on): shrink_slab calls at priority 6 ×130 from kswapd, 12 ×77 from GFP_NOFS direct
 * reclaim, 5 ×8; 60 % / 36 % / 4 %. The numbers asserted here come from the kernel's rules:
 * set_initial_priority clamps kswapd's first pass to [DEF_PRIORITY / 2, DEF_PRIORITY] and leaves
 * direct reclaim (nr_to_reclaim SWAP_CLUSTER_MAX < MIN_LRU_BATCH) at DEF_PRIORITY; a call whose
 * total_scan stays under the batch scans nothing and defers min(nr + delta, 2 * freeable).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import type { Recorder, SimEvent } from '../../src/sim/recorder.js';
import { createSimulation, runScenario, runSimulation } from '../../src/sim/run.js';
import { collectLines } from '../../src/trace/conform/collect.js';
import { analyse } from '../../src/trace/conform/analyse.js';
import { reclaimFsAllowed } from '../../src/mm/gfp.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'global-pressure.yaml');

interface Call {
  comm: string;
  priority: number;
  fs: boolean;
  symbol: string;
  nr: bigint;
  freeable: bigint;
  delta: bigint;
  totalScan: bigint;
  newScan: bigint | null;
  /** Index of the kswapd wake this call belongs to (-1 before any). */
  wake: number;
}

function run(seed: number): Call[] {
  const calls: Call[] = [];
  const open: Call[] = [];
  let wakes = -1;
  const rec: Recorder = {
    name: 'gp',
    kinds: ['kswapd_wake', 'shrink_slab_start', 'shrink_slab_end'],
    on(e: SimEvent) {
      if (e.kind === 'kswapd_wake') wakes++;
      else if (e.kind === 'shrink_slab_start') {
        const s = e.start;
        const c: Call = {
          comm: e.task.comm,
          priority: s.priority,
          fs: reclaimFsAllowed(s.gfpFlags),
          symbol: s.shr.symbol,
          nr: BigInt(s.nrObjectsToShrink),
          freeable: BigInt(s.cacheItems),
          delta: BigInt(s.delta),
          totalScan: BigInt(s.totalScan),
          newScan: null,
          wake: wakes,
        };
        calls.push(c);
        open.push(c);
      } else if (e.kind === 'shrink_slab_end') {
        const c = open.pop();
        if (c) c.newScan = BigInt(e.end.newScan);
      }
    },
  };
  const sim = createSimulation({ ...loadScenarioFile(FILE), seed }, [rec]);
  runSimulation(sim);
  return calls;
}

describe('global pressure on 6.12: kswapd at MGLRU priority 6, GFP_NOFS direct reclaim at 12', () => {
  const calls = run(1);
  const kswapd = calls.filter((c) => c.comm === 'kswapd0');
  const direct = calls.filter((c) => c.comm === 'dd');

  it('has both reclaimers, and nobody else calls the shrinkers', () => {
    expect(kswapd.length).toBeGreaterThan(0);
    expect(direct.length).toBeGreaterThan(0);
    expect(kswapd.length + direct.length).toBe(calls.length);
  });

  it("kswapd: every wake's first pass at 6 (clamped by set_initial_priority), never above 6", () => {
    for (const c of kswapd) expect(c.priority).toBeLessThanOrEqual(6);
    const firstOfWake = new Map<number, number>();
    for (const c of kswapd) if (!firstOfWake.has(c.wake)) firstOfWake.set(c.wake, c.priority);
    expect(firstOfWake.size).toBeGreaterThan(10);
    for (const p of firstOfWake.values()) expect(p).toBe(6);
    for (const c of kswapd) expect(c.fs).toBe(true);
  });

  it('direct reclaim: always DEF_PRIORITY 12, always without __GFP_FS (dd writes in GFP_NOFS context)', () => {
    for (const c of direct) {
      expect(c.priority).toBe(12);
      expect(c.fs).toBe(false);
    }
  });

  it("the priority mix has the kernel's shape (60 % at 6, 36 % at 12, 4 % at 5)", () => {
    const share = (p: number) => calls.filter((c) => c.priority === p).length / calls.length;
    expect(share(6)).toBeGreaterThan(0.5);
    expect(share(6)).toBeLessThan(0.7);
    expect(share(12)).toBeGreaterThan(0.26);
    expect(share(12)).toBeLessThan(0.46);
    expect(share(5)).toBeGreaterThan(0);
    expect(share(5)).toBeLessThan(0.1);
    expect(share(6) + share(12) + share(5)).toBeGreaterThan(0.97);
  });

  it('under GFP_NOFS the superblock shrinker scans nothing and defers min(nr + delta, 2 * freeable)', () => {
    const sb = direct.filter((c) => c.symbol.startsWith('super_cache_scan'));
    expect(sb.length).toBeGreaterThan(0);
    for (const c of sb) {
      // delta = (freeable >> 12) * 4 / seeks(2); total_scan under the batch of 1024.
      expect(c.delta).toBe(((c.freeable >> 12n) * 4n) / 2n);
      expect(c.totalScan).toBeLessThan(1024n);
      const want = c.nr + c.delta < 2n * c.freeable ? c.nr + c.delta : 2n * c.freeable;
      expect(c.newScan).toBe(want);
    }
    // kswapd (GFP_KERNEL) takes the backlog the NOFS calls built: its calls start with more.
    const maxNr = (xs: Call[]) => xs.reduce((m, c) => (c.nr > m ? c.nr : m), 0n);
    expect(maxNr(kswapd.filter((c) => c.symbol.startsWith('super_cache_scan')))).toBeGreaterThan(1024n);
  });

  it("Binder's pages survive: its work per call stays under its batch of 128 (all deferred)", () => {
    const binder = calls.filter((c) => c.symbol.startsWith('binder_shrink_scan'));
    expect(binder.length).toBeGreaterThan(0);
    for (const c of binder) expect(c.totalScan).toBeLessThan(128n);
  });

  it('its trace passes conform, every pair exact', () => {
    const res = runScenario(loadScenarioFile(FILE), { collectTrace: true });
    const t = analyse([collectLines('gp.txt', (res.traceText ?? '').split('\n'))]).totals;
    expect(t.pairs).toBe(calls.length);
    expect(t.exact).toBe(t.pairs);
  });

  it('over other seeds the reclaimers keep their priorities', () => {
    for (const seed of [2, 3, 4]) {
      const cs = run(seed);
      for (const c of cs) {
        if (c.comm === 'dd') expect(c.priority).toBe(12);
        else expect(c.priority).toBeLessThanOrEqual(6);
      }
    }
  });
});
