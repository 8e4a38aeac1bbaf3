/**
 * Memory cgroups as the shrinker core sees them (mm/memcontrol.c + the memcg half of
 * mm/shrinker.c): a tree of memcgs, each with a per-node `shrinker_info` (a bitmap of
 * "this shrinker may have objects here" bits and the per-memcg `nr_deferred` counts of
 * memcg-aware shrinkers), `set_shrinker_bit`, the pre-order `mem_cgroup_iter` walk, and
 * offlining (which reparents deferred work and list_lru items to the parent).
 *
 * Two boot switches, as null-object behaviour rather than `if`s at call sites:
 * - `memcgDisabled` (`cgroup_disable=memory`): `iter()` yields just `null`, no child can be
 *   created, and shrinker_alloc clears SHRINKER_MEMCG_AWARE.
 * - `kmemOnline: false` (`cgroup.memory=nokmem`): slab is not charged to memcgs, so memcg
 *   reclaim only calls SHRINKER_NONSLAB shrinkers, and every memcg's kmem id is −1 (list_lru
 *   then files everything on the node-level list).
 *
 * Identifiers:
 * - `id` is `mem_cgroup_id()`: lowest free from 1 (the root takes 1).
 * - `kmemId` is `memcg_kmem_id()`: −1 for the root (its objects live on the node-level lists),
 *   otherwise equal to `id` (6.0+ sets kmemcg_id = id.id), or −1 when kmem is offline.
 * - `ino` is the cgroup directory's inode number (`mem_cgroup_ino`): 1 for the cgroup v2 root.
 */
import { UserError } from '../util/errors.js';
import { LowestFreeIds } from './shrinker/idr.js';
import type { MemcgRef } from './shrinker/types.js';

/** `SHRINKER_UNIT_BITS`: bitmap and deferred-array granularity (BITS_PER_LONG). */
export const SHRINKER_UNIT_BITS = 64;

/** `round_up(id + 1, 64)`: the map size needed to hold shrinker id `id`. */
export const shrinkerMapSizeFor = (id: number): number =>
  Math.ceil((id + 1) / SHRINKER_UNIT_BITS) * SHRINKER_UNIT_BITS;

/** `struct shrinker_info_unit`: 64 bits of map and 64 deferred counts. */
export class ShrinkerInfoUnit {
  /** One bit per shrinker id `index * 64 + offset`. A bigint so all 64 bits are usable. */
  map = 0n;
  readonly nrDeferred: bigint[] = new Array<bigint>(SHRINKER_UNIT_BITS).fill(0n);
}

/**
 * `struct shrinker_info` of one (memcg, node).
 *
 * Invariants: `mapNrMax` is a multiple of 64 and `units.length === mapNrMax / 64`; expansion
 * keeps every existing unit (bits and deferred counts survive) and appends zeroed ones.
 */
export class ShrinkerInfo {
  mapNrMax = 0;
  readonly units: ShrinkerInfoUnit[] = [];

  expandTo(newNrMax: number): void {
    if (newNrMax <= this.mapNrMax) return;
    while (this.units.length * SHRINKER_UNIT_BITS < newNrMax) this.units.push(new ShrinkerInfoUnit());
    this.mapNrMax = newNrMax;
  }

  private unitOf(id: number): ShrinkerInfoUnit | undefined {
    return id >= 0 && id < this.mapNrMax ? this.units[Math.floor(id / SHRINKER_UNIT_BITS)] : undefined;
  }

  testBit(id: number): boolean {
    const u = this.unitOf(id);
    return u !== undefined && ((u.map >> BigInt(id % SHRINKER_UNIT_BITS)) & 1n) === 1n;
  }

  /** Returns false (and sets nothing) for an id beyond the map: the kernel's WARN_ON_ONCE. */
  setBit(id: number): boolean {
    const u = this.unitOf(id);
    if (!u) return false;
    u.map |= 1n << BigInt(id % SHRINKER_UNIT_BITS);
    return true;
  }

  clearBit(id: number): void {
    const u = this.unitOf(id);
    if (u) u.map &= ~(1n << BigInt(id % SHRINKER_UNIT_BITS));
  }

  /** Set bits in ascending id order (the order `for_each_set_bit` visits them). */
  setBits(): number[] {
    const ids: number[] = [];
    this.units.forEach((u, index) => {
      for (let off = 0; off < SHRINKER_UNIT_BITS && u.map >> BigInt(off) !== 0n; off++) {
        if ((u.map >> BigInt(off)) & 1n) ids.push(index * SHRINKER_UNIT_BITS + off);
      }
    });
    return ids;
  }

  getDeferred(id: number): bigint {
    const u = this.unitOf(id);
    return u ? u.nrDeferred[id % SHRINKER_UNIT_BITS]! : 0n;
  }

  /** `atomic_long_xchg(slot, 0)`. */
  xchgDeferred(id: number): bigint {
    const u = this.unitOf(id);
    if (!u) return 0n;
    const off = id % SHRINKER_UNIT_BITS;
    const old = u.nrDeferred[off]!;
    u.nrDeferred[off] = 0n;
    return old;
  }

