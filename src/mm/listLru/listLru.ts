/**
 * `struct list_lru` (mm/list_lru.c, include/linux/list_lru.h) on typed arrays.
 *
 * Items are integer ids 0..n-1 chosen by the owner (a Binder page's global id, …). Every
 * item has three slots: Int32 `next` and `prev`, and `owner` (the sublist it is on, −1 when it is
 * on none). A sublist is one `list_lru_one`: head, tail, `nr_items`, plus its node and memcg.
 * Sublists come in rows of `nrNodes`, one row per memcg kmem id, row 0 being the node-level
 * lists (kmem id −1). Nothing is allocated per item, so millions of pages cost 12 bytes each,
 * and every list operation is O(1).
 *
 * Reparenting splices a whole sublist in O(1) without rewriting the moved items' `owner`: the
 * dead sublist keeps an `alias` to the one it was spliced into, and lookups follow aliases
 * (compressing the item's `owner` on the way). Sublist ids are never reused; memcg kmem ids
 * are (see `memcgOnline`).
 */
import type { ShrinkControl } from '../shrinker/types.js';
import { lruBug } from './bug.js';
import {
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_STOP,
  lruStatusName,
  type LruStatus,
} from './status.js';
import type {
  ListLruOptions,
  LruIsolate,
  LruIsolateHandle,
  LruPlace,
  LruWalkBudget,
  SetShrinkerBit,
} from './types.js';

/** End of a list / no sublist. */
const NIL = -1;
/** `memcgRedirect` value of a kmem id that was never reparented. */
const LIVE = -2;
/** Largest usable item id + 1: ids live in Int32 slots. */
const MAX_ITEMS = 0x7fffffff;

/** The mutable side of the handle the walker passes to callbacks (one per ListLru). */
interface WalkState extends LruIsolateHandle {
  nid: number;
  memcgIdx: number;
  /** Sublist being walked. */
  sub: number;
  /** `isolate`/`isolateMove` calls during the current callback. */
  isolations: number;
  /** The callback dropped the lock at least once. */
  dropped: boolean;
}

/**
 * The memcg kmem id a shrink_control targets: −1 (node-level list) for NULL or the root
 * memcg, as `memcg_kmem_id()` does; otherwise the memcg's id.
 */
export const memcgIdxOf = (sc: ShrinkControl): number =>
  sc.memcg === null || sc.memcg.isRoot ? -1 : sc.memcg.id;

/**
 * A list_lru: per-node lists, and per-memcg sublists when memcg-aware.
 *
 * Invariants (spec invariant 24): an item is on at most one sublist; each sublist's
 * `nr_items` equals its length; each node total equals the sum of that node's sublists.
 */
export class ListLru {
  /** `strict` of lrus created without the option (see ListLruOptions.strict). */
  static strictDefault = false;

  /**
   * The handle the walker passes to isolate callbacks. A class (not an object literal with
   * getters) so that V8 keeps one fast shape and inlines `isolate` into the walk; declared in
   * the class body so it may reach the lru's private arrays.
   */
  private static readonly Handle = class implements WalkState {
    nid = 0;
    memcgIdx = -1;
    /** Sublist being walked. */
    sub = NIL;
    isolations = 0;
    dropped = false;
    constructor(private readonly lru: ListLru) {}
    get nrItems(): number {
      return this.lru.nrItems[this.sub] ?? 0;
    }
    get lockHeld(): boolean {
      return this.lru.lockHeldArr[this.nid] === 1;
    }
    isolate(item: number): void {
      this.lru.walkIsolate(item);
    }
    isolateMove(item: number, dispose: number[]): void {
      this.lru.walkIsolate(item);
      dispose.push(item);
    }
    unlock(): void {
      const lru = this.lru;
      if (lru.lockHeldArr[this.nid] !== 1) throw lruBug(`spin_unlock of node ${this.nid}: not held`);
      lru.lockHeldArr[this.nid] = 0;
      this.dropped = true;
    }
    lock(): void {
      const lru = this.lru;
      if (lru.lockHeldArr[this.nid] === 1) throw lruBug(`spin_lock of node ${this.nid}: already held (deadlock)`);
      lru.lockHeldArr[this.nid] = 1;
    }
  };
  readonly nrNodes: number;
  /** Protocol checks on every isolate callback (ListLruOptions.strict). */
  readonly strict: boolean;
  /** False also when created memcg-aware-less; every memcg then maps to kmem id −1. */
  readonly memcgAware: boolean;
  /** `lru->shrinker_id`, −1 if none. */
  readonly shrinkerId: number;
  private readonly setBit: SetShrinkerBit | undefined;

  // Per item.
  private next: Int32Array;
  private prev: Int32Array;
  /** Int16 while sublist ids fit (10 bytes per item in all), Int32 after (see ensureRow). */
  private owner: Int16Array | Int32Array;

