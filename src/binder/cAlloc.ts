/**
 * The C driver's buffer allocator (drivers/android/binder_alloc.c as in 6.12), restated.
 *
 * Buffers tile the mapping in address order; a buffer has no stored size (it is the distance
 * to the next buffer's start, or to the end). Free buffers sit in a red-black tree keyed by
 * that computed size; best fit descends it and takes the first exact match it meets, or the
 * last larger node it passed. Pages: the whole pages a buffer stops covering go onto the
 * global freelist when it is freed; an allocation takes its pages off the freelist under the
 * lock and installs missing pages after dropping it.
 */
import { PAGE_SHIFT, PAGE_SIZE, sizeTDiff } from './constants.js';
import { failure, type AllocEnv, type AllocRequest, type BinderFailure, type BufferView } from './env.js';
import { PAGE_INSTALLED, type BinderPages } from './pages.js';
import { BINDER_EVENT_ID, type BinderEventName, type BinderPageEventName } from './trace.js';
import { erase, insertColor, linkNode, RbRoot, type RbNode } from './rbtree.js';
import { requestSize, requestSizeNum, smallSizes } from './requestSize.js';

/**
 * PAGE_SHIFT, PAGE_SIZE, PAGE_MASK and the PAGE_INSTALLED flag bit as literals the compiler
 * writes into the per-page loops: an imported (or module-level) `const` is, in V8's optimized
 * code, a load from its cell with an initialization check on every use. Checked against
 * constants.ts and pages.ts when this module loads.
 */
const enum Pg {
  SHIFT = 12,
  SIZE = 4096,
  MASK = -4096,
  INSTALLED = 1,
}
if (Pg.SHIFT !== PAGE_SHIFT || Pg.SIZE !== PAGE_SIZE || Pg.INSTALLED !== PAGE_INSTALLED) throw new Error('cAlloc: page constants disagree');

// Page arithmetic on offsets within one mapping (0 ≤ x ≤ 4 MiB, and −1 for the byte before
// the mapping): 32-bit integer operations are exact there and floor like constants.ts's.
/** `x & PAGE_MASK` */
const pageDown = (x: number): number => x & Pg.MASK;
/** `PAGE_ALIGN(x)` */
const pageAlign = (x: number): number => (x + Pg.SIZE - 1) & Pg.MASK;

/** The failures of the hot path, made once (read-only values). */
const NO_VMA: BinderFailure = Object.freeze(failure('ESRCH', 'no vma'));
const NO_ASYNC_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no async space left'));
const NO_ADDRESS_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no address space'));

/** BINDER_EVENT_ID of the allocator's own events, resolved once. */
const ID_ALLOC_LRU_START = BINDER_EVENT_ID.binder_alloc_lru_start;
const ID_ALLOC_LRU_END = BINDER_EVENT_ID.binder_alloc_lru_end;
const ID_FREE_LRU_START = BINDER_EVENT_ID.binder_free_lru_start;
const ID_FREE_LRU_END = BINDER_EVENT_ID.binder_free_lru_end;
const ID_ALLOC_PAGE_START = BINDER_EVENT_ID.binder_alloc_page_start;
const ID_ALLOC_PAGE_END = BINDER_EVENT_ID.binder_alloc_page_end;
const ID_UPDATE_PAGE_RANGE = BINDER_EVENT_ID.binder_update_page_range;

/**
 * The allocator's environment, plus an optional counter for events nobody records: when
 * `tally(name)` returns true the event was counted and no record is built; false means a
 * record is wanted, and the allocator emits it as usual (nothing counted by `tally`).
 */
export interface CAllocEnv extends AllocEnv {
  tally?(name: BinderEventName): boolean;
  /**
   * Optional, and only when no record of any event is ever wanted: the tally itself, indexed
   * by BINDER_EVENT_ID, which the allocator increments by index (no call, no name lookup).
   */
  readonly counts?: Float64Array | undefined;
}

