/**
 * shrink_slab / shrink_slab_memcg in both profiles (spec §2.5–2.6, §9 invariants 14–16).
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS } from '../../../src/mm/gfp.js';
import { Memcg } from '../../../src/mm/memcg.js';
import type { ShrinkerRegistry } from '../../../src/mm/shrinker/registry.js';
import { shrinkSlab } from '../../../src/mm/shrinker/shrinkSlab.js';
import { CountObjects, ScanObjects, SHRINK_EMPTY, type CountResult, type KernelProfile, type ShrinkerFlags } from '../../../src/mm/shrinker/types.js';
import { fixture } from './helpers.js';

/** Counts come from `counts` in turn (the last one repeats); scan frees what it is asked. */
function reg(
  registry: ShrinkerRegistry,
  name: string,
  counts: CountResult[] | number,
  opts: { flags?: Partial<ShrinkerFlags>; freed?: (n: number) => number; onScan?: () => void; register?: boolean } = {},
) {
  const seq = typeof counts === 'number' ? [CountObjects.new(counts)] : counts;
  let i = 0;
  const countCalls: number[] = [];
  const a = registry.shrinkerAlloc({ name, flags: opts.flags ?? {} }).setOps({
    count: (sc) => {
      countCalls.push(sc.nid);
      return seq[Math.min(i++, seq.length - 1)]!;
    },
    scan: (sc) => {
      opts.onScan?.();
      return ScanObjects.freed(opts.freed ? opts.freed(sc.nrToScan) : sc.nrToScan);
    },
  });
  return { a, r: opts.register === false ? undefined : a.register(), countCalls };
}

const memcgAware = { memcgAware: true };

describe('global path', () => {
  for (const profile of ['6.1', '6.12'] as KernelProfile[]) {
    it(`${profile}: every registered shrinker in order; EMPTY and 0 count as 0 (never returns EMPTY)`, () => {
      const { registry, ctx, outcomes, called } = fixture(profile);
      reg(registry, 'empty', [CountObjects.EMPTY]);
      reg(registry, 'unknown', [CountObjects.UNKNOWN]);
      reg(registry, 'memcg-aware', 100, { flags: memcgAware });
      reg(registry, 'big', 1000);
      const freed = shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
      expect(called()).toEqual(['empty', 'unknown', 'memcg-aware', 'big']);
      // memcg-aware F=100 p=0 s=2: total 200, one call of 128 → 128 freed.
      // big F=1000: total 2000 → 15 calls of 128 = 1920.
      expect(freed).toBe(128n + 1920n);
      expect(outcomes.map((o) => o.result.kind)).toEqual(['skipped', 'skipped', 'ran', 'ran']);
      expect(outcomes[0]!.result).toEqual({ kind: 'skipped', raw: SHRINK_EMPTY });
      expect(outcomes[1]!.result).toEqual({ kind: 'skipped', raw: 0n });

      const only = fixture(profile);
      reg(only.registry, 'empty', [CountObjects.EMPTY]);
      expect(shrinkSlab(only.ctx, GFP_KERNEL, 0, null, 0)).toBe(0n);
    });
  }

  it('the sink gets start/end events and per-call outcomes with the call context', () => {
    const { registry, ctx, outcomes, starts, ends, memcgs } = fixture('6.12');
    const { r } = reg(registry, 'a', 1_000_000);
    shrinkSlab(ctx, GFP_NOFS, 0, memcgs.root, 12);
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    expect(starts[0]).toMatchObject({ gfpFlags: GFP_NOFS, cacheItems: 1_000_000n, delta: 488n, totalScan: 488n, shr: r!.traceRef });
    const o = outcomes[0]!;
    expect(o).toMatchObject({ nid: 0, memcg: memcgs.root, priority: 12, gfpMask: GFP_NOFS, retry: false });
    expect(o.shrinker.name).toBe('a');
    expect(o.result.kind === 'ran' && o.result.stats).toMatchObject({ calls: 3n, scanned: 384n, freed: 384n });
  });

  it('6.1: a writer arriving mid-walk stops it after the current shrinker; freed ?: 1', () => {
    for (const [scanFrees, expected] of [
      [false, 1n],
      [true, 1920n],
    ] as const) {
      const { registry, ctx, called, walks } = fixture('6.1');
      reg(registry, 'first', 1000, {
        freed: (n) => (scanFrees ? n : 0),
        onScan: () => {
          if (registry.rwsem.waitingWriters === 0) registry.rwsem.enqueueWriter();
        },
      });
      reg(registry, 'second', 1000);
      expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(expected);
      expect(called()).toEqual(['first']);
      expect(walks).toMatchObject([{ kind: 'contended-break', freed: expected }]);
      // The writer ran when the walk released the read side.
      expect(registry.rwsem.waitingWriters).toBe(0);
    }
  });

  it('6.1: a waiting writer makes the read trylock fail before any shrinker is called', () => {
    const { registry, ctx, called } = fixture('6.1');
    reg(registry, 'a', 1000);
    registry.rwsem.holdWrite();
    registry.rwsem.enqueueWriter();
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(0n);
    expect(called()).toEqual([]);
  });

  it('6.12: no contention bail-out (the rwsem is not used)', () => {
    const { registry, ctx, called } = fixture('6.12');
    reg(registry, 'first', 1000, { onScan: () => void registry.rwsem.enqueueWriter() });
    reg(registry, 'second', 1000);
    registry.rwsem.holdWrite();
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(3840n);
    expect(called()).toEqual(['first', 'second']);
  });

  it('memcg disabled: a non-root memcg pointer still takes the global path (no premature OOM)', () => {
    const { registry, ctx, called, memcgs, outcomes } = fixture('6.12', { memcgDisabled: true });
    reg(registry, 'plain', 1000);
    reg(registry, 'wants-memcg', 1000, { flags: memcgAware });
    const stray = new Memcg(7, 77, 7, 'stray', memcgs.root, 1, 64);
    shrinkSlab(ctx, GFP_KERNEL, 0, stray, 0);
    expect(called()).toEqual(['plain', 'wants-memcg']);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(outcomes.at(-1)!.memcg).toBeNull();
  });
});

