/**
 * One Binder process: its mapping, pages, allocator (C or Rust driver), its mm's state and
 * the locks the shrinker must try, plus the driver's isolate callback for one of its pages.
 */
import { SimLock, type SimTimeNs } from '../mm/locks.js';
import { BINDER_MAX_MAPPING, pageAlign, PAGE_SIZE } from './constants.js';
import { CBinderAlloc, type CAllocEnv, type CBuffer } from './cAlloc.js';
import type { BlockingLock } from './env.js';
import { LRU_REMOVED_RETRY, LRU_SKIP } from '../mm/listLru/index.js';
import type { BinderFreelist, LruListHandle, LruStatus } from './lru.js';
import { C_SKIP_REASONS, RUST_SKIP_REASONS, type CSkipReason, type RustSkipReason, type SkipReason } from './lockOrder.js';
import { BinderPages } from './pages.js';
import { RustBinderAlloc, type RustRange } from './rustAlloc.js';
import { BINDER_EVENT_ID, type BinderEventName, type BinderPageEventName, type BinderTraceEvent } from './trace.js';

export type BinderDriver = 'c' | 'rust';

/** BINDER_EVENT_ID of the isolate callback's events, resolved once. */
const ID_UNMAP_KERNEL_START = BINDER_EVENT_ID.binder_unmap_kernel_start;
const ID_UNMAP_KERNEL_END = BINDER_EVENT_ID.binder_unmap_kernel_end;
const ID_UNMAP_USER_START = BINDER_EVENT_ID.binder_unmap_user_start;
const ID_UNMAP_USER_END = BINDER_EVENT_ID.binder_unmap_user_end;

/** Where the Binder vma stands: mapped, unmapped (munmap), or its address reused by another vma. */
export type VmaState = 'mapped' | 'unmapped' | 'foreign';

export type BufferHandle = CBuffer | RustRange;

export interface ProcHooks {
  /** Current simulated time. */
  now(): SimTimeNs;
  /** Emits an event of this process's allocator in the current task's context. */
  emit(event: BinderTraceEvent, depth: number): void;
  /** Records a blocking wait of `ns` on `lock`. */
  waited(lock: BlockingLock, ns: SimTimeNs): void;
  /**
   * Optional: counts event `name` and returns true when no record of it is wanted (no trace
   * sink), so that the allocator builds no event object; returns false, counting nothing,
   * when the event must go through `emit`. Without it every event goes through `emit`.
   */
  tally?(name: BinderEventName): boolean;
  /**
   * Optional, with `tally`, when no record of any event is ever wanted: the tally array
   * itself (indexed by BINDER_EVENT_ID), which the allocator increments directly.
   */
  readonly counts?: Float64Array | undefined;
}

export interface ProcSpec {
  readonly name: string;
  readonly pid: number;
  /** Bytes requested by mmap (rounded up to a page, clamped to 4 MiB). */
  readonly mmapBytes: number;
  readonly driver: BinderDriver;
}

/** The isolate callback's verdict for one page, with why it was skipped. */
export type IsolateOutcome =
  | { readonly status: 'LRU_REMOVED_RETRY' }
  | { readonly status: 'LRU_SKIP'; readonly reason: SkipReason };

