/**
 * Page and size arithmetic of the Binder allocator (x86-64: 4 KiB pages, 8-byte pointers).
 *
 * Offsets in this model are relative to the mapping's start and stay below 4 MiB, so plain JS
 * numbers are exact. The kernel works on user addresses, never 0; the one place where that
 * matters (`prev_buffer_end_page` of a buffer at the mapping's start) is handled where it is
 * used, not hidden here.
 */

import { parseSize } from '../scenario/units.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** `SZ_4M`: binder_alloc_mmap_handler clamps the mapping to this. */
export const BINDER_MAX_MAPPING = 4 * 1024 * 1024;
/** `sizeof(void *)`: data, offsets and extra sizes are each aligned to it. */
export const POINTER_SIZE = 8;

/** `x & PAGE_MASK`, valid for negative x too (floor to a page boundary). */
export const pageDown = (x: number): number => Math.floor(x / PAGE_SIZE) * PAGE_SIZE;
/** `PAGE_ALIGN(x)`: round up to a page boundary. */
export const pageAlign = (x: number): number => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;
export const pageAligned = (x: number): boolean => x % PAGE_SIZE === 0;
export const pageIndex = (offset: number): number => Math.floor(offset / PAGE_SIZE);

const SIZE_T_MOD = 1n << 64n;
/** Below this every sum of three aligned sizes stays exact in a JS number. */
const SMALL = 1n << 48n;
const align8 = (x: number): number => Math.ceil(x / POINTER_SIZE) * POINTER_SIZE;
const SIZE_T_MAX = SIZE_T_MOD - 1n;

/** `ALIGN(x, sizeof(void *))` on a size_t: wraps to 0 near SIZE_MAX as C does. */
export const alignPtr = (x: bigint): bigint => (x + BigInt(POINTER_SIZE - 1)) & ~BigInt(POINTER_SIZE - 1) & SIZE_T_MAX;

/**
 * `sanitized_size()` of 6.12: the three sizes each aligned to 8 and summed in size_t, any
 * wrap-around is an invalid request (0), and an empty buffer is padded to 8 bytes so that
 * it still gets a unique address.
 */
export function sanitizedSize(dataSize: bigint, offsetsSize: bigint, extraSize: bigint): bigint {
  // Fast path: ordinary sizes cannot wrap, so plain arithmetic gives the same answer.
  if (dataSize < SMALL && offsetsSize < SMALL && extraSize < SMALL) {
    const t = align8(Number(dataSize)) + align8(Number(offsetsSize)) + align8(Number(extraSize));
    return BigInt(t < POINTER_SIZE ? POINTER_SIZE : t);
  }
  const tmp = (alignPtr(dataSize) + alignPtr(offsetsSize)) % SIZE_T_MOD;
  if (tmp < dataSize || tmp < offsetsSize) return 0n;
  const total = (tmp + alignPtr(extraSize)) % SIZE_T_MOD;
  if (total < tmp || total < extraSize) return 0n;
  return total < BigInt(POINTER_SIZE) ? BigInt(POINTER_SIZE) : total;
}

/** `end - start` as the tracepoint's size_t field stores it (wraps when end < start). */
export const sizeTDiff = (end: number, start: number): bigint =>
  end >= start ? BigInt(end - start) : BigInt.asUintN(64, BigInt(end - start));

/**
 * Parses a mapping or hold size like `128KiB`, `4MiB`, `4096`, `64K` (the scenario's one
 * units parser, src/scenario/units.ts). Returns undefined when the text is not a size.
 */
export function parseByteSize(text: string | number): number | undefined {
  const r = parseSize(text);
  return r.ok ? r.value : undefined;
}
