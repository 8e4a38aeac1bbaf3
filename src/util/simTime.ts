/**
 * Simulated time: a JS number of integer nanoseconds since the run started (exact up to
 * 2^53 ns ≈ 104 days). The one definition; scenario/, mm/locks and sim/ re-export it.
 */
export type SimTimeNs = number;

/**
 * The first value to store in a field of an object that lives through a run and holds a
 * simulated time, before its real one: `this.t = DOUBLE_FIELD; this.t = 0`.
 *
 * V8 keeps a number field as a small integer until a value needs a double, here at 2^31 ns
 * (2.1 s simulated). The change gives the object a new hidden class and leaves the old one to
 * die; optimized code that recorded the old one (the event loop's clock: the whole hot path)
 * is then discarded at the start of the next run in the same process. A field whose first
 * value is a double holds doubles from the start, in every run.
 */
export const DOUBLE_FIELD = 0.5;