export class BinderProc {
  readonly name: string;
  readonly pid: number;
  readonly driver: BinderDriver;
  /** `buffer_size` = min(mapping length, 4 MiB). */
  readonly bufferSize: number;
  readonly pages: BinderPages;
  readonly alloc: CBinderAlloc | RustBinderAlloc;
  /** The mm's mmap lock (an rwsem). */
  readonly mmapLock: SimLock;
  /** C: `alloc->lock` (spinlock in 6.12). Rust: the range's `lock` spinlock. */
  readonly allocLock: SimLock;
  /** Rust only: the range's `mm_lock` mutex (page install/zap); never held for C. */
  readonly mmMutex: SimLock;
  /** `mm_users > 0`: mmget_not_zero succeeds. */
  mmAlive = true;
  vma: VmaState = 'mapped';
  // Made on first use: most of a scenario's processes never need them (heap per process).
  private namedMap: Map<string, BufferHandle> | undefined;
  private failSet: Set<number> | undefined;
  private skipMap: Map<SkipReason, number> | undefined;
  /** Buffers by the name the script gave them. */
  get named(): Map<string, BufferHandle> {
    return (this.namedMap ??= new Map());
  }
  /** Page-allocation failures to inject, by page index (testing -ENOMEM). */
  get failPageAlloc(): Set<number> {
    return (this.failSet ??= new Set());
  }
  /** The shrinker's next read-trylocks of the mmap lock that fail regardless of time (`lock` step's `trylocks`). */
  mmapTrylockFailures = 0;
  /** Skips of this process's pages, by reason. */
  get skips(): Map<SkipReason, number> {
    return (this.skipMap ??= new Map());
  }
  /** What the allocator sees of this process (also counts the callback's events). */
  private readonly env: ProcAllocEnv;

  constructor(spec: ProcSpec, base: number, freelist: BinderFreelist, hooks: ProcHooks) {
    this.name = spec.name;
    this.pid = spec.pid;
    this.driver = spec.driver;
    this.bufferSize = Math.min(pageAlign(spec.mmapBytes), BINDER_MAX_MAPPING);
    this.pages = new BinderPages(this.bufferSize / PAGE_SIZE, base, freelist);
    this.mmapLock = new SimLock(`${spec.name}.mmap_lock`, 'rwsem');
    this.allocLock = new SimLock(`${spec.name}.${spec.driver === 'c' ? 'alloc->lock' : 'range.lock'}`, 'spinlock');
    this.mmMutex = new SimLock(`${spec.name}.range.mm_lock`, 'mutex');
    const env = new ProcAllocEnv(this, hooks);
    this.env = env;
    this.alloc =
      spec.driver === 'c' ? new CBinderAlloc(this.bufferSize, this.pages, env) : new RustBinderAlloc(this.bufferSize, this.pages, env);
  }

  /** Whether a page-allocation failure is injected at `index` (no set made to say no). */
  pageAllocFails(index: number): boolean {
    return this.failSet !== undefined && this.failSet.has(index);
  }

  private skip(reason: SkipReason): IsolateOutcome {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
    return SKIPPED[reason];
  }

  /**
   * The shrinker's isolate callback for page `index` of this process, called by the list_lru
   * walk with the lru lock held. Tries the locks in the driver's order (see lockOrder.ts): a
   * failure skips the page with the lru lock still held (LRU_SKIP); success isolates the page,
   * drops the lru lock for the part of the work that may sleep (zapping the user mapping,
   * freeing the page), retakes it and answers LRU_REMOVED_RETRY, so the walk restarts from the
   * head (its saved position is stale once the lock was let go).
   */
  isolate(index: number, list: LruListHandle, t: SimTimeNs, emit: (e: BinderTraceEvent, depth: number) => void): IsolateOutcome {
    if (this.driver !== 'c') return this.isolateRust(index, list, t);
    return (this.alloc as CBinderAlloc).kernel === '6.1' ? this.isolateC61(index, list, t, emit) : this.isolateC(index, list, t, emit);
  }

  /**
   * binder_alloc_free_page (6.1): alloc->mutex is tried first, then the page, the mm and its
   * mmap lock; the page leaves the list, the lru lock is dropped, and the user mapping is
   * zapped *before* the kernel page is freed (both with no spinlock held).
   */
  private isolateC61(
    index: number,
    list: LruListHandle,
    t: SimTimeNs,
    emit: (e: BinderTraceEvent, depth: number) => void,
  ): IsolateOutcome {
    const reason = this.firstCSkip61(index, t);
    if (reason) return this.skip(reason);
    list.isolate(this.pages.item(index));
    this.pages.noteIsolated();
    list.unlock();
    if (this.vma === 'mapped') {
      emit({ name: 'binder_unmap_user_start', proc: this.pid, pageIndex: index }, 0);
      emit({ name: 'binder_unmap_user_end', proc: this.pid, pageIndex: index }, 0);
    }
    emit({ name: 'binder_unmap_kernel_start', proc: this.pid, pageIndex: index }, 0);
    this.pages.uninstall(index, true);
    emit({ name: 'binder_unmap_kernel_end', proc: this.pid, pageIndex: index }, 0);
    list.lock();
    return REMOVED;
  }

