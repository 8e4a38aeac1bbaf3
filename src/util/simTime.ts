/**
 * Simulated time: a JS number of integer nanoseconds since the run started (exact up to
 * 2^53 ns ≈ 104 days). The one definition; scenario/, mm/locks and sim/ re-export it.
 */
export type SimTimeNs = number;
