/**
 * Running a sweep on the worker pool (workers load dist/, built by `npm test` before vitest):
 * the output does not depend on the pool size, each row is exactly the in-process run of its
 * point and seed, and the seeds really differ.
 */
import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../src/report/metrics.js';
import { runScenario } from '../../src/sim/run.js';
import { planSweepFile } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';
import { metaOf, metricNames, renderSweepCsv, renderSweepJson } from '../../src/sweep/result.js';
import { renderSweepSummary } from '../../src/sweep/summary.js';
import { parseSeeds, parseSetFlag } from '../../src/sweep/spec.js';
import { scenarioFile } from './fixture.js';

const file = scenarioFile();
const plan = planSweepFile(file, { sets: [parseSetFlag('binder.shrinker.seeks=2,0'), parseSetFlag('workload.memory[0].rate=20MiB/s,40MiB/s')], seeds: parseSeeds('1..3', 's'), reference: undefined });

describe('sweep on the pool', () => {
  it('1 worker and 3 workers give byte-identical JSON, CSV and summary', async () => {
    const one = await runSweep(plan, { workers: 1 });
    const three = await runSweep(plan, { workers: 3 });
    const meta = metaOf(plan);
    expect(one).toHaveLength(4 * 3);
    expect(renderSweepJson(meta, three)).toBe(renderSweepJson(meta, one));
    expect(renderSweepCsv(meta, three)).toBe(renderSweepCsv(meta, one));
    expect(renderSweepSummary(meta, three, metricNames(three))).toBe(renderSweepSummary(meta, one, metricNames(one)));
  });

  it('rows are in point, seed order and equal the in-process run of that point and seed', async () => {
    const rows = await runSweep(plan, { workers: 2 });
    expect(rows.map((r) => `${r.point}:${r.seed}`)).toEqual(['0:1', '0:2', '0:3', '1:1', '1:2', '1:3', '2:1', '2:2', '2:3', '3:1', '3:2', '3:3']);
    const r = rows[7]!; // point 2 (seeks 0, 20 MiB/s), seed 2
    expect(r.metrics).toEqual(metricsOf(runScenario(plan.points[2]!.resolved, { seed: 2, file })));
    // The seed changes the Binder traffic.
    const allocs = (row: typeof r) => row.metrics.find(([k]) => k === 'binder.app.allocations')![1];
    expect(new Set(rows.slice(0, 3).map(allocs)).size).toBe(3);
  });

  it('runs only the runs asked for (a shard)', async () => {
    const rows = await runSweep(plan, { workers: 2, runs: [1, 5, 9] });
    expect(rows.map((r) => [r.point, r.seed])).toEqual([[0, 2], [1, 3], [3, 1]]);
  });
});
