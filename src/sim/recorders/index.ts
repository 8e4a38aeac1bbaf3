/**
 * The recorders a run can attach, by name: adding an output is a file in this directory and
 * one line here. `standardRecorders` is what `runScenario` attaches (statistics, series and
 * script outcomes always; ftrace text and the timeline when asked for).
 */
import type { KernelProfile } from '../../mm/shrinker/types.js';
import type { ResolvedScenario } from '../../scenario/types.js';
import type { RunLimits } from '../../util/limits.js';
import type { SimTimeNs } from '../../util/simTime.js';
import type { Recorder } from '../recorder.js';
import { FtraceRecorder } from './ftrace.js';
import { ScriptRecorder } from './script.js';
import { SeriesRecorder } from './series.js';
import { StatisticsRecorder } from './statistics.js';
import { TimelineRecorder } from './timeline.js';

/** What a recorder factory may use. */
export interface RecorderEnv {
  readonly profile: KernelProfile;
  readonly limits: RunLimits;
  readonly now: () => SimTimeNs;
  /** The scenario being run (the timeline reads its cost model, tasks and script). */
  readonly scenario?: ResolvedScenario;
  /** The timeline keeps one instant per Binder transaction. */
  readonly timelineBinder?: boolean;
}

function timeline(env: RecorderEnv): TimelineRecorder {
  if (!env.scenario) throw new Error('the timeline recorder needs RecorderEnv.scenario');
  return new TimelineRecorder({ scenario: env.scenario, profile: env.profile, now: env.now, binder: env.timelineBinder ?? false, maxEntries: env.limits.traceLines });
}

export const RECORDERS = {
  statistics: (env: RecorderEnv) => new StatisticsRecorder(env.profile),
  series: () => new SeriesRecorder(),
  script: () => new ScriptRecorder(),
  ftrace: (env: RecorderEnv) => new FtraceRecorder(env.profile, env.limits.traceLines, env.now),
  timeline,
} as const satisfies Record<string, (env: RecorderEnv) => Recorder>;

export type RecorderName = keyof typeof RECORDERS;

export function createRecorders(names: readonly RecorderName[], env: RecorderEnv): Recorder[] {
  return names.map((n) => RECORDERS[n](env));
}

export { FtraceRecorder, ScriptRecorder, SeriesRecorder, StatisticsRecorder, TimelineRecorder };
