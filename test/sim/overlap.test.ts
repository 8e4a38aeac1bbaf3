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

/** The scenario, or its 6.1 form (classic LRU; the mapped page cache kept). */
function run(kernel: '6.1' | '6.12', seed: number, text = TEXT) {
  const t = kernel === '6.12' ? text : text.replace('kernel: "6.12"', 'kernel: "6.1"').replace('  mglru: true\n', '');
  const r = runScenario(loadScenarioText(t, `oom-concurrent-${kernel}.yaml`), { collectTrace: true, seed });
  const report = analyse([collectLines('sim.txt', (r.traceText ?? '').split('\n'))]);
  return { r, report };
}

type Result = ReturnType<typeof run>['report']['results'][number];
/** `inner` started and ended between `outer`'s start and end lines. */
const within = (outer: Result, inner: Result): boolean => outer.pair.start.lineNo < inner.pair.start.lineNo && inner.pair.end.lineNo < outer.pair.end.lineNo;
const binderPairs = (report: ReturnType<typeof run>['report']): Result[] =>
  report.results.filter((x) => x.pair.fn === 'binder_shrink_scan' && x.pair.start.rec.comm !== 'init');
/** The timestamps of the trace's lines containing `what`. */
const timesOf = (r: ReturnType<typeof run>['r'], what: string): number[] =>
  (r.traceText ?? '')
    .split('\n')
    .filter((l) => l.includes(what))
    .map((l) => Number(/ (\d+\.\d+): /.exec(l)?.[1]));

const skipsOf = (r: ReturnType<typeof run>['r']): number => Object.values(r.skips).reduce((s, n) => s + n, 0);

