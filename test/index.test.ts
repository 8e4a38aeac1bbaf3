/**
 * The public barrel (src/index.ts): everything here is imported from it alone, as a library
 * user would, and walks a small end-to-end path: do_shrink_slab's arithmetic, a registry
 * walk with a trace sink, a scenario run, and the conform check of the run's own trace.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeDelta,
  conformAnalyse,
  collectLines,
  CountObjects,
  DEF_PRIORITY,
  doShrinkSlab,
  formatShrinkEndBody,
  formatShrinkStartBody,
  GFP_KERNEL,
  GFP_NOFS,
  loadScenarioText,
  MemcgTree,
  NO_FLAGS,
  parseShrinkStartBody,
  rawFromTyped,
  renderCsv,
  renderJson,
  renderSummary,
  RESULT_SCHEMA_VERSION,
  runScenario,
  ScanObjects,
  ShrinkControl,
  ShrinkerRegistry,
  shrinkSlab,
  SHRINK_BATCH,
  UserError,
  type MmShrinkSlabEnd,
  type MmShrinkSlabStart,
  type ShrinkerCore,
} from '../src/index.js';

/** An honest shrinker of `freeable` objects whose deferred slot starts at `deferred`. */
function honestCore(freeable: bigint, seeks: number, deferred: bigint) {
  let slot = deferred;
  const scanSizes: number[] = [];
  const core: ShrinkerCore<undefined> = {
    ops: rawFromTyped<undefined>({
      count: () => CountObjects.new(freeable),
      scan: (sc) => {
        scanSizes.push(sc.nrToScan);
        return ScanObjects.freed(sc.nrToScan);
      },
    }),
    priv: undefined,
    seeks,
    batch: 0,
    flags: NO_FLAGS,
    deferred: {
      xchg: () => {
        const v = slot;
        slot = 0n;
        return v;
      },
      add: (_sc, nr) => (slot += nr),
    },
    traceRef: { symbol: 'w1_cache_scan+0x0/0x40', ptr: 'ffff8f35c1000000' },
  };
  return { core, scanSizes, slot: () => slot };
}

describe('the barrel: do_shrink_slab (W1)', () => {
  it('F 1,000,000, priority 12, seeks 2, nr_deferred 5,000: delta 488, total_scan 489, 3 scans, new 5104', () => {
    const w = honestCore(1_000_000n, 2, 5000n);
    const starts: MmShrinkSlabStart[] = [];
    const ends: MmShrinkSlabEnd[] = [];
    const r = doShrinkSlab(w.core, new ShrinkControl(GFP_KERNEL, 0, null), DEF_PRIORITY, {
      start: (e) => starts.push(e),
      end: (e) => ends.push(e),
    });
    if (r.kind !== 'ran') throw new Error('expected the call to run');
    // (1,000,000 >> 12) = 244; 244 * 4 / 2 = 488. total_scan = (5000 >> 12) + 488 = 489.
    expect(r.start.delta).toBe(488n);
    expect(r.start.totalScan).toBe(489n);
    expect(r.start.nrObjectsToShrink).toBe(5000n);
    // 489 → 361 → 233 → 105: three batches of SHRINK_BATCH; 105 < 128 and < F stops the loop.
    expect(w.scanSizes).toEqual([SHRINK_BATCH, SHRINK_BATCH, SHRINK_BATCH]);
    expect(r.stats.calls).toBe(3n);
    expect(r.stats.scanned).toBe(384n);
    expect(r.stats.freed).toBe(384n);
    // next_deferred = 5000 + 488 - 384 = 5104 (≤ 2F): added back to the emptied slot.
    expect(r.end.newScan).toBe(5104n);
    expect(r.end.totalScan).toBe(105n);
    expect(r.end.retval).toBe(384);
    expect(w.slot()).toBe(5104n);
    expect(starts).toEqual([r.start]);
    expect(ends).toEqual([r.end]);
    expect(formatShrinkStartBody(r.start)).toBe(
      'w1_cache_scan+0x0/0x40 ffff8f35c1000000: nid: 0 objects to shrink 5000 gfp_flags GFP_KERNEL' +
        ' cache items 1000000 delta 488 total_scan 489 priority 12',
    );
    expect(formatShrinkEndBody(r.end)).toBe(
      'w1_cache_scan+0x0/0x40 ffff8f35c1000000: nid: 0 unused scan count 5000 new scan count 5104' +
        ' total_scan 105 last shrinker return val 384',
    );
    expect(parseShrinkStartBody(formatShrinkStartBody(r.start))?.event).toEqual(r.start);
  });

  it('a count of 0 ("unknown") skips the call: no tracepoint, deferred untouched', () => {
    const w = honestCore(0n, 2, 5000n);
    const starts: MmShrinkSlabStart[] = [];
    const r = doShrinkSlab(w.core, new ShrinkControl(GFP_KERNEL, 0, null), 12, { start: (e) => starts.push(e), end: () => {} });
    expect(r).toEqual({ kind: 'skipped', raw: 0n });
    expect(starts).toHaveLength(0);
    expect(w.slot()).toBe(5000n);
  });

  it('honest shrinker, any F/priority/seeks/nr: the kernel rules for delta, total_scan, calls and next_deferred', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 20n }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.bigInt({ min: 0n, max: 1n << 21n }),
        (F, p, seeks, N) => {
          const w = honestCore(F, seeks, N);
          const r = doShrinkSlab(w.core, new ShrinkControl(GFP_KERNEL, 0, null), p);
          if (r.kind !== 'ran') return false;
          const delta = ((F >> BigInt(p)) * 4n) / BigInt(seeks);
          const min = (a: bigint, b: bigint) => (a < b ? a : b);
          const total = min((N >> BigInt(p)) + delta, 2n * F);
          // Independent replay of the batch loop with an honest shrinker.
          let left = total;
          let scanned = 0n;
          let calls = 0n;
          while (left >= 128n || left >= F) {
            const n = min(128n, left);
            left -= n;
            scanned += n;
            calls++;
          }
          const next = min(N + delta - scanned > 0n ? N + delta - scanned : 0n, 2n * F);
          return (
            r.start.delta === delta &&
            computeDelta(F, p, seeks) === delta &&
            r.start.totalScan === total &&
            r.stats.calls === calls &&
            r.stats.scanned === scanned &&
            r.end.newScan === next
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the barrel: registry and shrink_slab', () => {
  it('a typed shrinker in a 6.12 registry, walked with a trace sink; GFP_NOFS reaches the callback', () => {
    const memcgs = new MemcgTree({ nrNodeIds: 1 });
    const registry = new ShrinkerRegistry({ profile: '6.12', memcgs });
    const gfps: number[] = [];
    const cache = { objects: 1_000_000 };
    const reg = registry
      .shrinkerAlloc({ name: 'w1-cache', priv: cache })
      .setSymbol('w1_cache_scan+0x0/0x40')
      .setOps({
        count: (_sc, c) => CountObjects.new(c.objects),
        scan: (sc, c) => {
          gfps.push(sc.gfpMask);
          c.objects -= sc.nrToScan;
          return ScanObjects.freed(sc.nrToScan);
        },
      })
      .register();
    const starts: MmShrinkSlabStart[] = [];
    const ends: MmShrinkSlabEnd[] = [];
    const ctx = { registry, memcgs, profile: '6.12', sink: { start: (e: MmShrinkSlabStart) => starts.push(e), end: (e: MmShrinkSlabEnd) => ends.push(e) } } as const;

    // First pass, empty slot: delta 488 = total_scan; 3 batches; 488 - 384 = 104 deferred.
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 12)).toBe(384n);
    expect(starts[0]?.totalScan).toBe(488n);
    expect(ends[0]?.newScan).toBe(104n);
    // Second pass with GFP_NOFS: F is now 999,616 (>> 12 = 244 still), nr 104 >> 12 = 0.
    expect(shrinkSlab(ctx, GFP_NOFS, 0, null, 12)).toBe(384n);
    expect(starts[1]?.nrObjectsToShrink).toBe(104n);
    expect(starts[1]?.cacheItems).toBe(999_616n);
    expect(ends[1]?.newScan).toBe(208n);
    expect(gfps.slice(3)).toEqual([GFP_NOFS, GFP_NOFS, GFP_NOFS]);
    expect(cache.objects).toBe(1_000_000 - 768);
    expect(reg.free()).toEqual({ kind: 'freed' });
    // A freed shrinker is no longer walked.
    expect(shrinkSlab(ctx, GFP_KERNEL, 0, null, 12)).toBe(0n);
  });
});

