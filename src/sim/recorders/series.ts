/**
 * The time series: one row per sample, in time order. Each row's shrinkers carry their
 * cumulative `scanned` and `freed` so far, counted from the same do_shrink_slab outcomes as
 * the statistics (`ShrinkerStats.scanned` / `freed` at the sample's time).
 */
import type { Sample } from '../../report/result.js';
import { emptyArrayLike } from '../../util/objectArray.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';

export class SeriesRecorder implements Recorder {
  readonly name = 'series';
  readonly kinds: readonly SimEventKind[] = ['shrinker_outcome', 'sample'];
  readonly rows: Sample[] = [];
  /**
   * By the machine's shrinker index: Σ nr_scanned and objects freed so far. Packed arrays of
   * bigints from the start, grown by push: every run's arrays then have the one shape the
   * optimized code of earlier runs saw (a `[]` starts as small integers and a write past its
   * end makes it holey).
   */
  private readonly scanned = emptyArrayLike(0n);
  private readonly freed = emptyArrayLike(0n);

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'shrinker_outcome': {
        const r = e.outcome.result;
        if (r.kind === 'skipped') return;
        const i = e.entry;
        const scanned = this.scanned;
        const freed = this.freed;
        while (scanned.length <= i) {
          scanned.push(0n);
          freed.push(0n);
        }
        scanned[i] = (scanned[i] as bigint) + r.stats.scanned;
        freed[i] = (freed[i] as bigint) + r.stats.freed;
        return;
      }
      case 'sample': {
        const s = e.sample;
        this.rows.push({
          ...s,
          shrinkers: s.shrinkers.map((x, i) => ({ ...x, scanned: this.scanned[i] ?? 0n, freed: this.freed[i] ?? 0n })),
        });
        return;
      }
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }
}
