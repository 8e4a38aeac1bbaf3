/**
 * The kernel's binder_alloc selftest through the script interface: steps of exactly the YAML
 * shape (parsed from YAML text), applied with applyBinderStep, checked on the snapshot JSON
 * (`pages` string, `counts`, `buffers`). A selection of alignment cases with every free order;
 * the exhaustive run of all cases is in selftestFront/Back on the direct API.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { PAGE_SIZE } from '../../src/binder/constants.js';
import {
  applyBinderStep,
  createBinderSystem,
  parseBinderStep,
  type BinderProcSnapshot,
  type BinderSnapshot,
  type BinderSystem,
} from '../../src/binder/index.js';
import { endOffsetVectors, MMAP, permutations, sizeVectors } from './selftestPort.js';

const SCENARIO = `
binder:
  procs:
    - { name: sm, mmap: 64KiB, driver: c }
`;

function run(system: BinderSystem, yamlSteps: string): { snaps: Map<string, BinderProcSnapshot>; errors: string[] } {
  const steps = parseYaml(yamlSteps) as unknown[];
  const snaps = new Map<string, BinderProcSnapshot>();
  const errors: string[] = [];
  let now = 0;
  for (const raw of steps) {
    const out = applyBinderStep(system, parseBinderStep(raw), (now += 1000));
    if (!out.ok) errors.push(`${JSON.stringify(raw)}: ${out.error} ${out.reason}`);
    else if (out.detail && 'label' in out.detail) {
      const b = out.detail['binder'] as BinderSnapshot;
      snaps.set(out.detail['label'] as string, b.procs[0] as BinderProcSnapshot);
    }
  }
  return { snaps, errors };
}

/** The selftest's scenario for one size vector and free order, as YAML. */
function selftestYaml(sizes: number[], seq: number[]): string {
  const alloc = sizes.map((s, i) => ({ alloc: { proc: 'sm', buffer: `b${i}`, data: s } }));
  const free = seq.map((i) => ({ free: { proc: 'sm', buffer: `b${i}` } }));
  return stringify([
    ...alloc,
    { snapshot: { label: 'allocated' } },
    ...free,
    { snapshot: { label: 'freed' } },
    ...alloc,
    { snapshot: { label: 'realloc' } },
    ...free,
    { shrink: { nr: 'all' } },
    { snapshot: { label: 'shrunk' } },
  ]);
}

/** Pages `[floor(start/4096), ceil(end/4096))` of each buffer must be active. */
function coveredPages(sizes: number[]): Set<number> {
  const s = new Set<number>();
  let at = 0;
  for (const size of sizes) {
    for (let p = Math.floor(at / PAGE_SIZE); p < Math.ceil((at + size) / PAGE_SIZE); p++) s.add(p);
    at += size;
  }
  return s;
}

describe('selftest through the script interface', () => {
  const config = parseYaml(SCENARIO) as { binder: unknown };
  const vectors = endOffsetVectors();
  // The first, last and a spread of cases in between; every free order for each.
  const picked = [0, 1, 7, 31, 156, 624, 1562, 2000, 3124].map((i) => vectors[i] as number[]);

  it.each(picked.map((v) => [v.join(',')] as const))('end offsets %s: every free order, front and back', (key) => {
    const ends = key.split(',').map(Number);
    for (const { sizes, end } of sizeVectors(ends, MMAP)) {
      const covered = coveredPages(sizes);
      for (const seq of permutations(5)) {
        const system = createBinderSystem(config.binder as never);
        const { snaps, errors } = run(system, selftestYaml(sizes, seq));
        expect(errors).toEqual([]);
        const allocated = snaps.get('allocated') as BinderProcSnapshot;
        for (const p of covered) expect(allocated.pages[p]).toBe('a');
        expect(allocated.buffers.filter((b) => !b.free).map((b) => b.size)).toEqual(sizes);
        const freed = snaps.get('freed') as BinderProcSnapshot;
        // Every page below `end` is on the LRU once all five are freed.
        expect(freed.pages.slice(0, end / PAGE_SIZE)).toBe('l'.repeat(end / PAGE_SIZE));
        expect(freed.buffers).toEqual([{ name: null, offset: 0, size: MMAP, free: true }]);
        // Re-allocation reuses the LRU pages: none left on the LRU.
        const realloc = snaps.get('realloc') as BinderProcSnapshot;
        expect(realloc.counts.lru).toBe(0);
        const shrunk = snaps.get('shrunk') as BinderProcSnapshot;
        expect(shrunk.pages).toBe('.'.repeat(MMAP / PAGE_SIZE));
        expect(shrunk.counts).toEqual({ active: 0, lru: 0, free: MMAP / PAGE_SIZE });
      }
    }
  });

  it('builds the 5^5 end-offset cases the kernel test walks', () => {
    expect(vectors).toHaveLength(3125);
    expect(vectors[0]).toEqual([512, 1024, 1536, 2048, 2560]);
    // "next-next page unaligned" from the previous end e: PAGE_ALIGN(e + 512) + 4096 + 512.
    expect(vectors[3124]).toEqual([8704, 16896, 25088, 33280, 41472]);
    expect(permutations(5)).toHaveLength(120);
  });

  it('pins one case by hand: 512-byte buffers in page 0 freed out of order', () => {
    const system = createBinderSystem(config.binder as never);
    const { snaps } = run(
      system,
      `
- alloc: { proc: sm, buffer: a, data: 512 }
- alloc: { proc: sm, buffer: b, data: 512 }
- alloc: { proc: sm, buffer: c, data: 3584 }
- alloc: { proc: sm, buffer: d, data: 5000 }
- snapshot: { label: s1 }
- free: { proc: sm, buffer: b }
- free: { proc: sm, buffer: d }
- snapshot: { label: s2 }
- free: { proc: sm, buffer: a }
- free: { proc: sm, buffer: c }
- snapshot: { label: s3 }
`,
    );
    // a [0,512) b [512,1024) c [1024,4608) d [4608,9608) → pages 0,1,2 active.
    expect(snaps.get('s1')?.pages).toBe('aaa' + '.'.repeat(13));
    expect(snaps.get('s1')?.buffers.at(-1)).toEqual({ name: null, offset: 9608, size: MMAP - 9608, free: true });
    // Freeing b (inside page 0) frees no whole page (its range 4096..0 is empty). Freeing d:
    // its own whole-page range 8192..8192 is empty, but merging the free tail (which starts
    // in page 2, after d's start page) puts page 2 on the LRU; page 1 stays shared with c.
    expect(snaps.get('s2')?.pages).toBe('aal' + '.'.repeat(13));
    expect(snaps.get('s3')?.pages).toBe('lll' + '.'.repeat(13));
    expect(snaps.get('s3')?.counts).toEqual({ active: 0, lru: 3, free: 13 });
  });
});
