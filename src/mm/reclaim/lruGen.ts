/**
 * The generations of one multi-gen LRU lruvec (`struct lru_gen_folio`, mm/vmscan.c 6.12),
 * reduced to page counts: for each type (anon, file) a sliding window of generations
 * `min_seq[type] … max_seq`, at most MAX_NR_GENS wide, with the pages of each.
 *
 * - Aging (`inc_max_seq`) opens a new, empty youngest generation; if the window is already
 *   MAX_NR_GENS wide, the oldest generation is first folded into the next one
 *   (`inc_min_seq`). The model has no accessed bits, so aging promotes no page.
 * - Eviction (`scan_folios`) takes from the oldest generation of a type, at most
 *   MIN_LRU_BATCH pages per batch, and never from a type that is down to MIN_NR_GENS.
 * - `try_to_inc_min_seq` moves `min_seq` past generations that eviction emptied.
 * - New page cache joins `min_seq[file]`, new anon `max_seq - 1` (`lru_gen_folio_seq` for an
 *   inactive folio). Pages freed outside reclaim leave from the oldest generation.
 * - Hot pages (`hot[type]`: mapped page cache in use) join `max_seq`, and every aging moves
 *   them on to the new youngest generation: the page-table walk finds them accessed. So they
 *   are never evicted, and a lruvec made mostly of them ages often and yields little.
 *
 * Invariants: `minSeq[t] ≤ maxSeq`, `maxSeq - minSeq[t] + 1 ≤ MAX_NR_GENS`, every count ≥ 0,
 * and `size(t)` is the sum of the window's counts.
 */

/** include/linux/mmzone.h */
export const MIN_NR_GENS = 2;
export const MAX_NR_GENS = 4;

export const LRU_GEN_ANON = 0;
export const LRU_GEN_FILE = 1;
export type LruGenType = typeof LRU_GEN_ANON | typeof LRU_GEN_FILE;

/** `lru_gen_from_seq()` */
const genOf = (seq: number): number => seq % MAX_NR_GENS;

export class LruGen {
  /** `lru_gen_init_lruvec`: max_seq = MIN_NR_GENS + 1, min_seq = 0. */
  maxSeq = MIN_NR_GENS + 1;
  readonly minSeq: [number, number] = [0, 0];
  /** Pages kept in the youngest generation by aging (accessed at every walk). */
  readonly hot: [number, number] = [0, 0];
  /** `nr_pages[gen][type]` summed over zones. */
  private readonly nrPages: number[][] = Array.from({ length: MAX_NR_GENS }, () => [0, 0]);

  /** `get_nr_gens()` */
  nrGens(type: LruGenType): number {
    return this.maxSeq - this.minSeq[type] + 1;
  }

  pagesAt(seq: number, type: LruGenType): number {
    return this.nrPages[genOf(seq)]?.[type] ?? 0;
  }

  private addAt(seq: number, type: LruGenType, n: number): void {
    const g = this.nrPages[genOf(seq)] as number[];
    g[type] = (g[type] ?? 0) + n;
  }

  size(type: LruGenType): number {
    let s = 0;
    for (let seq = this.minSeq[type]; seq <= this.maxSeq; seq++) s += this.pagesAt(seq, type);
    return s;
  }

  /** Pages the evictable types hold (`for (type = !can_swap; …)`). */
  evictableSize(canSwap: boolean): number {
    return (canSwap ? this.size(LRU_GEN_ANON) : 0) + this.size(LRU_GEN_FILE);
  }

  /** New pages: `hot` of them join max_seq; an inactive file folio min_seq, an anon one max_seq - 1. */
  add(type: LruGenType, n: number, hot = 0): void {
    if (n <= 0) return;
    const h = Math.min(n, Math.max(0, hot));
    this.addAt(this.maxSeq, type, h);
    this.hot[type] += h;
    this.addAt(type === LRU_GEN_FILE ? this.minSeq[type] : this.maxSeq - 1, type, n - h);
  }

  /** Pages freed outside reclaim (truncation, unmap): taken from the oldest generations. */
  remove(type: LruGenType, n: number): number {
    let left = n;
    for (let seq = this.minSeq[type]; seq <= this.maxSeq && left > 0; seq++) {
      const got = Math.min(left, this.pagesAt(seq, type));
      this.addAt(seq, type, -got);
      left -= got;
    }
    this.hot[type] = Math.min(this.hot[type], this.size(type));
    return n - left;
  }

