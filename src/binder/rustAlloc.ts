/**
 * The Rust Binder driver's buffer space (Linux 6.18+): the range allocator of
 * drivers/android/binder/range_alloc/ and the page states of page_range.rs, restated.
 *
 * Differences from the C driver that show from outside:
 * - placement: up to 8 ranges live in an array (a new range goes after the last one if it
 *   fits, else into the first gap that fits); beyond that a tree gives best fit by
 *   (size, offset), so ties go to the lowest address, not to the tree's shape;
 * - pages: an allocation uses pages `offset / 4096 .. ceil((offset+size) / 4096)`; a free
 *   makes available the pages no other allocated range touches, walking them from the last
 *   to the first (so they enter the LRU in reverse address order);
 * - page installation takes the range's mm_lock mutex and the mmap lock for *read*;
 * - there are no tracepoints.
 */
import { pageDown, pageIndex, PAGE_SIZE } from './constants.js';
import { failure, type AllocEnv, type AllocRequest, type BinderFailure, type BufferView } from './env.js';
import type { BinderPages } from './pages.js';
import { erase, first, insertColor, linkNode, next, prev, RbRoot, type RbNode } from './rbtree.js';
import { requestSize, requestSizeNum, smallSizes } from './requestSize.js';

/** The failures of the hot path, made once (read-only values). */
const NO_MAPPING: BinderFailure = Object.freeze(failure('ESRCH', 'no mapping'));
const NO_ASYNC_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no async space left'));
const NO_ADDRESS_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no address space'));

/** `TREE_THRESHOLD`: the array form holds at most this many ranges. */
export const TREE_THRESHOLD = 8;

/** An allocated range (`Range` / a tree `Descriptor` with a state). */
export class RustRange implements RbNode<RustRange> {
  /** Links in the tree form's by-offset tree (unused while the allocator is in array form). */
  rbParent: RustRange | null = null;
  rbLeft: RustRange | null = null;
  rbRight: RustRange | null = null;
  rbRed = false;
  constructor(
    public offset: number,
    public size: number,
    public oneway: boolean,
  ) {}
  get end(): number {
    return this.offset + this.size;
  }
}

/**
 * A free descriptor of the tree form: a maximal gap between allocated ranges, linked in the
 * `free_tree` keyed by (size, offset).
 */
class FreeGap implements RbNode<FreeGap> {
  rbParent: FreeGap | null = null;
  rbLeft: FreeGap | null = null;
  rbRight: FreeGap | null = null;
  rbRed = false;
  constructor(
    public offset: number,
    public size: number,
  ) {}
}

/** Pages that just became unused by every allocated range: `[start, end)` page indices. */
/**
 * One idle range and gap for the life of the process. The rbtree code is shared by both
 * drivers' nodes; V8 throws away optimized code whose object shapes all died, and a run that
 * ends with no live range (the Rust process's last burst freed) would make every following
 * run in the process (sweep, end-to-end bench) recompile the whole Binder tree path.
 */
export const SHAPE_KEEPERS: readonly object[] = [new RustRange(0, 0, false), new FreeGap(0, 0)];

interface FreedRange {
  start: number;
  end: number;
}

const interiorPages = (offset: number, size: number): FreedRange => ({
  start: Math.ceil(offset / PAGE_SIZE),
  end: Math.floor((offset + size) / PAGE_SIZE),
});

export type RustAllocResult = { readonly ok: true; readonly buffer: RustRange; readonly size: number } | BinderFailure;

type Mode = 'empty' | 'array' | 'tree';

export class RustBinderAlloc {
  readonly driver = 'rust' as const;
  /** Array form: the allocated ranges sorted by offset (at most TREE_THRESHOLD; empty in tree form). */
  private ranges: RustRange[] = [];
  /** Tree form: every allocated range, keyed by offset (unique: ranges never overlap, size > 0). */
  private readonly byOffset = new RbRoot<RustRange>();
  /** Tree form: every maximal free gap, keyed by (size, offset). */
  private readonly freeTree = new RbRoot<FreeGap>();
  /**
   * Tree form: free gaps by start offset. The kernel finds a freed range's free neighbours as
   * its neighbours in the one descriptor tree; here the gaps live outside the range tree, so
   * the neighbour gap is looked up by where it must start (O(1)).
   */
  private readonly gapAt = new Map<number, FreeGap>();
  private treeCount = 0;
  private mode: Mode = 'empty';
  freeOnewaySpace: number;

