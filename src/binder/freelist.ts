/**
 * `binder_freelist`: the ONE global list_lru of Binder pages, for every process, not
 * memcg-aware, one NUMA node.
 *
 * Items are integer page ids (process base + page index); links live in typed arrays, so there
 * is no object per page. The semantics are list_lru's (mm/list_lru.c, 6.12):
 * - `add` puts an item at the tail and is a no-op (false) if it is already listed;
 * - `del` is a no-op (false) if the item is not listed;
 * - `walk` goes from the head; it charges `nrToWalk` *before* each isolate call (so a list of
 *   skipped items cannot livelock it); LRU_REMOVED_RETRY and LRU_RETRY restart from the head,
 *   which means pages skipped near the head are visited (and charged) again after every
 *   successful removal.
 *
 * This is Binder's own small list_lru so the allocator core does not wait on the shared
 * src/mm/listLru; it exposes the same contract (add/del/count/walk with an isolate callback
 * that calls `isolate(item)` on a list handle).
 */

export type LruStatus = 'LRU_REMOVED' | 'LRU_REMOVED_RETRY' | 'LRU_ROTATE' | 'LRU_SKIP' | 'LRU_RETRY' | 'LRU_STOP';

/** What an isolate callback may do to the list it is walking (`struct list_lru_one`). */
export interface LruListHandle {
  /** `list_lru_isolate`: unlink the item being visited (the walker does the count). */
  isolate(item: number): void;
}

export type IsolateFn = (item: number, list: LruListHandle) => LruStatus;

const NONE = -1;

export class BinderFreelist implements LruListHandle {
  private next: Int32Array;
  private prev: Int32Array;
  private head = NONE;
  private tail = NONE;
  private nrItems = 0;
  /** Walk statistics, by status. */
  readonly walkStats = { visited: 0, removed: 0, skipped: 0, restarts: 0 };

  /** 1 while the item is on the list (`!list_empty(&page->lru)`). */
  private linked: Uint8Array;

  constructor(capacity = 0) {
    const n = Math.max(capacity, 16);
    this.next = new Int32Array(n).fill(NONE);
    this.prev = new Int32Array(n).fill(NONE);
    this.linked = new Uint8Array(n);
  }

  /** Makes room for item ids below `capacity`. */
  ensureCapacity(capacity: number): void {
    if (capacity <= this.next.length) return;
    const n = Math.max(capacity, this.next.length * 2);
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n).fill(NONE);
      b.set(a);
      return b;
    };
    this.next = grow(this.next);
    this.prev = grow(this.prev);
    this.linked = growBits(this.linked, n);
  }

  isListed(item: number): boolean {
    return item < this.linked.length && this.linked[item] === 1;
  }

  count(): number {
    return this.nrItems;
  }

  /** `list_lru_add`: append at the tail; false if already on a list. */
  add(item: number): boolean {
    this.ensureCapacity(item + 1);
    if (this.linked[item] === 1) return false;
    this.linked[item] = 1;
    this.prev[item] = this.tail;
    this.next[item] = NONE;
    if (this.tail === NONE) this.head = item;
    else this.next[this.tail] = item;
    this.tail = item;
    this.nrItems++;
    return true;
  }

  private unlink(item: number): void {
    const p = this.prev[item] as number;
    const n = this.next[item] as number;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.prev[item] = NONE;
    this.next[item] = NONE;
    this.linked[item] = 0;
  }

  /** `list_lru_del`: false if the item was not listed. */
  del(item: number): boolean {
    if (!this.isListed(item)) return false;
    this.unlink(item);
    this.nrItems--;
    return true;
  }

  /** `list_lru_isolate`: unlink without touching the count (the walker adjusts it). */
  isolate(item: number): void {
    this.unlink(item);
  }

  private moveTail(item: number): void {
    this.unlink(item);
    this.linked[item] = 1;
    this.prev[item] = this.tail;
    this.next[item] = NONE;
    if (this.tail === NONE) this.head = item;
    else this.next[this.tail] = item;
    this.tail = item;
  }

  /** Items from head to tail (oldest first). */
  items(): number[] {
    const out: number[] = [];
    for (let i = this.head; i !== NONE; i = this.next[i] as number) out.push(i);
    return out;
  }

  /**
   * `list_lru_walk(lru, isolate, NULL, nrToWalk)` on the single node: returns the number of
   * items isolated (removed).
   */
  walk(isolate: IsolateFn, nrToWalk: number): number {
    let budget = nrToWalk;
    let isolated = 0;
    restart: for (;;) {
      let item = this.head;
      while (item !== NONE) {
        // `list_for_each_safe`: the next item is read before the callback runs.
        const following = this.next[item] as number;
        if (budget <= 0) break restart;
        budget--;
        this.walkStats.visited++;
        const ret = isolate(item, this);
        switch (ret) {
          case 'LRU_REMOVED_RETRY':
          case 'LRU_REMOVED':
            isolated++;
            this.nrItems--;
            this.walkStats.removed++;
            if (ret === 'LRU_REMOVED_RETRY') {
              // The callback dropped the lru lock: the list may have changed, start over.
              this.walkStats.restarts++;
              continue restart;
            }
            break;
          case 'LRU_ROTATE':
            this.moveTail(item);
            break;
          case 'LRU_SKIP':
            this.walkStats.skipped++;
            break;
          case 'LRU_RETRY':
            this.walkStats.restarts++;
            continue restart;
          case 'LRU_STOP':
            break restart;
          default: {
            const never: never = ret;
            throw new Error(`list_lru walk: bad status ${String(never)}`);
          }
        }
        item = following;
      }
      break;
    }
    return isolated;
  }
}

function growBits(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
