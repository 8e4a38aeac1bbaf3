/**
 * The machine's operations, driven directly (no generators, no script), with expected numbers
 * from the kernel's rules; and the recorder interface: what a recorder sees agrees with the
 * statistics, and a run with no recorder attached reaches the same end state.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../src/mm/gfp.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import type { Recorder, SimEvent, SimEventKind } from '../../src/sim/recorder.js';
import { SIM_EVENT_KINDS } from '../../src/sim/recorder.js';
import { StatisticsRecorder } from '../../src/sim/recorders/statistics.js';
import { createSimulation, runScenario, runSimulation } from '../../src/sim/run.js';
import { RunLimitError } from '../../src/util/limits.js';
import { BUSY } from './run.fixtures.js';

const TASK = { comm: 'tester', pid: 42, cpu: 0 };

/** 512 MiB, one seeks=0 cache counting a fixed 1000 objects, one C Binder process. */
const SMALL = `
name: small
kernel: "6.12"
seed: 1
memory: { total: 512MiB, page_cache: 100MiB, anon: 50MiB }
shrinkers:
  - { name: rcu-kfree, kind: seeks0, count: { source: fixed, objects: 1000 } }
binder:
  procs: [{ name: server, mmap: 1MiB }]
`;

const machineOf = (text: string, recorders: Recorder[] = []) => createSimulation(loadScenarioText(text, 'test'), recorders).machine;

class Counter implements Recorder {
  readonly name = 'counter';
  readonly kinds: readonly SimEventKind[] = SIM_EVENT_KINDS;
  readonly counts = new Map<SimEventKind, number>();
  on(e: SimEvent): void {
    this.counts.set(e.kind, (this.counts.get(e.kind) ?? 0) + 1);
  }
  n(k: SimEventKind): number {
    return this.counts.get(k) ?? 0;
  }
}

describe('Machine operations', () => {
  it('allocate takes pages from a node, release gives them back', () => {
    const m = machineOf(SMALL);
    const free0 = m.node0.free;
    expect(m.allocate('file', 100, GFP_KERNEL, TASK)).toEqual({ ok: true });
    expect(m.node0.free).toBe(free0 - 100);
    expect(m.release('pagecache', 40)).toBe(40);
    expect(m.node0.free).toBe(free0 - 60);
  });

  it('shrink_slab on a seeks=0 cache: total_scan = freeable/2, scanned in batches of 128, the rest deferred', () => {
    const m = machineOf(SMALL);
    expect(m.shrinkers.map((e) => e.view.name)).toEqual(['rcu-kfree', 'android-binder']);
    // do_shrink_slab: delta = 1000/2 = 500; batches of SHRINK_BATCH while total_scan ≥ 128:
    // 3 × 128 = 384 scanned (and freed: a fixed count frees what it is asked); 500 − 384 = 116
    // goes back to nr_deferred. Binder's LRU is empty: count 0, not called.
    const r = m.shrinkSlab('shrink_slab', TASK, GFP_KERNEL, 0, null, 12);
    expect(r.freed).toBe(384n);
    expect(m.registry.totalDeferred(m.shrinkers[0]!.view)).toBe(116n);
  });

  it('drop_caches 1 drops the unmapped page cache and frees exactly those pages', () => {
    const m = machineOf(SMALL);
    const free0 = m.node0.free;
    const file0 = m.node0.file;
    const r = m.dropCaches(1, TASK);
    expect(r.pageCacheDropped).toBe(file0 - m.node0.file);
    expect(r.pageCacheDropped).toBeGreaterThan(0);
    expect(m.node0.free).toBe(free0 + r.pageCacheDropped);
  });

  it('Binder: a 12 KiB transaction installs 3 pages charged to node 0; freed, they stay installed on the LRU; drop_caches 2 reclaims them', () => {
    const m = machineOf(SMALL);
    const sys = m.binder.system;
    const free0 = m.node0.free;
    const proc = sys.procIndex('server');
    const b = m.binder.transact(proc, 3 * 4096, 0, false, TASK);
    expect(b).not.toBeNull();
    expect(sys.installedPages).toBe(3);
    expect(m.node0.get('binder')).toBe(3);
    expect(m.node0.free).toBe(free0 - 3);
    expect(m.binder.free(proc, b!, TASK)).toEqual({ ok: true });
    expect(sys.lruCount()).toBe(3);
    expect(m.binder.free(proc, b!, TASK)).toEqual({ ok: false, error: 'ENOENT' });
    m.dropCaches(2, TASK);
    expect(sys.installedPages).toBe(0);
    expect(m.node0.get('binder')).toBe(0);
    expect(m.node0.free).toBe(free0);
  });

  it('the running count of installed Binder pages equals the sum over processes after a busy run', () => {
    const sim = createSimulation(loadScenarioText(BUSY, 'busy'), []);
    runSimulation(sim);
    const sys = sim.machine.binder.system;
    const sum = sys.procs.reduce((s, p) => s + p.pages.counts().active + p.pages.counts().lru, 0);
    expect(sum).toBeGreaterThan(0);
    expect(sys.installedPages).toBe(sum);
  });
});

