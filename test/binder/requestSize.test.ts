/**
 * requestSize's number path (sizes below 2^48) against sanitized_size() on size_t bigints
 * (constants.ts), the kernel's rule: 0 is EINVAL, above the mapping is ENOSPC (reported as
 * missing async space first when the request is async and that is short too).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizedSize } from '../../src/binder/constants.js';
import { requestSize } from '../../src/binder/requestSize.js';

const sizeArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 300_000n }),
  fc.bigInt({ min: (1n << 48n) - 16n, max: (1n << 48n) + 16n }),
  fc.bigInt({ min: (1n << 64n) - 64n, max: (1n << 64n) - 1n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);

function expected(d: bigint, o: bigint, e: bigint, isAsync: boolean, bufferSize: number, freeAsync: number): unknown {
  const size = sanitizedSize(d, o, e);
  if (size === 0n) return { ok: false, error: 'EINVAL', reason: 'invalid size' };
  if (size > BigInt(bufferSize)) {
    if (isAsync && BigInt(freeAsync) < size) return { ok: false, error: 'ENOSPC', reason: 'no async space left' };
    return { ok: false, error: 'ENOSPC', reason: 'no address space' };
  }
  return { ok: true, size: Number(size) };
}

describe('requestSize', () => {
  it('agrees with sanitized_size on random size_t triples, near 2^48 and near SIZE_MAX', () => {
    fc.assert(
      fc.property(
        sizeArb,
        sizeArb,
        sizeArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 4 << 20 }),
        fc.integer({ min: 0, max: 2 << 20 }),
        (d, o, e, isAsync, bufferSize, freeAsync) => {
          expect(requestSize({ dataSize: d, offsetsSize: o, extraSize: e, isAsync }, bufferSize, freeAsync)).toEqual(
            expected(d, o, e, isAsync, bufferSize, freeAsync),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('takes sizes as numbers (the typed path of generated transactions) with the same answers', () => {
    // Safe integers only: near 2^48 (the number path's edge) and up to 2^53 − 1, mixed with bigints.
    const numArb = fc.oneof(
      fc.integer({ min: 0, max: 300_000 }),
      fc.integer({ min: 2 ** 48 - 16, max: 2 ** 48 + 16 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    );
    const mixed = fc.oneof(numArb, sizeArb);
    fc.assert(
      fc.property(mixed, mixed, mixed, fc.boolean(), fc.integer({ min: 1, max: 4 << 20 }), fc.integer({ min: 0, max: 2 << 20 }), (d, o, e, isAsync, bufferSize, freeAsync) => {
        expect(requestSize({ dataSize: d, offsetsSize: o, extraSize: e, isAsync }, bufferSize, freeAsync)).toEqual(
          expected(BigInt(d), BigInt(o), BigInt(e), isAsync, bufferSize, freeAsync),
        );
      }),
      { numRuns: 3000 },
    );
    // 4089 aligns to 4096, plus 8 of offsets.
    expect(requestSize({ dataSize: 4089, offsetsSize: 8, extraSize: 0, isAsync: false }, 8192, 2048)).toEqual({ ok: true, size: 4104 });
  });

  it('pads an empty request to 8 bytes and aligns each part to 8', () => {
    expect(requestSize({ dataSize: 0n, offsetsSize: 0n, extraSize: 0n, isAsync: false }, 4096, 2048)).toEqual({ ok: true, size: 8 });
    expect(requestSize({ dataSize: 1n, offsetsSize: 9n, extraSize: 17n, isAsync: false }, 4096, 2048)).toEqual({ ok: true, size: 8 + 16 + 24 });
    expect(requestSize({ dataSize: 4097n, offsetsSize: 0n, extraSize: 0n, isAsync: true }, 4096, 2048)).toEqual({
      ok: false,
      error: 'ENOSPC',
      reason: 'no async space left',
    });
  });
});
