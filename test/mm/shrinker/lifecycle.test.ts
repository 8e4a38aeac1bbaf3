/**
 * Registry and lifecycle (spec §1.5, §9 invariant 23): alloc defaults, idr/IDA ids, map
 * growth, registration order, fake pointers, the typestate's runtime half, and freeing
 * with in-flight users (6.12) or under a held rwsem (6.1).
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { shrinkSlab } from '../../../src/mm/shrinker/shrinkSlab.js';
import { ShrinkerStateError, fakePtr, type RegisteredShrinker } from '../../../src/mm/shrinker/shrinker.js';
import type { ShrinkerRegistry } from '../../../src/mm/shrinker/registry.js';
import { CountObjects, ScanObjects, type ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { fixture } from './helpers.js';

/** A shrinker with `n` objects that frees what it is asked; `onScan` runs inside scan. */
function simple(registry: ShrinkerRegistry, name: string, n = 1000, onScan?: (sc: ShrinkControl) => void, flags = {}) {
  return registry
    .shrinkerAlloc({ name, flags })
    .setOps({
      count: () => CountObjects.new(n),
      scan: (sc) => {
        onScan?.(sc);
        return ScanObjects.freed(sc.nrToScan);
      },
    })
    .register();
}

describe('shrinker_alloc defaults and ids', () => {
  it('seeks DEFAULT_SEEKS, batch 0, refcount 0, flags ALLOCATED (6.12); REGISTERED and refcount 1 after register', () => {
    const { registry } = fixture('6.12');
    const a = registry.shrinkerAlloc({ name: 'x' });
    expect(a.view).toMatchObject({ seeks: 2, batch: 0, refcount: 0, state: 'allocated', id: -1, debugfsId: -1, flagsWord: 0b10 });
    const r = a.setOps({ count: () => CountObjects.UNKNOWN, scan: () => ScanObjects.STOP }).register();
    expect(r.view).toMatchObject({ state: 'registered', refcount: 1, flagsWord: 0b11 });
  });

  it('6.1 flag bits differ: MEMCG_AWARE is 1<<2 and there is no ALLOCATED bit', () => {
    const { registry } = fixture('6.1');
    const r = simple(registry, 'm', 1, undefined, { memcgAware: true });
    expect(r.view.flagsWord).toBe(0b101);
    const { registry: r612 } = fixture('6.12');
    expect(simple(r612, 'm', 1, undefined, { memcgAware: true }).view.flagsWord).toBe(0b1011);
  });

  it('memcg-aware shrinkers get the lowest free idr id; plain ones get −1', () => {
    const { registry } = fixture('6.12');
    const a = simple(registry, 'a', 1, undefined, { memcgAware: true });
    const b = simple(registry, 'b', 1, undefined, { memcgAware: true });
    const c = simple(registry, 'c');
    expect([a.view.id, b.view.id, c.view.id]).toEqual([0, 1, -1]);
    expect(a.free()).toEqual({ kind: 'freed' });
    expect(registry.idrFind(0)).toBeUndefined();
    const d = simple(registry, 'd', 1, undefined, { memcgAware: true });
    expect(d.view.id).toBe(0);
    expect(registry.idrFind(0)?.name).toBe('d');
  });

  it('shrinker_nr_max grows by round_up(id+1, 64) in every memcg, existing and new', () => {
    const { registry, memcgs } = fixture('6.12', { nrNodeIds: 2 });
    const before = memcgs.create(memcgs.root, 'before');
    expect(memcgs.shrinkerNrMax).toBe(0);
    simple(registry, 's0', 1, undefined, { memcgAware: true });
    expect(memcgs.shrinkerNrMax).toBe(64);
    for (let i = 1; i < 64; i++) simple(registry, `s${i}`, 1, undefined, { memcgAware: true });
    expect(memcgs.shrinkerNrMax).toBe(64);
    const s64 = simple(registry, 's64', 1, undefined, { memcgAware: true });
    expect(s64.view.id).toBe(64);
    expect(memcgs.shrinkerNrMax).toBe(128);
    const after = memcgs.create(memcgs.root, 'after');
    for (const m of [memcgs.root, before, after]) for (const nid of [0, 1]) expect(m.info(nid).mapNrMax).toBe(128);
  });

  it('memcg disabled: MEMCG_AWARE is cleared at alloc and no id is taken', () => {
    const { registry } = fixture('6.12', { memcgDisabled: true });
    const r = simple(registry, 'm', 1, undefined, { memcgAware: true });
    expect(r.view.flags.memcgAware).toBe(false);
    expect(r.view.id).toBe(-1);
  });

  it('nr_deferred: one slot, or one per node if NUMA-aware', () => {
    const { registry } = fixture('6.12', { nrNodeIds: 3 });
    const plain = registry.shrinkerAlloc({ name: 'p' });
    const numa = registry.shrinkerAlloc({ name: 'n', flags: { numaAware: true } });
    expect((plain.view as unknown as { ownDeferred: bigint[] }).ownDeferred.length).toBe(1);
    expect((numa.view as unknown as { ownDeferred: bigint[] }).ownDeferred.length).toBe(3);
  });
});

