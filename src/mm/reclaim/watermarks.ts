/**
 * Zone watermarks as `__setup_per_zone_wmarks()` (mm/page_alloc.c) derives them, for a node
 * modelled as one zone (ZONE_NORMAL). With several nodes, `min` is split in proportion to
 * each node's managed pages, as the kernel splits `pages_min` over the lowmem zones.
 */

export interface Watermarks {
  readonly min: number;
  readonly low: number;
  readonly high: number;
}

/** `min_free_kbytes` clamps (mm/page_alloc.c `calculate_min_free_kbytes`). */
const MIN_FREE_KBYTES_FLOOR = 128;
const MIN_FREE_KBYTES_CEIL = 262_144;
/** Default `vm.watermark_scale_factor` (in units of 1/10000 of the zone). */
export const DEFAULT_WATERMARK_SCALE_FACTOR = 10;

/**
 * `calculate_min_free_kbytes`: `int_sqrt(lowmem_kbytes * 16)` clamped to [128, 262144].
 * Grows as the square root of memory, so small machines keep a relatively larger reserve.
 */
export function defaultMinFreeKbytes(lowmemKbytes: number): number {
  const v = Math.floor(Math.sqrt(lowmemKbytes * 16));
  return Math.min(Math.max(v, MIN_FREE_KBYTES_FLOOR), MIN_FREE_KBYTES_CEIL);
}

/**
 * The three watermarks of one zone.
 * - `min = pages_min * managed / lowmem_pages` (pages_min = min_free_kbytes / 4)
 * - `tmp = max(min / 4, managed * watermark_scale_factor / 10000)`
 * - `low = min + tmp`, `high = min + 2 * tmp`
 * The `tmp` term is why raising watermark_scale_factor widens the kswapd band without
 * touching the emergency reserve.
 */
export function zoneWatermarks(
  managedPages: number,
  totalLowmemPages: number,
  minFreeKbytes: number,
  watermarkScaleFactor: number = DEFAULT_WATERMARK_SCALE_FACTOR,
): Watermarks {
  const pagesMin = Math.floor(minFreeKbytes / 4);
  const min = totalLowmemPages > 0 ? Math.floor((pagesMin * managedPages) / totalLowmemPages) : 0;
  const tmp = Math.max(Math.floor(min / 4), Math.floor((managedPages * watermarkScaleFactor) / 10_000));
  return { min, low: min + tmp, high: min + 2 * tmp };
}
