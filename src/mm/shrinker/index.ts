/**
 * The shrinker subsystem's public API.
 *
 * Typical use:
 *
 *   const memcgs = new MemcgTree({ nrNodeIds: 1 });
 *   const registry = new ShrinkerRegistry({ profile: '6.12', memcgs });
 *   const binder = registry
 *     .shrinkerAlloc<BinderLru>({ name: 'android-binder', priv: lru })
 *     .setSymbol('binder_shrink_scan+0x0/0xd0 [binder_linux]')
 *     .setOps({ count: (sc, lru) => CountObjects.new(lru.count()), scan: (sc, lru) => … })
 *     .register();
 *   const ctx = { registry, memcgs, profile: '6.12', sink } as const;
 *   shrinkSlab(ctx, GFP_KERNEL, 0, memcgs.root, 12);   // one shrink_slab pass
 *   dropSlab(ctx, [0]);                                 // echo 2 > drop_caches
 *   binder.free();
 */
export * from './types.js';
export * from './arith.js';
export * from './formula.js';
export * from './arithLegacy.js';
export * from './doShrinkSlab.js';
export {
  AllocatedShrinker,
  RegisteredShrinker,
  ShrinkerStateError,
  type Shrinker,
  FAKE_PTR_BASE,
  defaultSymbol,
  fakePtr,
  type FreeOutcome,
  type ScanMany,
  type ShrinkerState,
  type ShrinkerView,
} from './shrinker.js';
export { ShrinkerRegistry, type ShrinkerAllocOptions, type ShrinkerRegistryOptions } from './registry.js';
export { ShrinkerRwsem, type WriteOutcome } from './rwsem.js';
export { ShrinkerMutex } from './mutex.js';
export {
  shrinkSlab,
  type ShrinkCallOutcome,
  type ShrinkSlabCtx,
  type ShrinkSlabSink,
  type ShrinkWalkEvent,
} from './shrinkSlab.js';
export { dropSlab, dropSlabNode, type DropSlabOptions } from './dropSlab.js';
export {
  debugfsCount,
  debugfsScan,
  DEBUGFS_SCAN_MAX_BYTES,
  type DebugfsScanResult,
  type DebugfsTarget,
} from './debugfs.js';
export { kscanf, type KscanfResult } from './kscanf.js';
export { interpretRawCount, rawOps, whatIfRaw, type RawCountMeaning, type WhatIfRawInput, type WhatIfRawResult } from './raw.js';
export { limitOutcome, limitTable, type LimitOutcome } from './limits.js';
export { resolveSlot, SingleDeferredSlot, slotRead, type DeferredSlot } from './deferred.js';
export { Memcg, MemcgTree, SHRINKER_UNIT_BITS, shrinkerMapSizeFor, type MemcgTreeOptions, type MemcgOfflineResult } from '../memcg.js';
