/**
 * What a synthetic cache is configured with: the shape mm/ needs, declared here so that mm/
 * imports nothing from the scenario layer. The scenario's `ResolvedShrinker` extends it with
 * what registration needs (symbol, seeks, batch, nonslab).
 */
import type { CountLimit } from '../../shrinker/types.js';

export type CacheKind = 'superblock' | 'seeks0' | 'numa' | 'memcg' | 'custom';

/** Where count_objects gets its number. */
export type CacheCountSource =
  /** count always answers `objects`; scans free but never change the count (a what-if lever). */
  | { readonly source: 'fixed'; readonly objects: bigint }
  /** A real list: count answers what is on it; it grows back at `growth` objects/s up to `max`. */
  | { readonly source: 'list'; readonly objects: bigint; readonly growth: number; readonly max: bigint };

export interface SyntheticCacheConfig {
  /** Unique debugfs-style name, e.g. `sb-f2fs:dm-5`; scripts address shrinkers by it. */
  readonly name: string;
  readonly kind: CacheKind;
  readonly numaAware: boolean;
  /** Cleared at registration if memcgs are disabled (as shrinker_alloc does). */
  readonly memcgAware: boolean;
  readonly count: CacheCountSource;
  /** Clamp of count_objects (CountObjects.new). */
  readonly countLimit: CountLimit;
  /** Fraction (0..1] of scanned objects that are freed; the rest rotate. */
  readonly freeRatio: number;
  /** Objects per slab page, for crediting freed slab pages to reclaim_state. */
  readonly objectsPerPage: number;
  /** scan returns SHRINK_STOP without __GFP_FS. */
  readonly needsFs: boolean;
  /** scan returns SHRINK_STOP without __GFP_IO. */
  readonly needsIo: boolean;
  /** Probability (0..1) that scan's trylock fails ⇒ SHRINK_STOP; drawn from stream `shrinker:<name>`. */
  readonly trylockFailRate: number;
}
