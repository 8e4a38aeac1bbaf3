/**
 * Traces the model writes itself: interleaved calls of two tasks on one shrinker (numbers
 * from a shared deferred slot) must be consistent, never mismatched; a 20,000-pair trace with
 * several shrinkers and tasks must reproduce completely.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { SingleDeferredSlot } from '../../../src/mm/shrinker/deferred.js';
import { doShrinkSlab, type ShrinkerCore } from '../../../src/mm/shrinker/doShrinkSlab.js';
import { NO_FLAGS, ShrinkControl } from '../../../src/mm/shrinker/types.js';
import { formatFtraceLine } from '../../../src/trace/ftrace/line.js';
import { formatShrinkEndBody, formatShrinkStartBody } from '../../../src/trace/ftrace/shrinkFormat.js';
import { analyse } from '../../../src/trace/conform/analyse.js';
import { collectLines } from '../../../src/trace/conform/collect.js';
import { synthesizeTrace } from '../../../src/trace/conform/synth.js';

type Task = { comm: string; pid: number; cpu: number };
const A: Task = { comm: 'kswapd0', pid: 45, cpu: 0 };
const B: Task = { comm: 'binder_test', pid: 223, cpu: 1 };

/**
 * Task A reclaims a 1000-item cache at priority 0 (delta 2000, 15 batches); inside its first
 * scan call task B runs the same shrinker at priority 4 (delta 124 → 0 batches: all
 * deferred). B's add lands while A holds the slot, so A's new scan count = A's next + 124.
 */
function interleaved(order: 'b-end-inside' | 'b-end-after', slotStart = 300n): string[] {
  const lines: string[] = [];
  let ts = 5_000_000_000n;
  const emit = (t: Task, event: string, body: string) => {
    ts += 7000n;
    lines.push(formatFtraceLine({ ...t, flags: '.....', tsNs: ts }, event, body));
  };
  const slot = new SingleDeferredSlot();
  slot.value = slotStart;
  let nested = false;
  let heldEnd: string | undefined;
  const core: ShrinkerCore<null> = {
    ops: {
      countRaw: () => 1000n,
      scanRaw: (sc) => {
        if (!nested) {
          nested = true;
          doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), 4, {
            start: (e) => emit(B, 'mm_shrink_slab_start', formatShrinkStartBody(e)),
            end: (e) => {
              if (order === 'b-end-inside') emit(B, 'mm_shrink_slab_end', formatShrinkEndBody(e));
              else heldEnd = formatShrinkEndBody(e);
            },
          });
        }
        return BigInt(sc.nrToScan);
      },
    },
    priv: null,
    seeks: 2,
    batch: 0,
    flags: NO_FLAGS,
    deferred: slot,
    traceRef: { symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1dd5780' },
  };
  doShrinkSlab(core, new ShrinkControl(GFP_KERNEL, 0, null), 0, {
    start: (e) => emit(A, 'mm_shrink_slab_start', formatShrinkStartBody(e)),
    end: (e) => emit(A, 'mm_shrink_slab_end', formatShrinkEndBody(e)),
  });
  if (heldEnd) emit(B, 'mm_shrink_slab_end', heldEnd);
  return lines;
}

describe('interleaved calls of two tasks on one shrinker', () => {
  for (const order of ['b-end-inside', 'b-end-after'] as const) {
    it(`A's surplus is B's addition: consistent, not mismatched (${order})`, () => {
      const lines = interleaved(order);
      expect(lines.map((l) => /-(\d+)\s+\[\d+\] .* (mm_shrink_slab_\w+)/.exec(l)!.slice(1).join(' '))).toEqual(
        order === 'b-end-inside'
          ? ['45 mm_shrink_slab_start', '223 mm_shrink_slab_start', '223 mm_shrink_slab_end', '45 mm_shrink_slab_end']
          : ['45 mm_shrink_slab_start', '223 mm_shrink_slab_start', '45 mm_shrink_slab_end', '223 mm_shrink_slab_end'],
      );
      // A: N 300, delta 2000, total_scan min(300 + 2000, 2000) = 2000 → 15×128, 80 left;
      // next = min(300 + 2000 − 1920, 2000) = 380; plus B's 124.
      expect(lines[0]).toContain('objects to shrink 300 gfp_flags GFP_KERNEL cache items 1000 delta 2000 total_scan 2000 priority 0');
      const aEnd = lines.find((l) => l.includes('kswapd0') && l.includes('_end'))!;
      expect(aEnd).toContain('unused scan count 300 new scan count 504 total_scan 80 last shrinker return val 1920');
      const r = analyse([collectLines('interleaved', lines)]);
      expect(r.totals).toMatchObject({ pairs: 2, exact: 1, consistent: 1, mismatched: 0 });
      const a = r.results.find((x) => x.pair.start.rec.pid === 45)!;
      expect(a.verdict).toEqual({ kind: 'consistent', extra: 124n, maxAdded: 124n });
      expect(a.concurrency.calls).toBe(1);
    });
  }

  it('a surplus beyond what the other task added is a mismatch', () => {
    const lines = interleaved('b-end-inside').map((l) => (l.includes('kswapd0') ? l.replace('new scan count 504', 'new scan count 505') : l));
    const r = analyse([collectLines('interleaved', lines)]);
    expect(r.totals).toMatchObject({ pairs: 2, mismatched: 1 });
    const m = r.results.find((x) => x.verdict.kind === 'mismatched')!;
    expect(m.verdict).toMatchObject({ issues: [{ field: 'new_scan', expected: '380..504', got: '505' }] });
  });

  it('the same surplus without the other task is a mismatch', () => {
    const lines = interleaved('b-end-inside').filter((l) => !l.includes('binder_test-'));
    expect(analyse([collectLines('alone', lines)]).totals).toMatchObject({ pairs: 1, mismatched: 1 });
  });
});

