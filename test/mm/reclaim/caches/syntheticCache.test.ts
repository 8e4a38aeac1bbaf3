import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS, GFP_NOIO, type GfpMask } from '../../../../src/mm/gfp.js';
import { SyntheticCache, SUPERBLOCK_BATCH } from '../../../../src/mm/reclaim/caches/syntheticCache.js';
import { doShrinkSlab, type ShrinkerCore } from '../../../../src/mm/shrinker/doShrinkSlab.js';
import { rawFromTyped, ShrinkControl, type MemcgRef } from '../../../../src/mm/shrinker/types.js';
import type { ResolvedShrinker } from '../../../../src/scenario/types.js';

const ROOT: MemcgRef = { id: 0, ino: 1, isRoot: true };
const A: MemcgRef = { id: 1, ino: 10, isRoot: false };
const B: MemcgRef = { id: 2, ino: 11, isRoot: false };

function cfg(over: Partial<ResolvedShrinker> = {}): ResolvedShrinker {
  return {
    name: 'sb-test',
    kind: 'superblock',
    symbol: 'super_cache_scan+0x0/0x1c0',
    seeks: 2,
    batch: SUPERBLOCK_BATCH,
    numaAware: false,
    memcgAware: false,
    nonslab: false,
    count: { source: 'list', objects: 5000n, growth: 0, max: 5000n },
    countLimit: 'ULONG_MAX/2',
    freeRatio: 1,
    objectsPerPage: 10,
    needsFs: true,
    needsIo: false,
    trylockFailRate: 0,
    ...over,
  };
}

const sc = (gfpMask: GfpMask, nr: number, nid = 0, memcg: MemcgRef | null = ROOT): ShrinkControl => {
  const s = new ShrinkControl(gfpMask, nid, memcg);
  s.nrToScan = nr;
  s.nrScanned = nr;
  return s;
};

const env = (draws: number[] = [], nrNodes = 1, memcgs: MemcgRef[] = [ROOT]) => {
  let i = 0;
  return { nrNodes, memcgs, draw: () => draws[i++ % Math.max(1, draws.length)] ?? 0.5 };
};

describe('superblock-style cache', () => {
  it('count = objects; SHRINK_EMPTY when empty (super_cache_count)', () => {
    const c = new SyntheticCache(cfg(), env());
    expect(c.count(sc(GFP_KERNEL, 0))).toEqual({ kind: 'objects', n: 5000n });
    const empty = new SyntheticCache(cfg({ count: { source: 'list', objects: 0n, growth: 0, max: 10n } }), env());
    expect(empty.count(sc(GFP_KERNEL, 0))).toEqual({ kind: 'empty' });
  });

  it('scan: SHRINK_STOP without __GFP_FS, frees with GFP_KERNEL', () => {
    const c = new SyntheticCache(cfg(), env());
    expect(c.scan(sc(GFP_NOFS, 1024))).toEqual({ kind: 'stop' });
    expect(c.scan(sc(GFP_NOIO, 1024))).toEqual({ kind: 'stop' });
    expect(c.stats.fsStops).toBe(2);
    expect(c.scan(sc(GFP_KERNEL, 1024))).toEqual({ kind: 'freed', freed: 1024n });
    expect(c.totalObjects()).toBe(3976n);
    // 1024 objects at 10 per page: 102 pages back, 4 objects carried
    expect(c.takePagesFreed()).toEqual([102]);
    expect(c.takePagesFreed()).toEqual([0]);
  });

  it('scan: trylock failures are draws from its own stream (rate 0.3: draws 0.1 and 0.29 fail, 0.3 passes)', () => {
    const c = new SyntheticCache(cfg({ trylockFailRate: 0.3 }), env([0.1, 0.29, 0.3]));
    expect(c.scan(sc(GFP_KERNEL, 10)).kind).toBe('stop');
    expect(c.scan(sc(GFP_KERNEL, 10)).kind).toBe('stop');
    expect(c.scan(sc(GFP_KERNEL, 10))).toEqual({ kind: 'freed', freed: 10n });
    expect(c.stats.trylockStops).toBe(2);
  });

  it('GFP_NOFS windup through do_shrink_slab (W2 with seeks 0): 1 STOP call, slot 0 → 2048', () => {
    const c = new SyntheticCache(cfg({ seeks: 0, batch: 0, count: { source: 'list', objects: 4096n, growth: 0, max: 4096n } }), env());
    let slot = 0n;
    const core: ShrinkerCore = {
      ops: rawFromTyped(c.ops()),
      priv: undefined,
      seeks: 0,
      batch: 0,
      flags: { numaAware: false, memcgAware: false, nonslab: false },
      deferred: { xchg: () => { const v = slot; slot = 0n; return v; }, add: (_s, n) => (slot += n) },
      traceRef: { symbol: 'super_cache_scan+0x0/0x1c0', ptr: 'ffff8f35c1dd5e00' },
    };
    const a = doShrinkSlab(core, new ShrinkControl(GFP_NOFS, 0, ROOT), 10);
    expect(a.kind === 'ran' && a.stats).toMatchObject({ calls: 1n, stops: 1, scanned: 0n, freed: 0n });
    expect(slot).toBe(2048n);
    // kswapd (GFP_KERNEL, priority 12): delta 2048 again, 16 calls of 128, backlog unchanged
    const b = doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, ROOT), 12);
    expect(b.kind === 'ran' && b.stats).toMatchObject({ calls: 16n, stops: 0, scanned: 2048n, freed: 2048n });
    expect(slot).toBe(2048n);
    expect(c.totalObjects()).toBe(2048n);
  });
});

