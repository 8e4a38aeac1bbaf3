/**
 * The pool's worker (loaded by piscina from dist/sweep/worker.js): one run of one point with
 * one seed, answered as its metrics. The scenario arrives resolved (structured clone keeps
 * its bigints), so a worker never reads files.
 */
import { metricsOf, type Metrics } from '../report/metrics.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { runScenario } from '../sim/run.js';
import { isUserError } from '../util/errors.js';

export interface RunTask {
  readonly resolved: ResolvedScenario;
  readonly seed: number;
  readonly file: string;
}

export type RunAnswer =
  | { readonly ok: true; readonly metrics: Metrics }
  /** A run that stopped on bad input (e.g. a limit): the CLI reports it as one line, exit 2. */
  | { readonly ok: false; readonly message: string; readonly user: boolean };

/** Runs one task; errors are answered as data (a worker's Error loses its class on the way back). */
export function runTask(task: RunTask): RunAnswer {
  try {
    const result = runScenario(task.resolved, { seed: task.seed, file: task.file });
    return { ok: true, metrics: metricsOf(result) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e), user: isUserError(e) };
  }
}

export default runTask;
