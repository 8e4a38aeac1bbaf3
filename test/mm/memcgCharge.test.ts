/**
 * try_charge_memcg's rules (mm/memcontrol.c 6.12) on MemcgCharges with a scripted reclaim:
 * which memcg is reclaimed, for how many pages, how many times before the charge fails, and
 * memory.high's deferred reclaim on return to user mode.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS, GFP_NOWAIT, __GFP_NORETRY, __GFP_RETRY_MAYFAIL, gfp, type GfpMask } from '../../src/mm/gfp.js';
import { MemcgCharges, MEMCG_CHARGE_BATCH } from '../../src/mm/memcgCharge.js';
import { MemcgTree, type Memcg } from '../../src/mm/memcg.js';
import { MAX_RECLAIM_RETRIES } from '../../src/mm/reclaim/constants.js';
import { LRU_GEN_FILE } from '../../src/mm/reclaim/lruGen.js';
import type { MemcgRef } from '../../src/mm/shrinker/types.js';

const TASK = { pid: 214 };

function setup(limits: { max?: number; high?: number }, parentLimits?: { max?: number; high?: number }) {
  const tree = new MemcgTree({ nrNodeIds: 1 });
  const parent = tree.create(tree.root, 'p');
  const child = tree.create(parent, 'rk');
  const entries = [...(parentLimits ? [{ memcg: parent, ...parentLimits }] : []), { memcg: child, ...limits }];
  const charges = new MemcgCharges(entries, (m) => (m as Memcg).parent, 1);
  return { tree, parent, child, charges };
}

/** A reclaim that frees `perCall` pages of the target memcg's own lruvec each call, and logs. */
function reclaimer(charges: MemcgCharges, perCall: number) {
  const calls: { memcg: MemcgRef; nrPages: number; gfp: GfpMask }[] = [];
  const fn = (memcg: MemcgRef, nrPages: number, g: GfpMask): number => {
    calls.push({ memcg, nrPages, gfp: g });
    return charges.lruvec(memcg, 0)?.remove(LRU_GEN_FILE, perCall) ?? 0;
  };
  return { calls, fn };
}