  /** 6.1's order of checks: mutex_trylock, page_ptr, mmget_not_zero, mmap_read_trylock, vma. */
  private firstCSkip61(index: number, t: SimTimeNs): CSkipReason | undefined {
    if (!this.allocLock.tryLock(t).ok) return 'alloc_lock';
    if (!this.pages.isInstalled(index)) return 'page_freed';
    if (!this.mmAlive) return 'mm_dead';
    if (this.mmapTrylockFailures > 0) {
      this.mmapTrylockFailures--;
      return 'mmap_lock';
    }
    if (!this.mmapLock.tryRead(t).ok) return 'mmap_lock';
    if (this.vma === 'foreign') return 'invalid_vma';
    return undefined;
  }

  /** binder_alloc_free_page (6.12). */
  private isolateC(
    index: number,
    list: LruListHandle,
    t: SimTimeNs,
    emit: (e: BinderTraceEvent, depth: number) => void,
  ): IsolateOutcome {
    const reason = this.firstCSkip(index, t);
    if (reason) return this.skip(reason);
    // Held now: the lru lock (the walker's) and alloc->lock (just trylocked): the preempt
    // depth that the flags column of unmap_kernel shows.
    const spinDepth = (list.lockHeld ? 1 : 0) + 1;
    this.pageEvent(emit, 'binder_unmap_kernel_start', ID_UNMAP_KERNEL_START, index, spinDepth);
    this.pages.uninstall(index, true);
    this.pageEvent(emit, 'binder_unmap_kernel_end', ID_UNMAP_KERNEL_END, index, spinDepth);
    list.isolate(this.pages.item(index));
    this.pages.noteIsolated();
    // alloc->lock, then the lru lock, are dropped: zap_page_range_single may sleep. Only the
    // mmap read lock (and the mm reference) remain.
    list.unlock();
    if (this.vma === 'mapped') {
      this.pageEvent(emit, 'binder_unmap_user_start', ID_UNMAP_USER_START, index, 0);
      this.pageEvent(emit, 'binder_unmap_user_end', ID_UNMAP_USER_END, index, 0);
    }
    // mmap_read_unlock, mmput_async, __free_page; then the walker's lock is taken back.
    list.lock();
    return REMOVED;
  }

  /**
   * A page tracepoint of the shrinker's callback: only counted when nobody records (straight
   * into the tally array by id when the system hands one over, as the allocator does).
   */
  private pageEvent(
    emit: (e: BinderTraceEvent, depth: number) => void,
    name: BinderPageEventName,
    id: number,
    pageIndex: number,
    depth: number,
  ): void {
    const counts = this.env.counts;
    if (counts !== undefined) {
      counts[id] = counts[id]! + 1;
      return;
    }
    if (!this.env.tally(name)) emit({ name, proc: this.pid, pageIndex }, depth);
  }

  /** The C callback's checks in the kernel's order; the first that fails names the skip. */
  private firstCSkip(index: number, t: SimTimeNs): CSkipReason | undefined {
    if (!this.mmAlive) return 'mm_dead';
    if (this.mmapTrylockFailures > 0) {
      this.mmapTrylockFailures--;
      return 'mmap_lock';
    }
    if (!this.mmapLock.tryRead(t).ok) return 'mmap_lock';
    if (!this.allocLock.tryLock(t).ok) return 'alloc_lock';
    if (!this.pages.isInstalled(index)) return 'page_freed';
    // vma_lookup found a vma at the address, but not ours.
    if (this.vma === 'foreign') return 'invalid_vma';
    return undefined;
  }