  constructor(
    readonly bufferSize: number,
    private readonly pages: BinderPages,
    private readonly env: AllocEnv,
  ) {
    this.freeOnewaySpace = Math.floor(bufferSize / 2);
  }

  /** Which representation the range allocator is in (`Impl::{Empty, Array, Tree}`). */
  get representation(): Mode {
    return this.mode;
  }

  /** Array form: after the last range if it fits, else the first gap that fits. */
  private findPlaceArray(size: number): number | undefined {
    const afterLast = this.ranges.length ? (this.ranges[this.ranges.length - 1] as RustRange).end : 0;
    if (size <= this.bufferSize - afterLast) return afterLast;
    let endOfPrev = 0;
    for (const r of this.ranges) {
      if (size <= r.offset - endOfPrev) return endOfPrev;
      endOfPrev = r.end;
    }
    return undefined;
  }

  /**
   * Tree form: `cursor_lower_bound(&(size, 0))` on the free tree — the smallest gap that fits,
   * the lowest address among equal sizes. Keys are totally ordered, so the answer does not
   * depend on the tree's shape (unlike the C driver's search).
   */
  private lowerBoundGap(size: number): FreeGap | null {
    let n = this.freeTree.node;
    let best: FreeGap | null = null;
    while (n !== null) {
      // (n.size, n.offset) >= (size, 0) exactly when n.size >= size.
      if (n.size >= size) {
        best = n;
        n = n.rbLeft;
      } else n = n.rbRight;
    }
    return best;
  }

  private insertGap(g: FreeGap): void {
    let parent: FreeGap | null = null;
    let side: 'left' | 'right' = 'left';
    let n = this.freeTree.node;
    while (n !== null) {
      parent = n;
      if (g.size < n.size || (g.size === n.size && g.offset < n.offset)) {
        side = 'left';
        n = n.rbLeft;
      } else {
        side = 'right';
        n = n.rbRight;
      }
    }
    linkNode(this.freeTree, g, parent, side);
    insertColor(this.freeTree, g);
    this.gapAt.set(g.offset, g);
  }

  private removeGap(g: FreeGap): void {
    erase(this.freeTree, g);
    this.gapAt.delete(g.offset);
  }

  private insertRange(r: RustRange): void {
    let parent: RustRange | null = null;
    let side: 'left' | 'right' = 'left';
    let n = this.byOffset.node;
    while (n !== null) {
      parent = n;
      if (r.offset < n.offset) {
        side = 'left';
        n = n.rbLeft;
      } else {
        side = 'right';
        n = n.rbRight;
      }
    }
    linkNode(this.byOffset, r, parent, side);
    insertColor(this.byOffset, r);
    this.treeCount++;
  }

  /** Tree form: `r` itself is in the by-offset tree (identity, not just an equal offset). */
  private inTree(r: RustRange): boolean {
    let n = this.byOffset.node;
    while (n !== null) {
      if (r.offset === n.offset) return n === r;
      n = r.offset < n.offset ? n.rbLeft : n.rbRight;
    }
    return false;
  }

  /** Array → tree: the full array's ranges and the gaps between them move into the trees. */
  private convertToTree(): void {
    this.mode = 'tree';
    let at = 0;
    for (const r of this.ranges) {
      if (r.offset > at) this.insertGap(new FreeGap(at, r.offset - at));
      this.insertRange(r);
      at = r.end;
    }
    if (at < this.bufferSize) this.insertGap(new FreeGap(at, this.bufferSize - at));
    this.ranges = [];
  }

  /** Tree form: reserve `[offset, offset+size)` out of gap `g` (its front part). */
  private carve(g: FreeGap, size: number): void {
    this.removeGap(g);
    if (g.size > size) {
      // The rest of the gap stays free: reuse the descriptor, rekeyed.
      g.offset += size;
      g.size -= size;
      this.insertGap(g);
    }
  }