  /**
   * `should_run_aging()`: whether aging is due, and the lruvec's evictable size. Out of cold
   * pages (window of MIN_NR_GENS) → aging, size 0. A window wider than MIN_NR_GENS + 1 → no
   * aging. At exactly MIN_NR_GENS + 1 generations, age when the youngest holds more than
   * 1/MIN_NR_GENS of the pages or the oldest-but-one less than 1/(MIN_NR_GENS + 2).
   */
  shouldRunAging(canSwap: boolean): { run: boolean; nrToScan: number } {
    const t0 = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE;
    if (this.minSeq[t0] + MIN_NR_GENS > this.maxSeq) return { run: true, nrToScan: 0 };
    let total = 0;
    let young = 0;
    let old = 0;
    for (let type = t0; type <= LRU_GEN_FILE; type++) {
      for (let seq = this.minSeq[type as LruGenType]; seq <= this.maxSeq; seq++) {
        const size = this.pagesAt(seq, type as LruGenType);
        total += size;
        if (seq === this.maxSeq) young += size;
        else if (seq + MIN_NR_GENS === this.maxSeq) old += size;
      }
    }
    if (this.minSeq[t0] + MIN_NR_GENS < this.maxSeq) return { run: false, nrToScan: total };
    return { run: young * MIN_NR_GENS > total || old * (MIN_NR_GENS + 2) < total, nrToScan: total };
  }

  /**
   * `inc_max_seq()`: a type whose window is MAX_NR_GENS wide first drops its oldest
   * generation (`inc_min_seq` folds its pages into the next one), then max_seq moves on and
   * the new youngest generation is empty.
   */
  incMaxSeq(): void {
    for (let type = LRU_GEN_FILE; type >= LRU_GEN_ANON; type--) {
      const t = type as LruGenType;
      if (this.nrGens(t) !== MAX_NR_GENS) continue;
      const moved = this.pagesAt(this.minSeq[t], t);
      this.addAt(this.minSeq[t], t, -moved);
      this.minSeq[t]++;
      this.addAt(this.minSeq[t], t, moved);
    }
    this.maxSeq++;
    const fresh = this.nrPages[genOf(this.maxSeq)] as number[];
    fresh[LRU_GEN_ANON] = 0;
    fresh[LRU_GEN_FILE] = 0;
    for (let type = LRU_GEN_ANON; type <= LRU_GEN_FILE; type++) {
      const t = type as LruGenType;
      const promoted = Math.min(this.hot[t], this.pagesAt(this.maxSeq - 1, t));
      this.addAt(this.maxSeq - 1, t, -promoted);
      this.addAt(this.maxSeq, t, promoted);
    }
  }

  /**
   * `try_to_inc_min_seq()`: skip empty oldest generations while more than MIN_NR_GENS remain;
   * with swap, file's min_seq may not pass anon's. Returns whether any min_seq moved.
   */
  tryIncMinSeq(canSwap: boolean): boolean {
    let moved = false;
    const next: [number, number] = [this.minSeq[0], this.minSeq[1]];
    for (let type = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE; type <= LRU_GEN_FILE; type++) {
      const t = type as LruGenType;
      while (next[t] + MIN_NR_GENS <= this.maxSeq && this.pagesAt(next[t], t) === 0) next[t]++;
    }
    if (canSwap) {
      next[LRU_GEN_ANON] = Math.min(next[LRU_GEN_ANON], next[LRU_GEN_FILE]);
      next[LRU_GEN_FILE] = Math.max(next[LRU_GEN_ANON], this.minSeq[LRU_GEN_FILE]);
    }
    for (let type = canSwap ? LRU_GEN_ANON : LRU_GEN_FILE; type <= LRU_GEN_FILE; type++) {
      const t = type as LruGenType;
      if (next[t] === this.minSeq[t]) continue;
      this.minSeq[t] = next[t];
      moved = true;
    }
    return moved;
  }

  /**
   * `scan_folios()` for `type`, up to `maxPages` (whole batches, sized by the caller): every
   * page of the oldest generation is cold and clean in the model, so each batch isolates and
   * reclaims up to MIN_LRU_BATCH pages, ending early only when the generation runs out.
   * Returns the pages taken; 0 when the type is down to MIN_NR_GENS or its oldest generation
   * is empty.
   */
  takeOldest(type: LruGenType, maxPages: number): number {
    if (this.nrGens(type) === MIN_NR_GENS) return 0;
    const seq = this.minSeq[type];
    const got = Math.max(0, Math.min(maxPages, this.pagesAt(seq, type)));
    this.addAt(seq, type, -got);
    return got;
  }
}
