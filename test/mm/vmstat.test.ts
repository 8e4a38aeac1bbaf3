/**
 * /proc/vmstat counters, each counted where mm/vmscan.c and fs/drop_caches.c count it.
 * Expected values follow from the kernel's rules stated in each test.
 */
import { describe, expect, it } from 'vitest';
import { GFP_DMA, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOFS, __GFP_DMA32, __GFP_HIGHMEM, __GFP_ZERO, gfp } from '../../src/mm/gfp.js';
import { dropCaches, Kswapd, kswapdTask, memoryReclaim, tryToFreePages, type ReclaimDeps } from '../../src/mm/reclaim/index.js';
import { allocstallItem, KSWAPD_NAP_NS, VMSTAT_ITEMS, VmStat } from '../../src/mm/vmstat.js';
import { model, node, recorder, ROOT } from './reclaim/harness.js';

const task = { comm: 'app', pid: 4242, cpu: 0, nid: 0 };
const WM = { min: 724, low: 905, high: 1086 };

function withVmstat(deps: ReclaimDeps, now: () => number = () => 0): { deps: ReclaimDeps; vm: VmStat } {
  const vm = new VmStat();
  return { deps: { ...deps, vmstat: vm, now }, vm };
}

describe('vmstat', () => {
  it('lists the counters in /proc/vmstat order and starts at zero', () => {
    const vm = new VmStat();
    expect(Object.keys(vm.snapshot())).toEqual([...VMSTAT_ITEMS]);
    expect(Object.values(vm.snapshot()).every((v) => v === 0n)).toBe(true);
    vm.count('slabs_scanned', 2n ** 60n);
    vm.count('slabs_scanned', 5);
    expect(vm.get('slabs_scanned')).toBe(2n ** 60n + 5n);
  });

  it('allocstall_<zone> is gfp_zone() of the request (64-bit, no CONFIG_HIGHMEM)', () => {
    expect(allocstallItem(GFP_KERNEL)).toBe('allocstall_normal');
    expect(allocstallItem(GFP_NOFS)).toBe('allocstall_normal');
    // Binder's alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO): HIGHMEM alone is NORMAL.
    expect(allocstallItem(gfp(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO))).toBe('allocstall_normal');
    expect(allocstallItem(GFP_HIGHUSER_MOVABLE)).toBe('allocstall_movable');
    expect(allocstallItem(gfp(GFP_KERNEL | __GFP_DMA32))).toBe('allocstall_dma32');
    expect(allocstallItem(GFP_DMA)).toBe('allocstall_dma');
  });

  it('direct reclaim: one allocstall per do_try_to_free_pages; 6.12 counts its full-walk retry again', () => {
    for (const [profile, stalls] of [['6.1', 1n], ['6.12', 2n]] as const) {
      const n = node(0, { free: 500, wmark: WM }); // nothing reclaimable: the retry happens on 6.12
      const { deps, vm } = withVmstat(recorder({ profile }).deps);
      expect(tryToFreePages(model([n]), task, GFP_KERNEL, deps)).toBe(0);
      expect(vm.get('allocstall_normal')).toBe(stalls);
      expect(vm.get('pgscan_direct')).toBe(0n);
    }
  });

  it('direct reclaim: pgscan_direct/pgsteal_direct and the file counters are the pages taken from the LRU', () => {
    const n = node(0, { managed: 200_000, file: 8192, free: 500, wmark: WM });
    const { deps, vm } = withVmstat(recorder({ profile: '6.1' }).deps);
    const reclaimed = tryToFreePages(model([n]), task, GFP_HIGHUSER_MOVABLE, deps);
    const taken = BigInt(8192 - n.file);
    expect(reclaimed).toBeGreaterThanOrEqual(32); // SWAP_CLUSTER_MAX, met before priority 0
    expect(taken).toBe(BigInt(reclaimed));
    expect(vm.snapshot()).toMatchObject({
      allocstall_movable: 1n,
      allocstall_normal: 0n,
      pgscan_direct: taken,
      pgsteal_direct: taken,
      pgscan_file: taken,
      pgsteal_file: taken,
      pgscan_anon: 0n,
      pgscan_kswapd: 0n,
      pgsteal_kswapd: 0n,
    });
  });

  it('memory.reclaim is cgroup reclaim: no allocstall, no pgscan_direct, but pgscan_file/pgsteal_file count', () => {
    const n = node(0, { managed: 200_000, file: 8192, free: 100_000, wmark: WM });
    const { deps, vm } = withVmstat(recorder({ profile: '6.12' }).deps);
    const r = memoryReclaim(model([n]), ROOT, 64 * 4096, task, deps);
    expect(r.ok).toBe(true);
    const taken = BigInt(8192 - n.file);
    expect(taken).toBeGreaterThanOrEqual(64n);
    expect(vm.snapshot()).toMatchObject({ allocstall_normal: 0n, allocstall_movable: 0n, pgscan_direct: 0n, pgsteal_direct: 0n, pgscan_file: taken, pgsteal_file: taken });
  });

  it('drop_caches: drop_pagecache for bit 1, drop_slab for bit 2, once per write', () => {
    for (const [mode, pc, slab] of [[1, 1n, 0n], [2, 0n, 1n], [3, 1n, 1n]] as const) {
      const n = node(0, { file: 1000 });
      const { deps, vm } = withVmstat(recorder({}).deps);
      dropCaches(model([n]), mode, deps);
      expect([vm.get('drop_pagecache'), vm.get('drop_slab')]).toEqual([pc, slab]);
      // invalidate_mapping_pages is not reclaim: no pgsteal.
      expect(vm.get('pgsteal_direct') + vm.get('pgsteal_file')).toBe(0n);
    }
  });

  it('kswapd: pageoutrun per balance_pgdat; high_wmark_hit_quickly for each run prepare_kswapd_sleep refused', () => {
    // Nothing reclaimable: MAX_RECLAIM_RETRIES (16) runs, each a failure; after the 16th the
    // node is hopeless and kswapd sleeps, so 15 runs were followed at once by another.
    const n = node(0, { free: 500, wmark: WM });
    const { deps, vm } = withVmstat(recorder({ profile: '6.12' }).deps);
    const k = new Kswapd(n, kswapdTask(0, 41));
    expect(k.wake()).toBe(true);
    k.run(model([n]), deps);
    expect(vm.get('pageoutrun')).toBe(16n);
    expect(vm.get('kswapd_high_wmark_hit_quickly')).toBe(15n);
    expect(vm.get('kswapd_low_wmark_hit_quickly')).toBe(0n);
    expect(vm.get('pgscan_kswapd')).toBe(0n);
  });

  it('kswapd: low_wmark_hit_quickly when woken within HZ/10 of going to sleep', () => {
    const n = node(0, { managed: 400_000, file: 200_000, free: 1000, wmark: WM });
    let now = 0;
    const { deps, vm } = withVmstat(recorder({ profile: '6.1' }).deps, () => now);
    const mem = model([n]);
    const k = new Kswapd(n, kswapdTask(0, 41));
    const wakeAndRun = (): void => {
      n.take('anon', n.free - 1000);
      expect(k.wake()).toBe(true);
      while (k.step(mem, deps) === 'continue') {
        /* one balance_pgdat to balance */
      }
    };
    wakeAndRun(); // first wake: kswapd had never slept
    now = KSWAPD_NAP_NS - 1; // inside the nap
    wakeAndRun();
    now += KSWAPD_NAP_NS; // the nap had passed: it was fully asleep
    wakeAndRun();
    expect(vm.get('kswapd_low_wmark_hit_quickly')).toBe(1n);
    expect(vm.get('pageoutrun')).toBe(3n);
    expect(vm.get('kswapd_high_wmark_hit_quickly')).toBe(0n);
    const stolen = vm.get('pgsteal_kswapd');
    expect(stolen).toBe(BigInt(200_000 - n.file));
    expect(vm.get('pgscan_kswapd')).toBe(stolen);
  });
});
