/**
 * What one LRU pass reports, wherever it ran (classic shrink_lruvec, MGLRU's shrink_one, a
 * limited memcg's own lruvec): the observer hears the pages reclaimed, and vmstat counts
 * `pgscan_*` / `pgsteal_*` as shrink_inactive_list() and evict_folios() do.
 */
import { countLruPass } from '../vmstat.js';
import { isCgroupReclaim, type ReclaimDeps, type ScanControl } from './scanControl.js';

export interface LruPassCounts {
  readonly scannedFile: number;
  readonly scannedAnon: number;
  readonly reclaimedFile: number;
  readonly reclaimedAnon: number;
}

export function reportLruPass(deps: ReclaimDeps, nid: number, sc: ScanControl, pass: LruPassCounts): void {
  deps.observer?.onLru?.(sc.path, nid, sc.priority, sc.gfpMask, pass.reclaimedFile, pass.reclaimedAnon);
  if (deps.vmstat) {
    countLruPass(
      deps.vmstat,
      { kswapd: sc.path === 'kswapd', cgroup: isCgroupReclaim(sc) },
      { file: pass.scannedFile, anon: pass.scannedAnon },
      { file: pass.reclaimedFile, anon: pass.reclaimedAnon },
    );
  }
}
