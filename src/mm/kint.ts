/**
 * Kernel integer types on top of `bigint`.
 *
 * Why bigint: the shrinker arithmetic must be exact up to 2^63 - 1 (and must wrap exactly
 * like C when a raw shrinker returns garbage). JS numbers lose integers above 2^53 and the
 * `>>` operator truncates to 32 bits, so neither is usable here.
 */

/** Signed 64-bit value, as C `long` on a 64-bit kernel. */
export type Long = bigint;
/** Unsigned 64-bit value, as C `unsigned long` / `unsigned long long`. */
export type ULong = bigint;

export const LONG_MAX: Long = (1n << 63n) - 1n;
export const LONG_MIN: Long = -(1n << 63n);
export const ULONG_MAX: ULong = (1n << 64n) - 1n;

/** Reinterpret the low 64 bits as `long` (two's complement). */
export const s64 = (x: bigint): Long => BigInt.asIntN(64, x);
/** Reinterpret the low 64 bits as `unsigned long`. */
export const u64 = (x: bigint): ULong => BigInt.asUintN(64, x);
/** Truncate to C `int`, as `%d` trace fields do (`retval` of mm_shrink_slab_end). */
export const s32 = (x: bigint): number => Number(BigInt.asIntN(32, x));

/** `x >> n` on a signed long: arithmetic shift (bigint `>>` already floors). */
export const sar = (x: Long, n: number): Long => s64(x) >> BigInt(n);

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** C division of signed values truncates towards zero; bigint `/` does the same. */
export const divTrunc = (a: bigint, b: bigint): bigint => a / b;

/** Parses a decimal (or 0x hex) integer string into a bigint, or undefined. */
export function parseBigInt(text: string): bigint | undefined {
  if (!/^-?(?:\d+|0x[0-9a-fA-F]+)$/.test(text)) return undefined;
  if (text.startsWith('-')) return -BigInt(text.slice(1));
  return BigInt(text);
}
