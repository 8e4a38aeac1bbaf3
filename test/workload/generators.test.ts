import { describe, expect, it } from 'vitest';
import { GFP_NOFS } from '../../src/mm/gfp.js';
import type { BinderTrafficGen, LockContentionGen, MemoryPressureGen } from '../../src/scenario/types.js';
import { binderTraffic } from '../../src/workload/binderTraffic.js';
import { createGenerators, GENERATOR_KINDS } from '../../src/workload/registry.js';
import { lockContention } from '../../src/workload/lockContention.js';
import { memoryPressure } from '../../src/workload/memoryPressure.js';
import { procDeath } from '../../src/workload/procDeath.js';
import { runGenerators } from './fakeCtx.js';

const S = 1_000_000_000;
const task = { comm: 'client', pid: 300, cpu: 1 };

const traffic = (over: Partial<BinderTrafficGen> = {}): BinderTrafficGen => ({
  kind: 'binderTraffic',
  name: 'bt',
  proc: 'server',
  arrivals: { kind: 'poisson', rate: 1000 },
  data: { dist: 'fixed', bytes: 4096 },
  offsets: { dist: 'fixed', bytes: 0 },
  oneway: 0,
  hold: { dist: 'fixed', ns: 5_000_000 },
  task,
  from: 0,
  until: S,
  ...over,
});

describe('binderTraffic', () => {
  it('Poisson arrivals: about rate × window transactions, each freed after its hold time', () => {
    const calls = runGenerators([binderTraffic(traffic())], 2 * S);
    const allocs = calls.filter((c) => c.verb === 'binderAlloc');
    const frees = calls.filter((c) => c.verb === 'binderFree');
    // 1000/s for 1 s: Poisson with mean 1000, sd ≈ 32
    expect(allocs.length).toBeGreaterThan(900);
    expect(allocs.length).toBeLessThan(1100);
    expect(frees.length).toBe(allocs.length);
    const firstFree = frees[0];
    expect(firstFree && firstFree.t - (allocs[0]?.t ?? 0)).toBe(5_000_000);
    expect(allocs.every((c) => c.t >= 0 && c.t < S)).toBe(true);
    expect(allocs[0]?.args).toEqual(['server', { data: 4096, offsets: 0, oneway: false }, task]);
    // each free releases the buffer its allocation returned
    expect(frees.map((c) => c.args[1])).toEqual(expect.arrayContaining(allocs.map((_, i) => ({ id: i }))));
  });

  it('snapshots name the live buffers <name>#<seq>: those allocated within the last hold time', () => {
    let names: string[] = [];
    // 5 ms holds, stopped at 12.5 ms of a burst of one every 1 ms from 0: buffers 8..12 are live.
    runGenerators([binderTraffic(traffic({ arrivals: { kind: 'burst', period: 0, count: 20, gap: 1_000_000 } }))], 12_500_000, 1, {
      onLabels: (f) => {
        names = f('server');
      },
    });
    expect([...names].sort()).toEqual(['bt#10', 'bt#11', 'bt#12', 'bt#8', 'bt#9']);
  });

  it('bursts: count transactions gap apart, every period, within the window', () => {
    const calls = runGenerators(
      [binderTraffic(traffic({ arrivals: { kind: 'burst', period: 100_000_000, count: 3, gap: 1_000_000 }, from: 50_000_000, until: 260_000_000 }))],
      S,
    );
    expect(calls.filter((c) => c.verb === 'binderAlloc').map((c) => c.t / 1e6)).toEqual([50, 51, 52, 150, 151, 152, 250, 251, 252]);
  });

  it('size distributions stay within bounds; offsets are pointer-aligned; oneway follows its fraction', () => {
    const calls = runGenerators(
      [
        binderTraffic(
          traffic({
            data: { dist: 'log-uniform', min: 16, max: 262_144 },
            offsets: { dist: 'uniform', min: 0, max: 100 },
            oneway: 0.25,
          }),
        ),
      ],
      S,
    );
    const reqs = calls.filter((c) => c.verb === 'binderAlloc').map((c) => c.args[1] as { data: number; offsets: number; oneway: boolean });
    expect(reqs.every((r) => r.data >= 16 && r.data <= 262_144 && r.offsets % 8 === 0 && r.offsets <= 100)).toBe(true);
    const oneway = reqs.filter((r) => r.oneway).length / reqs.length;
    expect(oneway).toBeGreaterThan(0.18);
    expect(oneway).toBeLessThan(0.32);
    // log-uniform: about half the draws below the geometric middle (2048)
    const small = reqs.filter((r) => r.data < 2048).length / reqs.length;
    expect(small).toBeGreaterThan(0.4);
    expect(small).toBeLessThan(0.6);
  });

  it('empirical histogram: sizes land in the weighted buckets', () => {
    const calls = runGenerators(
      [binderTraffic(traffic({ data: { dist: 'empirical', buckets: [{ bytes: 100, weight: 3 }, { bytes: 8192, weight: 1 }] } }))],
      S,
    );
    const sizes = calls.filter((c) => c.verb === 'binderAlloc').map((c) => (c.args[1] as { data: number }).data);
    const low = sizes.filter((s) => s <= 100).length / sizes.length;
    expect(low).toBeGreaterThan(0.68);
    expect(low).toBeLessThan(0.82);
    expect(sizes.every((s) => s >= 1 && s <= 8192)).toBe(true);
  });

  it('changing the size distribution does not move arrival times (separate streams)', () => {
    const times = (d: BinderTrafficGen['data']) =>
      runGenerators([binderTraffic(traffic({ data: d }))], S)
        .filter((c) => c.verb === 'binderAlloc')
        .map((c) => c.t);
    expect(times({ dist: 'uniform', min: 1, max: 100 })).toEqual(times({ dist: 'fixed', bytes: 8 }));
  });

  it('same seed ⇒ same calls; another seed ⇒ other calls', () => {
    const a = runGenerators([binderTraffic(traffic())], S, 1);
    expect(runGenerators([binderTraffic(traffic())], S, 1)).toEqual(a);
    expect(runGenerators([binderTraffic(traffic())], S, 2)).not.toEqual(a);
  });
});