describe('synthesizeTrace', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = synthesizeTrace({ seed: 42, pairs: 300 });
    const b = synthesizeTrace({ seed: 42, pairs: 300 });
    const c = synthesizeTrace({ seed: 43, pairs: 300 });
    expect(a.lines).toEqual(b.lines);
    expect(a.lines).not.toEqual(c.lines);
    expect(a.pairs).toBeGreaterThanOrEqual(300);
  });

  it('20,000+ pairs over 8 shrinkers and 5 tasks, with nested concurrent calls: nothing mismatched', () => {
    const t = synthesizeTrace({ seed: 'conform-20k', pairs: 20_000 });
    expect(t.pairs).toBe(20_000);
    expect(t.nested).toBeGreaterThan(500);
    const r = analyse([collectLines('synth', t.lines)]);
    expect(r.totals).toMatchObject({ pairs: 20_000, mismatched: 0 });
    expect(r.totals.consistent).toBeGreaterThan(300);
    expect(r.totals.exact + r.totals.consistent).toBe(20_000);
    // Inference recovers what the generator configured.
    const byPtr = Object.fromEntries(r.instances.map((i) => [i.ptr, [i.fn, i.seeks.seeks, i.batch.batch]]));
    expect(byPtr['ffff8f35c1874180']).toEqual(['super_cache_scan', 2, 1024]);
    expect(byPtr['ffff8f35c1dd5e00']).toEqual(['super_cache_scan', 0, 1024]);
    expect(byPtr['ffff8f35c1dd5780']).toEqual(['binder_shrink_scan', 2, 128]);
    expect(byPtr['ffff8f35c2a01000']).toEqual(['big_batch_cache_scan', 2, 4096]);
    expect(byPtr['ffff8f35c104a400']).toEqual(['deferred_split_scan', 1, 128]);
    expect(new Set(r.instances.map((i) => i.fn)).size).toBe(6);
  });

  it('4-character flags (6.1 style) and high concurrency over several seeds: nothing mismatched', () => {
    for (const seed of [1, 2, 3]) {
      const t = synthesizeTrace({ seed, pairs: 1500, concurrency: 0.8, flags: '....' });
      const r = analyse([collectLines(`s${seed}`, t.lines)]);
      expect(r.totals.mismatched).toBe(0);
      expect(r.totals.consistent).toBeGreaterThan(0);
    }
  });
});

describe('synthetic traces (property)', () => {
  it('any seed: nothing mismatched; raising one lone call\'s new scan count by 1 is caught', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.nat(), (seed, pick) => {
        const t = synthesizeTrace({ seed, pairs: 150, concurrency: 0.3 });
        const r = analyse([collectLines('s', t.lines)]);
        expect(r.totals.mismatched).toBe(0);
        const lone = r.results.filter((x) => x.concurrency.calls === 0);
        const victim = lone[pick % lone.length]!;
        const lines = [...t.lines];
        const i = victim.pair.end.lineNo - 1;
        lines[i] = lines[i]!.replace(/new scan count (\d+)/, (_, v: string) => `new scan count ${BigInt(v) + 1n}`);
        const bad = analyse([collectLines('s', lines)]);
        expect(bad.totals.mismatched).toBe(1);
        expect(bad.results.find((x) => x.verdict.kind === 'mismatched')!.pair.end.lineNo).toBe(i + 1);
      }),
      { numRuns: 25 },
    );
  });
});
