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