  /** `atomic_long_add_return(nr, slot)`: wraps like a 64-bit long. */
  addDeferred(id: number, nr: bigint): bigint {
    const u = this.unitOf(id);
    if (!u) return 0n;
    const off = id % SHRINKER_UNIT_BITS;
    const v = BigInt.asIntN(64, u.nrDeferred[off]! + nr);
    u.nrDeferred[off] = v;
    return v;
  }
}

/** One memory cgroup. Satisfies the `MemcgRef` a ShrinkControl carries. */
export class Memcg implements MemcgRef {
  readonly children: Memcg[] = [];
  /** False once offlined (rmdir): reclaim and debugfs skip it; it stays in the tree (dying). */
  online = true;
  /** Per node `shrinker_info` (index = nid). */
  readonly shrinkerInfo: ShrinkerInfo[];

  constructor(
    readonly id: number,
    readonly ino: number,
    readonly kmemId: number,
    readonly name: string,
    readonly parent: Memcg | null,
    nrNodeIds: number,
    mapNrMax: number,
  ) {
    this.shrinkerInfo = Array.from({ length: nrNodeIds }, () => {
      const info = new ShrinkerInfo();
      info.expandTo(mapNrMax);
      return info;
    });
  }

  get isRoot(): boolean {
    return this.parent === null;
  }

  /** The `shrinker_info` of node `nid` (throws on a node that does not exist: a caller bug). */
  info(nid: number): ShrinkerInfo {
    const info = this.shrinkerInfo[nid];
    if (!info) throw new RangeError(`memcg ${this.name}: no node ${nid}`);
    return info;
  }

  /** The cgroup path, e.g. `/` or `/apps/binder`. */
  get path(): string {
    if (this.parent === null) return '/';
    const up = this.parent.path;
    return up === '/' ? `/${this.name}` : `${up}/${this.name}`;
  }
}

export interface MemcgTreeOptions {
  /** `nr_node_ids`. */
  readonly nrNodeIds: number;
  /** `cgroup_disable=memory`. Default false. */
  readonly memcgDisabled?: boolean;
  /** False models `cgroup.memory=nokmem`. Default true. */
  readonly kmemOnline?: boolean;
  /** Inode number of the root cgroup directory (1 on cgroup v2). */
  readonly rootIno?: number;
}

/** Called on offline, before deferred counts move: the list_lru reparenting hook. */
export type MemcgOfflineHook = (child: Memcg, parent: Memcg) => void;

export type MemcgOfflineResult =
  | { readonly ok: true }
  /** rmdir of the root, of an already offline memcg, or of one with online children. */
  | { readonly ok: false; readonly errno: 'EBUSY' | 'EINVAL' };

export class MemcgTree {
  readonly nrNodeIds: number;
  readonly memcgDisabled: boolean;
  readonly kmemOnline: boolean;
  readonly root: Memcg;
  /**
   * `shrinker_nr_max`: the size of every memcg's shrinker map; grows as
   * `round_up(id + 1, 64)` when a memcg-aware shrinker gets an id beyond it.
   */
  shrinkerNrMax = 0;
  private readonly ids = new LowestFreeIds(1);
  private nextIno: number;
  private readonly hooks: MemcgOfflineHook[] = [];

  constructor(opts: MemcgTreeOptions) {
    if (!Number.isInteger(opts.nrNodeIds) || opts.nrNodeIds < 1) {
      throw new RangeError(`nr_node_ids must be a positive integer, got ${opts.nrNodeIds}`);
    }
    this.nrNodeIds = opts.nrNodeIds;
    this.memcgDisabled = opts.memcgDisabled ?? false;
    this.kmemOnline = opts.kmemOnline ?? true;
    const rootIno = opts.rootIno ?? 1;
    this.root = new Memcg(this.ids.alloc(), rootIno, -1, '', null, this.nrNodeIds, 0);
    this.nextIno = rootIno + 1;
  }

  /**
   * mkdir: a new online child of `parent`. `ino` defaults to the next free number after the
   * largest one handed out so far.
   */
  create(parent: Memcg, name: string, opts: { ino?: number } = {}): Memcg {
    if (this.memcgDisabled) throw new UserError(`memcg "${name}": memory cgroups are disabled (cgroup_disable=memory)`);
    if (!parent.online) throw new UserError(`memcg "${name}": parent ${parent.path} is offline`);
    if (parent.children.some((c) => c.name === name && c.online)) {
      throw new UserError(`memcg "${name}": ${parent.path} already has a child with that name`);
    }
    const ino = opts.ino ?? this.nextIno;
    if (this.byIno(ino)) throw new UserError(`memcg "${name}": inode ${ino} is already in use`);
    this.nextIno = Math.max(this.nextIno, ino + 1);
    const id = this.ids.alloc();
    const memcg = new Memcg(id, ino, this.kmemOnline ? id : -1, name, parent, this.nrNodeIds, this.shrinkerNrMax);
    parent.children.push(memcg);
    return memcg;
  }

