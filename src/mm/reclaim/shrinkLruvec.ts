/**
 * LRU reclaim of one node at one priority (`shrink_lruvec` + `get_scan_count`, reduced to
 * list sizes): scan `lru_size >> priority` of the page cache and, only with swap and
 * `may_swap`, a swappiness-weighted share of anon. Clean page cache is cheap, so it goes
 * first; anon costs a swap-out. No per-page work: one pass is O(1).
 */
import { SWAP_CLUSTER_MAX } from './constants.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import type { ScanControl } from './scanControl.js';

/** `size >> priority` for page counts (numbers; priority ≤ 12 keeps this exact). */
const shiftDown = (size: number, priority: number): number => Math.floor(size / 2 ** priority);

export interface LruPassResult {
  readonly scannedFile: number;
  readonly scannedAnon: number;
  readonly reclaimedFile: number;
  readonly reclaimedAnon: number;
}

export function shrinkLruvec(mem: MemoryModel, node: NodeMemory, sc: ScanControl): LruPassResult {
  let scanFile = shiftDown(node.file, sc.priority);
  const canSwap = sc.maySwap && node.swapFree > 0 && mem.swappiness > 0;
  // get_scan_count's fractions reduced to their steady state: anon weight swappiness,
  // file weight 200 - swappiness, out of 200.
  let scanAnon = canSwap ? Math.floor((shiftDown(node.anon, sc.priority) * mem.swappiness) / 200) : 0;
  if (canSwap) scanFile = Math.floor((scanFile * (200 - mem.swappiness)) / 200);

  if (sc.path !== 'kswapd') {
    // Direct and memcg reclaim work in SWAP_CLUSTER_MAX chunks and stop once the goal is met
    // (kswapd scans its whole budget: it is working towards the high watermark).
    const need = Math.max(0, sc.nrToReclaim - sc.nrReclaimed);
    const chunked = Math.ceil(need / SWAP_CLUSTER_MAX) * SWAP_CLUSTER_MAX;
    scanFile = Math.min(scanFile, chunked);
    scanAnon = Math.min(scanAnon, Math.max(0, chunked - scanFile));
  }

  const reclaimedFile = node.release('file', scanFile);
  const toSwap = Math.min(scanAnon, node.anon, node.swapFree);
  const reclaimedAnon = node.release('anon', toSwap);
  node.swapUsed += reclaimedAnon;
  sc.nrScanned += scanFile + scanAnon;
  sc.nrReclaimed += reclaimedFile + reclaimedAnon;
  return { scannedFile: scanFile, scannedAnon: scanAnon, reclaimedFile, reclaimedAnon };
}

/** What MGLRU's set_initial_priority reads: inactive file, plus inactive anon with swap. */
export function inactiveReclaimable(mem: MemoryModel, node: NodeMemory, maySwap: boolean): number {
  const file = Math.floor(node.file * mem.inactiveRatio);
  const anon = maySwap && node.swapFree > 0 ? Math.floor(node.anon * mem.inactiveRatio) : 0;
  return file + anon;
}