  // Per sublist (list_lru_one).
  private head: Int32Array;
  private tail: Int32Array;
  private nrItems: Int32Array;
  /** −1 while live; after reparenting, the sublist its items were spliced into. */
  private alias: Int32Array;
  private subNid: Int32Array;
  private subMemcg: Int32Array;
  private nrSublists = 0;

  // Per memcg kmem id, indexed by id + 1 (slot 0 is the node-level row, id −1).
  /** First sublist id of the memcg's row, or −1 if it has none yet (created on first add). */
  private memcgRow: Int32Array;
  /** LIVE, or the live kmem id the memcg was reparented to. */
  private memcgRedirect: Int32Array;

  // Per node.
  /** `nlru->nr_items`: items of the node over all memcgs. */
  private readonly nodeTotal: Float64Array;
  /** The per-node lru spinlock (≤ 6.12: one lock for all memcgs of a node). */
  private readonly lockHeldArr: Uint8Array;

  private walking = false;
  private readonly state: WalkState;
  private readonly scratchBudget: LruWalkBudget = { nrToWalk: 0 };

  /**
   * list_lru_init / list_lru_init_memcg: an lru with empty lists on every node.
   * @param opts - `nrNodes` ≥ 1; `memcgAware`; optional `shrinkerId` and `setShrinkerBit`.
   */
  constructor(opts: ListLruOptions) {
    const { nrNodes, memcgAware } = opts;
    if (!Number.isInteger(nrNodes) || nrNodes < 1 || nrNodes > 1024) {
      throw new RangeError(`list_lru: nrNodes must be an integer in 1..1024, got ${nrNodes}`);
    }
    this.nrNodes = nrNodes;
    this.memcgAware = memcgAware;
    const id = opts.shrinkerId ?? -1;
    if (!Number.isInteger(id) || id < -1) throw new RangeError(`list_lru: bad shrinkerId ${id}`);
    this.shrinkerId = id;
    this.setBit = opts.setShrinkerBit;
    this.strict = opts.strict ?? ListLru.strictDefault;

    const cap = Math.max(16, Math.min(MAX_ITEMS, Math.floor(opts.initialCapacity ?? 1024)));
    this.next = new Int32Array(cap).fill(NIL);
    this.prev = new Int32Array(cap).fill(NIL);
    this.owner = new Int16Array(cap).fill(NIL);

    const subCap = nrNodes * 4;
    this.head = new Int32Array(subCap);
    this.tail = new Int32Array(subCap);
    this.nrItems = new Int32Array(subCap);
    this.alias = new Int32Array(subCap);
    this.subNid = new Int32Array(subCap);
    this.subMemcg = new Int32Array(subCap);

    this.memcgRow = new Int32Array(memcgAware ? 16 : 1).fill(NIL);
    this.memcgRedirect = new Int32Array(memcgAware ? 16 : 1).fill(LIVE);
    this.nodeTotal = new Float64Array(nrNodes);
    this.lockHeldArr = new Uint8Array(nrNodes);
    this.ensureRow(-1);

    // One handle serves every callback (no allocation per item).
    this.state = new ListLru.Handle(this);
  }

  // ---------------------------------------------------------------------------------------
  // Add / del / count

  /**
   * list_lru_add: put `item` at the tail of the (nid, memcg) sublist.
   *
   * A memcg that was reparented resolves to its live ancestor (6.12 rewrites a dead memcg's
   * kmemcg_id to the parent's). When the sublist goes 0 → 1 and is not the node-level list,
   * calls `set_shrinker_bit` so memcg reclaim will visit this shrinker.
   * @param item - Owner-chosen id, 0 ≤ item < 2^31 − 1; slots grow by doubling.
   * @param nid - Node, 0 ≤ nid < nrNodes.
   * @param memcgIdx - Memcg kmem id, −1 for the node-level list; ignored if not memcg-aware.
   * @returns True if added; false, doing nothing, if the item is already on a list (any
   *   list, not necessarily this one).
   */
  add(item: number, nid: number, memcgIdx: number): boolean {
    this.checkItem(item);
    this.checkNid(nid);
    this.checkUnlocked(nid, 'list_lru_add');
    if (item >= this.owner.length) this.growItems(item + 1);
    if (this.owner[item] !== NIL) return false;
    // Not memcg-aware: only the node-level row exists, created first (sublists 0..nrNodes-1).
    const m = this.memcgAware ? this.resolveMemcg(memcgIdx) : -1;
    const s = this.memcgAware ? this.ensureRow(m) + nid : nid;
    this.linkTail(s, item);
    this.owner[item] = s;
    // Only the first item changes what memcg reclaim needs to know.
    const before = this.nrItems[s]!;
    this.nrItems[s] = before + 1;
    if (before === 0 && m >= 0) this.setShrinkerBit(m, nid);
    this.nodeTotal[nid]!++;
    return true;
  }

