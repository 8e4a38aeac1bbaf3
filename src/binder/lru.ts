/**
 * `binder_freelist`: the driver's one global list_lru of Binder pages, for every process.
 *
 * It is the project's shared `ListLru` (src/mm/listLru), created as `list_lru_init` creates
 * the kernel's: not memcg-aware (every page sits on a node-level list), one list per node.
 * Items are integer page ids (`proc base + page index`), so no object exists per page and
 * add/del/isolate are O(1). This file adds no list logic; it fixes the options and names the
 * few Binder-specific conveniences.
 *
 * Every Binder page is modelled on node 0 (the simulator charges Binder pages to node 0), so
 * `list_lru_add_obj`'s `page_to_nid()` is always 0 here; `list_lru_walk` still visits the
 * other nodes' (empty) lists, as the kernel's does.
 */
import { ListLru } from '../mm/listLru/index.js';
import type { LruIsolate, LruIsolateHandle, LruStatus as ListLruStatus } from '../mm/listLru/index.js';

/** The node every Binder page is listed on. */
export const BINDER_PAGE_NID = 0;
/** kmem id of the node-level lists: a non-memcg-aware lru files everything there. */
const NODE_LEVEL = -1;

/** `enum lru_status`, as the shared list_lru defines it (re-exported under Binder's old name). */
export type LruStatus = ListLruStatus;
/** What an isolate callback may do to the list it is walking (`struct list_lru_one` + its lock). */
export type LruListHandle = LruIsolateHandle;
/** Binder's isolate callbacks take no argument (`cb_arg` is NULL in binder_shrink_scan). */
export type IsolateFn = LruIsolate<undefined>;

export class BinderFreelist extends ListLru {
  /**
   * @param initialCapacity - page ids to make room for up front (the list still grows).
   * @param nrNodes - `nr_node_ids` of the simulated machine; default 1.
   */
  constructor(initialCapacity = 0, nrNodes = 1) {
    super({ nrNodes, memcgAware: false, initialCapacity: Math.max(16, initialCapacity) });
  }

  /** `list_lru_add_obj(&binder_freelist, &page->lru)`: tail of node 0's list; false if listed. */
  addPage(item: number): boolean {
    // The literal, not BINDER_PAGE_NID: an imported const is a checked cell load per page in
    // V8's optimized code, and a nid it cannot see as a constant costs conversions too.
    return this.addNodeLevel(item, 0);
  }

  /**
   * `addPage` of the ids `base + i` for the i in [from, to) whose `flags[i] & bit` is set,
   * ascending; returns how many were added (`maskedMatched`: how many the flags selected).
   */
  addPagesMasked(base: number, flags: Uint8Array, bit: number, from: number, to: number): number {
    return this.addNodeLevelMasked(base, flags, bit, from, to, 0);
  }

  /** Items of the list Binder pages live on, head (oldest) first. Allocates: tests/reports only. */
  items(): number[] {
    return this.listItems(BINDER_PAGE_NID, NODE_LEVEL);
  }
}