/**
 * `struct binder_buffer` (the fields the allocator uses; the request's data/offsets/extra
 * sizes are not kept: nothing in the model reads them back, and every field is a store per
 * split and 8 bytes per buffer).
 */
export class CBuffer implements RbNode<CBuffer> {
  rbParent: CBuffer | null = null;
  rbLeft: CBuffer | null = null;
  rbRight: CBuffer | null = null;
  rbRed = false;
  /** Neighbours in `alloc->buffers` (address order). */
  prev: CBuffer | null = null;
  next: CBuffer | null = null;
  free = true;
  async = false;
  /** The allocator the buffer belongs to (a handle from another process is not ours). */
  owner: CBinderAlloc | null = null;
  /**
   * The buffer's size while it sits in the free tree (set on insert, and on the split that
   * shortens it while it is still in the tree), so the best-fit descent and inserts compare
   * without reading the next buffer. Only meaningful while `free`.
   */
  freeSize = 0;
  constructor(public start: number) {}
}

export type CAllocResult = { readonly ok: true; readonly buffer: CBuffer; readonly size: number } | BinderFailure;

export class CBinderAlloc {
  readonly driver = 'c' as const;
  /** First buffer of `alloc->buffers`. */
  private head: CBuffer;
  readonly freeBuffers = new RbRoot<CBuffer>();
  /** Allocated buffers (each also has `free` false and `owner` this allocator). */
  private nrAllocated = 0;
  /** `free_async_space`, starts at half the mapping. */
  freeAsyncSpace: number;
  /** The spam detector's low-async-space warnings (below buffer_size / 10). */
  lowAsyncWarnings = 0;
  /**
   * Which binder_alloc.c: 6.12 (freelist del/add, pages installed after the lock) or 6.1
   * (`binder_update_page_range`: an empty range is not traced, installs happen in the same
   * ascending walk as LRU reuses, and the free walk goes downwards). Set by the system from
   * the kernel profile.
   */
  kernel: '6.1' | '6.12' = '6.12';

  /** `pages.flags`, read directly on the per-page paths (bit PAGE_INSTALLED). */
  private readonly pageFlags: Uint8Array;

  constructor(
    readonly bufferSize: number,
    private readonly pages: BinderPages,
    private readonly env: CAllocEnv,
  ) {
    this.pageFlags = pages.flags;
    this.head = new CBuffer(0);
    this.insertFreeBuffer(this.head);
    this.freeAsyncSpace = Math.floor(bufferSize / 2);
  }

  /** `binder_alloc_buffer_size`. */
  sizeOf(b: CBuffer): number {
    return (b.next ? b.next.start : this.bufferSize) - b.start;
  }

  /** `binder_insert_free_buffer`: equal sizes go right. */
  private insertFreeBuffer(nb: CBuffer): void {
    const size = this.sizeOf(nb);
    nb.freeSize = size;
    let parent: CBuffer | null = null;
    let side: 'left' | 'right' = 'left';
    let p = this.freeBuffers.node;
    while (p) {
      parent = p;
      if (size < p.freeSize) {
        side = 'left';
        p = p.rbLeft;
      } else {
        side = 'right';
        p = p.rbRight;
      }
    }
    linkNode(this.freeBuffers, nb, parent, side);
    insertColor(this.freeBuffers, nb);
  }

  /** A page tracepoint: counted only, or emitted as a record when one is wanted. */
  private pageEvent(name: BinderPageEventName, id: number, pageIndex: number, depth: number): void {
    const counts = this.env.counts;
    if (counts !== undefined) {
      counts[id] = counts[id]! + 1;
      return;
    }
    if (this.env.tally?.(name) !== true) this.env.emit({ name, proc: this.env.pid, pageIndex }, depth);
  }

