/**
 * drop_slab / drop_slab_node (spec §2.8, §9 invariant 20).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../../src/mm/gfp.js';
import { dropSlab, dropSlabNode } from '../../../src/mm/shrinker/dropSlab.js';
import { CountObjects, ScanObjects } from '../../../src/mm/shrinker/types.js';
import { fixture } from './helpers.js';

/**
 * A shrinker that counts 1 object and whose single scan call per do_shrink_slab frees the
 * next programmed amount: at p=0, s=2, F=1 gives delta 2, total min(2, 2) = 2 ≥ F, so
 * exactly one scan call (nr_to_scan 2) per call.
 */
function programmed(f: ReturnType<typeof fixture>, perCall: number[]) {
  let i = 0;
  f.registry
    .shrinkerAlloc({ name: 'prog' })
    .setOps({ count: () => CountObjects.new(1), scan: () => ScanObjects.freed(perCall[i++] ?? 0) })
    .register();
}

/** Rounds predicted by `while ((freed >> shift++) > 1)`. */
function expectedRounds(perRound: number[]): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const freed = perRound[k] ?? 0;
    out.push(freed);
    if (!(Math.floor(freed / 2 ** k) > 1)) return out;
  }
}

describe('drop_slab rounds', () => {
  it('round k runs only if round k−1 freed ≥ 2^k: 1000, 500, 300, 7 → four rounds (7 >> 3 = 0)', () => {
    const f = fixture('6.12');
    programmed(f, [1000, 500, 300, 7, 999]);
    // 1000 >> 0 > 1; 500 >> 1 = 250 > 1; 300 >> 2 = 75 > 1; 7 >> 3 = 0: stop.
    expect(dropSlab(f.ctx, [0])).toEqual([1000n, 500n, 300n, 7n]);
  });

  it('a round freeing 1 (or 0) ends it at once; 2 needs round 1 to free ≥ 4', () => {
    for (const [seq, rounds] of [
      [[1], [1n]],
      [[0], [0n]],
      [[2, 3], [2n, 3n]],
      [[2, 4, 7], [2n, 4n, 7n]],
      [[2, 4, 8, 15], [2n, 4n, 8n, 15n]],
    ] as const) {
      const f = fixture('6.1');
      programmed(f, [...seq]);
      expect(dropSlab(f.ctx, [0])).toEqual(rounds);
    }
  });

  it('invariant 20: at most ⌊log2 M⌋ + 1 rounds when no round frees more than M', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 << 20 }), { minLength: 1, maxLength: 24 }), (seq) => {
        const f = fixture('6.12');
        programmed(f, seq);
        const rounds = dropSlab(f.ctx, [0]).map(Number);
        expect(rounds).toEqual(expectedRounds(seq));
        const M = Math.max(1, ...rounds);
        expect(rounds.length).toBeLessThanOrEqual(Math.floor(Math.log2(M)) + 1);
        if (M < 2) expect(rounds.length).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('each round sums every online node, and every memcg pre-order from the root, at priority 0 with GFP_KERNEL', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    const a = f.memcgs.create(f.memcgs.root, 'a');
    const b = f.memcgs.create(a, 'b');
    const seen: string[] = [];
    const m = f.registry
      .shrinkerAlloc({ name: 'm', flags: { memcgAware: true, numaAware: true } })
      .setOps({
        count: (sc) => {
          seen.push(`${sc.nid}:${sc.memcg?.isRoot ? '/' : (sc.memcg as unknown as { name: string }).name}`);
          return CountObjects.new(10);
        },
        scan: (sc) => ScanObjects.freed(sc.nrToScan),
      })
      .register();
    for (const nid of [0, 1]) for (const mc of [a, b]) f.memcgs.setShrinkerBit(mc, nid, m.view.id);
    const rounds = dropSlab(f.ctx, [0, 1]);
    // Per do_shrink_slab: F=10, p=0, s=2 → total 20 ≥ F → one call of 20 → 20 freed.
    // Round 0: 2 nodes × (root, a, b) = 6 calls = 120; round 1 the same: 120 >> 1 = 60 > 1; …
    expect(rounds[0]).toBe(120n);
    expect(seen.slice(0, 6)).toEqual(['0:/', '0:a', '0:b', '1:/', '1:a', '1:b']);
    // 120 every round: stops when 120 >> k ≤ 1, i.e. k = 6 (120 >> 6 = 1): 7 rounds.
    expect(rounds).toEqual(Array(7).fill(120n));
    expect(f.outcomes.every((o) => o.priority === 0 && o.gfpMask === GFP_KERNEL)).toBe(true);
  });

  it('binder as in the real p2 trace: 451 pages freed in round 0, round 1 counts 0 and stops', () => {
    const f = fixture('6.12');
    let pages = 451;
    f.registry
      .shrinkerAlloc({ name: 'android-binder' })
      .setSymbol('binder_shrink_scan+0x0/0xd0 [binder_linux]')
      .setOps({
        count: () => CountObjects.new(pages),
        scan: (sc) => {
          const n = Math.min(pages, sc.nrToScan);
          pages -= n;
          return ScanObjects.freed(n);
        },
      })
      .register();
    expect(dropSlab(f.ctx, [0])).toEqual([451n, 0n]);
    // One start/end pair (round 0); round 1's count of 0 returns before the tracepoint.
    expect(f.starts).toHaveLength(1);
    expect(f.ends[0]).toMatchObject({ unusedScan: 0n, newScan: 6n, totalScan: 6n, retval: 451 });
    expect(f.starts[0]!.shr).toEqual({ symbol: 'binder_shrink_scan+0x0/0xd0 [binder_linux]', ptr: 'ffff8f35c1000000' });
  });

  it('drop_slab_node with memcg disabled calls shrink_slab once with a NULL memcg', () => {
    const f = fixture('6.12', { memcgDisabled: true });
    f.registry
      .shrinkerAlloc({ name: 'p' })
      .setOps({ count: () => CountObjects.new(10), scan: (sc) => ScanObjects.freed(sc.nrToScan) })
      .register();
    expect(dropSlabNode(f.ctx, 0)).toBe(20n);
    expect(f.outcomes.map((o) => o.memcg)).toEqual([null]);
  });

  it('a fatal signal aborts at once, keeping what the round had so far', () => {
    const f = fixture('6.12', { nrNodeIds: 2 });
    programmed(f, [100, 100, 100]);
    let asks = 0;
    const rounds = dropSlab(f.ctx, [0, 1], { fatalSignalPending: () => ++asks > 1 });
    expect(rounds).toEqual([100n]);
    expect(f.outcomes).toHaveLength(1);
  });
});