  /**
   * list_lru_add onto the node-level list of an lru that is not memcg-aware, for a caller
   * whose ids are valid by construction (Binder's page ids: integers in range): `add` without
   * its argument checks, the same list operations.
   */
  addNodeLevel(item: number, nid: number): boolean {
    if (this.memcgAware) return this.add(item, nid, -1);
    this.checkUnlocked(nid, 'list_lru_add');
    if (item >= this.owner.length) this.growItems(item + 1);
    if (this.owner[item] !== NIL) return false;
    this.linkTail(nid, item);
    this.owner[item] = nid;
    this.nrItems[nid]!++;
    this.nodeTotal[nid]!++;
    return true;
  }

  /**
   * How many ids the mask selected in the last `addNodeLevelMasked` / `delMasked` call (the
   * caller's count of its present members, whether or not the list changed for each).
   */
  maskedMatched = 0;

  /**
   * `addNodeLevel` of the ids `base + i`, ascending, for each i in [from, to) with
   * `(mask[i] & bit) !== 0`: a caller adding the present members of a run of ids (Binder the
   * installed pages of a range) in one pass: the same list operations, with the lock check,
   * the growth check and the array loads done once instead of per id. Ids already listed are
   * left alone. Returns how many were added; `maskedMatched` says how many the mask selected.
   */
  addNodeLevelMasked(base: number, mask: Uint8Array, bit: number, from: number, to: number, nid: number): number {
    // A memcg-aware lru, or ids beyond the arrays (grown as one add per id grows them): the
    // one-item path, rare.
    if (this.memcgAware || base + to > this.owner.length) {
      let matched = 0;
      let added = 0;
      for (let i = from; i < to; i++) {
        if ((mask[i]! & bit) === 0) continue;
        matched++;
        if (this.memcgAware ? this.add(base + i, nid, -1) : this.addNodeLevel(base + i, nid)) added++;
      }
      this.maskedMatched = matched;
      return added;
    }
    this.checkUnlocked(nid, 'list_lru_add');
    const next = this.next;
    const prev = this.prev;
    const owner = this.owner;
    let head = this.head[nid]!;
    let tail = this.tail[nid]!;
    let matched = 0;
    let added = 0;
    for (let i = from; i < to; i++) {
      if ((mask[i]! & bit) === 0) continue;
      matched++;
      const item = base + i;
      if (owner[item] !== NIL) continue;
      // linkTail(nid, item)
      prev[item] = tail;
      next[item] = NIL;
      if (tail === NIL) head = item;
      else next[tail] = item;
      tail = item;
      owner[item] = nid;
      added++;
    }
    this.head[nid] = head;
    this.tail[nid] = tail;
    this.nrItems[nid]! += added;
    this.nodeTotal[nid]! += added;
    this.maskedMatched = matched;
    return added;
  }

  /**
   * `del` of the ids `base + i` for each i in [from, to) with `(mask[i] & bit) !== 0`, in one
   * pass (see `addNodeLevelMasked`); ids not listed are left alone. Returns how many were
   * listed (and are now on no list); `maskedMatched` says how many the mask selected.
   */
  delMasked(base: number, mask: Uint8Array, bit: number, from: number, to: number): number {
    let matched = 0;
    let removed = 0;
    if (this.memcgAware) {
      for (let i = from; i < to; i++) {
        if ((mask[i]! & bit) === 0) continue;
        matched++;
        if (this.del(base + i)) removed++;
      }
      this.maskedMatched = matched;
      return removed;
    }
    const next = this.next;
    const prev = this.prev;
    const owner = this.owner;
    const head = this.head;
    const tail = this.tail;
    const nrItems = this.nrItems;
    const nodeTotal = this.nodeTotal;
    const lockHeld = this.lockHeldArr;
    for (let i = from; i < to; i++) {
      if ((mask[i]! & bit) === 0) continue;
      matched++;
      const item = base + i;
      if (!(item >= 0 && item < owner.length)) continue;
      // Not memcg-aware: the item's sublist is the node-level list of its node, id = nid.
      const s = owner[item]!;
      if (s === NIL) continue;
      if (lockHeld[s] === 1) this.checkUnlocked(s, 'list_lru_del');
      // unlink(s, item)
      const p = prev[item]!;
      const x = next[item]!;
      if (p === NIL) head[s] = x;
      else next[p] = x;
      if (x === NIL) tail[s] = p;
      else prev[x] = p;
      next[item] = NIL;
      prev[item] = NIL;
      owner[item] = NIL;
      nrItems[s]!--;
      nodeTotal[s]!--;
      removed++;
    }
    this.maskedMatched = matched;
    return removed;
  }

  /**
   * list_lru_del: take `item` off whatever sublist holds it.
   *
   * The kernel wants the caller to repeat the add's nid/memcg; the model knows the sublist
   * from the item itself (following reparenting), so it needs neither.
   * @returns True if the item was listed; false, doing nothing, otherwise.
   */
  del(item: number): boolean {
    if (!this.isListed(item)) return false;
    // Only a memcg-aware lru reparents, so only its items may need an alias followed.
    const s = this.memcgAware ? this.sublistOf(item) : this.owner[item]!;
    const nid = this.subNid[s]!;
    this.checkUnlocked(nid, 'list_lru_del');
    this.unlink(s, item);
    this.owner[item] = NIL;
    this.nrItems[s]!--;
    this.nodeTotal[nid]!--;
    return true;
  }

