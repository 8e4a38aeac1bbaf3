import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_NOFS, GFP_NOIO, formatGfp } from '../../../src/mm/gfp.js';
import { tryToFreePages } from '../../../src/mm/reclaim/index.js';
import { CHILD, model, node, range, recorder, ROOT } from './harness.js';

const task = { comm: 'binder_test', pid: 223, cpu: 1, nid: 0 };

describe('direct reclaim (try_to_free_pages)', () => {
  it('12 → 0 with the caller gfp when nothing can be reclaimed; 6.1 one sweep', () => {
    const n = node(0, {});
    const r = recorder({ profile: '6.1' });
    expect(tryToFreePages(model([n]), task, GFP_KERNEL, r.deps)).toBe(0);
    expect(r.seq()).toEqual(range(12, 0).map((p) => `${p}:cc0`));
  });

  it('6.12 retries a failed run once with a full memcg walk: two 12 → 0 sweeps', () => {
    const n = node(0, {});
    const r = recorder({ profile: '6.12' });
    tryToFreePages(model([n]), task, GFP_KERNEL, r.deps);
    expect(r.priorities()).toEqual([...range(12, 0), ...range(12, 0)]);
  });

  it('stops once nr_reclaimed ≥ SWAP_CLUSTER_MAX (32)', () => {
    // file 32768: 12 → 32768>>12 = 8; 11 → 32760>>11 = 15 (total 23);
    // 10 → min(32745>>10 = 31, one chunk of 32) = 31 → 54 ≥ 32: stop.
    const n = node(0, { file: 32_768 });
    const r = recorder({});
    expect(tryToFreePages(model([n]), task, GFP_KERNEL, r.deps)).toBe(54);
    expect(r.priorities()).toEqual([12, 11, 10]);
    expect(n.file).toBe(32_768 - 54);
  });

  it('memalloc_nofs / memalloc_noio scopes strip __GFP_FS / __GFP_IO (current_gfp_context)', () => {
    const nofs = recorder({ profile: '6.1' });
    tryToFreePages(model([node(0)]), { ...task, scope: 'nofs' }, GFP_KERNEL, nofs.deps);
    expect(new Set(nofs.calls.map((c) => formatGfp(c.gfpMask)))).toEqual(new Set(['GFP_NOFS']));
    const noio = recorder({ profile: '6.1' });
    tryToFreePages(model([node(0)]), { ...task, scope: 'noio' }, GFP_KERNEL, noio.deps);
    expect(new Set(noio.calls.map((c) => c.gfpMask))).toEqual(new Set([GFP_NOIO]));
    // A caller that already passes GFP_NOFS keeps it.
    const direct = recorder({ profile: '6.1' });
    tryToFreePages(model([node(0)]), task, GFP_NOFS, direct.deps);
    expect(direct.calls.every((c) => c.gfpMask === GFP_NOFS)).toBe(true);
  });

  it('slab pages freed by shrinkers count (reclaim_state) in root reclaim and end the loop', () => {
    // No LRU pages; from priority 10 on, each shrink_slab hands back 20 pages: 10 → 20, 9 → 40 ≥ 32.
    const n = node(0, {});
    const r = recorder({ outcome: (c) => ({ freed: c.priority <= 10 ? 20n : 0n, slabPagesFreed: c.priority <= 10 ? 20 : 0 }) });
    expect(tryToFreePages(model([n]), task, GFP_KERNEL, r.deps)).toBe(40);
    expect(r.priorities()).toEqual([12, 11, 10, 9]);
  });

  it('MGLRU keeps DEF_PRIORITY for direct reclaim (nr_to_reclaim 32 < 64)', () => {
    const r = recorder({ profile: '6.12', mglru: true });
    tryToFreePages(model([node(0, { file: 1000 })]), task, GFP_KERNEL, r.deps);
    expect(r.priorities()[0]).toBe(12);
  });

  it('6.12 partial memcg walk: once the goal is met the rest of the memcgs are skipped', () => {
    const n = node(0, { managed: 2_000_000, file: 1 << 20 }); // 12 → 256 pages scanned, capped to one 32-page chunk
    const r612 = recorder({ profile: '6.12', memcgs: [ROOT, CHILD] });
    tryToFreePages(model([n]), task, GFP_KERNEL, r612.deps);
    expect(r612.calls.map((c) => c.memcg?.ino)).toEqual([1]);
    const r61 = recorder({ profile: '6.1', memcgs: [ROOT, CHILD] });
    tryToFreePages(model([node(0, { managed: 2_000_000, file: 1 << 20 })]), task, GFP_KERNEL, r61.deps);
    expect(r61.calls.map((c) => c.memcg?.ino)).toEqual([1, 42]);
  });

  it('walks nodes from the task’s own node', () => {
    const r = recorder({ profile: '6.1' });
    tryToFreePages(model([node(0), node(1)]), { ...task, nid: 1 }, GFP_KERNEL, r.deps);
    expect(r.calls.slice(0, 4).map((c) => `${c.priority}@${c.nid}`)).toEqual(['12@1', '12@0', '11@1', '11@0']);
  });
});
