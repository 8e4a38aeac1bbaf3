/**
 * A Binder process dies at a given time: its buffers and pages are released
 * (binder_alloc_deferred_release) and its mm is gone, so the shrinker skips any of its pages
 * still on the LRU (mmget_not_zero fails). No randomness.
 */
import type { ProcDeathGen } from '../scenario/types.js';
import type { Generator, WorkloadCtx } from './types.js';

export function procDeath(gen: ProcDeathGen): Generator {
  return {
    name: gen.name,
    start(ctx: WorkloadCtx): void {
      ctx.schedule(Math.max(gen.at, ctx.now()), () => void ctx.killProc(gen.proc));
    },
  };
}
