/** `--csv-long` rows and the summary's sparklines. */
import { describe, expect, it } from 'vitest';
import { renderCsvLong } from '../../src/report/csvLong.js';
import { sparkline } from '../../src/report/sparkline.js';
import { renderSummary } from '../../src/report/summary.js';
import { VmStat } from '../../src/mm/vmstat.js';
import { sampleResult } from './fixture.js';

describe('--csv-long', () => {
  it('one row per value: time_s,metric,label,value, shrinkers by their summary label, bigints in full', () => {
    const vm = new VmStat();
    vm.count('pageoutrun', 3);
    const base = sampleResult();
    const r = sampleResult({
      shrinkers: [base.shrinkers[0]!, { ...base.shrinkers[1]!, name: 'sb-ext4:vda1' }],
      series: [{ ...base.series[1]!, shrinkers: [{ count: 90n, deferred: 2n ** 63n - 1n, scanned: 5n, freed: 4n }, { count: 2n, deferred: 44n }], vmstat: vm.snapshot() }],
    });
    const lines = renderCsvLong(r).split('\n');
    expect(lines.slice(0, 14)).toEqual([
      'time_s,metric,label,value',
      '0.0015,free_pages,,2000',
      '0.0015,page_cache,,49000',
      '0.0015,anon,,60000',
      '0.0015,binder_pages,active,1',
      '0.0015,binder_pages,lru,2',
      '0.0015,binder_pages,free,29',
      '0.0015,shrinker_count,sb-ext4:vda1,90',
      '0.0015,shrinker_deferred,sb-ext4:vda1,9223372036854775807',
      '0.0015,shrinker_scanned,sb-ext4:vda1,5',
      '0.0015,shrinker_freed,sb-ext4:vda1,4',
      '0.0015,shrinker_count,sb-ext4:vda1#2,2',
      '0.0015,shrinker_deferred,sb-ext4:vda1#2,44',
      '0.0015,vmstat,allocstall_dma,0',
    ]);
    expect(lines).toContain('0.0015,vmstat,pageoutrun,3');
    expect(lines).toHaveLength(1 + 12 + 19 + 1);
    expect(lines.at(-1)).toBe('');
  });
});

describe('sparklines', () => {
  it('scales between min and max, one bucket mean per character', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
    // 96 samples into 48 characters: each the mean of two.
    const v = Array.from({ length: 96 }, (_, i) => (i < 48 ? 0 : 70));
    expect(sparkline(v)).toBe('▁'.repeat(24) + '█'.repeat(24));
  });

  it('appear in the summary only when asked, with the range', () => {
    const r = sampleResult();
    expect(renderSummary(r, { color: false })).not.toContain('▁');
    const text = renderSummary(r, { color: false, sparklines: true });
    expect(text).toContain('  free pages       █▁  2000..3000\n  Binder LRU pages ▁█  0..2\n');
  });
});
