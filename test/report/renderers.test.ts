import { describe, expect, it } from 'vitest';
import { renderCsv, nsToSeconds } from '../../src/report/csv.js';
import { bigintToJson, renderJson, resultDocument } from '../../src/report/json.js';
import { renderSummary, shouldColor } from '../../src/report/summary.js';
import { sampleResult } from './fixture.js';
import { VmStat } from '../../src/mm/vmstat.js';

describe('JSON', () => {
  it('bigint rule: safe integers as numbers, the rest as decimal strings', () => {
    expect(bigintToJson(0n)).toBe(0);
    expect(bigintToJson(9007199254740991n)).toBe(9007199254740991);
    expect(bigintToJson(9007199254740992n)).toBe('9007199254740992');
    expect(bigintToJson(-9007199254740992n)).toBe('-9007199254740992');
    expect(bigintToJson(-2n)).toBe(-2);
  });

  it('has the documented top-level fields in order, series last, no trace, sorted maps', () => {
    const doc = resultDocument(sampleResult());
    expect(Object.keys(doc)).toEqual([
      'schemaVersion', 'tool', 'scenario', 'seed', 'kernel', 'simulatedNs', 'shrinkers', 'binder', 'memory', 'reclaim', 'skips', 'steps', 'snapshots', 'events', 'series',
    ]);
    expect(Object.keys(doc.events as object)).toEqual(['binder_alloc_lru_start', 'mm_shrink_slab_end', 'mm_shrink_slab_start']);
    expect(Object.keys(doc.skips as object)).toEqual(['alloc_lock', 'mmap_lock']);
    const text = renderJson(sampleResult());
    expect(text).toContain('"deferredEnd": "9223372036854775807"');
    expect(text).toContain('"freed": 4000');
    expect(text).not.toContain('not in json');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('series: counts are always numbers; an unsafe one gets an exact string companion', () => {
    const doc = resultDocument(sampleResult()) as { series: Record<string, unknown>[] };
    expect(doc.series[0]).toEqual({
      timeNs: 0, freePages: 3000, pageCache: 50000, anon: 60000, binder: { active: 0, lru: 0, free: 32 },
      shrinkers: [{ count: 100, deferred: 0 }, { count: 0, deferred: 0 }],
    });
    // 2^63 − 1 is not a double: the number is the nearest one (2^63), the string is exact.
    expect(doc.series[1]?.shrinkers).toEqual([
      { count: 90, deferred: 9223372036854775808, deferredExact: '9223372036854775807' },
      { count: 2, deferred: 44 },
    ]);
    const withTotals = resultDocument(
      sampleResult({
        series: [{ timeNs: 5, freePages: 1, pageCache: 2, anon: 3, binder: { active: 0, lru: 0, free: 0 }, shrinkers: [{ count: 1n, deferred: 0n, scanned: 2n ** 60n, freed: 7n }] }],
      }),
    ) as { series: { shrinkers: unknown[] }[] };
    expect(withTotals.series[0]?.shrinkers[0]).toEqual({ count: 1, deferred: 0, scanned: 2 ** 60, scannedExact: '1152921504606846976', freed: 7 });
  });

  it('vmstat: an object in /proc/vmstat order before series, numbers by the data-frame rule, also per sample', () => {
    const vm = new VmStat();
    vm.count('pgscan_kswapd', 300);
    vm.count('slabs_scanned', 2n ** 63n);
    const r = sampleResult({ vmstat: vm.snapshot(), series: [{ ...sampleResult().series[0]!, vmstat: vm.snapshot() }] });
    const doc = resultDocument(r) as { vmstat: Record<string, unknown>; series: { vmstat: unknown }[] };
    expect(Object.keys(doc).slice(-2)).toEqual(['vmstat', 'series']);
    expect(Object.keys(doc.vmstat).slice(0, 5)).toEqual(['allocstall_dma', 'allocstall_dma32', 'allocstall_normal', 'allocstall_movable', 'pgsteal_kswapd']);
    expect(doc.vmstat.pgscan_kswapd).toBe(300);
    expect(doc.vmstat.slabs_scanned).toBe(2 ** 63);
    expect(doc.vmstat.slabs_scannedExact).toBe('9223372036854775808');
    expect(doc.series[0]?.vmstat).toEqual(doc.vmstat);
  });

  it('omits an absent scenario file', () => {
    const doc = resultDocument(sampleResult({ scenario: { name: 'x', hash: 'sha256:00' } }));
    expect(doc.scenario).toEqual({ name: 'x', hash: 'sha256:00' });
  });

  it('snapshots keep issue 3’s exact shape', () => {
    const doc = resultDocument(sampleResult()) as { snapshots: unknown[] };
    expect(doc.snapshots[0]).toEqual({
      label: 'end',
      binder: { procs: [{ name: 'app', pages: 'al.', buffers: [{ name: 'b', offset: 0, size: 4096, free: false }], counts: { active: 1, lru: 1, free: 1 } }] },
    });
  });
});

describe('CSV', () => {
  it('exact seconds', () => {
    expect(nsToSeconds(0)).toBe('0');
    expect(nsToSeconds(2_000_000_000)).toBe('2');
    expect(nsToSeconds(1_500_000)).toBe('0.0015');
    expect(nsToSeconds(12_000_000_001)).toBe('12.000000001');
  });

  it('header, rows, quoting and full bigints', () => {
    const csv = renderCsv(sampleResult());
    expect(csv.split('\n')).toEqual([
      'time_s,free_pages,page_cache,anon,binder_active,binder_lru,binder_free,sb-ext4:vda1.count,sb-ext4:vda1.deferred,android-binder.count,android-binder.deferred',
      '0,3000,50000,60000,0,0,32,100,0,0,0',
      '0.0015,2000,49000,60000,1,2,29,90,9223372036854775807,2,44',
      '',
    ]);
    const quoted = renderCsv(sampleResult({ shrinkers: [{ ...sampleResult().shrinkers[0]!, name: 'a,"b"' }], series: [] }));
    expect(quoted.split('\n')[0]).toBe('time_s,free_pages,page_cache,anon,binder_active,binder_lru,binder_free,"a,""b"".count","a,""b"".deferred"');
  });

  it('two shrinkers of one name (the C and Rust Binder drivers) get distinct columns, as the summary labels them', () => {
    const r = sampleResult();
    const twice = renderCsv(sampleResult({ shrinkers: [r.shrinkers[1]!, r.shrinkers[1]!] }));
    const header = twice.split('\n')[0]!.split(',');
    expect(header.slice(7)).toEqual(['android-binder.count', 'android-binder.deferred', 'android-binder#2.count', 'android-binder#2.deferred']);
    expect(new Set(header).size).toBe(header.length);
  });
});

describe('summary', () => {
  it('plain text without colour: every section and number', () => {
    const s = renderSummary(sampleResult(), { color: false });
    expect(s).not.toMatch(/\u001b\[/);
    expect(s).toContain('scenario unit (scenarios/unit.yaml)');
    expect(s).toContain('seed 42  kernel 6.12  simulated 2.5 s');
    expect(s).toMatch(/sb-ext4:vda1\s+2\s+1024\s+10\s+4\s+4096\s+4000\s+1\s+9223372036854775807\s+100/);
    expect(s).toMatch(/app\s+c\s+1\s+2\s+29\s+16\s+3\s+7\s+ENOSPC 2/);
    expect(s).toMatch(/kswapd\s+12\s+GFP_KERNEL\s+3\s+120\s+40/);
    expect(s).toMatch(/direct\s+0\s+GFP_NOFS\s+1\s+32\s+0/);
    expect(s).toContain('Skips  alloc_lock 2, mmap_lock 61');
    expect(s).toContain('#1 alloc at 0.001 s: ENOSPC: no space left for 200000 bytes');
    expect(s).toContain('kswapd wakeups 2  direct reclaims 1');
  });

  it('colour when asked', () => {
    expect(renderSummary(sampleResult(), { color: true })).toMatch(/\u001b\[/);
  });

  it('shouldColor: TTY only; NO_COLOR and TERM=dumb turn it off; FORCE_COLOR wins', () => {
    expect(shouldColor(true, {})).toBe(true);
    expect(shouldColor(false, {})).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor(true, { TERM: 'dumb' })).toBe(false);
    expect(shouldColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(true, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('CSV vmstat columns', () => {
  it('appends the cumulative counters under the kernel names after the shrinker columns', () => {
    const a = new VmStat();
    const b = new VmStat();
    b.count('pgscan_kswapd', 64);
    b.count('slabs_scanned', 2n ** 63n);
    const base = sampleResult();
    const r = sampleResult({ series: [{ ...base.series[0]!, vmstat: a.snapshot() }, { ...base.series[1]!, vmstat: b.snapshot() }] });
    const [head, row0, row1] = renderCsv(r).split('\n');
    const plain = renderCsv(base).split('\n');
    expect(head).toBe(`${plain[0]},allocstall_dma,allocstall_dma32,allocstall_normal,allocstall_movable,pgsteal_kswapd,pgsteal_direct,pgscan_kswapd,pgscan_direct,pgscan_anon,pgscan_file,pgsteal_anon,pgsteal_file,slabs_scanned,kswapd_low_wmark_hit_quickly,kswapd_high_wmark_hit_quickly,pageoutrun,drop_pagecache,drop_slab,oom_kill`);
    expect(row0).toBe(`${plain[1]},0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0`);
    expect(row1).toBe(`${plain[2]},0,0,0,0,0,0,64,0,0,0,0,0,9223372036854775808,0,0,0,0,0,0`);
  });
});

describe('summary --vmstat', () => {
  it('adds the counters as /proc/vmstat prints them, only when asked', () => {
    const vm = new VmStat();
    vm.count('allocstall_movable', 70);
    vm.count('pageoutrun', 162);
    const r = sampleResult({ vmstat: vm.snapshot() });
    expect(renderSummary(r, { color: false })).not.toContain('vmstat');
    const text = renderSummary(r, { color: false, vmstat: true });
    expect(text).toContain('\nvmstat (cumulative, /proc/vmstat names)\n  allocstall_dma 0\n  allocstall_dma32 0\n  allocstall_normal 0\n  allocstall_movable 70\n');
    expect(text).toContain('\n  pageoutrun 162\n  drop_pagecache 0\n  drop_slab 0\n  oom_kill 0\n\nTracepoints\n');
  });
});
