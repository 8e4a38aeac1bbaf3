/** Baselines pin the /proc/vmstat counters once they hold them; older baselines are not broken. */
import { describe, expect, it } from 'vitest';
import { baselineOf, compareWithBaseline, metricsOf } from '../../src/report/baseline.js';
import { VmStat } from '../../src/mm/vmstat.js';
import { sampleResult } from './fixture.js';

function withVmstat(pgscan: number) {
  const vm = new VmStat();
  vm.count('pgscan_kswapd', pgscan);
  return sampleResult({ vmstat: vm.snapshot() });
}

describe('baselines and vmstat', () => {
  it('flattens the counters to vmstat.<kernel name>', () => {
    const m = metricsOf(withVmstat(300));
    expect(m.get('vmstat.pgscan_kswapd')).toBe(300n);
    expect(m.get('vmstat.allocstall_movable')).toBe(0n);
  });

  it('a baseline with vmstat pins it; one written before vmstat existed ignores it', () => {
    const pinned = baselineOf(withVmstat(300));
    expect(compareWithBaseline(pinned, withVmstat(300), 0).moved).toEqual([]);
    expect(compareWithBaseline(pinned, withVmstat(301), 0).moved).toEqual([{ metric: 'vmstat.pgscan_kswapd', base: 300n, now: 301n }]);
    const old = baselineOf(sampleResult());
    expect([...old.metrics.keys()].some((k) => k.startsWith('vmstat.'))).toBe(false);
    const c = compareWithBaseline(old, withVmstat(301), 0);
    expect(c.moved).toEqual([]);
    expect(c.compared).toBe(old.metrics.size);
  });
});
