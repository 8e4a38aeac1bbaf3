/**
 * `/sys/kernel/debug/shrinker/<name>-<id>/{count,scan}` (mm/shrinker_debug.c; the same in
 * the 6.1 and 6.12 eras apart from locking).
 *
 * count (read): for each memcg in pre-order from the root (skipping offline ones; only the
 * first, root, iteration for a non-memcg-aware shrinker), call count_objects with GFP_KERNEL
 * for node 0 — and for every node if NUMA-aware — with `memcg` set only for memcg-aware
 * shrinkers. EMPTY prints as 0, nodes not asked print 0. A line `<ino> <n0> <n1>…` is
 * printed only if the unsigned sum of its counts is not 0.
 *
 * scan (write): `"<ino> <nid> <nr_to_scan>"` parsed with the kernel's sscanf `"%lu %d %lu"`
 * from at most 71 bytes; then exactly one scan_objects call with nr_to_scan = nr_scanned =
 * N: no count, no batching, no deferred change, no tracepoints; its return is ignored and
 * the write reports every byte it was given.
 */
import { GFP_KERNEL } from '../gfp.js';
import { u64 } from '../kint.js';
import type { Memcg } from '../memcg.js';
import { kscanf } from './kscanf.js';
import { RegisteredShrinker, ShrinkerStateError, type Shrinker } from './shrinker.js';
import type { ShrinkSlabCtx } from './shrinkSlab.js';
import { SHRINK_EMPTY, ShrinkControl } from './types.js';

/** What the debugfs functions accept: a registered handle, or what debugfsLookup returned. */
export type DebugfsTarget<P = unknown> = RegisteredShrinker<P> | Shrinker<P>;

export type DebugfsScanResult =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly errno: 'EINVAL' | 'ENOENT' };

/** `sizeof(kbuf) - 1`: the most of a write the scan file looks at. */
export const DEBUGFS_SCAN_MAX_BYTES = 71;

function entryOf<P>(target: DebugfsTarget<P>): Shrinker<P> {
  const s = target instanceof RegisteredShrinker ? target.core : target;
  if (s.debugfsId < 0) {
    throw new ShrinkerStateError(`shrinker "${s.name}" has no debugfs directory (${s.state})`);
  }
  return s;
}

/** The text a read of `count` returns (possibly empty). */
export function debugfsCount<P>(ctx: ShrinkSlabCtx, target: DebugfsTarget<P>): string {
  const s = entryOf(target);
  const memcgAware = s.flags.memcgAware;
  const nodes = ctx.memcgs.nrNodeIds;
  let out = '';
  for (const memcg of ctx.memcgs.iter()) {
    if (memcg !== null && !memcg.online) continue;
    const counts: bigint[] = [];
    let total = 0n;
    for (let nid = 0; nid < nodes; nid++) {
      let nr = 0n;
      if (nid === 0 || s.flags.numaAware) {
        const sc = new ShrinkControl(GFP_KERNEL, nid, memcgAware ? memcg : null);
        nr = u64(s.ops.countRaw(sc, s.priv));
        if (nr === SHRINK_EMPTY) nr = 0n;
      }
      counts.push(nr);
      total = u64(total + nr);
    }
    if (total !== 0n) out += `${memcg === null ? 0 : memcg.ino} ${counts.join(' ')}\n`;
    if (!memcgAware) break;
  }
  return out;
}

/** A write of `input` to `scan`. */
export function debugfsScan<P>(ctx: ShrinkSlabCtx, target: DebugfsTarget<P>, input: string): DebugfsScanResult {
  const s = entryOf(target);
  const bytes = Buffer.from(input, 'utf8');
  const size = bytes.length;
  const parsed = kscanf(bytes.subarray(0, Math.min(size, DEBUGFS_SCAN_MAX_BYTES)), '%lu %d %lu');
  if (parsed.count !== 3) return { ok: false, errno: 'EINVAL' };
  const [ino, nidBig, nrToScan] = parsed.values as [bigint, bigint, bigint];
  const nid = Number(nidBig);
  if (nid < 0 || nid >= ctx.memcgs.nrNodeIds) return { ok: false, errno: 'EINVAL' };
  if (nrToScan === 0n) return { ok: true, bytes: size };
  let memcg: Memcg | null = null;
  if (s.flags.memcgAware) {
    const m = ctx.memcgs.byIno(ino);
    if (!m || !m.online) return { ok: false, errno: 'ENOENT' };
    memcg = m;
  } else if (ino !== 0n) {
    return { ok: false, errno: 'EINVAL' };
  }
  const sc = new ShrinkControl(GFP_KERNEL, nid, memcg);
  // ShrinkControl carries JS numbers: exact up to 2^53, which no real write exceeds.
  sc.nrToScan = Number(nrToScan);
  sc.nrScanned = Number(nrToScan);
  s.ops.scanRaw(sc, s.priv);
  return { ok: true, bytes: size };
}