describe('memoryPressure', () => {
  const mp = (over: Partial<MemoryPressureGen> = {}): MemoryPressureGen => ({
    kind: 'memoryPressure',
    name: 'mp',
    pool: 'pagecache',
    rate: 3200,
    release: 0,
    chunk: 32,
    gfp: { mask: GFP_NOFS, text: 'GFP_NOFS' },
    memcg: 'root',
    task: { comm: 'writer', pid: 9, cpu: 0 },
    from: 0,
    until: S,
    ...over,
  });

  it('allocates chunk pages at rate/chunk per second, in the task’s gfp context', () => {
    const calls = runGenerators([memoryPressure(mp())], 2 * S).filter((c) => c.verb === 'allocate');
    // 3200 pages/s in chunks of 32: ≈ 100 allocations
    expect(calls.length).toBeGreaterThan(75);
    expect(calls.length).toBeLessThan(125);
    expect(calls[0]?.args).toEqual(['pagecache', 32, GFP_NOFS, { comm: 'writer', pid: 9, cpu: 0 }, 'root']);
  });

  it('a direct-reclaim stall delays every later allocation of the task by the stall', () => {
    const t = (stall: number) =>
      runGenerators([memoryPressure(mp())], 2 * S, 1, { stallAlloc: (n) => (n === 2 ? stall : 0) })
        .filter((c) => c.verb === 'allocate')
        .map((c) => c.t);
    const plain = t(0);
    const stalled = t(5_000_000);
    // Same stream, same draws: the first three allocations are untouched, the rest come 5 ms later.
    expect(stalled.slice(0, 3)).toEqual(plain.slice(0, 3));
    expect(stalled.slice(3, 20)).toEqual(plain.slice(3, 20).map((x) => x + 5_000_000));
  });

  it('an OOM failure gives back half of what the generator held', () => {
    const calls = runGenerators([memoryPressure(mp({ pool: 'anon' }))], S, 1, { failAlloc: (n) => (n === 4 ? 'oom' : null) });
    const release = calls.find((c) => c.verb === 'release');
    // 4 successful chunks of 32 = 128 held → 64 released
    expect(release?.args).toEqual(['anon', 64]);
  });

  it('releases at its own rate from its own stream', () => {
    const calls = runGenerators([memoryPressure(mp({ rate: 0, release: 640 }))], S);
    expect(calls.every((c) => c.verb === 'release')).toBe(true);
    expect(calls.length).toBeGreaterThan(10);
  });
});

describe('lockContention and procDeath', () => {
  it('holds arrive at rate with drawn hold times, each with its own holder name', () => {
    const gen: LockContentionGen = {
      kind: 'lockContention',
      name: 'lc',
      proc: 'server',
      lock: 'mmap',
      rate: 200,
      hold: { dist: 'uniform', min: 1_000_000, max: 3_000_000 },
      from: 0,
      until: S,
    };
    const calls = runGenerators([lockContention(gen)], S);
    expect(calls.length).toBeGreaterThan(150);
    expect(calls.length).toBeLessThan(250);
    expect(calls.every((c) => c.verb === 'holdLock' && c.args[0] === 'server' && c.args[1] === 'mmap')).toBe(true);
    const holds = calls.map((c) => c.args[2] as number);
    expect(holds.every((h) => h >= 1_000_000 && h <= 3_000_000)).toBe(true);
    expect(calls[1]?.args[3]).toBe('lc#1');
  });

  it('procDeath kills its process once, at its time', () => {
    const calls = runGenerators([procDeath({ kind: 'procDeath', name: 'd', proc: 'app', at: 7_000_000 })], S);
    expect(calls).toEqual([{ t: 7_000_000, verb: 'killProc', args: ['app'] }]);
  });

  it('the registry knows every kind and keeps scenario order (binder, memory, locks, deaths)', () => {
    expect(GENERATOR_KINDS).toEqual(['binderTraffic', 'memoryPressure', 'lockContention', 'procDeath']);
    const gens = createGenerators({
      binder: [traffic({ name: 'b1' })],
      memory: [],
      locks: [],
      deaths: [{ kind: 'procDeath', name: 'd1', proc: 'server', at: 0 }],
    });
    expect(gens.map((g) => g.name)).toEqual(['b1', 'd1']);
  });
});
