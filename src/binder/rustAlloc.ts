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
import { requestSize } from './requestSize.js';

/** `TREE_THRESHOLD`: the array form holds at most this many ranges. */
export const TREE_THRESHOLD = 8;

/** An allocated range (`Range` / a tree `Descriptor` with a state). */
export class RustRange {
  constructor(
    public offset: number,
    public size: number,
    public oneway: boolean,
  ) {}
  get end(): number {
    return this.offset + this.size;
  }
}

/** Pages that just became unused by every allocated range: `[start, end)` page indices. */
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
  /** Allocated ranges sorted by offset (both forms; the tree form also has free ranges). */
  private ranges: RustRange[] = [];
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

  /** Free gaps between allocated ranges, in address order. */
  private gaps(): { offset: number; size: number }[] {
    const out: { offset: number; size: number }[] = [];
    let at = 0;
    for (const r of this.ranges) {
      if (r.offset > at) out.push({ offset: at, size: r.offset - at });
      at = r.end;
    }
    if (at < this.bufferSize) out.push({ offset: at, size: this.bufferSize - at });
    return out;
  }

  /** Where a new range of `size` goes, per the current representation. */
  private findPlace(size: number): number | undefined {
    if (this.mode === 'tree') {
      // `cursor_lower_bound(&(size, 0))` on the free tree keyed (size, offset).
      let best: { offset: number; size: number } | undefined;
      for (const g of this.gaps()) {
        if (g.size < size) continue;
        if (!best || g.size < best.size || (g.size === best.size && g.offset < best.offset)) best = g;
      }
      return best?.offset;
    }
    // Array: after the last range if it fits, else the first gap that fits.
    const afterLast = this.ranges.length ? (this.ranges[this.ranges.length - 1] as RustRange).end : 0;
    if (size <= this.bufferSize - afterLast) return afterLast;
    let endOfPrev = 0;
    for (const r of this.ranges) {
      if (size <= r.offset - endOfPrev) return endOfPrev;
      endOfPrev = r.end;
    }
    return undefined;
  }

  /** `Process::buffer_alloc`: reserve a range, then `use_range` its pages. */
  newBuf(req: AllocRequest): RustAllocResult {
    if (!this.env.mapped()) return failure('ESRCH', 'no mapping');
    const sized = requestSize(req, this.bufferSize, this.freeOnewaySpace);
    if (!sized.ok) return sized;
    const size = sized.size;
    this.env.acquire('alloc');
    if (this.mode === 'empty') this.mode = 'array';
    // A full array converts to the tree before placing the new range.
    if (this.mode === 'array' && this.ranges.length === TREE_THRESHOLD) this.mode = 'tree';
    // The new oneway space is computed first and set only on success.
    if (req.isAsync && this.freeOnewaySpace < size) return failure('ENOSPC', 'no async space left');
    const offset = this.findPlace(size);
    if (offset === undefined) return failure('ENOSPC', 'no address space');
    if (req.isAsync) this.freeOnewaySpace -= size;
    const r = new RustRange(offset, size, req.isAsync);
    this.insertSorted(r);

    const err = this.useRange(pageIndex(offset), Math.ceil((offset + size) / PAGE_SIZE));
    if (err) {
      this.freeBuf(r);
      return err;
    }
    return { ok: true, buffer: r, size };
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
    const i = this.ranges.indexOf(r);
    if (i < 0) return;
    if (r.oneway) this.freeOnewaySpace += r.size;
    const freed = interiorPages(r.offset, r.size);
    const prev = i > 0 ? (this.ranges[i - 1] as RustRange) : undefined;
    const next = i + 1 < this.ranges.length ? (this.ranges[i + 1] as RustRange) : undefined;
    if (this.mode === 'array') {
      if (r.offset % PAGE_SIZE !== 0 && (prev === undefined || prev.end <= pageDown(r.offset))) freed.start -= 1;
      if (r.end % PAGE_SIZE !== 0) {
        const pageAfter = pageDown(r.end) + PAGE_SIZE;
        if (next === undefined || pageAfter <= next.offset) freed.end += 1;
      }
    } else {
      // Tree: a neighbouring *free* range long enough to reach the page boundary frees the
      // shared page too (an allocated neighbour never does, even if it ends before the page).
      const nextFree = (next ? next.offset : this.bufferSize) - r.end;
      const prevFree = r.offset - (prev ? prev.end : 0);
      const addNext = r.end % PAGE_SIZE === 0 ? Infinity : PAGE_SIZE - (r.end % PAGE_SIZE);
      const addPrev = r.offset % PAGE_SIZE === 0 ? Infinity : r.offset % PAGE_SIZE;
      if (nextFree > 0 && nextFree >= addNext) freed.end += 1;
      if (prevFree > 0 && prevFree >= addPrev) freed.start -= 1;
    }
    this.ranges.splice(i, 1);
    // An empty tree goes back to `Impl::Empty` (the array form never does).
    if (this.mode === 'tree' && this.ranges.length === 0) this.mode = 'empty';
    this.stopUsingRange(freed.start, freed.end);
  }

  isAllocated(r: RustRange): boolean {
    return this.ranges.includes(r);
  }

  allocatedCount(): number {
    return this.ranges.length;
  }

  buffers(): BufferView[] {
    const out: BufferView[] = [];
    const gaps = this.gaps();
    let gi = 0;
    for (const r of this.ranges) {
      while (gi < gaps.length && (gaps[gi] as { offset: number }).offset < r.offset) {
        const g = gaps[gi++] as { offset: number; size: number };
        out.push({ offset: g.offset, size: g.size, free: true, async: false });
      }
      out.push({ offset: r.offset, size: r.size, free: false, async: r.oneway });
    }
    while (gi < gaps.length) {
      const g = gaps[gi++] as { offset: number; size: number };
      out.push({ offset: g.offset, size: g.size, free: true, async: false });
    }
    return out;
  }

  /** Process teardown: every allocated range is freed, every installed page leaves the LRU. */
  release(): { buffers: number; pages: number } {
    const buffers = this.ranges.length;
    for (const r of [...this.ranges]) this.freeBuf(r);
    return { buffers, pages: this.pages.releaseAll() };
  }
}
