/**
 * `shrink_slab(gfp_mask, nid, memcg, priority)` and `shrink_slab_memcg()` in the two kernel
 * profiles (spec §2.5–2.6).
 *
 * Global / root path (memcg disabled, or the root memcg): every shrinker on the list, in
 * registration order, memcg-aware or not.
 * - 6.12: lockless. A shrinker whose refcount is 0 (registration not finished, or being
 *   freed with nobody else holding a reference) is skipped: `shrinker_try_get` fails.
 * - 6.1: `down_read_trylock(shrinker_rwsem)`; if it fails no shrinker is called and the
 *   result is 0. After each shrinker, if a writer waits, stop and return `freed ?: 1` (so
 *   the caller still sees progress).
 *
 * Non-root memcg path (memcg enabled): only memcg-aware shrinkers whose bit is set in the
 * memcg's map for this node, in ascending id order; nothing for an offline memcg. A count of
 * SHRINK_EMPTY clears the bit and runs do_shrink_slab a second, complete time (it counts
 * again and may scan and trace); if that also says EMPTY the result is 0, otherwise the bit
 * is set again. This closes the race with a list_lru_add that set the bit just before the
 * clear.
 *
 * The result is Σ of do_shrink_slab results with EMPTY counted as 0 (u64 arithmetic); it is
 * never SHRINK_EMPTY.
 */
import type { GfpMask } from '../gfp.js';
import { u64, type ULong } from '../kint.js';
import type { Memcg, MemcgTree } from '../memcg.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from './events.js';
import { doShrinkSlab, resultOf, returnValueOf, ShrinkCall, type DoShrinkSlabResult, type ShrinkTraceSink } from './doShrinkSlab.js';
import { doShrinkSlabSteps } from './doShrinkSlabSteps.js';
import { runSteps, type ReclaimSteps } from './steps.js';
import type { ShrinkFormula } from './formula.js';
import type { ShrinkerRegistry } from './registry.js';
import { ShrinkerStateError, type Shrinker, type ShrinkerView } from './shrinker.js';
import { SHRINK_EMPTY, ShrinkControl, type KernelProfile } from './types.js';

/** One do_shrink_slab call as the reclaim engine wants to count it. */
export interface ShrinkCallOutcome {
  readonly shrinker: ShrinkerView;
  readonly nid: number;
  readonly memcg: Memcg | null;
  readonly priority: number;
  readonly gfpMask: GfpMask;
  /** The second call of the memcg path after a SHRINK_EMPTY. */
  readonly retry: boolean;
  /** `skipped` (count said 0 or EMPTY: `raw`) or `ran` with start/end events and stats. */
  readonly result: DoShrinkSlabResult;
}

/** Why a walk did not call a shrinker, or stopped. */
export type ShrinkWalkEvent =
  /** 6.1: down_read_trylock failed; no shrinker was called. */
  | { readonly kind: 'trylock-failed'; readonly memcg: Memcg | null }
  /** 6.1: a writer waits; the walk stopped after `after`, returning `freed` (≥ 1). */
  | { readonly kind: 'contended-break'; readonly after: ShrinkerView; readonly freed: ULong }
  /** 6.12: shrinker_try_get failed (refcount 0). */
  | { readonly kind: 'refcount-zero'; readonly shrinker: ShrinkerView }
  /** memcg path: the bit's id maps to no shrinker (or, 6.12, to one whose try_get failed): bit cleared. */
  | { readonly kind: 'bit-cleared'; readonly id: number; readonly nid: number; readonly memcg: Memcg; readonly shrinker: ShrinkerView | null }
  /** 6.1 memcg path: the id is allocated but the shrinker is not REGISTERED yet: skipped, bit kept. */
  | { readonly kind: 'not-registered'; readonly shrinker: ShrinkerView }
  /**
   * memcg path with kmem offline: a non-NONSLAB shrinker is skipped. In 6.12 (v6.7–6.12
   * code) the reference taken by try_get is never put (`leakedRef`).
   */
  | { readonly kind: 'kmem-offline-skip'; readonly shrinker: ShrinkerView; readonly leakedRef: boolean }
  /** The memcg path on an offline memcg: nothing is called. */
  | { readonly kind: 'memcg-offline'; readonly memcg: Memcg };

/** Plain callbacks; every one optional. */
export interface ShrinkSlabSink {
  start?(e: MmShrinkSlabStart, shrinker: ShrinkerView): void;
  end?(e: MmShrinkSlabEnd, shrinker: ShrinkerView): void;
  outcome?(o: ShrinkCallOutcome): void;
  walk?(e: ShrinkWalkEvent): void;
}

export interface ShrinkSlabCtx {
  readonly registry: ShrinkerRegistry;
  readonly memcgs: MemcgTree;
  readonly profile: KernelProfile;
  readonly sink?: ShrinkSlabSink;
  /** do_shrink_slab's formula (default: the current one; LEGACY_FORMULA for pre-5.13). */
  readonly formula?: ShrinkFormula;
}