  /** `!list_empty(item)`: whether `item` is on one of this lru's lists. */
  isListed(item: number): boolean {
    return item >= 0 && item < this.owner.length && this.owner[item] !== NIL;
  }

  /**
   * list_lru_count_one: the (nid, memcg) sublist's `nr_items`. A reparented memcg counts
   * its live ancestor's list; a memcg never seen counts 0.
   */
  countOne(nid: number, memcgIdx: number): number {
    this.checkNid(nid);
    const s = this.lookupSub(nid, this.resolveMemcg(memcgIdx));
    return s === NIL ? 0 : this.nrItems[s]!;
  }

  /** list_lru_count_node: all items of node `nid`, over every memcg. */
  countNode(nid: number): number {
    this.checkNid(nid);
    return this.nodeTotal[nid]!;
  }

  /** list_lru_count: Σ over nodes (every node is taken to have normal memory). */
  count(): number {
    let n = 0;
    for (let nid = 0; nid < this.nrNodes; nid++) n += this.nodeTotal[nid]!;
    return n;
  }

  /**
   * list_lru_shrink_count: `countOne(sc.nid, memcg of sc)`, where a NULL or root memcg means
   * the node-level list. What a memcg-aware shrinker's count_objects returns.
   */
  shrinkCount(sc: ShrinkControl): number {
    return this.countOne(sc.nid, memcgIdxOf(sc));
  }

  // ---------------------------------------------------------------------------------------
  // Walks

  /**
   * list_lru_walk_one: walk one sublist from the head (oldest first).
   *
   * `budget.nrToWalk` is charged before every callback, retries included, and no callback
   * runs once it is 0, so a run of LRU_RETRY cannot livelock. Statuses: REMOVED and
   * REMOVED_RETRY count as isolated and decrement the node total (the callback already
   * decremented the sublist); *_RETRY restart from the head; ROTATE moves the item to the
   * tail, where this same walk may meet it again; SKIP leaves it; STOP ends the walk. Any
   * other value is a bug (the kernel's BUG()).
   * @param budget - Decremented in place.
   * @returns The number of items isolated.
   */
  walkOne<A>(nid: number, memcgIdx: number, isolate: LruIsolate<A>, arg: A, budget: LruWalkBudget): number {
    this.checkNid(nid);
    checkBudget(budget.nrToWalk);
    return this.walkSublist(nid, this.resolveMemcg(memcgIdx), isolate, arg, budget);
  }

  /**
   * list_lru_shrink_walk: `walkOne(sc.nid, memcg of sc, …)` with `sc.nrToScan` as the budget,
   * decremented in place. `sc.nrScanned` is left alone: do_shrink_slab still subtracts the
   * whole batch it asked for.
   */
  shrinkWalk<A>(sc: ShrinkControl, isolate: LruIsolate<A>, arg: A): number {
    this.checkNid(sc.nid);
    checkBudget(sc.nrToScan);
    const b = this.scratchBudget;
    b.nrToWalk = sc.nrToScan;
    try {
      return this.walkSublist(sc.nid, this.resolveMemcg(memcgIdxOf(sc)), isolate, arg, b);
    } finally {
      sc.nrToScan = b.nrToWalk;
    }
  }

  /**
   * list_lru_walk_node: the node-level list of `nid`, then, if memcg-aware and budget
   * remains, each live memcg's sublist of that node in ascending kmem id order, stopping
   * once the budget is used up.
   * @param budget - Decremented in place.
   * @returns The number of items isolated.
   */
  walkNode<A>(nid: number, isolate: LruIsolate<A>, arg: A, budget: LruWalkBudget): number {
    this.checkNid(nid);
    checkBudget(budget.nrToWalk);
    let isolated = this.walkSublist(nid, -1, isolate, arg, budget);
    if (budget.nrToWalk > 0 && this.memcgAware) {
      // Liveness is re-read each step: a callback that dropped the lock may have reparented.
      for (let slot = 1; slot < this.memcgRow.length; slot++) {
        if (this.memcgRow[slot] === NIL || this.memcgRedirect[slot] !== LIVE) continue;
        isolated += this.walkSublist(nid, slot - 1, isolate, arg, budget);
        if (budget.nrToWalk <= 0) break;
      }
    }
    return isolated;
  }

