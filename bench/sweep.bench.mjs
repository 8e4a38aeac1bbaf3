// `shrinksim sweep` throughput: runs (point × seed) per second on the worker pool with 1
// worker and with every available core, and the speed-up. The points are CPU-bound: the
// bundled default scenario (a compressed phone day, ~0.1-0.2 s per run) over 2 points ×
// SEEDS seeds. Each configuration is timed end to end (pool start and teardown included)
// ROUNDS times and the best round is reported, since other work on the machine only slows a
// round down. The load average is printed beside the figures: on a shared machine the
// speed-up is bounded by the idle cores, not by the pool.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const SEEDS = Number(process.env.BENCH_SWEEP_SEEDS ?? 12);
const ROUNDS = Number(process.env.BENCH_SWEEP_ROUNDS ?? 3);

export default async function sweepBench(_bench, distDir) {
  const url = (p) => pathToFileURL(join(distDir, p)).href;
  const { planSweepFile } = await import(url('sweep/plan.js'));
  const { runSweep } = await import(url('sweep/pool.js'));
  const { parseSetFlag, parseSeeds } = await import(url('sweep/spec.js'));
  const scenario = join(distDir, '..', 'scenarios', 'default.yaml');
  const plan = planSweepFile(scenario, {
    sets: [parseSetFlag('binder.shrinker.seeks=2,0')],
    seeds: parseSeeds(`1..${SEEDS}`, 'bench'),
    reference: undefined,
  });
  const runs = plan.points.length * plan.seeds.length;
  const all = availableParallelism();

  // Best round's runs/s, and the cores this process kept busy in it (CPU time / wall time,
  // workers included): below the worker count means the machine, not the pool, held it back.
  const best = async (workers) => {
    let fastest = Infinity;
    let busy = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const rows = await runSweep(plan, { workers });
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (rows.length !== runs) throw new Error(`sweep bench: ${rows.length} rows, expected ${runs}`);
      if (ms < fastest) [fastest, busy] = [ms, (c.user + c.system) / 1000 / ms];
    }
    return { rate: runs / (fastest / 1000), busy };
  };
  const load0 = loadavg()[0];
  const one = await best(1);
  const many = await best(all);
  const load1 = loadavg()[0];
  return {
    [`sweep runs/s, 1 worker (${runs} runs of default.yaml)`]: one.rate,
    [`sweep runs/s, ${all} workers`]: many.rate,
    [`sweep speed-up ${all} vs 1 worker (target ≥ 1.8 on 2 idle cores)`]: many.rate / one.rate,
    'cores kept busy, 1 worker / all workers': `${one.busy.toFixed(2)} / ${many.busy.toFixed(2)}`,
    'load average (1 min) before / after': `${load0.toFixed(2)} / ${load1.toFixed(2)} on ${all} cores`,
  };
}
