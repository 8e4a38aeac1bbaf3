/**
 * The buffer allocators: async (oneway) space and its exhaustion, failures as values with the
 * kernel's reasons, best-fit ties decided by the red-black tree's shape (C) or by address
 * (Rust), the Rust array/tree placement, and invariants under random traffic (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PAGE_SIZE } from '../../src/binder/constants.js';
import {
  applyBinderStep,
  binderSnapshot,
  createBinderSystem,
  parseBinderStep,
  type BinderSystem,
  type StepOutcome,
} from '../../src/binder/index.js';
import { CBinderAlloc, CBuffer } from '../../src/binder/cAlloc.js';
import { BinderFreelist } from '../../src/binder/lru.js';
import { BinderProc, lruStatusOf } from '../../src/binder/proc.js';
import { BINDER_EVENT_ID, BINDER_EVENT_NAMES, type BinderTraceEvent } from '../../src/binder/trace.js';
import { validate } from '../../src/binder/rbtree.js';
import { RustBinderAlloc } from '../../src/binder/rustAlloc.js';
import { mulberry32 } from '../mulberry32.js';

function steps(system: BinderSystem, yaml: string): StepOutcome[] {
  let now = 0;
  return (parseYaml(yaml) as unknown[]).map((raw) => applyBinderStep(system, parseBinderStep(raw), (now += 10)));
}

const sys = (driver: 'c' | 'rust', mmap = '64KiB'): BinderSystem =>
  createBinderSystem({ procs: [{ name: 'p', mmap, driver }] });

describe.each(['c', 'rust'] as const)('async space (%s driver)', (driver) => {
  it('starts at half the mapping, is used by oneway buffers only, and runs out with ENOSPC', () => {
    const s = sys(driver);
    const out = steps(
      s,
      `
- alloc: { proc: p, buffer: o1, data: 16000, oneway: true }
- alloc: { proc: p, buffer: o2, data: 16768, oneway: true }
- alloc: { proc: p, buffer: o3, data: 0, oneway: true }
- alloc: { proc: p, buffer: s1, data: 8000 }
- free: { proc: p, buffer: o1 }
- alloc: { proc: p, buffer: o4, data: 16000, oneway: true }
`,
    );
    // 32768 of async space: 16000 + 16768 = 32768 exactly; even a 0-byte (→ 8-byte) oneway fails.
    expect(out.map((o) => o.ok)).toEqual([true, true, false, true, true, true]);
    expect(out[2]).toEqual({ ok: false, error: 'ENOSPC', reason: 'no async space left' });
    const a = s.proc('p')!.alloc;
    expect(a instanceof CBinderAlloc ? a.freeAsyncSpace : (a as RustBinderAlloc).freeOnewaySpace).toBe(0);
  });

  it('failures are values: invalid sizes, no address space, no mapping', () => {
    const s = sys(driver);
    const out = steps(
      s,
      `
- alloc: { proc: p, buffer: w, data: "18446744073709551615" }
- alloc: { proc: p, buffer: w, data: 8, extra: "18446744073709551608" }
- alloc: { proc: p, buffer: big, data: 65537 }
- alloc: { proc: p, buffer: all, data: 65536 }
- alloc: { proc: p, buffer: one, data: 1 }
- free: { proc: p, buffer: nope }
- munmap: { proc: p }
- alloc: { proc: p, buffer: late, data: 8 }
`,
    );
    expect(out[0]).toEqual({ ok: false, error: 'EINVAL', reason: 'invalid size' });
    expect(out[1]).toEqual({ ok: false, error: 'EINVAL', reason: 'invalid size' });
    expect(out[2]).toEqual({ ok: false, error: 'ENOSPC', reason: 'no address space' });
    expect(out[3]?.ok).toBe(true);
    expect(out[4]).toEqual({ ok: false, error: 'ENOSPC', reason: 'no address space' });
    expect(out[5]).toEqual({ ok: false, error: 'ENOENT', reason: 'no allocated buffer named "nope"' });
    expect(out[7]).toEqual({ ok: false, error: 'ESRCH', reason: driver === 'c' ? 'no vma' : 'no mapping' });
  });

  it('a failed page allocation (-ENOMEM) frees the buffer again', () => {
    const s = sys(driver);
    const out = steps(s, `\n- fail_page_alloc: { proc: p, page: 1 }\n- alloc: { proc: p, buffer: x, data: 8000 }\n- snapshot: { label: s }`);
    expect(out[1]).toEqual({ ok: false, error: 'ENOMEM', reason: 'failed to allocate page' });
    const snap = binderSnapshot(s).procs[0]!;
    expect(snap.buffers).toEqual([{ name: null, offset: 0, size: 65536, free: true }]);
    // Page 0 was installed before page 1 failed; with the buffer gone it sits on the LRU.
    expect(snap.pages.slice(0, 2)).toBe('l.');
  });
});

describe('best fit among equal sizes', () => {
  const yaml = `
- alloc: { proc: p, buffer: a, data: 1000 }
- alloc: { proc: p, buffer: b, data: 1000 }
- alloc: { proc: p, buffer: c, data: 1000 }
- alloc: { proc: p, buffer: d, data: 1000 }
- free: { proc: p, buffer: a }
- free: { proc: p, buffer: c }
- alloc: { proc: p, buffer: e, data: 1000 }
`;
  it('C: the first equal node on the descent wins, which depends on the tree shape', () => {
    // Free tree: tail (12384) root; a (1000) goes left; c (1000, equal → right of a) makes a
    // red-red chain a→c under tail: rotate left at a, then right at tail → c becomes the root.
    // The descent for 1000 meets c first: e lands at 2000, not at the lower address 0.
    const s = sys('c', '16KiB');
    const out = steps(s, yaml);
    expect(out[6]).toEqual({ ok: true, detail: { offset: 2000, size: 1000 } });
    const a = s.proc('p')!.alloc as CBinderAlloc;
    expect(validate(a.freeBuffers)).toBeGreaterThan(0);
  });

  it('Rust: up to 8 ranges the array appends after the last range; the tree breaks ties by address', () => {
    const s = sys('rust', '16KiB');
    expect(steps(s, yaml)[6]).toEqual({ ok: true, detail: { offset: 4000, size: 1000 } });
    // With 8 ranges live the next reservation converts to the tree: best fit (size, offset).
    const t = sys('rust', '16KiB');
    const many = Array.from({ length: 8 }, (_, i) => `- alloc: { proc: p, buffer: r${i}, data: 1000 }`).join('\n');
    const out = steps(t, `${many}\n- free: { proc: p, buffer: r1 }\n- free: { proc: p, buffer: r5 }\n- alloc: { proc: p, buffer: x, data: 2000 }\n- alloc: { proc: p, buffer: y, data: 1000 }\n- alloc: { proc: p, buffer: z, data: 1000 }\n- alloc: { proc: p, buffer: w, data: 1000 }`);
    // Array (6 ranges after two frees): x and y go after the last range, not into the gaps.
    expect(out[10]).toEqual({ ok: true, detail: { offset: 8000, size: 2000 } });
    expect(out[11]).toEqual({ ok: true, detail: { offset: 10000, size: 1000 } });
    // Array full (8 ranges): the tree takes over. Gaps 1000@1000, 1000@5000, 5384@11000:
    // smallest fitting size, then lowest address.
    expect(out[12]).toEqual({ ok: true, detail: { offset: 1000, size: 1000 } });
    expect(out[13]).toEqual({ ok: true, detail: { offset: 5000, size: 1000 } });
    expect((t.proc('p')!.alloc as RustBinderAlloc).representation).toBe('tree');
  });
});

/** Pages covered by allocated buffers (whole or partial). */
function coveredPages(s: BinderSystem): Set<number> {
  const set = new Set<number>();
  for (const b of s.proc('p')!.alloc.buffers()) {
    if (b.free) continue;
    for (let i = Math.floor(b.offset / PAGE_SIZE); i < Math.ceil((b.offset + b.size) / PAGE_SIZE); i++) set.add(i);
  }
  return set;
}

