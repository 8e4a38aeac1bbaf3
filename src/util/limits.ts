/**
 * Bounds on one run. A valid scenario can still ask for more than a machine can give
 * (a billion transactions a second, a sample every nanosecond for a day); a simulator says so
 * before it starts, or as soon as it knows, names the limit and how to raise it, and exits 2
 * instead of running without bound.
 *
 * The scenario's `limits:` section and the CLI's `--max-*` flags set them; the run loop
 * enforces them as it goes (each check is one compare on a counter it keeps anyway).
 */
import { UserError } from './errors.js';

export interface RunLimits {
  /** Events taken from the queue (generator ticks, kswapd steps, samples, lock releases, …). */
  readonly events: number;
  /** Rows of the time series (`duration / sample`). */
  readonly samples: number;
  /** ftrace lines kept for `--trace`. */
  readonly traceLines: number;
}

export type RunLimitName = keyof RunLimits;

export const DEFAULT_RUN_LIMITS: RunLimits = Object.freeze({
  events: 50_000_000,
  samples: 1_000_000,
  traceLines: 5_000_000,
});

/** The CLI flag and the scenario field that raise each limit (for the message). */
export const RUN_LIMIT_KNOBS: Readonly<Record<RunLimitName, { flag: string; field: string }>> = Object.freeze({
  events: { flag: '--max-events', field: 'limits.events' },
  samples: { flag: '--max-samples', field: 'limits.samples' },
  traceLines: { flag: '--max-trace-lines', field: 'limits.trace_lines' },
});

/** A run that asks for more than a limit allows: a user error (one line, exit 2). */
export class RunLimitError extends UserError {
  constructor(
    readonly limit: RunLimitName,
    readonly max: number,
    /** What crossed it, e.g. `workload.binder[0].rate` or `the run (at 1.234 s simulated)`. */
    readonly what: string,
  ) {
    const k = RUN_LIMIT_KNOBS[limit];
    super(`${what}: exceeds the limit of ${max.toLocaleString('en-US')} ${limit} (raise it with ${k.flag} N or ${k.field} in the scenario)`, 2);
  }
}

export const resolveLimits = (...layers: ReadonlyArray<Partial<RunLimits> | undefined>): RunLimits => {
  let out: RunLimits = DEFAULT_RUN_LIMITS;
  for (const l of layers) if (l) out = { ...out, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
  return out;
};
