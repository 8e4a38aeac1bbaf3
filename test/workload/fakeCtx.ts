/** A WorkloadCtx that records every verb, over a real EventQueue and named RNG streams. */
import { EventQueue } from '../../src/sim/eventQueue.js';
import { rngStream } from '../../src/sim/rng.js';
import type { Generator, VerbResult, WorkloadCtx } from '../../src/workload/types.js';

export interface Call {
  readonly t: number;
  readonly verb: string;
  readonly args: readonly unknown[];
}

/**
 * Binder verbs are recorded by process name: `binderAlloc` [proc, req, task] (the buffer it
 * returns is `{ id }`, ids from 0), `binderFree` [proc, buffer, task]. `labels` reads the names
 * generators give their live buffers, by process name.
 */
export function runGenerators(
  gens: Generator[],
  untilNs: number,
  seed = 1,
  opts: { failAlloc?: (n: number) => string | null; stallAlloc?: (n: number) => number; onLabels?: (labels: (proc: string) => string[]) => void } = {},
) {
  const calls: Call[] = [];
  const q = new EventQueue<(() => void) | { fire(): void }>();
  const procs: string[] = [];
  const labels = new Map<number, Array<() => Iterable<readonly [object, string]>>>();
  let buffers = 0;
  let now = 0;
  let allocs = 0;
  const record = (verb: string, args: readonly unknown[]): void => void calls.push({ t: now, verb, args });
  /** A verb that is recorded and always succeeds. */
  const succeeds =
    (verb: string) =>
    (...args: unknown[]) => {
      record(verb, args);
      return { ok: true } as const;
    };
  for (const g of gens) {
    const ctx: WorkloadCtx = {
      now: () => now,
      schedule: (t, fn) => void q.push(t, fn),
      rng: (suffix = '') => rngStream(seed, `${g.name}${suffix}`),
      binderProc: (name) => {
        if (!procs.includes(name)) procs.push(name);
        return procs.indexOf(name);
      },
      binderTransact: (proc, data, offsets, oneway, task) => {
        record('binderAlloc', [procs[proc], { data, offsets, oneway }, task]);
        return { id: buffers++ };
      },
      binderFree: (proc, buffer, task) => {
        record('binderFree', [procs[proc], buffer, task]);
        return { ok: true };
      },
      binderLabels: (proc, f) => void (labels.get(proc) ?? labels.set(proc, []).get(proc))?.push(f),
      holdLock: succeeds('holdLock'),
      killProc: succeeds('killProc'),
      allocate: (...args) => allocate(args),
      // The fake answers at once, with the stall it was told to report.
      allocateTimed: (pool, pages, gfp, task, memcg, waiter) => waiter.allocated(allocate([pool, pages, gfp, task, memcg])),
      release: (pool, pages) => {
        record('release', [pool, pages]);
        return pages;
      },
    };
    g.start(ctx);
  }
  function allocate(args: readonly unknown[]): VerbResult {
    record('allocate', args);
    // (`f?.(allocs++)` would skip the increment when `f` is absent.)
    const n = allocs++;
    const stallNs = opts.stallAlloc?.(n) ?? 0;
    const err = opts.failAlloc?.(n) ?? null;
    if (err) return stallNs > 0 ? { ok: false, error: err, stallNs } : { ok: false, error: err };
    return stallNs > 0 ? { ok: true, stallNs } : { ok: true };
  }
  for (let e = q.pop(); e && e.timeNs <= untilNs; e = q.pop()) {
    now = e.timeNs;
    const p = e.payload;
    if (typeof p === 'function') p();
    else p.fire();
  }
  opts.onLabels?.((proc) => (labels.get(procs.indexOf(proc)) ?? []).flatMap((f) => [...f()].map(([, n]) => n)));
  return calls;
}
