/**
 * The per-node memcg LRU of MGLRU (`struct lru_gen_memcg`, mm/vmscan.c 6.12): which memcg
 * global reclaim visits next.
 *
 * Memcgs are in two generations, old (`seq`) and young (`seq + 1`), indexed modulo
 * MEMCG_NR_GENS (3, so that a stale read of seq - 1 never aliases young). Each generation is
 * sharded into MEMCG_NR_BINS lists; a memcg sits in one list, with a `seg` (head, tail or
 * default). `shrink_many` walks the old generation from a random bin; after each memcg it
 * applies the `op` shrink_one returned (`lru_gen_rotate_memcg`), which moves the memcg to a
 * random bin: MEMCG_LRU_TAIL to the tail of one in its own generation (so the same walk can
 * meet it again), MEMCG_LRU_YOUNG to the tail of one in the young generation. When the old
 * generation empties, `seq` moves on and the young one becomes old.
 *
 * Every random bin comes from `draw(MEMCG_NR_BINS)` (`get_random_u32_below`), a seeded
 * stream of the run, so a seed fixes the walk.
 */

export const MEMCG_NR_GENS = 3;
export const MEMCG_NR_BINS = 8;

/** `enum { MEMCG_LRU_NOP, MEMCG_LRU_HEAD, MEMCG_LRU_TAIL, MEMCG_LRU_OLD, MEMCG_LRU_YOUNG }` */
export const MEMCG_LRU_NOP = 0;
export const MEMCG_LRU_HEAD = 1;
export const MEMCG_LRU_TAIL = 2;
export const MEMCG_LRU_OLD = 3;
export const MEMCG_LRU_YOUNG = 4;
export type MemcgLruOp = 0 | 1 | 2 | 3 | 4;

/** `get_random_u32_below(n)`: a uniform integer in [0, n). */
export type DrawFn = (n: number) => number;

/** What the memcg LRU knows of one lruvec (`lrugen->gen`, `lrugen->seg`, its list). */
export interface MemcgLruEntry {
  gen: number;
  seg: number;
  list: MemcgLruEntry[] | null;
}

export const getMemcgGen = (seq: number): number => seq % MEMCG_NR_GENS;
export const getMemcgBin = (bin: number): number => bin % MEMCG_NR_BINS;

export class MemcgLru {
  /** `memcg_lru.seq`: its remainder indexes the old generation. */
  seq = 0;
  readonly nrMemcgs: number[] = new Array<number>(MEMCG_NR_GENS).fill(0);
  /** `fifo[gen][bin]`, each an ordered list (head first). */
  readonly fifo: MemcgLruEntry[][][] = Array.from({ length: MEMCG_NR_GENS }, () =>
    Array.from({ length: MEMCG_NR_BINS }, () => [] as MemcgLruEntry[]),
  );

  constructor(private readonly draw: DrawFn) {}

  /** `lru_gen_online_memcg`: tail of a random bin in the old generation. */
  online(e: MemcgLruEntry): void {
    const bin = this.draw(MEMCG_NR_BINS);
    const gen = getMemcgGen(this.seq);
    const list = this.fifo[gen]?.[bin] as MemcgLruEntry[];
    list.push(e);
    e.gen = gen;
    e.seg = 0;
    e.list = list;
    this.nrMemcgs[gen] = (this.nrMemcgs[gen] ?? 0) + 1;
  }

  /** `lru_gen_offline_memcg` + release: the memcg leaves the lists. */
  remove(e: MemcgLruEntry): void {
    if (!e.list) return;
    const i = e.list.indexOf(e);
    if (i >= 0) e.list.splice(i, 1);
    e.list = null;
    this.nrMemcgs[e.gen] = (this.nrMemcgs[e.gen] ?? 0) - 1;
    if (!this.nrMemcgs[e.gen] && e.gen === getMemcgGen(this.seq)) this.seq++;
  }

  /** `lru_gen_rotate_memcg(lruvec, op)` */
  rotate(e: MemcgLruEntry, op: MemcgLruOp): void {
    const bin = this.draw(MEMCG_NR_BINS);
    const old = e.gen;
    let gen = old;
    let seg = 0;
    if (op === MEMCG_LRU_HEAD) seg = MEMCG_LRU_HEAD;
    else if (op === MEMCG_LRU_TAIL) seg = MEMCG_LRU_TAIL;
    else if (op === MEMCG_LRU_OLD) gen = getMemcgGen(this.seq);
    else if (op === MEMCG_LRU_YOUNG) gen = getMemcgGen(this.seq + 1);
    e.seg = seg;
    e.gen = gen;
    if (e.list) {
      const i = e.list.indexOf(e);
      if (i >= 0) e.list.splice(i, 1);
    }
    const list = this.fifo[gen]?.[bin] as MemcgLruEntry[];
    if (op === MEMCG_LRU_HEAD || op === MEMCG_LRU_OLD) list.unshift(e);
    else list.push(e);
    e.list = list;
    this.nrMemcgs[old] = (this.nrMemcgs[old] ?? 0) - 1;
    this.nrMemcgs[gen] = (this.nrMemcgs[gen] ?? 0) + 1;
    if (!this.nrMemcgs[old] && old === getMemcgGen(this.seq)) this.seq++;
  }
}

/** `hlist_nulls` successor of `e` in `list` (undefined = the nulls marker). */
export function nextInList<T extends MemcgLruEntry>(list: readonly MemcgLruEntry[], e: T): T | undefined {
  const i = list.indexOf(e);
  return i < 0 ? undefined : (list[i + 1] as T | undefined);
}
