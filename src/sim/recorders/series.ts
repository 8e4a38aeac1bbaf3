/**
 * The time series: one row per sample, in time order, as the sampler takes them (sampler.ts:
 * each row is a new object, and its shrinkers carry their cumulative `scanned` and `freed`
 * from the machine's totals of the same do_shrink_slab outcomes the statistics count).
 */
import type { Sample } from '../../report/result.js';
import type { Recorder, SimEvent, SimEventKind } from '../recorder.js';

export class SeriesRecorder implements Recorder {
  readonly name = 'series';
  readonly kinds: readonly SimEventKind[] = ['sample'];
  readonly rows: Sample[] = [];

  on(e: SimEvent): void {
    switch (e.kind) {
      case 'sample':
        this.rows.push(e.sample);
        return;
      default:
        // Only the kinds in `kinds` are delivered.
        return;
    }
  }
}