  /** `binder_update_page_range` (under the alloc lock: depth 1). */
  private rangeEvent(allocate: boolean, start: number, end: number): void {
    const counts = this.env.counts;
    if (counts !== undefined) {
      counts[ID_UPDATE_PAGE_RANGE] = counts[ID_UPDATE_PAGE_RANGE]! + 1;
      return;
    }
    if (this.env.tally?.('binder_update_page_range') === true) return;
    this.env.emit({ name: 'binder_update_page_range', proc: this.env.pid, allocate, offset: start, size: sizeTDiff(end, start) }, 1);
  }

  /** Freelist removal of an allocation's pages (`binder_lru_freelist_del`), traced always. */
  private freelistDel(start: number, end: number): void {
    if (this.kernel === '6.1') return this.updatePageRangeAlloc61(start, end);
    this.rangeEvent(true, start, end);
    const flags = this.pageFlags;
    const counts = this.env.counts;
    if (counts !== undefined) {
      // Only tallies wanted: the installed pages taken off the list in one pass over the
      // flags (the list's order does not depend on the order of removals), the start/end
      // pair counted once per reused page.
      const first = start >> Pg.SHIFT;
      const last = end >> Pg.SHIFT;
      // No whole page (most buffers are smaller than a page): no call into the list.
      if (last <= first) return;
      const pages = this.pages;
      const removed = pages.lruDelInstalled(first, last);
      const reused = pages.freelist.maskedMatched;
      this.warnings.lruDelMissing += reused - removed;
      counts[ID_ALLOC_LRU_START] = counts[ID_ALLOC_LRU_START]! + reused;
      counts[ID_ALLOC_LRU_END] = counts[ID_ALLOC_LRU_END]! + reused;
      // A page not installed yet raises pagesHigh: the last such page of the range decides.
      if (reused < last - first) {
        let i = last - 1;
        while ((flags[i]! & Pg.INSTALLED) !== 0) i--;
        if (i + 1 > pages.pagesHigh) pages.pagesHigh = i + 1;
      }
      return;
    }
    // start and end are page-aligned: pages start>>12 .. (end>>12) - 1.
    for (let i = start >> Pg.SHIFT, last = end >> Pg.SHIFT; i < last; i++) {
      if ((flags[i]! & Pg.INSTALLED) !== 0) {
        this.pageEvent('binder_alloc_lru_start', ID_ALLOC_LRU_START, i, 1);
        // The kernel WARNs if the page was not listed; the model keeps going the same way.
        if (!this.pages.lruDel(i)) this.warnings.lruDelMissing++;
        this.pageEvent('binder_alloc_lru_end', ID_ALLOC_LRU_END, i, 1);
        continue;
      }
      if (i + 1 > this.pages.pagesHigh) this.pages.pagesHigh = i + 1;
    }
  }

  /**
   * 6.1's `binder_update_page_range(alloc, 1, start, end)`: nothing (not even the tracepoint)
   * for an empty range; then one ascending walk under the lock, taking installed pages off
   * the LRU and installing missing ones in place. A page whose install fails is left for
   * installBufferPages, which reports the failure. alloc->lock is a mutex in 6.1: the
   * events show preempt depth 0.
   */
  private updatePageRangeAlloc61(start: number, end: number): void {
    if (end <= start) return;
    this.env.emit({ name: 'binder_update_page_range', proc: this.env.pid, allocate: true, offset: start, size: sizeTDiff(end, start) }, 0);
    for (let a = start; a < end; a += PAGE_SIZE) {
      const i = a >> PAGE_SHIFT;
      if (this.pages.isInstalled(i)) {
        this.env.emit({ name: 'binder_alloc_lru_start', proc: this.env.pid, pageIndex: i }, 0);
        if (!this.pages.lruDel(i)) this.warnings.lruDelMissing++;
        this.env.emit({ name: 'binder_alloc_lru_end', proc: this.env.pid, pageIndex: i }, 0);
        continue;
      }
      if (!this.env.mmAlive() || !this.env.mapped() || this.env.pageAllocFails(i)) return;
      this.env.emit({ name: 'binder_alloc_page_start', proc: this.env.pid, pageIndex: i }, 0);
      this.pages.install(i);
      if (i + 1 > this.pages.pagesHigh) this.pages.pagesHigh = i + 1;
      this.env.emit({ name: 'binder_alloc_page_end', proc: this.env.pid, pageIndex: i }, 0);
    }
  }

