/**
 * Reclaim constants, as include/linux/swap.h, mm/internal.h and mm/vmscan.c define them.
 */

/** Bytes per page on the simulated machines (x86-64 and arm64 Android both use 4 KiB). */
export const PAGE_SIZE = 4096;
/** Direct reclaim's `nr_to_reclaim` and the chunk size of LRU scanning. */
export const SWAP_CLUSTER_MAX = 32;
/** MGLRU's batch; `set_initial_priority` only acts when `nr_to_reclaim` is at least this. */
export const MIN_LRU_BATCH = 64;
/** node_reclaim (zone_reclaim_mode) starts here instead of DEF_PRIORITY. */
export const NODE_RECLAIM_PRIORITY = 4;
/** mm/internal.h: retries of memory.reclaim and of the allocator's reclaim loop. */
export const MAX_RECLAIM_RETRIES = 16;
