/**
 * The vmstat counters of whole runs agree with what the run reports by other means
 * (tracepoint counts, per-shrinker totals, reclaimed pages), on every bundled scenario.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

describe('vmstat of bundled runs', () => {
  it.each(files)('%s', (f) => {
    const resolved = loadScenarioFile(join(SCENARIOS, f));
    const r = runScenario(resolved);
    const v = r.vmstat!;
    const ev = (k: string): bigint => BigInt(r.events[k] ?? 0);
    // do_shrink_slab counts SLABS_SCANNED by the same nr_scanned the shrinker totals sum.
    expect(v.slabs_scanned).toBe(r.shrinkers.reduce((a, s) => a + s.scanned, 0n));
    // One PAGEOUTRUN per balance_pgdat, and each one starts with mm_vmscan_kswapd_wake.
    expect(v.pageoutrun).toBe(ev('mm_vmscan_kswapd_wake'));
    // A run not followed by sleep is followed by another run (high) — or the run ended mid-wake.
    const reruns = ev('mm_vmscan_kswapd_wake') - ev('mm_vmscan_kswapd_sleep');
    expect(v.kswapd_high_wmark_hit_quickly === reruns || v.kswapd_high_wmark_hit_quickly === reruns - 1n).toBe(true);
    expect(v.kswapd_low_wmark_hit_quickly).toBeLessThanOrEqual(BigInt(r.memory.kswapdWakeups));
    // Each try_to_free_pages enters do_try_to_free_pages once or (6.12 retry) twice.
    const stalls = v.allocstall_dma + v.allocstall_dma32 + v.allocstall_normal + v.allocstall_movable;
    const direct = BigInt(r.memory.directReclaims);
    expect(stalls >= direct && stalls <= 2n * direct).toBe(true);
    expect(ev('mm_vmscan_direct_reclaim_begin')).toBe(direct);
    // Every LRU page reclaimed is a pgsteal by LRU type; global ones also by reclaimer.
    const lru = BigInt(r.memory.reclaimed.pageCache + r.memory.reclaimed.anon);
    expect(v.pgsteal_file + v.pgsteal_anon).toBe(lru);
    expect(v.pgsteal_file).toBe(BigInt(r.memory.reclaimed.pageCache));
    // Cgroup reclaim (memory.reclaim, or a memcg at its memory.max/high) is not in pgsteal_kswapd/direct.
    const proactive = resolved.script.some((s) => s.kind === 'memory_reclaim') || resolved.memcgs.some((m) => m.maxPages !== undefined || m.highPages !== undefined);
    if (!proactive) expect(v.pgsteal_kswapd + v.pgsteal_direct).toBe(lru);
    expect(v.pgscan_kswapd).toBeGreaterThanOrEqual(v.pgsteal_kswapd);
    const drops = resolved.script.filter((s) => s.kind === 'drop_caches');
    expect(v.drop_slab).toBe(BigInt(drops.filter((s) => s.kind === 'drop_caches' && (s.mode & 2) !== 0).length));
    expect(v.drop_pagecache).toBe(BigInt(drops.filter((s) => s.kind === 'drop_caches' && (s.mode & 1) !== 0).length));
  });
});