  /** `Process::buffer_alloc`: reserve a range, then `use_range` its pages. */
  newBuf(req: AllocRequest): RustAllocResult {
    const d = req.dataSize;
    const o = req.offsetsSize;
    const e = req.extraSize;
    let r: RustRange | BinderFailure;
    if (typeof d === 'number' && typeof o === 'number' && typeof e === 'number' && smallSizes(d, o, e)) {
      r = this.newBufSized(d, o, e, req.isAsync);
    } else {
      if (!this.env.mapped()) return NO_MAPPING;
      const sized = requestSize(req, this.bufferSize, this.freeOnewaySpace);
      if (!sized.ok) return sized;
      r = this.place(sized.size, req.isAsync);
    }
    return r instanceof RustRange ? { ok: true, buffer: r, size: r.size } : r;
  }

  /**
   * The typed path of generated transactions: sizes as numbers, each below 2^48
   * (`smallSizes`). The range, or the failure: no request or result object is made.
   */
  newBufSized(dataSize: number, offsetsSize: number, extraSize: number, isAsync: boolean): RustRange | BinderFailure {
    if (!this.env.mapped()) return NO_MAPPING;
    const size = requestSizeNum(dataSize, offsetsSize, extraSize, isAsync, this.bufferSize, this.freeOnewaySpace);
    if (typeof size !== 'number') return size;
    return this.place(size, isAsync);
  }

  /** Under the range lock: reserve `size` bytes; then use the range's pages. */
  private place(size: number, isAsync: boolean): RustRange | BinderFailure {
    this.env.acquire('alloc');
    if (this.mode === 'empty') this.mode = 'array';
    // A full array converts to the tree before placing the new range.
    if (this.mode === 'array' && this.ranges.length === TREE_THRESHOLD) this.convertToTree();
    // The new oneway space is computed first and set only on success.
    if (isAsync && this.freeOnewaySpace < size) return NO_ASYNC_SPACE;
    let r: RustRange;
    if (this.mode === 'tree') {
      const g = this.lowerBoundGap(size);
      if (g === null) return NO_ADDRESS_SPACE;
      r = new RustRange(g.offset, size, isAsync);
      this.carve(g, size);
      this.insertRange(r);
    } else {
      const offset = this.findPlaceArray(size);
      if (offset === undefined) return NO_ADDRESS_SPACE;
      r = new RustRange(offset, size, isAsync);
      this.insertSorted(r);
    }
    if (isAsync) this.freeOnewaySpace -= size;

    const err = this.useRange(pageIndex(r.offset), Math.ceil((r.offset + size) / PAGE_SIZE));
    if (err) {
      this.freeBuf(r);
      return err;
    }
    return r;
  }

