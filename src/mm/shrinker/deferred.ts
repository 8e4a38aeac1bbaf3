/**
 * Where a do_shrink_slab call keeps its deferred work (`xchg_nr_deferred` /
 * `add_nr_deferred`):
 *
 * 1. `nid' = NUMA_AWARE ? sc.nid : 0` — a NUMA-unaware shrinker called for node 1 uses slot
 *    0, although `sc.nid` (and so the trace's `nid:`) still say 1.
 * 2. MEMCG_AWARE with a non-NULL `sc.memcg` — the root memcg included, which is what global
 *    reclaim passes — uses the memcg's `shrinker_info` of node nid', entry `id`.
 * 3. Otherwise the shrinker's own `nr_deferred[nid']`.
 *
 * Both operations are atomic in the kernel (take-all, then add-back and read the new value),
 * so concurrent callers never lose or duplicate work; here they are plain reads and writes
 * done in one step, which is the same thing in a single-threaded simulation.
 */
import { s64, type Long } from '../kint.js';
import { Memcg, type MemcgTree, type ShrinkerInfo } from '../memcg.js';
import type { DeferredSlots } from './doShrinkSlab.js';
import type { MemcgRef, ShrinkControl, ShrinkerFlags } from './types.js';

export type DeferredSlot =
  | { readonly kind: 'own'; readonly slots: bigint[]; readonly index: number }
  | { readonly kind: 'memcg'; readonly info: ShrinkerInfo; readonly id: number };

/** The fields of a shrinker that choose its slot. */
export interface SlotOwner {
  readonly flags: ShrinkerFlags;
  readonly id: number;
  readonly ownDeferred: bigint[];
}

/** Resolves a `MemcgRef` (what ShrinkControl carries) to the tree's memcg object. */
function memcgOf(ref: MemcgRef | null, memcgs: MemcgTree): Memcg | null {
  if (ref === null) return null;
  if (ref instanceof Memcg) return ref;
  const m = memcgs.byId(ref.id);
  if (!m) throw new RangeError(`no memcg with id ${ref.id}`);
  return m;
}

export function resolveSlot(s: SlotOwner, nid: number, memcg: MemcgRef | null, memcgs: MemcgTree): DeferredSlot {
  const node = s.flags.numaAware ? nid : 0;
  const m = memcgOf(memcg, memcgs);
  if (m !== null && s.flags.memcgAware && s.id >= 0) {
    return { kind: 'memcg', info: m.info(node), id: s.id };
  }
  if (node < 0 || node >= s.ownDeferred.length) {
    throw new RangeError(`nr_deferred[${node}] out of range (${s.ownDeferred.length} slots)`);
  }
  return { kind: 'own', slots: s.ownDeferred, index: node };
}

export function slotRead(slot: DeferredSlot): Long {
  return slot.kind === 'own' ? slot.slots[slot.index]! : slot.info.getDeferred(slot.id);
}

/** `atomic_long_xchg(slot, 0)`: the old value. */
export function slotXchg(slot: DeferredSlot): Long {
  if (slot.kind === 'memcg') return slot.info.xchgDeferred(slot.id);
  const old = slot.slots[slot.index]!;
  slot.slots[slot.index] = 0n;
  return old;
}

/** `atomic_long_add_return(nr, slot)`: the new value (wraps like a 64-bit long). */
export function slotAdd(slot: DeferredSlot, nr: Long): Long {
  if (slot.kind === 'memcg') return slot.info.addDeferred(slot.id, nr);
  const v = s64(slot.slots[slot.index]! + nr);
  slot.slots[slot.index] = v;
  return v;
}

/**
 * `nr_deferred` of a shrinker that is neither NUMA- nor memcg-aware, as a `DeferredSlots`:
 * one slot whatever `sc` says. Binder's shrinker and the synthetic traces use it; callers
 * that share one instance between tasks see each other's deferred work, as in the kernel.
 */
export class SingleDeferredSlot implements DeferredSlots {
  value: Long = 0n;
  xchg(): Long {
    const v = this.value;
    this.value = 0n;
    return v;
  }
  /** Wraps like the kernel's 64-bit `atomic_long_add_return`. */
  add(_sc: ShrinkControl, nr: Long): Long {
    this.value = s64(this.value + nr);
    return this.value;
  }
}
