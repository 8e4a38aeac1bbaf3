/**
 * Boot of the simulated machine: the memcg tree, the nodes with their pages and watermarks,
 * and the synthetic caches registered as shrinkers (before Binder's, as filesystems register
 * before a module loaded later). Pure construction; the Machine owns what these return.
 */
import { Memcg, MemcgTree } from '../mm/memcg.js';
import { SyntheticCache } from '../mm/reclaim/caches/syntheticCache.js';
import { NodeMemory } from '../mm/reclaim/nodeMemory.js';
import { zoneWatermarks } from '../mm/reclaim/watermarks.js';
import type { ShrinkerRegistry } from '../mm/shrinker/registry.js';
import type { RegisteredShrinker, ShrinkerView } from '../mm/shrinker/shrinker.js';
import type { BinderShrinker } from '../binder/shrinker.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { rngStream } from './rng.js';

/** One registered shrinker of the machine: a synthetic cache or a Binder driver's. */
export interface ShrinkerEntry {
  readonly reg: RegisteredShrinker<unknown>;
  readonly view: ShrinkerView;
  readonly cache?: SyntheticCache;
  readonly binder?: BinderShrinker;
}

/** The memcg tree, and each scenario memcg by name (`root` included). */
export function buildMemcgs(resolved: ResolvedScenario, nrNodes: number): { memcgs: MemcgTree; byName: Map<string, Memcg> } {
  const memcgs = new MemcgTree({ nrNodeIds: nrNodes, memcgDisabled: !resolved.memcgEnabled });
  const byName = new Map<string, Memcg>([['root', memcgs.root]]);
  if (resolved.memcgEnabled) {
    for (const m of resolved.memcgs) byName.set(m.name, memcgs.create(byName.get(m.parent) ?? memcgs.root, m.name));
  }
  return { memcgs, byName };
}

/** Node `nid`'s share of `total` pages: an even split, the remainder on node 0. */
export function nodeShare(total: number, nid: number, nrNodes: number): number {
  const per = Math.floor(total / nrNodes);
  return per + (nid === 0 ? total - per * nrNodes : 0);
}

/** One NodeMemory per node, with page cache, anon and swap split over them. */
export function buildNodes(resolved: ResolvedScenario, nrNodes: number): NodeMemory[] {
  const m = resolved.memory;
  const nodes: NodeMemory[] = [];
  for (let nid = 0; nid < nrNodes; nid++) {
    const managed = nodeShare(m.totalPages, nid, nrNodes);
    const w = m.watermarks;
    const wmark =
      w.mode === 'derived'
        ? zoneWatermarks(managed, m.totalPages, w.minFreeKbytes, w.watermarkScaleFactor)
        : { min: w.min, low: w.low, high: w.high };
    nodes.push(
      new NodeMemory({
        nid,
        managedPages: managed,
        filePages: nodeShare(m.pageCache, nid, nrNodes),
        fileMappedPages: nodeShare(m.pageCacheMapped ?? 0, nid, nrNodes),
        anonPages: nodeShare(m.anon, nid, nrNodes),
        swapPages: nodeShare(m.swapPages, nid, nrNodes),
        wmark,
      }),
    );
  }
  return nodes;
}

/**
 * Registers the scenario's synthetic caches in order; a `list` cache's objects take slab pages
 * from their nodes. Each cache draws from its own stream `shrinker:<name>`.
 */
export function registerCaches(
  resolved: ResolvedScenario,
  seed: number,
  registry: ShrinkerRegistry,
  memcgs: MemcgTree,
  nodes: readonly NodeMemory[],
): ShrinkerEntry[] {
  const nrNodes = nodes.length;
  const entries: ShrinkerEntry[] = [];
  for (const cfg of resolved.shrinkers) {
    const rng = rngStream(seed, `shrinker:${cfg.name}`);
    let id = -1;
    const cache = new SyntheticCache(cfg, {
      nrNodes,
      memcgs: resolved.memcgEnabled ? memcgs.all() : [memcgs.root],
      draw: () => rng.next(),
      onSublistNonEmpty: (nid, memcg) => {
        if (id >= 0) memcgs.setShrinkerBit(memcg as Memcg, nid, id);
      },
    });
    const reg = registry
      .shrinkerAlloc<unknown>({ name: cfg.name, flags: { numaAware: cfg.numaAware, memcgAware: cfg.memcgAware, nonslab: cfg.nonslab }, priv: undefined })
      .setOps(cache.ops())
      .setSeeks(cfg.seeks)
      .setBatch(cfg.batch)
      .setSymbol(cfg.symbol)
      .register();
    id = reg.core.id;
    for (const s of cache.nonEmptySublists()) memcgs.setShrinkerBit(s.memcg as Memcg, s.nid, id);
    if (cfg.count.source === 'list') {
      for (let nid = 0; nid < nrNodes; nid++) {
        const pages = Math.ceil(Number(cache.objectsOnNode(nid)) / cfg.objectsPerPage);
        nodes[nid]?.take('slab', pages);
      }
    }
    entries.push({ reg, view: reg.view, cache });
  }
  return entries;
}
