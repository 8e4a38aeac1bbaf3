/**
 * Binder on the shared pieces: its pages on the shared list_lru, its "android-binder"
 * shrinker registered in a shared ShrinkerRegistry and reached by the shared shrink_slab,
 * drop_slab and debugfs exactly as the kernel reaches it.
 *
 * The numbers are the kernel's do_shrink_slab arithmetic worked by hand, and they are checked
 * against the real traces: p2's drop_caches leaves 6 deferred, and p4's eleven Binder pairs
 * (memory.reclaim on the root cgroup, priorities 6 … 1) start from exactly that 6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBinderStep,
  createBinderSystem,
  parseBinderStep,
  type BinderSystem,
  type BinderTraceRecord,
  type StepOutcome,
} from '../../src/binder/index.js';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL } from '../../src/mm/gfp.js';
import {
  CountObjects,
  DEFAULT_SEEKS,
  debugfsScan,
  dropSlab,
  MemcgTree,
  NO_FLAGS,
  ScanObjects,
  SHRINKER_ALLOCATED,
  SHRINKER_REGISTERED,
  ShrinkerRegistry,
  shrinkSlab,
  type ShrinkSlabCtx,
} from '../../src/mm/shrinker/index.js';
import { formatShrinkEndBody, formatShrinkStartBody } from '../../src/trace/ftrace/shrinkFormat.js';
import { parseFtraceLine } from '../../src/trace/ftrace/parse.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../../src/trace/shrinkEvents.js';

const P4_TRACE = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95', 'trace_p4_memory_reclaim.txt.gz');
const BINDER_SYMBOL = 'binder_shrink_scan+0x0/0xd0 [binder_linux]';

interface World {
  registry: ShrinkerRegistry;
  memcgs: MemcgTree;
  ctx: ShrinkSlabCtx;
  system: BinderSystem;
  starts: MmShrinkSlabStart[];
  ends: MmShrinkSlabEnd[];
  trace: BinderTraceRecord[];
  /** Objects left in the "other" shrinker registered before Binder (when asked for). */
  other: { objects: number; scans: number[] };
}

/**
 * A 6.12 registry on one node; optionally an honest synthetic shrinker registered first (as
 * a filesystem's would be, before the binder module loads); then Binder's, through the option.
 */
function world(opts: { other?: number; procs?: unknown[] } = {}): World {
  const memcgs = new MemcgTree({ nrNodeIds: 1 });
  const registry = new ShrinkerRegistry({ profile: '6.12', memcgs });
  const other = { objects: opts.other ?? 0, scans: [] as number[] };
  if (opts.other !== undefined) {
    registry
      .shrinkerAlloc({ name: 'sb-ext4' })
      .setOps({
        count: () => CountObjects.new(other.objects),
        scan: (sc) => {
          other.scans.push(sc.nrToScan);
          const n = Math.min(sc.nrToScan, other.objects);
          other.objects -= n;
          return ScanObjects.freed(n);
        },
      })
      .register();
  }
  const starts: MmShrinkSlabStart[] = [];
  const ends: MmShrinkSlabEnd[] = [];
  const trace: BinderTraceRecord[] = [];
  const system = createBinderSystem(
    { procs: (opts.procs ?? [{ name: 'p', pid: 225, mmap: '4MiB', driver: 'c' }]) as never },
    { registry, traceSink: (r) => trace.push(r) },
  );
  const ctx: ShrinkSlabCtx = {
    registry,
    memcgs,
    profile: '6.12',
    sink: {
      start: (e, s) => void (s.name === 'android-binder' && starts.push(e)),
      end: (e, s) => void (s.name === 'android-binder' && ends.push(e)),
    },
  };
  return { registry, memcgs, ctx, system, starts, ends, trace, other };
}

let nowNs = 0;
function step(system: BinderSystem, raw: unknown): StepOutcome {
  nowNs += 1000;
  return applyBinderStep(system, parseBinderStep(raw), nowNs);
}

/** Puts `pages` whole pages of process `p` on the LRU: one buffer of that size, freed. */
function fill(system: BinderSystem, pages: number, proc = 'p'): void {
  expect(step(system, { alloc: { proc, buffer: 'fill', data: pages * 4096 } }).ok).toBe(true);
  expect(step(system, { free: { proc, buffer: 'fill' } }).ok).toBe(true);
}

