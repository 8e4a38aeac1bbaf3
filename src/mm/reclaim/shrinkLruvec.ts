/**
 * Classic LRU reclaim of one node at one priority, reduced to list sizes. No per-page work: a
 * pass is O(log budget). (MGLRU root reclaim is tryToShrinkLruvec.ts.)
 *
 * Budget (`get_scan_count`): `lru_size >> priority` of the unmapped page cache (mapped pages
 * in use stay active) and, only with swap and `may_swap`, a swappiness-weighted share of anon.
 *
 * Stopping rule — the part that decides how much a pass takes:
 * - `shrink_lruvec`: lists are scanned in rounds of SWAP_CLUSTER_MAX pages each; after
 *   a round, once this call reclaimed `nr_to_reclaim`, the smaller list stops and the larger
 *   one gets one nudge towards the same scanned fraction of its budget, then the pass ends.
 *   Only global direct reclaim at DEF_PRIORITY (`proportional_reclaim`) scans its whole budget.
 *   kswapd stops too: its `nr_to_reclaim` is the high watermark.
 * Every scanned page is reclaimed (the model has no referenced or dirty pages).
 */
import { DEF_PRIORITY } from '../shrinker/types.js';
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

/** Pages taken from a list of budget `b` after `k` rounds of `batch`. */
const taken = (b: number, k: number, batch: number): number => Math.min(b, k * batch);

/**
 * Smallest number of rounds `k ≥ 1` after which the two lists together gave at least `target`
 * pages (or all their budget). Binary search: the sum is monotone in k.
 */
export function roundsToTarget(file: number, anon: number, batch: number, target: number): number {
  const maxRounds = Math.max(1, Math.ceil(Math.max(file, anon) / batch));
  if (!(target < Number.POSITIVE_INFINITY)) return maxRounds;
  let lo = 1;
  let hi = maxRounds;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (taken(file, mid, batch) + taken(anon, mid, batch) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function shrinkLruvec(mem: MemoryModel, node: NodeMemory, sc: ScanControl): LruPassResult {
  // Mapped page cache in use is the active list: shrink_folio_list finds its ptes referenced
  // (folio_check_references → FOLIOREF_ACTIVATE / KEEP) and shrink_active_list keeps it, so
  // only the cold, unmapped pages are on the inactive list that is scanned and reclaimed.
  let scanFile = shiftDown(node.file - node.fileMapped, sc.priority);
  const canSwap = sc.maySwap && node.swapFree > 0 && mem.swappiness > 0;
  // get_scan_count's fractions reduced to their steady state: anon weight swappiness,
  // file weight 200 - swappiness, out of 200.
  let scanAnon = canSwap ? Math.floor((shiftDown(node.anon, sc.priority) * mem.swappiness) / 200) : 0;
  if (canSwap) scanFile = Math.floor((scanFile * (200 - mem.swappiness)) / 200);
  // Anon pages can only go as far as there is swap to put them in.
  scanAnon = Math.min(scanAnon, node.anon, node.swapFree);

  const proportional = sc.targetMemcg === null && sc.path !== 'kswapd' && sc.priority === DEF_PRIORITY;
  const target = proportional ? Number.POSITIVE_INFINITY : sc.nrToReclaim;
  const k = roundsToTarget(scanFile, scanAnon, SWAP_CLUSTER_MAX, target);
  let file = taken(scanFile, k, SWAP_CLUSTER_MAX);
  let anon = taken(scanAnon, k, SWAP_CLUSTER_MAX);
  const fileLeft = scanFile - file;
  const anonLeft = scanAnon - anon;
  // Target met with both lists still holding budget: the smaller list stops, the larger
  // is brought to the fraction the smaller one reached (percentages, as the kernel does).
  if (fileLeft > 0 && anonLeft > 0) {
    if (fileLeft > anonLeft) {
      const pct = Math.floor((anonLeft * 100) / (scanAnon + 1));
      file = Math.max(file, Math.floor((scanFile * (100 - pct)) / 100));
    } else {
      const pct = Math.floor((fileLeft * 100) / (scanFile + 1));
      anon = Math.max(anon, Math.floor((scanAnon * (100 - pct)) / 100));
    }
  }

  const reclaimedFile = node.release('file', file);
  const reclaimedAnon = node.release('anon', anon);
  node.swapUsed += reclaimedAnon;
  sc.nrScanned += file + anon;
  sc.nrReclaimed += reclaimedFile + reclaimedAnon;
  return { scannedFile: file, scannedAnon: anon, reclaimedFile, reclaimedAnon };
}

/** What MGLRU's set_initial_priority reads: inactive file, plus inactive anon with swap. */
export function inactiveReclaimable(mem: MemoryModel, node: NodeMemory, maySwap: boolean): number {
  const file = Math.floor(node.file * mem.inactiveRatio);
  const anon = maySwap && node.swapFree > 0 ? Math.floor(node.anon * mem.inactiveRatio) : 0;
  return file + anon;
}
