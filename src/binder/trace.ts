/**
 * Binder's allocator tracepoints (drivers/android/binder_trace.h) as typed events, and their
 * text exactly as tracefs prints it (formats in shared/traces/linux-6.12.95/format/).
 *
 * Only the C driver emits these: the Rust driver's page_range.rs has no tracepoints.
 */
import { formatFtraceLine, type TraceContext } from '../trace/ftrace/line.js';

export const BINDER_PAGE_EVENTS = [
  'binder_alloc_lru_start',
  'binder_alloc_lru_end',
  'binder_free_lru_start',
  'binder_free_lru_end',
  'binder_alloc_page_start',
  'binder_alloc_page_end',
  'binder_unmap_user_start',
  'binder_unmap_user_end',
  'binder_unmap_kernel_start',
  'binder_unmap_kernel_end',
] as const;
export type BinderPageEventName = (typeof BINDER_PAGE_EVENTS)[number];

export const BINDER_EVENT_NAMES = [
  'binder_transaction_alloc_buf',
  'binder_update_page_range',
  ...BINDER_PAGE_EVENTS,
] as const;
export type BinderEventName = (typeof BINDER_EVENT_NAMES)[number];

/** Each event's index in BINDER_EVENT_NAMES: tallies are arrays indexed by it. */
export const BINDER_EVENT_ID: Readonly<Record<BinderEventName, number>> = Object.freeze(
  Object.fromEntries(BINDER_EVENT_NAMES.map((n, i) => [n, i])) as Record<BinderEventName, number>,
);

export type BinderTraceEvent =
  | {
      readonly name: 'binder_update_page_range';
      readonly proc: number;
      readonly allocate: boolean;
      /** `start - alloc->buffer`: a page-aligned offset into the mapping. */
      readonly offset: number;
      /** `end - start` in size_t: wraps to a huge value when end < start (the kernel traces it anyway). */
      readonly size: bigint;
    }
  | { readonly name: BinderPageEventName; readonly proc: number; readonly pageIndex: number }
  | {
      readonly name: 'binder_transaction_alloc_buf';
      readonly transaction: number;
      readonly dataSize: bigint;
      readonly offsetsSize: bigint;
      readonly extraSize: bigint;
    };

/** An event with who/where/when, ready to render as one ftrace line. */
export interface BinderTraceRecord {
  readonly ctx: TraceContext;
  readonly event: BinderTraceEvent;
}

export type BinderTraceSink = (rec: BinderTraceRecord) => void;

/** `%zd` of a size_t field: the value reinterpreted as signed. */
const zd = (v: bigint): string => BigInt.asIntN(64, v).toString();

/** The event's body after `name: `, per the tracepoint's print fmt. */
export function formatBinderEventBody(e: BinderTraceEvent): string {
  switch (e.name) {
    case 'binder_update_page_range':
      return `proc=${e.proc} allocate=${e.allocate ? 1 : 0} offset=${e.offset} size=${BigInt.asUintN(64, e.size)}`;
    case 'binder_transaction_alloc_buf':
      return `transaction=${e.transaction} data_size=${zd(e.dataSize)} offsets_size=${zd(e.offsetsSize)} extra_buffers_size=${zd(e.extraSize)}`;
    default:
      return `proc=${e.proc} page_index=${e.pageIndex}`;
  }
}

export function formatBinderTraceLine(rec: BinderTraceRecord): string {
  return formatFtraceLine(rec.ctx, rec.event.name, formatBinderEventBody(rec.event));
}

/**
 * The latency-flags column of an event: preempt depth counts the spinlocks held when it fires
 * (alloc->lock for the freelist events, alloc->lock + the lru lock for unmap_kernel); the
 * real p2 trace shows `...1.`, `...2.` and `.....` exactly so.
 */
export function flagsForDepth(depth: number): string {
  return depth <= 0 ? '.....' : `...${Math.min(depth, 9)}.`;
}