  /**
   * list_lru_walk: every node in order (each via `walkNode`) until the budget, taken by
   * value, is used up. Binder's scan is `walk(binderFreePage, null, sc.nrToScan)`.
   * @returns The number of items isolated.
   */
  walk<A>(isolate: LruIsolate<A>, arg: A, nrToWalk: number): number {
    checkBudget(nrToWalk);
    const budget: LruWalkBudget = { nrToWalk };
    let isolated = 0;
    for (let nid = 0; nid < this.nrNodes; nid++) {
      isolated += this.walkNode(nid, isolate, arg, budget);
      if (budget.nrToWalk <= 0) break;
    }
    return isolated;
  }

  // ---------------------------------------------------------------------------------------
  // Memcg lifecycle

  /**
   * memcg_reparent_list_lrus for this lru: on every node, splice the child's sublist onto the
   * HEAD of the parent's (list_splice_init), move the count, set the parent's shrinker bit if
   * anything moved, and retire the child's sublists. Later adds, counts and walks for the
   * child's kmem id resolve to the parent, as after 6.12 rewrites the dead memcg's
   * kmemcg_id. A no-op on a non-memcg-aware lru or an already reparented child.
   * @param childIdx - kmem id ≥ 0 going offline.
   * @param parentIdx - its parent's kmem id (−1 for the root).
   */
  reparent(childIdx: number, parentIdx: number): void {
    if (!this.memcgAware) return;
    checkMemcgIdx(childIdx);
    checkMemcgIdx(parentIdx);
    if (childIdx < 0) throw new RangeError('list_lru: cannot reparent the root (kmem id -1)');
    if (childIdx === parentIdx) throw new RangeError(`list_lru: memcg ${childIdx} cannot be its own parent`);
    this.growMemcgTable(Math.max(childIdx, parentIdx));
    if (this.memcgRedirect[childIdx + 1] !== LIVE) return;
    const p = this.resolveMemcg(parentIdx);
    if (p === childIdx) throw new RangeError(`list_lru: memcg ${childIdx} cannot be reparented to itself`);
    for (let nid = 0; nid < this.nrNodes; nid++) this.checkUnlocked(nid, 'reparent');

    const childBase = this.memcgRow[childIdx + 1]!;
    if (childBase !== NIL) {
      const parentBase = this.ensureRow(p);
      for (let nid = 0; nid < this.nrNodes; nid++) {
        const cs = childBase + nid;
        const ps = parentBase + nid;
        this.spliceToHead(cs, ps);
        const n = this.nrItems[cs]!;
        if (n !== 0) {
          this.nrItems[ps]! += n;
          this.nrItems[cs] = 0;
          if (p >= 0) this.setShrinkerBit(p, nid);
        }
        this.alias[cs] = ps;
      }
    }
    this.memcgRedirect[childIdx + 1] = p;
    // Memcgs already redirected to the child now redirect to the parent: the child's kmem id
    // may be handed to a new memcg later, and they must not follow it there.
    for (let slot = 1; slot < this.memcgRedirect.length; slot++) {
      if (this.memcgRedirect[slot] === childIdx) this.memcgRedirect[slot] = p;
    }
  }

  /**
   * A kmem id handed to a new memcg after its previous owner was reparented (the kernel
   * frees and reuses memcg ids). The id gets fresh, empty sublists on its next add; items
   * of the old memcg stay with the ancestor they were spliced into. No-op for a live id.
   */
  memcgOnline(memcgIdx: number): void {
    if (!this.memcgAware) return;
    checkMemcgIdx(memcgIdx);
    if (memcgIdx < 0) return;
    this.growMemcgTable(memcgIdx);
    if (this.memcgRedirect[memcgIdx + 1] === LIVE) return;
    this.memcgRedirect[memcgIdx + 1] = LIVE;
    this.memcgRow[memcgIdx + 1] = NIL;
  }

  /** Whether `memcgIdx` has been reparented (and not brought back by `memcgOnline`). */
  isMemcgDead(memcgIdx: number): boolean {
    checkMemcgIdx(memcgIdx);
    if (!this.memcgAware || memcgIdx < 0 || memcgIdx + 1 >= this.memcgRedirect.length) return false;
    return this.memcgRedirect[memcgIdx + 1] !== LIVE;
  }

  // ---------------------------------------------------------------------------------------
  // Inspection (tests, snapshots, reports)

  /**
   * Calls `fn` for every item of the (nid, memcg) sublist in list order, head first.
   * `fn` must not modify the lru.
   */
  forEachOnList(nid: number, memcgIdx: number, fn: (item: number) => void): void {
    this.checkNid(nid);
    const s = this.lookupSub(nid, this.resolveMemcg(memcgIdx));
    if (s === NIL) return;
    for (let it = this.head[s]!; it !== NIL; it = this.next[it]!) fn(it);
  }

  /** The (nid, memcg) sublist as an array, head first (allocates; not for hot paths). */
  listItems(nid: number, memcgIdx: number): number[] {
    const out: number[] = [];
    this.forEachOnList(nid, memcgIdx, (i) => out.push(i));
    return out;
  }

