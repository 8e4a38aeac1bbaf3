/**
 * Binder pages a shrinker frees come back to the free pool but are no reclaim progress:
 * binder_alloc_free_page hands each one back with a bare __free_page(), and reclaim_state only
 * counts slab pages, pruned inodes' pages and XFS buffers (mm/vmscan.c flush_reclaim_state,
 * 6.12; reclaimed_slab on 6.1). So a reclaim call whose only progress is Binder's ends with
 * nr_reclaimed 0, as p4's third memory.reclaim call and p7's direct reclaims do.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../src/mm/gfp.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import type { Recorder, SimEvent } from '../../src/sim/recorder.js';
import { createSimulation, runSimulation } from '../../src/sim/run.js';

const SCENARIO = (kernel: string) => `
name: binder-credit
kernel: "${kernel}"
duration: 1s
shrinkers: []
memory: {total: 256MiB, page_cache: 0, anon: 100MiB, swap: 0}
binder:
  procs: [{name: app, mmap: 1MiB}]
script:
  # 200 pages onto the Binder LRU, then one root memory.reclaim of 1 MiB.
  - alloc: {proc: app, buffer: b, data: 819200B}
  - free: {proc: app, buffer: b}
  - memory_reclaim: {amount: 1MiB}
`;

describe('Binder pages are not reclaim progress', () => {
  it.each(['6.1', '6.12'])('%s: the shrinker frees them, free memory grows, nr_reclaimed stays 0', (kernel) => {
    const ends: number[] = [];
    const rec: Recorder = {
      name: 'credit',
      kinds: ['vmscan_end'],
      on(e: SimEvent) {
        if (e.kind === 'vmscan_end') ends.push(e.nrReclaimed);
      },
    };
    const sim = createSimulation(loadScenarioText(SCENARIO(kernel), 'credit.yaml'), [rec]);
    const m = sim.machine;
    runSimulation(sim);
    // The Binder LRU was emptied by the reclaim calls (priorities down to 0)...
    expect(m.binder.system.lruCount()).toBe(0);
    // ...and every call reported no progress: 1 + MAX_RECLAIM_RETRIES (16) calls, then EAGAIN.
    expect(ends.length).toBe(17);
    expect(ends.every((n) => n === 0)).toBe(true);
  });

  it('one shrink_slab: its outcome credits slab pages only and reports Binder pages apart', () => {
    const sim = createSimulation(loadScenarioText(SCENARIO('6.12').replace(/  - memory_reclaim.*\n/, ''), 'credit.yaml'), []);
    runSimulation(sim);
    const m = sim.machine;
    const before = m.nodes[0]!.free;
    const out = m.shrinkSlab('shrink_slab', { comm: 'sh', pid: 9, cpu: 0 }, GFP_KERNEL, 0, null, 0);
    expect(out.slabPagesFreed).toBe(0);
    expect(out.binderPagesFreed).toBe(200);
    expect(m.nodes[0]!.free - before).toBe(200);
  });
});
