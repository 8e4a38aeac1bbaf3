/**
 * From a capture's operations to a replay plan: which process each allocation went to, which
 * buffer each free released, and which of a task's free segments belong to one free.
 *
 * The rule, when frees are not named by debug id (no binder_transaction_buffer_release in the
 * capture): a free's first `update_page_range allocate=0` prints `offset = PAGE_ALIGN(start)`
 * and `size = PAGE_ALIGN_DOWN(start + buffer_size) - offset` (size_t, may wrap) of the buffer
 * it frees. A shadow allocator (the same C driver model, same kernel profile) replays the
 * allocations and frees in order; the free goes to the oldest live buffer of that process
 * whose start and size print that segment. More than one candidate is an ambiguity (counted;
 * the layout after either choice is the same only when the candidates are the same size). The
 * shadow's free then says how many range segments the free prints (merges with free
 * neighbours add one each): the task's next segments up to that count are the same free.
 *
 * Buffer layout does not depend on reclaim (the shrinker only uninstalls pages), so the
 * shadow needs no memory model.
 */
import { pageAlign, pageDown } from '../binder/constants.js';
import type { CBinderAlloc, CBuffer } from '../binder/cAlloc.js';
import { applyBinderStep, createBinderSystem, parseBinderStep } from '../binder/steps.js';
import type { BinderSystem } from '../binder/system.js';
import type { BinderTraceRecord } from '../binder/trace.js';
import { MemcgTree } from '../mm/memcg.js';
import { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import type { KernelProfile } from '../mm/shrinker/types.js';
import { LruLedger } from './exits.js';
import type { CutResult, TraceOp } from './operations.js';

/** A replayed Binder process: one incarnation of a pid. */
export interface PlanProc {
  readonly name: string;
  readonly pid: number;
  readonly comm: string;
  readonly incarnation: number;
}

export type PlanStep =
  | { readonly kind: 'alloc'; readonly op: TraceOp; readonly proc: string; readonly buffer: string }
  | { readonly kind: 'free'; readonly op: TraceOp; readonly proc: string; readonly buffer: string; readonly merged: readonly TraceOp[] }
  | { readonly kind: 'shrink'; readonly op: TraceOp }
  /** The pid was reused: the old process is gone (its buffers and pages released). */
  | { readonly kind: 'release'; readonly proc: string; readonly op: TraceOp };

export interface InferenceStats {
  readonly allocs: number;
  readonly frees: number;
  /** Frees found by the segment rule (not by debug id). */
  readonly inferred: number;
  /** Inferred frees with more than one matching live buffer. */
  readonly ambiguous: number;
  /** Frees whose buffer could not be found (no match, unknown debug id). */
  readonly unmatched: number;
  /** Free segments replayed neither as a free nor as part of one (a merge the model does not make, or no match). */
  readonly strayContinuations: number;
  /** Allocations whose process the trace did not print (taken from the task's last one). */
  readonly procGuessed: number;
  /** Operations skipped as incomplete (lost events, file edges). */
  readonly incomplete: number;
  readonly shrinkCalls: number;
  /** Processes found to have exited (their LRU pages left without a tracepoint). */
  readonly exited: number;
}

export interface Plan {
  readonly procs: readonly PlanProc[];
  readonly steps: readonly PlanStep[];
  readonly stats: InferenceStats;
  /** First problems, for the report (line numbers of the trace). */
  readonly notes: readonly string[];
}

export const MAX_NOTES = 10;

export function procName(comm: string, pid: number, incarnation: number): string {
  return `${comm}-${pid}${incarnation > 0 ? `#${incarnation + 1}` : ''}`;
}

/** A live buffer of the shadow, by name (kept in allocation order: oldest first). */
interface Live {
  readonly name: string;
}

/** `kernel`: the allocator that printed the capture (its rules read the segments). */
export function buildPlan(cut: CutResult, kernel: KernelProfile, mmapBytes = 4 << 20): Plan {
  const procs: PlanProc[] = [];
  for (const [pid, comms] of cut.procComms) {
    comms.forEach((comm, incarnation) => procs.push({ name: procName(comm, pid, incarnation), pid, comm, incarnation }));
  }
  const nameOf = (pid: number, inc: number): string | undefined => procs.find((p) => p.pid === pid && p.incarnation === inc)?.name;
  let captured: BinderTraceRecord[] = [];
  // The shadow: every incarnation gets its own mapping (a new process maps afresh).
  const shadow: BinderSystem = createBinderSystem(
    { procs: procs.map((p) => ({ name: p.name, pid: p.pid, mmap: mmapBytes, driver: 'c' as const })) },
    {
      registry: new ShrinkerRegistry({ profile: kernel, memcgs: new MemcgTree({ nrNodeIds: 1 }) }),
      traceSink: (r) => captured.push(r),
    },
  );
  const live = new Map<string, Live[]>(procs.map((p) => [p.name, []]));
  const byDebugId = new Map<number, { proc: string; buffer: string }>();
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const note = (s: string): void => {
    if (notes.length < MAX_NOTES) notes.push(s);
  };
  const st = { exited: 0, allocs: 0, frees: 0, inferred: 0, ambiguous: 0, unmatched: 0, strayContinuations: 0, procGuessed: 0, incomplete: 0, shrinkCalls: 0 };
  /** Per task, continuation segments still expected from the last inferred free. */
  const expect = new Map<number, { step: PlanStep & { kind: 'free' }; left: number }>();
  const seenInc = new Map<number, number>();
  let seq = 0;

  const ledger = new LruLedger(cut.ops, nameOf);

  for (const [oi, op] of cut.ops.entries()) {
    if (op.incomplete) {
      st.incomplete++;
      note(`line ${op.firstLine}: ${op.kind} skipped: ${op.incomplete}`);
      continue;
    }
    if (op.kind === 'shrink') {
      st.shrinkCalls++;
      const exits = ledger.exitedBefore(op, oi);
      if (exits.note) note(exits.note);
      for (const name of exits.names) steps.push({ kind: 'release', proc: name, op });
      st.exited += exits.names.length;
      steps.push({ kind: 'shrink', op });
      ledger.count(op, seenInc);
      continue;
    }
    if (op.proc === undefined) {
      st.incomplete++;
      note(`line ${op.firstLine}: ${op.kind} of an unknown process skipped`);
      continue;
    }
    const prevInc = seenInc.get(op.proc) ?? 0;
    if (op.incarnation > prevInc) {
      const old = nameOf(op.proc, prevInc);
      if (old) steps.push({ kind: 'release', proc: old, op });
    }
    seenInc.set(op.proc, Math.max(prevInc, op.incarnation));
    const proc = nameOf(op.proc, op.incarnation) as string;
    const list = live.get(proc) as Live[];

    if (op.kind === 'alloc') {
      const sz = op.sizes as NonNullable<TraceOp['sizes']>;
      const buffer = op.debugId !== undefined ? `t${op.debugId}` : `b${seq}`;
      const out = applyBinderStep(
        shadow,
        parseBinderStep({ alloc: { proc, buffer, data: sz.data.toString(), offsets: sz.offsets.toString(), extra: sz.extra.toString(), oneway: op.oneway } }),
        0,
      );
      st.allocs++;
      if (op.procGuessed) st.procGuessed++;
      if (!out.ok) {
        note(`line ${op.firstLine}: allocation fails in the model (${out.error}: ${out.reason})`);
        continue;
      }
      list.push({ name: buffer });
      seq++;
      ledger.count(op, seenInc);
      if (op.debugId !== undefined) byDebugId.set(op.debugId, { proc, buffer });
      steps.push({ kind: 'alloc', op, proc, buffer });
      continue;
    }

    // A free.
    const pending = expect.get(op.task);
    if (op.debugId === undefined && pending && pending.left > 0 && pending.step.proc === proc) {
      pending.left--;
      (pending.step.merged as TraceOp[]).push(op);
      ledger.count(op, seenInc);
      continue;
    }
    if (pending && pending.left > 0) {
      note(`line ${op.firstLine}: expected ${pending.left} more merge segment(s) of the free at line ${pending.step.op.firstLine}`);
      expect.delete(op.task);
    }
    let victim: { proc: string; buffer: string } | undefined;
    if (op.debugId !== undefined) {
      victim = byDebugId.get(op.debugId);
      byDebugId.delete(op.debugId);
    } else {
      const seg = op.segments[0];
      const p = shadow.proc(proc);
      const a = p?.alloc as CBinderAlloc | undefined;
      if (seg && p && a) {
        const cands = list.filter((l) => {
          const b = p.named.get(l.name) as CBuffer;
          const start = pageAlign(b.start);
          return start === seg.offset && BigInt.asUintN(64, BigInt(pageDown(b.start + a.sizeOf(b)) - start)) === seg.size;
        });
        if (cands.length > 1) st.ambiguous++;
        if (cands[0]) victim = { proc, buffer: cands[0].name };
        st.inferred++;
      }
    }
    st.frees++;
    if (!victim) {
      st.unmatched++;
      note(`line ${op.firstLine}: free matches no live buffer${op.debugId !== undefined ? ` (transaction ${op.debugId})` : ''}`);
      continue;
    }
    const vl = live.get(victim.proc) as Live[];
    vl.splice(
      vl.findIndex((l) => l.name === victim.buffer),
      1,
    );
    captured = [];
    applyBinderStep(shadow, parseBinderStep({ free: { proc: victim.proc, buffer: victim.buffer } }), 0);
    ledger.count(op, seenInc);
    const step: PlanStep & { kind: 'free' } = { kind: 'free', op, proc: victim.proc, buffer: victim.buffer, merged: [] };
    steps.push(step);
    if (op.debugId === undefined) {
      const ranges = captured.filter((r) => r.event.name === 'binder_update_page_range').length;
      expect.set(op.task, { step, left: Math.max(0, ranges - 1) });
    }
  }
  st.strayContinuations = countStray(cut, steps);
  return { procs, steps, stats: st, notes };
}

/** Free segments that were neither a free nor merged into one. */
function countStray(cut: CutResult, steps: readonly PlanStep[]): number {
  const used = new Set<TraceOp>();
  for (const s of steps) {
    used.add(s.op);
    if (s.kind === 'free') for (const m of s.merged) used.add(m);
  }
  return cut.ops.filter((o) => o.kind === 'free' && o.debugId === undefined && !o.incomplete && !used.has(o)).length;
}