  /**
   * Calls `fn` for every live sublist that exists: node-level lists first, then memcgs in
   * kmem id order, nodes ascending within each.
   */
  forEachSublist(fn: (nid: number, memcgIdx: number, nrItems: number) => void): void {
    for (let slot = 0; slot < this.memcgRow.length; slot++) {
      const base = this.memcgRow[slot]!;
      if (base === NIL || this.memcgRedirect[slot] !== LIVE) continue;
      for (let nid = 0; nid < this.nrNodes; nid++) fn(nid, slot - 1, this.nrItems[base + nid]!);
    }
  }

  /** Where `item` is listed, or null. */
  whereIs(item: number): LruPlace | null {
    if (!this.isListed(item)) return null;
    const s = this.sublistOf(item);
    return { nid: this.subNid[s]!, memcgIdx: this.subMemcg[s]! };
  }

  /** The node `item` is listed on, or −1. O(1), allocation-free. */
  nidOf(item: number): number {
    return this.isListed(item) ? this.subNid[this.sublistOf(item)]! : -1;
  }

  /** Whether the per-node lru lock of `nid` is held (by a walk in progress). */
  lruLockHeld(nid: number): boolean {
    this.checkNid(nid);
    return this.lockHeldArr[nid] === 1;
  }

  /** Item slots currently allocated. */
  get capacity(): number {
    return this.owner.length;
  }

  /** Bytes held by the typed arrays (the whole footprint; nothing else grows with items). */
  memoryBytes(): number {
    return (
      this.next.byteLength +
      this.prev.byteLength +
      this.owner.byteLength +
      this.head.byteLength +
      this.tail.byteLength +
      this.nrItems.byteLength +
      this.alias.byteLength +
      this.subNid.byteLength +
      this.subMemcg.byteLength +
      this.memcgRow.byteLength +
      this.memcgRedirect.byteLength +
      this.nodeTotal.byteLength +
      this.lockHeldArr.byteLength
    );
  }

  // ---------------------------------------------------------------------------------------
  // The walker

  /** __list_lru_walk_one under the per-node lock. `m` is already resolved. */
  private walkSublist<A>(nid: number, m: number, isolate: LruIsolate<A>, arg: A, budget: LruWalkBudget): number {
    const s = this.lookupSub(nid, m);
    // No sublist for this memcg yet: the kernel finds no list_lru_one and returns 0.
    if (s === NIL) return 0;
    if (this.walking) throw lruBug('nested walk of the same lru from an isolate callback');
    this.checkUnlocked(nid, 'list_lru_walk_one');
    const st = this.state;
    st.nid = nid;
    st.memcgIdx = m;
    st.sub = s;
    this.walking = true;
    this.lockHeldArr[nid] = 1;
    try {
      return this.strict ? this.walkStrict(nid, s, isolate, arg, budget) : this.walkFast(nid, s, isolate, arg, budget);
    } finally {
      this.walking = false;
      this.lockHeldArr[nid] = 0;
      st.sub = NIL;
    }
  }

  /**
   * The walk loop of `__list_lru_walk_one` for callbacks that keep the protocol: each status
   * does what the kernel's switch does and nothing is checked (see `walkStrict`).
   */
  private walkFast<A>(nid: number, s: number, isolate: LruIsolate<A>, arg: A, budget: LruWalkBudget): number {
    const st = this.state;
    // In a local: the isolate callback is an opaque call, after which V8 reloads a field from
    // `this`; the per-node totals are made once (fixed size) and never replaced.
    const nodeTotal = this.nodeTotal;
    let isolated = 0;
    // The budget in a local (callbacks never see it), stored back on every way out.
    let left = budget.nrToWalk;
    restart: for (;;) {
      // The lock may have been dropped before a restart, and the memcg reparented in the
      // meantime: its list is gone, as when the kernel's lookup returns NULL.
      if (this.alias[s] !== NIL) break;
      let item = this.head[s]!;
      while (item !== NIL) {
        if (left <= 0) break restart;
        // Charged before the callback, so that retries also consume budget.
        left--;
        // Re-read: a callback may add on another node and grow the arrays.
        const nx = this.next[item]!;
        const status: LruStatus = isolate(item, st, arg);
        if (status === LRU_SKIP) {
          item = nx;
          continue;
        }
        if (status === LRU_REMOVED) {
          isolated++;
          nodeTotal[nid]!--;
          item = nx;
          continue;
        }
        if (status === LRU_REMOVED_RETRY) {
          isolated++;
          nodeTotal[nid]!--;
          // The lock was dropped: the saved next pointer can no longer be trusted.
          continue restart;
        }
        if (status === LRU_ROTATE) {
          this.unlink(s, item);
          this.linkTail(s, item);
        } else if (status === LRU_RETRY) {
          continue restart;
        } else if (status === LRU_STOP) {
          break restart;
        } else {
          budget.nrToWalk = left;
          throw lruBug(`unknown lru_status ${describe(status)} (BUG)`);
        }
        item = nx;
      }
      break;
    }
    // Not in a finally: a try/finally here made V8 deoptimise the walk on every call.
    budget.nrToWalk = left;
    return isolated;
  }

