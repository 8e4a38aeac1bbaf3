/**
 * What an allocator needs from the process around it: its pid, whether its mm and mapping
 * still exist, a way to wait for the locks it takes blocking, and the trace.
 */
import type { BinderTraceEvent } from './trace.js';

export type BinderErrno = 'ESRCH' | 'EINVAL' | 'ENOSPC' | 'ENOMEM' | 'EPERM' | 'ENOENT';

/** A failed operation, as the kernel reports it: an errno and the reason it logs. */
export interface BinderFailure {
  readonly ok: false;
  readonly error: BinderErrno;
  readonly reason: string;
}

export const failure = (error: BinderErrno, reason: string): BinderFailure => ({ ok: false, error, reason });

/** Locks an allocation takes blocking; the environment accounts the wait. */
export type BlockingLock = 'mmap_read' | 'mmap_write' | 'alloc' | 'mm_mutex';

export interface AllocEnv {
  readonly pid: number;
  /** `mmget_not_zero(alloc->mm)` would succeed. */
  mmAlive(): boolean;
  /** The Binder vma is still mapped (`binder_alloc_is_mapped` / `alloc->vma`). */
  mapped(): boolean;
  /** Blocking acquisition: waits out scripted holders (the wait is recorded). */
  acquire(lock: BlockingLock): void;
  /** Emits a tracepoint; `depth` = spinlocks held (for the flags column). */
  emit(event: BinderTraceEvent, depth: number): void;
  /** Page allocation failure injection (`alloc_page` returning NULL); normally false. */
  pageAllocFails(index: number): boolean;
}

/**
 * A request as `binder_alloc_new_buf` receives it (size_t values): bigint, or, on the typed
 * path of generated transactions, a number that is a non-negative safe integer.
 */
export interface AllocRequest {
  readonly dataSize: bigint | number;
  readonly offsetsSize: bigint | number;
  readonly extraSize: bigint | number;
  readonly isAsync: boolean;
}

/** A buffer as the snapshot shows it. */
export interface BufferView {
  readonly offset: number;
  readonly size: number;
  readonly free: boolean;
  readonly async: boolean;
}