describe('seeks = 0 cache with a fixed count', () => {
  it('count never changes; scans free freeRatio of what they are asked', () => {
    const c = new SyntheticCache(
      cfg({ kind: 'seeks0', seeks: 0, needsFs: false, freeRatio: 0.5, count: { source: 'fixed', objects: 1000n } }),
      env(),
    );
    expect(c.scan(sc(GFP_NOFS, 128))).toEqual({ kind: 'freed', freed: 64n });
    expect(c.count(sc(GFP_KERNEL, 0))).toEqual({ kind: 'objects', n: 1000n });
    expect(c.offersBulk).toBe(true);
    expect(c.scanMany(sc(GFP_KERNEL, 128), 10n, 128n)).toBe(640n);
  });

  it('the count clamp: ULONG_MAX/2 vs ULONG_MAX/4', () => {
    const big = (1n << 64n) - 1n;
    const half = new SyntheticCache(cfg({ count: { source: 'fixed', objects: big }, countLimit: 'ULONG_MAX/2' }), env());
    const quarter = new SyntheticCache(cfg({ count: { source: 'fixed', objects: big }, countLimit: 'ULONG_MAX/4' }), env());
    expect(half.count(sc(GFP_KERNEL, 0))).toEqual({ kind: 'objects', n: big / 2n });
    expect(quarter.count(sc(GFP_KERNEL, 0))).toEqual({ kind: 'objects', n: big / 4n });
  });
});

describe('NUMA-aware and memcg-aware caches', () => {
  it('NUMA-aware: one list per node; sc.nid picks it', () => {
    const c = new SyntheticCache(cfg({ kind: 'numa', numaAware: true, needsFs: false, count: { source: 'list', objects: 1001n, growth: 0, max: 5000n } }), env([], 2));
    expect(c.countOf(0, ROOT)).toBe(501n);
    expect(c.countOf(1, ROOT)).toBe(500n);
    expect(c.scan(sc(GFP_KERNEL, 100, 1))).toEqual({ kind: 'freed', freed: 100n });
    expect([c.objectsOnNode(0), c.objectsOnNode(1)]).toEqual([501n, 400n]);
    // A NUMA-unaware cache answers node 0's list for every nid
    const flat = new SyntheticCache(cfg({ needsFs: false }), env([], 2));
    expect(flat.countOf(1, ROOT)).toBe(5000n);
  });

  it('memcg-aware: root reclaim sees the root list, a child walk its own list', () => {
    const c = new SyntheticCache(
      cfg({ kind: 'memcg', memcgAware: true, needsFs: false, count: { source: 'list', objects: 1000n, growth: 0, max: 5000n } }),
      env([], 1, [ROOT, A, B]),
    );
    expect([c.countOf(0, ROOT), c.countOf(0, A), c.countOf(0, B), c.countOf(0, null)]).toEqual([334n, 333n, 333n, 334n]);
    expect(c.scan(sc(GFP_KERNEL, 500, 0, A))).toEqual({ kind: 'freed', freed: 333n });
    expect(c.count(sc(GFP_KERNEL, 0, 0, A))).toEqual({ kind: 'unknown' });
  });

  it('growth: rate × time up to max, and 0 → 1 sublists set the shrinker bit', () => {
    const bits: string[] = [];
    const c = new SyntheticCache(
      cfg({ kind: 'memcg', memcgAware: true, needsFs: false, count: { source: 'list', objects: 0n, growth: 100, max: 160n } }),
      { ...env([], 1, [ROOT, A]), onSublistNonEmpty: (nid, m) => bits.push(`${nid}/${m.ino}`) },
    );
    expect(c.grow(1.5e9).added).toBe(150n);
    expect(bits).toEqual(['0/1', '0/10']);
    expect(c.grow(1e9).added).toBe(10n); // capped at max 160
    expect(c.totalObjects()).toBe(160n);
  });
});

describe('properties', () => {
  it('a list never goes negative and freed ≤ asked, whatever the sequence of scans and growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2e9 })), { maxLength: 30 }),
        (ops) => {
          const c = new SyntheticCache(cfg({ needsFs: false, count: { source: 'list', objects: 2000n, growth: 500, max: 4000n } }), env());
          for (const [nr, dt] of ops) {
            const before = c.totalObjects();
            const r = c.scan(sc(GFP_KERNEL, nr));
            if (r.kind !== 'freed' || r.freed > BigInt(nr) || c.totalObjects() !== before - r.freed) return false;
            c.grow(dt);
            if (c.totalObjects() < 0n || c.totalObjects() > 4000n) return false;
          }
          return true;
        },
      ),
    );
  });
});