const nums = (e: MmShrinkSlabStart | MmShrinkSlabEnd): (number | bigint)[] =>
  e.type === 'mm_shrink_slab_start'
    ? [e.nrObjectsToShrink, e.cacheItems, e.delta, e.totalScan, e.priority]
    : [e.unusedScan, e.newScan, e.totalScan, e.retval];

describe('registration through the shared ShrinkerRegistry', () => {
  it('registers "android-binder" with flags 0, DEFAULT_SEEKS, batch 0 and the binder_linux symbol, after what the caller registered first', () => {
    const w = world({ other: 0 });
    expect(w.system.registry).toBe(w.registry);
    expect(w.registry.listed().map((s) => s.name)).toEqual(['sb-ext4', 'android-binder']);
    // The debugfs IDA hands out ids in registration order.
    expect(w.registry.debugfsDirs()).toEqual(['sb-ext4-0', 'android-binder-1']);
    const v = w.system.shrinkers[0]!.registered!.view;
    expect(v.state).toBe('registered');
    expect(v.flags).toEqual(NO_FLAGS);
    // 6.12 flags word: ALLOCATED (1 << 1) | REGISTERED (1 << 0) = 3, nothing user-set.
    expect(v.flagsWord).toBe(SHRINKER_ALLOCATED | SHRINKER_REGISTERED);
    expect(v.flagsWord).toBe(3);
    expect([v.seeks, v.batch, v.id]).toEqual([DEFAULT_SEEKS, 0, -1]);
    expect(v.traceRef.symbol).toBe(BINDER_SYMBOL);
  });

  it('without a registry, a private one holds only the Binder shrinkers (one per driver, in order of appearance)', () => {
    const s = createBinderSystem({
      procs: [
        { name: 'r', mmap: '16KiB', driver: 'rust' },
        { name: 'c', mmap: '16KiB', driver: 'c' },
      ],
    } as never);
    expect(s.registry.listed().map((v) => [v.name, v.traceRef.symbol])).toEqual([
      ['android-binder', 'rust_shrink_scan+0x0/0x40 [rust_binder]'],
      ['android-binder', BINDER_SYMBOL],
    ]);
    expect(s.registry.debugfsDirs()).toEqual(['android-binder-0', 'android-binder-1']);
    expect(s.freelists.get('c')!.memcgAware).toBe(false);
  });

  it('seeks and batch can be overridden at registration (a scenario knob), and a shrinker registers once', () => {
    const memcgs = new MemcgTree({ nrNodeIds: 1 });
    const registry = new ShrinkerRegistry({ profile: '6.12', memcgs });
    const s = createBinderSystem({ procs: [{ name: 'p', mmap: '16KiB', driver: 'c' }] } as never, {
      registry,
      shrinker: { seeks: 1, batch: 32 },
    });
    const v = s.shrinkers[0]!.registered!.view;
    expect([v.seeks, v.batch]).toEqual([1, 32]);
    expect(() => s.shrinkers[0]!.register(registry)).toThrow(/already registered/);
  });

  it('refuses a node count that disagrees with the registry', () => {
    const registry = new ShrinkerRegistry({ profile: '6.12', memcgs: new MemcgTree({ nrNodeIds: 2 }) });
    expect(() => createBinderSystem({ procs: [{ name: 'p', mmap: '16KiB', driver: 'c' }] } as never, { registry, nrNodes: 1 })).toThrow(
      /nrNodes 1 but the registry has 2/,
    );
    expect(createBinderSystem({ procs: [{ name: 'p', mmap: '16KiB', driver: 'c' }] } as never, { registry }).nrNodes).toBe(2);
  });
});

