/**
 * Reclaimers that overlap inside one shrinker, in a run (issue 13): the bundled
 * oom-concurrent scenario, whose kswapd do_shrink_slab calls take simulated time per batch.
 * Its trace must show what the real p7 trace shows, and conform must explain every pair; on
 * the 6.1 profile the driver's alloc->mutex, held across the unmap, makes the hog's isolates skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run.js';
import { analyse } from '../../src/trace/conform/analyse.js';
import { collectLines } from '../../src/trace/conform/collect.js';

const TEXT = readFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'oom-concurrent.yaml'), 'utf8');

/**
 * The scenario, or its 6.1 form. On 6.1 the page cache is left unmapped, so the hog's direct
 * reclaims make progress and come one allocation apart: the model runs an allocation's retry
 * loop at one instant, so with nothing to reclaim all its retries would meet the same hold.
 */
function run(kernel: '6.1' | '6.12', seed: number) {
  const text =
    kernel === '6.12'
      ? TEXT
      : TEXT.replace('kernel: "6.12"', 'kernel: "6.1"').replace('  mglru: true\n', '').replace('  page_cache_mapped: 4MiB\n', '');
  const r = runScenario(loadScenarioText(text, `oom-concurrent-${kernel}.yaml`), { collectTrace: true, seed });
  const report = analyse([collectLines('sim.txt', (r.traceText ?? '').split('\n'))]);
  return { r, report };
}

const skipsOf = (r: ReturnType<typeof run>['r']): number => Object.values(r.skips).reduce((s, n) => s + n, 0);

describe('oom-concurrent: kswapd and the hog inside one Binder shrinker', () => {
  it.each([7, 8, 9])('6.12 seed %i: overlapping pairs conform as consistent, none mismatched', (seed) => {
    const { r, report } = run('6.12', seed);
    expect(report.totals.mismatched).toBe(0);
    expect(report.totals.consistent).toBeGreaterThan(0);
    // Every consistent pair is kswapd's: the hog's calls inside it added to the slot it had
    // emptied, so its new scan count exceeds its own next_deferred by at most what they added.
    const consistent = report.results.filter((x) => x.verdict.kind === 'consistent');
    for (const c of consistent) {
      expect(c.pair.start.rec.comm).toBe('kswapd0');
      expect(c.pair.fn).toBe('binder_shrink_scan');
      expect(c.concurrency.calls).toBeGreaterThan(0);
    }
    // The hog's calls that start inside a kswapd call find the slot kswapd emptied: nr 0.
    const binder = report.results.filter((x) => x.pair.fn === 'binder_shrink_scan');
    const kswapd = binder.filter((x) => x.pair.start.rec.comm === 'kswapd0');
    const inside = binder.filter(
      (x) => x.pair.start.rec.comm === 'memhog' && kswapd.some((k) => k.pair.start.lineNo < x.pair.start.lineNo && x.pair.end.lineNo < k.pair.end.lineNo),
    );
    expect(inside.length).toBeGreaterThan(0);
    const first = inside[0]!;
    expect(first.numbers.nr).toBe(0n);
    expect(r.oomKills?.length).toBe(1);
    // 6.12 drops alloc->lock before the zap: nothing is skipped.
    expect(skipsOf(r)).toBe(0);
  });

  it.each([7, 8])('6.1 seed %i: the hog skips server pages while kswapd holds alloc->mutex across the unmap', (seed) => {
    const { r, report } = run('6.1', seed);
    expect(report.totals.mismatched).toBe(0);
    expect(report.totals.consistent).toBeGreaterThan(0);
    const skips = r.skips;
    expect(skips['alloc_lock']).toBeGreaterThan(0);
    // Only the mutex: no other reason (nobody holds the mmap lock; the mms are alive).
    expect(Object.keys(skips)).toEqual(['alloc_lock']);
    // Every Binder page still goes, to kswapd or the hog: a skip only defers a page.
    expect(r.binder.procs.map((p) => p.reclaimed)).toEqual([436, 15]);
  });

  it('6.12 over 10 seeds: the shape of p7 (18 direct reclaims, Binder pairs 17, the hog 12, kswapd from nr 902)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { r, report } = run('6.12', seed);
      const text = (r.traceText ?? '').split('\n');
      // 1 + MAX_RECLAIM_RETRIES (16) no-progress retries + the last: should_reclaim_retry lets
      // the hog retry while free + reclaimable (the mapped page cache) would clear min.
      expect(text.filter((l) => l.includes(' mm_vmscan_direct_reclaim_begin: ')).length).toBe(18);
      const binder = report.results.filter((x) => x.pair.fn === 'binder_shrink_scan' && x.pair.start.rec.comm !== 'init');
      expect(binder.length).toBeGreaterThanOrEqual(15);
      expect(binder.length).toBeLessThanOrEqual(19);
      const hog = binder.filter((x) => x.pair.start.rec.comm === 'memhog');
      expect(hog.length).toBeGreaterThanOrEqual(11);
      expect(hog.length).toBeLessThanOrEqual(14);
      // kswapd's first Binder call: MGLRU's priority 6, the deferred count at its cap 2 × 451.
      const k0 = binder.find((x) => x.pair.start.rec.comm === 'kswapd0');
      expect(k0?.numbers.priority).toBe(6);
      expect(k0?.numbers.nr).toBe(902n);
      expect(r.oomKills?.length).toBe(1);
    }
  });
});
