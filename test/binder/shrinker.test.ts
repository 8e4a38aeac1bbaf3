/**
 * The "android-binder" shrinker and its isolate callback: every trylock failure path of the
 * C and Rust drivers (the page stays on the LRU, the skip is counted by reason), the list_lru
 * walk's restart-from-head after each removal, and what do_shrink_slab's arithmetic makes of it.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  applyBinderStep,
  createBinderSystem,
  parseBinderStep,
  type BinderSnapshot,
  type BinderSystem,
  type BinderTraceRecord,
  type StepOutcome,
} from '../../src/binder/index.js';
import { GFP_KERNEL } from '../../src/mm/gfp.js';
import { ShrinkControl } from '../../src/mm/shrinker/types.js';
import type { MmShrinkSlabEnd } from '../../src/trace/shrinkEvents.js';

interface Run {
  system: BinderSystem;
  outcomes: StepOutcome[];
  snap(label: string): BinderSnapshot;
  trace: BinderTraceRecord[];
}

/** Runs YAML steps; `advance: {by}` moves time (the run loop's job, done here by hand). */
function script(procs: unknown, yamlSteps: string, sys?: BinderSystem): Run {
  const trace: BinderTraceRecord[] = [];
  const system = sys ?? createBinderSystem({ procs } as never, { traceSink: (r) => trace.push(r) });
  const outcomes: StepOutcome[] = [];
  const snaps = new Map<string, BinderSnapshot>();
  let now = 0;
  for (const raw of parseYaml(yamlSteps) as Record<string, unknown>[]) {
    if ('advance' in raw) {
      now += Number((raw['advance'] as { by: number }).by);
      continue;
    }
    const out = applyBinderStep(system, parseBinderStep(raw), now);
    outcomes.push(out);
    if (out.ok && out.detail && 'label' in out.detail) snaps.set(out.detail['label'] as string, out.detail['binder'] as BinderSnapshot);
  }
  return { system, outcomes, snap: (l) => snaps.get(l) as BinderSnapshot, trace };
}

const C_PROCS = [
  { name: 'a', mmap: '16KiB', driver: 'c', pid: 10 },
  { name: 'b', mmap: '16KiB', driver: 'c', pid: 20 },
];

/** Both processes get 2 (a) and 3 (b) pages onto the LRU, a's first (older). */
const FILL = `
- alloc: { proc: a, buffer: x, data: 8192 }
- alloc: { proc: b, buffer: y, data: 12288 }
- free: { proc: a, buffer: x }
- free: { proc: b, buffer: y }
`;

