/**
 * Replaying lock contention the capture recorded with isolate probes (the second capture's
 * kretprobe on binder_alloc_free_page: 1 = LRU_REMOVED_RETRY, 3 = LRU_SKIP, and its entry
 * probe's item address).
 *
 * A list_lru walk is a series of passes from the list head: each visit costs one of
 * nr_to_walk; a skip leaves the item in place; a removal restarts the walk from the head. So
 * a scan call splits exactly into its passes, each one a walk of as many visits as the pass
 * made, starting from the head, as the kernel's pass did. A pass whose visits were skipped
 * is replayed with as many failing mmap read-trylocks of each process as the pass skipped
 * of its pages (the `lock` step's `trylocks`): the writer may let go in the middle of a pass
 * (p8 has two passes that skip pages of a process and then free the next one of it), which a
 * hold over the walk's instant could not show.
 *
 * Which process a skipped item belongs to: items are `struct binder_lru_page` entries of a
 * per-process array (32 bytes each in 6.12), so every removal (item address, then the
 * unmap's proc and page_index) gives that array's base; skipped addresses are placed by it.
 */
import { numField } from './events.js';
import type { TraceOp, Visit } from './operations.js';

export const LRU_REMOVED_RETRY = 1;
export const LRU_SKIP = 3;
/** sizeof(struct binder_lru_page) in 6.12 (list_head, page pointer, alloc pointer). */
export const LRU_PAGE_STRIDE = 32n;

export interface Pass {
  /** Visits of the pass (nr_to_walk of its replayed walk). */
  readonly nr: number;
  /** Per pid, how many of its pages the pass skipped (its mmap read-trylocks that failed). */
  readonly skips: ReadonlyMap<number, number>;
}

/** One sighting of a process's page array: at operation `at`, base `base` was `pid`'s. */
export interface BaseSighting {
  readonly at: number;
  readonly base: bigint;
  readonly pid: number;
}

/**
 * Every removal of every shrinker call (operation index, array base, pid). Arrays are
 * kmalloc'ed: after a process exits, another one's array may take the same address, so a
 * sighting is valid near its time only.
 */
export function learnItemBases(ops: readonly TraceOp[]): BaseSighting[] {
  const out: BaseSighting[] = [];
  ops.forEach((op, at) => {
    if (op.kind !== 'shrink' || op.visits.length === 0) return;
    const unmaps = op.events.filter((e) => e.event === 'binder_unmap_kernel_start');
    let k = 0;
    const seen = new Set<string>();
    for (const v of op.visits) {
      if (v.ret !== LRU_REMOVED_RETRY) continue;
      const u = unmaps[k++];
      if (!u || v.item === undefined) continue;
      const proc = numField(u.body, 'proc');
      const page = numField(u.body, 'page_index');
      if (proc === undefined || page === undefined) continue;
      const base = v.item - BigInt(page) * LRU_PAGE_STRIDE;
      const key = `${base}:${proc}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ at, base, pid: proc });
    }
  });
  return out;
}

/** The process owning an item address at operation `at`: the nearest sighting whose array holds it. */
function ownerOf(item: bigint | undefined, at: number, sightings: readonly BaseSighting[], nrPages = 1024n): number | undefined {
  if (item === undefined) return undefined;
  let best: BaseSighting | undefined;
  for (const s of sightings) {
    if (item < s.base || item >= s.base + nrPages * LRU_PAGE_STRIDE) continue;
    if (!best || Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
  }
  return best?.pid;
}

/**
 * The passes of a shrinker call's scans. `calls` are the nr_to_scan of each scan_objects
 * call: a pass never spans two calls (a new call starts from the head too). `listed` is the
 * list's length at the start (the pair's `cache items`): a pass that visits every listed item
 * without a removal reached the list's end, which ends the call's walk early.
 */
export function passesOf(
  visits: readonly Visit[],
  calls: readonly bigint[],
  sightings: readonly BaseSighting[],
  at: number,
  listed: number,
): { passes: Pass[]; unknownOwners: number } {
  const passes: Pass[] = [];
  let unknownOwners = 0;
  let i = 0;
  let len = listed;
  for (const c of calls) {
    let left = Number(c);
    while (left > 0 && i < visits.length) {
      const skips = new Map<number, number>();
      let nr = 0;
      let removed = false;
      while (left > 0 && i < visits.length && nr < len) {
        const v = visits[i++] as Visit;
        nr++;
        left--;
        if (v.ret === LRU_SKIP) {
          const owner = ownerOf(v.item, at, sightings);
          if (owner === undefined) unknownOwners++;
          else skips.set(owner, (skips.get(owner) ?? 0) + 1);
        }
        if (v.ret === LRU_REMOVED_RETRY) {
          removed = true;
          len--;
          break;
        }
      }
      passes.push({ nr, skips });
      if (!removed) break; // end of the list (or of nr_to_walk): this call's walk is over
    }
  }
  return { passes, unknownOwners };
}
