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
  const a = [PLACEHOLDER] as unknown as T[];
  a.pop();
  return a;
}

const PLACEHOLDER = {};
