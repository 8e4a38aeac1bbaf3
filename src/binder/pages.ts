/**
 * One process's Binder pages, in typed arrays (no object per page).
 *
 * Invariants: a page is *free* (not installed), *lru* (installed and on the global freelist)
 * or *active* (installed, not on the freelist); `active + lru + free = nrPages`. The LRU
 * links themselves live in the driver's global `BinderFreelist` (the shared list_lru) under
 * the item id `base + index`.
 */
import type { BinderFreelist } from './lru.js';

export interface PageCounts {
  active: number;
  lru: number;
  free: number;
}

/** Flag bit of `BinderPages.flags`: the page is installed (`alloc->pages[i].page_ptr != NULL`). */
export const PAGE_INSTALLED = 1;
/** Flag bit: the shrinker has freed the page once, so its next install is a refault. */
const PAGE_RECLAIMED_BEFORE = 2;

export class BinderPages {
  /** One byte per page: PAGE_INSTALLED and the reclaimed-before bit (1 B/page, not 2). */
  readonly flags: Uint8Array;
  private nrInstalled = 0;
  private nrLru = 0;
  /** `pages_high`: highest index + 1 ever taken off the freelist uninstalled (C) or installed. */
  pagesHigh = 0;
  /** Installs, installs of previously reclaimed pages, pages freed by the shrinker. */
  readonly stats = { installs: 0, refaults: 0, reclaimed: 0, lruAdds: 0, lruReuses: 0 };

  constructor(
    readonly nrPages: number,
    /** First global freelist item id of this process. */
    readonly base: number,
    readonly freelist: BinderFreelist,
  ) {
    this.flags = new Uint8Array(nrPages);
  }

  item(index: number): number {
    return this.base + index;
  }

  isInstalled(index: number): boolean {
    return (this.flags[index]! & PAGE_INSTALLED) !== 0;
  }

  onLru(index: number): boolean {
    return this.freelist.isListed(this.base + index);
  }

  install(index: number): void {
    const f = this.flags[index]!;
    if ((f & PAGE_INSTALLED) !== 0) return;
    this.flags[index] = f | PAGE_INSTALLED;
    this.nrInstalled++;
    this.stats.installs++;
    // Counted without a branch: the first refault of a process (once the shrinker has run)
    // would otherwise reach an increment with no type feedback and deoptimize the allocation
    // paths this is inlined in.
    this.stats.refaults += (f & PAGE_RECLAIMED_BEFORE) === 0 ? 0 : 1;
  }

  /** The page's memory is given back (shrinker, or process teardown). */
  uninstall(index: number, byShrinker: boolean): void {
    const f = this.flags[index]!;
    if ((f & PAGE_INSTALLED) === 0) return;
    this.nrInstalled--;
    if (byShrinker) {
      this.flags[index] = PAGE_RECLAIMED_BEFORE;
      this.stats.reclaimed++;
    } else {
      this.flags[index] = f & ~PAGE_INSTALLED;
    }
  }

  /** `list_lru_add` of this page; false if it was already listed. */
  lruAdd(index: number): boolean {
    const ok = this.freelist.addPage(this.base + index);
    if (ok) {
      this.nrLru++;
      this.stats.lruAdds++;
    }
    return ok;
  }

  /** `list_lru_del` of this page (reuse by an allocation); false if it was not listed. */
  lruDel(index: number): boolean {
    const ok = this.freelist.del(this.base + index);
    if (ok) {
      this.nrLru--;
      this.stats.lruReuses++;
    }
    return ok;
  }

  /**
   * `lruAdd` of the installed pages among [from, to), ascending, in one pass over the flags
   * (no id array); returns how many were added. `freelist.maskedMatched` then says how many
   * were installed (the others of those were listed already).
   */
  lruAddInstalled(from: number, to: number): number {
    const added = this.freelist.addPagesMasked(this.base, this.flags, PAGE_INSTALLED, from, to);
    this.nrLru += added;
    this.stats.lruAdds += added;
    return added;
  }

  /**
   * `lruDel` of the installed pages among [from, to) in one pass; returns how many were
   * listed. `freelist.maskedMatched` then says how many were installed.
   */
  lruDelInstalled(from: number, to: number): number {
    const removed = this.freelist.delMasked(this.base, this.flags, PAGE_INSTALLED, from, to);
    this.nrLru -= removed;
    this.stats.lruReuses += removed;
    return removed;
  }

  /** Bookkeeping after the walker isolated one of our items (`list_lru_isolate`). */
  noteIsolated(): void {
    this.nrLru--;
  }

  /** Bookkeeping after teardown removed one of our items without counting a reuse. */
  noteDeleted(): void {
    this.nrLru--;
  }

  /**
   * Process teardown (`binder_alloc_deferred_release` / the Rust range's drop): every
   * installed page leaves the freelist, not counted as a reuse, and is freed. Returns how
   * many pages were freed.
   */
  releaseAll(): number {
    let pages = 0;
    for (let i = 0; i < this.nrPages; i++) {
      if ((this.flags[i]! & PAGE_INSTALLED) === 0) continue;
      if (this.freelist.del(this.base + i)) this.noteDeleted();
      this.uninstall(i, false);
      pages++;
    }
    return pages;
  }

  counts(): PageCounts {
    return { active: this.nrInstalled - this.nrLru, lru: this.nrLru, free: this.nrPages - this.nrInstalled };
  }

  /** One character per page: `a` active, `l` on the LRU, `.` free (not installed). */
  stateString(): string {
    let s = '';
    for (let i = 0; i < this.nrPages; i++) {
      s += (this.flags[i]! & PAGE_INSTALLED) === 0 ? '.' : this.freelist.isListed(this.base + i) ? 'l' : 'a';
    }
    return s;
  }
}
