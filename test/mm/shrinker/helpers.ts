/**
 * Test helpers: a ShrinkerCore with a private deferred slot and a recording scan callback,
 * a trace sink that keeps events, and small registry fixtures.
 */
import { GFP_KERNEL, type GfpMask } from '../../../src/mm/gfp.js';
import { u64, type Long, type ULong } from '../../../src/mm/kint.js';
import { MemcgTree } from '../../../src/mm/memcg.js';
import { SingleDeferredSlot } from '../../../src/mm/shrinker/deferred.js';
import type { DoShrinkSlabResult, ShrinkerCore, ShrinkTraceSink } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { ShrinkerRegistry } from '../../../src/mm/shrinker/registry.js';
import type { ShrinkCallOutcome, ShrinkSlabCtx, ShrinkSlabSink, ShrinkWalkEvent } from '../../../src/mm/shrinker/shrinkSlab.js';
import {
  NO_FLAGS,
  SHRINK_STOP,
  ShrinkControl,
  type KernelProfile,
  type ShrinkerFlags,
} from '../../../src/mm/shrinker/types.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../../../src/trace/shrinkEvents.js';

export interface ScanCall {
  readonly nrToScan: number;
  readonly nid: number;
}

/** How a scan call answers: freed + nr_scanned, or STOP. */
export type ScanBehaviour = (call: number, nrToScan: number) => { freed: bigint; scanned: number } | 'stop';

export const honest: ScanBehaviour = (_c, n) => ({ freed: BigInt(n), scanned: n });

export interface LocalCore {
  readonly core: ShrinkerCore<undefined>;
  readonly slot: { value: Long };
  readonly calls: ScanCall[];
}

/** A shrinker whose count is the raw value `count` and whose deferred slot starts at `nr`. */
export function localCore(opts: {
  count: ULong;
  nr?: Long;
  seeks?: number;
  batch?: number;
  scan?: ScanBehaviour;
  flags?: ShrinkerFlags;
  bulk?: boolean;
}): LocalCore {
  const slot = new SingleDeferredSlot();
  slot.value = opts.nr ?? 0n;
  const calls: ScanCall[] = [];
  const scan = opts.scan ?? honest;
  const core: ShrinkerCore<undefined> = {
    ops: {
      countRaw: () => u64(opts.count),
      scanRaw: (sc: ShrinkControl) => {
        calls.push({ nrToScan: sc.nrToScan, nid: sc.nid });
        const r = scan(calls.length - 1, sc.nrToScan);
        if (r === 'stop') return SHRINK_STOP;
        sc.nrScanned = r.scanned;
        return r.freed;
      },
      ...(opts.bulk
        ? { scanMany: (_sc: ShrinkControl, n: bigint, each: ULong) => u64(n * each) }
        : {}),
    },
    priv: undefined,
    seeks: opts.seeks ?? 2,
    batch: opts.batch ?? 0,
    flags: opts.flags ?? NO_FLAGS,
    deferred: slot,
    traceRef: { symbol: 'test_scan+0x0/0x100', ptr: 'ffff8f35c1000000' },
  };
  return { core, slot, calls };
}

export function recordingTrace(): ShrinkTraceSink & { starts: MmShrinkSlabStart[]; ends: MmShrinkSlabEnd[]; order: string[] } {
  const starts: MmShrinkSlabStart[] = [];
  const ends: MmShrinkSlabEnd[] = [];
  const order: string[] = [];
  return {
    starts,
    ends,
    order,
    start: (e) => {
      starts.push(e);
      order.push('start');
    },
    end: (e) => {
      ends.push(e);
      order.push('end');
    },
  };
}

export const sc0 = (gfp: GfpMask = GFP_KERNEL, nid = 0): ShrinkControl => new ShrinkControl(gfp, nid, null);

export function ranOf(r: DoShrinkSlabResult) {
  if (r.kind !== 'ran') throw new Error(`expected a ran result, got ${r.kind}`);
  return r;
}

/** A registry + memcg tree + recording sink. */
export function fixture(profile: KernelProfile, opts: { nrNodeIds?: number; memcgDisabled?: boolean; kmemOnline?: boolean } = {}) {
  const memcgs = new MemcgTree({
    nrNodeIds: opts.nrNodeIds ?? 1,
    memcgDisabled: opts.memcgDisabled ?? false,
    kmemOnline: opts.kmemOnline ?? true,
  });
  const registry = new ShrinkerRegistry({ profile, memcgs });
  const outcomes: ShrinkCallOutcome[] = [];
  const walks: ShrinkWalkEvent[] = [];
  const starts: MmShrinkSlabStart[] = [];
  const ends: MmShrinkSlabEnd[] = [];
  const sink: ShrinkSlabSink = {
    start: (e) => starts.push(e),
    end: (e) => ends.push(e),
    outcome: (o) => outcomes.push(o),
    walk: (e) => walks.push(e),
  };
  const ctx: ShrinkSlabCtx = { registry, memcgs, profile, sink };
  /** Names of the shrinkers called, in order (one entry per do_shrink_slab). */
  const called = () => outcomes.map((o) => o.shrinker.name);
  return { memcgs, registry, ctx, outcomes, walks, starts, ends, called };
}