describe.each(['c', 'rust'] as const)('invariants under random traffic (%s driver)', (driver) => {
  type Op = { kind: 'alloc'; size: number; oneway: boolean } | { kind: 'free'; pick: number } | { kind: 'shrink'; nr: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), size: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 20000 })), oneway: fc.boolean() }),
    fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('shrink' as const), nr: fc.integer({ min: 0, max: 12 }) }),
  );

  it('pages: counts add up, LRU = installed and not covered, buffers tile, async space balances', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const s = sys(driver);
        const p = s.proc('p')!;
        const live: { name: string; size: number; oneway: boolean }[] = [];
        let n = 0;
        let now = 0;
        for (const o of ops) {
          now += 10;
          if (o.kind === 'alloc') {
            const name = `b${n++}`;
            const out = applyBinderStep(s, parseBinderStep({ alloc: { proc: 'p', buffer: name, data: o.size, oneway: o.oneway } }), now);
            if (out.ok) live.push({ name, size: (out.detail as { size: number }).size, oneway: o.oneway });
            else expect(out.error).toBe('ENOSPC');
          } else if (o.kind === 'free') {
            if (live.length === 0) continue;
            const [v] = live.splice(o.pick % live.length, 1);
            expect(applyBinderStep(s, parseBinderStep({ free: { proc: 'p', buffer: v!.name } }), now).ok).toBe(true);
          } else {
            applyBinderStep(s, parseBinderStep({ shrink: { nr: o.nr } }), now);
          }
          const snap = binderSnapshot(s).procs[0]!;
          const c = snap.counts;
          expect(c.active + c.lru + c.free).toBe(16);
          expect(s.lruCount()).toBe(c.lru);
          // Buffers tile the mapping; no two free neighbours.
          let at = 0;
          snap.buffers.forEach((b, i) => {
            expect(b.offset).toBe(at);
            at += b.size;
            if (i > 0) expect(b.free && snap.buffers[i - 1]!.free).toBe(false);
          });
          expect(at).toBe(65536);
          // A page is on the LRU iff installed and covered by no allocated buffer; covered pages are installed.
          const cov = coveredPages(s);
          for (let i = 0; i < 16; i++) {
            const ch = snap.pages[i];
            if (cov.has(i)) expect(ch).toBe('a');
            else expect(ch === 'l' || ch === '.').toBe(true);
          }
          const asyncUsed = live.filter((l) => l.oneway).reduce((x, l) => x + l.size, 0);
          const a = p.alloc;
          expect((a instanceof CBinderAlloc ? a.freeAsyncSpace : (a as RustBinderAlloc).freeOnewaySpace) + asyncUsed).toBe(32768);
          if (a instanceof CBinderAlloc) validate(a.freeBuffers);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe('C allocator: the tally-array path agrees with the per-page record path', () => {
  /** The same traffic for both processes. */
  const rng = mulberry32;

  it('same pages_high, page stats, warnings, freelist order and tracepoint counts under random traffic', () => {
    // Records: no tally, every event through emit. Tallies: the array the allocator bumps.
    const names = new Map<string, number>();
    const emit = (e: BinderTraceEvent): void => void names.set(e.name, (names.get(e.name) ?? 0) + 1);
    const counts = new Float64Array(64);
    const listA = new BinderFreelist(256);
    const listB = new BinderFreelist(256);
    const spec = { name: 'p', pid: 1, mmapBytes: 1 << 20, driver: 'c' as const };
    const a = new BinderProc(spec, 0, listA, { now: () => 0, emit, waited: () => {} });
    const b = new BinderProc(spec, 0, listB, { now: () => 0, emit: () => {}, waited: () => {}, tally: () => true, counts });
    const allocA = a.alloc as CBinderAlloc;
    const allocB = b.alloc as CBinderAlloc;
    const next = rng(99);
    const ringA: (CBuffer | null)[] = new Array(24).fill(null);
    const ringB: (CBuffer | null)[] = new Array(24).fill(null);
    const highs = new Set<number>();
    for (let t = 0; t < 3000; t++) {
      const slot = t % ringA.length;
      if (ringA[slot]) allocA.freeBuf(ringA[slot]!);
      if (ringB[slot]) allocB.freeBuf(ringB[slot]!);
      const base = 16 << next() % 13;
      const size = base + (next() % base);
      const ra = allocA.newBufSized(size, 0, 0, false);
      const rb = allocB.newBufSized(size, 0, 0, false);
      ringA[slot] = ra instanceof CBuffer ? ra : null;
      ringB[slot] = rb instanceof CBuffer ? rb : null;
      expect(rb instanceof CBuffer ? rb.start : rb).toEqual(ra instanceof CBuffer ? ra.start : ra);
      if (t % 32 === 31) {
        const budget = next() % 64;
        listA.walk((item, list) => lruStatusOf(a.isolate(item, list, 0, emit)), undefined, budget);
        listB.walk((item, list) => lruStatusOf(b.isolate(item, list, 0, () => {})), undefined, budget);
      }
      expect(b.pages.pagesHigh).toBe(a.pages.pagesHigh);
      highs.add(a.pages.pagesHigh);
    }
    // pages_high moved many times, and the walks freed pages that were installed again.
    expect(highs.size).toBeGreaterThan(10);
    expect(a.pages.stats.refaults).toBeGreaterThan(100);
    expect(b.pages.stats).toEqual(a.pages.stats);
    expect(b.pages.counts()).toEqual(a.pages.counts());
    expect(allocB.warnings).toEqual({ lruDelMissing: 0, lruAddDuplicate: 0 });
    expect(allocA.warnings).toEqual({ lruDelMissing: 0, lruAddDuplicate: 0 });
    expect(listB.items()).toEqual(listA.items());
    for (const name of BINDER_EVENT_NAMES) expect([name, counts[BINDER_EVENT_ID[name]]]).toEqual([name, names.get(name) ?? 0]);
  });
});
