import { describe, expect, it } from 'vitest';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOFS } from '../../src/mm/gfp.js';
import { canonicalJson, scenarioHash } from '../../src/scenario/hash.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { defaultMinFreeKbytes, intSqrt } from '../../src/scenario/resolve.js';

const load = (t: string) => loadScenarioText(t, 'x.yaml');

describe('resolve: defaults', () => {
  it('an empty file resolves to a full scenario', () => {
    const r = load('');
    expect(r.name).toBe('x');
    expect(r.seed).toBe(1);
    expect(r.kernel).toBe('6.12');
    expect(r.duration).toBe(0);
    expect(r.sample).toBe(100_000_000);
    expect(r.memory.totalPages).toBe(524288); // 2GiB
    expect(r.memory.mglru).toBe(true);
    // int_sqrt(2GiB in kB * 16) = int_sqrt(33554432) = 5792
    expect(r.memory.watermarks).toEqual({ mode: 'derived', minFreeKbytes: 5792, watermarkScaleFactor: 10 });
    expect(r.shrinkers.map((s) => [s.name, s.kind, s.seeks, s.batch])).toEqual([
      ['sb-f2fs:dm-48', 'superblock', 2, 1024],
      ['mm-shadow', 'seeks0', 0, 0],
      ['numa-cache', 'numa', 2, 0],
      ['thp-deferred_split', 'memcg', 2, 0],
    ]);
    expect(r.shrinkers[0]).toMatchObject({ needsFs: true, numaAware: true, memcgAware: true, symbol: 'super_cache_scan+0x0/0x1c0' });
    expect(r.binder.shrinker).toEqual({ seeks: 2, batch: 0 });
  });

  it('min_free_kbytes as the kernel derives it, clamped to [128, 262144]', () => {
    expect(intSqrt(8388608)).toBe(2896);
    expect(defaultMinFreeKbytes(512 * 1024)).toBe(2896); // the 512 MiB VM of the real traces
    expect(defaultMinFreeKbytes(100)).toBe(128);
    expect(defaultMinFreeKbytes(2 ** 40)).toBe(262144);
  });

  it('6.1 turns MGLRU off unless asked', () => {
    expect(load('kernel: "6.1"').memory.mglru).toBe(false);
    expect(load('kernel: 6.1').kernel).toBe('6.1');
    expect(load('kernel: "6.1"\nmemory: {mglru: true}').memory.mglru).toBe(true);
  });

  it('memcg off clears the memcg-aware flag (shrinker_alloc)', () => {
    const r = load('memcg: false');
    expect(r.shrinkers.every((s) => !s.memcgAware)).toBe(true);
    expect(r.shrinkers[0]!.numaAware).toBe(true);
  });

  it('generators: names, windows and unit conversion', () => {
    const r = load(`
binder: {procs: [{name: app}, {name: sys, driver: rust, mmap: 128KiB}]}
workload:
  binder:
    - {proc: app, rate: "200/s", data: {dist: log-uniform, min: 16B, max: 256KiB}, oneway: 0.25}
    - {proc: app, burst: {every: 2s, count: 40}, from: 1s}
  memory: [{pool: anon, rate: "8MiB/s", gfp: GFP_NOFS}]
  locks: [{proc: sys, lock: mmap, rate: "10/s", hold: {dist: exponential, mean: 20ms}}]
`);
    expect(r.duration).toBe(10_000_000_000);
    expect(r.binder.procs.map((p) => [p.name, p.mmapBytes, p.driver, p.task.pid])).toEqual([
      ['app', 1016 * 1024, 'c', 100],
      ['sys', 131072, 'rust', 102],
    ]);
    const [a, b] = r.workload.binder;
    expect(a).toMatchObject({ name: 'binder:app', from: 0, until: 10_000_000_000, arrivals: { kind: 'poisson', rate: 200 }, oneway: 0.25 });
    expect(a!.data).toEqual({ dist: 'log-uniform', min: 16, max: 262144 });
    expect(a!.hold).toEqual({ dist: 'fixed', ns: 5_000_000 });
    expect(b).toMatchObject({ name: 'binder:app#2', from: 1_000_000_000, arrivals: { kind: 'burst', period: 2e9, count: 40, gap: 1e6 } });
    expect(r.workload.memory[0]).toMatchObject({ name: 'memory:anon', rate: 2048, gfp: { mask: GFP_NOFS, text: 'GFP_NOFS' } });
    expect(r.workload.locks[0]).toMatchObject({ name: 'lock:sys:mmap', hold: { dist: 'exponential', mean: 20_000_000 } });
  });

  it('script steps: Binder steps keep the Binder model shape; mm steps are typed', () => {
    const r = load(`
binder: {procs: [{name: p, mmap: 128KiB}]}
script:
  - alloc: {proc: p, buffer: b, data: 4096}
  - free: {proc: p, buffer: b}
  - shrink: {nr: all}
  - drop_caches: {}
  - shrink_slab: {priority: 0, gfp: "GFP_NOFS"}
  - memory_reclaim: {amount: 16M}
  - allocate: {pool: anon, amount: 1MiB}
  - advance: {by: 10ms}
  - snapshot: {label: end}
`);
    expect(r.script[0]).toEqual({ kind: 'binder', op: 'alloc', step: { alloc: { proc: 'p', buffer: 'b', data: 4096n, oneway: false } } });
    expect(r.script[2]).toEqual({ kind: 'binder', op: 'shrink', step: { shrink: { nr: 'all' } } });
    expect(r.script[3]).toEqual({ kind: 'drop_caches', mode: 2 });
    expect(r.script[4]).toEqual({ kind: 'shrink_slab', priority: 0, gfp: { mask: GFP_NOFS, text: 'GFP_NOFS' }, nid: 0, memcg: null });
    expect(r.script[5]).toEqual({ kind: 'memory_reclaim', memcg: 'root', pages: 4096, swappiness: null });
    expect(r.script[6]).toMatchObject({ kind: 'allocate', pool: 'anon', pages: 256, gfp: { mask: GFP_HIGHUSER_MOVABLE } });
    expect(r.script[7]).toEqual({ kind: 'advance', by: 10_000_000 });
    expect(r.script[8]).toEqual({ kind: 'snapshot', label: 'end' });
  });

  it('gfp masks are canonicalised (0xcc0 is GFP_KERNEL)', () => {
    const r = load('script: [{shrink_slab: {priority: 1, gfp: "0xcc0"}}]');
    expect(r.script[0]).toMatchObject({ gfp: { mask: GFP_KERNEL, text: 'GFP_KERNEL' } });
  });
});

describe('hash', () => {
  it('canonical JSON sorts keys and writes bigints as strings', () => {
    expect(canonicalJson({ b: 1n, a: [2, { d: undefined, c: 'x' }] })).toBe('{"a":[2,{"c":"x"}],"b":"1"}');
  });

  it('same resolution ⇒ same hash; units, key order and written defaults do not matter', () => {
    const h1 = scenarioHash(load('name: s\nmemory: {total: 1GiB, nodes: 1}'));
    const h2 = scenarioHash(load('memory: {nodes: 1, total: "262144 pages"}\nname: s\nkernel: "6.12"'));
    expect(h1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(h2).toBe(h1);
  });

  it('the seed is not part of the hash; any other change is', () => {
    const base = scenarioHash(load('name: s'));
    expect(scenarioHash(load('name: s\nseed: 99'))).toBe(base);
    expect(scenarioHash(load('name: s\ncpus: 4'))).not.toBe(base);
  });
});
