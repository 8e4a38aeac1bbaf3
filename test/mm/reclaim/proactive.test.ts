import { describe, expect, it } from 'vitest';
import { formatGfp, GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_NOFS } from '../../../src/mm/gfp.js';
import { memcgReclaimGfp, memoryReclaim, tryToFreeMemCgroupPages, type ReclaimDeps } from '../../../src/mm/reclaim/index.js';
import { CHILD, model, node, range, recorder, ROOT } from './harness.js';

const init = { comm: 'init', pid: 1, cpu: 1, nid: 0 };
const MiB = 1 << 20;

describe('proactive reclaim (memory.reclaim)', () => {
  it('gfp = (ctx & GFP_RECLAIM_MASK) | (GFP_HIGHUSER_MOVABLE & ~GFP_RECLAIM_MASK): GFP_KERNEL → 0x100cca', () => {
    expect(memcgReclaimGfp(GFP_KERNEL)).toBe(GFP_HIGHUSER_MOVABLE);
    expect(GFP_HIGHUSER_MOVABLE).toBe(0x100cca);
    // A nofs caller loses __GFP_FS but keeps the movable/highmem/hardwall bits.
    expect(formatGfp(memcgReclaimGfp(GFP_NOFS))).toBe('GFP_NOFS|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE');
  });

  it('real p4 trace shape (6.12, MGLRU): 16M on the root with nothing to reclaim — 17 calls, each two 6 → 0 sweeps, GFP_HIGHUSER_MOVABLE, then EAGAIN', () => {
    const r = recorder({ profile: '6.12', mglru: true, memcgs: [ROOT, CHILD] });
    const res = memoryReclaim(model([node(0)]), ROOT, 16 * MiB, init, r.deps);
    expect(res).toEqual({ ok: false, errno: 'EAGAIN', nrReclaimed: 0, calls: 17 });
    // Both lruvecs are empty, so shrink_one sends each to the tail (MEMCG_LRU_TAIL), then, on
    // the second visit of the same walk, young. With every bin drawn as 0 both sit in one list:
    // root, child, root again (its tail), child again; then the old generation is empty, seq
    // moves on, and the next priority walks the same two in the other generation.
    const oneCall = [...range(6, 0), ...range(6, 0)].flatMap((p) => [`${p}/1`, `${p}/42`, `${p}/1`, `${p}/42`]);
    expect(r.calls.map((c) => `${c.priority}/${c.memcg?.ino}`)).toEqual(Array.from({ length: 17 }, () => oneCall).flat());
    expect(new Set(r.calls.map((c) => formatGfp(c.gfpMask)))).toEqual(new Set(['GFP_HIGHUSER_MOVABLE']));
    expect(r.calls[0]?.task.comm).toBe('init');
  });

  it('the retry arithmetic of the real first write: 2039, 593, 0×9, 16, 0×8 → 20 calls, EAGAIN', () => {
    const script = [2039, 593, ...Array(9).fill(0), 16, ...Array(8).fill(0)] as number[];
    const asked: number[] = [];
    let call = -1;
    let credited = false;
    const base = recorder({ profile: '6.12', mglru: true });
    const deps: ReclaimDeps = {
      ...base.deps,
      shrinkSlab: (c) => {
        base.calls.push(c);
        if (credited) return { freed: 0n, slabPagesFreed: 0 };
        credited = true;
        const pages = script[call] ?? 0;
        return { freed: BigInt(pages), slabPagesFreed: pages };
      },
      observer: {
        onBegin: () => {
          call++;
          credited = false;
        },
      },
    };
    const mem = model([node(0)]);
    // Record each call's nr_to_reclaim through a wrapper of the same arithmetic.
    let left = 4096;
    for (const got of script) {
      asked.push(Math.max(Math.floor(left / 4), 32));
      left -= got;
    }
    const res = memoryReclaim(mem, ROOT, 16 * MiB, init, deps);
    expect(res).toEqual({ ok: false, errno: 'EAGAIN', nrReclaimed: 2648, calls: 20 });
    // batch = (4096 - reclaimed) / 4: 1024, 514, then 366 for the rest
    expect(asked.slice(0, 4)).toEqual([1024, 514, 366, 366]);
    // The first call met its 1024 at priority 6 (MGLRU start), so it swept only once.
    expect(base.calls[0]?.priority).toBe(6);
  });

  it('with page cache: first batch 1024 from priority 6, stops when the 16M are reclaimed', () => {
    const n = node(0, { file: 60_000 });
    const r = recorder({ profile: '6.12', mglru: true });
    const res = memoryReclaim(model([n]), ROOT, 16 * MiB, init, r.deps);
    expect(res.ok).toBe(true);
    expect(res.nrReclaimed).toBeGreaterThanOrEqual(4096);
    expect(r.priorities()[0]).toBe(6);
    expect(60_000 - n.file).toBe(res.nrReclaimed);
  });

  it('6.1: priorities 12 → 0 (no MGLRU initial priority), the whole remainder per call, one sweep', () => {
    const r = recorder({ profile: '6.1', mglru: true });
    const res = memoryReclaim(model([node(0)]), ROOT, 1 * MiB, init, r.deps);
    expect(res).toEqual({ ok: false, errno: 'EAGAIN', nrReclaimed: 0, calls: 17 });
    expect(r.priorities()).toEqual(Array.from({ length: 17 }, () => range(12, 0)).flat());
  });

  it('nr_to_reclaim = max(nr_pages, 32): a 4 KiB request still needs 32 pages before the loop stops', () => {
    // file 2^17 = 131072: 12 → 32 pages exactly; with nr_to_reclaim 32 the loop stops at 12
    const n = node(0, { managed: 200_000, file: 131_072 });
    const r = recorder({ profile: '6.12' });
    expect(tryToFreeMemCgroupPages(model([n]), ROOT, 1, init, r.deps)).toBe(32);
    expect(r.priorities()).toEqual([12]);
  });

  it('child memcg target: only its own walk, and slab pages are not credited (not root reclaim)', () => {
    const r = recorder({ profile: '6.12', memcgs: [ROOT, CHILD], outcome: () => ({ freed: 50n, slabPagesFreed: 50 }) });
    const got = tryToFreeMemCgroupPages(model([node(0, { file: 100_000 })]), CHILD, 32, init, r.deps);
    expect(got).toBe(0);
    expect(new Set(r.calls.map((c) => c.memcg?.ino))).toEqual(new Set([42]));
    expect(r.priorities()).toEqual([...range(12, 0), ...range(12, 0)]);
    // ...while the same shrinker output ends a root-targeted run at once. Classic LRU flushes
    // reclaim_state after the whole memcg walk, so both memcgs' 50 pages count: 100.
    const root = recorder({ profile: '6.12', memcgs: [ROOT, CHILD], outcome: () => ({ freed: 50n, slabPagesFreed: 50 }) });
    expect(tryToFreeMemCgroupPages(model([node(0)]), ROOT, 32, init, root.deps)).toBe(100);
    expect(root.priorities()).toEqual([12, 12]); // one pass: root and child at 12
  });
});