describe('registration order, debugfs ids, trace identity', () => {
  it('the walk order is registration order, not allocation order', () => {
    const { registry, ctx, called } = fixture('6.12');
    const a = registry.shrinkerAlloc({ name: 'a' }).setOps({ count: () => CountObjects.new(10), scan: () => ScanObjects.freed(0) });
    simple(registry, 'b', 10);
    a.register();
    simple(registry, 'c', 10);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    expect(called()).toEqual(['b', 'a', 'c']);
    expect(registry.listed().map((s) => s.name)).toEqual(['b', 'a', 'c']);
  });

  it('debugfs directories are <name>-<lowest free IDA id>, reused after free', () => {
    const { registry } = fixture('6.12');
    const a = simple(registry, 'android-binder');
    const b = simple(registry, 'sb-xfs:vda1');
    const c = simple(registry, 'mm-shadow');
    expect(registry.debugfsDirs()).toEqual(['android-binder-0', 'sb-xfs:vda1-1', 'mm-shadow-2']);
    b.free();
    expect(b.view.debugfsName).toBeNull();
    const d = simple(registry, 'thp-deferred_split');
    expect(d.view.debugfsName).toBe('thp-deferred_split-1');
    expect(registry.debugfsLookup('mm-shadow-2')).toBe(c.core);
    expect(registry.debugfsLookup('sb-xfs:vda1-1')).toBeUndefined();
    expect(a.view.debugfsName).toBe('android-binder-0');
  });

  it('the directory name is truncated to 127 bytes (snprintf into buf[128])', () => {
    const { registry } = fixture('6.12');
    const r = simple(registry, 'n'.repeat(200));
    expect(r.view.debugfsName).toBe('n'.repeat(127));
  });

  it('%p is ffff8f35c1000000 + 0x100·registration index; %pS defaults to <name>_scan+0x0/0x100', () => {
    const { registry } = fixture('6.12');
    const a = simple(registry, 'first');
    const b = registry
      .shrinkerAlloc({ name: 'android-binder' })
      .setSymbol('binder_shrink_scan+0x0/0xd0 [binder_linux]')
      .setOps({ count: () => CountObjects.UNKNOWN, scan: () => ScanObjects.STOP })
      .register();
    expect(a.traceRef).toEqual({ symbol: 'first_scan+0x0/0x100', ptr: 'ffff8f35c1000000' });
    expect(b.traceRef).toEqual({ symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1000100' });
    expect(fakePtr(255)).toBe('ffff8f35c100ff00');
    expect(fakePtr(255)).toHaveLength(16);
  });
});

describe('the typestate at run time', () => {
  it('a registered shrinker cannot be reconfigured, registered twice, or freed twice', () => {
    const { registry } = fixture('6.12');
    const a = registry.shrinkerAlloc({ name: 'a' }).setOps({ count: () => CountObjects.new(1), scan: () => ScanObjects.freed(1) });
    const r = a.register();
    expect(() => a.setSeeks(1)).toThrow(ShrinkerStateError);
    expect(() => a.register()).toThrow(ShrinkerStateError);
    expect(r.free()).toEqual({ kind: 'freed' });
    expect(() => r.free()).toThrow(/double free/);
    expect(() => r.core).toThrow(/used after free/);
  });

  it('register without callbacks is refused (C would call a NULL pointer)', () => {
    const { registry } = fixture('6.12');
    expect(() => registry.shrinkerAlloc({ name: 'x' }).register()).toThrow(/without count\/scan/);
  });

  it('a never-registered shrinker can be freed and releases its id', () => {
    const { registry } = fixture('6.12');
    const a = registry.shrinkerAlloc({ name: 'a', flags: { memcgAware: true } });
    expect(a.view.id).toBe(0);
    expect(a.free()).toEqual({ kind: 'freed' });
    expect(a.view.state).toBe('freed');
    expect(registry.idrFind(0)).toBeUndefined();
  });

  it('a shrinker is never called before register or after free', () => {
    const { registry, ctx, called } = fixture('6.12');
    const pending = registry.shrinkerAlloc({ name: 'pending' }).setOps({ count: () => CountObjects.new(500), scan: () => ScanObjects.freed(1) });
    const live = simple(registry, 'live', 500);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(called()).toEqual(['live']);
    live.free();
    const r = pending.register();
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(called()).toEqual(['live', 'pending']);
    r.free();
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(0n);
    expect(called()).toEqual(['live', 'pending']);
  });
});

describe('6.12 shrinker_free waits for in-flight users', () => {
  it('free from inside its own scan: waiting, still callable until the put, then freed', () => {
    const { registry, ctx, called } = fixture('6.12');
    let outcome: unknown;
    let freedAt = '';
    const events: string[] = [];
    let self: RegisteredShrinker<undefined> | undefined;
    self = simple(registry, 'self', 1000, () => {
      if (!outcome) {
        outcome = self!.free();
        events.push(`in scan: ${self!.state} ref ${self!.view.refcount}`);
        self!.onFreed(() => (freedAt = 'after the put'));
      }
    });
    const other = simple(registry, 'other', 1000);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    // Free dropped the initial ref; the walker's own ref keeps refcount at 1 until its put.
    expect(outcome).toEqual({ kind: 'waiting', reason: 'in-flight' });
    expect(events).toEqual(['in scan: freeing ref 1']);
    expect(self.state).toBe('freed');
    expect(freedAt).toBe('after the put');
    expect(registry.listed().map((s) => s.name)).toEqual(['other']);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    expect(called()).toEqual(['self', 'other', 'other']);
    expect(other.view.refcount).toBe(1);
  });

  it('while another user holds a reference, a new walker still gets one (refcount_inc_not_zero)', () => {
    const { registry, ctx, called } = fixture('6.12');
    let depth = 0;
    let freeState = '';
    let s: RegisteredShrinker<undefined> | undefined;
    s = simple(registry, 's', 1000, () => {
      depth++;
      if (depth === 1) {
        s!.free();
        // A concurrent reclaimer (nested here) walks the list while s is freeing.
        shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
        freeState = `${s!.state} ref ${s!.view.refcount}`;
      }
    });
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(called()).toEqual(['s', 's']);
    expect(freeState).toBe('freeing ref 1');
    expect(s.state).toBe('freed');
  });

  it('with shrinker_mutex held, a freed shrinker sits on the list with refcount 0 and walkers skip it', () => {
    const { registry, ctx, called, walks } = fixture('6.12');
    const a = simple(registry, 'a', 1000);
    simple(registry, 'b', 1000);
    expect(registry.mutex.hold()).toBe(true);
    expect(a.free()).toEqual({ kind: 'waiting', reason: 'mutex' });
    expect(a.view).toMatchObject({ state: 'freeing', refcount: 0 });
    expect(registry.listed().map((s) => s.name)).toEqual(['a', 'b']);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    expect(called()).toEqual(['b']);
    expect(walks).toEqual([{ kind: 'refcount-zero', shrinker: a.view }]);
    registry.mutex.release();
    expect(a.state).toBe('freed');
    expect(registry.listed().map((s) => s.name)).toEqual(['b']);
  });

  it('with shrinker_mutex held, a registration waits and is not walked', () => {
    const { registry, ctx, called } = fixture('6.12');
    registry.mutex.hold();
    const a = simple(registry, 'a', 1000);
    expect(a.state).toBe('registering');
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    expect(called()).toEqual([]);
    registry.mutex.release();
    expect(a.view).toMatchObject({ state: 'registered', refcount: 1 });
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    expect(called()).toEqual(['a']);
  });
});

describe('changes to the list during a walk', () => {
  it('6.12 (RCU list): a shrinker registered from a callback is walked; one freed ahead is not', () => {
    const { registry, ctx, called } = fixture('6.12');
    let later: RegisteredShrinker<undefined> | undefined;
    let done = false;
    simple(registry, 'a', 1000, () => {
      if (done) return;
      done = true;
      later!.free();
      simple(registry, 'late', 1000);
    });
    later = simple(registry, 'doomed', 1000);
    simple(registry, 'b', 1000);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(called()).toEqual(['a', 'b', 'late']);
  });

  it('6.1: a registration from a callback waits for the walk (and makes it stop, contended)', () => {
    const { registry, ctx, called } = fixture('6.1');
    let late: RegisteredShrinker<undefined> | undefined;
    simple(registry, 'a', 1000, () => {
      late ??= simple(registry, 'late', 1000);
    });
    simple(registry, 'b', 1000);
    shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(called()).toEqual(['a']);
    expect(late!.state).toBe('registered');
    expect(registry.listed().map((s) => s.name)).toEqual(['a', 'b', 'late']);
  });
});

describe('6.1 unregister_shrinker waits for shrinker_rwsem', () => {
  it('unregister from inside a walk queues behind the reader; the walk breaks with freed ?: 1', () => {
    const { registry, ctx, called, walks } = fixture('6.1');
    let outcome: unknown;
    let s: RegisteredShrinker<undefined> | undefined;
    s = simple(registry, 'first', 1000, () => {
      outcome ??= s!.free();
    });
    simple(registry, 'second', 1000);
    const freed = shrinkSlab(ctx, GFP_KERNEL, 0, null, 12);
    // F=1000 at p=12: delta = (1000 >> 12)·4/2 = 0, so neither scan runs and nothing is freed.
    expect(outcome).toBeUndefined();
    expect(called()).toEqual(['first', 'second']);
    expect(freed).toBe(0n);
    expect(s.state).toBe('registered');
    // At priority 0 the scan runs, the free queues, and the walk stops after 'first'.
    const freed0 = shrinkSlab(ctx, GFP_KERNEL, 0, null, 0);
    expect(outcome).toEqual({ kind: 'waiting', reason: 'rwsem' });
    expect(called()).toEqual(['first', 'second', 'first']);
    // 1000 at p=0, s=2: total min(4000/2 = 2000, 2000) = 2000: 15 batches + … = 1920 freed.
    expect(freed0).toBe(1920n);
    expect(walks.at(-1)).toMatchObject({ kind: 'contended-break', freed: 1920n });
    expect(s.state).toBe('freed');
    expect(registry.listed().map((x) => x.name)).toEqual(['second']);
  });

  it('a held write lock makes the trylock fail: no shrinker is called and the result is 0', () => {
    const { registry, ctx, called, walks, memcgs } = fixture('6.1');
    simple(registry, 'a', 1000);
    expect(registry.rwsem.holdWrite()).toBe(true);
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, memcgs.root, 0)).toBe(0n);
    expect(called()).toEqual([]);
    expect(walks).toEqual([{ kind: 'trylock-failed', memcg: memcgs.root }]);
    registry.rwsem.releaseWrite();
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 0)).toBe(1920n);
  });
});