  private insertSorted(r: RustRange): void {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ranges[mid] as RustRange).offset < r.offset) lo = mid + 1;
      else hi = mid;
    }
    this.ranges.splice(lo, 0, r);
  }

  /** `ShrinkablePageRange::use_range`: installed pages leave the LRU, missing ones are installed. */
  private useRange(start: number, end: number): BinderFailure | undefined {
    for (let i = start; i < end; i++) {
      if (this.pages.isInstalled(i)) {
        // Holding the range lock: the shrinker cannot free the page between check and del.
        this.pages.lruDel(i);
        continue;
      }
      // use_page_slow: mm_lock mutex, then (range lock dropped) mmget + mmap read lock + vma.
      this.env.acquire('mm_mutex');
      if (!this.env.mmAlive()) return failure('ESRCH', 'mm gone');
      this.env.acquire('mmap_read');
      if (!this.env.mapped()) return failure('ESRCH', 'no vma');
      if (this.env.pageAllocFails(i)) return failure('ENOMEM', 'failed to allocate page');
      this.pages.install(i);
      if (i + 1 > this.pages.pagesHigh) this.pages.pagesHigh = i + 1;
    }
    return undefined;
  }

  /** `stop_using_range`: from the last page to the first, installed pages join the LRU. */
  private stopUsingRange(start: number, end: number): void {
    for (let i = end - 1; i >= start; i--) {
      if (this.pages.isInstalled(i)) this.pages.lruAdd(i);
    }
  }

  /** `reservation_abort` + `stop_using_range` (a buffer freed by its owner, or an aborted one). */
  freeBuf(r: RustRange): void {
    this.env.acquire('alloc');
    if (this.mode === 'tree') {
      this.freeBufTree(r);
      return;
    }
    const i = this.ranges.indexOf(r);
    if (i < 0) return;
    if (r.oneway) this.freeOnewaySpace += r.size;
    const freed = interiorPages(r.offset, r.size);
    const prevR = i > 0 ? (this.ranges[i - 1] as RustRange) : undefined;
    const nextR = i + 1 < this.ranges.length ? (this.ranges[i + 1] as RustRange) : undefined;
    if (r.offset % PAGE_SIZE !== 0 && (prevR === undefined || prevR.end <= pageDown(r.offset))) freed.start -= 1;
    if (r.end % PAGE_SIZE !== 0) {
      const pageAfter = pageDown(r.end) + PAGE_SIZE;
      if (nextR === undefined || pageAfter <= nextR.offset) freed.end += 1;
    }
    this.ranges.splice(i, 1);
    this.stopUsingRange(freed.start, freed.end);
  }

  /** Tree form of `freeBuf`: neighbours, shared pages and gap merging in O(log n). */
  private freeBufTree(r: RustRange): void {
    if (!this.inTree(r)) return;
    if (r.oneway) this.freeOnewaySpace += r.size;
    const freed = interiorPages(r.offset, r.size);
    const prevR = prev(r);
    const nextR = next(r);
    const prevEnd = prevR ? prevR.end : 0;
    const nextStart = nextR ? nextR.offset : this.bufferSize;
    // A neighbouring *free* range long enough to reach the page boundary frees the shared
    // page too (an allocated neighbour never does, even if it ends before the page).
    const nextFree = nextStart - r.end;
    const prevFree = r.offset - prevEnd;
    const addNext = r.end % PAGE_SIZE === 0 ? Infinity : PAGE_SIZE - (r.end % PAGE_SIZE);
    const addPrev = r.offset % PAGE_SIZE === 0 ? Infinity : r.offset % PAGE_SIZE;
    if (nextFree > 0 && nextFree >= addNext) freed.end += 1;
    if (prevFree > 0 && prevFree >= addPrev) freed.start -= 1;

    erase(this.byOffset, r);
    this.treeCount--;
    if (this.treeCount === 0) {
      // An empty tree goes back to `Impl::Empty` (the array form never does).
      this.mode = 'empty';
      this.freeTree.node = null;
      this.gapAt.clear();
    } else {
      // The freed range and its free neighbours become one gap [prevEnd, nextStart).
      const before = prevFree > 0 ? this.gapAt.get(prevEnd) : undefined;
      const after = nextFree > 0 ? this.gapAt.get(r.end) : undefined;
      if (before) this.removeGap(before);
      if (after) this.removeGap(after);
      const g = before ?? after ?? new FreeGap(prevEnd, 0);
      g.offset = prevEnd;
      g.size = nextStart - prevEnd;
      this.insertGap(g);
    }
    this.stopUsingRange(freed.start, freed.end);
  }

  isAllocated(r: RustRange): boolean {
    return this.mode === 'tree' ? this.inTree(r) : this.ranges.includes(r);
  }

  allocatedCount(): number {
    return this.mode === 'tree' ? this.treeCount : this.ranges.length;
  }

  /** Allocated ranges in address order (allocates: snapshots and teardown only). */
  private allocatedInOrder(): RustRange[] {
    if (this.mode !== 'tree') return [...this.ranges];
    const out: RustRange[] = [];
    for (let n = first(this.byOffset); n !== null; n = next(n)) out.push(n);
    return out;
  }

  buffers(): BufferView[] {
    const out: BufferView[] = [];
    let at = 0;
    for (const r of this.allocatedInOrder()) {
      if (r.offset > at) out.push({ offset: at, size: r.offset - at, free: true, async: false });
      out.push({ offset: r.offset, size: r.size, free: false, async: r.oneway });
      at = r.end;
    }
    if (at < this.bufferSize) out.push({ offset: at, size: this.bufferSize - at, free: true, async: false });
    return out;
  }

  /** Process teardown: every allocated range is freed, every installed page leaves the LRU. */
  release(): { buffers: number; pages: number } {
    const all = this.allocatedInOrder();
    for (const r of all) this.freeBuf(r);
    return { buffers: all.length, pages: this.pages.releaseAll() };
  }
}
