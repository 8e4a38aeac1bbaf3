/** The reclaim engine: memory model, watermarks, and every path that calls shrink_slab. */
export { PAGE_SIZE, SWAP_CLUSTER_MAX, MIN_LRU_BATCH, NODE_RECLAIM_PRIORITY, MAX_RECLAIM_RETRIES } from './constants.js';
export { defaultMinFreeKbytes, zoneWatermarks, DEFAULT_WATERMARK_SCALE_FACTOR, type Watermarks } from './watermarks.js';
export { NodeMemory, type MemoryModel, type NodeMemoryInit, type PageOwner } from './nodeMemory.js';
export {
  RECLAIM_PATHS,
  isRootReclaim,
  newScanControl,
  type GfpScope,
  type ReclaimDeps,
  type ReclaimObserver,
  type ReclaimPath,
  type ScanControl,
  type ShrinkSlabCall,
  type ShrinkSlabFn,
  type ShrinkSlabOutcome,
  type TaskRef,
} from './scanControl.js';
export { flsLong, mglruInitialPriority } from './mglru.js';
export { shrinkLruvec, inactiveReclaimable } from './shrinkLruvec.js';
export { LruGen, LRU_GEN_ANON, LRU_GEN_FILE, MIN_NR_GENS, MAX_NR_GENS, type LruGenType } from './lruGen.js';
export { MemcgLru, MEMCG_NR_BINS, MEMCG_NR_GENS, type DrawFn, type MemcgLruOp } from './memcgLru.js';
export { MglruNode, type MglruLruvec } from './mglruNode.js';
export { tryToShrinkLruvec, getNrToScan, shouldAbortScan } from './tryToShrinkLruvec.js';
export { lruGenShrinkNode, shrinkMany, shrinkOne } from './shrinkMany.js';
export { shrinkNode, flushReclaimState } from './shrinkNode.js';
export { doTryToFreePages } from './doTryToFreePages.js';
export { tryToFreePages } from './directReclaim.js';
export { Kswapd, BalancePgdat, balancePgdat, kswapdTask, type KswapdRun } from './kswapd.js';
export { DEFAULT_RECLAIM_COST, emptyWork, workCostNs, type ReclaimCost, type ReclaimWork } from './cost.js';
export { memoryReclaim, tryToFreeMemCgroupPages, memcgReclaimGfp, type MemoryReclaimResult } from './proactive.js';
export { dropCaches, DROP_CACHES_TASK, type DropCachesMode, type DropCachesResult } from './dropCaches.js';
export { nodeReclaim } from './nodeReclaim.js';
export { allocPages, type AllocEnv, type AllocResult } from './allocator.js';
