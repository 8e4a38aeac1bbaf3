/**
 * Checks made before a run starts: a scenario whose workload or sampling must cross a run
 * limit (src/util/limits.ts) is refused at once, naming the field that asks for it, rather
 * than after minutes of simulation. The estimates are lower bounds (expected arrivals of
 * each generator, samples of the whole run), so a refusal here is never a false alarm; the
 * run loop enforces the same limits exactly as it goes.
 */
import { RunLimitError, type RunLimits } from '../util/limits.js';
import type { PathKey } from './issues.js';
import { formatPath } from './issues.js';
import type { ResolvedScenario, SimTimeNs } from './types.js';

const SEC = 1e9;

/** Simulated time the run covers: the duration, or the script's advances if longer. */
export function runEndNs(s: ResolvedScenario): SimTimeNs {
  let script = 0;
  for (const st of s.script) if (st.kind === 'advance') script += st.by;
  return Math.max(s.duration, script);
}

/** Samples of the time series: one at 0 and one every `sample` up to the end. */
export const sampleCount = (s: ResolvedScenario): number => Math.floor(runEndNs(s) / s.sample) + 1;

interface Demand {
  readonly path: readonly PathKey[];
  readonly events: number;
}

/** Events each generator will at least cause (its arrivals; frees, wakeups and reclaim come on top). */
export function generatorDemands(s: ResolvedScenario): Demand[] {
  const w = s.workload;
  const secs = (g: { from: number; until: number }): number => Math.max(0, g.until - g.from) / SEC;
  const out: Demand[] = [];
  w.binder.forEach((g, i) => {
    if (g.arrivals.kind === 'poisson') out.push({ path: ['workload', 'binder', i, 'rate'], events: g.arrivals.rate * secs(g) });
    else out.push({ path: ['workload', 'binder', i, 'burst'], events: g.arrivals.count * Math.ceil((g.until - g.from) / g.arrivals.period) });
  });
  w.memory.forEach((g, i) => out.push({ path: ['workload', 'memory', i, 'rate'], events: ((g.rate + g.release) / g.chunk) * secs(g) }));
  w.locks.forEach((g, i) => out.push({ path: ['workload', 'locks', i, 'rate'], events: g.rate * secs(g) }));
  return out;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Throws a `RunLimitError` naming the field if the scenario must exceed `limits`. */
export function checkRunLimits(s: ResolvedScenario, limits: RunLimits, label: string): void {
  const samples = sampleCount(s);
  if (samples > limits.samples) {
    throw new RunLimitError('samples', limits.samples, `${label}: sample (${fmt(samples)} samples of ${s.sample} ns over ${runEndNs(s)} ns)`);
  }
  const demands = generatorDemands(s);
  const total = demands.reduce((a, d) => a + d.events, samples);
  if (total > limits.events) {
    const top = demands.reduce((a, d) => (d.events > a.events ? d : a), { path: ['sample'], events: samples } as Demand);
    throw new RunLimitError('events', limits.events, `${label}: ${formatPath(top.path)} (about ${fmt(total)} events in all)`);
  }
}
