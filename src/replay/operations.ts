/**
 * Cutting a capture's Binder events into operations, per task: an allocation
 * (`binder_update_page_range allocate=1` … `binder_transaction_alloc_buf`), a free (from
 * `binder_transaction_buffer_release` when the capture has it, else one
 * `update_page_range allocate=0` segment, which inference.ts may merge with the task's next
 * segments), and a Binder shrinker call (`mm_shrink_slab_start` … `_end` of
 * `binder_shrink_scan`, with the unmaps and isolate probes of that task in between).
 *
 * Events of one task belong to one operation at a time (the kernel runs them on that task),
 * so operations of different tasks may interleave in the file without being confused.
 */
import { BINDER_PAGE_EVENTS } from '../binder/trace.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../trace/shrinkEvents.js';
import { bigField, FREE_PAGE_PROBES, hexOrNumField, numField, type ReplayEvent, type ReplayInput } from './events.js';

export interface RangeSegment {
  readonly offset: number;
  readonly size: bigint;
  readonly lineNo: number;
}

export interface Visit {
  ret: number;
  item?: bigint;
}

export interface TraceOp {
  readonly kind: 'alloc' | 'free' | 'shrink';
  readonly task: number;
  readonly comm: string;
  readonly cpu: number;
  /** Order key: the first update_page_range (the locked section), else the first event. */
  tsNs: bigint;
  readonly firstLine: number;
  /** Binder process (its pid as `proc=` prints it) and which incarnation of that pid. */
  proc?: number;
  incarnation: number;
  /** alloc: the alloc_buf's transaction; free: the buffer_release's transaction. */
  debugId?: number;
  sizes?: { data: bigint; offsets: bigint; extra: bigint };
  oneway: boolean;
  /** The op's update_page_range events. */
  readonly segments: RangeSegment[];
  /** Every event of the op, in order. */
  readonly events: ReplayEvent[];
  start?: MmShrinkSlabStart;
  end?: MmShrinkSlabEnd;
  /** Isolate calls the probes printed: return value (1 = LRU_REMOVED_RETRY, 3 = LRU_SKIP) and item address. */
  readonly visits: Visit[];
  /** Why the op cannot be replayed (cut by a lost-events marker or the file's edges). */
  incomplete?: string;
  /** The proc of an allocation was not printed (6.1, empty range): taken from the task's previous allocation. */
  procGuessed?: boolean;
}

export interface CutResult {
  readonly ops: TraceOp[];
  /** Page events with no operation of their task open (trace began mid-operation, lost events). */
  readonly orphans: number;
  /** Frees named by debug id (the capture has buffer_release). */
  readonly byDebugId: boolean;
  /** pid → comm of each incarnation (index = incarnation). */
  readonly procComms: ReadonlyMap<number, string[]>;
  /**
   * Which allocator printed the capture, from what only one of them prints: 6.12 traces
   * empty (or wrapped) ranges, 6.1 never does and starts an allocation with no range event
   * when its range is empty. Undefined when the capture shows neither.
   */
  readonly capturedBy: '6.1' | '6.12' | undefined;
}

/** Page events an allocation or a free prints (inside its operation), and the shrinker's unmaps (outside any). */
const UNMAP_EVENTS = new Set<string>(BINDER_PAGE_EVENTS.filter((e) => e.startsWith('binder_unmap_')));
const OP_PAGE_EVENTS = new Set<string>(BINDER_PAGE_EVENTS.filter((e) => !UNMAP_EVENTS.has(e)));
const RELEASE_EVENTS = new Set(['binder_transaction_buffer_release', 'binder_transaction_failed_buffer_release']);

