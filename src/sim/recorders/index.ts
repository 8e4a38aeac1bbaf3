/**
 * The recorders a run can attach, by name: adding an output is a file in this directory and
 * one line here. `standardRecorders` is what `runScenario` attaches (statistics, series and
 * script outcomes always; ftrace text when asked for).
 */
import type { KernelProfile } from '../../mm/shrinker/types.js';
import type { RunLimits } from '../../util/limits.js';
import type { SimTimeNs } from '../../util/simTime.js';
import type { Recorder } from '../recorder.js';
import { FtraceRecorder } from './ftrace.js';
import { ScriptRecorder } from './script.js';
import { SeriesRecorder } from './series.js';
import { StatisticsRecorder } from './statistics.js';

/** What a recorder factory may use. */
export interface RecorderEnv {
  readonly profile: KernelProfile;
  readonly limits: RunLimits;
  readonly now: () => SimTimeNs;
}

export const RECORDERS = {
  statistics: (env: RecorderEnv) => new StatisticsRecorder(env.profile),
  series: () => new SeriesRecorder(),
  script: () => new ScriptRecorder(),
  ftrace: (env: RecorderEnv) => new FtraceRecorder(env.profile, env.limits.traceLines, env.now),
} as const satisfies Record<string, (env: RecorderEnv) => Recorder>;

export type RecorderName = keyof typeof RECORDERS;

export function createRecorders(names: readonly RecorderName[], env: RecorderEnv): Recorder[] {
  return names.map((n) => RECORDERS[n](env));
}

export { FtraceRecorder, ScriptRecorder, SeriesRecorder, StatisticsRecorder };
