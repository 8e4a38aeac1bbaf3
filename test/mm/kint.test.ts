/**
 * Kernel integer helpers: exact 64-bit reinterpretation, arithmetic shifts, int truncation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LONG_MAX, LONG_MIN, ULONG_MAX, divTrunc, maxBig, minBig, parseBigInt, s32, s64, sar, u64 } from '../../src/mm/kint.js';

describe('kint', () => {
  it('limits', () => {
    expect(LONG_MAX).toBe(9223372036854775807n);
    expect(LONG_MIN).toBe(-9223372036854775808n);
    expect(ULONG_MAX).toBe(18446744073709551615n);
  });

  it('s64/u64 reinterpret the low 64 bits', () => {
    expect(s64(ULONG_MAX)).toBe(-1n);
    expect(u64(-1n)).toBe(ULONG_MAX);
    expect(s64(1n << 63n)).toBe(LONG_MIN);
    expect(u64(1n << 64n)).toBe(0n);
    expect(s64(2n * LONG_MAX)).toBe(-2n);
  });

  it('s32 keeps the low 32 bits as int (trace retval)', () => {
    expect(s32(46_844_928n)).toBe(46_844_928);
    expect(s32(1n << 31n)).toBe(-2147483648);
    expect(s32(ULONG_MAX - 1n)).toBe(-2);
  });

  it('sar is an arithmetic shift (floors), unlike JS >> on numbers', () => {
    expect(sar(-1n, 12)).toBe(-1n);
    expect(sar(-4097n, 12)).toBe(-2n);
    expect(sar(4_994_376_020n, 12)).toBe(1_219_330n);
    expect(4_994_376_020 >> 12).not.toBe(1_219_330); // the 32-bit JS trap
  });

  it('divTrunc truncates toward zero like C', () => {
    expect(divTrunc(-1n, 2n)).toBe(0n);
    expect(divTrunc(-7n, 2n)).toBe(-3n);
    expect(minBig(3n, -2n)).toBe(-2n);
    expect(maxBig(3n, -2n)).toBe(3n);
  });

  it('s64 ∘ u64 is the identity on longs, u64 ∘ s64 on unsigned longs', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: LONG_MIN, max: LONG_MAX }), fc.bigInt({ min: 0n, max: ULONG_MAX }), (l, u) => {
        expect(s64(u64(l))).toBe(l);
        expect(u64(s64(u))).toBe(u);
        expect(sar(l, 5)).toBe(l >= 0n ? l / 32n : -((-l + 31n) / 32n));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseBigInt', () => {
    expect(parseBigInt('123')).toBe(123n);
    expect(parseBigInt('-5')).toBe(-5n);
    expect(parseBigInt('0x10')).toBe(16n);
    expect(parseBigInt('1e3')).toBeUndefined();
    expect(parseBigInt('')).toBeUndefined();
  });
});