function checkCtx(ctx: ShrinkSlabCtx): void {
  if (ctx.registry.profile !== ctx.profile) {
    throw new Error(`shrink_slab: ctx.profile ${ctx.profile} but the registry is ${ctx.registry.profile}`);
  }
  if (ctx.registry.memcgs !== ctx.memcgs) throw new Error('shrink_slab: ctx.memcgs is not the registry\'s tree');
}

function traceSinkOf(ctx: ShrinkSlabCtx, s: Shrinker<unknown>): ShrinkTraceSink | undefined {
  const sink = ctx.sink;
  return sink?.start || sink?.end ? { start: (e) => sink.start?.(e, s), end: (e) => sink.end?.(e, s) } : undefined;
}

/** One do_shrink_slab with the sink wired in, as steps whose batches run at their own simulated times. */
function* callDoShrinkSlabSteps(
  ctx: ShrinkSlabCtx,
  s: Shrinker<unknown>,
  sc: ShrinkControl,
  memcg: Memcg | null,
  priority: number,
  retry: boolean,
): ReclaimSteps<ULong> {
  assertCallable(s);
  const c = new ShrinkCall();
  s.inFlight++;
  try {
    yield* doShrinkSlabSteps(s, sc, priority, c, traceSinkOf(ctx, s), ctx.formula);
  } finally {
    s.inFlight--;
  }
  return callDone(ctx, s, sc, memcg, priority, retry, resultOf(c));
}

// INVARIANT: walkers only get here for a registered (or still-in-use freeing) shrinker.
function assertCallable(s: Shrinker<unknown>): void {
  if (!s.callable) throw new ShrinkerStateError(`shrinker "${s.name}" called while ${s.state}`);
}

/** The end of one do_shrink_slab for the walk: the sink's outcome, and the value it adds up. */
function callDone(ctx: ShrinkSlabCtx, s: Shrinker<unknown>, sc: ShrinkControl, memcg: Memcg | null, priority: number, retry: boolean, result: DoShrinkSlabResult): ULong {
  ctx.sink?.outcome?.({ shrinker: s, nid: sc.nid, memcg, priority, gfpMask: sc.gfpMask, retry, result });
  return returnValueOf(result);
}

/** One do_shrink_slab with the sink wired in. */
function callDoShrinkSlab(
  ctx: ShrinkSlabCtx,
  s: Shrinker<unknown>,
  sc: ShrinkControl,
  memcg: Memcg | null,
  priority: number,
  retry: boolean,
): ULong {
  assertCallable(s);
  const trace = traceSinkOf(ctx, s);
  s.inFlight++;
  let result: DoShrinkSlabResult;
  try {
    result = doShrinkSlab(s, sc, priority, trace, ctx.formula);
  } finally {
    s.inFlight--;
  }
  return callDone(ctx, s, sc, memcg, priority, retry, result);
}

/**
 * `shrink_slab()`. `memcg` null means "no memcg" (memcg disabled); with memcg enabled a null
 * is treated as the root memcg, which is what every kernel caller passes there.
 */
export function shrinkSlab(
  ctx: ShrinkSlabCtx,
  gfpMask: GfpMask,
  nid: number,
  memcg: Memcg | null,
  priority: number,
): ULong {
  return runSteps(shrinkSlabSteps(ctx, gfpMask, nid, memcg, priority, false));
}

/**
 * `shrink_slab()` as steps: with `timed`, each do_shrink_slab yields at its exchange and after
 * each batch, so a reclaimer priced in simulated time overlaps the others inside one shrinker.
 * The walk holds what the kernel holds across those points (6.12: the shrinker's reference;
 * 6.1: shrinker_rwsem for read).
 */
export function shrinkSlabSteps(
  ctx: ShrinkSlabCtx,
  gfpMask: GfpMask,
  nid: number,
  memcg: Memcg | null,
  priority: number,
  timed: boolean,
): ReclaimSteps<ULong> {
  // Picks the walk and returns its steps (not a generator delegating to it: every resume of
  // kswapd's walk would pass through one more frame). The checks read only the context.
  checkCtx(ctx);
  if (nid < 0 || nid >= ctx.memcgs.nrNodeIds) throw new RangeError(`shrink_slab: no node ${nid}`);
  const target = ctx.memcgs.memcgDisabled ? memcg : (memcg ?? ctx.memcgs.root);
  // cgroup_disable=memory: even a non-root memcg pointer takes the global path (no premature OOM).
  if (!ctx.memcgs.memcgDisabled && target !== null && !target.isRoot) {
    return shrinkSlabMemcg(ctx, gfpMask, nid, target, priority, timed);
  }
  return ctx.profile === '6.1'
    ? shrinkSlabGlobal61(ctx, gfpMask, nid, target, priority, timed)
    : shrinkSlabGlobal612(ctx, gfpMask, nid, target, priority, timed);
}

