/**
 * Replays the allocation/free sequence of the real p2 trace (Debian 6.12.95, binder_linux)
 * with src/replay (frees inferred from the page events: see src/replay/inference.ts), then
 * lets the model's own drop_caches reclaim (not the trace's shrinker calls) and compares with
 * what the kernel traced: the order of freed pages and the mm_shrink_slab numbers.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/result.js';
import { readReplayFile, type ReplayEvent } from '../../src/replay/events.js';
import { buildPlan, type Plan } from '../../src/replay/inference.js';
import { cutOperations } from '../../src/replay/operations.js';
import { buildReplayScenario, defaultMachine } from '../../src/replay/scenario.js';
import { runScenario } from '../../src/sim/run.js';
import { parseFtraceLine } from '../../src/trace/ftrace/parse.js';
import { parseShrinkEndBody, parseShrinkStartBody } from '../../src/trace/ftrace/shrinkFormat.js';

const P2_TRACE = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95', 'trace_p2_binder_drop_caches.txt.gz');

const sig = (event: string, body: string): string => `${event}: ${body}`;

describe('replaying the real p2 Binder trace (6.12.95), then the model reclaims', () => {
  let plan: Plan;
  let run: RunResult;
  let reclaimTrace: ReplayEvent[];
  let dropAt: bigint;
  beforeAll(async () => {
    const input = await readReplayFile(P2_TRACE);
    const cut = cutOperations(input);
    plan = buildPlan(cut, '6.12');
    const { resolved, times } = buildReplayScenario(plan, defaultMachine(), '6.12', { reclaimFromTrace: false });
    // The traffic, then one `echo 2 > drop_caches` a second later.
    dropAt = BigInt((times[times.length - 1] as number) + 1_000_000_000);
    run = runScenario({ ...resolved, script: [...resolved.script, { kind: 'advance', by: 1_000_000_000 }, { kind: 'drop_caches', mode: 2 }] }, { collectTrace: true });
    const firstShrink = input.events.findIndex((e) => e.event === 'mm_shrink_slab_start');
    reclaimTrace = input.events.slice(firstShrink).filter((e) => e.event.startsWith('binder_'));
  });

  it('reads 802 allocations and 802 frees (100 of them ambiguous by their first range event)', () => {
    expect(plan.stats.allocs).toBe(802);
    expect(plan.stats.frees).toBe(802);
    expect(plan.stats.ambiguous).toBe(100);
    expect(plan.stats.unmatched).toBe(0);
  });

  it('ends the traffic with the debugfs page counts of binder_state.txt', () => {
    // After drop_caches everything is free; the high watermarks stay (16 and 435).
    const by = new Map(run.binder.procs.map((p) => [p.name, p]));
    expect(by.get('binder_test-195')?.highWatermark).toBe(16);
    expect(by.get('binder_test-197')?.highWatermark).toBe(435);
    expect(by.get('binder_test-195')?.pages).toEqual({ active: 0, lru: 0, free: 1024 });
    expect(by.get('binder_test-197')?.pages).toEqual({ active: 0, lru: 0, free: 1024 });
  });

  it('drop_caches: the shrinker sees 451 pages, frees all 451, defers 6 (as mm_shrink_slab_* print)', () => {
    const lines = (run.traceText ?? '').split('\n').map((l) => parseFtraceLine(l)).filter((r) => r !== undefined && r.body.startsWith('binder_shrink_scan'));
    const starts = lines.filter((r) => r?.event === 'mm_shrink_slab_start').map((r) => parseShrinkStartBody(r?.body ?? '')?.event);
    const ends = lines.filter((r) => r?.event === 'mm_shrink_slab_end').map((r) => parseShrinkEndBody(r?.body ?? ''));
    expect(starts).toHaveLength(1);
    const s = starts[0];
    expect([s?.nrObjectsToShrink, s?.cacheItems, s?.delta, s?.totalScan, s?.priority]).toEqual([0n, 451n, 902n, 902n, 0]);
    const e = ends[0];
    expect([e?.unusedScan, e?.newScan, e?.totalScan, e?.retval]).toEqual([0n, 6n, 6n, 451]);
  });

  it('frees the LRU pages in the kernel order (oldest first), with the same unmap events', () => {
    const model = (run.traceText ?? '')
      .split('\n')
      .map((l) => parseFtraceLine(l))
      .filter((r) => r !== undefined && r.tsNs >= dropAt && r.event.startsWith('binder_'))
      .map((r) => sig(r?.event ?? '', r?.body ?? ''));
    const trace = reclaimTrace.map((e) => sig(e.event, e.body));
    expect(trace).toHaveLength(451 * 4);
    expect(model).toEqual(trace);
  });
});
