/**
 * The vmscan shrinker tracepoints (include/trace/events/vmscan.h, 6.1/6.12 layout) as typed
 * events. Field names follow the kernel's `TP_STRUCT__entry`.
 */
import type { GfpMask } from '../gfp.js';
import type { Long, ULong } from '../kint.js';

/** How a shrinker shows up in a trace: `%pS` of its scan function and `%p` of the struct. */
export interface ShrinkerTraceRef {
  /** `%pS` text, e.g. `binder_shrink_scan+0x0/0xd0 [binder_linux]`. */
  readonly symbol: string;
  /** `%p` text: 16 hex digits (a stable fake per shrinker in the simulator). */
  readonly ptr: string;
}

export interface MmShrinkSlabStart {
  readonly type: 'mm_shrink_slab_start';
  readonly shr: ShrinkerTraceRef;
  readonly nid: number;
  /** `nr`, the deferred count just taken out of the slot. */
  readonly nrObjectsToShrink: Long;
  readonly gfpFlags: GfpMask;
  /** `freeable`, as counted once at the start. */
  readonly cacheItems: ULong;
  readonly delta: ULong;
  readonly totalScan: ULong;
  readonly priority: number;
}

export interface MmShrinkSlabEnd {
  readonly type: 'mm_shrink_slab_end';
  readonly shr: ShrinkerTraceRef;
  readonly nid: number;
  /** Same number as the start's `nrObjectsToShrink`. */
  readonly unusedScan: Long;
  /** The slot value after the add-back, including concurrent additions. */
  readonly newScan: Long;
  /** `freed` truncated to int. */
  readonly retval: number;
  /** What is left of total_scan after the loop; negative if a shrinker over-reported. */
  readonly totalScan: Long;
}

export type ShrinkEvent = MmShrinkSlabStart | MmShrinkSlabEnd;