describe('C driver isolate callback: trylock failures skip the page', () => {
  it.each([
    ['mmap lock held for write (mmap/munmap/page install)', '- lock: { proc: a, lock: mmap, hold: 1ms }', 'mmap_lock'],
    ['alloc->lock held (a transaction in progress)', '- lock: { proc: a, lock: alloc, hold: 1ms }', 'alloc_lock'],
    ['the mm is exiting (mmget_not_zero fails)', '- mm_exit: { proc: a }', 'mm_dead'],
    ['another vma sits at the address', '- remap_foreign: { proc: a }', 'invalid_vma'],
  ])('%s', (_what, cause, reason) => {
    const r = script(
      C_PROCS,
      `${FILL}
${cause}
- snapshot: { label: before }
- shrink: { nr: all }
- snapshot: { label: after }
`,
    );
    expect(r.snap('before').procs.map((p) => p.pages)).toEqual(['ll..', 'lll.']);
    // a's two pages stay on the LRU; b's three are freed.
    expect(r.snap('after').procs.map((p) => p.pages)).toEqual(['ll..', '....']);
    expect(r.snap('after').procs[0]?.counts).toEqual({ active: 0, lru: 2, free: 2 });
    const shrink = r.outcomes[6] as { ok: true; detail: { freed: number; skipped: Record<string, number> } };
    expect(shrink.detail.freed).toBe(3);
    // Walks of 5, 4, 3, 2 with a's two head pages re-visited after every removal: 4+3+2+2.
    expect(shrink.detail.skipped).toEqual({ [reason]: 11 });
    expect(r.system.lruCount()).toBe(2);
  });

  it('a reader of the mmap lock (a page fault) does not block the read trylock', () => {
    const r = script(C_PROCS, `${FILL}\n- lock: { proc: a, lock: mmap, hold: 1ms, mode: read }\n- shrink: { nr: all }\n- snapshot: { label: s }`);
    expect(r.snap('s').procs.map((p) => p.pages)).toEqual(['....', '....']);
    expect(r.system.skipsByReason()).toEqual({});
  });

  it('the hold ends in simulated time: after `advance` the page is freed', () => {
    const r = script(
      C_PROCS,
      `${FILL}
- lock: { proc: a, lock: alloc, hold: 1ms }
- advance: { by: 999999 }
- shrink: { nr: all }
- advance: { by: 1 }
- shrink: { nr: all }
- snapshot: { label: s }
`,
    );
    const first = r.outcomes[5] as { ok: true; detail: { freed: number } };
    const second = r.outcomes[6] as { ok: true; detail: { freed: number } };
    expect([first.detail.freed, second.detail.freed]).toEqual([3, 2]);
    expect(r.snap('s').procs[0]?.pages).toBe('....');
  });

  it('after munmap the page is freed without zapping a user mapping (no unmap_user events)', () => {
    const r = script(C_PROCS, `${FILL}\n- munmap: { proc: a }\n- shrink: { nr: all }`);
    const names = r.trace.filter((t) => t.event.name.startsWith('binder_unmap') && 'proc' in t.event && t.event.proc === 10).map((t) => t.event.name);
    expect(names).toEqual([
      'binder_unmap_kernel_start',
      'binder_unmap_kernel_end',
      'binder_unmap_kernel_start',
      'binder_unmap_kernel_end',
    ]);
    expect(r.system.events['binder_unmap_user_start']).toBe(3); // b's three pages only
  });

  it('the walk restarts from the head after each removal, so skipped head pages are charged again', () => {
    // LRU: a0 a1 (a's mmap lock held) b0 b1 b2. nr = 5: a0 skip, a1 skip, b0 freed → restart;
    // a0 skip, a1 skip → budget spent. One page freed for five visits.
    const r = script(C_PROCS, `${FILL}\n- lock: { proc: a, lock: mmap, hold: 1ms }\n- shrink: { nr: 5 }\n- snapshot: { label: s }`);
    const out = r.outcomes[5] as { ok: true; detail: { freed: number; skipped: Record<string, number> } };
    expect(out.detail).toEqual({ freed: 1, skipped: { mmap_lock: 4 } });
    expect(r.snap('s').procs.map((p) => p.pages)).toEqual(['ll..', '.ll.']);
  });

  it('shrink nr=all gives up when a whole walk frees nothing', () => {
    const r = script(C_PROCS, `${FILL}\n- lock: { proc: a, lock: mmap, hold: 1ms }\n- lock: { proc: b, lock: alloc, hold: 1ms }\n- shrink: { nr: all }`);
    const out = r.outcomes[6] as { ok: true; detail: { freed: number; walks: number; skipped: Record<string, number> } };
    expect(out.detail).toEqual({ freed: 0, walks: 1, skipped: { mmap_lock: 2, alloc_lock: 3 } });
  });

  it('do_shrink_slab: skipped pages are scanned but not freed; retval = freed, deferred from scanned', () => {
    const r = script(C_PROCS, `${FILL}\n- lock: { proc: b, lock: alloc, hold: 1ms }`);
    const sh = r.system.shrinkers[0]!;
    const sc = new ShrinkControl(GFP_KERNEL, 0, null);
    // freeable 5, priority 0: delta = (5 >> 0) * 4 / 2 = 10; total_scan = min(0 + 10, 2 * 5) = 10;
    // one call with nr_to_scan 10 (10 ≥ freeable): a0, a1 freed (restart each time), then
    // b0, b1, b2 skipped, the walk runs out of list with budget left. nr_scanned stays 10.
    const res = sh.doShrink(sc, 0);
    if (res.kind !== 'ran') throw new Error('expected a run');
    expect([res.start.cacheItems, res.start.delta, res.start.totalScan]).toEqual([5n, 10n, 10n]);
    const end: MmShrinkSlabEnd = res.end;
    expect([end.retval, end.totalScan, end.newScan]).toEqual([2, 0n, 0n]);
    expect(res.stats.scanned).toBe(10n);
    expect(r.system.skipsByReason()).toEqual({ alloc_lock: 3 });
    // At priority 2: count 3 → delta = (3 >> 2) * 4 / 2 = 0 → no scan at all, nothing deferred.
    const res2 = sh.doShrink(new ShrinkControl(GFP_KERNEL, 0, null), 2);
    expect(res2.kind === 'ran' && [res2.start.delta, res2.stats.calls, res2.end.newScan]).toEqual([0n, 0n, 0n]);
  });

  it('drop_caches with the alloc lock held: freed < count, and the deferred work carries over', () => {
    const r = script(C_PROCS, `${FILL}\n- lock: { proc: b, lock: alloc, hold: 1ms }\n- drop_caches: {}`);
    const out = r.outcomes[5] as { ok: true; detail: { freed: number; passes: number } };
    // Pass 1 frees a's 2 pages (2 >> 0 > 1: again); pass 2: count 3, all skipped, 0 freed → stop.
    expect(out.detail).toEqual({ freed: 2, passes: 2 });
    // Pass 1: delta 10, scanned 10 → deferred 0. Pass 2: freeable 3, delta 6, total 6 ≥ 3,
    // scanned 6, freed 0 → next = 0 + 6 - 6 = 0.
    expect(r.system.shrinkers[0]?.deferred.value).toBe(0n);
    expect(r.system.events['mm_shrink_slab_start']).toBe(2);
  });

  it('debugfs scan calls scan_objects once with nr, and validates the nid', () => {
    const r = script(C_PROCS, `${FILL}\n- debugfs_scan: { shrinker: android-binder-0, nid: 0, nr: 3 }\n- debugfs_scan: { shrinker: android-binder, nid: 1, nr: 3 }`);
    expect(r.outcomes[4]).toEqual({ ok: true, detail: { freed: 3 } });
    expect(r.outcomes[5]).toEqual({ ok: false, error: 'EINVAL', reason: 'nid 1 is not a node' });
    expect(r.system.lruCount()).toBe(2);
  });
});

