/**
 * The size checks both drivers make on a request before they take the allocator lock.
 *
 * The C and Rust drivers agree here: the sanitized size (`sanitizedSize`) of 0 is an invalid
 * request, and a size beyond the whole mapping can never be placed, reported as lack of async
 * space first when the request is async and that space is short too. What happens once the
 * lock is held (placement, the in-lock async check, page handling) differs and stays in each
 * driver.
 */
import { sanitizedSize } from './constants.js';
import { failure, type AllocRequest, type BinderFailure } from './env.js';

export type RequestSize = { readonly ok: true; readonly size: number } | BinderFailure;

/** The request's size in bytes, or the failure the driver returns without taking the lock. */
export function requestSize(req: AllocRequest, bufferSize: number, freeAsyncSpace: number): RequestSize {
  const size = sanitizedSize(req.dataSize, req.offsetsSize, req.extraSize);
  if (size === 0n) return failure('EINVAL', 'invalid size');
  if (size > BigInt(bufferSize)) {
    // Larger than the whole mapping: nothing can fit it (and it might not fit a JS number).
    if (req.isAsync && BigInt(freeAsyncSpace) < size) return failure('ENOSPC', 'no async space left');
    return failure('ENOSPC', 'no address space');
  }
  return { ok: true, size: Number(size) };
}