  /** `walkFast` with every protocol check of a misbehaving callback (ListLruOptions.strict). */
  private walkStrict<A>(nid: number, s: number, isolate: LruIsolate<A>, arg: A, budget: LruWalkBudget): number {
    const st = this.state;
    let isolated = 0;
    restart: for (;;) {
      if (this.alias[s] !== NIL) break;
      let item = this.head[s]!;
      while (item !== NIL) {
        if (budget.nrToWalk <= 0) break restart;
        budget.nrToWalk--;
        const next = this.next[item]!;
        st.isolations = 0;
        st.dropped = false;
        const status: LruStatus = isolate(item, st, arg);
        if (this.lockHeldArr[nid] !== 1) {
          throw lruBug(`isolate callback returned ${describe(status)} without the lru lock held`);
        }
        switch (status) {
          case LRU_REMOVED_RETRY:
          case LRU_REMOVED:
            if (st.isolations !== 1) {
              throw lruBug(`${describe(status)} with ${st.isolations} list_lru_isolate calls (need 1)`);
            }
            isolated++;
            this.nodeTotal[nid]!--;
            if (status === LRU_REMOVED_RETRY) continue restart;
            break;
          case LRU_ROTATE:
            this.checkQuiet(status);
            this.unlink(s, item);
            this.linkTail(s, item);
            break;
          case LRU_SKIP:
            this.checkQuiet(status);
            break;
          case LRU_RETRY:
            if (st.isolations !== 0) throw lruBug('LRU_RETRY after list_lru_isolate');
            continue restart;
          case LRU_STOP:
            if (st.isolations !== 0) throw lruBug('LRU_STOP after list_lru_isolate');
            break restart;
          default: {
            const bad: never = status;
            throw lruBug(`unknown lru_status ${String(bad)} (BUG)`);
          }
        }
        if (st.dropped) throw lruBug(`${describe(status)} after dropping the lru lock (walk position invalid)`);
        if (next !== NIL && (this.owner[next] === NIL || this.sublistOf(next) !== s)) {
          throw lruBug('isolate callback removed the next item without restarting the walk');
        }
        item = next;
      }
      break;
    }
    return isolated;
  }

  /** ROTATE and SKIP must not isolate (a lock drop is caught after the switch). */
  private checkQuiet(status: LruStatus): void {
    if (this.state.isolations !== 0) throw lruBug(`${describe(status)} after list_lru_isolate`);
  }

  /** list_lru_isolate from inside a callback: the item must be on the sublist being walked. */
  private walkIsolate(item: number): void {
    const st = this.state;
    const s = st.sub;
    if (s === NIL) throw lruBug('list_lru_isolate outside a walk');
    if (this.strict) {
      if (this.lockHeldArr[st.nid] !== 1) throw lruBug('list_lru_isolate without the lru lock');
      if (!this.isListed(item) || this.sublistOf(item) !== s) {
        throw lruBug(`list_lru_isolate of item ${item}, which is not on the list being walked`);
      }
      st.isolations++;
    }
    this.unlink(s, item);
    this.owner[item] = NIL;
    this.nrItems[s]!--;
  }

  // ---------------------------------------------------------------------------------------
  // Links

  private linkTail(s: number, item: number): void {
    const t = this.tail[s]!;
    this.prev[item] = t;
    this.next[item] = NIL;
    if (t === NIL) this.head[s] = item;
    else this.next[t] = item;
    this.tail[s] = item;
  }

  private unlink(s: number, item: number): void {
    const p = this.prev[item]!;
    const n = this.next[item]!;
    if (p === NIL) this.head[s] = n;
    else this.next[p] = n;
    if (n === NIL) this.tail[s] = p;
    else this.prev[n] = p;
    this.next[item] = NIL;
    this.prev[item] = NIL;
  }

  /** list_splice_init(src, dst): src's items, in order, before dst's first item. */
  private spliceToHead(src: number, dst: number): void {
    const sh = this.head[src]!;
    if (sh === NIL) return;
    const st = this.tail[src]!;
    const dh = this.head[dst]!;
    this.next[st] = dh;
    if (dh === NIL) this.tail[dst] = st;
    else this.prev[dh] = st;
    this.head[dst] = sh;
    this.head[src] = NIL;
    this.tail[src] = NIL;
  }

  // ---------------------------------------------------------------------------------------
  // Sublists and memcgs

  /** The live sublist holding a listed item; compresses the item's `owner` after reparenting. */
  private sublistOf(item: number): number {
    let s = this.owner[item]!;
    if (this.alias[s] === NIL) return s;
    while (this.alias[s] !== NIL) s = this.alias[s]!;
    this.owner[item] = s;
    return s;
  }