const TINY = `
name: tiny
seed: 7
shrinkers:
  - name: w1
    kind: custom
    symbol: w1_cache_scan+0x0/0x40
    count: {source: fixed, objects: 1000000}
    seeks: 2
script:
  - shrink_slab: {priority: 12}
  - shrink_slab: {priority: 12}
`;

describe('the barrel: scenarios, reports, conform', () => {
  it('runs a tiny scenario: two shrink_slab steps give the hand-computed counts', () => {
    const resolved = loadScenarioText(TINY, 'tiny.yaml');
    expect(resolved.seed).toBe(7);
    const r = runScenario(resolved, { collectTrace: true });
    expect(r.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    const w1 = r.shrinkers.find((s) => s.name === 'w1');
    expect(w1).toBeDefined();
    // Pass 1: 488 to scan, 3 × 128, 104 deferred. Pass 2: 104 >> 12 = 0, + 488 → 3 × 128, 208.
    expect(w1?.scanCalls).toBe(6n);
    expect(w1?.scanned).toBe(768n);
    expect(w1?.deferredEnd).toBe(208n);
    expect(r.events['mm_shrink_slab_start']).toBe(2);
    expect(r.steps.map((s) => [s.kind, s.ok])).toEqual([
      ['shrink_slab', true],
      ['shrink_slab', true],
    ]);

    // The run's own ftrace text passes conform exactly.
    const text = r.traceText ?? '';
    expect(text).toContain('delta 488 total_scan 488 priority 12');
    const report = conformAnalyse([collectLines('tiny.txt', text.split('\n'))]);
    expect(report.totals.pairs).toBe(2);
    expect(report.totals.exact).toBe(2);
    expect(report.totals.mismatched).toBe(0);

    // Renderers work on the result; the JSON is versioned; same seed ⇒ identical output.
    expect(renderSummary(r, { color: false })).toContain('w1');
    expect(JSON.parse(renderJson(r)).schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(renderCsv(r).split('\n')[0]).toMatch(/^time_s,/);
    const again = runScenario(loadScenarioText(TINY, 'tiny.yaml'), { collectTrace: true });
    expect(renderJson(again)).toBe(renderJson(r));
    expect(again.traceText).toBe(r.traceText);
  });

  it('a bad scenario is a UserError naming the file and the field', () => {
    const bad = TINY.replace('seeks: 2', 'seeks: -1');
    expect(() => loadScenarioText(bad, 'tiny.yaml')).toThrow(UserError);
    expect(() => loadScenarioText(bad, 'tiny.yaml')).toThrow(/tiny\.yaml.*shrinkers.*seeks/);
  });
});
