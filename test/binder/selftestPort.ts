/**
 * The kernel's own allocator test (drivers/android/binder_alloc_selftest.c; KUnit port
 * binder_alloc_kunit.c in newer kernels), ported.
 *
 * Five buffers whose end offsets walk the alignment cases around page boundaries (same page
 * unaligned / aligned, next page unaligned / aligned, next-next page unaligned; 5^5
 * combinations), placed at the front and at the back of the mapping, allocated, freed in every
 * one of the 5! orders, re-allocated (served from the LRU: the LRU must end empty), freed
 * again, and finally shrunk until every page of the mapping is free.
 */
import { PAGE_SIZE } from '../../src/binder/constants.js';
import type { CBinderAlloc, CBuffer } from '../../src/binder/cAlloc.js';
import {
  createBinderSystem,
  type BinderPages,
  type BinderProc,
  type BinderSystem,
} from '../../src/binder/index.js';

export const BUFFER_NUM = 5;
export const BUFFER_MIN_SIZE = PAGE_SIZE / 8;
export const MMAP = 64 * 1024;

/** Every end-offset vector of the kernel test (5^5), built as its recursion does. */
export function endOffsetVectors(): number[][] {
  const out: number[][] = [];
  const ends = new Array<number>(BUFFER_NUM).fill(0);
  const rec = (index: number): void => {
    if (index === BUFFER_NUM) {
      out.push([...ends]);
      return;
    }
    let end = index === 0 ? 0 : (ends[index - 1] as number);
    for (let align = 0; align < 5; align++) {
      // Odd cases align up to a page; even cases add the minimum size (cumulatively).
      end = align % 2 ? Math.ceil(end / PAGE_SIZE) * PAGE_SIZE : end + BUFFER_MIN_SIZE;
      ends[index] = end;
      rec(index + 1);
    }
  };
  rec(0);
  return out;
}

export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const seq: number[] = [];
  const rec = (): void => {
    if (seq.length === n) {
      out.push([...seq]);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (seq.includes(i)) continue;
      seq.push(i);
      rec();
      seq.pop();
    }
  };
  rec();
  return out;
}

/** front sizes, back sizes (reversed, first one enlarged so the buffers end at the mapping's end), and their `end`. */
export function sizeVectors(ends: number[], bufferSize: number): { sizes: number[]; end: number }[] {
  const front: number[] = [];
  const back = new Array<number>(BUFFER_NUM).fill(0);
  let offset = 0;
  for (let i = 0; i < BUFFER_NUM; i++) {
    const last = offset;
    offset = ends[i] as number;
    front[i] = offset - last;
    back[BUFFER_NUM - i - 1] = front[i] as number;
  }
  back[0] = (back[0] as number) + bufferSize - (ends[BUFFER_NUM - 1] as number);
  return [
    { sizes: front, end: ends[BUFFER_NUM - 1] as number },
    { sizes: back, end: bufferSize },
  ];
}

/** The kernel test's checks, on the direct allocator API (fast path for the exhaustive run). */
export class DirectRunner {
  readonly system: BinderSystem;
  readonly alloc: CBinderAlloc;
  private readonly pages: BinderPages;
  failures: string[] = [];
  constructor() {
    this.system = createBinderSystem({ procs: [{ name: 'p', mmap: MMAP, driver: 'c' }] });
    const p = this.system.proc('p') as BinderProc;
    this.alloc = p.alloc as CBinderAlloc;
    this.pages = p.pages;
  }
  private allocAll(sizes: number[], what: { toString(): string }): CBuffer[] {
    return sizes.map((s, i) => {
      const r = this.alloc.newBuf({ dataSize: BigInt(s), offsetsSize: 0n, extraSize: 0n, isAsync: false });
      if (!r.ok) {
        this.failures.push(`${what}: alloc ${i} failed ${r.reason}`);
        throw new Error('stop');
      }
      // check_buffer_pages_allocated: every page from the start to ALIGN(end) installed, off the LRU.
      for (let a = r.buffer.start; a < Math.ceil((r.buffer.start + s) / PAGE_SIZE) * PAGE_SIZE; a += PAGE_SIZE) {
        const pi = Math.floor(a / PAGE_SIZE);
        if (!this.pages.isInstalled(pi) || this.pages.onLru(pi)) this.failures.push(`${what}: expect alloc at page ${pi}`);
      }
      return r.buffer;
    });
  }
  private freeAll(bufs: CBuffer[], seq: number[], end: number, what: { toString(): string }): void {
    for (const i of seq) this.alloc.freeBuf(bufs[i] as CBuffer);
    for (let pi = 0; pi < end / PAGE_SIZE; pi++) {
      if (!this.pages.onLru(pi)) this.failures.push(`${what}: expect lru at page ${pi}`);
    }
  }
  run(sizes: number[], seq: number[], end: number): void {
    const what = { toString: () => `sizes ${sizes} order ${seq}` };
    try {
      let bufs = this.allocAll(sizes, what);
      this.freeAll(bufs, seq, end, what);
      bufs = this.allocAll(sizes, what);
      if (this.system.lruCount() !== 0) this.failures.push(`${what}: lru list should be empty`);
      this.freeAll(bufs, seq, end, what);
      this.system.shrinkAll();
      for (let pi = 0; pi < this.pages.nrPages; pi++) {
        if (this.pages.isInstalled(pi)) this.failures.push(`${what}: expect free at page ${pi}`);
      }
      if (this.alloc.buffers().length !== 1) this.failures.push(`${what}: buffers did not merge back`);
    } catch (e) {
      if ((e as Error).message !== 'stop') throw e;
    }
  }
}


/**
 * The exhaustive run of one placement: every alignment case with the buffers at the `front`
 * or the `back` of the mapping, each freed in all 5! orders, on one runner.
 */
export function runExhaustive(placement: 'front' | 'back'): DirectRunner {
  const r = new DirectRunner();
  const orders = permutations(BUFFER_NUM);
  for (const ends of endOffsetVectors()) {
    const { sizes, end } = sizeVectors(ends, MMAP)[placement === 'front' ? 0 : 1]!;
    for (const seq of orders) r.run(sizes, seq, end);
  }
  return r;
}
