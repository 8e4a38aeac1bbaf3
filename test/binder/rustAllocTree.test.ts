/**
 * The Rust driver's tree form (more than TREE_THRESHOLD ranges) runs on two red-black trees
 * (ranges by offset, free gaps by (size, offset)) so that alloc/free cost O(log n). It must
 * behave exactly as the former linear implementation did: same placement, same pages freed,
 * same order of LRU additions. `LinearRustAlloc` below is that former implementation, kept
 * verbatim in behaviour as the reference; a fast-check differential test drives both with the
 * same random alloc/free/reclaim sequences and compares them after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageDown, pageIndex, PAGE_SIZE } from '../../src/binder/constants.js';
import { failure, type AllocEnv, type AllocRequest, type BinderFailure, type BufferView } from '../../src/binder/env.js';
import { BinderFreelist } from '../../src/binder/lru.js';
import { BinderPages } from '../../src/binder/pages.js';
import { validate, type RbRoot } from '../../src/binder/rbtree.js';
import { requestSize } from '../../src/binder/requestSize.js';
import { RustBinderAlloc, RustRange, TREE_THRESHOLD } from '../../src/binder/rustAlloc.js';

// ---------------------------------------------------------------------------------------------
// Reference: the linear (sorted array, gap scan) implementation the tree form replaced.

class RefRange {
  constructor(
    public offset: number,
    public size: number,
    public oneway: boolean,
  ) {}
  get end(): number {
    return this.offset + this.size;
  }
}

const interiorPages = (offset: number, size: number): { start: number; end: number } => ({
  start: Math.ceil(offset / PAGE_SIZE),
  end: Math.floor((offset + size) / PAGE_SIZE),
});

type RefResult = { ok: true; buffer: RefRange; size: number } | BinderFailure;

class LinearRustAlloc {
  private ranges: RefRange[] = [];
  private mode: 'empty' | 'array' | 'tree' = 'empty';
  freeOnewaySpace: number;

  constructor(
    readonly bufferSize: number,
    private readonly pages: BinderPages,
    private readonly env: AllocEnv,
  ) {
    this.freeOnewaySpace = Math.floor(bufferSize / 2);
  }

  get representation(): 'empty' | 'array' | 'tree' {
    return this.mode;
  }

  private gaps(): { offset: number; size: number }[] {
    const out: { offset: number; size: number }[] = [];
    let at = 0;
    for (const r of this.ranges) {
      if (r.offset > at) out.push({ offset: at, size: r.offset - at });
      at = r.end;
    }
    if (at < this.bufferSize) out.push({ offset: at, size: this.bufferSize - at });
    return out;
  }

  private findPlace(size: number): number | undefined {
    if (this.mode === 'tree') {
      let best: { offset: number; size: number } | undefined;
      for (const g of this.gaps()) {
        if (g.size < size) continue;
        if (!best || g.size < best.size || (g.size === best.size && g.offset < best.offset)) best = g;
      }
      return best?.offset;
    }
    const afterLast = this.ranges.length ? (this.ranges[this.ranges.length - 1] as RefRange).end : 0;
    if (size <= this.bufferSize - afterLast) return afterLast;
    let endOfPrev = 0;
    for (const r of this.ranges) {
      if (size <= r.offset - endOfPrev) return endOfPrev;
      endOfPrev = r.end;
    }
    return undefined;
  }

  newBuf(req: AllocRequest): RefResult {
    if (!this.env.mapped()) return failure('ESRCH', 'no mapping');
    const sized = requestSize(req, this.bufferSize, this.freeOnewaySpace);
    if (!sized.ok) return sized;
    const size = sized.size;
    this.env.acquire('alloc');
    if (this.mode === 'empty') this.mode = 'array';
    if (this.mode === 'array' && this.ranges.length === TREE_THRESHOLD) this.mode = 'tree';
    if (req.isAsync && this.freeOnewaySpace < size) return failure('ENOSPC', 'no async space left');
    const offset = this.findPlace(size);
    if (offset === undefined) return failure('ENOSPC', 'no address space');
    if (req.isAsync) this.freeOnewaySpace -= size;
    const r = new RefRange(offset, size, req.isAsync);
    const at = this.ranges.findIndex((x) => x.offset > offset);
    this.ranges.splice(at < 0 ? this.ranges.length : at, 0, r);
    const err = this.useRange(pageIndex(offset), Math.ceil((offset + size) / PAGE_SIZE));
    if (err) {
      this.freeBuf(r);
      return err;
    }
    return { ok: true, buffer: r, size };
  }

  private useRange(start: number, end: number): BinderFailure | undefined {
    for (let i = start; i < end; i++) {
      if (this.pages.isInstalled(i)) {
        this.pages.lruDel(i);
        continue;
      }
      this.env.acquire('mm_mutex');
      if (!this.env.mmAlive()) return failure('ESRCH', 'mm gone');
      this.env.acquire('mmap_read');
      if (!this.env.mapped()) return failure('ESRCH', 'no vma');
      if (this.env.pageAllocFails(i)) return failure('ENOMEM', 'failed to allocate page');
      this.pages.install(i);
      if (i + 1 > this.pages.pagesHigh) this.pages.pagesHigh = i + 1;
    }
    return undefined;
  }

  private stopUsingRange(start: number, end: number): void {
    for (let i = end - 1; i >= start; i--) {
      if (this.pages.isInstalled(i)) this.pages.lruAdd(i);
    }
  }

  freeBuf(r: RefRange): void {
    this.env.acquire('alloc');
    const i = this.ranges.indexOf(r);
    if (i < 0) return;
    if (r.oneway) this.freeOnewaySpace += r.size;
    const freed = interiorPages(r.offset, r.size);
    const prev = i > 0 ? (this.ranges[i - 1] as RefRange) : undefined;
    const next = i + 1 < this.ranges.length ? (this.ranges[i + 1] as RefRange) : undefined;
    if (this.mode === 'array') {
      if (r.offset % PAGE_SIZE !== 0 && (prev === undefined || prev.end <= pageDown(r.offset))) freed.start -= 1;
      if (r.end % PAGE_SIZE !== 0) {
        const pageAfter = pageDown(r.end) + PAGE_SIZE;
        if (next === undefined || pageAfter <= next.offset) freed.end += 1;
      }
    } else {
      const nextFree = (next ? next.offset : this.bufferSize) - r.end;
      const prevFree = r.offset - (prev ? prev.end : 0);
      const addNext = r.end % PAGE_SIZE === 0 ? Infinity : PAGE_SIZE - (r.end % PAGE_SIZE);
      const addPrev = r.offset % PAGE_SIZE === 0 ? Infinity : r.offset % PAGE_SIZE;
      if (nextFree > 0 && nextFree >= addNext) freed.end += 1;
      if (prevFree > 0 && prevFree >= addPrev) freed.start -= 1;
    }
    this.ranges.splice(i, 1);
    if (this.mode === 'tree' && this.ranges.length === 0) this.mode = 'empty';
    this.stopUsingRange(freed.start, freed.end);
  }

  isAllocated(r: RefRange): boolean {
    return this.ranges.includes(r);
  }

  allocatedCount(): number {
    return this.ranges.length;
  }

  buffers(): BufferView[] {
    const out: BufferView[] = [];
    let at = 0;
    for (const r of this.ranges) {
      if (r.offset > at) out.push({ offset: at, size: r.offset - at, free: true, async: false });
      out.push({ offset: r.offset, size: r.size, free: false, async: r.oneway });
      at = r.end;
    }
    if (at < this.bufferSize) out.push({ offset: at, size: this.bufferSize - at, free: true, async: false });
    return out;
  }

  release(): { buffers: number; pages: number } {
    const buffers = this.ranges.length;
    for (const r of [...this.ranges]) this.freeBuf(r);
    return { buffers, pages: this.pages.releaseAll() };
  }
}

// ---------------------------------------------------------------------------------------------
// Harness: one side = an allocator with its own pages, freelist and environment.

const NR_PAGES = 16; // 64 KiB mapping
const BUFFER_SIZE = NR_PAGES * PAGE_SIZE;

interface Side<A> {
  alloc: A;
  pages: BinderPages;
  freelist: BinderFreelist;
  /** Page indices whose installation fails during the current step. */
  failing: Set<number>;
}