  /** Freelist addition of freed pages (`binder_lru_freelist_add`), traced always. */
  private freelistAdd(start: number, end: number): void {
    if (this.kernel === '6.1') return this.updatePageRangeFree61(start, end);
    this.rangeEvent(false, start, end);
    const flags = this.pageFlags;
    const counts = this.env.counts;
    if (counts !== undefined) {
      // Only tallies wanted: the installed pages, in ascending order, onto the list's tail
      // in one pass over the flags.
      const first = start >> Pg.SHIFT;
      const last = end >> Pg.SHIFT;
      // No whole page (most buffers are smaller than a page): no call into the list.
      if (last <= first) return;
      const pages = this.pages;
      const listed = pages.lruAddInstalled(first, last);
      const added = pages.freelist.maskedMatched;
      this.warnings.lruAddDuplicate += added - listed;
      counts[ID_FREE_LRU_START] = counts[ID_FREE_LRU_START]! + added;
      counts[ID_FREE_LRU_END] = counts[ID_FREE_LRU_END]! + added;
      return;
    }
    for (let i = start >> Pg.SHIFT, last = end >> Pg.SHIFT; i < last; i++) {
      if ((flags[i]! & Pg.INSTALLED) === 0) continue;
      this.pageEvent('binder_free_lru_start', ID_FREE_LRU_START, i, 1);
      if (!this.pages.lruAdd(i)) this.warnings.lruAddDuplicate++;
      this.pageEvent('binder_free_lru_end', ID_FREE_LRU_END, i, 1);
    }
  }

  /**
   * 6.1's `binder_update_page_range(alloc, 0, start, end)`: nothing for an empty range, else
   * the `free_range` walk from `end - PAGE_SIZE` down to `start`, so the LRU receives a
   * buffer's pages in descending order.
   */
  private updatePageRangeFree61(start: number, end: number): void {
    if (end <= start) return;
    this.env.emit({ name: 'binder_update_page_range', proc: this.env.pid, allocate: false, offset: start, size: sizeTDiff(end, start) }, 0);
    for (let a = end - PAGE_SIZE; a >= start; a -= PAGE_SIZE) {
      const i = a >> PAGE_SHIFT;
      if (!this.pages.isInstalled(i)) continue;
      this.env.emit({ name: 'binder_free_lru_start', proc: this.env.pid, pageIndex: i }, 0);
      if (!this.pages.lruAdd(i)) this.warnings.lruAddDuplicate++;
      this.env.emit({ name: 'binder_free_lru_end', proc: this.env.pid, pageIndex: i }, 0);
    }
  }

  /** Kernel WARN_ONs that fired (they should stay 0). */
  readonly warnings = { lruDelMissing: 0, lruAddDuplicate: 0 };

  /**
   * `binder_alloc_new_buf`: validate, carve under the lock, then install pages outside it.
   * Every failure is a value carrying the kernel's errno and log reason.
   */
  newBuf(req: AllocRequest): CAllocResult {
    const d = req.dataSize;
    const o = req.offsetsSize;
    const e = req.extraSize;
    const r =
      typeof d === 'number' && typeof o === 'number' && typeof e === 'number' && smallSizes(d, o, e)
        ? this.newBufSized(d, o, e, req.isAsync)
        : this.newBufReq(req);
    return r instanceof CBuffer ? { ok: true, buffer: r, size: this.sizeOf(r) } : r;
  }