describe('try_charge_memcg', () => {
  it('charges below memory.max without reclaim, and usage is the lruvec', () => {
    const { child, charges } = setup({ max: 100 });
    const r = charges.tryCharge(child, 0, LRU_GEN_FILE, 100, GFP_KERNEL, TASK, () => {
      throw new Error('no reclaim expected');
    });
    expect(r).toEqual({ ok: true, reclaims: 0, forced: false });
    expect(charges.counter(child)?.usage()).toBe(100);
  });

  it('at the limit reclaims the memcg for the charge size, in the charging gfp, once when that makes room', () => {
    const { child, charges } = setup({ max: 100 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 100, GFP_NOFS, TASK, () => 0);
    const { calls, fn } = reclaimer(charges, 64);
    const r = charges.tryCharge(child, 0, LRU_GEN_FILE, 4, GFP_NOFS, TASK, fn);
    expect(r.ok).toBe(true);
    expect(calls).toEqual([{ memcg: child, nrPages: 4, gfp: GFP_NOFS }]);
    // 100 - 64 + 4
    expect(charges.counter(child)?.usage()).toBe(40);
    expect(charges.counter(child)?.events).toMatchObject({ max: 1, reclaims: 1, reclaimed: 64, oom: 0 });
  });

  it('with no progress: the drain retry, then MAX_RECLAIM_RETRIES more reclaims, then the memcg OOM', () => {
    const { child, charges } = setup({ max: 10 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 10, GFP_KERNEL, TASK, () => 0);
    const { calls, fn } = reclaimer(charges, 0);
    const r = charges.tryCharge(child, 0, LRU_GEN_FILE, 1, GFP_KERNEL, TASK, fn);
    expect(r).toEqual({ ok: false, reason: 'oom', reclaims: 1 + 1 + MAX_RECLAIM_RETRIES });
    expect(calls).toHaveLength(18);
    expect(charges.counter(child)?.events.oom).toBe(1);
    expect(charges.counter(child)?.usage()).toBe(10);
  });

  it('a memcg OOM that kills another task retries the charge with fresh retries', () => {
    const { child, charges } = setup({ max: 10 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 10, GFP_KERNEL, TASK, () => 0);
    const kills: number[] = [];
    const r = charges.tryCharge(child, 0, LRU_GEN_FILE, 1, GFP_KERNEL, TASK, () => 0, (m, limit) => {
      kills.push(limit);
      // The victim's pages leave the memcg.
      charges.lruvec(m, 0)?.remove(LRU_GEN_FILE, 5);
      return 'other';
    });
    expect(r).toEqual({ ok: true, reclaims: 18, forced: false });
    expect(kills).toEqual([10]);
    expect(charges.counter(child)?.events).toMatchObject({ oom: 1, oomKill: 1 });
    // The charging task chosen itself: the charge fails.
    charges.tryCharge(child, 0, LRU_GEN_FILE, 4, GFP_KERNEL, TASK, () => 0);
    const self = charges.tryCharge(child, 0, LRU_GEN_FILE, 1, GFP_KERNEL, TASK, () => 0, () => 'self');
    expect(self).toEqual({ ok: false, reason: 'oom', reclaims: 18 });
  });

  it('__GFP_NORETRY gives up after the drain retry (2 reclaims), __GFP_RETRY_MAYFAIL before the OOM', () => {
    const a = setup({ max: 10 });
    a.charges.tryCharge(a.child, 0, LRU_GEN_FILE, 10, GFP_KERNEL, TASK, () => 0);
    const noretry = a.charges.tryCharge(a.child, 0, LRU_GEN_FILE, 1, gfp(GFP_NOFS | __GFP_NORETRY), TASK, () => 0);
    expect(noretry).toEqual({ ok: false, reason: 'nomem', reclaims: 2 });
    const mayfail = a.charges.tryCharge(a.child, 0, LRU_GEN_FILE, 1, gfp(GFP_KERNEL | __GFP_RETRY_MAYFAIL), TASK, () => 0);
    expect(mayfail).toEqual({ ok: false, reason: 'nomem', reclaims: 18 });
    expect(a.charges.counter(a.child)?.events.oom).toBe(0);
  });

  it('a non-blocking gfp fails at once, without reclaim', () => {
    const { child, charges } = setup({ max: 10 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 10, GFP_KERNEL, TASK, () => 0);
    expect(charges.tryCharge(child, 0, LRU_GEN_FILE, 1, GFP_NOWAIT, TASK, () => 1)).toEqual({ ok: false, reason: 'nomem', reclaims: 0 });
  });

  it('progress on a small charge retries without using up retries (1 page a call until 9 fit)', () => {
    const { child, charges } = setup({ max: 20 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 20, GFP_KERNEL, TASK, () => 0);
    const { calls, fn } = reclaimer(charges, 1);
    const r = charges.tryCharge(child, 0, LRU_GEN_FILE, 8, GFP_KERNEL, TASK, fn);
    expect(r.ok).toBe(true);
    // 8 pages of margin need 8 reclaims of one page each.
    expect(calls).toHaveLength(8);
  });

  it('the ancestor whose max the charge would pass is the one reclaimed', () => {
    const { parent, child, charges } = setup({ max: 1000 }, { max: 50 });
    charges.tryCharge(child, 0, LRU_GEN_FILE, 50, GFP_KERNEL, TASK, () => 0);
    const { calls, fn } = reclaimer(charges, 0);
    // The parent has no own pages: its reclaim frees nothing, so the child's walk is what helps.
    const fnSubtree = (m: MemcgRef, n: number, g: GfpMask): number => {
      fn(m, n, g);
      return charges.lruvec(child, 0)?.remove(LRU_GEN_FILE, 32) ?? 0;
    };
    expect(charges.tryCharge(child, 0, LRU_GEN_FILE, 4, GFP_KERNEL, TASK, fnSubtree).ok).toBe(true);
    expect(calls.map((c) => c.memcg)).toEqual([parent]);
    expect(charges.counter(parent)?.usage()).toBe(50 - 32 + 4);
  });
});

describe('kmem in the usage', () => {
  it("a memcg's slab pages count against its max: the LRU room is max - kmem", () => {
    const tree = new MemcgTree({ nrNodeIds: 1 });
    const rk = tree.create(tree.root, 'rk');
    let slab = 90;
    const charges = new MemcgCharges([{ memcg: rk, max: 100 }], (m) => (m as Memcg).parent, 1, (m) => (m === rk ? slab : 0));
    expect(charges.counter(rk)?.usage()).toBe(90);
    expect(charges.tryCharge(rk, 0, LRU_GEN_FILE, 10, GFP_KERNEL, TASK, () => 0).ok).toBe(true);
    expect(charges.tryCharge(rk, 0, LRU_GEN_FILE, 1, gfp(GFP_NOFS | __GFP_NORETRY), TASK, () => 0).ok).toBe(false);
    // Freed objects uncharge their pages: room again.
    slab = 80;
    expect(charges.tryCharge(rk, 0, LRU_GEN_FILE, 10, GFP_NOFS, TASK, () => 0).ok).toBe(true);
    expect(charges.counter(rk)?.usage()).toBe(100);
  });
});

describe('memory.high', () => {
  it('over high: no reclaim in the charge until more than MEMCG_CHARGE_BATCH pages are over; then on return to user in GFP_KERNEL', () => {
    const { child, charges } = setup({ high: 100 });
    const { calls, fn } = reclaimer(charges, 32);
    charges.tryCharge(child, 0, LRU_GEN_FILE, 100, GFP_NOFS, TASK, fn);
    charges.tryCharge(child, 0, LRU_GEN_FILE, 10, GFP_NOFS, TASK, fn);
    expect(calls).toHaveLength(0);
    expect(charges.handleOverHigh(TASK, fn)).toBe(32);
    expect(calls).toEqual([{ memcg: child, nrPages: 10, gfp: GFP_KERNEL }]);
    expect(charges.counter(child)?.events.high).toBe(1);
    // Nothing pending any more.
    expect(charges.handleOverHigh(TASK, fn)).toBe(0);
    // A charge that takes the task more than a batch over reclaims at once, in its own gfp.
    charges.tryCharge(child, 0, LRU_GEN_FILE, 200, GFP_NOFS, TASK, fn);
    charges.tryCharge(child, 0, LRU_GEN_FILE, MEMCG_CHARGE_BATCH + 1, GFP_NOFS, TASK, fn);
    expect(calls.at(-1)).toEqual({ memcg: child, nrPages: MEMCG_CHARGE_BATCH + 1, gfp: GFP_NOFS });
  });
});