  /** memcg_kmem_id after reparenting: a dead id stands for its live ancestor. */
  private resolveMemcg(memcgIdx: number): number {
    if (!this.memcgAware) return -1;
    checkMemcgIdx(memcgIdx);
    const slot = memcgIdx + 1;
    if (slot >= this.memcgRedirect.length) return memcgIdx;
    const r = this.memcgRedirect[slot]!;
    // Redirects are kept one hop long (see reparent), so no loop is needed.
    return r === LIVE ? memcgIdx : r;
  }

  /** Sublist of a resolved (nid, memcg), or NIL if that memcg has no row yet. */
  private lookupSub(nid: number, m: number): number {
    const slot = m + 1;
    if (slot >= this.memcgRow.length) return NIL;
    const base = this.memcgRow[slot]!;
    return base === NIL ? NIL : base + nid;
  }

  /** First sublist id of memcg `m`'s row, creating the row (memcg_list_lru_alloc). */
  private ensureRow(m: number): number {
    // The usual case first: the row exists (slot in range and set).
    const known = this.memcgRow[m + 1];
    if (known !== undefined && known !== NIL) return known;
    this.growMemcgTable(m);
    const have = this.memcgRow[m + 1]!;
    if (have !== NIL) return have;
    const base = this.nrSublists;
    const need = base + this.nrNodes;
    if (need > this.head.length) this.growSublists(need);
    // Sublist ids up to need − 1 must fit the owner slots: widen once when they no longer do.
    if (need - 1 > INT16_MAX && this.owner instanceof Int16Array) this.owner = Int32Array.from(this.owner);
    for (let nid = 0; nid < this.nrNodes; nid++) {
      const s = base + nid;
      this.head[s] = NIL;
      this.tail[s] = NIL;
      this.nrItems[s] = 0;
      this.alias[s] = NIL;
      this.subNid[s] = nid;
      this.subMemcg[s] = m;
    }
    this.nrSublists = need;
    this.memcgRow[m + 1] = base;
    return base;
  }

  private setShrinkerBit(m: number, nid: number): void {
    if (this.setBit !== undefined && this.shrinkerId >= 0) this.setBit(m, nid, this.shrinkerId);
  }

  // ---------------------------------------------------------------------------------------
  // Growth and checks

  private growItems(min: number): void {
    let cap = this.owner.length;
    while (cap < min) cap = Math.min(MAX_ITEMS, cap * 2);
    this.next = grow(this.next, cap, NIL);
    this.prev = grow(this.prev, cap, NIL);
    this.owner = this.owner instanceof Int16Array ? grow16(this.owner, cap, NIL) : grow(this.owner, cap, NIL);
  }

  private growSublists(min: number): void {
    let cap = this.head.length;
    while (cap < min) cap *= 2;
    this.head = grow(this.head, cap, NIL);
    this.tail = grow(this.tail, cap, NIL);
    this.nrItems = grow(this.nrItems, cap, 0);
    this.alias = grow(this.alias, cap, NIL);
    this.subNid = grow(this.subNid, cap, 0);
    this.subMemcg = grow(this.subMemcg, cap, 0);
  }

  private growMemcgTable(m: number): void {
    const need = m + 2;
    if (need <= this.memcgRow.length) return;
    let cap = this.memcgRow.length;
    while (cap < need) cap *= 2;
    this.memcgRow = grow(this.memcgRow, cap, NIL);
    this.memcgRedirect = grow(this.memcgRedirect, cap, LIVE);
  }

  private checkItem(item: number): void {
    if (!Number.isInteger(item) || item < 0 || item >= MAX_ITEMS) {
      throw new RangeError(`list_lru: item id must be an integer in 0..${MAX_ITEMS - 1}, got ${item}`);
    }
  }

  private checkNid(nid: number): void {
    if (!Number.isInteger(nid) || nid < 0 || nid >= this.nrNodes) {
      throw new RangeError(`list_lru: nid must be an integer in 0..${this.nrNodes - 1}, got ${nid}`);
    }
  }

  /** The per-node lock is not recursive: taking it while a walk holds it would deadlock. */
  private checkUnlocked(nid: number, op: string): void {
    if (this.lockHeldArr[nid] === 1) throw lruBug(`${op} on node ${nid} while its lru lock is held (deadlock)`);
  }
}

/** Largest sublist id an Int16 owner slot holds. */
const INT16_MAX = 0x7fff;

function grow16(a: Int16Array, cap: number, fill: number): Int16Array {
  const b = new Int16Array(cap);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function grow(a: Int32Array, cap: number, fill: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function checkMemcgIdx(m: number): void {
  if (!Number.isInteger(m) || m < -1) throw new RangeError(`list_lru: memcg kmem id must be an integer ≥ -1, got ${m}`);
}

function checkBudget(n: number): void {
  if (!(n >= 0)) throw new RangeError(`list_lru: nr_to_walk must be ≥ 0, got ${n}`);
}

/** A status for a message, tolerating values that are not statuses at all. */
function describe(s: LruStatus): string {
  try {
    return lruStatusName(s);
  } catch {
    return String(s);
  }
}
