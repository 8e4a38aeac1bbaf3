/**
 * MGLRU reclaim of one lruvec at one priority (mm/vmscan.c 6.12 `try_to_shrink_lruvec`):
 *
 *   loop: nr_to_scan = get_nr_to_scan()      (≤ 0: stop)
 *         delta = evict_folios()             (one batch of ≤ MIN_LRU_BATCH; 0: stop)
 *         scanned += delta; stop once scanned ≥ nr_to_scan or should_abort_scan()
 *   return nr_to_scan < 0                    (aging ran: "rotate this memcg")
 *
 * `get_nr_to_scan`: the evictable size >> priority, unless aging is due below DEF_PRIORITY,
 * in which case the lruvec ages (a new generation) and the pass ends with -1.
 * `evict_folios`: file first (no refaults in the model, so the PID controller of
 * `get_type_to_scan` picks file; anon first only when its min_seq is older), the other type
 * when the first yields nothing; then `try_to_inc_min_seq`; the batch counts as nothing when
 * the first evictable type is down to MIN_NR_GENS. Every isolated page is reclaimed.
 */
import { __GFP_IO } from '../gfp.js';
import { DEF_PRIORITY } from '../shrinker/types.js';
import { MIN_LRU_BATCH } from './constants.js';
import { LRU_GEN_ANON, LRU_GEN_FILE, MIN_NR_GENS, type LruGen, type LruGenType } from './lruGen.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import { isRootReclaim, type ScanControl } from './scanControl.js';

/** MAX_SWAPPINESS */
const MAX_SWAPPINESS = 200;

export interface LruvecPass {
  /** `nr_to_scan < 0` at the end: the lruvec aged, rotate its memcg young. */
  success: boolean;
  scannedFile: number;
  scannedAnon: number;
  reclaimedFile: number;
  reclaimedAnon: number;
}

/** `get_swappiness()`: 0 unless swap can take at least a batch and may_swap is set. */
export function mglruSwappiness(mem: MemoryModel, node: NodeMemory, sc: ScanControl): number {
  if (!sc.maySwap || node.swapFree < MIN_LRU_BATCH) return 0;
  return mem.swappiness;
}

/** `get_nr_to_scan()` */
export function getNrToScan(lrugen: LruGen, sc: ScanControl, swappiness: number): number {
  const canSwap = swappiness > 0;
  const aging = lrugen.shouldRunAging(canSwap);
  if (!aging.run || sc.priority === DEF_PRIORITY) return Math.floor(aging.nrToScan / 2 ** sc.priority);
  // try_to_inc_max_seq: the model has one reclaimer per lruvec at a time, so it always ages.
  lrugen.incMaxSeq();
  return -1;
}

/**
 * MGLRU's `should_abort_scan` for order-0 root reclaim: the goal (at least compact_gap(0) = 2)
 * is met, or kswapd sees free pages above high + MIN_LRU_BATCH (`zone_watermark_ok` is `>`).
 */
export function shouldAbortScan(node: NodeMemory, sc: ScanControl): boolean {
  if (!isRootReclaim(sc)) return false;
  if (sc.nrReclaimed >= Math.max(sc.nrToReclaim, 2)) return true;
  return sc.path === 'kswapd' && node.free > node.wmark.high + MIN_LRU_BATCH;
}

/** `evict_folios()`: one batch. Returns the pages it counts as scanned, and what it took. */
function evictFolios(
  lrugen: LruGen,
  node: NodeMemory,
  sc: ScanControl,
  swappiness: number,
  pass: LruvecPass,
): number {
  let type: LruGenType;
  if (!swappiness) type = LRU_GEN_FILE;
  else if (lrugen.minSeq[LRU_GEN_ANON] < lrugen.minSeq[LRU_GEN_FILE]) type = LRU_GEN_ANON;
  else if (swappiness === MAX_SWAPPINESS && (sc.gfpMask & __GFP_IO) !== 0) type = LRU_GEN_ANON;
  else type = LRU_GEN_FILE;
  let scanned = 0;
  for (let i = swappiness ? 0 : 1; i < 2; i++) {
    scanned = lrugen.takeOldest(type, MIN_LRU_BATCH);
    if (scanned) break;
    type = type === LRU_GEN_FILE ? LRU_GEN_ANON : LRU_GEN_FILE;
  }
  const isolated = scanned;
  if (lrugen.tryIncMinSeq(swappiness > 0)) scanned += 1;
  if (lrugen.nrGens(swappiness ? LRU_GEN_ANON : LRU_GEN_FILE) === MIN_NR_GENS) scanned = 0;
  if (isolated === 0) return scanned;

  const reclaimed = node.release(type === LRU_GEN_FILE ? 'file' : 'anon', isolated);
  if (type === LRU_GEN_ANON) {
    node.swapUsed += reclaimed;
    pass.scannedAnon += isolated;
    pass.reclaimedAnon += reclaimed;
  } else {
    pass.scannedFile += isolated;
    pass.reclaimedFile += reclaimed;
  }
  sc.nrScanned += isolated;
  sc.nrReclaimed += reclaimed;
  return scanned;
}

/** `try_to_shrink_lruvec()` */
export function tryToShrinkLruvec(mem: MemoryModel, node: NodeMemory, lrugen: LruGen, sc: ScanControl): LruvecPass {
  const pass: LruvecPass = { success: false, scannedFile: 0, scannedAnon: 0, reclaimedFile: 0, reclaimedAnon: 0 };
  const swappiness = mglruSwappiness(mem, node, sc);
  let scanned = 0;
  let nrToScan: number;
  for (;;) {
    nrToScan = getNrToScan(lrugen, sc, swappiness);
    if (nrToScan <= 0) break;
    const delta = evictFolios(lrugen, node, sc, swappiness, pass);
    if (!delta) break;
    scanned += delta;
    if (scanned >= nrToScan) break;
    if (shouldAbortScan(node, sc)) break;
  }
  pass.success = nrToScan < 0;
  return pass;
}

/** `lruvec_is_sizable()` for an online memcg: its evictable size >> priority is not 0. */
export function lruvecIsSizable(lrugen: LruGen, sc: ScanControl, swappiness: number): boolean {
  return Math.floor(lrugen.evictableSize(swappiness > 0) / 2 ** sc.priority) > 0;
}