/** Both drivers, traffic, lock holders, two process deaths, a scripted buffer and drop_caches 3. */
const DEATHS = `
name: deaths
seed: 5
kernel: "6.12"
duration: 3s
sample: 100ms
memory: { total: 192MiB, page_cache: 110MiB, anon: 60MiB, swap: 32MiB }
binder:
  procs:
    - { name: a, mmap: 1MiB }
    - { name: r, mmap: 2MiB, driver: rust }
    - { name: c2, mmap: 512KiB }
workload:
  binder:
    - { proc: a, rate: 2000/s, data: { dist: log-uniform, min: 16B, max: 128KiB }, hold: { dist: exponential, mean: 30ms }, oneway: 0.3 }
    - { proc: r, rate: 800/s, data: { dist: uniform, min: 1KiB, max: 64KiB }, hold: 40ms }
    - { proc: c2, burst: { every: 300ms, count: 30, gap: 1ms }, data: 8KiB, hold: 100ms }
  memory:
    - { pool: pagecache, rate: 40MiB/s, release: 10MiB/s }
  locks:
    - { proc: a, lock: mmap, rate: 100/s, hold: 3ms }
  deaths:
    - { proc: c2, at: 1500ms }
    - { proc: r, at: 2200ms }
script:
  - advance: { by: 1s }
  - alloc: { proc: a, buffer: mine, data: 20KiB }
  - drop_caches: { mode: 3 }
  - advance: { by: 1s }
  - free: { proc: a, buffer: mine }
  - advance: { by: 1s }
`;

describe('Binder page accounting across deaths and both drivers', () => {
  it('installed pages (running count) = sum over processes = what node 0 holds for Binder; dead processes hold none', () => {
    const sim = createSimulation(loadScenarioText(DEATHS, 'deaths'), []);
    runSimulation(sim);
    const sys = sim.machine.binder.system;
    const sum = sys.procs.reduce((s, p) => s + p.pages.counts().active + p.pages.counts().lru, 0);
    expect(sys.installedPages).toBe(sum);
    expect(sim.machine.node0.get('binder')).toBe(sum);
    expect(sys.procs.filter((p) => !p.mmAlive).map((p) => [p.name, p.pages.counts().free === p.pages.nrPages])).toEqual([
      ['r', true],
      ['c2', true],
    ]);
  });
});

describe('recorders', () => {
  it('a recorder counting every event sees what the statistics and the result report', () => {
    const resolved = loadScenarioText(BUSY, 'busy');
    const counter = new Counter();
    const stats = new StatisticsRecorder(resolved.kernel);
    const sim = createSimulation(resolved, [stats, counter]);
    runSimulation(sim);
    // The same recorder attached to runScenario sees the same events.
    const again = new Counter();
    const result = runScenario(resolved, { recorders: [again] });
    expect(again.counts).toEqual(counter.counts);
    expect(counter.n('kswapd_wake')).toBe(stats.mem.kswapdWakeups);
    expect(counter.n('kswapd_wake')).toBe(result.memory.kswapdWakeups);
    expect(counter.n('kswapd_wake')).toBeGreaterThan(0);
    expect(counter.n('shrink_slab_start')).toBe(result.events['mm_shrink_slab_start'] ?? 0);
    expect(counter.n('alloc_failure')).toBe(result.memory.allocFailures);
    expect(counter.n('sample')).toBe(result.series.length);
    const allocs = result.binder.procs.reduce((s, p) => s + p.allocations + Object.values(p.allocFailures).reduce((a, b) => a + b, 0), 0);
    expect(counter.n('binder_alloc')).toBe(allocs);
    expect(counter.n('reclaim_pass')).toBe(result.reclaim.reduce((s, r) => s + r.passes, 0));
  });

  it('with no recorder attached the run reaches the same end state', () => {
    const resolved = loadScenarioText(BUSY, 'busy');
    const sim = createSimulation(resolved, []);
    runSimulation(sim);
    const bare = sim.machine.endState();
    const result = runScenario(resolved);
    expect(bare.end).toEqual(result.memory.end);
    expect(bare.simulatedNs).toBe(result.simulatedNs);
    expect(bare.shrinkers.map((s) => s.deferredEnd)).toEqual(result.shrinkers.map((s) => s.deferredEnd));
    expect(bare.procs.map((p) => p.pages)).toEqual(result.binder.procs.map((p) => p.pages));
  });
});

describe('run limits', () => {
  const resolved = () => loadScenarioText(BUSY, 'busy');
  const errorOf = (f: () => unknown): RunLimitError => {
    try {
      f();
    } catch (e) {
      if (e instanceof RunLimitError) return e;
      throw e;
    }
    throw new Error('no RunLimitError');
  };

  it('events: stops as soon as the loop pops one more than the limit, naming the simulated time', () => {
    const e = errorOf(() => runScenario(resolved(), { limits: { events: 100 } }));
    expect(e.limit).toBe('events');
    expect(e.max).toBe(100);
    expect(e.message).toMatch(/^the run \(at \d+\.\d{3} s simulated\): exceeds the limit of 100 events \(raise it with --max-events N/);
  });

  it('samples: 3 s at 250 ms is 13 samples (0 … 3 s); a limit of 12 stops the run, 13 does not', () => {
    expect(errorOf(() => runScenario(resolved(), { limits: { samples: 12 } })).limit).toBe('samples');
    expect(runScenario(resolved(), { limits: { samples: 13 } }).series).toHaveLength(13);
  });

  it('trace lines: counted only when lines are kept', () => {
    const free = runScenario(resolved(), { limits: { traceLines: 10 } });
    expect(free.traceText).toBeUndefined();
    const e = errorOf(() => runScenario(resolved(), { collectTrace: true, limits: { traceLines: 10 } }));
    expect(e.limit).toBe('traceLines');
  });
});
