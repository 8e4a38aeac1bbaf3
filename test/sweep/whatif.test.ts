/**
 * The bundled what-if sweeps (scenarios/sweeps/) ask the questions of the old file pairs:
 * each point gives exactly the metrics of the matching single-run scenario, for every seed
 * (the scripts draw no random numbers).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../src/report/metrics.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { planSweepFile } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
const single = (n: string) => metricsOf(runScenario(loadScenarioFile(join(SCENARIOS, `${n}.yaml`))));
const noFlags = { sets: [], seeds: undefined, reference: undefined };

describe('what-if sweeps', () => {
  it('whatif-seeks: seeks 2 and 0 as two points, reference seeks 2', async () => {
    const plan = planSweepFile(join(SCENARIOS, 'sweeps', 'whatif-seeks.yaml'), noFlags);
    expect(plan.points.map((p) => p.values)).toEqual([[2], [0]]);
    expect(plan.reference).toBe(0);
    expect(plan.seeds).toEqual([1, 2, 3]);
    const rows = await runSweep(plan, { workers: 2 });
    const [two, zero] = [single('whatif-seeks2'), single('whatif-seeks0')];
    expect(rows.map((r) => r.metrics)).toEqual([two, two, two, zero, zero, zero]);
  });

  it('whatif-clamp: the count clamp at ULONG_MAX/2 and ULONG_MAX/4 as two points', async () => {
    const plan = planSweepFile(join(SCENARIOS, 'sweeps', 'whatif-clamp.yaml'), noFlags);
    expect(plan.points.map((p) => p.values)).toEqual([['ULONG_MAX/2'], ['ULONG_MAX/4']]);
    const rows = await runSweep(plan, { workers: 2 });
    const [half, quarter] = [single('whatif-clamp-half'), single('whatif-clamp-quarter')];
    expect(rows.map((r) => r.metrics)).toEqual([half, half, half, quarter, quarter, quarter]);
  });
});
