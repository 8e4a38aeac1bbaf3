/**
 * Runs a plan's runs on a pool of worker threads (piscina), one run per task.
 *
 * Determinism: each run's metrics depend only on its point and seed (the simulator is
 * deterministic), and the rows are put in run order (point, then seed) whatever order the
 * workers finish in, so the output is the same for any pool size.
 *
 * Workers load the built JavaScript (dist/sweep/worker.js, as tsc writes it), found from the
 * package root: the same from src/ (tests), dist/ and the bundled CLI.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Metrics } from '../report/metrics.js';
import { UserError } from '../util/errors.js';
import { packageRoot } from '../util/packageRoot.js';
import type { SweepPlan } from './plan.js';
import type { RunAnswer, RunTask } from './worker.js';

/** One run's outcome: a row of the tidy result. */
export interface SweepRow {
  readonly point: number;
  readonly seed: number;
  readonly metrics: Metrics;
}

export interface PoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Run indices to do (default: all). `runIndex = point × seeds + seedIndex`. */
  readonly runs?: readonly number[];
  /** Called after each finished run with (runs done, runs to do, the run's row). */
  readonly onDone?: (done: number, total: number, row: SweepRow) => void;
  /**
   * The worker module's path (default: dist/sweep/worker.js, as tsc writes it). The CLI
   * passes the bundled one, which a worker thread loads in half the CPU time.
   */
  readonly workerFile?: string;
}

/** The worker module as tsc writes it. */
export const moduleWorkerFile = (): string => join(packageRoot(), 'dist', 'sweep', 'worker.js');

export const defaultWorkers = (): number => availableParallelism();

/** Every run index of a plan, in order. */
export const allRuns = (plan: SweepPlan): number[] => Array.from({ length: plan.points.length * plan.seeds.length }, (_, i) => i);

/** Runs the runs and returns their rows sorted by point, then seed order. */
export async function runSweep(plan: SweepPlan, opts: PoolOptions = {}): Promise<SweepRow[]> {
  const workerFile = opts.workerFile ?? moduleWorkerFile();
  if (!existsSync(workerFile)) throw new UserError(`${workerFile}: missing; build first (npm run build)`);
  const runs = opts.runs ?? allRuns(plan);
  const threads = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), runs.length || 1));
  const pool = new Piscina<RunTask, RunAnswer>({ filename: pathToFileURL(workerFile).href, minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  const S = plan.seeds.length;
  const out = new Array<SweepRow | undefined>(runs.length);
  let done = 0;
  try {
    await Promise.all(
      runs.map(async (run, slot) => {
        const point = plan.points[Math.floor(run / S)]!;
        const seed = plan.seeds[run % S]!;
        const answer = await pool.run({ resolved: point.resolved, seed, file: plan.file });
        if (!answer.ok) {
          const where = `${plan.file}: point ${point.index} seed ${seed}`;
          if (answer.user) throw new UserError(`${where}: ${answer.message.split('\n')[0]}`);
          throw new Error(`${where}: ${answer.message}`);
        }
        const row = { point: point.index, seed, metrics: answer.metrics };
        out[slot] = row;
        opts.onDone?.(++done, runs.length, row);
      }),
    );
  } finally {
    await pool.destroy();
  }
  const seedIndex = new Map(plan.seeds.map((s, i) => [s, i]));
  return (out as SweepRow[]).sort((a, b) => a.point - b.point || seedIndex.get(a.seed)! - seedIndex.get(b.seed)!);
}
