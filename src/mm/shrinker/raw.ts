/**
 * The raw adapter: shrinkers written C-style, whose callbacks return any `unsigned long`,
 * sentinels and garbage included, run through exactly the kernel's arithmetic. This answers
 * "what would the kernel do if a C shrinker returned X?" — e.g. SHRINK_STOP from count_objects:
 *
 *   freeable = (long)~0UL = −1 ≠ 0 and ≠ SHRINK_EMPTY, so the call proceeds;
 *   delta = (u64)(−1 >> p) · 4 / seeks — at seeks 2: (2^64 − 4) / 2 = 2^63 − 2;
 *   total_scan = min((nr >> p) + delta, 2 · −1) = −2: no scan call (−2 < batch, −2 < −1);
 *   next_deferred = min(max(nr + delta − 0, 0), −2) = −2: the deferred slot goes NEGATIVE.
 *   Later calls take the −2 out (xchg) and put −2 back, so it stays at 2·freeable = −2;
 *   only callers racing between another's xchg and add would pile up −2 each.
 *
 * Typed shrinkers (CountObjects / ScanObjects) cannot say such things; register raw ones with
 * `AllocatedShrinker.setRawOps`, or ask one-off questions with `whatIfRaw`.
 */
import type { GfpMask } from '../gfp.js';
import { GFP_KERNEL } from '../gfp.js';
import { s64, u64, type Long, type ULong } from '../kint.js';
import { SingleDeferredSlot } from './deferred.js';
import { doShrinkSlab, type DoShrinkSlabResult, type ShrinkerCore } from './doShrinkSlab.js';
import { CURRENT_FORMULA, type ShrinkFormula } from './formula.js';
import { NO_FLAGS, ShrinkControl, type RawShrinkerOps, type ShrinkerFlags } from './types.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from './events.js';

/** Builds raw callbacks from two functions. */
export function rawOps<P = unknown>(
  countRaw: (sc: ShrinkControl, priv: P) => ULong,
  scanRaw: (sc: ShrinkControl, priv: P) => ULong,
): RawShrinkerOps<P> {
  return { countRaw, scanRaw };
}

/** How the kernel reads a raw count: `long freeable = count_objects(…)`. */
export type RawCountMeaning =
  | { readonly kind: 'skip-unknown' }
  | { readonly kind: 'skip-empty' }
  /** The call proceeds with this (possibly negative) freeable. */
  | { readonly kind: 'freeable'; readonly freeable: Long };

export function interpretRawCount(raw: ULong): RawCountMeaning {
  const v = u64(raw);
  if (v === 0n) return { kind: 'skip-unknown' };
  if (v === u64(-2n)) return { kind: 'skip-empty' };
  return { kind: 'freeable', freeable: s64(v) };
}

export interface WhatIfRawInput {
  /** What count_objects returns (as an unsigned long). */
  readonly count: ULong;
  /** What scan_objects does; default: honest (returns and leaves nr_scanned = nr_to_scan). */
  readonly scan?: (sc: ShrinkControl) => ULong;
  /** The deferred slot before the call. Default 0. */
  readonly nr?: Long;
  readonly priority: number;
  readonly seeks?: number;
  readonly batch?: number;
  readonly nid?: number;
  readonly gfpMask?: GfpMask;
  readonly flags?: ShrinkerFlags;
  readonly formula?: ShrinkFormula;
}

export interface WhatIfRawResult {
  readonly result: DoShrinkSlabResult;
  readonly start: MmShrinkSlabStart | undefined;
  readonly end: MmShrinkSlabEnd | undefined;
  readonly slotBefore: Long;
  readonly slotAfter: Long;
  readonly scanCalls: number;
}

/** One do_shrink_slab of a raw shrinker against a private deferred slot. */
export function whatIfRaw(input: WhatIfRawInput): WhatIfRawResult {
  const slot = new SingleDeferredSlot();
  slot.value = s64(input.nr ?? 0n);
  const slotBefore = slot.value;
  let scanCalls = 0;
  const scan = input.scan ?? ((sc: ShrinkControl) => BigInt(sc.nrToScan));
  const core: ShrinkerCore<undefined> = {
    ops: {
      countRaw: () => u64(input.count),
      scanRaw: (sc) => {
        scanCalls++;
        return scan(sc);
      },
    },
    priv: undefined,
    seeks: input.seeks ?? 2,
    batch: input.batch ?? 0,
    flags: input.flags ?? NO_FLAGS,
    deferred: slot,
    traceRef: { symbol: 'raw_scan+0x0/0x100', ptr: '0000000000000000' },
  };
  let start: MmShrinkSlabStart | undefined;
  let end: MmShrinkSlabEnd | undefined;
  const sc = new ShrinkControl(input.gfpMask ?? GFP_KERNEL, input.nid ?? 0, null);
  const result = doShrinkSlab(
    core,
    sc,
    input.priority,
    { start: (e) => (start = e), end: (e) => (end = e) },
    input.formula ?? CURRENT_FORMULA,
  );
  return { result, start, end, slotBefore, slotAfter: slot.value, scanCalls };
}
