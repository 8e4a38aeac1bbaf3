/** Metrics extraction: the same names and exact values from a RunResult and from its --json. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { metricsOf } from '../../src/report/metrics.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
const run = (n: string, seed?: number) => runScenario(loadScenarioFile(join(SCENARIOS, `${n}.yaml`)), seed === undefined ? {} : { seed });

describe('metricsOf', () => {
  it('reads a RunResult and its JSON document alike (bigints beyond 2^53 stay exact)', () => {
    for (const n of ['whatif-clamp-quarter', 'app-launch', 'mmap-contention']) {
      const r = run(n);
      expect(metricsOf(JSON.parse(renderJson(r)))).toEqual(metricsOf(r));
    }
  });

  it('names per shrinker, per Binder process, skips, memory and stalls', () => {
    const m = new Map(metricsOf(run('whatif-clamp-quarter')));
    // total_scan = 2F = 2^63 − 2; full batches of 128 are scanned, 126 deferred.
    expect(m.get('shrinker.huge.scanned')).toBe(((2n ** 63n - 2n) / 128n) * 128n);
    expect(m.get('shrinker.huge.deferred_end')).toBe(126);
    const launch = new Map(metricsOf(run('app-launch')));
    expect([...launch.keys()]).toEqual(expect.arrayContaining(['binder.launcher_app.refaults', 'binder.reclaimed', 'memory.direct_reclaims', 'stalls.stall_ns', 'shrinker.android-binder.freed']));
    // Binder's shrinker frees pages: binder.reclaimed is android-binder's freed, and the
    // processes' own counts add up to it.
    expect(launch.get('binder.reclaimed')).toBe(launch.get('shrinker.android-binder.freed'));
    // near-oom: kswapd and direct reclaim take pages from both processes.
    const oom = new Map(metricsOf(run('near-oom')));
    const perProc = [...oom.entries()].filter(([k]) => /^binder\.[^.]+\.reclaimed$/.test(k)).map(([, v]) => Number(v));
    expect(perProc.length).toBe(2);
    expect(perProc.every((n) => n > 0)).toBe(true);
    expect(perProc.reduce((a, b) => a + b, 0)).toBe(Number(oom.get('shrinker.android-binder.freed')));
    const skips = [...new Map(metricsOf(run('mmap-contention'))).keys()].filter((k) => k.startsWith('skips.'));
    expect(skips.length).toBeGreaterThan(0);
  });

  it('picks up a vmstat object generically when a result has one', () => {
    const doc = JSON.parse(renderJson(run('whatif-seeks0'))) as Record<string, unknown>;
    doc.vmstat = { pgscan_kswapd: 12, slabs_scanned: '9007199254740993', note: 'text is ignored' };
    const m = new Map(metricsOf(doc));
    expect(m.get('vmstat.pgscan_kswapd')).toBe(12);
    expect(m.get('vmstat.slabs_scanned')).toBe(9007199254740993n);
    expect(m.has('vmstat.note')).toBe(false);
  });
});
