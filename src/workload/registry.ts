/**
 * The workload generators by kind: adding one touches its file, this map and a test.
 * Generators start in a fixed order (binder, memory, locks, deaths; each in scenario order),
 * and each draws only from its own named streams.
 */
import { assertNever } from '../util/assertNever.js';
import type { ResolvedWorkload, WorkloadGen } from '../scenario/types.js';
import { binderTraffic } from './binderTraffic.js';
import { lockContention } from './lockContention.js';
import { memoryPressure } from './memoryPressure.js';
import { procDeath } from './procDeath.js';
import type { Generator } from './types.js';

export const GENERATOR_KINDS = ['binderTraffic', 'memoryPressure', 'lockContention', 'procDeath'] as const;

export function createGenerator(gen: WorkloadGen): Generator {
  switch (gen.kind) {
    case 'binderTraffic':
      return binderTraffic(gen);
    case 'memoryPressure':
      return memoryPressure(gen);
    case 'lockContention':
      return lockContention(gen);
    case 'procDeath':
      return procDeath(gen);
    default:
      return assertNever(gen);
  }
}

export function createGenerators(w: ResolvedWorkload): Generator[] {
  return [...w.binder, ...w.memory, ...w.locks, ...w.deaths].map(createGenerator);
}

export type { Generator, WorkloadCtx, Pool, VerbResult } from './types.js';