const RUST_PROCS = [
  { name: 'a', mmap: '16KiB', driver: 'rust', pid: 10 },
  { name: 'b', mmap: '16KiB', driver: 'rust', pid: 20 },
];

describe('Rust driver isolate callback', () => {
  it.each([
    ['the range mm_lock mutex held (page install in progress)', '- lock: { proc: a, lock: mm_mutex, hold: 1ms }', 'mm_mutex'],
    ['mmap lock held for write', '- lock: { proc: a, lock: mmap, hold: 1ms }', 'mmap_lock'],
    ['the range spinlock held', '- lock: { proc: a, lock: alloc, hold: 1ms }', 'range_lock'],
    ['the mm is exiting', '- mm_exit: { proc: a }', 'mm_dead'],
  ])('%s', (_what, cause, reason) => {
    const r = script(RUST_PROCS, `${FILL}\n${cause}\n- shrink: { nr: all }\n- snapshot: { label: s }`);
    expect(r.snap('s').procs.map((p) => p.pages)).toEqual(['ll..', '....']);
    // LRU: a1 a0 b2 b1 b0. Walk of 5: a1 a0 skipped, b2 freed, restart, a1 a0 (budget out);
    // walk of 4: a1 a0, b1 freed, a1; walk of 3: a1 a0, b0 freed; walk of 2: a1 a0, nothing
    // freed → stop. Skips 4 + 3 + 2 + 2 = 11: the head pages are charged at every restart.
    expect(r.system.skipsByReason('rust')).toEqual({ [reason]: 11 });
  });

  it('a foreign vma is no skip for Rust (check_vma only decides whether to zap)', () => {
    const r = script(RUST_PROCS, `${FILL}\n- remap_foreign: { proc: a }\n- shrink: { nr: all }\n- snapshot: { label: s }`);
    expect(r.snap('s').procs.map((p) => p.pages)).toEqual(['....', '....']);
  });

  it('emits no tracepoints, and mm_mutex does not exist for the C driver', () => {
    const r = script(RUST_PROCS, `${FILL}\n- shrink: { nr: all }`);
    expect(r.trace).toEqual([]);
    const c = script(C_PROCS, `- lock: { proc: a, lock: mm_mutex, hold: 1ms }`);
    expect(c.outcomes[0]).toEqual({ ok: false, error: 'EINVAL', reason: 'mm_mutex exists only in the Rust driver' });
  });

  it('frees pages onto the LRU from the last to the first (the C driver: first to last)', () => {
    const order = (procs: unknown): number[] => {
      const r = script(procs, `- alloc: { proc: a, buffer: x, data: 12288 }\n- free: { proc: a, buffer: x }`);
      return r.system.freelists.values().next().value!.items();
    };
    expect(order(RUST_PROCS)).toEqual([2, 1, 0]);
    expect(order(C_PROCS)).toEqual([0, 1, 2]);
  });

  it('a mixed system has one freelist and one shrinker per driver', () => {
    const r = script(
      [C_PROCS[0], RUST_PROCS[1]],
      `${FILL}\n- shrink: { nr: 1, driver: rust }\n- snapshot: { label: s }`,
    );
    expect(r.system.shrinkers.map((s) => s.meta.traceRef.symbol)).toEqual([
      'binder_shrink_scan+0x0/0xd0 [binder_linux]',
      'rust_shrink_scan+0x0/0x40 [rust_binder]',
    ]);
    // Rust's LRU holds b's pages in reverse (2, 1, 0): one walk of 1 frees page 2.
    expect(r.snap('s').procs.map((p) => p.pages)).toEqual(['ll..', 'll..']);
  });
});
