/**
 * The size checks both drivers make on a request before they take the allocator lock.
 *
 * The C and Rust drivers agree here: the sanitized size (`sanitizedSize`) of 0 is an invalid
 * request, and a size beyond the whole mapping can never be placed, reported as lack of async
 * space first when the request is async and that space is short too. What happens once the
 * lock is held (placement, the in-lock async check, page handling) differs and stays in each
 * driver.
 */
import { POINTER_SIZE, sanitizedSize } from './constants.js';
import { failure, type AllocRequest, type BinderFailure } from './env.js';

export type RequestSize = { readonly ok: true; readonly size: number } | BinderFailure;

/** Below this every sum of three aligned sizes is exact in a JS number (as in sanitizedSize). */
const SMALL = 1n << 48n;
const SMALL_N = 2 ** 48;
const align8 = (x: number): number => Math.ceil(x / POINTER_SIZE) * POINTER_SIZE;

/** The request's size in bytes, or the failure the driver returns without taking the lock. */
export function requestSize(req: AllocRequest, bufferSize: number, freeAsyncSpace: number): RequestSize {
  const d = req.dataSize;
  const o = req.offsetsSize;
  const e = req.extraSize;
  if (typeof d === 'number' && typeof o === 'number' && typeof e === 'number' && d < SMALL_N && o < SMALL_N && e < SMALL_N) {
    // The typed path: sizes already numbers, no BigInt made or compared.
    return sizedInNumbers(d, o, e, req.isAsync, bufferSize, freeAsyncSpace);
  }
  return requestSizeBig(BigInt(d), BigInt(o), BigInt(e), req.isAsync, bufferSize, freeAsyncSpace);
}

/** Sizes each below 2^48: sanitizedSize's fast path in numbers (no size_t wrap, never 0). */
function sizedInNumbers(d: number, o: number, e: number, isAsync: boolean, bufferSize: number, freeAsyncSpace: number): RequestSize {
  const size = requestSizeNum(d, o, e, isAsync, bufferSize, freeAsyncSpace);
  return typeof size === 'number' ? { ok: true, size } : size;
}

/** The failures the typed path returns, made once (read-only values, like the others). */
const NO_ASYNC_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no async space left'));
const NO_ADDRESS_SPACE: BinderFailure = Object.freeze(failure('ENOSPC', 'no address space'));

/** Whether the typed path (`requestSizeNum`) takes these sizes: numbers, each below 2^48. */
export const smallSizes = (d: number, o: number, e: number): boolean => d < SMALL_N && o < SMALL_N && e < SMALL_N;

/**
 * The typed path of generated transactions: sizes already numbers, each below 2^48
 * (`smallSizes`), so no BigInt is made and no result object either: the size in bytes, or
 * the failure.
 */
export function requestSizeNum(d: number, o: number, e: number, isAsync: boolean, bufferSize: number, freeAsyncSpace: number): number | BinderFailure {
  const t = align8(d) + (o === 0 ? 0 : align8(o)) + (e === 0 ? 0 : align8(e));
  const size = t < POINTER_SIZE ? POINTER_SIZE : t;
  if (size > bufferSize) return isAsync && freeAsyncSpace < size ? NO_ASYNC_SPACE : NO_ADDRESS_SPACE;
  return size;
}

/** The bigint sizes of scripts (which may ask for sizes near 2^64). */
function requestSizeBig(d: bigint, o: bigint, e: bigint, isAsync: boolean, bufferSize: number, freeAsyncSpace: number): RequestSize {
  if (d < SMALL && o < SMALL && e < SMALL) return sizedInNumbers(Number(d), Number(o), Number(e), isAsync, bufferSize, freeAsyncSpace);
  const size = sanitizedSize(d, o, e);
  if (size === 0n) return failure('EINVAL', 'invalid size');
  if (size > BigInt(bufferSize)) {
    // Larger than the whole mapping: nothing can fit it (and it might not fit a JS number).
    if (isAsync && BigInt(freeAsyncSpace) < size) return failure('ENOSPC', 'no async space left');
    return failure('ENOSPC', 'no address space');
  }
  return { ok: true, size: Number(size) };
}
