/**
 * Deferred slot choice (spec §2.1, §9 invariant 13) and reparenting on memcg offline.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { shrinkSlab } from '../../../src/mm/shrinker/shrinkSlab.js';
import { resolveSlot } from '../../../src/mm/shrinker/deferred.js';
import { CountObjects, ScanObjects, type ShrinkerFlags } from '../../../src/mm/shrinker/types.js';
import { fixture } from './helpers.js';

/** A shrinker whose scan always STOPs, so each call defers exactly delta (F=1e6, p=12: 488). */
function stopper(f: ReturnType<typeof fixture>, name: string, flags: Partial<ShrinkerFlags>) {
  return f.registry
    .shrinkerAlloc({ name, flags })
    .setOps({ count: () => CountObjects.new(1_000_000), scan: () => ScanObjects.STOP })
    .register();
}

describe('which slot a call uses', () => {
  it('memcg-aware + root memcg (global reclaim): the ROOT memcg’s shrinker_info slot, not nr_deferred', () => {
    const f = fixture('6.12');
    const m = stopper(f, 'm', { memcgAware: true });
    shrinkSlab(f.ctx, GFP_KERNEL, 0, f.memcgs.root, 12);
    expect(f.memcgs.root.info(0).getDeferred(m.view.id)).toBe(488n);
    expect(m.view.nrDeferred(0)).toBe(0n);
    expect(m.view.deferredFor(0, f.memcgs.root)).toBe(488n);
  });

  it('memcg-aware + child memcg: that memcg’s slot; nid′ = 0 when not NUMA-aware', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const child = f.memcgs.create(f.memcgs.root, 'a');
    const m = stopper(f, 'm', { memcgAware: true });
    f.memcgs.setShrinkerBit(child, 1, m.view.id);
    shrinkSlab(f.ctx, GFP_KERNEL, 1, child, 12);
    expect(child.info(0).getDeferred(m.view.id)).toBe(488n);
    expect(child.info(1).getDeferred(m.view.id)).toBe(0n);
    expect(f.memcgs.root.info(0).getDeferred(m.view.id)).toBe(0n);
  });

  it('memcg-aware + NUMA-aware: the memcg slot of the real node', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const child = f.memcgs.create(f.memcgs.root, 'a');
    const m = stopper(f, 'm', { memcgAware: true, numaAware: true });
    f.memcgs.setShrinkerBit(child, 1, m.view.id);
    shrinkSlab(f.ctx, GFP_KERNEL, 1, child, 12);
    expect(child.info(1).getDeferred(m.view.id)).toBe(488n);
    expect(child.info(0).getDeferred(m.view.id)).toBe(0n);
  });

  it('memcg disabled: a would-be memcg-aware shrinker uses its own nr_deferred', () => {
    const f = fixture('6.12', { memcgDisabled: true });
    const m = stopper(f, 'm', { memcgAware: true });
    shrinkSlab(f.ctx, GFP_KERNEL, 0, null, 12);
    expect(m.view.nrDeferred(0)).toBe(488n);
  });

  it('plain shrinkers use nr_deferred even when given a memcg', () => {
    const f = fixture('6.12');
    const p = stopper(f, 'p', {});
    shrinkSlab(f.ctx, GFP_KERNEL, 0, f.memcgs.root, 12);
    expect(p.view.nrDeferred(0)).toBe(488n);
    expect(resolveSlot(p.core, 0, f.memcgs.root, f.memcgs).kind).toBe('own');
  });

  it('deferred work carries over between calls and the end event shows the add-back value', () => {
    const f = fixture('6.1');
    stopper(f, 'p', {});
    shrinkSlab(f.ctx, GFP_KERNEL, 0, null, 12);
    shrinkSlab(f.ctx, GFP_KERNEL, 0, null, 12);
    // Call 2: N = 488, total = (488 >> 12 = 0) + 488; STOP; next = 488 + 488 = 976.
    expect(f.starts.map((e) => e.nrObjectsToShrink)).toEqual([0n, 488n]);
    expect(f.ends.map((e) => e.newScan)).toEqual([488n, 976n]);
  });
});

describe('reparent_shrinker_deferred on offline', () => {
  it('adds every child slot (all nodes, all ids) into the parent, leaving the child’s value', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const parent = f.memcgs.create(f.memcgs.root, 'p');
    const child = f.memcgs.create(parent, 'c');
    const a = stopper(f, 'a', { memcgAware: true, numaAware: true });
    const b = stopper(f, 'b', { memcgAware: true, numaAware: true });
    child.info(0).addDeferred(a.view.id, 10n);
    child.info(1).addDeferred(b.view.id, 20n);
    parent.info(1).addDeferred(b.view.id, 5n);
    expect(f.memcgs.offline(child)).toEqual({ ok: true });
    expect(parent.info(0).getDeferred(a.view.id)).toBe(10n);
    expect(parent.info(1).getDeferred(b.view.id)).toBe(25n);
    expect(child.info(1).getDeferred(b.view.id)).toBe(20n);
    expect(f.memcgs.root.info(1).getDeferred(b.view.id)).toBe(0n);
  });
});
