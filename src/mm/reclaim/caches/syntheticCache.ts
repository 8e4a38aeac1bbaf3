/**
 * The shrinkers beside Binder's: synthetic caches whose count/scan follow the patterns of
 * real kernel shrinkers, configured by a `ResolvedShrinker`.
 *
 * - `superblock` (super_cache_count/super_cache_scan): count = objects on the sublist, or
 *   SHRINK_EMPTY when there are none; scan returns SHRINK_STOP without __GFP_FS or when its
 *   trylock (super_trylock_shared) fails; batch 1024 as real superblocks set it.
 * - `seeks0`: objects that need no IO to recreate; the core then asks for half of them at
 *   every priority.
 * - `numa`: per-node sublists (SHRINKER_NUMA_AWARE: count/scan only sc->nid's list).
 * - `memcg`: per-memcg sublists (SHRINKER_MEMCG_AWARE): root reclaim sees the root list; the
 *   memcg walk reaches each child's list once its shrinker bit is set.
 * - `custom`: any combination, as declared.
 *
 * Objects are counted, not stored: a sublist is one bigint. The trylock outcome is a draw from
 * the cache's own RNG stream, so adding a cache never perturbs another's draws.
 */
import { __GFP_FS, __GFP_IO } from '../../gfp.js';
import { u64, type ULong } from '../../kint.js';
import {
  CountObjects,
  ScanObjects,
  type CountLimit,
  type CountResult,
  type MemcgRef,
  type ScanResult,
  type ShrinkControl,
  type ShrinkerOps,
} from '../../shrinker/types.js';
import type { CacheCountSource as CountSource, CacheKind as ShrinkerKind, SyntheticCacheConfig } from './cacheConfig.js';

/** What real superblocks set (fs/super.c: `s->s_shrink->batch = 1024`). */
export const SUPERBLOCK_BATCH = 1024;

export interface SyntheticCacheEnv {
  readonly nrNodes: number;
  /** Memcgs with a sublist, root first (only the root when not memcg-aware). */
  readonly memcgs: readonly MemcgRef[];
  /** Uniform draw in [0, 1) from the cache's own stream (`shrinker:<name>`). */
  readonly draw: () => number;
  /** A sublist went from empty to non-empty (list_lru_add → set_shrinker_bit). */
  readonly onSublistNonEmpty?: (nid: number, memcg: MemcgRef) => void;
}

/** Statistics the cache keeps about its own callbacks. */
export interface CacheCallStats {
  fsStops: number;
  ioStops: number;
  trylockStops: number;
}

export class SyntheticCache {
  readonly name: string;
  readonly kind: ShrinkerKind;
  readonly cfg: SyntheticCacheConfig;
  readonly stats: CacheCallStats = { fsStops: 0, ioStops: 0, trylockStops: 0 };
  /** Sublist counts, index = memcgSlot * nodesSlots + nodeSlot. */
  private readonly lists: bigint[];
  private readonly nodeSlots: number;
  private readonly memcgSlot = new Map<number, number>();
  private readonly memcgOf: MemcgRef[];
  /** Freed objects not yet turned into whole pages, per node. */
  private readonly freedCarry: number[];
  /** Pages released by scans, per node, not yet collected by the run loop. */
  private readonly pagesFreed: number[];
  private growthCarry = 0;
  private growCursor = 0;