describe('shrink_slab and drop_slab reach Binder as the kernel does', () => {
  it('dropSlab: 451 pages → one pair (0, 451, 902, 902 / 6), round 2 counts 0 and traces nothing (p2)', () => {
    const w = world();
    fill(w.system, 451);
    expect(w.system.lruCount()).toBe(451);
    // Round 0, priority 0: delta = (451 >> 0) * 4 / 2 = 902; total_scan = min(0 + 902, 2 * 451) = 902.
    // Seven batches of 128 (896): 128, 128, 128, 67 freed, then 0, 0, 0; 6 left (< 128, < 451).
    // next_deferred = 0 + 902 - 896 = 6. Round 0 freed 451 (451 >> 0 > 1: again); round 1 the
    // count is 0 → do_shrink_slab returns before any tracepoint; 0 >> 1 = 0 → stop.
    const rounds = w.system.withTask(w.system.reclaimTask, () => dropSlab(w.ctx, [0]));
    expect(rounds).toEqual([451n, 0n]);
    expect(w.starts.map(nums)).toEqual([[0n, 451n, 902n, 902n, 0]]);
    expect(w.ends.map(nums)).toEqual([[0n, 6n, 6n, 451]]);
    expect(w.system.shrinkers[0]!.deferred.value).toBe(6n);
    expect(w.system.shrinkers[0]!.stats.scanCalls).toBe(7);
    expect(w.system.lruCount()).toBe(0);
    expect(w.system.proc('p')!.pages.counts()).toEqual({ active: 0, lru: 0, free: 1024 });
  });

  it('shrinkSlab: 539 pages at priority 6 with 6 deferred ⇒ delta 16, total_scan 16, no scan call, new scan 22 (p4 first pair)', () => {
    const w = world();
    fill(w.system, 451);
    dropSlab(w.ctx, [0]);
    fill(w.system, 539);
    const sh = w.system.shrinkers[0]!;
    const scansBefore = sh.stats.scanCalls;
    // nr = xchg(6) = 6; delta = (539 >> 6) * 4 / 2 = 8 * 4 / 2 = 16; total_scan = (6 >> 6) + 16
    // = 16, ≤ 2 * 539. 16 < 128 (batch) and 16 < 539 (freeable): the loop never runs.
    // next_deferred = 6 + 16 - 0 = 22; the slot was emptied by the xchg, so new scan = 22.
    const freed = shrinkSlab(w.ctx, GFP_HIGHUSER_MOVABLE, 0, null, 6);
    expect(freed).toBe(0n);
    expect(w.starts.slice(1).map(nums)).toEqual([[6n, 539n, 16n, 16n, 6]]);
    expect(w.ends.slice(1).map(nums)).toEqual([[6n, 22n, 16n, 0]]);
    expect(sh.stats.scanCalls).toBe(scansBefore);
    expect(sh.deferred.value).toBe(22n);
    expect(w.system.lruCount()).toBe(539);
    // The printed line is the real one up to the pointer (the registry's is a stable fake).
    expect(formatShrinkStartBody(w.starts[1]!).replace(/ [0-9a-f]{16}: /, ' PTR: ')).toBe(
      `${BINDER_SYMBOL} PTR: nid: 0 objects to shrink 6 gfp_flags GFP_HIGHUSER_MOVABLE cache items 539 delta 16 total_scan 16 priority 6`,
    );
  });

  it("replays all eleven Binder pairs of p4's memory.reclaim, line for line (all but the pointer)", () => {
    const lines = gunzipSync(readFileSync(P4_TRACE))
      .toString('utf8')
      .split('\n')
      .map((l) => parseFtraceLine(l))
      .filter((r) => r !== undefined && r.event.startsWith('mm_shrink_slab_') && r.body.startsWith(BINDER_SYMBOL));
    const realStarts = lines.filter((r) => r!.event === 'mm_shrink_slab_start').map((r) => r!.body);
    const realEnds = lines.filter((r) => r!.event === 'mm_shrink_slab_end').map((r) => r!.body);
    expect(realStarts).toHaveLength(11);
    const priorities = realStarts.map((b) => Number(/priority (\d+)$/.exec(b)![1]));
    expect(priorities).toEqual([6, 5, 4, 4, 6, 6, 5, 4, 3, 2, 1]);

    const w = world();
    fill(w.system, 451);
    dropSlab(w.ctx, [0]);
    fill(w.system, 539);
    w.starts.length = 0;
    w.ends.length = 0;
    const unmapsPerPair: number[] = [];
    for (const p of priorities) {
      const before = w.trace.length;
      // memory.reclaim on the root cgroup: the global walk, root memcg, the caller's gfp.
      w.system.withTask(w.system.reclaimTask, () => shrinkSlab(w.ctx, GFP_HIGHUSER_MOVABLE, 0, w.memcgs.root, p));
      unmapsPerPair.push(w.trace.slice(before).filter((t) => t.event.name.startsWith('binder_unmap')).length);
    }
    const strip = (b: string): string => b.replace(/ (0x)?[0-9a-f]{16}: /, ' PTR: ');
    expect(w.starts.map((e) => strip(formatShrinkStartBody(e)))).toEqual(realStarts.map(strip));
    expect(w.ends.map((e) => strip(formatShrinkEndBody(e)))).toEqual(realEnds.map(strip));
    // By hand, pair 9 (priority 3): nr 316, delta (539 >> 3) * 2 = 134, total 39 + 134 = 173;
    // one batch of 128 (all freed), 45 left; next = 316 + 134 - 128 = 322.
    // Pair 10 (priority 2): 411 pages, delta 102 * 2 = 204, total 80 + 204 = 284; two batches,
    // 256 freed, 28 left; next = 322 + 204 - 256 = 270.
    // Pair 11 (priority 1): 155 pages, delta 77 * 2 = 154, total 135 + 154 = 289 (≤ 310); two
    // batches: 128 freed, then the list runs out at 27 (nr_scanned stays 128); 33 left;
    // next = 270 + 154 - 256 = 168.
    expect(w.ends.slice(8).map(nums)).toEqual([
      [316n, 322n, 45n, 128],
      [322n, 270n, 28n, 256],
      [270n, 168n, 33n, 155],
    ]);
    // Four unmap tracepoints per freed page, as in the trace (128 pages → 512 lines, …).
    expect(unmapsPerPair).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 512, 1024, 620]);
    expect(w.system.lruCount()).toBe(0);
  });

  it('the isolate callback keeps the list_lru lock protocol: unmap_kernel under the lru lock, unmap_user with it dropped', () => {
    const held: [string, boolean, string | undefined][] = [];
    const sys = createBinderSystem({ procs: [{ name: 'p', pid: 225, mmap: '64KiB', driver: 'c' }] } as never, {
      traceSink: (r) => {
        if (r.event.name.startsWith('binder_unmap')) held.push([r.event.name, sys.freelists.get('c')!.lruLockHeld(0), r.ctx.flags]);
      },
    });
    fill(sys, 2);
    sys.dropCaches();
    expect(held).toEqual([
      ['binder_unmap_kernel_start', true, '...2.'],
      ['binder_unmap_kernel_end', true, '...2.'],
      ['binder_unmap_user_start', false, '.....'],
      ['binder_unmap_user_end', false, '.....'],
      ['binder_unmap_kernel_start', true, '...2.'],
      ['binder_unmap_kernel_end', true, '...2.'],
      ['binder_unmap_user_start', false, '.....'],
      ['binder_unmap_user_end', false, '.....'],
    ]);
    // After the walk the lock is free again and the list empty.
    expect(sys.freelists.get('c')!.lruLockHeld(0)).toBe(false);
    expect(sys.freelists.get('c')!.count()).toBe(0);
  });

  it('a drop_caches step with a shared registry is the global drop_slab: every shrinker takes part', () => {
    const w = world({ other: 300 });
    fill(w.system, 5);
    // Round 0, in registration order. sb-ext4: 300 objects, delta 600, total min(600, 600):
    // scans of 128, 128, 128, 128 free 128, 128, 44, 0; 88 left (< 128, < 300); deferred 88.
    // android-binder: 5 pages, delta 10, total 10 < 128 but ≥ 5 → one scan of 10 frees 5.
    // Round 0 freed 305 > 1 → round 1: both count 0 → 0 → stop.
    const out = step(w.system, { drop_caches: {} });
    expect(out).toEqual({ ok: true, detail: { freed: 305, passes: 2 } });
    expect(w.other.scans).toEqual([128, 128, 128, 128]);
    const ext4 = w.registry.listed()[0]!;
    expect(ext4.nrDeferred(0)).toBe(88n);
    expect(w.system.shrinkers[0]!.deferred.value).toBe(0n);
    // The system tallies (and forwards) every pair its step fired: two shrinkers, one pair each.
    expect(w.system.events['mm_shrink_slab_start']).toBe(2);
  });

  it('debugfs: the Binder step and the shared debugfsScan both make one scan_objects call, no count, no deferred change, no trace', () => {
    const w = world({ other: 0 });
    fill(w.system, 6);
    const sh = w.system.shrinkers[0]!;
    const counts = sh.stats.countCalls;
    expect(step(w.system, { debugfs_scan: { shrinker: 'android-binder-1', nid: 0, nr: 3 } })).toEqual({ ok: true, detail: { freed: 3 } });
    // The id is the registry's: android-binder-0 does not exist here.
    expect(step(w.system, { debugfs_scan: { shrinker: 'android-binder-0', nid: 0, nr: 3 } })).toEqual({
      ok: false,
      error: 'ENOENT',
      reason: 'no shrinker named "android-binder-0"',
    });
    expect(step(w.system, { debugfs_scan: { shrinker: 'android-binder', nid: 1, nr: 3 } })).toEqual({
      ok: false,
      error: 'EINVAL',
      reason: 'nid 1 is not a node',
    });
    expect(w.system.lruCount()).toBe(3);
    const target = w.registry.debugfsLookup('android-binder-1')!;
    expect(debugfsScan(w.ctx, target, '0 0 2')).toEqual({ ok: true, bytes: 5 });
    expect(w.system.lruCount()).toBe(1);
    expect([sh.stats.countCalls, sh.deferred.value, w.starts.length]).toEqual([counts, 0n, 0]);
    expect(w.system.events['mm_shrink_slab_start'] ?? 0).toBe(0);
  });

  it('a skipped page is scanned but not freed through shrink_slab too (alloc lock held): freed < scanned, deferred from scanned', () => {
    const w = world();
    fill(w.system, 5);
    expect(step(w.system, { lock: { proc: 'p', lock: 'alloc', hold: '1ms' } }).ok).toBe(true);
    // priority 0: delta = 5 * 4 / 2 = 10, total 10 ≥ 5 → one scan of 10: five skips, 0 freed.
    // nr_scanned stays 10 → next_deferred = 0 + 10 - 10 = 0.
    expect(shrinkSlab(w.ctx, GFP_KERNEL, 0, null, 0)).toBe(0n);
    expect(w.ends.map(nums)).toEqual([[0n, 0n, 0n, 0]]);
    expect(w.system.skipsByReason()).toEqual({ alloc_lock: 5 });
    expect(w.system.lruCount()).toBe(5);
  });
});