export function cutOperations(input: ReplayInput): CutResult {
  const ops: TraceOp[] = [];
  const open = new Map<number, TraceOp>();
  const pendingTxn = new Map<number, { destProc: number; oneway: boolean }>();
  const lastAllocProc = new Map<number, number>();
  /** Binder proc pid → comms of its incarnations (a new comm on the pid's own task = pid reused). */
  const procComms = new Map<number, string[]>();
  let orphans = 0;
  let emptyRanges = 0;
  let allocsWithoutRange = 0;
  const byDebugId = input.events.some((e) => RELEASE_EVENTS.has(e.event));

  // A process is named by the first comm its own task prints in the file.
  const firstComm = new Map<number, string>();
  for (const e of input.events) if (!firstComm.has(e.task)) firstComm.set(e.task, e.comm);
  const incarnationOf = (pid: number): number => Math.max(0, (procComms.get(pid)?.length ?? 1) - 1);
  const noteProc = (pid: number): void => {
    if (!procComms.has(pid)) procComms.set(pid, [firstComm.get(pid) ?? 'proc']);
  };
  const close = (task: number): void => {
    const o = open.get(task);
    if (!o) return;
    open.delete(task);
    if (o.kind === 'alloc' && !o.sizes) o.incomplete ??= 'allocation without binder_transaction_alloc_buf';
    if (o.kind === 'shrink' && !o.end) o.incomplete ??= 'shrinker call without mm_shrink_slab_end';
  };
  const begin = (e: ReplayEvent, kind: TraceOp['kind']): TraceOp => {
    close(e.task);
    const op: TraceOp = { kind, task: e.task, comm: e.comm, cpu: e.cpu, tsNs: e.tsNs, firstLine: e.lineNo, incarnation: 0, oneway: false, segments: [], events: [], visits: [] };
    ops.push(op);
    open.set(e.task, op);
    return op;
  };
  const setProc = (op: TraceOp, pid: number): void => {
    noteProc(pid);
    op.proc = pid;
    op.incarnation = incarnationOf(pid);
  };

  for (const e of input.events) {
    // A binder proc's own task printing another comm: the pid was reused by a new process.
    const comms = procComms.get(e.task);
    if (comms && comms[comms.length - 1] !== e.comm && e.event.startsWith('binder_')) comms.push(e.comm);

    if (e.event === 'binder_transaction') {
      const dest = numField(e.body, 'dest_proc');
      const flags = hexOrNumField(e.body, 'flags') ?? 0;
      if (dest !== undefined) pendingTxn.set(e.task, { destProc: dest, oneway: numField(e.body, 'reply') === 0 && (flags & 1) === 1 });
      continue;
    }
    if (e.event === 'binder_update_page_range') {
      const allocate = numField(e.body, 'allocate') === 1;
      const seg = { offset: numField(e.body, 'offset') ?? 0, size: bigField(e.body, 'size') ?? 0n, lineNo: e.lineNo };
      if (seg.size === 0n || seg.size >= 1n << 63n) emptyRanges++;
      const cur = open.get(e.task);
      let op: TraceOp;
      if (allocate) op = begin(e, 'alloc');
      else if (cur && cur.kind === 'free' && cur.debugId !== undefined) op = cur;
      else op = begin(e, 'free');
      if (op.segments.length === 0) {
        op.tsNs = e.tsNs;
        setProc(op, numField(e.body, 'proc') ?? 0);
      }
      op.segments.push(seg);
      op.events.push(e);
      continue;
    }
    if (e.event === 'binder_transaction_alloc_buf') {
      let op = open.get(e.task);
      if (!op || op.kind !== 'alloc' || op.sizes) {
        // 6.1 traces nothing for an empty page range: the allocation starts here.
        op = begin(e, 'alloc');
        allocsWithoutRange++;
        const t = pendingTxn.get(e.task);
        const guess = t?.destProc ?? lastAllocProc.get(e.task);
        if (guess !== undefined) setProc(op, guess);
        if (!t) op.procGuessed = true;
      }
      const t = pendingTxn.get(e.task);
      if (t) op.oneway = t.oneway;
      pendingTxn.delete(e.task);
      op.debugId = numField(e.body, 'transaction');
      op.sizes = {
        data: bigField(e.body, 'data_size') ?? 0n,
        offsets: bigField(e.body, 'offsets_size') ?? 0n,
        extra: bigField(e.body, 'extra_buffers_size') ?? 0n,
      };
      op.events.push(e);
      if (op.proc !== undefined) lastAllocProc.set(e.task, op.proc);
      close(e.task);
      continue;
    }
    if (RELEASE_EVENTS.has(e.event)) {
      const op = begin(e, 'free');
      op.debugId = numField(e.body, 'transaction');
      op.events.push(e);
      continue;
    }
    if (e.event === 'mm_shrink_slab_start') {
      const op = begin(e, 'shrink');
      op.start = e.shrink as MmShrinkSlabStart;
      op.events.push(e);
      continue;
    }
    const cur = open.get(e.task);
    if (e.event === 'mm_shrink_slab_end') {
      if (cur?.kind === 'shrink') {
        cur.end = e.shrink as MmShrinkSlabEnd;
        cur.events.push(e);
        close(e.task);
      } else orphans++;
      continue;
    }
    if (OP_PAGE_EVENTS.has(e.event)) {
      if (cur && cur.kind !== 'shrink') cur.events.push(e);
      else orphans++;
      continue;
    }
    if (UNMAP_EVENTS.has(e.event) || FREE_PAGE_PROBES.has(e.event)) {
      if (cur?.kind !== 'shrink') {
        if (UNMAP_EVENTS.has(e.event)) orphans++;
        continue;
      }
      if (FREE_PAGE_PROBES.has(e.event)) {
        if (e.event.endsWith('entry')) {
          const m = /item=(0x[0-9a-fA-F]+)/.exec(e.body);
          cur.visits.push({ ret: -1, ...(m ? { item: BigInt(m[1] as string) } : {}) });
          continue;
        }
        const ret = hexOrNumField(e.body, 'ret');
        const last = cur.visits[cur.visits.length - 1];
        if (ret === undefined) continue;
        if (last && last.ret === -1) last.ret = ret;
        else cur.visits.push({ ret });
        continue;
      }
      cur.events.push(e);
    }
  }
  for (const task of [...open.keys()]) close(task);
  markLost(input, ops);
  ops.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : a.firstLine - b.firstLine));
  const capturedBy = emptyRanges > 0 ? '6.12' : allocsWithoutRange > 0 ? '6.1' : undefined;
  return { ops, orphans, byDebugId, procComms, capturedBy };
}

/** An op on a CPU whose buffer lost events between the op's first and last line is incomplete. */
function markLost(input: ReplayInput, ops: TraceOp[]): void {
  if (input.lost.length === 0) return;
  for (const op of ops) {
    const first = op.firstLine;
    const last = op.events[op.events.length - 1]?.lineNo ?? first;
    const cut = input.lost.find((l) => l.cpu === op.cpu && l.lineNo > first && l.lineNo < last);
    if (cut) op.incomplete ??= `cut by [LOST ${cut.lost} EVENTS] on CPU ${cut.cpu} (line ${cut.lineNo})`;
  }
}
