/** `oom_score_adj`: optional on Binder processes and memory generators, -1000…1000, absent = 0. */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { canonicalJson, scenarioHash } from '../../src/scenario/hash.js';
import { errorOf } from './errorOf.js';

describe('oom_score_adj in scenarios', () => {
  it('rejects values outside -1000…1000 with the field path', () => {
    expect(errorOf('binder: {procs: [{name: app, oom_score_adj: 1001}]}')).toBe(
      'scenarios/x.yaml: binder.procs[0].oom_score_adj: expected a number ≤ 1000, got "1001"',
    );
    expect(errorOf('workload: {memory: [{pool: anon, rate: 1MiB/s, oom_score_adj: -1001}]}')).toBe(
      'scenarios/x.yaml: workload.memory[0].oom_score_adj: expected a number ≥ -1000, got "-1001"',
    );
  });

  it('resolves as given, and leaves the hash of a scenario without it unchanged (absent, not 0)', () => {
    const withAdj = loadScenarioText('binder: {procs: [{name: app, oom_score_adj: -1000}]}\nworkload: {memory: [{pool: anon, rate: 1MiB/s, oom_score_adj: 1000}]}', 'a.yaml');
    expect(withAdj.binder.procs[0]?.oomScoreAdj).toBe(-1000);
    expect(withAdj.workload.memory[0]?.oomScoreAdj).toBe(1000);
    const plain = loadScenarioText('binder: {procs: [{name: app}]}', 'b.yaml');
    expect(plain.binder.procs[0]?.oomScoreAdj).toBeUndefined();
    // The hash input of a scenario without the field has no trace of it (bundled scenarios
    // written before it keep their hash, hence their shrinker pointers and traces).
    expect(canonicalJson(plain)).not.toContain('oomScoreAdj');
    expect(scenarioHash(plain)).not.toBe(scenarioHash(loadScenarioText('binder: {procs: [{name: app, oom_score_adj: 0}]}', 'b.yaml')));
  });
});