describe('invariants under random traffic and reclaim through the registry (fast-check)', () => {
  type Op =
    | { kind: 'alloc'; pages: number }
    | { kind: 'free' }
    | { kind: 'shrink'; priority: number }
    | { kind: 'drop' }
    | { kind: 'debugfs'; nr: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), pages: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('free' as const) }),
    fc.record({ kind: fc.constant('shrink' as const), priority: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ kind: fc.constant('drop' as const) }),
    fc.record({ kind: fc.constant('debugfs' as const), nr: fc.integer({ min: 0, max: 50 }) }),
  );

  it('count = Σ lru pages; each pair starts from the deferred the previous left; freed = pages gone; retval = freed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const w = world({ procs: [{ name: 'p', pid: 225, mmap: '256KiB', driver: 'c' }, { name: 'q', pid: 227, mmap: '256KiB', driver: 'c' }] });
        const sh = w.system.shrinkers[0]!;
        const live: string[] = [];
        let n = 0;
        let lastNew = 0n;
        for (const o of ops) {
          const lruBefore = w.system.lruCount();
          const pairsBefore = w.ends.length;
          switch (o.kind) {
            case 'alloc': {
              const name = `b${n++}`;
              const proc = n % 2 ? 'p' : 'q';
              if (step(w.system, { alloc: { proc, buffer: name, data: o.pages * 4096 - 100 } }).ok) live.push(`${proc}:${name}`);
              break;
            }
            case 'free': {
              const x = live.shift();
              if (x) {
                const [proc, buffer] = x.split(':') as [string, string];
                expect(step(w.system, { free: { proc, buffer } }).ok).toBe(true);
              }
              break;
            }
            case 'shrink': {
              const freed = shrinkSlab(w.ctx, GFP_KERNEL, 0, null, o.priority);
              expect(BigInt(lruBefore - w.system.lruCount())).toBe(freed);
              break;
            }
            case 'drop': {
              const rounds = dropSlab(w.ctx, [0]);
              expect(BigInt(lruBefore - w.system.lruCount())).toBe(rounds.reduce((a, b) => a + b, 0n));
              break;
            }
            case 'debugfs': {
              step(w.system, { debugfs_scan: { shrinker: 'android-binder', nid: 0, nr: o.nr } });
              expect(w.system.lruCount()).toBe(Math.max(0, lruBefore - o.nr));
              break;
            }
          }
          // Every pair takes as nr what the previous pair left: debugfs and the walks of other
          // callers never touch the slot, and nothing else writes it.
          for (let i = pairsBefore; i < w.ends.length; i++) {
            expect(w.starts[i]!.nrObjectsToShrink).toBe(lastNew);
            lastNew = w.ends[i]!.newScan;
          }
          expect(sh.deferred.value).toBe(lastNew);
          const perProc = w.system.procs.reduce((s, p) => s + p.pages.counts().lru, 0);
          expect(w.system.lruCount()).toBe(perProc);
          expect(sh.freelist.count()).toBe(perProc);
        }
      }),
      { numRuns: 60 },
    );
  });
});
