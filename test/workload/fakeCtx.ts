/** A WorkloadCtx that records every verb, over a real EventQueue and named RNG streams. */
import { EventQueue } from '../../src/sim/eventQueue.js';
import { rngStream } from '../../src/sim/rng.js';
import type { Generator, WorkloadCtx } from '../../src/workload/types.js';

export interface Call {
  readonly t: number;
  readonly verb: string;
  readonly args: readonly unknown[];
}

export function runGenerators(gens: Generator[], untilNs: number, seed = 1, opts: { failAlloc?: (n: number) => string | null } = {}) {
  const calls: Call[] = [];
  const q = new EventQueue<() => void>();
  let now = 0;
  let allocs = 0;
  for (const g of gens) {
    const ctx: WorkloadCtx = {
      now: () => now,
      schedule: (t, fn) => void q.push(t, fn),
      rng: (suffix = '') => rngStream(seed, `${g.name}${suffix}`),
      binderAlloc: (...args) => {
        calls.push({ t: now, verb: 'binderAlloc', args });
        return { ok: true };
      },
      binderFree: (...args) => {
        calls.push({ t: now, verb: 'binderFree', args });
        return { ok: true };
      },
      holdLock: (...args) => {
        calls.push({ t: now, verb: 'holdLock', args });
        return { ok: true };
      },
      killProc: (...args) => {
        calls.push({ t: now, verb: 'killProc', args });
        return { ok: true };
      },
      allocate: (...args) => {
        calls.push({ t: now, verb: 'allocate', args });
        const err = opts.failAlloc?.(allocs++) ?? null;
        return err ? { ok: false, error: err } : { ok: true };
      },
      release: (pool, pages) => {
        calls.push({ t: now, verb: 'release', args: [pool, pages] });
        return pages;
      },
    };
    g.start(ctx);
  }
  for (let e = q.pop(); e && e.timeNs <= untilNs; e = q.pop()) {
    now = e.timeNs;
    e.payload();
  }
  return calls;
}
