/**
 * `runScenario(resolved, opts) → RunResult`: build the machine, attach the recorders the
 * options ask for, start the generators and the sampler, run the script and then the loop to
 * the end, and build the result from the machine's end state and the recorders.
 *
 *   machine.ts      nodes, memcgs, shrinker registry, Binder, kswapds, and their operations
 *   loop.ts         the virtual clock and the pending events
 *   workloadPort.ts the generators' verbs on the machine
 *   sampler.ts      the time series' rows
 *   script.ts       the scenario's steps
 *   recorders/      statistics, series, script outcomes, ftrace text, timeline
 *   report/build.ts the RunResult
 */
import { buildResult } from '../report/build.js';
import type { RunOptions, RunResult } from '../report/result.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { resolveLimits, type RunLimits } from '../util/limits.js';
import { EventLoop } from './loop.js';
import { Machine } from './machine.js';
import { Tracepoints, type Recorder } from './recorder.js';
import { createRecorders, type FtraceRecorder, type RecorderName, type ScriptRecorder, type SeriesRecorder, type StatisticsRecorder, type TimelineRecorder } from './recorders/index.js';
import { Sampler } from './sampler.js';
import { runScript } from './script.js';
import { startGenerators } from './workloadPort.js';

/** The simulated end of a run: its duration, or the script's end if that is later. */
export function runEndNs(resolved: ResolvedScenario): number {
  return Math.max(
    resolved.duration,
    resolved.script.reduce((t, s) => t + (s.kind === 'advance' ? s.by : 0), 0),
  );
}

export interface Simulation {
  readonly machine: Machine;
  readonly loop: EventLoop;
  readonly limits: RunLimits;
  readonly endNs: number;
}

/**
 * Builds the machine with `recorders` attached (the loop and sampler ready, nothing run yet).
 * Pass no recorder to run for the side effects only.
 */
export function createSimulation(resolved: ResolvedScenario, recorders: readonly Recorder[], opts: RunOptions = {}): Simulation {
  const limits = resolveLimits(opts.limits);
  const endNs = runEndNs(resolved);
  const loop = new EventLoop({ endNs, maxEvents: limits.events, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const machine = new Machine(resolved, opts.seed ?? resolved.seed, loop, new Tracepoints(recorders));
  return { machine, loop, limits, endNs };
}

/** Starts the generators and the sampler, runs the script, then the loop to the end. */
export function runSimulation(sim: Simulation, opts: RunOptions = {}): void {
  startGenerators(sim.machine);
  new Sampler(sim.machine, sim.endNs, sim.limits.samples).start();
  runScript(sim.machine);
  sim.loop.runUntil(sim.endNs);
  opts.onProgress?.(1);
}

/**
 * The last finished run, kept until the next one has built its machine. V8 discards the
 * optimized code that embeds an object shape (a hidden class) once the last object of that
 * shape dies, and every object of a run dies with it: without this, each run in the same
 * process (a sweep, the end-to-end bench) would start by recompiling the whole hot path. The
 * next run's objects take the same shapes while this one still holds them.
 */
let previousRun: Simulation | undefined;

export function runScenario(resolved: ResolvedScenario, opts: RunOptions = {}): RunResult {
  const limits = resolveLimits(opts.limits);
  const names: RecorderName[] = [
    'statistics',
    'series',
    'script',
    ...(opts.collectTrace ? (['ftrace'] as const) : []),
    ...(opts.timeline ? (['timeline'] as const) : []),
  ];
  let now = (): number => 0;
  const env = { profile: resolved.kernel, limits, now: () => now(), scenario: resolved, timelineBinder: opts.timeline === 'binder' };
  const recorders = [...createRecorders(names, env), ...(opts.recorders ?? [])];
  const sim = createSimulation(resolved, recorders, opts);
  now = () => sim.loop.now;
  runSimulation(sim, opts);
  previousRun = sim;
  const tp = sim.machine.tp;
  const stats = tp.get<StatisticsRecorder>('statistics') as StatisticsRecorder;
  const script = tp.get<ScriptRecorder>('script') as ScriptRecorder;
  const ftrace = tp.get<FtraceRecorder>('ftrace');
  const timeline = tp.get<TimelineRecorder>('timeline');
  const seed = opts.seed ?? resolved.seed;
  const hash = sim.machine.hash;
  return buildResult({
    scenario: opts.file !== undefined ? { name: resolved.name, file: opts.file, hash } : { name: resolved.name, hash },
    seed,
    kernel: resolved.kernel,
    machine: sim.machine.endState(),
    stats: stats.statistics(),
    series: (tp.get<SeriesRecorder>('series') as SeriesRecorder).rows,
    steps: script.steps,
    snapshots: script.snapshots,
    ...(ftrace ? { traceText: ftrace.render(resolved.cpus) } : {}),
    ...(timeline ? { timeline: timeline.data(sim.machine.now) } : {}),
  });
}
