/**
 * Root reclaim of one node under MGLRU (mm/vmscan.c 6.12): `lru_gen_shrink_node` →
 * `shrink_many` → `shrink_one` per memcg, and where `shrink_slab` is called.
 *
 * - `lru_gen_shrink_node`: `set_initial_priority` (root reclaim may start below
 *   DEF_PRIORITY), kswapd counts this pass's reclaim alone, then shrink_many (or, with memcg
 *   disabled, shrink_one on the root lruvec).
 * - `shrink_many`: the old generation of the memcg LRU, from a random bin, every bin once;
 *   each memcg gets shrink_one, then the op it returned is applied when the walk moves on
 *   (memcgLru.ts); the walk ends as soon as `should_abort_scan` says so. A memcg rotated to
 *   the tail of a bin still ahead is visited again in the same walk, a memcg rotated young is
 *   not; so a memcg sees 0, 1 or 2 shrink_slab calls per priority.
 * - `shrink_one`: `try_to_shrink_lruvec`, then `shrink_slab(gfp, nid, memcg, sc->priority)`,
 *   then `flush_reclaim_state` (shrinker-freed pages count in root reclaim); its op: aging
 *   ran → MEMCG_LRU_YOUNG; nothing to age and still sizable at this priority → stay; else one
 *   retry at the tail (MEMCG_LRU_TAIL), and young on the second.
 */
import { reportLruPass } from './lruPass.js';
import { mglruInitialPriority } from './mglru.js';
import { MglruNode, type MglruHost, type MglruLruvec } from './mglruNode.js';
import { getMemcgGen, MEMCG_LRU_TAIL, MEMCG_LRU_YOUNG, MEMCG_NR_BINS, nextInList, type MemcgLruOp } from './memcgLru.js';
import type { MemoryModel, NodeMemory } from './nodeMemory.js';
import type { MemcgRef } from '../shrinker/types.js';
import { flushReclaimState, slabAsSteps, slabCall, type ReclaimDeps, type ScanControl } from './scanControl.js';
import { NO_SCAN_TICK, runSteps, type ReclaimSteps } from '../shrinker/steps.js';
import { inactiveReclaimable } from './shrinkLruvec.js';
import { lruvecIsSizable, mglruSwappiness, shouldAbortScan, tryToShrinkLruvec } from './tryToShrinkLruvec.js';

/** The node's MGLRU state, built on first use and brought up to date with the node. */
export function mglruNodeOf(node: NodeMemory, deps: ReclaimDeps): MglruNode {
  const host = hostOf(deps);
  node.mglru ??= new MglruNode(host);
  node.mglru.sync(node, host);
  return node.mglru;
}

/** Each deps' view as an MGLRU host, made once (not three closures per reclaim pass). */
const hosts = new WeakMap<ReclaimDeps, MglruHost>();
function hostOf(deps: ReclaimDeps): MglruHost {
  let host = hosts.get(deps);
  if (!host) {
    host = {
      memcgs: () => deps.memcgWalk(null),
      lruShare: (memcg: MemcgRef | null) => deps.lruShare?.(memcg) ?? 0,
      draw: deps.draw ?? (() => 0),
    };
    hosts.set(deps, host);
  }
  return host;
}

/** `shrink_one()` (steps: a yield after the LRU pass, and inside kswapd's shrinker calls). */
export function* shrinkOne(mem: MemoryModel, node: NodeMemory, v: MglruLruvec, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<MemcgLruOp> {
  const pass = tryToShrinkLruvec(mem, node, v.lrugen, sc);
  reportLruPass(deps, node.nid, sc, pass);
  yield NO_SCAN_TICK;
  const call = slabCall(sc, node.nid, v.memcg);
  const out = slabAsSteps(deps, sc) ? yield* deps.shrinkSlabSteps(call) : deps.shrinkSlab(call);
  sc.reclaimState += out.slabPagesFreed;
  flushReclaimState(sc, true);
  if (pass.success) return MEMCG_LRU_YOUNG;
  if (lruvecIsSizable(v.lrugen, sc, mglruSwappiness(mem, node, sc))) return 0;
  return v.seg !== MEMCG_LRU_TAIL ? MEMCG_LRU_TAIL : MEMCG_LRU_YOUNG;
}

/** `shrink_many()` */
export function* shrinkMany(mem: MemoryModel, node: NodeMemory, state: MglruNode, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<void> {
  const lru = state.memcgLru;
  const gen = getMemcgGen(lru.seq);
  const firstBin = (deps.draw ?? (() => 0))(MEMCG_NR_BINS);
  let bin = firstBin;
  for (;;) {
    const list = lru.fifo[gen]?.[bin] as MglruLruvec[];
    let op: MemcgLruOp = 0;
    let last: MglruLruvec | undefined;
    let pos: MglruLruvec | undefined = list[0];
    while (pos) {
      if (op && last) {
        lru.rotate(last, op);
        op = 0;
      }
      if (pos.gen !== gen) {
        pos = nextInList(list, pos);
        continue;
      }
      last = pos;
      op = yield* shrinkOne(mem, node, pos, sc, deps);
      if (shouldAbortScan(node, sc)) break;
      pos = nextInList(list, pos);
    }
    if (op && last) lru.rotate(last, op);
    // Stopped inside a list: should_abort_scan ended the walk.
    if (pos) return;
    bin = (bin + 1) % MEMCG_NR_BINS;
    if (bin === firstBin) return;
  }
}

/** `lru_gen_shrink_node()` for root reclaim. */
export function lruGenShrinkNode(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): void {
  runSteps(lruGenShrinkNodeSteps(mem, node, sc, deps));
}

/** `lru_gen_shrink_node()` as steps (kswapd's pass is priced step by step). */
export function* lruGenShrinkNodeSteps(mem: MemoryModel, node: NodeMemory, sc: ScanControl, deps: ReclaimDeps): ReclaimSteps<void> {
  sc.priority = mglruInitialPriority(sc.priority, sc.nrToReclaim, inactiveReclaimable(mem, node, sc.maySwap));
  deps.observer?.onShrinkNode?.(sc.path, sc.task, node.nid, sc.priority);
  const state = mglruNodeOf(node, deps);
  // kswapd judges should_abort_scan on this pass's reclaim alone.
  const reclaimed = sc.nrReclaimed;
  if (sc.path === 'kswapd') sc.nrReclaimed = 0;
  const only = state.lruvecs.length === 1 ? state.lruvecs[0] : undefined;
  if (only && only.memcg === null) yield* shrinkOne(mem, node, only, sc, deps);
  else yield* shrinkMany(mem, node, state, sc, deps);
  if (sc.path === 'kswapd') sc.nrReclaimed += reclaimed;
}
