/**
 * An empty array that holds objects from the start.
 *
 * V8 makes `[]` an array of small integers that turns into an array of objects at the first
 * push of an object. Code V8 optimized while one run's arrays held objects then meets the next
 * run's new arrays in their first form and deoptimizes (a sweep, or a bench's second run in
 * the same process, recompiled the event loop and the generators for that reason). An array
 * made from a one-object literal and emptied starts in the objects form.
 */
export function objectArray<T extends object>(): T[] {
  return emptyArrayLike(PLACEHOLDER) as unknown as T[];
}

/** An empty array in the elements kind that holds values like `sample` (e.g. `0n`: bigints). */
export function emptyArrayLike<T>(sample: T): T[] {
  const a = [sample];
  a.pop();
  return a;
}

const PLACEHOLDER = {};