describe('oom-concurrent: kswapd and the hog inside one Binder shrinker', () => {
  it.each([7, 8, 9])('6.12 seed %i: overlapping pairs conform as consistent, none mismatched', (seed) => {
    const { r, report } = run('6.12', seed);
    expect(report.totals.mismatched).toBe(0);
    expect(report.totals.consistent).toBeGreaterThan(0);
    // A consistent pair is a call that others ran inside (kswapd's, and since the hog's direct
    // reclaim takes time, the hog's too): they added to the slot it had emptied, so its new
    // scan count exceeds its own next_deferred by at most what they added.
    const consistent = report.results.filter((x) => x.verdict.kind === 'consistent');
    expect(consistent.some((c) => c.pair.start.rec.comm === 'kswapd0')).toBe(true);
    for (const c of consistent) {
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

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('6.12 seed %i: kswapd\'s batch call ends inside the hog\'s direct reclaim, as in p7', (seed) => {
    const { r, report } = run('6.12', seed);
    const binder = binderPairs(report);
    // kswapd's call at priority 3 that takes the capped count (p7: nr 902, one batch of 128).
    const batch = binder.find((x) => x.pair.start.rec.comm === 'kswapd0' && x.numbers.priority === 3 && x.numbers.nr === 902n);
    expect(batch).toBeDefined();
    const k = batch!;
    // The hog's first direct reclaim is still running when kswapd's call ends: it began before
    // and ended after (its slowpath now takes simulated time).
    const endT = Number(k.pair.end.rec.ts);
    const begins = timesOf(r, ' mm_vmscan_direct_reclaim_begin: ');
    const ends = timesOf(r, ' mm_vmscan_direct_reclaim_end: ');
    expect(begins[0]!).toBeLessThan(endT);
    expect(ends[0]!).toBeGreaterThan(endT);
    const hog = binder.filter((x) => x.pair.start.rec.comm === 'memhog');
    // Some hog calls ran inside kswapd's: they found the slot kswapd emptied.
    const inside = hog.filter((x) => within(k, x));
    expect(inside.length).toBeGreaterThanOrEqual(3);
    expect(inside[0]!.numbers.nr).toBe(0n);
    // kswapd's add-back returns its own next_deferred plus what they added: its end line's new
    // scan count is the slot's value, which the hog's first call after it takes whole (p7:
    // kswapd ends at 924 and the hog's priority-4 call starts from 924).
    const after = hog.find((x) => x.pair.start.lineNo > k.pair.end.lineNo);
    expect(after).toBeDefined();
    expect(after!.numbers.nr).toBe(k.numbers.newScan);
    expect(k.numbers.newScan).toBeGreaterThan(k.numbers.unused - 128n);
    expect(after!.numbers.priority).toBeGreaterThanOrEqual(3);
    expect(report.results.find((x) => x === k)?.verdict.kind).toBe('consistent');
  });

  it.each([7, 8])('6.1 seed %i: the hog skips server pages only while kswapd holds alloc->mutex across the unmap', (seed) => {
    const { r, report } = run('6.1', seed);
    expect(report.totals.mismatched).toBe(0);
    expect(report.totals.consistent).toBeGreaterThan(0);
    const skips = r.skips;
    expect(skips['alloc_lock']).toBeGreaterThan(0);
    // Only the mutex: no other reason (nobody holds the mmap lock; the mms are alive).
    expect(Object.keys(skips)).toEqual(['alloc_lock']);
    // Every Binder page still goes, to kswapd or the hog: a skip only defers a page.
    expect(r.binder.procs.map((p) => p.reclaimed)).toEqual([436, 15]);
    // The allocation's no-progress retries come apart in time (each after its reclaim's
    // cost), so they do not all meet one hold: every direct reclaim begins at its own time.
    const begins = timesOf(r, ' mm_vmscan_direct_reclaim_begin: ');
    expect(begins.length).toBeGreaterThanOrEqual(18);
    for (let i = 1; i < begins.length; i++) expect(begins[i]!).toBeGreaterThan(begins[i - 1]!);
    // A hog call that scanned a batch and freed nothing ran inside one of kswapd's: the only
    // time a server page's mutex is held.
    const binder = binderPairs(report);
    const kswapd = binder.filter((x) => x.pair.start.rec.comm === 'kswapd0');
    const starved = binder.filter((x) => x.pair.start.rec.comm === 'memhog' && x.numbers.totalScan >= 128n && x.numbers.retval === 0);
    expect(starved.length).toBeGreaterThan(0);
    for (const h of starved) {
      expect(kswapd.some((k) => k.pair.start.lineNo < h.pair.start.lineNo && h.pair.start.lineNo < k.pair.end.lineNo)).toBe(true);
    }
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

/** oom-concurrent with a second allocating task beside the hog (a task of its own, cpu 1). */
const TWO = TEXT.replace(
  '      oom_score_adj: 1000\n',
  `      oom_score_adj: 1000
    - name: memhog2
      pool: anon
      rate: 1GiB/s
      from: 100ms
      gfp: GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO
      task: {comm: memhog2, pid: 290, cpu: 1}
      oom_score_adj: 500
`,
);

describe('two direct reclaimers inside one Binder shrinker', () => {
  // Seeds whose nesting has no add-back landing before the inner call (in seeds 2, 3 and 6
  // kswapd's add-back lands first and the inner call takes it; conform explains those too).
  it.each([1, 4, 5, 7, 8, 9, 10])('seed %i: the second finds the slot the first emptied; conform explains every pair', (seed) => {
    const { r, report } = run('6.12', seed, TWO);
    expect(TWO).not.toBe(TEXT);
    expect(report.totals.mismatched).toBe(0);
    const binder = binderPairs(report);
    const hogs = binder.filter((x) => x.pair.start.rec.comm.startsWith('memhog'));
    expect(new Set(hogs.map((x) => x.pair.start.rec.comm))).toEqual(new Set(['memhog', 'memhog2']));
    // One hog's call that took a non-zero deferred count, with the other hog's call inside it.
    // If no call on the shrinker ended in between (no add-back landed), the inner one's xchg
    // finds the 0 the outer one left: `nr` 0.
    const nested = hogs.flatMap((outer) =>
      outer.numbers.nr > 0n
        ? hogs.filter((inner) => inner.pair.start.rec.comm !== outer.pair.start.rec.comm && within(outer, inner)).map((inner) => ({ outer, inner }))
        : [],
    );
    expect(nested.length).toBeGreaterThan(0);
    const clean = nested.filter(({ outer, inner }) => !binder.some((x) => outer.pair.start.lineNo < x.pair.end.lineNo && x.pair.end.lineNo < inner.pair.start.lineNo));
    expect(clean.length).toBeGreaterThan(0);
    for (const { inner } of clean) expect(inner.numbers.nr).toBe(0n);
    // The outer call's end counts what the inner one added back (conform: consistent; exact
    // when the inner one added 0).
    for (const { outer } of nested) expect(['consistent', 'exact']).toContain(outer.verdict.kind);
    // Both tasks stall on their own clocks: each has its own direct reclaim stall row.
    expect((r.memory.directStalls ?? []).map((d) => d.comm).sort()).toEqual(['memhog', 'memhog2']);
  });
});
