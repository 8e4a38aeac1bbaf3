/**
 * The MGLRU state of one node: one lruvec (generations, lruGen.ts) per memcg, and the node's
 * memcg LRU (memcgLru.ts).
 *
 * The node's page counts (NodeMemory.file / .anon) stay the truth; the lruvecs split them by
 * memcg. Each memcg owns its configured share of the node's LRU pages (`lruShare`, default
 * 0), the root memcg the rest. Pages that arrived or left outside reclaim since the last
 * reclaim pass (allocations, truncation, drop_caches, exits) are settled at the start of the
 * next pass (`sync`): new pages join each lruvec by share, departed ones leave the oldest
 * generations in proportion to what each lruvec holds. Of the added page cache, the node's
 * mapped share is hot (lruGen.ts).
 *
 * Memcgs come online in walk order (the root first), each into a random bin of the old
 * generation, when the node's state is first built; memcgs created later join at the next
 * sync, memcgs gone from the walk leave the lists.
 */
import type { MemcgRef } from '../shrinker/types.js';
import { LRU_GEN_ANON, LRU_GEN_FILE, LruGen, type LruGenType } from './lruGen.js';
import { MemcgLru, type DrawFn, type MemcgLruEntry } from './memcgLru.js';
import type { NodeMemory } from './nodeMemory.js';

export interface MglruLruvec extends MemcgLruEntry {
  readonly memcg: MemcgRef | null;
  readonly lrugen: LruGen;
  /** Share of the node's LRU pages charged to this memcg (the root: what the others leave). */
  share: number;
}

export interface MglruHost {
  /** Every online memcg, pre-order from the root. */
  memcgs(): readonly (MemcgRef | null)[];
  /** The configured share of a non-root memcg. */
  lruShare(memcg: MemcgRef | null): number;
  readonly draw: DrawFn;
}

const isRootRef = (m: MemcgRef | null): boolean => m === null || m.isRoot;

export class MglruNode {
  readonly memcgLru: MemcgLru;
  readonly lruvecs: MglruLruvec[] = [];

  constructor(host: MglruHost) {
    this.memcgLru = new MemcgLru(host.draw);
  }

  /** Brings the memcg list and the generations' totals in line with the node. */
  sync(node: NodeMemory, host: MglruHost): void {
    const walk = host.memcgs();
    for (const m of walk) {
      if (this.lruvecs.some((v) => v.memcg === m)) continue;
      const v: MglruLruvec = { memcg: m, lrugen: new LruGen(), share: 0, gen: 0, seg: 0, list: null };
      this.lruvecs.push(v);
      this.memcgLru.online(v);
    }
    for (let i = this.lruvecs.length - 1; i >= 0; i--) {
      const v = this.lruvecs[i] as MglruLruvec;
      if (walk.includes(v.memcg)) continue;
      this.memcgLru.remove(v);
      this.lruvecs.splice(i, 1);
    }
    let children = 0;
    for (const v of this.lruvecs) {
      if (isRootRef(v.memcg)) continue;
      v.share = Math.max(0, host.lruShare(v.memcg));
      children += v.share;
    }
    const root = this.lruvecs.find((v) => isRootRef(v.memcg));
    if (root) root.share = Math.max(0, 1 - children);
    this.settle(LRU_GEN_FILE, node.file, node.file > 0 ? node.fileMapped / node.file : 0);
    this.settle(LRU_GEN_ANON, node.anon, 0);
  }

  /**
   * Adds or removes pages of `type` so the lruvecs hold `total` between them; `hotRatio` of
   * the added pages are hot (mapped page cache).
   */
  private settle(type: LruGenType, total: number, hotRatio: number): void {
    const held = this.lruvecs.reduce((s, v) => s + v.lrugen.size(type), 0);
    const delta = total - held;
    if (delta === 0 || this.lruvecs.length === 0) return;
    // Largest share (or holding) last, so it takes the rounding remainder.
    const weight = (v: MglruLruvec): number => (delta > 0 ? v.share : held > 0 ? v.lrugen.size(type) / held : 0);
    const order = [...this.lruvecs].sort((a, b) => weight(a) - weight(b));
    let left = Math.abs(delta);
    order.forEach((v, i) => {
      const n = i === order.length - 1 ? left : Math.min(left, Math.floor(Math.abs(delta) * weight(v)));
      if (delta > 0) v.lrugen.add(type, n, Math.floor(n * hotRatio));
      left -= delta > 0 ? n : v.lrugen.remove(type, n);
    });
    // A removal the last lruvec could not cover (it held too little) comes from the others.
    for (const v of this.lruvecs) {
      if (left <= 0 || delta > 0) break;
      left -= v.lrugen.remove(type, left);
    }
  }
}