  /** rust_shrink_free_page (page_range.rs). */
  private isolateRust(index: number, list: LruListHandle, t: SimTimeNs): IsolateOutcome {
    const reason = this.firstRustSkip(t);
    if (reason) return this.skip(reason);
    // Under the range spinlock: off the list, and the page taken out of its slot.
    list.isolate(this.pages.item(index));
    this.pages.noteIsolated();
    this.pages.uninstall(index, true);
    // The range lock, then the lru lock, are dropped; the zap happens only if the vma at the
    // address is still ours (check_vma). No tracepoints in this driver.
    list.unlock();
    // Upstream (6.18, list_lru of 6.13+) returns here with the lock still dropped; the shared
    // list_lru models the ≤ 6.12 protocol, under which a callback returns with it held. The
    // walk restarts from the head either way, so what the model shows is the same.
    list.lock();
    return REMOVED;
  }

  private firstRustSkip(t: SimTimeNs): RustSkipReason | undefined {
    if (!this.mmAlive) return 'mm_dead';
    if (!this.mmMutex.tryLock(t).ok) return 'mm_mutex';
    if (!this.mmapLock.tryRead(t).ok) return 'mmap_lock';
    if (!this.allocLock.tryLock(t).ok) return 'range_lock';
    return undefined;
  }
}

/**
 * The allocator's view of its process (AllocEnv), as one small object with methods rather
 * than a closure per callback: 1,024 processes carry 1,024 of these.
 */
class ProcAllocEnv implements CAllocEnv {
  readonly pid: number;
  readonly counts: Float64Array | undefined;
  constructor(
    private readonly proc: BinderProc,
    private readonly hooks: ProcHooks,
  ) {
    this.pid = proc.pid;
    this.counts = hooks.tally !== undefined ? hooks.counts : undefined;
  }
  /** ProcHooks.tally when the system has it; false (emit a record) otherwise. */
  tally(name: BinderEventName): boolean {
    return this.hooks.tally !== undefined && this.hooks.tally(name);
  }
  mmAlive(): boolean {
    return this.proc.mmAlive;
  }
  mapped(): boolean {
    return this.proc.vma === 'mapped';
  }
  acquire(lock: BlockingLock): void {
    const p = this.proc;
    const t = this.hooks.now();
    const wait =
      lock === 'alloc'
        ? p.allocLock.waitNs(t, 'exclusive')
        : lock === 'mm_mutex'
          ? p.mmMutex.waitNs(t, 'exclusive')
          : p.mmapLock.waitNs(t, lock === 'mmap_read' ? 'read' : 'write');
    if (wait > 0) this.hooks.waited(lock, wait);
  }
  emit(e: BinderTraceEvent, depth: number): void {
    this.hooks.emit(e, depth);
  }
  pageAllocFails(index: number): boolean {
    return this.proc.pageAllocFails(index);
  }
}

/** The one success outcome, shared: the hot path allocates nothing. */
const REMOVED: IsolateOutcome = Object.freeze({ status: 'LRU_REMOVED_RETRY' });

/** One frozen skip outcome per reason. */
const SKIPPED: Readonly<Record<SkipReason, IsolateOutcome>> = Object.freeze(
  Object.fromEntries(
    [...new Set<SkipReason>([...C_SKIP_REASONS, ...RUST_SKIP_REASONS])].map((r) => [r, Object.freeze({ status: 'LRU_SKIP', reason: r })]),
  ) as Record<SkipReason, IsolateOutcome>,
);

/** The LRU status an outcome stands for (what the walker sees). */
export const lruStatusOf = (o: IsolateOutcome): LruStatus => (o.status === 'LRU_SKIP' ? LRU_SKIP : LRU_REMOVED_RETRY);