describe('memcg path (non-root memcg, memcg enabled)', () => {
  function setup(profile: KernelProfile, kmemOnline = true) {
    const f = fixture(profile, { kmemOnline });
    const child = f.memcgs.create(f.memcgs.root, 'app');
    // Allocate m1 (id 0) and m2 (id 1), but register m2 first: registration order ≠ id order.
    const m1pre = reg(f.registry, 'm1', 1000, { flags: memcgAware, register: false });
    const m2 = reg(f.registry, 'm2', 1000, { flags: memcgAware });
    const m1 = { ...m1pre, r: m1pre.a.register() };
    const plain = reg(f.registry, 'plain', 1000);
    const nonslab = reg(f.registry, 'nonslab', 1000, { flags: { memcgAware: true, nonslab: true } });
    return { ...f, child, m1, m2, plain, nonslab };
  }

  for (const profile of ['6.1', '6.12'] as KernelProfile[]) {
    it(`${profile}: only set bits, ascending id; non-memcg-aware shrinkers never`, () => {
      const { ctx, child, memcgs, called } = setup(profile);
      expect(shrinkSlab(ctx, GFP_KERNEL, 0, child, 0)).toBe(0n);
      expect(called()).toEqual([]);
      memcgs.setShrinkerBit(child, 0, 1);
      memcgs.setShrinkerBit(child, 0, 0);
      shrinkSlab(ctx, GFP_KERNEL, 0, child, 0);
      expect(called()).toEqual(['m1', 'm2']);
      // The root memcg walks the global list in registration order, plain included.
      shrinkSlab(ctx, GFP_KERNEL, 0, memcgs.root, 0);
      expect(called()).toEqual(['m1', 'm2', 'm2', 'm1', 'plain', 'nonslab']);
    });

    it(`${profile}: EMPTY clears the bit and calls again; EMPTY twice ⇒ 0 and the bit stays clear`, () => {
      const f = fixture(profile);
      const child = f.memcgs.create(f.memcgs.root, 'app');
      const e = reg(f.registry, 'e', [CountObjects.EMPTY]);
      void e;
      const m = reg(f.registry, 'm', [CountObjects.EMPTY, CountObjects.EMPTY], { flags: memcgAware });
      f.memcgs.setShrinkerBit(child, 0, m.r!.view.id);
      expect(shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0)).toBe(0n);
      expect(m.countCalls).toEqual([0, 0]);
      expect(f.outcomes.map((o) => o.retry)).toEqual([false, true]);
      expect(child.info(0).testBit(m.r!.view.id)).toBe(false);
      // Bit clear: the next pass does not call it at all.
      shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0);
      expect(m.countCalls).toEqual([0, 0]);
    });

    it(`${profile}: EMPTY then objects ⇒ the second call is a full call and the bit is set again`, () => {
      const f = fixture(profile);
      const child = f.memcgs.create(f.memcgs.root, 'app');
      const m = reg(f.registry, 'm', [CountObjects.EMPTY, CountObjects.new(100)], { flags: memcgAware });
      f.memcgs.setShrinkerBit(child, 0, 0);
      // Second call: F=100 p=0 s=2 → total 200, one call of 128.
      expect(shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0)).toBe(128n);
      expect(m.countCalls).toEqual([0, 0]);
      expect(f.starts).toHaveLength(1);
      expect(f.outcomes.map((o) => [o.retry, o.result.kind])).toEqual([
        [false, 'skipped'],
        [true, 'ran'],
      ]);
      expect(child.info(0).testBit(0)).toBe(true);
    });

    it(`${profile}: an id with no shrinker has its bit cleared`, () => {
      const f = setup(profile);
      f.memcgs.setShrinkerBit(f.child, 0, 5);
      shrinkSlab(f.ctx, GFP_KERNEL, 0, f.child, 0);
      expect(f.child.info(0).testBit(5)).toBe(false);
      expect(f.walks).toMatchObject([{ kind: 'bit-cleared', id: 5, shrinker: null }]);
      expect(f.called()).toEqual([]);
    });

    it(`${profile}: an offline memcg calls nothing`, () => {
      const f = setup(profile);
      f.memcgs.setShrinkerBit(f.child, 0, 0);
      f.memcgs.offline(f.child);
      expect(shrinkSlab(f.ctx, GFP_KERNEL, 0, f.child, 0)).toBe(0n);
      expect(f.called()).toEqual([]);
    });
  }

  it('6.1: an allocated but not yet registered memcg-aware shrinker is skipped and keeps its bit', () => {
    const f = fixture('6.1');
    const child = f.memcgs.create(f.memcgs.root, 'app');
    const pre = reg(f.registry, 'pre', 1000, { flags: memcgAware, register: false });
    f.memcgs.setShrinkerBit(child, 0, pre.a.view.id);
    shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0);
    expect(f.called()).toEqual([]);
    expect(child.info(0).testBit(0)).toBe(true);
    expect(f.walks).toMatchObject([{ kind: 'not-registered' }]);
  });

  it('6.12: a not-yet-registered one fails try_get: the bit is cleared', () => {
    const f = fixture('6.12');
    const child = f.memcgs.create(f.memcgs.root, 'app');
    const pre = reg(f.registry, 'pre', 1000, { flags: memcgAware, register: false });
    f.memcgs.setShrinkerBit(child, 0, pre.a.view.id);
    shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0);
    expect(f.called()).toEqual([]);
    expect(child.info(0).testBit(0)).toBe(false);
  });

  it('kmem offline (cgroup.memory=nokmem): only NONSLAB shrinkers run; 6.12 leaks the reference', () => {
    const f = setup('6.12', false);
    for (const id of [0, 1, 2]) f.memcgs.setShrinkerBit(f.child, 0, id);
    shrinkSlab(f.ctx, GFP_KERNEL, 0, f.child, 0);
    expect(f.called()).toEqual(['nonslab']);
    expect(f.m1.r!.view).toMatchObject({ leakedRefs: 1, refcount: 2 });
    // The leaked reference means shrinker_free can never finish (it waits for refcount 0).
    expect(f.m1.r!.free()).toEqual({ kind: 'waiting', reason: 'in-flight' });
    expect(f.m1.r!.state).toBe('freeing');
    expect(f.nonslab.r!.view.refcount).toBe(1);
  });

  it('kmem offline in 6.1: the same skip, no reference to leak', () => {
    const f = setup('6.1', false);
    for (const id of [0, 1, 2]) f.memcgs.setShrinkerBit(f.child, 0, id);
    shrinkSlab(f.ctx, GFP_KERNEL, 0, f.child, 0);
    expect(f.called()).toEqual(['nonslab']);
    expect(f.m1.r!.free()).toEqual({ kind: 'freed' });
    // The bits of skipped shrinkers are kept (only the newest mm tree clears them).
    expect(f.child.info(0).testBit(1)).toBe(true);
  });

  it('6.1: contention in the memcg walk breaks too, with freed ?: 1', () => {
    const f = fixture('6.1');
    const child = f.memcgs.create(f.memcgs.root, 'app');
    reg(f.registry, 'a', 1000, { flags: memcgAware, freed: () => 0, onScan: () => void f.registry.rwsem.enqueueWriter() });
    reg(f.registry, 'b', 1000, { flags: memcgAware });
    f.memcgs.setShrinkerBit(child, 0, 0);
    f.memcgs.setShrinkerBit(child, 0, 1);
    expect(shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0)).toBe(1n);
    expect(f.called()).toEqual(['a']);
  });

  it('a raw scan returning SHRINK_EMPTY makes do_shrink_slab return EMPTY: the memcg path retries', () => {
    const f = fixture('6.12');
    const child = f.memcgs.create(f.memcgs.root, 'app');
    let n = 0;
    f.registry
      .shrinkerAlloc({ name: 'garbage', flags: memcgAware })
      .setRawOps({
        countRaw: () => 10n,
        scanRaw: () => (n++ === 0 ? SHRINK_EMPTY : 3n),
      })
      .register();
    f.memcgs.setShrinkerBit(child, 0, 0);
    // First call: freed = 2^64−2 = SHRINK_EMPTY ⇒ clear, call again: 10 → total 20 ≥ F → one call, 3 freed.
    expect(shrinkSlab(f.ctx, GFP_KERNEL, 0, child, 0)).toBe(3n);
    expect(f.outcomes.map((o) => o.retry)).toEqual([false, true]);
    expect(child.info(0).testBit(0)).toBe(true);
  });
});

