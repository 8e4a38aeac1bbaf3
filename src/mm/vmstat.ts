/**
 * `/proc/vmstat` event counters, under the kernel's names, for the events this model really
 * computes, each counted where the kernel counts it (mm/vmscan.c, fs/drop_caches.c):
 *
 * - `allocstall_<zone>`: do_try_to_free_pages(), once per entry to its priority loop (its
 *   `retry:` label is above the count, so 6.10+'s full-walk retry counts again), indexed by
 *   gfp_zone() of the request (`sc->reclaim_idx`); not for cgroup (memory.reclaim) reclaim.
 * - `pgscan_kswapd` / `pgscan_direct` / `pgsteal_kswapd` / `pgsteal_direct`: pages isolated
 *   and reclaimed by shrink_inactive_list() (classic LRU) or scan_folios()/evict_folios()
 *   (MGLRU): kswapd or anyone else (`reclaimer_offset()`), and only when !cgroup_reclaim(sc).
 * - `pgscan_anon` / `pgscan_file` / `pgsteal_anon` / `pgsteal_file`: the same pages by LRU
 *   type, counted for every reclaimer, cgroup reclaim included.
 * - `slabs_scanned`: do_shrink_slab(), Σ `shrinkctl->nr_scanned` of every scan_objects call
 *   that did not return SHRINK_STOP (the run loop adds it from each call's outcome).
 * - `pageoutrun`: balance_pgdat(), once per call.
 * - `kswapd_low_wmark_hit_quickly` / `kswapd_high_wmark_hit_quickly`: kswapd_try_to_sleep().
 *   HIGH: prepare_kswapd_sleep() said no (neither balanced nor hopeless), so kswapd runs
 *   balance_pgdat again at once. LOW: kswapd was woken during its HZ/10 nap after deciding to
 *   sleep. (The model's kswapd sleeps fully at once and only a wakeup_kswapd restarts it, so a
 *   nap that ends below the high watermark without a wakeup is not modelled.)
 * - `drop_pagecache` / `drop_slab`: drop_caches_sysctl_handler(), once per write with bit 1 / 2.
 * - `oom_kill`: __oom_kill_process(), once per victim of a global OOM (mm/oom.ts; the machine
 *   counts it where it kills). In mm/vmstat.c's vmstat_text it follows `drop_slab` directly.
 *
 * Counters are unsigned long in the kernel: bigints here.
 */
import { __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, __GFP_MOVABLE, type GfpMask } from './gfp.js';

/** The counters, in `/proc/vmstat` order (include/linux/vm_event_item.h). */
export const VMSTAT_ITEMS = [
  'allocstall_dma',
  'allocstall_dma32',
  'allocstall_normal',
  'allocstall_movable',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgscan_anon',
  'pgscan_file',
  'pgsteal_anon',
  'pgsteal_file',
  'slabs_scanned',
  'kswapd_low_wmark_hit_quickly',
  'kswapd_high_wmark_hit_quickly',
  'pageoutrun',
  'drop_pagecache',
  'drop_slab',
  'oom_kill',
] as const;

export type VmStatItem = (typeof VMSTAT_ITEMS)[number];

/** A snapshot: every item, in VMSTAT_ITEMS order. */
export type VmStatCounters = Readonly<Record<VmStatItem, bigint>>;

/** kswapd_try_to_sleep's nap: `schedule_timeout(HZ/10)`, 100 ms whatever HZ is. */
export const KSWAPD_NAP_NS = 100_000_000;

export class VmStat {
  private readonly counts = new Map<VmStatItem, bigint>(VMSTAT_ITEMS.map((k) => [k, 0n]));

  /** `count_vm_events(item, n)`. */
  count(item: VmStatItem, n: number | bigint = 1): void {
    this.counts.set(item, (this.counts.get(item) ?? 0n) + BigInt(n));
  }

  get(item: VmStatItem): bigint {
    return this.counts.get(item) ?? 0n;
  }

  snapshot(): VmStatCounters {
    const out = {} as Record<VmStatItem, bigint>;
    for (const k of VMSTAT_ITEMS) out[k] = this.get(k);
    return out;
  }
}

/**
 * `gfp_zone()` on a 64-bit kernel without CONFIG_HIGHMEM (GFP_ZONE_TABLE): __GFP_DMA → DMA,
 * __GFP_DMA32 → DMA32, __GFP_HIGHMEM together with __GFP_MOVABLE → MOVABLE, anything else
 * (__GFP_HIGHMEM alone included: OPT_ZONE_HIGHMEM is ZONE_NORMAL) → NORMAL.
 */
export function allocstallItem(mask: GfpMask): VmStatItem {
  if (mask & __GFP_DMA) return 'allocstall_dma';
  if (mask & __GFP_DMA32) return 'allocstall_dma32';
  if (mask & __GFP_HIGHMEM && mask & __GFP_MOVABLE) return 'allocstall_movable';
  return 'allocstall_normal';
}

/** Who reclaims, as the LRU counters see it. */
export interface LruReclaimer {
  readonly kswapd: boolean;
  /** `cgroup_reclaim(sc)`: reclaim targeted at a memcg (memory.reclaim): not in the global counters. */
  readonly cgroup: boolean;
}

/**
 * The counts of shrink_inactive_list() / evict_folios() for one LRU pass: `pgscan_*` for the
 * pages isolated, `pgsteal_*` for the pages reclaimed.
 */
export function countLruPass(
  vm: VmStat,
  who: LruReclaimer,
  scanned: { readonly file: number; readonly anon: number },
  reclaimed: { readonly file: number; readonly anon: number },
): void {
  if (!who.cgroup) {
    vm.count(who.kswapd ? 'pgscan_kswapd' : 'pgscan_direct', scanned.file + scanned.anon);
    vm.count(who.kswapd ? 'pgsteal_kswapd' : 'pgsteal_direct', reclaimed.file + reclaimed.anon);
  }
  vm.count('pgscan_file', scanned.file);
  vm.count('pgscan_anon', scanned.anon);
  vm.count('pgsteal_file', reclaimed.file);
  vm.count('pgsteal_anon', reclaimed.anon);
}
