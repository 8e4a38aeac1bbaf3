/**
 * The bodies of `mm_shrink_slab_start` / `mm_shrink_slab_end` as the kernel prints them
 * (include/trace/events/vmscan.h, same in 6.1 and 6.12), and their inverse parsers.
 *
 * Signedness follows the print format, not the field type: `cache_items` (unsigned long) is
 * printed with `%ld`, `delta` (u64) with `%lld`, `total_scan` (unsigned long) with `%ld`, so
 * values ≥ 2^63 print as negative numbers; the parsers reinterpret them back to unsigned.
 */
import { formatGfp, parseGfp, type GfpMask, type GfpProfile } from '../../mm/gfp.js';
import { s64, u64, type Long } from '../../mm/kint.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart, ShrinkerTraceRef } from '../shrinkEvents.js';

/** `%pS %p: nid: %d objects to shrink %ld gfp_flags %s cache items %ld delta %lld total_scan %ld priority %d` */
export function formatShrinkStartBody(e: MmShrinkSlabStart, profile: GfpProfile = '6.12'): string {
  return (
    `${e.shr.symbol} ${e.shr.ptr}: nid: ${e.nid} objects to shrink ${s64(e.nrObjectsToShrink)}` +
    ` gfp_flags ${formatGfp(e.gfpFlags, profile)} cache items ${s64(e.cacheItems)}` +
    ` delta ${s64(e.delta)} total_scan ${s64(e.totalScan)} priority ${e.priority}`
  );
}

/** `%pS %p: nid: %d unused scan count %ld new scan count %ld total_scan %ld last shrinker return val %d` */
export function formatShrinkEndBody(e: MmShrinkSlabEnd): string {
  return (
    `${e.shr.symbol} ${e.shr.ptr}: nid: ${e.nid} unused scan count ${s64(e.unusedScan)}` +
    ` new scan count ${s64(e.newScan)} total_scan ${s64(e.totalScan)} last shrinker return val ${e.retval}`
  );
}

/** A parsed start body: the event plus the gfp text as printed (kept when not understood). */
export interface ParsedShrinkStart {
  readonly event: MmShrinkSlabStart;
  readonly gfpText: string;
  /** False when the gfp text names no known flag set (the event then carries mask 0). */
  readonly gfpKnown: boolean;
}

/*
 * The symbol is lazy and may contain spaces (` [binder_linux]`); it ends at the last
 * ` <hex>: nid: ` boundary. `%p` may come with 0x from trace-cmd.
 */
const REF = String.raw`(.+?) ((?:0x)?[0-9a-fA-F]+): nid: (-?\d+)`;
const INT = String.raw`(-?\d+)`;
const START_RE = new RegExp(
  `^${REF} objects to shrink ${INT} gfp_flags (.+?) cache items ${INT} delta ${INT} total_scan ${INT} priority ${INT}$`,
);
const END_RE = new RegExp(
  `^${REF} unused scan count ${INT} new scan count ${INT} total_scan ${INT} last shrinker return val ${INT}$`,
);

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/** A `%ld`/`%lld` field: must fit in signed 64 bits, else the line is not kernel output. */
function long(text: string): Long | undefined {
  const v = BigInt(text);
  return v < I64_MIN || v > I64_MAX ? undefined : v;
}

/** A `%d` field. */
function int(text: string): number | undefined {
  const v = Number(text);
  return Number.isSafeInteger(v) && v >= I32_MIN && v <= I32_MAX ? v : undefined;
}

/** The 6.12 names first; 6.1 adds `__GFP_ATOMIC`. */
const gfpOf = (text: string): GfpMask | undefined => parseGfp(text, '6.12') ?? parseGfp(text, '6.1');

export function parseShrinkStartBody(body: string): ParsedShrinkStart | undefined {
  const m = START_RE.exec(body);
  if (!m) return undefined;
  const [, symbol, ptr, nidT, nrT, gfpText, itemsT, deltaT, totalT, prioT] = m as unknown as string[];
  const nid = int(nidT!);
  const nr = long(nrT!);
  const items = long(itemsT!);
  const delta = long(deltaT!);
  const total = long(totalT!);
  const priority = int(prioT!);
  if (nid === undefined || nr === undefined || items === undefined || delta === undefined) return undefined;
  if (total === undefined || priority === undefined) return undefined;
  const mask = gfpOf(gfpText!);
  const shr: ShrinkerTraceRef = { symbol: symbol!, ptr: ptr! };
  return {
    event: {
      type: 'mm_shrink_slab_start',
      shr,
      nid,
      nrObjectsToShrink: nr,
      gfpFlags: mask ?? (0 as GfpMask),
      cacheItems: u64(items),
      delta: u64(delta),
      totalScan: u64(total),
      priority,
    },
    gfpText: gfpText!,
    gfpKnown: mask !== undefined,
  };
}

export function parseShrinkEndBody(body: string): MmShrinkSlabEnd | undefined {
  const m = END_RE.exec(body);
  if (!m) return undefined;
  const [, symbol, ptr, nidT, unusedT, newT, totalT, retT] = m as unknown as string[];
  const nid = int(nidT!);
  const unused = long(unusedT!);
  const newScan = long(newT!);
  const total = long(totalT!);
  const retval = int(retT!);
  if (nid === undefined || unused === undefined || newScan === undefined) return undefined;
  if (total === undefined || retval === undefined) return undefined;
  return {
    type: 'mm_shrink_slab_end',
    shr: { symbol: symbol!, ptr: ptr! },
    nid,
    unusedScan: unused,
    newScan,
    retval,
    totalScan: total,
  };
}

/** What a body was expected to look like, for error messages. */
export const START_BODY_SHAPE =
  '"<symbol> <ptr>: nid: N objects to shrink N gfp_flags FLAGS cache items N delta N total_scan N priority N"';
export const END_BODY_SHAPE =
  '"<symbol> <ptr>: nid: N unused scan count N new scan count N total_scan N last shrinker return val N"';

/**
 * The scan function's name from `%pS` text: `binder_shrink_scan+0x0/0xd0 [binder_linux]` →
 * `binder_shrink_scan`. An unresolved address (`0xffffffffc0a1b2c0`) stays as it is.
 */
export function shrinkerFunction(symbol: string): string {
  const noModule = symbol.replace(/\s+\[[^\]]*\]\s*$/, '');
  const plus = noModule.indexOf('+0x');
  return plus > 0 ? noModule.slice(0, plus) : noModule;
}

/** `%p` text normalised for identity: lower case, no 0x, no leading zeros. */
export function pointerKey(ptr: string): string {
  const hex = ptr.toLowerCase().replace(/^0x/, '').replace(/^0+(?=.)/, '');
  return hex;
}