describe('node ids', () => {
  it('a NUMA-unaware shrinker at nid 1 uses slot 0, but sc.nid and the trace say 1', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const seen: number[] = [];
    const r = f.registry
      .shrinkerAlloc({ name: 'unaware' })
      .setOps({
        count: (sc) => {
          seen.push(sc.nid);
          return CountObjects.new(1_000_000);
        },
        scan: () => ScanObjects.STOP,
      })
      .register();
    shrinkSlab(f.ctx, GFP_KERNEL, 1, null, 12);
    expect(seen).toEqual([1]);
    expect(f.starts[0]!.nid).toBe(1);
    expect(f.ends[0]!.nid).toBe(1);
    // delta 488 deferred into slot 0 (the only slot).
    expect(r.view.nrDeferred(0)).toBe(488n);
    expect(r.view.deferredFor(1, null)).toBe(488n);
  });

  it('a NUMA-aware one at nid 1 uses slot 1', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const r = f.registry
      .shrinkerAlloc({ name: 'aware', flags: { numaAware: true } })
      .setOps({ count: () => CountObjects.new(1_000_000), scan: () => ScanObjects.STOP })
      .register();
    shrinkSlab(f.ctx, GFP_KERNEL, 1, null, 12);
    expect(r.view.nrDeferred(0)).toBe(0n);
    expect(r.view.nrDeferred(1)).toBe(488n);
  });

  it('rejects a node that does not exist', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    expect(() => shrinkSlab(f.ctx, GFP_KERNEL, 2, null, 0)).toThrow(RangeError);
  });
});