function side<A>(make: (pages: BinderPages, env: AllocEnv) => A): Side<A> {
  const freelist = new BinderFreelist();
  const pages = new BinderPages(NR_PAGES, 0, freelist);
  const failing = new Set<number>();
  const env: AllocEnv = {
    pid: 1,
    mmAlive: () => true,
    mapped: () => true,
    acquire: () => {},
    emit: () => {},
    pageAllocFails: (i) => failing.has(i),
  };
  return { alloc: make(pages, env), pages, freelist, failing };
}

/** What the shrinker does to one LRU page: isolate it and free its memory. */
function reclaim(s: Side<unknown>, page: number): void {
  if (!s.pages.onLru(page)) return;
  s.freelist.del(s.pages.item(page));
  s.pages.noteIsolated();
  s.pages.uninstall(page, true);
}

type Op =
  | { kind: 'alloc'; data: number; oneway: boolean; failPage: number | null }
  | { kind: 'free'; pick: number }
  | { kind: 'reclaim'; page: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('alloc' as const),
      // Mostly small buffers (many live ranges → tree form), some page-crossing ones.
      data: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 700 }) }, { weight: 1, arbitrary: fc.integer({ min: 701, max: 9000 }) }),
      oneway: fc.boolean(),
      failPage: fc.option(fc.integer({ min: 0, max: NR_PAGES - 1 }), { freq: 8 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reclaim' as const), page: fc.integer({ min: 0, max: NR_PAGES - 1 }) }) },
);

function compare(tree: Side<RustBinderAlloc>, ref: Side<LinearRustAlloc>, live: [RustRange, RefRange][], dead: [RustRange, RefRange][]): void {
  expect(tree.alloc.representation).toBe(ref.alloc.representation);
  expect(tree.alloc.freeOnewaySpace).toBe(ref.alloc.freeOnewaySpace);
  expect(tree.alloc.allocatedCount()).toBe(ref.alloc.allocatedCount());
  expect(tree.alloc.buffers()).toEqual(ref.alloc.buffers());
  expect(tree.pages.stateString()).toBe(ref.pages.stateString());
  expect(tree.freelist.items()).toEqual(ref.freelist.items());
  expect(tree.pages.pagesHigh).toBe(ref.pages.pagesHigh);
  expect(tree.pages.stats).toEqual(ref.pages.stats);
  for (const [t, r] of live) {
    expect(tree.alloc.isAllocated(t)).toBe(true);
    expect(ref.alloc.isAllocated(r)).toBe(true);
  }
  for (const [t] of dead) expect(tree.alloc.isAllocated(t)).toBe(false);
  // Both trees stay valid red-black trees (private fields, read for the check only).
  const inner = tree.alloc as unknown as { byOffset: RbRoot<RustRange>; freeTree: RbRoot<RustRange> };
  validate(inner.byOffset);
  validate(inner.freeTree);
}

interface RunStats {
  maxLive: number;
  treeSteps: number;
}

function run(ops: Op[], freeOrder: number[], endWithRelease: boolean): RunStats {
  const tree = side((p, e) => new RustBinderAlloc(BUFFER_SIZE, p, e));
  const ref = side((p, e) => new LinearRustAlloc(BUFFER_SIZE, p, e));
  const live: [RustRange, RefRange][] = [];
  const dead: [RustRange, RefRange][] = [];
  const stats: RunStats = { maxLive: 0, treeSteps: 0 };
  const freeAt = (pick: number): void => {
    if (live.length === 0) return;
    const [pair] = live.splice(pick % live.length, 1) as [[RustRange, RefRange]];
    tree.alloc.freeBuf(pair[0]);
    ref.alloc.freeBuf(pair[1]);
    dead.push(pair);
    // Freeing twice is a no-op on both.
    tree.alloc.freeBuf(pair[0]);
    ref.alloc.freeBuf(pair[1]);
  };
  for (const op of ops) {
    if (op.kind === 'alloc') {
      tree.failing.clear();
      ref.failing.clear();
      if (op.failPage !== null) {
        tree.failing.add(op.failPage);
        ref.failing.add(op.failPage);
      }
      const req: AllocRequest = { dataSize: BigInt(op.data), offsetsSize: 0n, extraSize: 0n, isAsync: op.oneway };
      const a = tree.alloc.newBuf(req);
      const b = ref.alloc.newBuf(req);
      expect(a.ok).toBe(b.ok);
      if (a.ok && b.ok) {
        expect([a.buffer.offset, a.buffer.size, a.buffer.oneway, a.size]).toEqual([b.buffer.offset, b.buffer.size, b.buffer.oneway, b.size]);
        live.push([a.buffer, b.buffer]);
      } else {
        expect(a).toEqual(b);
      }
    } else if (op.kind === 'free') {
      freeAt(op.pick);
    } else {
      reclaim(tree, op.page);
      reclaim(ref, op.page);
    }
    stats.maxLive = Math.max(stats.maxLive, live.length);
    if (tree.alloc.representation === 'tree') stats.treeSteps++;
    compare(tree, ref, live, dead);
  }
  if (endWithRelease) {
    expect(tree.alloc.release()).toEqual(ref.alloc.release());
    dead.push(...live.splice(0));
  } else {
    // Back to empty, in a random order.
    for (const pick of freeOrder) freeAt(pick);
    while (live.length) freeAt(0);
  }
  compare(tree, ref, live, dead);
  expect(tree.alloc.allocatedCount()).toBe(0);
  return stats;
}

describe('Rust driver tree form vs the linear reference (differential)', () => {
  it('random alloc/free/reclaim sequences give identical offsets, results and page states', () => {
    let reachedTree = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 20, maxLength: 160, size: 'max' }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        (ops, freeOrder, endWithRelease) => {
          const s = run(ops, freeOrder, endWithRelease);
          runs++;
          if (s.maxLive > TREE_THRESHOLD && s.treeSteps > 0) reachedTree++;
        },
      ),
      { numRuns: 200, seed: 1311 },
    );
    // The comparison is only worth something if the tree form was actually exercised.
    expect(reachedTree).toBeGreaterThan(runs / 2);
  });

  it('a fixed sequence: 12 small buffers, frees of every other one, then best fit by (size, offset)', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 12; i++) ops.push({ kind: 'alloc', data: 1000 + (i % 3) * 8, oneway: i % 2 === 0, failPage: null });
    const s = run(ops, [], false);
    expect(s.maxLive).toBe(12);
    expect(s.treeSteps).toBeGreaterThan(0);
  });

  it('tree form: hand-checked placement and pages after frees', () => {
    const tree = side((p, e) => new RustBinderAlloc(BUFFER_SIZE, p, e));
    const req = (data: number): AllocRequest => ({ dataSize: BigInt(data), offsetsSize: 0n, extraSize: 0n, isAsync: false });
    const bufs: RustRange[] = [];
    // Nine 1000-byte buffers: 0, 1000, …, 8000 (the ninth converts the array to the tree).
    for (let i = 0; i < 9; i++) {
      const r = tree.alloc.newBuf(req(1000));
      if (!r.ok) throw new Error('alloc failed');
      bufs.push(r.buffer);
    }
    expect(tree.alloc.representation).toBe('tree');
    expect(bufs.map((b) => b.offset)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    // Free [1000,2000) and [5000,6000): gaps of 1000 at 1000 and 5000, and the tail from 9000.
    tree.alloc.freeBuf(bufs[1]!);
    tree.alloc.freeBuf(bufs[5]!);
    // Pages 0..2 are still touched by neighbours: nothing reaches the LRU.
    expect(tree.freelist.items()).toEqual([]);
    // Best fit for 1000 bytes: equal sizes 1000 → lowest address 1000 (not the tail, not 5000).
    const a = tree.alloc.newBuf(req(1000));
    expect(a.ok && a.buffer.offset).toBe(1000);
    // 600 bytes: smallest gap that fits is [5000,6000) → 5000; the rest [5600,6000) stays free.
    const b = tree.alloc.newBuf(req(600));
    expect(b.ok && b.buffer.offset).toBe(5000);
    // 400 bytes fit exactly into [5600,6000).
    const c = tree.alloc.newBuf(req(400));
    expect(c.ok && c.buffer.offset).toBe(5600);
    // Free [8000,9000): no whole page inside; the free neighbour [9000,65536) covers the rest
    // of page 2 (12288 - 9000 = 3288 bytes), so page 2 is freed; the allocated neighbour
    // [7000,8000) keeps page 1. Only page 2 joins the LRU.
    tree.alloc.freeBuf(bufs[8]!);
    expect(tree.freelist.items()).toEqual([2]);
  });
});
