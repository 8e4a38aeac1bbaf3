/**
 * The pages of one NUMA node, by owner. Reclaim moves pages between these buckets; nothing
 * tracks individual pages (the kernel's reclaim decisions depend on list sizes, not
 * identities, and the run must stay fast with millions of pages).
 *
 * Invariants: every bucket is ≥ 0 and
 * `free + file + anon + slab + binder + other === managed`;
 * `fileMapped ≤ file`; `swapUsed ≤ swapTotal`.
 */
import type { MglruNode } from './mglruNode.js';
import type { Watermarks } from './watermarks.js';

export type PageOwner = 'file' | 'anon' | 'slab' | 'binder' | 'other';

export interface NodeMemoryInit {
  readonly nid: number;
  readonly managedPages: number;
  readonly filePages: number;
  readonly fileMappedPages?: number;
  readonly anonPages: number;
  readonly otherPages?: number;
  readonly swapPages: number;
  readonly wmark: Watermarks;
}

export class NodeMemory {
  readonly nid: number;
  readonly managed: number;
  readonly wmark: Watermarks;
  free: number;
  file: number;
  /** Mapped page cache: survives `drop_caches` (only clean unmapped pages are invalidated). */
  fileMapped: number;
  anon: number;
  slab = 0;
  binder = 0;
  other: number;
  readonly swapTotal: number;
  swapUsed = 0;
  /** MGLRU's per-memcg generations and memcg LRU of this node, built by its first MGLRU pass. */
  mglru: MglruNode | null = null;

  constructor(init: NodeMemoryInit) {
    this.nid = init.nid;
    this.managed = init.managedPages;
    this.wmark = init.wmark;
    this.file = init.filePages;
    this.fileMapped = Math.min(init.fileMappedPages ?? 0, init.filePages);
    this.anon = init.anonPages;
    this.other = init.otherPages ?? 0;
    this.swapTotal = init.swapPages;
    const used = this.file + this.anon + this.other;
    if (used > this.managed) {
      throw new RangeError(`node ${init.nid}: initial pages ${used} exceed managed ${this.managed}`);
    }
    // INVARIANT: the buckets sum to `managed` from the start.
    this.free = this.managed - used;
  }

  get swapFree(): number {
    return this.swapTotal - this.swapUsed;
  }

  /** Takes up to `n` free pages for `owner`; returns how many it got (never below 0 free). */
  take(owner: PageOwner, n: number): number {
    const got = Math.max(0, Math.min(n, this.free));
    this.free -= got;
    this.add(owner, got);
    return got;
  }

  /** Returns up to `n` pages of `owner` to the free pool; returns how many were released. */
  release(owner: PageOwner, n: number): number {
    const have = this.get(owner);
    const got = Math.max(0, Math.min(n, have));
    this.add(owner, -got);
    this.free += got;
    if (owner === 'file' && this.fileMapped > this.file) this.fileMapped = this.file;
    return got;
  }

  get(owner: PageOwner): number {
    switch (owner) {
      case 'file':
        return this.file;
      case 'anon':
        return this.anon;
      case 'slab':
        return this.slab;
      case 'binder':
        return this.binder;
      case 'other':
        return this.other;
    }
  }

  private add(owner: PageOwner, n: number): void {
    switch (owner) {
      case 'file':
        this.file += n;
        return;
      case 'anon':
        this.anon += n;
        return;
      case 'slab':
        this.slab += n;
        return;
      case 'binder':
        this.binder += n;
        return;
      case 'other':
        this.other += n;
        return;
    }
  }

  /**
   * `pgdat_balanced` for order 0 with one zone: free pages strictly above the high watermark
   * (`__zone_watermark_ok` fails when `free <= mark`).
   */
  balanced(): boolean {
    return this.free > this.wmark.high;
  }

  checkInvariants(): void {
    const sum = this.free + this.file + this.anon + this.slab + this.binder + this.other;
    if (sum !== this.managed || this.free < 0 || this.file < 0 || this.anon < 0 || this.slab < 0 || this.binder < 0) {
      throw new Error(`node ${this.nid}: page buckets broken (sum ${sum} vs managed ${this.managed})`);
    }
  }
}

/** All nodes of the machine plus the global knobs reclaim reads. */
export interface MemoryModel {
  readonly nodes: readonly NodeMemory[];
  /** `vm.swappiness` (0–200): weight of anon against file when swap exists. */
  readonly swappiness: number;
  /**
   * Share of the LRU pages counted as inactive (what MGLRU's `set_initial_priority` reads
   * as NR_INACTIVE_FILE/ANON). The model does not keep separate active/inactive lists.
   */
  readonly inactiveRatio: number;
}