  /**
   * The typed path of generated transactions: sizes as numbers, each below 2^48
   * (`smallSizes`). The buffer, or the failure: no request or result object is made.
   */
  newBufSized(dataSize: number, offsetsSize: number, extraSize: number, isAsync: boolean): CBuffer | BinderFailure {
    if (!this.env.mapped()) return NO_VMA;
    const size = requestSizeNum(dataSize, offsetsSize, extraSize, isAsync, this.bufferSize, this.freeAsyncSpace);
    if (typeof size !== 'number') return size;
    return this.place(size, isAsync);
  }

  /** `newBuf` of a request with bigint sizes (scripts may ask for sizes near 2^64). */
  private newBufReq(req: AllocRequest): CBuffer | BinderFailure {
    if (!this.env.mapped()) return NO_VMA;
    const sized = requestSize(req, this.bufferSize, this.freeAsyncSpace);
    if (!sized.ok) return sized;
    return this.place(sized.size, req.isAsync);
  }

  /** Under the lock: carve `size` bytes; then, outside it, install the pages. */
  private place(size: number, isAsync: boolean): CBuffer | BinderFailure {
    this.env.acquire('alloc');
    const b = this.newBufLocked(size, isAsync);
    if (!(b instanceof CBuffer)) return b;
    const err = this.installBufferPages(b, size);
    if (err) {
      this.freeBuf(b);
      return err;
    }
    return b;
  }

  private newBufLocked(size: number, isAsync: boolean): CBuffer | BinderFailure {
    if (isAsync && this.freeAsyncSpace < size) return NO_ASYNC_SPACE;

    let n = this.freeBuffers.node;
    let bestFit: CBuffer | null = null;
    let buffer: CBuffer | null = null;
    let bufferSize = 0;
    while (n) {
      buffer = n;
      bufferSize = n.freeSize;
      if (size < bufferSize) {
        bestFit = n;
        n = n.rbLeft;
      } else if (size > bufferSize) {
        n = n.rbRight;
      } else {
        bestFit = n;
        break;
      }
    }
    if (bestFit === null || buffer === null) return NO_ADDRESS_SPACE;

    if (bufferSize !== size) {
      // Oversized: split. The remainder is inserted *before* the chosen node leaves the tree,
      // and while it is inserted the chosen node already measures `size` (the list changed):
      // both facts shape the tree exactly as the kernel's code does.
      buffer = bestFit;
      bufferSize = buffer.freeSize;
      const nb = new CBuffer(buffer.start + size);
      nb.prev = buffer;
      nb.next = buffer.next;
      if (buffer.next) buffer.next.prev = nb;
      buffer.next = nb;
      buffer.freeSize = size;
      nb.free = true;
      this.insertFreeBuffer(nb);
    }

    // Take the pages off the freelist. The old (pre-split) size tells whether the last page
    // is shared with an in-use neighbour, which is active already: trim the range there.
    const nextUsedPage = pageDown(buffer.start + bufferSize);
    const currLastPage = pageAlign(buffer.start + size);
    this.freelistDel(pageAlign(buffer.start), Math.min(nextUsedPage, currLastPage));

    erase(this.freeBuffers, buffer);
    buffer.free = false;
    buffer.owner = this;
    this.nrAllocated++;
    buffer.async = isAsync;
    if (isAsync) {
      this.freeAsyncSpace -= size;
      if (this.freeAsyncSpace < this.bufferSize / 10) this.lowAsyncWarnings++;
    }
    return buffer;
  }

