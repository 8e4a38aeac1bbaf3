/**
 * The time series: one row per sample, in time order. Each row's shrinkers carry their
 * cumulative `scanned` and `freed` so far, counted from the same do_shrink_slab outcomes as
 * the statistics (`ShrinkerStats.scanned` / `freed` at the sample's time).
 */
import type { Sample } from '../../report/result.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';

export class SeriesRecorder implements Recorder {
  readonly name = 'series';
  readonly kinds: readonly SimEventKind[] = ['shrinker_outcome', 'sample'];
  readonly rows: Sample[] = [];
  /** By the machine's shrinker index: Σ nr_scanned and objects freed so far. */
  private readonly scanned: bigint[] = [];
  private readonly freed: bigint[] = [];

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'shrinker_outcome': {
        const r = e.outcome.result;
        if (r.kind === 'skipped') return;
        this.scanned[e.entry] = (this.scanned[e.entry] ?? 0n) + r.stats.scanned;
        this.freed[e.entry] = (this.freed[e.entry] ?? 0n) + r.stats.freed;
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