function* shrinkSlabGlobal612(ctx: ShrinkSlabCtx, gfp: GfpMask, nid: number, memcg: Memcg | null, priority: number, timed: boolean): ReclaimSteps<ULong> {
  let freed = 0n;
  for (const s of ctx.registry.walkList()) {
    if (!s.tryGet()) {
      ctx.sink?.walk?.({ kind: 'refcount-zero', shrinker: s });
      continue;
    }
    // Step 2 of the lockless walk: holding a reference, the callback may sleep.
    let ret: ULong;
    try {
      const sc = new ShrinkControl(gfp, nid, memcg);
      ret = timed ? yield* callDoShrinkSlabSteps(ctx, s, sc, memcg, priority, false) : callDoShrinkSlab(ctx, s, sc, memcg, priority, false);
    } finally {
      s.put();
    }
    if (ret === SHRINK_EMPTY) ret = 0n;
    freed = u64(freed + ret);
  }
  return freed;
}

function* shrinkSlabGlobal61(ctx: ShrinkSlabCtx, gfp: GfpMask, nid: number, memcg: Memcg | null, priority: number, timed: boolean): ReclaimSteps<ULong> {
  const rwsem = ctx.registry.rwsem;
  if (!rwsem.tryRead()) {
    ctx.sink?.walk?.({ kind: 'trylock-failed', memcg });
    return 0n;
  }
  let freed = 0n;
  try {
    for (const s of ctx.registry.walkList()) {
      const sc = new ShrinkControl(gfp, nid, memcg);
      let ret = timed ? yield* callDoShrinkSlabSteps(ctx, s, sc, memcg, priority, false) : callDoShrinkSlab(ctx, s, sc, memcg, priority, false);
      if (ret === SHRINK_EMPTY) ret = 0n;
      freed = u64(freed + ret);
      // Someone wants to (un)register: don't stall them behind a long walk.
      if (rwsem.isContended()) {
        freed = freed !== 0n ? freed : 1n;
        ctx.sink?.walk?.({ kind: 'contended-break', after: s, freed });
        break;
      }
    }
  } finally {
    rwsem.releaseRead();
  }
  return freed;
}

function* shrinkSlabMemcg(ctx: ShrinkSlabCtx, gfp: GfpMask, nid: number, memcg: Memcg, priority: number, timed: boolean): ReclaimSteps<ULong> {
  if (!memcg.online) {
    ctx.sink?.walk?.({ kind: 'memcg-offline', memcg });
    return 0n;
  }
  const is61 = ctx.profile === '6.1';
  const rwsem = ctx.registry.rwsem;
  if (is61 && !rwsem.tryRead()) {
    ctx.sink?.walk?.({ kind: 'trylock-failed', memcg });
    return 0n;
  }
  let freed = 0n;
  try {
    const info = memcg.info(nid);
    // Ascending ids; the map is re-read at every step, so bits set or cleared by callbacks
    // (and a map grown by a registration) are seen as for_each_set_bit would see them.
    for (let id = 0; id < info.mapNrMax; id++) {
      if (!info.testBit(id)) continue;
      const s = ctx.registry.idrFind(id);
      if (is61) {
        if (!s) {
          info.clearBit(id);
          ctx.sink?.walk?.({ kind: 'bit-cleared', id, nid, memcg, shrinker: null });
          continue;
        }
        if (s.state !== 'registered' && s.state !== 'freeing') {
          ctx.sink?.walk?.({ kind: 'not-registered', shrinker: s });
          continue;
        }
      } else if (!s || !s.tryGet()) {
        info.clearBit(id);
        ctx.sink?.walk?.({ kind: 'bit-cleared', id, nid, memcg, shrinker: s ?? null });
        continue;
      }
      if (!ctx.memcgs.kmemOnline && !s.flags.nonslab) {
        // v6.7–6.12 `continue`s here without shrinker_put: the reference leaks.
        if (!is61) s.leakedRefs++;
        ctx.sink?.walk?.({ kind: 'kmem-offline-skip', shrinker: s, leakedRef: !is61 });
        continue;
      }
      let ret: ULong;
      try {
        const sc = new ShrinkControl(gfp, nid, memcg);
        ret = timed
          ? yield* callDoShrinkSlabSteps(ctx, s, sc, memcg, priority, false)
          : callDoShrinkSlab(ctx, s, sc, memcg, priority, false);
        if (ret === SHRINK_EMPTY) {
          info.clearBit(id);
          // (full barrier here in the kernel, pairing with set_shrinker_bit's)
          ret = timed
            ? yield* callDoShrinkSlabSteps(ctx, s, sc, memcg, priority, true)
            : callDoShrinkSlab(ctx, s, sc, memcg, priority, true);
          if (ret === SHRINK_EMPTY) ret = 0n;
          else ctx.memcgs.setShrinkerBit(memcg, nid, id);
        }
      } finally {
        if (!is61) s.put();
      }
      freed = u64(freed + ret);
      if (is61 && rwsem.isContended()) {
        freed = freed !== 0n ? freed : 1n;
        ctx.sink?.walk?.({ kind: 'contended-break', after: s, freed });
        break;
      }
    }
  } finally {
    if (is61) rwsem.releaseRead();
  }
  return freed;
}