  constructor(
    cfg: SyntheticCacheConfig,
    private readonly env: SyntheticCacheEnv,
  ) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.kind = cfg.kind;
    this.nodeSlots = cfg.numaAware ? env.nrNodes : 1;
    this.memcgOf = cfg.memcgAware ? [...env.memcgs] : env.memcgs.slice(0, 1);
    this.memcgOf.forEach((m, i) => this.memcgSlot.set(m.id, i));
    this.lists = new Array<bigint>(this.nodeSlots * Math.max(1, this.memcgOf.length)).fill(0n);
    this.freedCarry = new Array<number>(env.nrNodes).fill(0);
    this.pagesFreed = new Array<number>(env.nrNodes).fill(0);
    // INVARIANT: initial objects spread evenly over the sublists (remainder on the first).
    const initial = cfg.count.objects;
    const k = BigInt(this.lists.length);
    for (let i = 0; i < this.lists.length; i++) this.lists[i] = initial / k + (i === 0 ? initial % k : 0n);
  }

  get source(): CountSource['source'] {
    return this.cfg.count.source;
  }

  /** The sublist `sc` addresses: deferred-slot rules (nid' and memcg) apply to lists too. */
  private slotOf(nid: number, memcg: MemcgRef | null): number {
    const n = this.cfg.numaAware ? Math.min(Math.max(nid, 0), this.nodeSlots - 1) : 0;
    const m = this.cfg.memcgAware && memcg !== null && !memcg.isRoot ? (this.memcgSlot.get(memcg.id) ?? -1) : 0;
    if (m < 0) return -1;
    return m * this.nodeSlots + n;
  }

  /** Objects on the sublist of (nid, memcg). */
  countOf(nid: number, memcg: MemcgRef | null): bigint {
    const s = this.slotOf(nid, memcg);
    return s < 0 ? 0n : (this.lists[s] ?? 0n);
  }

  totalObjects(): bigint {
    return this.lists.reduce((a, b) => a + b, 0n);
  }

  /** Objects held on node `nid` (all memcgs). */
  objectsOnNode(nid: number): bigint {
    if (!this.cfg.numaAware) return nid === 0 ? this.totalObjects() : 0n;
    let t = 0n;
    for (let m = 0; m < Math.max(1, this.memcgOf.length); m++) t += this.lists[m * this.nodeSlots + nid] ?? 0n;
    return t;
  }

  count(sc: ShrinkControl): CountResult {
    const limit: CountLimit = this.cfg.countLimit;
    if (this.cfg.count.source === 'fixed') return CountObjects.new(this.cfg.count.objects, limit);
    const n = this.countOf(sc.nid, sc.memcg);
    // super_cache_count says "nothing at all" (clears the memcg bit); list_lru-based counts
    // just return 0, which the core treats as "can't tell" and keeps the bit.
    if (n === 0n) return this.kind === 'superblock' ? CountObjects.EMPTY : CountObjects.UNKNOWN;
    return CountObjects.new(n, limit);
  }

  /** The gfp and trylock checks that open a scan; a reason means SHRINK_STOP. */
  private stopReason(sc: ShrinkControl): 'fs' | 'io' | 'trylock' | null {
    if (this.cfg.needsFs && (sc.gfpMask & __GFP_FS) === 0) return 'fs';
    if (this.cfg.needsIo && (sc.gfpMask & __GFP_IO) === 0) return 'io';
    if (this.cfg.trylockFailRate > 0 && this.env.draw() < this.cfg.trylockFailRate) return 'trylock';
    return null;
  }

  scan(sc: ShrinkControl): ScanResult {
    switch (this.stopReason(sc)) {
      case 'fs':
        this.stats.fsStops++;
        return ScanObjects.STOP;
      case 'io':
        this.stats.ioStops++;
        return ScanObjects.STOP;
      case 'trylock':
        this.stats.trylockStops++;
        return ScanObjects.STOP;
      case null:
        break;
    }
    const ask = BigInt(sc.nrToScan);
    if (this.cfg.count.source === 'fixed') return ScanObjects.freed(this.freedOf(ask));
    const s = this.slotOf(sc.nid, sc.memcg);
    if (s < 0) return ScanObjects.freed(0);
    const have = this.lists[s] ?? 0n;
    // list_lru_shrink_walk visits at most what is there; the rest of nr_to_scan is unused
    // but nr_scanned stays as the core set it (the walk only decrements nr_to_scan).
    const walked = ask < have ? ask : have;
    const freed = this.freedOf(walked);
    this.lists[s] = have - freed;
    this.creditPages(sc.nid, freed);
    return ScanObjects.freed(freed);
  }

  /**
   * Objects freed out of `walked`; the others rotate back to the tail. Exact in bigints:
   * floor(walked × freeRatio) with the ratio as the decimal the scenario wrote (0.3 is 3/10),
   * so counts beyond 2^53 are not rounded and the result never exceeds `walked`.
   */
  private freedOf(walked: bigint): bigint {
    if (this.cfg.freeRatio >= 1) return walked;
    this.ratio ??= decimalRatio(this.cfg.freeRatio);
    return (walked * this.ratio[0]) / this.ratio[1];
  }

  private ratio: readonly [bigint, bigint] | undefined;

  /** Whole slab pages freed, exact in bigints; a per-node count beyond 2^53 saturates. */
  private creditPages(nid: number, freed: bigint): void {
    const node = this.cfg.numaAware ? Math.min(Math.max(nid, 0), this.env.nrNodes - 1) : 0;
    const opp = BigInt(this.cfg.objectsPerPage);
    const carry = BigInt(this.freedCarry[node] ?? 0) + freed;
    const pages = carry / opp;
    this.freedCarry[node] = Number(carry % opp);
    const sum = BigInt(this.pagesFreed[node] ?? 0) + pages;
    this.pagesFreed[node] = sum > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(sum);
  }

  /** Pages released by scans since the last call, per node (the run loop returns them). */
  takePagesFreed(): number[] {
    const out = [...this.pagesFreed];
    this.pagesFreed.fill(0);
    return out;
  }

  /**
   * Bulk scan for the core's fast path: only exact when no call can STOP and every call
   * frees the same way (see `offersBulk`).
   */
  scanMany(sc: ShrinkControl, calls: bigint, each: ULong): ULong {
    if (this.cfg.count.source === 'fixed') return u64(calls * this.freedOf(each));
    const s = this.slotOf(sc.nid, sc.memcg);
    if (s < 0) return 0n;
    const have = this.lists[s] ?? 0n;
    const want = calls * each;
    const freed = want < have ? want : have;
    this.lists[s] = have - freed;
    this.creditPages(sc.nid, freed);
    return freed;
  }

  /** The bulk path is exact only without STOPs and with whole-batch frees. */
  get offersBulk(): boolean {
    return !this.cfg.needsFs && !this.cfg.needsIo && this.cfg.trylockFailRate === 0 &&
      (this.cfg.count.source === 'fixed' || this.cfg.freeRatio >= 1);
  }

  /**
   * Objects grow back at `growth`/s up to `max` (list sources only), spread round-robin over
   * the sublists. Returns the objects added per node so the run loop can charge slab pages.
   */
  grow(dtNs: number): { added: bigint; perNode: bigint[] } {
    const perNode = new Array<bigint>(this.env.nrNodes).fill(0n);
    const c = this.cfg.count;
    if (c.source !== 'list' || c.growth <= 0) return { added: 0n, perNode };
    this.growthCarry += (c.growth * dtNs) / 1e9;
    let add = BigInt(Math.floor(this.growthCarry));
    this.growthCarry -= Number(add);
    const room = c.max - this.totalObjects();
    if (add > room) add = room > 0n ? room : 0n;
    if (add === 0n) return { added: 0n, perNode };
    const k = this.lists.length;
    const base = add / BigInt(k);
    let rem = add % BigInt(k);
    for (let j = 0; j < k; j++) {
      const i = (this.growCursor + j) % k;
      const extra = base + (rem > 0n ? 1n : 0n);
      if (rem > 0n) rem--;
      if (extra === 0n) continue;
      const before = this.lists[i] ?? 0n;
      this.lists[i] = before + extra;
      const node = i % this.nodeSlots;
      perNode[this.cfg.numaAware ? node : 0] = (perNode[this.cfg.numaAware ? node : 0] ?? 0n) + extra;
      if (before === 0n) {
        const memcg = this.memcgOf[Math.floor(i / this.nodeSlots)];
        if (memcg) this.env.onSublistNonEmpty?.(this.cfg.numaAware ? node : 0, memcg);
      }
    }
    this.growCursor = (this.growCursor + 1) % k;
    return { added: add, perNode };
  }

  /** Remove objects (rollback of growth the allocator could not back with pages). */
  shrinkBy(nid: number, n: bigint): void {
    for (let i = 0; i < this.lists.length && n > 0n; i++) {
      if (this.cfg.numaAware && i % this.nodeSlots !== nid) continue;
      const have = this.lists[i] ?? 0n;
      const take = have < n ? have : n;
      this.lists[i] = have - take;
      n -= take;
    }
  }

  /** Sublists that are non-empty at start, for the initial shrinker bits. */
  nonEmptySublists(): { nid: number; memcg: MemcgRef }[] {
    const out: { nid: number; memcg: MemcgRef }[] = [];
    this.lists.forEach((v, i) => {
      const memcg = this.memcgOf[Math.floor(i / this.nodeSlots)];
      if (v > 0n && memcg) out.push({ nid: i % this.nodeSlots, memcg });
    });
    return out;
  }

  /** Typed callbacks for the shrinker registry (private data is the cache itself). */
  ops(): ShrinkerOps<unknown> & { scanMany?: (sc: ShrinkControl, calls: bigint, each: ULong) => ULong } {
    const ops: ShrinkerOps<unknown> & { scanMany?: (sc: ShrinkControl, calls: bigint, each: ULong) => ULong } = {
      count: (sc) => this.count(sc),
      scan: (sc) => this.scan(sc),
    };
    if (this.offersBulk) ops.scanMany = (sc, calls, each) => this.scanMany(sc, calls, each);
    return ops;
  }
}

/**
 * A ratio in (0, 1] as the exact fraction of its shortest decimal text (`String(0.3)` is
 * "0.3" → 3/10; `1e-7` → 1/10^7), which is what the scenario author wrote.
 */
export function decimalRatio(r: number): [bigint, bigint] {
  const m = /^(\d+)(?:\.(\d+))?(?:e([-+]\d+))?$/.exec(String(r));
  if (!m) return [0n, 1n];
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  const num = BigInt(m[1]! + frac);
  return exp >= 0 ? [num * 10n ** BigInt(exp), 1n] : [num, 10n ** BigInt(-exp)];
}