  /**
   * `mem_cgroup_iter(root, …)` as a list: `from` first, then its descendants in pre-order
   * (children in creation order). Offline (dying) memcgs are included, as css_tryget still
   * succeeds on them; callers check `online`. With memcg disabled it is `[null]`, which is
   * how drop_slab_node ends up calling shrink_slab once with a NULL memcg.
   */
  iter(from: Memcg = this.root): (Memcg | null)[] {
    if (this.memcgDisabled) return [null];
    const out: Memcg[] = [];
    const visit = (m: Memcg): void => {
      out.push(m);
      for (const c of m.children) visit(c);
    };
    visit(from);
    return out;
  }

  /** Every memcg of the tree, pre-order from the root (even when memcg is disabled). */
  all(): Memcg[] {
    const out: Memcg[] = [];
    const visit = (m: Memcg): void => {
      out.push(m);
      for (const c of m.children) visit(c);
    };
    visit(this.root);
    return out;
  }

  /** `mem_cgroup_get_from_ino()`. */
  byIno(ino: number | bigint): Memcg | undefined {
    return this.all().find((m) => BigInt(m.ino) === BigInt(ino));
  }

  byId(id: number): Memcg | undefined {
    return this.all().find((m) => m.id === id);
  }

  /** The memcg a list_lru sublist index belongs to (−1 is the root / node-level list). */
  byKmemId(kmemId: number): Memcg | undefined {
    if (kmemId < 0) return this.root;
    return this.all().find((m) => m.kmemId === kmemId);
  }

  /** `mem_cgroup_online()`; a NULL memcg (memcg disabled) counts as online. */
  isOnline(memcg: Memcg | null): boolean {
    return memcg === null || memcg.online;
  }

  /**
   * `set_shrinker_bit()`: a no-op for a NULL memcg, the root memcg (its bitmap is never
   * consulted: root reclaim walks the global list) and id < 0 (no shrinker). An id beyond
   * the map is the kernel's WARN_ON_ONCE: nothing is set and false is returned.
   */
  setShrinkerBit(memcg: Memcg | null, nid: number, shrinkerId: number): boolean {
    if (shrinkerId < 0 || memcg === null || memcg.isRoot) return false;
    return memcg.info(nid).setBit(shrinkerId);
  }

  /** Adapter for list_lru's `setShrinkerBit(memcgIdx, nid, id)` callback (memcgIdx = kmem id). */
  setShrinkerBitByKmemId(kmemId: number, nid: number, shrinkerId: number): boolean {
    const memcg = kmemId < 0 ? this.root : this.byKmemId(kmemId);
    return this.setShrinkerBit(memcg ?? null, nid, shrinkerId);
  }

  /**
   * `expand_shrinker_info()`: make room for shrinker id `id` in every memcg on every node.
   * Called by shrinker_alloc under the shrinker mutex, only when `id >= shrinkerNrMax`.
   */
  expandShrinkerInfo(id: number): void {
    const newNrMax = shrinkerMapSizeFor(id);
    if (newNrMax <= this.shrinkerNrMax) return;
    for (const m of this.all()) for (const info of m.shrinkerInfo) info.expandTo(newNrMax);
    this.shrinkerNrMax = newNrMax;
  }

  /** Registers a list_lru reparenting hook; returns a function that removes it. */
  onOffline(hook: MemcgOfflineHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /**
   * rmdir → css offline. Order as mem_cgroup_css_offline: first the kmem side
   * (memcg_offline_kmem → list_lru reparenting, via the hooks), then
   * `reparent_shrinker_deferred` (every child deferred slot added into the parent's, for
   * every node and every id), then the memcg is marked offline.
   */
  offline(memcg: Memcg): MemcgOfflineResult {
    const parent = memcg.parent;
    if (parent === null || !memcg.online) return { ok: false, errno: 'EINVAL' };
    if (memcg.children.some((c) => c.online)) return { ok: false, errno: 'EBUSY' };
    for (const hook of [...this.hooks]) hook(memcg, parent);
    this.reparentShrinkerDeferred(memcg, parent);
    memcg.online = false;
    return { ok: true };
  }

  private reparentShrinkerDeferred(child: Memcg, parent: Memcg): void {
    for (let nid = 0; nid < this.nrNodeIds; nid++) {
      const from = child.info(nid);
      const to = parent.info(nid);
      for (let id = 0; id < from.mapNrMax; id++) {
        const nr = from.getDeferred(id);
        // The child's slot is read, not cleared: the kernel leaves it (the memcg is dying).
        if (nr !== 0n) to.addDeferred(id, nr);
      }
    }
  }

  /**
   * css free of an offline memcg with no children left: it leaves the tree and its id
   * becomes free again (mem_cgroup_id_remove).
   */
  release(memcg: Memcg): boolean {
    const parent = memcg.parent;
    if (parent === null || memcg.online || memcg.children.length > 0) return false;
    const i = parent.children.indexOf(memcg);
    if (i < 0) return false;
    parent.children.splice(i, 1);
    this.ids.free(memcg.id);
    return true;
  }
}