  /** `binder_install_buffer_pages`: after the lock is dropped, install what is missing. */
  private installBufferPages(b: CBuffer, size: number): BinderFailure | undefined {
    const flags = this.pageFlags;
    const final = pageAlign(b.start + size) >> Pg.SHIFT;
    for (let i = b.start >> Pg.SHIFT; i < final; i++) {
      if ((flags[i]! & Pg.INSTALLED) !== 0) continue;
      this.pageEvent('binder_alloc_page_start', ID_ALLOC_PAGE_START, i, 0);
      // `binder_install_single_page`: mm reference, then the mmap lock for write (several
      // tasks may race to install the same page), then the vma must still be there.
      if (!this.env.mmAlive()) return failure('ESRCH', 'mm gone');
      this.env.acquire('mmap_write');
      if (!this.env.mapped()) return failure('ESRCH', 'no vma');
      if (this.env.pageAllocFails(i)) return failure('ENOMEM', 'failed to allocate page');
      this.pages.install(i);
      this.pageEvent('binder_alloc_page_end', ID_ALLOC_PAGE_END, i, 0);
    }
    return undefined;
  }

  /** `binder_free_buf_locked` under the lock (`binder_alloc_free_buf`). */
  freeBuf(b: CBuffer): void {
    this.env.acquire('alloc');
    const bufferSize = this.sizeOf(b);
    if (b.async) this.freeAsyncSpace += bufferSize;

    this.freelistAdd(pageAlign(b.start), pageDown(b.start + bufferSize));

    if (b.owner === this && !b.free) this.nrAllocated--;
    b.owner = null;
    b.free = true;
    let buffer = b;
    const next = buffer.next;
    if (next && next.free) {
      erase(this.freeBuffers, next);
      this.deleteFreeBuffer(next);
    }
    const prev = buffer.prev;
    if (prev && prev.free) {
      this.deleteFreeBuffer(buffer);
      erase(this.freeBuffers, prev);
      buffer = prev;
    }
    this.insertFreeBuffer(buffer);
  }

  /**
   * `binder_delete_free_buffer`: `b` merges into its free predecessor. Its start page goes
   * onto the freelist unless the page is still shared: b starts on a page boundary (then the
   * page was covered by b's own range), or the byte before `prev` lies in that page, or the
   * next buffer starts in it.
   */
  private deleteFreeBuffer(b: CBuffer): void {
    let addPage = true;
    if ((b.start & (Pg.SIZE - 1)) === 0) {
      addPage = false;
    } else {
      const prev = b.prev as CBuffer; // a free buffer that is deleted always has a predecessor
      // `prev_buffer_end_page(prev)` = (prev->user_data - 1) & PAGE_MASK. At the mapping's
      // start this is the page *before* the mapping (the kernel uses user addresses, never 0);
      // pageDown(-1) = -PAGE_SIZE reproduces that without wrapping.
      if (pageDown(prev.start - 1) === pageDown(b.start)) addPage = false;
      else if (b.next && pageDown(b.next.start) === pageDown(b.start)) addPage = false;
    }
    if (addPage) this.freelistAdd(pageDown(b.start), pageDown(b.start) + Pg.SIZE);
    // list_del
    if (b.prev) b.prev.next = b.next;
    else this.head = b.next as CBuffer;
    if (b.next) b.next.prev = b.prev;
    b.prev = b.next = null;
  }

  isAllocated(b: CBuffer): boolean {
    return b.owner === this && !b.free;
  }

  allocatedCount(): number {
    return this.nrAllocated;
  }

  /** Every buffer, free or allocated, in address order. */
  buffers(): BufferView[] {
    const out: BufferView[] = [];
    for (let b: CBuffer | null = this.head; b; b = b.next) {
      out.push({ offset: b.start, size: this.sizeOf(b), free: b.free, async: b.async });
    }
    return out;
  }

  /**
   * `binder_alloc_deferred_release`: free every allocated buffer, then every installed page
   * leaves the freelist and is freed (process teardown).
   */
  release(): { buffers: number; pages: number } {
    let buffers = 0;
    // In address order (the list is), collected first: freeing merges and unlinks buffers.
    const live: CBuffer[] = [];
    for (let b: CBuffer | null = this.head; b; b = b.next) if (!b.free) live.push(b);
    for (const b of live) {
      this.freeBuf(b);
      buffers++;
    }
    return { buffers, pages: this.pages.releaseAll() };
  }
}
